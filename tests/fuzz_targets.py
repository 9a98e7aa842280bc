"""Fuzz targets: one input generator and one checked call per public entry point.

Shared by the property tests (tests/test_fuzz.py, which hand hypothesis-driven
``random.Random`` objects to the generators, so that failures shrink) and by the
long campaign (scripts/fuzz.py, which runs each target in a worker process so
that an abort or a hang is counted, not fatal).

A check calls the entry point and asserts its invariants. It either returns
(the input was accepted and the output is sound), raises a ``ConsensusNLPError``
(the input was refused on purpose), or raises anything else: an
``AssertionError`` is a broken invariant (a round trip that changed the data,
a NaN, an offset outside the text), any other exception a foreign exception.
"""

from __future__ import annotations

import functools
import json
import math
import os
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = ["凝聚共识", "政协", "委员", "协商", "民主", "监督", "发展", "改革", "乡村振兴", "四个认同", "三大工程：",
         "一是", "二、", "（一）", "第一，", "2021年", "增长6.5%", "１２.５亿元", "“两个维护”", "《提案》", "。", "，", "、",
         "；", "——", "…", "\n", "\r\n", "\u3000", " ", "\t"]
ODD = ["\u2028", "\u2029", "\u0085", "\x7f" * 3, "\x9b", "\x0b", "\x0c", "\x1c", "\x00", "\ufeff", "\u200b", "\u0301", "\u0308", "\u20dd",
       "\udc80", "\ud800", "\udfff", "😀", "🇨🇳", "㈠", "ﬁ", "①", "⼀", "Ａ", "\ue000", "\U000f0000", "\x7f", "\u202e"]
SHAPES = ["1", "三大工程：", "（", "(", "a\u0301", "\u0301", "一是", "“", "12.5%", "第", "、", "\n", "0.", "亿"]
BACKENDS = ("jieba", "rjieba")
TIME_LIMIT = 5.0


