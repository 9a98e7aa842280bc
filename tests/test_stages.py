"""The stages of analyze, called from Python one by one."""

from __future__ import annotations

import pytest

import consensus_nlp as cn
from consensus_nlp.report import stages


@pytest.fixture(scope="module")
def segmented():
    read = stages.read("gansu-cppcc-2021")
    return read, stages.segment(read.corpus)


@pytest.mark.parametrize("unit", ["speech", "paragraph", "outline_item"])
def test_unit_tokens_are_the_tokens_of_segmenting_each_unit(segmented, unit):
    _, seg = segmented
    units = cn.units(seg.corpus, unit)
    cut = stages.unit_tokens(seg.tokens, units)
    again = cn.tokenize(units, stopwords=stages.TOPIC_STOPWORDS, drop_numbers=True, progress=False).filter(min_chars=2)
    assert cut.doc_ids == units.doc_ids
    assert cut.tokens == again.tokens  # same words and offsets into each unit's text
    assert cut.n_tokens > 500


def test_the_stages_compose_into_the_analysis(segmented):
    read, seg = segmented
    assert read.by == "organization" and read.input["kind"] == "bundled" and len(read.corpus) == 7
    assert seg.skipped == () and seg.tokens.doc_ids == read.corpus.doc_ids
    devices = stages.find_devices(seg.corpus)
    assert list(devices.outline.columns) == ["doc_id", "level", "marker", "ordinal", "headline", "start", "end"]
    assert len(devices.outline) == 28
    emphasis = stages.measure_emphasis(seg.tokens, by=read.by, themes="cppcc")
    assert list(emphasis.rates.index) == list(emphasis.counts.index)
    assert len(emphasis.rates) == 7
    topics = stages.fit_unit_topics(seg, units="paragraph", k=3, random_state=0, by="doc_id")
    # groups are documents: shares per speech (parent), never per paragraph
    assert topics.shares_by == "parent_id" and list(topics.shares.index) == list(seg.corpus.doc_ids)
    assert topics.k == 3 and topics.shares.shape == (7, 3)
    assert topics.model.doc_topic_.shape[0] == len(topics.units) > 7
    groups = stages.compare_groups(seg.tokens, emphasis, by=read.by)
    assert groups.clusters is not None and set(groups.keyness[read.by]) == set(emphasis.rates.index)
    figures = stages.draw_figures(emphasis, topics, groups)
    assert sorted(figures) == ["dendrogram", "emphasis_heatmap", "topic_shares", "topic_terms"]
    assert all(f["png"].startswith(b"\x89PNG") and b"<svg" in f["svg"] for f in figures.values())


def test_options_are_checked_before_any_work():
    with pytest.raises(cn.errors.InvalidArgumentError, match="units='sentence' is not a unit of analysis"):
        stages.check_options(units="sentence", k=None, engine="tomotopy", random_state=0, themes="cppcc")
    with pytest.raises(cn.errors.UnknownNameError, match="themes='nothemes' is neither a bundled theme set nor an existing file"):
        stages.check_options(units="speech", k=None, engine="tomotopy", random_state=0, themes="nothemes")
