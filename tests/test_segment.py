"""Segmenter, the political lexicon and tokenize(): exact tokens on the seed page."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import unicodedata
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings

from conftest import messy_text
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.errors import InputTypeError, InvalidArgumentError, UnknownNameError
from consensus_nlp.text.normalization import normalize
from consensus_nlp.text.segmentation import Segmenter, _read_lexicon, tokenize

BACKENDS = ["jieba", "rjieba"]
LEXICON = Path(cn.__file__).parent / "lexicons" / "political.txt"


@pytest.fixture(scope="module", params=BACKENDS)
def seg(request) -> Segmenter:
    return Segmenter(backend=request.param)


@pytest.fixture(scope="module")
def page_corpus(page_path):
    return cn.read_page(page_path)


# -- exact token lists on sentences of the seed page (read and checked by hand) --
SENTENCES = {
    "近年来，徽县政协持续做优“委员讲堂”、做强“文化品牌”、做活“委员之家”、做实“基层协商”，以协商凝聚共识，"
    "用履职助推发展，画出最大同心圆，开创了政协工作新局面。": [
        "近年来", "，", "徽县", "政协", "持续", "做优", "“", "委员讲堂", "”", "、", "做强", "“", "文化品牌", "”", "、",
        "做活", "“", "委员之家", "”", "、", "做实", "“", "基层协商", "”", "，", "以", "协商", "凝聚共识", "，",
        "用", "履职", "助推", "发展", "，", "画出", "最大", "同心圆", "，", "开创", "了", "政协", "工作", "新", "局面", "。"],
    "一是做优“委员讲堂”，强化思想政治引领。": [
        "一是", "做优", "“", "委员讲堂", "”", "，", "强化", "思想", "政治", "引领", "。"],
    "凝聚共识是新时代党中央对人民政协的殷切期望，也是新时代人民政协的重要职责。": [
        "凝聚共识", "是", "新时代", "党中央", "对", "人民政协", "的", "殷切期望", "，", "也", "是", "新时代",
        "人民政协", "的", "重要职责", "。"],
    "要与各党派、各民族、各界别人士广交朋友，增进政治认同、思想认同、理论认同、情感认同。": [
        "要", "与", "各党派", "、", "各", "民族", "、", "各", "界别", "人士", "广交朋友", "，", "增进", "政治认同", "、",
        "思想认同", "、", "理论认同", "、", "情感认同", "。"],
    "建立委员学习座谈制度，不断增进“四个认同”。": [
        "建立", "委员", "学习", "座谈", "制度", "，", "不断", "增进", "“", "四个认同", "”", "。"],
    "建立完善与市级各民主党派、工商联、无党派人士合作共事制度。": [
        "建立", "完善", "与", "市级", "各", "民主党派", "、", "工商联", "、", "无党派人士", "合作", "共事", "制度", "。"],
    "天水市政协充分发挥专门协商机构作用，紧紧围绕党委政府中心工作，认真履行政治协商、民主监督、参政议政和凝聚共识职能，"
    "为服务全市经济社会高质量发展贡献了政协智慧和力量。": [
        "天水市", "政协", "充分发挥", "专门协商机构", "作用", "，", "紧紧围绕", "党委政府", "中心", "工作", "，", "认真",
        "履行", "政治协商", "、", "民主监督", "、", "参政议政", "和", "凝聚共识", "职能", "，", "为", "服务", "全市",
        "经济社会", "高质量发展", "贡献", "了", "政协", "智慧", "和", "力量", "。"],
    "全市建成乡镇（街道）委员工作站123个，村（社区）和企事业单位协商议事室632个": [
        "全市", "建成", "乡镇", "（", "街道", "）", "委员工作站", "123", "个", "，", "村", "（", "社区", "）", "和",
        "企事业", "单位", "协商议事室", "632", "个"],
    "确定围绕“十四五”规划编制、建设乡镇“三农”服务中心等课题开展调研视察和协商议政": [
        "确定", "围绕", "“", "十四五", "”", "规划", "编制", "、", "建设", "乡镇", "“", "三农", "”", "服务中心", "等",
        "课题", "开展调研", "视察", "和", "协商议政"],
}


@pytest.mark.parametrize("sentence", list(SENTENCES))
def test_exact_tokens_on_page_sentences(seg, sentence):
    assert seg.cut(sentence) == SENTENCES[sentence]


def test_sentences_are_on_the_page(page_text):
    flat = "".join(page_text.split())
    for sentence in SENTENCES:
        assert "".join(sentence.split()) in flat


def test_every_lexicon_entry_is_one_token_alone(seg):
    entries = _read_lexicon(LEXICON)
    assert len(entries) >= 300
    broken = [w for w, _, _ in entries if seg.cut(w) != [w]]
    assert broken == []


def test_lexicon_categories_and_format():
    lines = LEXICON.read_text(encoding="utf-8").splitlines()
    categories = [line.split(":", 1)[1].strip() for line in lines if line.startswith("# category:")]
    assert categories == ["institutions", "practices", "formulations", "verb-forms"]
    words = [w for w, _, _ in _read_lexicon(LEXICON)]
    assert len(words) == len(set(words))
    for word in ["专门协商机构", "协商议事室", "委员工作站", "委员之家", "委员讲堂", "政协委员", "民主党派", "工商联",
                 "无党派人士", "统一战线", "双月协商", "对口协商", "提案办理", "民主监督", "参政议政", "社情民意",
                 "基层协商", "界别协商", "专题协商", "凝聚共识", "四个认同", "政治认同", "思想认同", "理论认同",
                 "情感认同", "同心圆", "以人民为中心", "四个意识", "四个自信", "两个维护", "十四五", "三农", "乡村振兴",
                 "脱贫攻坚", "做优", "做强", "做活", "做实", "做细", "做深"]:
        assert word in words


def test_user_words_and_no_lexicon():
    for backend in BACKENDS:
        bare = Segmenter(backend=backend, lexicon="none")
        assert bare.cut("做优委员讲堂") == ["做优", "委员", "讲堂"]  # the HMM guesses 做优
        assert Segmenter(backend=backend, lexicon="none", hmm=False).cut("做优委员讲堂") == ["做", "优", "委员", "讲堂"]
        mine = Segmenter(backend=backend, lexicon="none", user_words=["委员讲堂"], hmm=False)
        assert mine.cut("做优委员讲堂") == ["做", "优", "委员讲堂"]


def test_lexicon_from_a_file(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("# my words\n做优委员讲堂 50 n\n", encoding="utf-8")
    seg = Segmenter(backend="jieba", lexicon=path)
    assert seg.cut("持续做优委员讲堂") == ["持续", "做优委员讲堂"]
    assert seg.params["lexicon"] == str(path)


def test_tokens_point_into_the_original_and_carry_the_normalized_form(seg):
    text = "２０２１年，⼀是做优“委员讲堂”"
    toks = seg.tokenize(text)
    assert [(t.text, t.start, t.end) for t in toks] == [
        ("2021", 0, 4), ("年", 4, 5), ("，", 5, 6), ("一是", 6, 8), ("做优", 8, 10), ("“", 10, 11),
        ("委员讲堂", 11, 15), ("”", 15, 16)]
    assert text[0:4] == "２０２１" and text[6:8] == "⼀是"


def test_expanded_characters_keep_offsets_inside_the_source(seg):
    text = "㈠凝聚共识"
    toks = seg.tokenize(text)
    assert [(t.text, t.start, t.end) for t in toks] == [("(一)", 0, 1), ("凝聚共识", 1, 5)]


def test_pos_tags(seg):
    toks = seg.tokenize("政协委员凝聚共识，做优委员讲堂。", pos=True)
    assert [(t.text, t.pos) for t in toks] == [
        ("政协委员", "nt"), ("凝聚共识", "nz"), ("，", "x"), ("做优", "v"), ("委员讲堂", "nt"), ("。", "x")]


def test_whitespace_is_not_a_token(seg):
    assert seg.cut("凝聚共识 \n\t同心圆\r\n") == ["凝聚共识", "同心圆"]
    assert seg.tokenize("") == [] and seg.cut("") == []


def test_backends_agree_on_the_page(page_corpus):
    a, b = Segmenter(backend="jieba"), Segmenter(backend="rjieba")
    assert len(page_corpus) == 7
    for doc in page_corpus:
        assert a.tokenize(doc.text) == b.tokenize(doc.text), doc.doc_id


@pytest.mark.slow
def test_backends_agree_on_the_49_government_work_reports(gov_reports_dir):
    a, b = Segmenter(backend="jieba"), Segmenter(backend="rjieba")
    paths = sorted(gov_reports_dir.glob("*.txt"))
    assert len(paths) == 49
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert a.cut(text) == b.cut(text), path.name


def test_backends_agree_on_ascii_runs_where_jieba_rs_differs():
    text = "２０１１－２０２０年 ab-12cd 3+5 1.5% x-9% c++"
    expected = ["2011", "-", "2020", "年", "ab", "-", "12cd", "3", "+", "5", "1.5%", "x", "-", "9%", "c++"]
    assert Segmenter(backend="jieba").cut(text) == expected
    assert Segmenter(backend="rjieba").cut(text) == expected


def test_auto_takes_rjieba_when_installed():
    assert Segmenter().backend == "rjieba"


def test_bad_arguments():
    with pytest.raises(UnknownNameError, match="backend='hanlp'"):
        Segmenter(backend="hanlp")
    with pytest.raises(UnknownNameError, match="lexicon='polit'.*'political', 'none'"):
        Segmenter(lexicon="polit")
    with pytest.raises(InvalidArgumentError, match="is not a file"):
        Segmenter(lexicon="/nonexistent/words.txt")
    with pytest.raises(InputTypeError, match="user_words"):
        Segmenter(user_words="委员讲堂")
    with pytest.raises(InputTypeError):
        Segmenter(backend="jieba").cut(None)  # type: ignore[arg-type]


def test_segmenter_pickles(seg):
    again = pickle.loads(pickle.dumps(seg))
    text = "做实“基层协商”，凝聚共识"
    assert again.cut(text) == seg.cut(text)
    assert again.params == seg.params


def test_long_lines_are_cut_at_sentence_ends_without_changing_tokens():
    seg = Segmenter(backend="rjieba")
    sentence = "近年来，徽县政协持续做优“委员讲堂”，以协商凝聚共识，画出最大同心圆。"
    text = sentence * 200  # one line of 7000 characters
    toks = seg.tokenize(text)
    one = seg.tokenize(sentence)
    assert len(toks) == 200 * len(one)
    assert [t.text for t in toks[: len(one)]] == [t.text for t in one]
    assert toks[-1].end == len(text)
    assert all(text[t.start:t.end] == t.text for t in toks)


@pytest.mark.slow
def test_ten_megabytes_in_bounded_memory():
    sentence = "近年来，徽县政协持续做优“委员讲堂”、做强“文化品牌”，以协商凝聚共识，用履职助推发展。"
    text = sentence * (10_000_000 // len(sentence.encode("utf-8")) + 1)  # ~10 MB of UTF-8, one line
    assert len(text.encode("utf-8")) >= 10_000_000
    seg = Segmenter(backend="rjieba")
    per_sentence = len(seg.tokenize(sentence))
    tracemalloc.start()
    try:
        count = 0
        last_end = 0
        for tok in seg.iter_tokens(text):
            count += 1
            last_end = tok.end
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last_end == len(text)
    assert count == per_sentence * (len(text) // len(sentence))
    assert peak < 0.25 * sys.getsizeof(text)  # the text itself is ~6.7 MB in memory; the work is chunked


# -- tokenize() ------------------------------------------------------------------

def test_tokenize_corpus_keeps_ids_meta_and_records_params(page_corpus):
    toks = tokenize(page_corpus, stopwords="function")
    assert toks.doc_ids == page_corpus.doc_ids
    assert toks.metas[0]["speaker"] == "张剑蓉"
    assert toks.words()[0][:12] == ["近年来", "徽县", "政协", "持续", "做优", "委员讲堂", "做强", "文化品牌", "做活",
                                    "委员之家", "做实", "基层协商"]
    assert "的" not in {w for doc in toks.words() for w in doc}
    params = toks.params
    assert params["backend"] == "rjieba" and params["lexicon"] == "political"
    assert len(params["lexicon_sha256"]) == 64
    assert list(params["stopwords"]) == ["function"] and len(params["stopwords"]["function"]) == 64
    assert params["hmm"] is True


def test_tokenize_list_of_str_options():
    toks = tokenize(["２０２１年，凝聚共识！", ""], segmenter=Segmenter(backend="jieba"))
    assert toks.doc_ids == ("doc-0", "doc-1")
    assert toks.words() == [["2021", "年", "凝聚共识"], []]
    assert tokenize(["２０２１年，凝聚共识！50%"], drop_numbers=True).words() == [["年", "凝聚共识"]]
    assert tokenize(["２０２１年，凝聚共识！"], drop_punct=False).words() == [["2021", "年", "，", "凝聚共识", "！"]]
    assert tokenize(cn.Document("a", "进一步凝聚共识"), stopwords=["boilerplate"]).words() == [["凝聚共识"]]
    assert tokenize(["进一步凝聚共识"], stopwords={"凝聚共识"}).words() == [["进一步"]]


@pytest.mark.parametrize("bad", [None, "凝聚共识", b"bytes", 42])
def test_tokenize_refuses_non_documents(bad):
    with pytest.raises(InputTypeError):
        tokenize(bad)


@pytest.mark.parametrize("bad", [[None], ["ok", b"bytes"], [3]])
def test_tokenize_refuses_non_str_items(bad):
    with pytest.raises(InputTypeError, match=r"corpus\[\d\]"):
        tokenize(bad)


def test_tokenize_bad_options():
    with pytest.raises(UnknownNameError, match="stopwords='nonsense'"):
        tokenize(["凝聚共识"], stopwords="nonsense")
    with pytest.raises(InvalidArgumentError, match="n_jobs=0"):
        tokenize(["凝聚共识"], n_jobs=0)


def test_tokenize_in_two_processes_equals_one(page_corpus):
    one = tokenize(page_corpus, n_jobs=1)
    two = tokenize(page_corpus, n_jobs=2)
    assert one == two
    assert one.tokens == two.tokens and dict(one.params) == dict(two.params)


_TEXT = messy_text("做优同心圆\r\t-.%", max_size=80)


@settings(max_examples=150, deadline=None)
@given(_TEXT)
def test_offsets_ordered_non_overlapping_inside(text):
    for backend in BACKENDS:
        toks = Segmenter(backend=backend).tokenize(text)
        previous_end = 0
        covered = set()
        for t in toks:
            assert previous_end <= t.start < t.end <= len(text)
            assert t.text and not t.text.isspace()
            previous_end = t.end
            covered.update(range(t.start, t.end))
        # every character that is not a token is whitespace (or normalized to it)
        for i, ch in enumerate(text):
            if i not in covered:
                assert normalize(ch).text.isspace() or ch.isspace() or unicodedata_is_mark(ch), (i, ch)


def unicodedata_is_mark(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch).startswith("M")


# -- no global state -------------------------------------------------------------

_SCRIPT = r"""
import json, sys
import consensus_nlp as cn
imported_jieba = "jieba" in sys.modules
heavy = sorted(m for m in ("jieba", "pandas", "sklearn", "gensim", "spacy", "matplotlib", "tomotopy") if m in sys.modules)
import jieba
text = "近年来徽县政协持续做优委员讲堂做活委员之家以协商凝聚共识画出最大同心圆"
before = jieba.lcut(text)
seg = cn.Segmenter(backend="jieba", user_words=["徽县政协持续"])
seg.tokenize(text, pos=True)
cn.Segmenter(backend="rjieba").cut(text)
cn.tokenize([text])
after = jieba.lcut(text)
print(json.dumps({"heavy": heavy, "before": before, "after": after, "ours": seg.cut(text),
                  "dt_has_word": "委员讲堂" in jieba.dt.FREQ, "handlers": len(__import__("logging").getLogger().handlers)}))
