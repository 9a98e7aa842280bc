"""Plots render Chinese without missing glyphs, return Axes and leave rcParams alone."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import consensus_nlp as cn  # noqa: E402
from consensus_nlp import fonts, plot  # noqa: E402
from consensus_nlp.models.emphasis import emphasis  # noqa: E402
from consensus_nlp.models.cluster import cluster  # noqa: E402
from consensus_nlp.errors import InvalidArgumentError  # noqa: E402
from consensus_nlp.models.topics import fit_topics, select_k  # noqa: E402
from consensus_nlp.unitize import units  # noqa: E402


@pytest.fixture(scope="module")
def tokens():
    return cn.tokenize(cn.load_corpus("gansu-cppcc-2021"))


@pytest.fixture(scope="module")
def profile(tokens):
    return emphasis(tokens, by="organization").rates


@pytest.fixture(scope="module")
def model():
    items = units(cn.load_corpus("gansu-cppcc-2021"), "outline_item")
    matrix = cn.dtm(cn.tokenize(items, stopwords=["function", "boilerplate"], drop_numbers=True))
    return fit_topics(matrix, k=4, iterations=50, seed_words={"文化": ["*文化*"]}, random_state=0)


def render(draw, path):
    """Draw, save a PNG, and return the Axes and the warnings raised meanwhile."""
    before = dict(matplotlib.rcParams)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = draw()
        ax.figure.savefig(path, dpi=60)
    assert dict(matplotlib.rcParams) == before, "a plot changed global rcParams"
    assert path.stat().st_size > 1000
    glyph = [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from" in str(w.message)]
    assert glyph == []
    return ax


def test_font_is_cjk():
    family = fonts.cjk_family()
    assert family in fonts.PREFERRED_FAMILIES or family.startswith("Noto Sans CJK")
    from matplotlib.font_manager import findfont

    path = findfont(fonts.cjk_font(), fallback_to_default=False)
    from matplotlib.ft2font import FT2Font

    face = FT2Font(path)
    assert all(face.get_char_index(ord(ch)) != 0 for ch in "徽县政协文化品牌凝聚共识")
    assert fonts.bundled_font_path().name == "NotoSansCJKsc-Regular.otf"


def test_emphasis_heatmap(profile, tmp_path):
    ax = render(lambda: plot.emphasis_heatmap(profile), tmp_path / "heat.png")
    assert isinstance(ax, Axes)
    assert [t.get_text() for t in ax.get_yticklabels()][:2] == ["徽县政协", "省委党校"]
    assert fonts.cjk_family() in ax.get_yticklabels()[0].get_fontfamily()
    assert len(ax.texts) == profile.size


def test_topic_terms(model, tmp_path):
    ax = render(lambda: plot.topic_terms(model, n=5), tmp_path / "terms.png")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:5] == model.top_words(5)["文化"]
    assert [t.get_text() for t in ax.texts] == list(model.names)
    with pytest.raises(InvalidArgumentError):
        plot.topic_terms(model, topics=["nope"])


def test_dendrogram(profile, tmp_path):
    result = cluster(profile, method="ward", k=3)
    ax = render(lambda: plot.dendrogram(result), tmp_path / "tree.png")
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(profile.index)
    with pytest.raises(InvalidArgumentError):
        plot.dendrogram(cluster(profile, method="kmeans", k=2))


def test_topic_shares_by_group_and_by_year(model, tmp_path):
    ax = render(lambda: plot.topic_shares(model, by="organization"), tmp_path / "shares.png")
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "徽县政协"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(model.names)
    # a year-like field gives an area plot over time
    items = units(cn.load_corpus("gansu-cppcc-2021"), "outline_item")
    items = cn.Corpus.from_records([{**d.to_record(), "year": 2019 + i % 3} for i, d in enumerate(items)])
    timed = fit_topics(cn.dtm(cn.tokenize(items, stopwords=["function"])), k=3, iterations=20, random_state=0)
    ax = render(lambda: plot.topic_shares(timed, by="year"), tmp_path / "years.png")
    assert ax.get_xlim() == (2019.0, 2021.0)


def test_select_k_curve(model, tmp_path):
    items = units(cn.load_corpus("gansu-cppcc-2021"), "outline_item")
    table = select_k(cn.dtm(cn.tokenize(items, stopwords=["function"])), ks=[2, 3], iterations=10)
    ax = render(lambda: plot.select_k_curve(table), tmp_path / "k.png")
    assert list(ax.lines[0].get_xdata()) == [2, 3]
