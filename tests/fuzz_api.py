"""A generative fuzzer over the whole public API (issue 23, item 3).

Every public callable of ``consensus_nlp`` is found by introspection: the functions
and classes of ``cn.__all__``, the public functions of its public submodules
(``cn.plot``, ``cn.fonts``, ``cn.errors``) and the public methods of its classes
(called on a small valid instance). A call is built from the callable's signature:
each parameter gets a valid value for its name (``GOOD``) or, now and then, an
adversarial one (``hostile``: huge ints, NaN/inf, wrong types, lone surrogates,
pathological regular expressions, odd DataFrames, missing and malformed files,
PDFs mutated with pypdf, decompression bombs). Calls are built from a
``random.Random``, so ``(seed, target, index)`` replays one (scripts/fuzz.py).

The check runs the call and then the output's invariants: no NaN in a result
(a float, a Series, a DataFrame's numeric columns that are not the user's
metadata), offsets of tokens and devices inside the text and matching it,
corpora of str texts with unique ids. It returns (accepted), raises a
``ConsensusNLPError`` (refused) or anything else (an ``AssertionError`` is a
broken invariant; any other exception is foreign).

Targets are named ``api:<callable>`` (``api:tag``, ``api:Tokens.kwic``…): ``TARGETS``.
"""

from __future__ import annotations

import functools
import inspect
import io
import math
import os
import random
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fuzz_targets import ODD, messy

SENTENCES = ["凝聚共识，推动发展。", "坚持和完善中国共产党领导的多党合作和政治协商制度。", "一是加强思想政治引领；二是提高协商议政质量。",
             "（一）围绕中心工作建言资政", "2021年全县GDP增长6.5%。", "“四个认同”不断增强。", "张三 县政协主席",
             "有事好商量，众人的事情由众人商量。"]
#: callables left out, with the reason (each is fuzzed elsewhere or has no input)
LEFT_OUT = {
    "analyze": "writes a whole report folder (seconds per call); tests/test_outputs.py and the CLI tests cover it",
    "LazyCorpus.to_bag": "dask's own object", "TopicModel.to_pyldavis": "pyLDAvis's own object",
    "TopicModel.save_pyldavis": "pyLDAvis's own output", "fonts.cjk_font": "matplotlib's font manager (seconds a call)",
    "fonts.cjk_family": "idem",
}
#: classes whose instances the library makes from its own arrays (results, records): their methods are
#: fuzzed on real instances, their constructors are not public entry points
MADE_BY_THE_LIBRARY = ("Tokens", "Tokens.from_arrays", "DTM", "TopicModel", "GroupRates", "Emphasis", "FCM",
                       "NormalizedText", "DocVars", "LazyCorpus", "OutlineItem", "Device", "Token", "Regression",
                       "LazyTokens")
#: targets whose calls take long (topic models, plots): fewer inputs in the campaign
SLOW = ("fit_topics", "select_k", "TopicModel.", "plot.", "LazyCorpus.", "trends", "load_corpus", "read_pdf", "cluster")


# -- fixtures: small valid objects, built once per worker ------------------------------------------------------
@functools.lru_cache(maxsize=1)
def tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="cn-fuzz-api-"))


@functools.lru_cache(maxsize=None)
def corpus(kind: str = "plain"):
    import consensus_nlp as cn

    if kind == "gansu":
        base = cn.load_corpus("gansu-cppcc-2021")
        return base.assign(n=list(range(len(base))), year=[2019 + i % 3 for i in range(len(base))])
    records = [{"doc_id": f"d{i}", "text": SENTENCES[i % len(SENTENCES)] * (1 + i % 3), "year": 2019 + i % 3,
                "organization": "县政协" if i % 2 else "市政协", "n": i} for i in range(6)]
    if kind == "odd":  # metadata a user may really have: NaN years, dicts, lists, None, huge ints
        odd = [float("nan"), {"a": 1}, [1, 2], None, 2**70, "二〇二一"]
        records = [{**r, "year": odd[i], "g": odd[(i + 1) % 6]} for i, r in enumerate(records)]
        records[3]["text"] = "a" * 30  # one long token for pathological regular expressions
    if kind == "broken":  # a lone surrogate, as a file decoded with errors="surrogateescape" gives
        records[4]["text"] = "凝聚\ud800共识"
    return cn.Corpus.from_records(records)


@functools.lru_cache(maxsize=None)
def tokens(kind: str = "plain"):
    import consensus_nlp as cn

    return cn.tokenize(corpus(kind), segmenter=segmenter(), progress=False)


@functools.lru_cache(maxsize=None)
def segmenter(backend: str = "jieba"):
    import consensus_nlp as cn

    return cn.Segmenter(backend=backend)


@functools.lru_cache(maxsize=None)
def matrix(kind: str = "plain"):
    import consensus_nlp as cn

    return cn.dtm(tokens(kind))


@functools.lru_cache(maxsize=None)
def topic_model(engine: str = "tomotopy"):
    import consensus_nlp as cn

    return cn.fit_topics(matrix("gansu"), k=2, engine=engine, iterations=10, random_state=0,
                         covariates=["year"] if engine == "gdmr" else None)


@functools.lru_cache(maxsize=None)
def devices(kind: str = "plain"):
    import consensus_nlp as cn

    return cn.tag(corpus(kind))


INSTANCES = ("Corpus", "Tokens", "DTM", "Document", "DocVars", "NormalizedText", "Segmenter", "FCM", "Emphasis",
             "GroupRates", "TopicModel", "LazyCorpus", "PageRules")


