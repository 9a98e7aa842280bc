"""Document-term matrices and keyness (values checked by hand on tiny tables)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.errors import EmptyVocabularyError, InputTypeError, InvalidArgumentError, UnknownNameError
from consensus_nlp.text.tokens import Token, Tokens


def make_tokens(docs: dict[str, list[str]], metas: list[dict] | None = None) -> Tokens:
    """Tokens whose texts are the words joined without spaces (offsets exact)."""
    ids, texts, toks = [], [], []
    for doc_id, words in docs.items():
        pos, row = 0, []
        for w in words:
            row.append(Token(w, pos, pos + len(w)))
            pos += len(w)
        ids.append(doc_id)
        texts.append("".join(words))
        toks.append(row)
    return Tokens(ids, texts, metas or [{} for _ in ids], toks)


TINY = make_tokens(
    {"t": ["甲", "甲", "甲", "乙"], "r1": ["甲", "乙", "乙"], "r2": ["乙", "乙", "丙"]},
    [{"side": "target", "year": 2015}, {"side": "reference", "year": 1985}, {"side": "reference", "year": 1986}],
)


# --- DTM -------------------------------------------------------------------
def test_dtm_counts_terms_and_metadata():
    m = cn.dtm(TINY)
    assert m.terms == ("丙", "乙", "甲")  # sorted by code point: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532
    assert m.doc_ids == ("t", "r1", "r2")
    assert m.matrix.toarray().tolist() == [[0, 1, 3], [0, 2, 1], [1, 2, 0]]
    assert m.metas[1]["year"] == 1985
    assert m.weighting == "count"
    assert m.vocabulary_ == {"丙": 0, "乙": 1, "甲": 2}


def test_dtm_pruning_by_documents_and_terms():
    assert cn.dtm(TINY, min_docs=2).terms == ("乙", "甲")
    # 乙 is in 3 of 3 documents: a share of 1.0 > 0.9
    assert cn.dtm(TINY, max_doc_share=0.9).terms == ("丙", "甲")
    # totals: 乙 5, 甲 4, 丙 1
    assert cn.dtm(TINY, max_terms=2).terms == ("乙", "甲")


def test_pruning_everything_names_the_options():
    with pytest.raises(EmptyVocabularyError) as info:
        cn.dtm(TINY, min_docs=3, max_doc_share=0.5)
    message = str(info.value)
    assert "min_docs" in message and "max_doc_share" in message and "max_terms" in message
    assert "(3, 0.5, None)" in message


def test_bare_string_and_wrong_types_are_refused():
    with pytest.raises(InputTypeError):
        cn.dtm("凝聚共识")
    with pytest.raises(InputTypeError):
        cn.dtm(["凝聚", "共识"])  # a list of str, not a list of token lists
    with pytest.raises(InvalidArgumentError):
        cn.dtm(TINY, min_docs=0)
    with pytest.raises(UnknownNameError):
        cn.dtm(TINY, weighting="bm25")


def test_tfidf_matches_scikit_learn_defaults():
    from sklearn.feature_extraction.text import TfidfVectorizer

    m = cn.dtm(TINY, weighting="tfidf")
    reference = TfidfVectorizer(analyzer=lambda doc: doc).fit(TINY.words())
    expected = reference.transform(TINY.words()).toarray()
    columns = [reference.vocabulary_[t] for t in m.terms]
    assert np.allclose(m.matrix.toarray(), expected[:, columns])
    assert m.counts.toarray().tolist() == [[0, 1, 3], [0, 2, 1], [1, 2, 0]]


def test_group_sums_rows_in_first_appearance_order():
    g = cn.dtm(TINY).group("side")
    assert g.doc_ids == ("target", "reference")
    assert g.matrix.toarray().tolist() == [[0, 1, 3], [1, 4, 1]]
    assert dict(g.metas[0]) == {"side": "target", "year": 2015}
    assert dict(g.metas[1]) == {"side": "reference"}  # year differs inside the group
    assert g.words[1] == ("甲", "乙", "乙", "乙", "乙", "丙")


def test_to_dataframe_long_and_wide():
    long = cn.dtm(TINY).to_dataframe()
    assert long.columns.tolist() == ["doc_id", "term", "value"]
    assert long.iloc[:2].values.tolist() == [["t", "乙", 1], ["t", "甲", 3]]
    assert len(long) == 6  # non-zero cells: 2 + 2 + 2
    wide = cn.dtm(TINY).to_dataframe(wide=True)
    assert wide.loc["r2", "丙"] == 1 and wide.shape == (3, 3)


def test_gensim_bridge_uses_column_ids():
    corpus, dictionary = cn.dtm(TINY).to_gensim()
    assert corpus[0] == [(1, 1), (2, 3)]
    assert dictionary.token2id == {"丙": 0, "乙": 1, "甲": 2}
    assert dictionary[2] == "甲"
    assert dictionary.dfs == {0: 1, 1: 3, 2: 2}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["发展", "改革", "共识", "协商", "民生"]), min_size=1, max_size=12),
                min_size=1, max_size=8))
def test_dtm_rows_add_up_to_token_counts(docs):
    m = cn.dtm(docs)
    assert m.counts.sum(axis=1).A1.tolist() == [len(d) for d in docs]
    assert list(m.terms) == sorted(set(w for d in docs for w in d))


# --- keyness -----------------------------------------------------------------
# Target t: 甲 3, 乙 1 (4 tokens). Reference r1+r2: 甲 1, 乙 4, 丙 1 (6 tokens). N = 10.
#   甲: a=3 b=1 c=1 d=5; ad-bc=14 >= N/2 and expected (a+b)(a+c)/N = 1.6 < 5 -> Yates 0.5:
#       chi2 = 10 (14 - 5)^2 / (4*6*4*6) = 810/576 = +1.40625 (a > E)
#   乙: a=1 b=4 c=3 d=2; ad-bc=-10, |.| >= 5, expected 2.0 < 5 -> Yates:
#       chi2 = 10 (10 - 5)^2 / (5*5*4*6) = 250/600, negative (a=1 < E=2)
#   丙: a=0 b=1 c=4 d=5; |ad-bc| = 4 < N/2 -> no correction:
#       chi2 = 10 * 16 / (1*9*4*6) = 160/216, negative
def test_chi2_by_hand_with_quanteda_yates_rule():
    table = cn.keyness(cn.dtm(TINY), target=["t"])
    assert table.columns.tolist() == ["term", "statistic", "p", "q", "log_ratio", "n_target", "n_reference"]
    assert table["term"].tolist() == ["甲", "乙", "丙"]
    assert table["statistic"].tolist() == pytest.approx([810 / 576, -250 / 600, -160 / 216], rel=1e-12)
    assert table["n_target"].tolist() == [3, 1, 0]
    assert table["n_reference"].tolist() == [1, 4, 1]
    # p for 1 degree of freedom: erfc(sqrt(x / 2))
    assert table["p"].iloc[0] == pytest.approx(math.erfc(math.sqrt(810 / 576 / 2)), rel=1e-9)


def test_chi2_without_correction_and_target_forms():
    m = cn.dtm(TINY)
    plain = cn.keyness(m, target={"side": "target"}, correction="none")
    assert plain.set_index("term").loc["甲", "statistic"] == pytest.approx(10 * 14**2 / 576)
    by_callable = cn.keyness(m, target=lambda meta: meta["year"] > 2000)
    by_ids = cn.keyness(m, target=["t"])
    assert by_callable.equals(by_ids)
    by_range = cn.keyness(m, target={"year": range(2010, 2020)})
    assert by_range.equals(by_ids)


def test_g2_by_hand():
    table = cn.keyness(cn.dtm(TINY), target=["t"], measure="g2", correction="none").set_index("term")
    # 甲: observed 3, 1, 1, 5 against expected 1.6, 2.4, 2.4, 3.6
    g2 = 2 * (3 * math.log(3 / 1.6) + 1 * math.log(1 / 2.4) + 1 * math.log(1 / 2.4) + 5 * math.log(5 / 3.6))
    assert table.loc["甲", "statistic"] == pytest.approx(g2, rel=1e-7)
    # 丙: a=0 contributes 0; observed 0, 1, 4, 5 against 0.4, 0.6, 3.6, 5.4; signed negative
    g2 = 2 * (0 + 1 * math.log(1 / 0.6) + 4 * math.log(4 / 3.6) + 5 * math.log(5 / 5.4))
    assert table.loc["丙", "statistic"] == pytest.approx(-g2, rel=1e-7)
    # default correction: Yates moves 甲's cells 0.5 toward independence (margins kept): 2.5, 1.5, 1.5, 4.5
    yates = cn.keyness(cn.dtm(TINY), target=["t"], measure="g2").set_index("term")
    g2 = 2 * (2.5 * math.log(2.5 / 1.6) + 2 * 1.5 * math.log(1.5 / 2.4) + 4.5 * math.log(4.5 / 3.6))
    assert yates.loc["甲", "statistic"] == pytest.approx(g2, rel=1e-7)


def test_keyness_errors():
    m = cn.dtm(TINY)
    with pytest.raises(InvalidArgumentError):
        cn.keyness(m, target={"side": "nobody"})
    with pytest.raises(InvalidArgumentError):
        cn.keyness(m, target=lambda meta: True)
    with pytest.raises(UnknownNameError):
        cn.keyness(m, target={"decade": 2010})
    with pytest.raises(UnknownNameError):
        cn.keyness(m, target=["t"], measure="pmi")
    with pytest.raises(UnknownNameError):
        cn.keyness(m, target=["missing-doc"])
    with pytest.raises(InvalidArgumentError):
        cn.keyness(m, target=["t"], reference=["t", "r1"])


def test_reference_subset_and_absent_terms_dropped():
    # target t against r2 only: 甲 3/0, 乙 1/2, 丙 0/1 (N = 4 + 3 = 7); every term occurs somewhere
    table = cn.keyness(cn.dtm(TINY), target=["t"], reference={"year": 1986}, correction="none").set_index("term")
    assert table["n_reference"].to_dict() == {"甲": 0, "乙": 2, "丙": 1}
    # 甲: a=3 b=0 c=1 d=3: chi2 = 7 (9 - 0)^2 / (3 * 4 * 4 * 3) = 567/144, positive
    assert table.loc["甲", "statistic"] == pytest.approx(567 / 144)
    only_r1 = cn.keyness(cn.dtm(TINY), target=["r1"], reference=["r2"])
    assert sorted(only_r1["term"]) == ["丙", "乙", "甲"]
    two = make_tokens({"a": ["甲"], "b": ["乙"], "c": ["丙"]})
    assert sorted(cn.keyness(cn.dtm(two), target=["a"], reference=["b"])["term"]) == ["乙", "甲"]


# --- the 49 government work reports ------------------------------------------
@pytest.fixture(scope="module")
def gov_tokens(gov_reports_dir):
    from conftest import GOV_PATTERN

    corpus = cn.Corpus.from_files(gov_reports_dir, meta_pattern=GOV_PATTERN)
    corpus = cn.Corpus(cn.Document(d.doc_id, d.text, {**d.meta, "decade": int(d.meta["year"]) // 10 * 10})
                       for d in corpus)
    return cn.tokenize(corpus, stopwords=["function", "boilerplate"], drop_numbers=True)


@pytest.mark.slow
def test_keyness_2010s_against_1980s(gov_tokens):
    matrix = cn.dtm(gov_tokens)
    table = cn.keyness(matrix, target={"decade": 2010}, reference={"decade": 1980})
    # the same as comparing the two decades' summed rows
    grouped = cn.keyness(matrix.group("decade"), target=["2010"], reference=["1980"])
    assert table["term"].head(50).tolist() == grouped["term"].head(50).tolist()
    assert table["statistic"].notna().all()
    top = table["term"].head(30).tolist()
    for word in ("创新", "推进", "民生"):
        assert word in top
    # the political lexicon keeps 供给侧结构性改革 (2015-) whole: 9 times in the 2010s, never in the 1980s
    stats = table.set_index("term")["statistic"]
    assert stats["供给侧结构性改革"] > 10 and stats["互联网"] > 10
    # the 1980s' own vocabulary: 商品经济 (42 times then, never in the 2010s), 社会主义, 计划
    assert stats["商品经济"] < -10
    bottom = table["term"].tail(30).tolist()
    assert "社会主义" in bottom and "计划" in bottom


# The published top features of the reports' README (quanteda 0.9.9, ICU word boundaries, Baidu stopwords).
PUBLISHED = {"发展": 5627, "经济": 5036, "社会": 4255, "建设": 4248, "改革": 2931, "人民": 2897, "主义": 2817,
             "工作": 2642, "企业": 2627, "国家": 2595}


@pytest.mark.slow
def test_published_top_features_rank_agreement(gov_reports_dir):
    """Our counts of the published ten, as whole tokens and as parts of tokens (see docs/topics.md)."""
    from collections import Counter

    from conftest import GOV_PATTERN
    from scipy.stats import kendalltau, spearmanr

    corpus = cn.Corpus.from_files(gov_reports_dir, meta_pattern=GOV_PATTERN)
    tokens = cn.tokenize(corpus, stopwords=["function", "boilerplate"], drop_numbers=True)
    matrix = cn.dtm(tokens)
    totals = dict(zip(matrix.terms, matrix.counts.sum(axis=0).A1.tolist()))
    whole = [totals.get(w, 0) for w in PUBLISHED]
    # jieba + the political lexicon keep 社会主义 whole where ICU splits 社会|主义: 主义 alone is rare
    assert totals["社会主义"] > 1000 and totals.get("主义", 0) < 10
    rho_whole = spearmanr(list(PUBLISHED.values()), whole).statistic
    assert 0.2 < rho_whole < 0.6
    # counting the published words inside our tokens undoes the segmenter difference
    per_word = Counter(w for doc in tokens.words() for w in doc)
    inside = [sum(n * w.count(p) for w, n in per_word.items()) for p in PUBLISHED]
    assert inside[PUBLISHED_INDEX["经济"]] == 5036 and inside[PUBLISHED_INDEX["工作"]] == 2642
    assert spearmanr(list(PUBLISHED.values()), inside).statistic > 0.9
    assert kendalltau(list(PUBLISHED.values()), inside).statistic > 0.8


PUBLISHED_INDEX = {w: i for i, w in enumerate(PUBLISHED)}