"""


def test_jieba_default_tokenizer_untouched_and_cache_in_user_dir(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["heavy"] == []  # importing consensus_nlp imports neither jieba nor the heavy libraries
    assert result["before"] == result["after"]
    assert result["ours"] != result["before"]
    assert "委员讲堂" in result["ours"] and "徽县政协持续" in result["ours"]
    assert result["dt_has_word"] is False
    assert result["handlers"] == 0  # no logging configured on the root logger
    caches = list((tmp_path / "consensus-nlp").glob("jieba-*.cache"))
    assert len(caches) == 1
    package = Path(cn.__file__).parent
    assert not list(package.rglob("*.cache"))


# -- stopword lists ------------------------------------------------------------------

def test_stopword_lists():
    assert cn.list_stopwords() == ["boilerplate", "default", "enumeration", "function", "iso"]
    function = cn.load_stopwords("function")
    assert cn.load_stopwords("default") == function == cn.load_stopwords()
    assert {"的", "了", "和", "与", "在", "是"} <= function
    both = cn.load_stopwords(["function", "boilerplate"])
    assert {"进一步", "积极", "认真", "不断", "大力"} <= both - function
    assert {"一是", "二是", "第三", "首先", "其次", "最后"} <= cn.load_stopwords("enumeration")


def test_content_words_of_the_genre_are_not_stopwords():
    both = cn.load_stopwords(["function", "boilerplate", "enumeration"])
    assert not {"坚持", "加强", "人民", "发展", "党", "群众", "凝聚共识"} & both


def test_stopword_files_have_headers():
    folder = Path(cn.__file__).parent / "lexicons" / "stopwords"
    for name in ("function", "boilerplate"):
        head = (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines()[:12]
        assert head[0] == f"# name: {name}"
        assert any(line.startswith("# What it removes:") for line in head)
        assert any(line.startswith("# Why:") for line in head)


def test_unknown_stopword_list_names_the_known_ones():
    with pytest.raises(UnknownNameError, match="accepted: 'boilerplate', 'default', 'enumeration', 'function', 'iso'"):
        cn.load_stopwords("politics")
    with pytest.raises(InputTypeError):
        cn.load_stopwords([1])  # type: ignore[list-item]


# -- documents that are not clean newspaper text ------------------------------------------------------------
def test_tokenize_a_corpus_with_crlf_tabs_nbsp_and_emoji_keeps_offsets():
    texts = ["一是加强\r\n党的建设。\r\n二是\t推进\u00a0改革😀发展", "😀😀凝聚共识\u3000\u00a0\r\n", "\r\n\t\u00a0"]
    corpus = cn.Corpus([cn.Document(f"d{i}", t, {"n": i}) for i, t in enumerate(texts)])
    for backend in BACKENDS:
        toks = tokenize(corpus, segmenter=Segmenter(backend=backend), progress=False)
        assert [[(t.text, t.start, t.end) for t in doc] for doc in toks] == [
            [("一是", 0, 2), ("加强", 2, 4), ("党的建设", 6, 10), ("二是", 13, 15), ("推进", 16, 18), ("改革", 19, 21),
             ("发展", 22, 24)],
            [("凝聚共识", 2, 6)],
            [],
        ]
        kept = tokenize(corpus, segmenter=Segmenter(backend=backend), drop_punct=False, progress=False)
        assert [(t.text, t.start) for t in kept[0] if t.text in ("。", "😀")] == [("。", 10), ("😀", 21)]
        assert [t.text for t in kept[1]] == ["😀", "😀", "凝聚共识"]
        assert toks.texts == tuple(texts) and [m["n"] for m in toks.metas] == [0, 1, 2]


def test_a_long_run_without_punctuation_is_never_cut_inside_a_word():
    """18,000 characters without a sentence end: the pieces end at word boundaries (a hard cut every 2,000
    characters used to split 党的建设 into 党/的/建设 three times)."""
    text = "加强党的建设" * 3000
    clauses = ("协商凝聚共识" * 400 + "，") * 5  # no sentence end, but commas
    corpus = cn.Corpus([cn.Document("run", text), cn.Document("clauses", clauses)])
    for backend in BACKENDS:
        seg = Segmenter(backend=backend)
        toks = tokenize(corpus, segmenter=seg, progress=False)
        assert [t.text for t in toks["run"]] == ["加强", "党的建设"] * 3000
        assert [(t.start, t.end) for t in toks["run"][-2:]] == [(17994, 17996), (17996, 18000)]
        assert [t.text for t in toks["clauses"]] == ["协商", "凝聚共识"] * 2000
        assert all(clauses[t.start:t.end] == t.text for t in toks["clauses"])
        assert seg.cut(text) == ["加强", "党的建设"] * 3000


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("加强党的建设凝聚共识。，\r\n\t\u00a0\u3000😀🇨🇳 Ab1")), max_size=200),
                min_size=1, max_size=3))
def test_tokenize_offsets_hold_on_messy_documents(texts):
    corpus = cn.Corpus([cn.Document(f"d{i}", t) for i, t in enumerate(texts)])
    toks = tokenize(corpus, segmenter=Segmenter(backend="rjieba"), drop_punct=False, progress=False)
    for text, doc in zip(texts, toks):
        ends = [0]
        for t in doc:
            assert ends[-1] <= t.start < t.end <= len(text)
            assert text[t.start:t.end] == t.text
            ends.append(t.end)


# -- issue 15: inputs that used to raise builtins or take quadratic time ----------------

@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_lone_surrogate_is_repaired_the_same_way_on_both_backends(backend):
    seg = Segmenter(backend=backend)
    assert seg.cut("协商\udc80发展") == ["协商", "\ufffd", "发展"]
    assert seg.tokenize("协商\udc80发展") == [cn.Token("协商", 0, 2), cn.Token("\ufffd", 2, 3), cn.Token("发展", 3, 5)]
    toks = tokenize(["协商\udc80发展"], segmenter=seg)
    assert toks.words() == [["协商", "发展"]] and [(t.start, t.end) for t in toks[0]] == [(0, 2), (3, 5)]
    with pytest.raises(InvalidArgumentError, match="lone surrogate"):
        Segmenter(backend=backend, user_words=["协\udc80"])


def test_user_words_none_and_bad_user_dictionaries(tmp_path):
    with pytest.raises(InputTypeError, match="user_words=None"):
        Segmenter(user_words=None)  # type: ignore[arg-type]
    superscript = tmp_path / "sup.txt"
    superscript.write_text("凝聚共识 10 nz\n词 ²\n", encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="lexicon line 2"):
        Segmenter(lexicon=superscript)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("凝聚共识 10 nz\n".encode("gbk"))
    with pytest.raises(InvalidArgumentError, match="is not UTF-8"):
        Segmenter(lexicon=gbk)


@pytest.mark.parametrize("backend", ["jieba", "rjieba"])
def test_combining_marks_take_linear_time(backend):
    import time

    seg = Segmenter(backend=backend)
    seg.cut("预热")

    def seconds(n: int) -> float:
        text = "a" + "\u0301" * n
        start = time.perf_counter()
        toks = tokenize([text], segmenter=seg, drop_punct=False)
        seg.cut(text)
        assert toks.ends[-1] == len(text)
        return time.perf_counter() - start

    small, big = min(seconds(4000) for _ in range(3)), min(seconds(32000) for _ in range(3))
    assert big < 8 * small * 2.5  # 8x the input: linear within a generous margin (quadratic would be 64x)


def test_n_jobs_in_a_script_without_main_guard(tmp_path):
    import subprocess
    import sys

    script = tmp_path / "no_guard.py"
    script.write_text(
        "import consensus_nlp as cn\n"
        "texts = ['以协商凝聚共识，画出最大同心圆。', '持续做优委员讲堂。'] * 20\n"
        "one = cn.tokenize(texts, n_jobs=1)\n"
        "two = cn.tokenize(texts, n_jobs=2)\n"
        "assert one == two and one.docvars == two.docvars, 'different'\n"
        "print(two.n_tokens)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(Path(cn.__file__).parent.parent)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "180"


# -- the batch fast path: documents normalized and cut together, words found by key -------------

_RJIEBA = Segmenter(backend="rjieba")
_BOTH = {"rjieba": _RJIEBA, "jieba": Segmenter(backend="jieba")}


def _reference(seg, texts, *, drop_numbers=False):
    """Per document, the kept tokens of the object path (Segmenter.tokenize, one text at a time)."""
    from consensus_nlp._zh import is_han
    from consensus_nlp.text.segmentation import NUMBER

    out = []
    for text in texts:
        kept = []
        for t in seg.tokenize(text):
            if t.text.isspace() or not is_han(t.text[0]) and all(unicodedata.category(c)[0] in "PS" for c in t.text):
                continue
            if drop_numbers and NUMBER.fullmatch(t.text):
                continue
            kept.append((t.text, t.start, t.end))
        out.append(kept)
    return out


def _triples(tokens):
    return [[(t.text, t.start, t.end) for t in doc] for doc in tokens]


@settings(max_examples=60, deadline=None)
@given(st.lists(messy_text("\r\U00020000\uffff·×℃\u2236一二", max_size=80), min_size=1, max_size=8),
       st.sampled_from([1, 7, 64, 1 << 15]), st.sampled_from([1, 4, 18]), st.sampled_from(sorted(_BOTH)))
def test_batches_and_word_cache_give_the_tokens_of_one_document_at_a_time(texts, batch_chars, cache_bits, backend):
    from consensus_nlp.text import columns, executor

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(executor, "BATCH_CHARS", batch_chars)
        mp.setattr(columns.ShortWords, "BITS", cache_bits)
        toks = tokenize(texts, segmenter=_BOTH[backend], progress=False)
    assert _triples(toks) == _reference(_BOTH[backend], texts)


def test_batch_path_on_the_seed_page_with_a_tiny_word_cache(page_path, monkeypatch):
    """One bit of cache (two slots): nearly every word collides and takes the dictionary path;
    batches of 100 characters: every document is a batch of its own."""
    from consensus_nlp.text import columns, executor

    page = cn.read_page(page_path)
    expected = tokenize(page, segmenter=_RJIEBA, drop_numbers=True, progress=False)
    assert _triples(expected) == _reference(_RJIEBA, page.texts, drop_numbers=True)
    monkeypatch.setattr(columns.ShortWords, "BITS", 1)
    monkeypatch.setattr(executor, "BATCH_CHARS", 100)
    small = tokenize(page, segmenter=_RJIEBA, drop_numbers=True, progress=False)
    assert small == expected
    assert small.words()[0][:5] == ["近年来", "徽县", "政协", "持续", "做优"]  # as in SENTENCES above


def test_rs_dot_repair_stays_inside_its_own_document():
    """jieba-rs's HMM differs from jieba on "2011-2020" (repaired per text, RS_DOT_BUG); a batch joins
    texts by line breaks, so the repair works line by line: one text's repair never touches another's."""
    texts = ["山西1.30.90.5", "规划2011-2020年", "增长1.5%"]
    one_by_one = [_RJIEBA.cut(t) for t in texts]
    assert one_by_one[1] == ["规划", "2011", "-", "2020", "年"]  # as jieba cuts it
    for order in (texts, texts[::-1]):
        assert tokenize(order, segmenter=_RJIEBA, drop_punct=False, progress=False).words() == [
            one_by_one[texts.index(t)] for t in order]


def test_short_word_keys_pack_up_to_four_characters_below_uffff():
    from consensus_nlp.text.columns import ShortWords as _ShortWords

    words = ["政协", "a", "\U00020000b", "政协", "\uffff", "凝聚共识", "凝聚共识啊", "\x00", "a\x00"]
    keys, ids = _ShortWords().lookup(words, "".join(words))
    keys = keys.tolist()
    assert keys[0] == keys[3] == (ord("政") + 1) | (ord("协") + 1) << 16
    assert keys[1] == ord("a") + 1 and keys[7] == 1 and keys[8] == (ord("a") + 1) | 1 << 16
    assert keys[5] == sum((ord(c) + 1) << (16 * j) for j, c in enumerate("凝聚共识"))
    assert keys[2] == keys[4] == keys[6] == 0  # U+20000, U+FFFF, five characters: looked up as strings
    assert len(set(keys[:2] + keys[5:6] + keys[7:])) == 5
    assert ids.tolist() == [-1] * len(words)  # an empty cache misses everything


def test_a_word_of_more_than_255_characters_keeps_its_offsets():
    text = "政协" + "a" * 300 + "委员"
    doc = tokenize([text, "凝聚共识"], segmenter=_RJIEBA, progress=False)[0]
    assert [(t.text, t.start, t.end) for t in doc] == [("政协", 0, 2), ("a" * 300, 2, 302), ("委员", 302, 304)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="政协委员", max_size=30), max_size=40), st.integers(1, 8))
def test_n_jobs_batches_are_at_most_n_and_keep_the_order(texts, n):
    """One batch per process: never more batches than n_jobs (the pool has n_jobs - 1 workers)."""
    from consensus_nlp.text.executor import batches as _batches

    batches = _batches(texts, n)
    assert 1 <= len(batches) <= n
    assert [t for b in batches for t in b] == texts
    assert all(batches[:-1])  # only the last may be empty (when texts is)