def _instance(cls_name: str, rng: random.Random) -> Any:
    import consensus_nlp as cn

    kind = rng.choice(["plain", "plain", "odd", "gansu"])
    if cls_name in ("Corpus", "Tokens", "Document") and rng.random() < 0.2:
        kind = "broken"
    make = {
        "Corpus": lambda: corpus(kind), "Tokens": lambda: tokens(kind), "DTM": lambda: matrix(kind),
        "Document": lambda: corpus(kind)[0], "DocVars": lambda: cn.DocVars.of(list(corpus(kind))),
        "NormalizedText": lambda: cn.normalize(rng.choice(SENTENCES) + rng.choice(ODD) + rng.choice(SENTENCES)),
        "Segmenter": lambda: segmenter(rng.choice(["jieba", "rjieba"])),
        "FCM": lambda: cn.fcm(tokens(kind), window=2),
        "Emphasis": lambda: cn.emphasis(tokens(kind), by=rng.choice(["year", "organization"]) if kind != "odd" else "year"),
        "GroupRates": lambda: rng.choice([lambda: cn.device_rates(devices(kind), corpus(kind), by="year"),
                                          lambda: cn.emphasis(tokens(kind), by="year")])(),
        "TopicModel": lambda: topic_model(rng.choice(["tomotopy", "gensim", "sklearn", "gdmr"])),
        "LazyCorpus": lambda: cn.LazyCorpus.from_corpus(corpus(kind), npartitions=2),
        "PageRules": lambda: cn.PageRules(),
    }
    return make[cls_name]()


# -- files ------------------------------------------------------------------------------------------------------
def _write(name: str, data: bytes) -> Path:
    path = tmpdir() / f"{os.getpid()}-{name}"
    path.write_bytes(data)
    return path


def raw_pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF file from its objects (``objects[i]`` is object i + 1), with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref))
    return out.getvalue()


def _page(contents: int | None, mediabox: bytes | None = b"[0 0 200 200]", parent: int = 2) -> bytes:
    box = b"" if mediabox is None else b" /MediaBox " + mediabox
    content = b"" if contents is None else b" /Contents %d 0 R" % contents
    return b"<< /Type /Page /Parent %d 0 R%s%s /Resources << >> >>" % (parent, box, content)


def _stream(data: bytes, *, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


@functools.lru_cache(maxsize=None)
def bad_pdf(kind: str) -> Path:
    """Malformed PDFs of the kinds an independent fuzzer found (issue 23)."""
    text = _stream(b"BT /F1 12 Tf 10 10 Td (abc) Tj ET")
    if kind == "bomb":  # one content stream that inflates to 64 MB
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(4),
                   _stream(b" " * (64 << 20), compress=True)]
    elif kind == "deep":  # a page tree 5,000 levels deep
        depth = 5000
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
        for level in range(depth):
            number = level + 2
            objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1%s >>" % (number + 1, b"" if level == 0 else b" /Parent %d 0 R" % (number - 1)))
        objects.append(_page(depth + 3, parent=depth + 1))
        objects.append(text)
    elif kind in ("no-mediabox", "bad-mediabox", "nan-mediabox", "huge-mediabox"):
        box = {"no-mediabox": None, "bad-mediabox": b"[0 0 (a) /B]", "nan-mediabox": b"[0 0 1e400 -1e999]",
               "huge-mediabox": b"[0 0 99999999999999999999999 1]"}[kind]
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", _page(4, box), text]
    elif kind == "many-pages":  # 20,000 pages
        n = 20000
        kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n)]
        objects += [_page(None) for _ in range(n)]
    elif kind == "cycle":  # a page tree whose kid is its own parent
        objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    else:
        raise KeyError(kind)
    return _write(f"{kind}.pdf", raw_pdf(objects))


@functools.lru_cache(maxsize=1)
def valid_pdf() -> Path:
    """A real page of speeches, typeset with reportlab (tests/pdf_pages.py)."""
    from pdf_pages import Article, Design, make_pdf

    design = Design([Article(["以协商凝聚共识"], ["李红梅（兰州市政协主席）：地方政协要发挥专门协商机构作用，围绕群众关心的问题开展协商。"]),
                     Article(["建好用好数字平台"], ["全国政协常委王志刚：要加快农村数字基础设施建设，推动电子商务进村入户。"])],
                    columns=2, width=600, height=800)
    return make_pdf(tmpdir() / f"{os.getpid()}-valid.pdf", design)


def mutated_pdf(rng: random.Random) -> Path:
    """The valid PDF mutated with pypdf (page boxes, rotation, resources, contents) or byte by byte."""
    data = valid_pdf().read_bytes()
    how = rng.choice(["pypdf", "pypdf", "bytes", "truncate"])
    if how == "truncate":
        data = data[: rng.randrange(len(data))]
    elif how == "bytes":
        data = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            i = rng.randrange(len(data))
            data[i] = rng.randrange(256)
        data = bytes(data)
    else:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import ArrayObject, FloatObject, NameObject, NullObject, NumberObject, TextStringObject

        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        page = writer.pages[0]
        op = rng.choice(["mediabox", "no-mediabox", "rotate", "resources", "contents", "cropbox"])
        values = [NumberObject(0), FloatObject(1e30), FloatObject(-5), TextStringObject("x"), NullObject(), NumberObject(2**62)]
        if op == "mediabox":
            page[NameObject("/MediaBox")] = ArrayObject([rng.choice(values) for _ in range(rng.choice([0, 2, 4, 4, 6]))])
        elif op == "no-mediabox":
            for holder in (page, writer._root_object["/Pages"]):
                if "/MediaBox" in holder:
                    del holder["/MediaBox"]
        elif op == "cropbox":
            page[NameObject("/CropBox")] = ArrayObject([rng.choice(values) for _ in range(4)])
        elif op == "rotate":
            page[NameObject("/Rotate")] = rng.choice([NumberObject(45), NumberObject(-90), TextStringObject("x"), FloatObject(1e300)])
        elif op == "resources":
            page[NameObject("/Resources")] = rng.choice([NullObject(), NumberObject(5), ArrayObject([])])
        else:
            page[NameObject("/Contents")] = rng.choice([NullObject(), NumberObject(5), ArrayObject([NumberObject(1)])])
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    return _write(f"mut{rng.randrange(8)}.pdf", data)


