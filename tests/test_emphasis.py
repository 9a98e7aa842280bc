"""Theme dictionaries, emphasis tables and clustering on the seed page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import consensus_nlp as cn
from consensus_nlp.models.emphasis import emphasis, theme_hits
from consensus_nlp.models.cluster import cluster
from consensus_nlp.models.dictionaries import load_themes
from consensus_nlp.errors import EmptyInputError, InvalidArgumentError, UnknownNameError
from consensus_nlp.text.tokens import Token, Tokens

ORGS = ["徽县政协", "省委党校", "酒泉市政协", "金昌市政协", "天水市政协", "临夏州政协", "镇原县政协"]
THEMES = ["culture_brand", "grassroots_consultation", "proposal_handling", "ideological_guidance", "united_front",
          "livelihood", "poverty_and_rural", "epidemic_response", "study_and_reading", "democratic_supervision"]


@pytest.fixture(scope="module")
def corpus():
    return cn.load_corpus("gansu-cppcc-2021")


@pytest.fixture(scope="module")
def tokens(corpus):
    return cn.tokenize(corpus)


def test_bundled_themes_have_rationale_and_sources():
    themes = load_themes("cppcc")
    assert themes.names == THEMES
    assert all(len(themes.rationale[t]) > 80 for t in THEMES)
    assert "charter" in themes.sources
    assert "re:提案" in themes.entries["proposal_handling"]


def test_emphasis_table_shape_and_leaders(tokens):
    result = emphasis(tokens, by="organization")
    table = result.rates
    assert table.index.tolist() == ORGS
    assert table.columns.tolist() == THEMES
    assert table["culture_brand"].idxmax() == "徽县政协"
    assert table["proposal_handling"].idxmax() in {"天水市政协", "金昌市政协"}
    assert result.totals["徽县政协"] == len(tokens[0])
    assert result.counts.index.tolist() == ORGS and result.counts.columns.tolist() == THEMES


def test_emphasis_cells_against_hand_counts(corpus, tokens):
    counts = emphasis(tokens, by="organization").counts
    # 徽县政协, culture_brand. In the speech text "文化" occurs 9 times: 文化品牌 x3 (the brand
    # campaign), 文化交流, 历史文化底蕴 (-> 文化底蕴), 红色文化, 畅谈历史文化 and 送文化进村 (-> 文化),
    # each inside a different token; 品牌 occurs 3 times, always inside 文化品牌 (already counted);
    # none of the other culture entries (旅游, 文旅, 非遗, 遗产, 博物馆, 景区, 文史, 文艺, 文创) occurs.
    huixian = corpus[0].text
    assert huixian.count("文化") == 9 and huixian.count("品牌") == 3 and huixian.count("文化品牌") == 3
    assert all(huixian.count(w) == 0 for w in ["旅游", "文旅", "非遗", "遗产", "博物馆", "景区", "文史", "文艺", "文创"])
    assert counts.loc["徽县政协", "culture_brand"] == 9
    # 天水市政协, proposal_handling: 提案 occurs 5 times (提案办理, 提案工作, 提案质量, 重点提案,
    # 《…的提案》), 督办 twice (领衔督办, 现场督办), 建议案 once, 社情民意 once; 办理 only inside
    # 提案办理 (same token); no 立案/交办/答复/办结/采纳/承办/落实率/办复. 5 + 2 + 1 + 1 = 9.
    tianshui = corpus[4].text
    assert corpus[4].meta["organization"] == "天水市政协"
    assert [tianshui.count(w) for w in ["提案", "督办", "建议案", "社情民意", "办理"]] == [5, 2, 1, 1, 1]
    assert counts.loc["天水市政协", "proposal_handling"] == 9
    # rates are hits per 1,000 tokens of the group
    result = emphasis(tokens, by="organization")
    rates, n = result.rates, result.totals["天水市政协"]
    assert rates.loc["天水市政协", "proposal_handling"] == pytest.approx(9 / n * 1000)


def test_theme_hits_point_into_the_text(corpus, tokens):
    hits = theme_hits(tokens)
    counts = emphasis(tokens, by="doc_id").counts
    per_cell = hits.groupby(["doc_id", "theme"]).size()
    assert per_cell[(corpus[0].doc_id, "culture_brand")] == counts.loc[corpus[0].doc_id, "culture_brand"] == 9
    culture = hits[(hits["doc_id"] == corpus[0].doc_id) & (hits["theme"] == "culture_brand")]
    text = corpus[0].text
    assert [text[s:e] for s, e in zip(culture["start"], culture["end"])] == culture["tokens"].tolist()
    assert culture["tokens"].tolist().count("文化品牌") == 3
    assert all("文化" in t for t in culture["tokens"])


def test_user_dictionary_dict_yaml_and_toml(tmp_path, tokens):
    user = {"brand": ["*品牌*"], "consult": ["有事 好 商量", "re:^协商"]}
    from_dict = emphasis(tokens, by="organization", themes=user).counts
    (tmp_path / "mine.yaml").write_text("brand: ['*品牌*']\nconsult: ['有事 好 商量', 're:^协商']\n", encoding="utf-8")
    (tmp_path / "mine.toml").write_text("brand = ['*品牌*']\nconsult = ['有事 好 商量', 're:^协商']\n", encoding="utf-8")
    assert from_dict.equals(emphasis(tokens, by="organization", themes=tmp_path / "mine.yaml").counts)
    assert from_dict.equals(emphasis(tokens, by="organization", themes=str(tmp_path / "mine.toml")).counts)
    assert from_dict.loc["徽县政协", "brand"] == 3  # the three 文化品牌


def test_globs_regex_and_multiword_entries():
    words = ["有事", "好", "商量", "协商", "政治协商", "文化", "文化品牌", "品牌"]
    toks = Tokens(["d"], ["".join(words)], [{"g": 1}], [[Token(w, 0, 0) for w in words]])
    themes = {"run": ["有事 好 商量", "好"], "prefix": ["re:^协商"], "infix": ["*协商*"], "glob": ["文化*"]}
    row = emphasis(toks, by="g", themes=themes).counts.iloc[0].to_dict()
    # the run counts once and consumes 好; 协商 starts with 协商, 政治协商 only contains it
    assert row == {"run": 1, "prefix": 1, "infix": 2, "glob": 2}


def test_emphasis_errors(tokens):
    with pytest.raises(UnknownNameError, match="cppcc"):
        emphasis(tokens, themes="cppc")
    with pytest.raises(UnknownNameError):
        emphasis(tokens, by="province")
    empty = Tokens(["a", "b"], ["", "协商"], [{"g": "x"}, {"g": "y"}], [[], [Token("协商", 0, 2)]])
    with pytest.raises(EmptyInputError, match="x"):
        emphasis(empty, by="g")
    with pytest.raises(InvalidArgumentError):
        load_themes({"bad": ["re:("]})
    with pytest.raises(InvalidArgumentError):
        load_themes({"empty": []})


def test_cluster_ward_is_deterministic_and_complete(tokens):
    profile = emphasis(tokens, by="organization").rates
    result = cluster(profile, method="ward", k=3)
    again = cluster(profile, method="ward", k=3)
    assert result.labels.equals(again.labels)
    assert result.labels.index.tolist() == ORGS
    assert sorted(set(result.labels)) == [1, 2, 3]
    assert sorted(result.order) == sorted(ORGS)
    assert result.linkage.shape == (6, 4)
    # clusters are numbered along the dendrogram's leaf order
    first_seen = list(dict.fromkeys(result.labels[o] for o in result.order))
    assert first_seen == [1, 2, 3]


def test_cluster_by_hand_on_two_obvious_groups():
    profile = pd.DataFrame({"a": [0.0, 0.1, 10.0, 10.2], "b": [5.0, 5.1, 0.0, 0.2]}, index=["p", "q", "r", "s"])
    for method in ("ward", "average", "kmeans"):
        result = cluster(profile, method=method)  # k chosen by silhouette
        assert result.k == 2
        assert result.labels["p"] == result.labels["q"] != result.labels["r"] == result.labels["s"]
    assert cluster(profile, method="kmeans").linkage is None
    with pytest.raises(UnknownNameError):
        cluster(profile, method="spectral")
    with pytest.raises(InvalidArgumentError):
        cluster(profile, k=9)
    with pytest.raises(InvalidArgumentError):
        cluster(profile.iloc[:1])
    assert np.isfinite(cluster(profile, method="average", k=2).silhouette)


# --- precision review on the government work reports (docs/emphasis.md) -----------------------
# each sentence is copied from a report in shared/corpora/gov-work-reports-1954-2017

def _hits(sentences):
    corpus = cn.Corpus.from_records([{"doc_id": f"s{i}", "text": t} for i, t in enumerate(sentences)])
    hits = theme_hits(cn.tokenize(corpus))
    return {(d, th): sorted(g["tokens"]) for (d, th), g in hits.groupby(["doc_id", "theme"])}


def test_cppcc_themes_do_not_misfire_on_reports():
    hits = _hits([
        "社会治安防控体系更加健全，综合治理工作进一步加强。",  # 2008
        "建立了重大动物疫病防控体系，防止了高致病性禽流感等疫情蔓延。",  # 2008
        "比上年增长9．5％；财政收入2．63万亿元，增长21．4％；城镇居民人均可支配收入9422元。",  # 2005
        "他们对文化大革命前我国优秀影片和外国进步影片一律封存，取消科学文化群众团体，任意封存图书，等等。",  # 1978
        "我们将全面贯彻对台工作大政方针，坚持“九二共识”，维护一个中国框架。",  # 2014
    ])
    # 治安防控 is not epidemic response, fiscal revenue (财政收入) is not livelihood, the Cultural
    # Revolution is not cultural work and the 1992 consensus is not the CPPCC's 凝聚共识; 疫病防控,
    # 疫情, household 收入 and 科学文化 (segmented 科学 文化) are what the themes are about
    assert hits == {
        ("s1", "epidemic_response"): ["疫情", "疫病 防控"],
        ("s2", "livelihood"): ["收入"],
        ("s3", "culture_brand"): ["文化"],
    }