def messy(rng: random.Random, max_len: int = 80) -> str:
    """A text mixing the genre's words, characters that break naive code, any code point, and repeated shapes."""
    kind = rng.random()
    if kind < 0.08:  # an adversarial repetition
        return rng.choice(SHAPES) * rng.randint(1, 400) + rng.choice(["", "。", "a", "1"])
    parts = []
    for _ in range(rng.randint(0, max_len // 3)):
        r = rng.random()
        if r < 0.55:
            parts.append(rng.choice(WORDS))
        elif r < 0.8:
            parts.append(rng.choice(ODD))
        else:
            parts.append(chr(rng.randrange(0x110000)))
    return "".join(parts)


def _meta_value(rng: random.Random, depth: int = 0) -> Any:
    r = rng.random()
    if depth < 3 and r < 0.15:
        return [_meta_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 3 and r < 0.25:
        return {messy(rng, 6): _meta_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return rng.choice([None, True, 0, -1, 2**70, 1.5, float("nan"), float("inf"), "", messy(rng, 12)])


# -- generators --------------------------------------------------------------
def gen_decode(rng: random.Random) -> tuple[bytes, str | None]:
    text = messy(rng, 60).replace("\udc80", "").replace("\ud800", "").replace("\udfff", "")
    r = rng.random()
    if r < 0.2:
        data = rng.randbytes(rng.randint(0, 200))
    else:
        codec = rng.choice(["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "shift_jis", "euc_kr", "utf-16", "latin-1"])
        data = text.encode(codec, errors=rng.choice(["ignore", "replace"]))
        if rng.random() < 0.3 and data:  # mutate
            i = rng.randrange(len(data))
            data = data[:i] + rng.randbytes(rng.randint(0, 3)) + data[i + rng.randint(0, 2):]
    forced = rng.choice([None] * 8 + ["utf-8", "gb18030", "big5", "no-such-codec", "utf-16"])
    return data, forced


def check_decode(arg: tuple[bytes, str | None]) -> None:
    from consensus_nlp.io.encoding import decode

    data, forced = arg
    text, encoding = decode(data, encoding=forced)
    assert isinstance(text, str)
    if forced is None:
        assert encoding in ("utf-8", "utf-8-sig", "gb18030"), encoding
        expected = (b"\xef\xbb\xbf" if encoding == "utf-8-sig" else b"") + text.encode("utf-8")
        if encoding != "gb18030":
            assert expected == data


def gen_records(rng: random.Random) -> list[dict[str, Any]]:
    records = []
    for i in range(rng.randint(1, 4)):
        record: dict[str, Any] = {"text": messy(rng, 40)}
        if rng.random() < 0.7:
            record["doc_id"] = f"d{i}" + rng.choice(["", "\u2028", "\udc80", " ", "/"])
        for _ in range(rng.randint(0, 3)):
            record[rng.choice(["year", "speaker", "org", messy(rng, 5) or "k"])] = _meta_value(rng)
        records.append(record)
    return records


def _comparable(value: Any) -> Any:
    """NaN compares unequal to itself: stand it in for equality checks."""
    if isinstance(value, float) and math.isnan(value):
        return "<nan>"
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


@functools.lru_cache(maxsize=1)
def _tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="cn-fuzz-"))


def check_jsonl(records: list[dict[str, Any]]) -> None:
    """Corpus -> to_jsonl -> from_jsonl is exact for every string and value JSON holds."""
    from consensus_nlp import Corpus

    from consensus_nlp.errors import ConsensusNLPError

    corpus = Corpus.from_records(records)
    path = _tmpdir() / f"r{os.getpid()}.jsonl"
    corpus.to_jsonl(path)  # may refuse (a surrogate pair left as two code points)
    try:
        back = Corpus.from_jsonl(path)
    except ConsensusNLPError as exc:  # the library refusing its own file is a broken round trip
        raise AssertionError(f"round trip refused: {exc}") from None
    assert back.doc_ids == corpus.doc_ids
    assert back.texts == corpus.texts
    assert [_comparable(d.to_record()) for d in back] == [_comparable(d.to_record()) for d in corpus]


def gen_jsonl_file(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 4)):
        r = rng.random()
        if r < 0.4:
            lines.append(json.dumps({"text": messy(rng, 20), "k": _meta_value(rng)}, ensure_ascii=rng.random() < 0.5))
        elif r < 0.55:
            depth = rng.choice([5, 99, 101, 1000, 50_000])
            lines.append('{"text": "x", "m": ' + "[" * depth + "]" * depth + "}")
        elif r < 0.7:
            lines.append(rng.choice(["[1]", "5", "null", '"s"', "{", '{"text": 5}', '{"body": "x"}', "", "\r"]))
        else:
            line = json.dumps({"text": messy(rng, 20)}, ensure_ascii=False)
            i = rng.randrange(len(line) + 1)
            lines.append(line[:i] + rng.choice(ODD + ["\\", '"', "}", "\\u12"]) + line[i:])
    return rng.choice(["\n", "\r\n"]).join(lines)


def check_jsonl_file(content: str) -> None:
    from consensus_nlp import Corpus

    path = _tmpdir() / f"f{os.getpid()}.jsonl"
    path.write_bytes(content.encode("utf-8", errors="surrogatepass"))
    corpus = Corpus.from_jsonl(path)
    assert all(isinstance(t, str) for t in corpus.texts)


def gen_junk_records(rng: random.Random) -> tuple[str, Any, dict[str, Any]]:
    import pandas as pd

    junk = [5, None, "text", b"x", {"text": "x"}, [5], [None], [{"body": "x"}], [{"text": None}], [{"text": b"x"}],
            [{"text": "x", "doc_id": pd.NA}], [{"text": "x", "doc_id": float("nan")}], [{"text": "x", "doc_id": []}],
            [{"body": "正文", "text": "元数据"}], [{"text": "a", "doc_id": "d"}, {"text": "b", "doc_id": "d"}],
            pd.DataFrame({"text": ["x"]}), [{"text": "x", 5: "int key"}], iter([{"text": "x"}]), (r for r in [5])]
    how = rng.choice(["records", "dataframe", "files", "meta", "filter", "assign", "duplicates"])
    kwargs = {}
    if how == "records":
        kwargs = rng.choice([{}, {"text": "body"}, {"doc_id": "id"}, {"text": 5}, {"text": "text", "doc_id": "text"}])
    return how, rng.choice(junk) if rng.random() < 0.6 else gen_records(rng), kwargs


def check_junk_records(arg: tuple[str, Any, dict[str, Any]]) -> None:
    import pandas as pd

    from consensus_nlp import Corpus

    how, value, kwargs = arg
    if how == "records":
        Corpus.from_records(value, **kwargs)
    elif how == "dataframe":
        try:  # pandas itself refuses some values (lone surrogates in arrow strings): not ours to test
            frame = value if isinstance(value, pd.DataFrame) else pd.DataFrame(value if isinstance(value, list) else [value])
        except Exception:  # noqa: BLE001
            return
        Corpus.from_dataframe(frame, doc_id=None)
    elif how == "files":
        Corpus.from_files(value)
    elif how == "meta":
        Corpus([], meta=value)
    else:
        corpus = Corpus.from_records([{"text": "甲", "year": 1991}, {"text": "乙", "year": 2003}])
        if how == "filter":
            corpus.filter(value) if not isinstance(value, (list, type(None))) else corpus.filter(year=value)
        elif how == "assign":
            corpus.assign(new=value)
        else:
            assert corpus.duplicates().empty


def check_normalize(text: str) -> None:
    from consensus_nlp import normalize

    n = normalize(text)
    last = (0, 0)
    for i in range(len(n.text)):
        start, end = n.source_span(i, i + 1)
        assert 0 <= start < end <= len(text)
        assert start >= last[1] or (start, end) == last
        last = (start, end)


#: user words for the segmenter: a few fixed sets, because each set builds a dictionary (seconds)
USER_WORDS = ((), ("凝聚共识", "三大工程"), ("凝聚共识", "协商\udc80民主", "a\u0301", "\u2028", "词 ²"))


@functools.lru_cache(maxsize=None)
def segmenter(backend: str, user_words: tuple[str, ...] = ()):
    from consensus_nlp import Segmenter

    return Segmenter(backend=backend, user_words=user_words)


def warm_up() -> None:
    """Import the heavy libraries and build the segmenters before the clock runs (scripts/fuzz.py workers)."""
    import importlib

    for name in ("pandas", "numpy", "scipy.stats", "sklearn.decomposition", "gensim", "tomotopy", "yaml",
                 "consensus_nlp.models.topics", "consensus_nlp.models.emphasis", "consensus_nlp.devices"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    for backend in BACKENDS:
        segmenter(backend).cut("凝聚共识")


def gen_cut(rng: random.Random) -> tuple[str, str, tuple[str, ...]]:
    return rng.choice(BACKENDS), messy(rng), rng.choice(USER_WORDS) if rng.random() < 0.1 else ()


def check_cut(arg: tuple[str, str, tuple[str, ...]]) -> None:
    backend, text, user_words = arg
    seg = segmenter(backend, user_words)
    words = seg.cut(text)
    assert all(isinstance(w, str) and w for w in words)
    end = 0
    for t in seg.tokenize(text):  # the token's text is normalized (ﬁ -> fi); its offsets point into ``text``
        assert end <= t.start < t.end <= len(text) and t.text
        end = t.end


def gen_tokenize(rng: random.Random) -> tuple[str, list[str], dict[str, Any]]:
    kwargs = {"drop_punct": rng.random() < 0.5, "drop_numbers": rng.random() < 0.5,
              "stopwords": rng.choice([None, "default", {"的", "协商"}])}
    return rng.choice(BACKENDS), [messy(rng, 40) for _ in range(rng.randint(1, 3))], kwargs


def check_tokenize(arg: tuple[str, list[str], dict[str, Any]]) -> None:
    from consensus_nlp import tokenize

    backend, texts, kwargs = arg
    toks = tokenize(texts, segmenter=segmenter(backend), progress=False, **kwargs)
    for text, doc in zip(texts, toks.tokens):
        end = 0
        for t in doc:
            assert end <= t.start < t.end <= len(text) and t.text
            end = t.end


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isnan(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


def check_tag(text: str) -> None:
    from consensus_nlp import tag

    devices = tag(text)  # a DataFrame (doc_id, kind, label, start, end, text, attrs)
    for start, end, found, attrs in zip(devices["start"], devices["end"], devices["text"], devices["attrs"]):
        assert 0 <= start <= end <= len(text) and text[start:end] == found, (start, end, found)
        assert _finite(attrs), attrs


def check_outline(text: str) -> None:
    from consensus_nlp import outline

    last = 0
    for item in outline(text):
        assert last <= item.start <= item.end <= len(text), item
        last = item.start


@functools.lru_cache(maxsize=1)
def _page_lines() -> tuple[str, ...]:
    shared = Path(os.environ.get("CONSENSUS_NLP_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
    page = shared / "corpora" / "gansu-cppcc-2021" / "page.txt"
    if page.is_file():
        return tuple(page.read_text(encoding="utf-8").split("\n"))
    return ("张三 某某县政协党组书记、主席", "凝聚共识，推动发展。", "（发言摘登）")


def gen_page(rng: random.Random) -> str:
    lines = list(_page_lines())
    if rng.random() < 0.5:
        start = rng.randrange(len(lines))
        lines = lines[start:start + rng.randint(1, 80)]
    for _ in range(rng.randint(0, 6)):
        op, i = rng.random(), rng.randrange(len(lines) + 1)
        if op < 0.3:
            lines.insert(i, messy(rng, 30))
        elif op < 0.5 and lines:
            del lines[min(i, len(lines) - 1)]
        elif op < 0.7 and lines:
            j = min(i, len(lines) - 1)
            lines[j] = lines[j] + rng.choice(SHAPES) * rng.randint(1, 60)
        else:
            lines.insert(i, rng.choice(lines) if lines else "")
    return rng.choice(["\n", "\r\n"]).join(lines)


def check_page(text: str) -> None:
    from consensus_nlp import parse_page

    corpus = parse_page(text)
    assert len(corpus) >= 1 and all(d.text for d in corpus)


def gen_model_input(rng: random.Random) -> dict[str, Any]:
    """Token lists, groups, and parameters of dtm/keyness/emphasis/fit_topics: valid ones, and now and then one odd value."""
    vocab = ["协商", "发展", "民主", "监督", "改革", "共识", "政协", "委员", "x"]
    docs = [[rng.choice(vocab) for _ in range(rng.randint(0, 8))] for _ in range(rng.randint(1, 6))]
    odd = [None, float("nan"), float("inf"), -1, 0, 1e-300, 2**64, "x", True, -0.0, 1e308]
    spec = {
        "docs": docs,
        "groups": [rng.choice(["a", "b", "c"]) for _ in docs],
        "dtm": {"weighting": rng.choice(["count", "tfidf"]), "min_docs": rng.choice([1, 1, 2]),
                "max_doc_share": rng.choice([1.0, 1.0, 0.9]), "max_terms": rng.choice([None, None, 3])},
        "keyness": {"target": rng.choice([{"group": "a"}, {"group": ["a", "b"]}, ["d0"]]),
                    "measure": rng.choice(["chi2", "g2"]), "correction": rng.choice(["default", "yates", "williams", "none"])},
        "emphasis": {"per": rng.choice([1000, 1, 100]), "themes": rng.choice([{"a": ["协商", "发*"]}, {"b": ["re:^民", "共识 x"]},
                                                                            "cppcc"])},
        "topics": {"k": rng.choice([2, 2, 3]), "engine": rng.choice(["tomotopy", "gensim", "sklearn"]),
                   "alpha": rng.choice([None, 0.1, 1.0, 50.0]), "eta": rng.choice([None, 0.01, 1.0]),
                   "random_state": rng.choice([0, 1, 2**31 - 1]), "iterations": rng.choice([5, 20, None])},
    }
    for _ in range(rng.choice([0, 0, 1, 1, 2])):  # odd values
        stage = rng.choice(["dtm", "keyness", "emphasis", "topics"])
        key = rng.choice(list(spec[stage]))
        spec[stage][key] = rng.choice(odd + [{"group": "zz"}, "d0", 5, "bogus", {"c": ["re:("]}, {}, 200, 1, 1.5])
    return spec


def _no_nan_frame(frame) -> None:
    import numpy as np

    numeric = frame.select_dtypes(include=[np.number])
    assert not np.isnan(numeric.to_numpy(dtype=float)).any(), frame


def check_dtm_keyness(spec: dict[str, Any]) -> None:
    from consensus_nlp import Corpus, dtm, keyness, tokenize

    corpus = Corpus.from_records([{"doc_id": f"d{i}", "text": " ".join(d) or "。", "group": g}
                                  for i, (d, g) in enumerate(zip(spec["docs"], spec["groups"]))])
    tokens = tokenize(corpus, segmenter=segmenter("jieba"), progress=False)
    matrix = dtm(tokens, **spec["dtm"])
    import numpy as np

    assert np.isfinite(matrix.matrix.data).all()
    _no_nan_frame(keyness(matrix, **spec["keyness"]))


def check_emphasis(spec: dict[str, Any]) -> None:
    from consensus_nlp import Corpus, emphasis, tokenize

    corpus = Corpus.from_records([{"doc_id": f"d{i}", "text": "".join(d) or "。", "group": g}
                                  for i, (d, g) in enumerate(zip(spec["docs"], spec["groups"]))])
    tokens = tokenize(corpus, segmenter=segmenter("jieba"), progress=False)
    result = emphasis(tokens, by="group", **spec["emphasis"])
    for frame in (result.rates, result.counts) if hasattr(result, "rates") else (result,):
        _no_nan_frame(frame)


def check_topics(spec: dict[str, Any]) -> None:
    import numpy as np

    from consensus_nlp import dtm, fit_topics

    matrix = dtm(spec["docs"])
    model = fit_topics(matrix, **spec["topics"])
    assert np.isfinite(np.asarray(model.topic_word_, dtype=float)).all()
    assert np.isfinite(np.asarray(model.doc_topic_, dtype=float)).all()
    _no_nan_frame(model.top_terms())


def gen_themes(rng: random.Random) -> tuple[str, Any]:
    entry = lambda: rng.choice(["认同", "文化*", "re:^提案", "有事 好 商量", "", 5, True, None, ["认同", "政治"], {"a": 1},
                                "re:(", "re:[", "*", messy(rng, 6)])
    theme = lambda: rng.choice([[entry() for _ in range(rng.randint(0, 3))],
                                {"entries": [entry() for _ in range(rng.randint(0, 3))],
                                 "label": rng.choice(["认同", None, 5]), rng.choice(["rationale", "entires"]): "x"},
                                entry()])
    data: Any = {messy(rng, 6) or "t": theme() for _ in range(rng.randint(0, 3))}
    if rng.random() < 0.3:
        data = {"name": "x", "themes": rng.choice([data, [data], "x", None])}
    form = rng.choice(["dict", "yaml", "toml", "bytes"])
    if form == "yaml":
        import yaml

        text = yaml.safe_dump(data, allow_unicode=True)
        if rng.random() < 0.4:
            i = rng.randrange(len(text) + 1)
            text = text[:i] + rng.choice([":", "- ", "[", "\t", "'", "\udc80", "&a *a", "!!python/object:os.system"]) + text[i:]
        return "yaml", text
    if form == "toml":
        return "toml", rng.choice(['[themes.a]\nentries = ["认同"]\n', "a = [\n", 'a = ["x", 1]\n', "[a]\nb = 1\n",
                                   'a = ["认同"]\nlabel = 5\n'])
    if form == "bytes":
        return "yaml", rng.randbytes(rng.randint(0, 40)).decode("latin-1")
    return "dict", data


def check_themes(arg: tuple[str, Any]) -> None:
    from consensus_nlp import load_themes

    form, data = arg
    if form == "dict":
        themes = load_themes(data)
    else:
        path = _tmpdir() / f"t{os.getpid()}.{form}"
        path.write_bytes(data.encode("utf-8", errors="surrogateescape") if isinstance(data, str) else data)
        themes = load_themes(path)
    assert themes.names and all(all(isinstance(e, str) and e for e in v) for v in themes.entries.values())


#: name -> (generator, check)
TARGETS: dict[str, tuple[Callable[[random.Random], Any], Callable[[Any], None]]] = {
    "decode": (gen_decode, check_decode),
    "jsonl_round_trip": (gen_records, check_jsonl),
    "from_jsonl": (gen_jsonl_file, check_jsonl_file),
    "records": (gen_junk_records, check_junk_records),
    "normalize": (messy, check_normalize),
    "cut": (gen_cut, check_cut),
    "tokenize": (gen_tokenize, check_tokenize),
    "tag": (lambda rng: messy(rng, 120), check_tag),
    "outline": (lambda rng: messy(rng, 120), check_outline),
    "parse_page": (gen_page, check_page),
    "dtm_keyness": (gen_model_input, check_dtm_keyness),
    "emphasis": (gen_model_input, check_emphasis),
    "fit_topics": (gen_model_input, check_topics),
    "load_themes": (gen_themes, check_themes),
}