def text_file(rng: random.Random, suffix: str = ".txt") -> Path:
    from fuzz_targets import gen_page

    body = gen_page(rng) if rng.random() < 0.6 else messy(rng, 60)
    try:
        data = body.encode(rng.choice(["utf-8", "gb18030", "utf-16"]), errors="surrogatepass")
    except UnicodeEncodeError:  # gb18030 refuses lone surrogates whatever the error handler
        data = body.encode("utf-8", errors="surrogatepass")
    return _write(f"t{rng.randrange(4)}{suffix}", data)


def parquet_file(rng: random.Random) -> Path:
    how = rng.choice(["valid", "valid", "not-parquet", "no-text", "odd-doc-id", "truncated"])
    import pandas as pd

    frame = pd.DataFrame({"doc_id": ["a", "b"], "text": ["凝聚共识", "协商民主"], "year": [2020, 2021]})
    if how == "not-parquet":
        return _write("x.parquet", b"PAR1 not really" if rng.random() < 0.5 else rng.randbytes(50))
    if how == "no-text":
        frame = frame.drop(columns="text")
    if how == "odd-doc-id":
        frame["doc_id"] = rng.choice([[1, 2], ["a", "a"], [None, "b"]])
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    data = buffer.getvalue()
    if how == "truncated":
        data = data[: len(data) // 2]
    return _write(f"p{rng.randrange(4)}.parquet", data)


def path_value(rng: random.Random, suffix: str = ".txt") -> Any:
    r = rng.random()
    if suffix == ".pdf" or r < 0.1:
        return rng.choice([lambda: valid_pdf(), lambda: mutated_pdf(rng), lambda: mutated_pdf(rng),
                           lambda: bad_pdf(rng.choice(["bomb", "deep", "no-mediabox", "bad-mediabox", "nan-mediabox",
                                                       "huge-mediabox", "many-pages", "cycle"]))])()
    if suffix == ".parquet":
        return parquet_file(rng)
    if r < 0.2:
        return rng.choice([tmpdir(), tmpdir() / "missing.txt", "", "\ud800.txt", "a\x00b", 5, None, b"x.txt", "/dev/null"])
    if suffix == ".jsonl":
        from fuzz_targets import gen_jsonl_file

        return _write(f"j{rng.randrange(4)}.jsonl", gen_jsonl_file(rng).encode("utf-8", errors="surrogatepass"))
    return text_file(rng, suffix)


# -- values ---------------------------------------------------------------------------------------------------
PATHOLOGICAL_REGEX = ["((a+)+)+c", "(a|aa)*b", "(a*)*$", "(x+x+)+y", "^(\\w+\\s?)*$", "(.*a){20}", "re:((a+)+)+c", "(", "[",
                      "*", "a{99999999999}", "(?P<x>a)(?P=y)", "\\", "(?<=a+)b"]


def huge_int(rng: random.Random) -> Any:
    return rng.choice([2**31, 2**63, -(2**63) - 1, 2**64, 10**400, -10**400, 2**1000, 10**18])


def hostile(rng: random.Random) -> Any:
    """A value no parameter should take without a clear refusal."""
    import numpy as np
    import pandas as pd

    return rng.choice([
        lambda: None, lambda: True, lambda: 0, lambda: -1, lambda: huge_int(rng), lambda: float("nan"),
        lambda: float("inf"), lambda: -float("inf"), lambda: 1e308, lambda: -0.0, lambda: 1e-300, lambda: "",
        lambda: "x", lambda: "\ud800", lambda: "张三 县政协主席\n\ud800", lambda: messy(rng, 30), lambda: b"bytes",
        lambda: [], lambda: [None], lambda: [float("nan")], lambda: {}, lambda: {"a": 1}, lambda: {"a": {"b": [1]}},
        lambda: object(), lambda: np.int64(2**62), lambda: np.float64("nan"), lambda: np.array([1, 2]), lambda: pd.NA,
        lambda: pd.DataFrame({"a": [1, None]}), lambda: pd.Series([1.0, float("nan")]), lambda: (x for x in "ab"),
        lambda: (lambda *a, **k: None), lambda: (lambda *a, **k: 5), lambda: rng.choice(PATHOLOGICAL_REGEX),
        lambda: tmpdir() / "missing.txt", lambda: tmpdir(), lambda: "year", lambda: ["year", "year"],
        lambda: pd.Categorical(["a", "b"]), lambda: range(3), lambda: 1.5, lambda: "a" * 10_000,
    ])()


def coded_frame(rng: random.Random, *, for_precision: bool) -> Any:
    """Coders' tables for agreement and precision: valid, and with the odd codes users have."""
    import numpy as np
    import pandas as pd

    n = rng.randint(2, 8)
    if for_precision:
        codes = [rng.choice([1, 0, "yes", "no", "是", "否", True, False]) for _ in range(n)]
        frame = pd.DataFrame({"theme": [rng.choice(["认同", "团结"]) for _ in range(n)], "code": codes})
    else:
        codes = [rng.choice([0, 1, 2]) for _ in range(2 * n)]
        frame = pd.DataFrame({"unit": list(range(n)) * 2, "coder": ["a"] * n + ["b"] * n, "value": codes,
                              "theme": [rng.choice(["x", "y"]) for _ in range(2 * n)]})
    column = "code" if for_precision else "value"
    r = rng.random()
    if r < 0.15:
        frame[column] = pd.Categorical(frame[column].astype(str))
    elif r < 0.3:
        values = list(frame[column])
        values[rng.randrange(len(values))] = rng.choice([float("inf"), -float("inf"), float("nan"), 10**400, 2**63, "\ud800",
                                                         None, {"a": 1}, [1], np.int64(5), "", 1.5])
        frame[column] = pd.Series(values, dtype=object)
    elif r < 0.35:
        frame = frame.iloc[:0]
    return frame


def profile_frame(rng: random.Random) -> Any:
    import numpy as np
    import pandas as pd

    rows = rng.randint(1, 6)
    data = np.array([[rng.random() for _ in range(3)] for _ in range(rows)])
    if rng.random() < 0.1:
        data[rng.randrange(rows), rng.randrange(3)] = rng.choice([float("nan"), float("inf"), 1e308])
    return pd.DataFrame(data, columns=["a", "b", "c"], index=[f"g{i}" for i in range(rows)])


def _themes(rng: random.Random) -> Any:
    from fuzz_targets import gen_themes

    return rng.choice(["cppcc", "cppcc", {"认同": ["认同", "共识"], "发展": ["发展*", "re:^改"]}, gen_themes(rng)[1]])


def _text(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
    if r < 0.8:
        return messy(rng, 60)
    from fuzz_targets import gen_page

    return gen_page(rng)


def _documents(rng: random.Random) -> Any:
    kind = rng.choice(["plain", "odd", "gansu", "broken"])
    return rng.choice([corpus(kind), list(corpus(kind))[:3], [_text(rng) for _ in range(rng.randint(1, 3))], corpus(kind)[0]])


#: a valid value per parameter name, as callers of this API pass them
GOOD: dict[str, Callable[[random.Random], Any]] = {
    "text": _text, "path_or_text": lambda r: r.choice([_text(r), path_value(r)]),
    "data": lambda r: r.choice([_text(r), corpus(r.choice(["plain", "odd"])), matrix(), tokens()]),
    "corpus": _documents, "documents": lambda r: list(corpus(r.choice(["plain", "odd"]))),
    "tokens": lambda r: tokens(r.choice(["plain", "plain", "odd", "gansu", "broken"])),
    "matrix": lambda r: matrix(r.choice(["plain", "odd", "gansu"])),
    "devices": lambda r: devices(r.choice(["plain", "odd"])), "profile": profile_frame,
    "coded": lambda r: coded_frame(r, for_precision=False), "themes": _themes,
    "records": lambda r: [d.to_record() for d in corpus(r.choice(["plain", "odd"]))],
    "df": lambda r: corpus(r.choice(["plain", "odd"])).to_dataframe(),
    "path": path_value, "paths_or_glob": lambda r: [text_file(r)],
    "by": lambda r: r.choice(["year", "organization", "doc_id", "g", "n", "missing"]),
    "field": lambda r: r.choice(["year", "organization", "g", "n"]),
    "covariate": lambda r: r.choice(["year", "n", "organization"]),
    "covariates": lambda r: r.choice([None, ["n"], ["organization"], ["year"], ["n", "year"], ["year", "organization"]]),
    "k": lambda r: r.choice([2, 2, 3]), "ks": lambda r: r.choice([[2, 3], range(2, 4)]),
    "engine": lambda r: r.choice([None, "tomotopy", "gensim", "sklearn", "dmr", "gdmr"]),
    "iterations": lambda r: r.choice([5, 10, 20]), "random_state": lambda r: r.choice([0, 1, 42]),
    "per": lambda r: r.choice([1000, 100, 1]), "level": lambda r: r.choice([0.95, 0.9]),
    "n_boot": lambda r: 100, "n_perm": lambda r: 100, "n_sims": lambda r: 100,
    "n": lambda r: r.randint(1, 5), "window": lambda r: r.randint(1, 8), "min_count": lambda r: r.randint(1, 3),
    "min_chars": lambda r: r.choice([0, 1, 2, 20]), "min_docs": lambda r: r.choice([1, 2]),
    "max_doc_share": lambda r: r.choice([1.0, 0.9]), "max_terms": lambda r: r.choice([None, 5]),
    "pattern": lambda r: r.choice(["协商", "共识", "发展", "^凝", "(a+)+", "政协"]),
    "match": lambda r: r.choice(["word", "regex", "glob", "phrase"]), "regex": lambda r: r.choice([False, True]),
    "measure": lambda r: r.choice(["chi2", "g2", "npmi", "pmi", "c_npmi", "u_mass"]),
    "target": lambda r: r.choice([["d0"], {"year": 2020}, {"organization": "县政协"}, "d0"]),
    "weighting": lambda r: r.choice(["count", "tfidf"]), "unit": lambda r: r.choice(["speech", "paragraph", "outline_item"]),
    "kinds": lambda r: r.choice([None, "formulation", ["outline", "quoted"], "statistic"]),
    "kind": lambda r: r.choice(["formulation", "auto", "citation"]), "backend": lambda r: r.choice(["jieba", "rjieba", "auto"]),
    "segmenter": lambda r: r.choice([None, segmenter(), segmenter("rjieba")]), "progress": lambda r: False,
    "stopwords": lambda r: r.choice([None, "default", ["的"]]), "name": lambda r: r.choice(["gansu-cppcc-2021", "cppcc"]),
    "names": lambda r: r.choice(["default", ["default"]]), "doc_ids": lambda r: r.choice([["d0", "d1"], ["d2"]]),
    "doc_id": lambda r: r.choice(["d0", "doc_id", None]), "start": lambda r: r.randint(0, 3), "end": lambda r: r.randint(3, 6),
    "a": lambda r: r.choice([2019, 2020, "县政协"]), "b": lambda r: r.choice([2021, "市政协"]),
    "labels": lambda r: r.choice([["甲", "乙"], {"topic_1": "甲"}]), "rules": lambda r: None,
    "pages": lambda r: r.choice([None, 1, [1]]),
    "encoding": lambda r: r.choice([None, "utf-8", "gb18030", "hex", "rot13", "utf-16"]),
    "key": lambda r: r.choice([0, 1, -1, 5, "d0", "missing", slice(0, 2)]), "i": lambda r: r.choice([0, 2, 5, -7]),
    "npartitions": lambda r: r.choice([1, 2]), "seed_words": lambda r: r.choice([None, {"协商": ["协商", "民主"]}]),
    "positions": lambda r: [0, 1], "term": lambda r: r.choice(["协商", "共识"]), "columns": lambda r: [0, 1],
    "wide": lambda r: r.choice([False, True]), "ranking": lambda r: r.choice(["prob", "frex", "lift"]),
    "top_n": lambda r: r.choice([5, 10]), "chars": lambda r: r.choice([20, 120]), "degree": lambda r: r.choice([1, 2]),
    "points": lambda r: None, "method": lambda r: r.choice(["ward", "kmeans", "average"]),
    "standardize": lambda r: r.choice([True, False]), "workers": lambda r: 1, "n_jobs": lambda r: 1,
    "sep": lambda r: r.choice(["", "_"]), "predicate": lambda r: None, "keep": lambda r: None,
    "meta_pattern": lambda r: None, "max_title_width": lambda r: r.choice([20.0, 30]),
    "width": lambda r: r.choice([True, False]), "drop_punct": lambda r: r.choice([True, False]), "nfkc": lambda r: r.choice([True, False]),
    "traditional": lambda r: False, "pos": lambda r: r.choice([False, True]), "hmm": lambda r: r.choice([True, False]),
    "lexicon": lambda r: r.choice(["political", None]), "user_words": lambda r: r.choice([(), ["凝聚共识"]]),
    "granularity": lambda r: r.choice(["coarse", "fine"]), "known_only": lambda r: r.choice([True, False]),
    "theme": lambda r: "theme", "value": lambda r: r.choice(["value", "code"]),
    "coder": lambda r: "coder", "theme_set": lambda r: "cppcc",
    # plots: a fresh figure each call; the results they draw
    "ax": lambda r: None, "annotate": lambda r: r.choice([True, False]), "topics": lambda r: None,
    "model": lambda r: topic_model(r.choice(["tomotopy", "gensim", "gdmr"])),
    "result": lambda r: __import__("consensus_nlp").cluster(profile_frame(r), k=2),
    "intervals": lambda r: __import__("consensus_nlp").emphasis(tokens(), by="year").interval(n_boot=100),
    "effect": lambda r: topic_model("gdmr").effect("year", n_sims=100),
    "tol": lambda r: r.choice([1e-6, 1e-3]),
    # the declarations of errors.check_*: the library's own, not user data (only value/position are fuzzed)
    "argument": lambda r: r.choice(["k", "per", "by"]), "problem": lambda r: "is out of range",
    "accepted": lambda r: r.choice([None, "an int >= 2", ["a", "b"]]), "todo": lambda r: r.choice([None, "Pass 2."]),
    "choices": lambda r: ("tomotopy", "gensim"), "what": lambda r: "an engine", "minimum": lambda r: r.choice([None, 0, 2]),
    "maximum": lambda r: r.choice([None, 10]), "allow_none": lambda r: r.choice([False, True]),
    "exclusive_minimum": lambda r: r.choice([False, True]), "exclusive_maximum": lambda r: False,
    "length": lambda r: r.randint(0, 5), "position": lambda r: r.randint(-6, 6),
}
#: optional parameters without which a call is always refused (the effect of no covariate and no formula)
NEEDED = {("TopicModel.effect", "covariate")}
#: every VALID_EVERY-th input of a campaign (index 0, 3, 6…) is a call with valid values only
VALID_EVERY = 3
#: callables whose parameters are declarations except these (only these take hostile values)
USER_VALUES = {"errors.": ("value", "position", "path")}


#: valid values where a parameter's name means something else in one callable (``text`` is a column
#: name in the readers; ``value`` is what errors.check_* checks)
SPECIFIC: dict[tuple[str, str], Callable[[random.Random], Any]] = {
    **{(q, "text"): (lambda r: "text") for q in ("Corpus.from_jsonl", "Corpus.from_records", "Corpus.from_dataframe",
                                                   "LazyCorpus.from_parquet")},
    **{(q, "doc_id"): (lambda r: r.choice(["doc_id", None])) for q in ("Corpus.from_jsonl", "Corpus.from_records",
                                                                        "Corpus.from_dataframe", "LazyCorpus.from_parquet")},
    ("Corpus.from_files", "doc_id"): lambda r: r.choice(["stem", "name"]),
    ("LazyCorpus.from_files", "doc_id"): lambda r: r.choice(["stem", "name"]),
    ("DocVars.position", "doc_id"): lambda r: r.choice(["d0", "d1", "doc-0", "speech-01"]),
    ("parse_page", "text"): lambda r: _page_text(r), ("explain_page", "path_or_text"): lambda r: _page_text(r),
    ("read_page", "path"): lambda r: _write(f"page{r.randrange(4)}.txt", _page_text(r).encode("utf-8", "surrogatepass")),
    ("tag", "data"): lambda r: r.choice([_text(r), corpus(r.choice(["plain", "odd", "gansu"]))]),
    ("formulation_spread", "data"): lambda r: r.choice([corpus(r.choice(["plain", "gansu"])), devices("gansu")]),
    ("formulation_spread", "by"): lambda r: r.choice(["year", "organization"]),
    ("units", "corpus"): lambda r: corpus(r.choice(["plain", "odd", "gansu"])),
    ("load_corpus", "name"): lambda r: r.choice(__import__("consensus_nlp").list_corpora()),
    ("errors.check_choice", "value"): lambda r: r.choice(["tomotopy", "gensim"]),
    ("errors.check_int", "value"): lambda r: r.randint(2, 10), ("errors.check_float", "value"): lambda r: r.choice([2.5, 3]),
    ("errors.check_bool", "value"): lambda r: r.choice([True, False]),
    ("errors.check_random_state", "value"): lambda r: r.choice([0, 42]),
    ("errors.check_name", "value"): lambda r: "year", ("errors.check_position", "length"): lambda r: r.randint(7, 9),
    ("Corpus.from_jsonl", "path"): lambda r: _valid_jsonl(r) if r.random() < 0.6 else path_value(r, ".jsonl"),
    ("keyness", "measure"): lambda r: r.choice(["chi2", "g2"]),
    ("Tokens.collocations", "measure"): lambda r: r.choice(["npmi", "pmi"]),
    **{(q, "measure"): (lambda r: r.choice(["c_npmi", "u_mass"])) for q in ("select_k", "TopicModel.coherence",
                                                                           "TopicModel.topic_coherence")},
    ("agreement", "unit"): lambda r: "unit", ("agreement", "level"): lambda r: r.choice(["nominal", "interval"]),
    ("agreement", "value"): lambda r: "value", ("agreement", "by"): lambda r: r.choice([None, "theme"]),
    ("trends", "by"): lambda r: r.choice(["year", "organization"]),
    ("device_rates", "devices"): lambda r: devices("plain"), ("device_rates", "corpus"): lambda r: corpus("plain"),
    ("device_rates", "kinds"): lambda r: r.choice([None, ["outline", "formulation"]]),
    ("device_rates", "by"): lambda r: r.choice(["year", "organization"]),
    ("fit_topics", "data"): lambda r: r.choice([matrix("gansu"), tokens("gansu"), matrix("plain")]),
    ("fit_topics", "seed_words"): lambda r: r.choice([None, {"发展": ["发展"]}]),
    ("select_k", "data"): lambda r: matrix("gansu"), ("select_k", "engine"): lambda r: r.choice(["tomotopy", "gensim"]),
    ("TopicModel.transform", "data"): lambda r: r.choice([matrix("gansu"), tokens("plain")]),
    ("TopicModel.representative_docs", "corpus"): lambda r: r.choice([None, corpus("gansu")]),
    ("TopicModel.effect", "kind"): lambda r: "auto", ("TopicModel.effect", "covariate"): lambda r: r.choice(["year", "n"]),
    ("TopicModel.by", "field"): lambda r: r.choice(["organization", "year", "doc_id"]),
    ("TopicModel.load", "path"): lambda r: _saved_model(r) if r.random() < 0.7 else path_value(r),
    ("plot.topic_shares", "by"): lambda r: r.choice(["organization", "year"]),
    # the API main added while issue 23 was fixed (token stores, stages, regression, validation, searchK)
    ("Corpus.from_parquet", "text"): lambda r: "text", ("Corpus.from_parquet", "doc_id"): lambda r: r.choice(["doc_id", None]),
    ("DocVars.from_columns", "columns"): lambda r: r.choice([{"doc_id": ["a", "b"], "year": [2020, None]}, {"doc_id": ["x"]},
                                                            {"doc_id": ["a"], "g": [{"k": 1}]}]),
    ("DocVars.column", "name"): lambda r: r.choice(["doc_id", "parent_id", "unit", "start", "end", "organization"]),
    ("Tokens.concat", "parts"): lambda r: r.choice([[tokens("plain")], [tokens("plain"), tokens("gansu")]]),
    ("Tokens.group_values", "by"): lambda r: r.choice(["year", "doc_id", "unit", "organization"]),
    ("GroupRates.with_clusters", "field"): lambda r: r.choice([None, "parent_id", "doc_id"]),
    **{(q, "method"): (lambda r: r.choice(["log-t", "percentile"])) for q in ("GroupRates.interval", "Emphasis.interval")},
    ("regress", "data"): lambda r: __import__("consensus_nlp").emphasis(tokens("gansu"), by="year"),  # plain: too few hits
    ("regress", "formula"): lambda r: r.choice(["~ year", "~ n", "~ year + n"]),
    ("regress", "family"): lambda r: r.choice(["negbin", "quasipoisson", "poisson"]),
    ("regress", "themes"): lambda r: r.choice([None, ["united_front"], ["united_front", "grassroots_consultation"]]),
    ("regress", "cluster"): lambda r: r.choice([None, "parent_id"]),
    ("regress", "small_sample"): lambda r: r.choice(["cr3", "cr2", "statsmodels"]),
    ("corrected_rates", "rates"): lambda r: __import__("consensus_nlp").emphasis(tokens(), by="year"),
    ("corrected_rates", "precisions"): lambda r: __import__("consensus_nlp").precision(__import__("pandas").DataFrame(
        {"theme": ["united_front", "united_front", "grassroots_consultation"], "code": [1, 0, 1]})),
    ("TopicModel.effect", "method"): lambda r: "pointestimate", ("TopicModel.effect", "cluster"): lambda r: "auto",
    ("TopicModel.effect", "link"): lambda r: "logit", ("TopicModel.effect", "at"): lambda r: None,
    ("TopicModel.effect", "formula"): lambda r: None,
    **{(q, p): (lambda r: _store(r)) for q, p in (("read_tokens", "path"), ("TokenStore", "path"), ("LazyTokens.from_store", "store"))},
    ("run", "stage"): lambda r: _stage(r), ("run", "data"): lambda r: r.choice([tokens("plain"), tokens("gansu")]),
}


def _store(rng: random.Random) -> Path:
    """A token store (written once per worker) or, now and then, a folder or path that is not one."""
    path = tmpdir() / f"{os.getpid()}-store"
    if not (path / "store.json").is_file():
        tokens("plain").to_parquet(path, npartitions=2)
    return path if rng.random() < 0.7 else path_value(rng)


def _stage(rng: random.Random) -> Any:
    from consensus_nlp.models.dtm import CountTerms
    from consensus_nlp.text.segmentation import Tokenize

    return rng.choice([lambda: CountTerms(), lambda: CountTerms(min_docs=2), lambda: Tokenize(segmenter=segmenter())])()


def _saved_model(rng: random.Random) -> Path:
    path = tmpdir() / f"{os.getpid()}-model.npz"
    if not path.is_file():
        topic_model("tomotopy").save(path)
    return path


def _page_text(rng: random.Random) -> str:
    from fuzz_targets import gen_page

    return gen_page(rng)


def _valid_jsonl(rng: random.Random) -> Path:
    path = tmpdir() / f"{os.getpid()}-valid{rng.randrange(3)}.jsonl"
    corpus(rng.choice(["plain", "odd", "broken"])).to_jsonl(path)
    return path


def _value(param: inspect.Parameter, rng: random.Random, qualname: str) -> Any:
    name = param.name
    if (qualname, name) in SPECIFIC:
        return SPECIFIC[(qualname, name)](rng)
    if name == "coded" and qualname == "precision":
        return coded_frame(rng, for_precision=True)
    if name == "path":
        suffix = ".pdf" if "pdf" in qualname else ".parquet" if "parquet" in qualname else ".jsonl" if "jsonl" in qualname else ".txt"
        if qualname.endswith(("to_jsonl", "save", "to_parquet")):
            return tmpdir() / f"{os.getpid()}-out{suffix}"
        return path_value(rng, suffix)
    if name == "table":
        import consensus_nlp as cn

        if "select_k" in qualname:
            return cn.select_k(matrix("gansu"), ks=[2, 3], iterations=5)
        if "search_k" in qualname:
            return cn.search_k(matrix("gansu"), ks=[2, 3], n_seeds=1, iterations=5)
        if "rate" in qualname:
            return cn.emphasis(tokens(), by="year").interval(n_boot=100)
        return topic_model("gdmr").effect("year", n_sims=100)
    if name in GOOD:
        return GOOD[name](rng)
    if isinstance(param.default, bool):
        return rng.choice([True, False])
    return hostile(rng) if param.default is inspect.Parameter.empty else param.default


def _int_like(param: inspect.Parameter) -> bool:
    return isinstance(param.default, int) and not isinstance(param.default, bool) or "int" in str(param.annotation)


def build_call(qualname: str, rng: random.Random) -> tuple[str, tuple, dict]:
    """Arguments for one call of ``qualname``: valid ones with, now and then, one or two hostile ones."""
    fn = resolve(qualname, None)
    params = [p for p in inspect.signature(fn).parameters.values()
              if p.name != "self" and p.kind not in (p.VAR_POSITIONAL,)]
    args, kwargs = [], {}
    n_hostile = rng.choice([0, 0, 1, 1, 1, 2])
    if getattr(rng, "index", 1) % VALID_EVERY == 0:  # scripts/fuzz.py: every few inputs is a valid call
        n_hostile = 0
    open_to = next((names for prefix, names in USER_VALUES.items() if qualname.startswith(prefix)), None)
    candidates = [i for i, p in enumerate(params) if open_to is None or p.name in open_to]
    chosen = set(rng.sample(candidates, min(n_hostile, len(candidates))))
    for i, p in enumerate(params):
        if p.kind is p.VAR_KEYWORD:
            if rng.random() < 0.5:
                kwargs[rng.choice(["year", "organization", "new", "text"])] = rng.choice([2021, [1, 2, 3, 4, 5, 6], hostile(rng)])
            continue
        required = p.default is inspect.Parameter.empty or (qualname, p.name) in NEEDED
        if i in chosen:
            value = huge_int(rng) if _int_like(p) and rng.random() < 0.5 else hostile(rng)
        elif required or rng.random() < 0.6:
            value = _value(p, rng, qualname)
        else:
            continue
        if p.kind in (p.POSITIONAL_ONLY,) or (p.kind is p.POSITIONAL_OR_KEYWORD and required):
            args.append(value)
        else:
            kwargs[p.name] = value
    return qualname, tuple(args), kwargs


# -- the callables ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def public_callables() -> tuple[str, ...]:
    """Every public callable, found by introspection of ``cn.__all__`` (see the module docstring)."""
    import consensus_nlp as cn

    names = []
    for name in cn.__all__:
        obj = getattr(cn, name)
        if inspect.ismodule(obj):
            names += [f"{name}.{n}" for n, f in vars(obj).items()
                      if not n.startswith("_") and inspect.isfunction(f) and f.__module__ == obj.__name__]
        elif inspect.isclass(obj):
            if issubclass(obj, BaseException):
                continue
            names.append(name)
            for m, f in vars(obj).items():
                if m.startswith("_") and m not in ("__getitem__", "__len__", "__iter__", "__repr__"):
                    continue
                if isinstance(f, (staticmethod, classmethod)) or inspect.isfunction(f):
                    names.append(f"{name}.{m}")
        elif callable(obj):
            names.append(name)
    instances = set(INSTANCES)
    return tuple(n for n in names if n not in LEFT_OUT and n not in MADE_BY_THE_LIBRARY
                 and (n.count(".") == 0 or n.split(".")[0] in instances or n.split(".")[0] in ("errors", "plot", "fonts")
                      or isinstance(inspect.getattr_static(getattr(cn, n.split(".")[0]), n.split(".")[1]),
                                    (staticmethod, classmethod))))


def resolve(qualname: str, rng: random.Random | None) -> Callable:
    """The callable of ``qualname``; for an instance method, bound to a fixture (``rng`` picks it)."""
    import consensus_nlp as cn

    head, _, method = qualname.partition(".")
    obj = getattr(cn, head)
    if not method:
        return obj
    attr = inspect.getattr_static(obj, method)
    if inspect.ismodule(obj) or isinstance(attr, (staticmethod, classmethod)):
        return getattr(obj, method)
    if rng is None:  # the signature only
        return getattr(obj, method)
    if qualname == "TopicModel.prevalence" and rng.random() < 0.8:  # g-DMR's own curve: mostly on a g-DMR model
        return topic_model("gdmr").prevalence
    return getattr(_instance(head, rng), method)


def generate(qualname: str, rng: random.Random) -> tuple[str, tuple, dict, int]:
    name, args, kwargs = build_call(qualname, rng)
    return name, args, kwargs, rng.randrange(2**32)


# -- invariants ------------------------------------------------------------------------------------------------
#: columns that carry the user's metadata values (a NaN year stays NaN): first_appearances' first/last are values of by
METADATA = {"year", "organization", "n", "g", "a", "meta", "value", "code", "first", "last"}


def check_output(result: Any, call: tuple, *, warned: bool = False) -> None:
    """The invariants of a result; NaN in a DataFrame column is allowed only when the call warned about it
    (GroupRates.interval on a group of one document: low/high NaN, with a warning naming the group)."""
    import numpy as np
    import pandas as pd

    import consensus_nlp as cn

    name, args, kwargs, _ = call
    if isinstance(result, float):
        assert not math.isnan(result), f"{name} returned NaN"
    elif isinstance(result, pd.Series) and pd.api.types.is_float_dtype(result.dtype):
        assert not result.isna().any(), f"{name} returned a Series with NaN"
    elif isinstance(result, pd.DataFrame):
        for column in result.columns:
            if str(column) in METADATA or not pd.api.types.is_numeric_dtype(result[column].dtype):
                continue
            if pd.api.types.is_float_dtype(result[column].dtype) and not warned:
                assert not result[column].isna().any(), f"{name}: NaN in column {column!r} without a warning"
        if {"start", "end", "text"} <= set(result.columns) and args and isinstance(args[0], str):
            source = args[0]
            for s, e, t in zip(result["start"], result["end"], result["text"]):
                assert 0 <= s <= e <= len(source) and source[s:e] == t, f"{name}: span {s}:{e} is not {t!r}"
    elif isinstance(result, cn.Tokens):
        for text, doc in zip(result.texts, result.tokens):
            start = 0  # n-grams overlap; every token starts at or after the one before
            for t in doc:
                assert start <= t.start < t.end <= len(text) and t.text, f"{name}: token {t} outside its text or out of order"
                start = t.start
    elif isinstance(result, cn.Corpus):
        ids = result.doc_ids
        assert len(set(ids)) == len(ids) and all(isinstance(i, str) for i in ids), f"{name}: doc ids {ids[:5]}"
        assert all(isinstance(t, str) for t in result.texts), f"{name}: a text is not a str"
    elif isinstance(result, list) and result and all(hasattr(x, "start") and hasattr(x, "end") for x in result) \
            and args and isinstance(args[0], str):
        for x in result:
            assert 0 <= x.start <= x.end <= len(args[0]), f"{name}: {x} outside the text"
    elif isinstance(result, np.ndarray) and result.dtype.kind == "f":
        assert not np.isnan(result).any(), f"{name} returned NaN"


def check(call: tuple) -> None:
    name, args, kwargs, seed = call
    fn = resolve(name, random.Random(seed))
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = fn(*args, **kwargs)
            if inspect.isgenerator(result):
                result = list(result)
        check_output(result, call, warned=any(issubclass(w.category, UserWarning) for w in caught))
    finally:
        if "matplotlib.pyplot" in __import__("sys").modules:
            __import__("matplotlib.pyplot").pyplot.close("all")


def targets() -> dict[str, tuple[Callable, Callable]]:
    return {f"api:{q}": (functools.partial(generate, q), check) for q in public_callables()}


def warm_up(target: str = "") -> None:
    """Fixtures built before the clock runs (scripts/fuzz.py calls it once per worker)."""
    for kind in ("plain", "odd", "gansu"):
        matrix(kind)
        devices(kind)
    segmenter("rjieba")
    if "TopicModel" in target or "plot" in target:
        for engine in ("tomotopy", "gensim", "sklearn", "gdmr"):
            topic_model(engine)
    if "pdf" in target or "page" in target:
        valid_pdf()
