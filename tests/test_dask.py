"""LazyCorpus: the stage functions on Dask partitions give exactly the eager results."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import dask
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import consensus_nlp as cn
from consensus_nlp.errors import ConsensusNLPError, EmptyInputError, InvalidArgumentError, UnknownNameError
from consensus_nlp.integrations.dask import LazyCorpus, LazyResult, LazyTokens, use_scheduler, worker_loads

from conftest import GOV_PATTERN

SEGMENTER = cn.Segmenter()  # rjieba where installed: the fast path; the same dictionary in every process


def assert_same_emphasis(eager, lazy) -> None:
    assert type(lazy) is type(eager) and lazy.theme_set == eager.theme_set and lazy.themes == eager.themes
    for table in ("rates", "counts", "totals"):
        getattr(pd.testing, "assert_series_equal" if table == "totals" else "assert_frame_equal")(
            getattr(lazy, table), getattr(eager, table), check_exact=True)
    pd.testing.assert_frame_equal(lazy.to_frame(), eager.to_frame(), check_exact=True)


def assert_same_dtm(eager: cn.DTM, lazy: cn.DTM) -> None:
    assert lazy.terms == eager.terms
    assert lazy.doc_ids == eager.doc_ids
    assert [dict(m) for m in lazy.metas] == [dict(m) for m in eager.metas]
    for a, b in ((eager.counts, lazy.counts), (eager.matrix, lazy.matrix)):
        assert a.shape == b.shape and a.dtype == b.dtype and a.indices.dtype == b.indices.dtype
        assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
        assert np.array_equal(a.data, b.data)


@pytest.fixture(scope="module")
def gansu() -> cn.Corpus:
    return cn.load_corpus("gansu-cppcc-2021")


def assert_same_topics(eager, lazy) -> None:
    pd.testing.assert_frame_equal(lazy.doc_topics(), eager.doc_topics(), check_exact=True)
    pd.testing.assert_frame_equal(lazy.top_terms(10), eager.top_terms(10), check_exact=True)
    assert np.array_equal(lazy.topic_word_, eager.topic_word_)


def test_local_scheduler_results_equal_the_eager_ones(gansu):
    lazy = LazyCorpus.from_corpus(gansu, npartitions=3)
    assert (lazy.npartitions, repr(lazy)) == (3, "LazyCorpus(3 partitions, 7 documents; lazy)")
    assert list(lazy.docvars["partition"]) == [0, 0, 1, 1, 2, 2, 2]
    assert lazy.compute() == gansu
    recent = {"speaker": lambda s: s in set(gansu.docvars.values("speaker")[:3])}
    with dask.config.set(scheduler="threads", num_workers=2):
        tokens = cn.tokenize(gansu, segmenter=SEGMENTER, stopwords="default")
        lazy_tokens = cn.tokenize(lazy, segmenter=SEGMENTER, stopwords="default").persist()
        assert isinstance(lazy_tokens, LazyTokens) and lazy_tokens.npartitions == 3
        assert repr(lazy_tokens) == "LazyTokens(3 partitions, lazy; kept: persisted)"
        assert lazy_tokens.compute() == tokens
        for options in ({}, {"min_docs": 2, "max_doc_share": 0.9}, {"min_docs": 2, "max_terms": 40}, {"weighting": "tfidf"}):
            lazy_dtm = cn.dtm(lazy_tokens, **options)
            assert isinstance(lazy_dtm, LazyResult)
            assert repr(lazy_dtm) == "LazyResult(CountTerms over 3 partitions; not computed: call .compute())"
            assert_same_dtm(cn.dtm(tokens, **options), lazy_dtm.compute())
        # the default engine (tomotopy) reads the word sequences: the lazy DTM gives them too, so the fits are equal
        eager_dtm, lazy_dtm = cn.dtm(tokens, min_docs=2), cn.dtm(lazy_tokens, min_docs=2).compute()
        assert lazy_dtm.words == eager_dtm.words and len(lazy_dtm.words[0]) == int(tokens.lengths()[0])
        eager_model = cn.fit_topics(eager_dtm, k=3, random_state=0)
        assert eager_model.engine == "tomotopy"
        assert_same_topics(eager_model, cn.fit_topics(lazy_dtm, k=3, random_state=0))
        assert_same_topics(eager_model, cn.fit_topics(cn.dtm(lazy_tokens, min_docs=2), k=3, random_state=0))
        assert lazy_dtm.words is not None and eager_model.coherence() == cn.fit_topics(lazy_dtm, k=3, random_state=0).coherence()
        lazy_keyness = cn.keyness(cn.dtm(lazy_tokens, min_docs=2), target=recent, measure="g2")
        assert repr(lazy_keyness) == "LazyResult(CompareTerms over 3 partitions; not computed: call .compute())"
        pd.testing.assert_frame_equal(lazy_keyness.compute(), cn.keyness(eager_dtm, target=recent, measure="g2"),
                                      check_exact=True)
        for by in ("organization", "doc_id"):
            assert_same_emphasis(cn.emphasis(tokens, by=by), cn.emphasis(lazy_tokens, by=by).compute())
        for by in (None, "speaker", "organization"):
            pd.testing.assert_frame_equal(lazy_tokens.frequencies(by=by).compute(), tokens.frequencies(by=by), check_exact=True)
        devices = cn.tag(lazy)
        assert list(devices.columns) == list(cn.tag(gansu).columns)
        pd.testing.assert_frame_equal(devices.compute().reset_index(drop=True), cn.tag(gansu), check_exact=True)
        lazy_units = cn.units(lazy, "outline_item")
        assert isinstance(lazy_units, LazyCorpus) and lazy_units.compute() == cn.units(gansu, "outline_item")
    # a pruning that leaves nothing fails as the eager one does, when computed
    pending = cn.dtm(lazy_tokens, min_docs=8)
    with pytest.raises(cn.errors.EmptyVocabularyError, match="left no terms out of"):
        pending.compute()


def test_results_computed_together_segment_once(gansu, segmenter_calls):
    lazy = LazyCorpus.from_corpus(gansu, npartitions=3)
    segmentations = segmenter_calls
    with dask.config.set(scheduler="threads", num_workers=2):
        cn.tokenize(lazy, segmenter=SEGMENTER).compute()  # builds this process's segmenter (not counted below)
        before = segmentations.calls
        cn.tokenize(lazy, segmenter=SEGMENTER).compute()
        once = segmentations.calls - before  # what segmenting the three partitions once takes
        tokens = cn.tokenize(lazy, segmenter=SEGMENTER)
        pending = (cn.dtm(tokens), cn.emphasis(tokens, by="organization"), tokens)
        assert segmentations.calls == before + once  # nothing computed yet
        matrix, table, shares = cn.compute(*pending)
    assert once >= 3 and segmentations.calls == before + 2 * once  # the three results shared one segmentation
    eager = cn.tokenize(gansu, segmenter=SEGMENTER)
    assert shares == eager and matrix.shape == cn.dtm(eager).shape
    assert_same_emphasis(cn.emphasis(eager, by="organization"), table)
    assert cn.compute(matrix) is matrix  # what is not lazy comes back as it is


def test_each_partition_runs_as_one_task_with_the_same_results(gansu, tmp_path):
    from dask._task_spec import Task

    from consensus_nlp.integrations.dask_reduce import by_partition, plan, run_partition

    LazyCorpus.from_corpus(gansu, npartitions=3).to_parquet(tmp_path / "pages")
    lazy = LazyCorpus.from_parquet(tmp_path / "pages")
    tokens = cn.tokenize(lazy, segmenter=SEGMENTER)
    values = (cn.dtm(tokens), cn.emphasis(tokens, by="organization"), cn.tag(lazy).groupby("kind").size(), tokens)
    flat = [o for value in values for o in plan(value)[0]]
    fused = by_partition(flat)
    graph = dict(dask.delayed(list)(fused).dask)
    runs = [k for k, node in graph.items() if isinstance(node, Task) and node.func is run_partition]
    assert len(runs) == 3  # read, segment, count terms and themes, tag: one task per partition
    assert not any(str(k).startswith(("cn-parquet", "Tokenize")) and isinstance(graph[k], Task) for k in graph)
    with dask.config.set(scheduler="sync"):
        separate, together = dask.compute(*flat), dask.compute(*fused)
    assert len(separate) == len(together) == 3 + 3 + 1 + 3  # dtm and emphasis maps, the device counts, tokens
    for a, b in zip(separate, together):
        if isinstance(a, pd.Series):
            pd.testing.assert_series_equal(a, b)
        elif isinstance(a, cn.Tokens):
            assert a == b
        else:
            assert pickle.dumps(a) == pickle.dumps(b)


def test_term_counts_merged_in_one_pass_equal_the_tree_of_pairs(gansu):
    from consensus_nlp.models.dtm import CountTerms
    from consensus_nlp.pipeline import combine_tree

    stage = CountTerms()
    maps = [stage.map(cn.tokenize(gansu[a:b], segmenter=SEGMENTER)) for a, b in ((0, 2), (2, 3), (3, 5), (5, 7))]
    maps.append(stage.map([["凝聚", "共识"], ["新词"]]))  # word lists keep their words
    maps[-1] = maps[-1]._replace(words=None)
    one_pass, tree = stage.combine_many(maps), combine_tree(stage, maps)
    assert one_pass.types == tree.types and one_pass.types[-1] == "新词"
    assert (one_pass.counts != tree.counts).nnz == 0 and one_pass.counts.shape == tree.counts.shape
    assert one_pass.docvars.doc_ids == tree.docvars.doc_ids and one_pass.words is tree.words is None


def test_workers_without_a_scheduler_run_processes(gansu, monkeypatch):
    import contextlib

    from consensus_nlp.integrations import dask as integration

    used = []

    @contextlib.contextmanager
    def recorded(scheduler, workers=None):
        used.append((scheduler, workers))
        with dask.config.set(scheduler="sync"):
            yield

    monkeypatch.setattr(integration, "use_scheduler", recorded)
    tokens = integration.run_partitioned(cn.tokenize, gansu, None, 2, segmenter=SEGMENTER, progress=False)
    assert used == [("processes", 2)] and tokens == cn.tokenize(gansu, segmenter=SEGMENTER, progress=False)


def test_a_distributed_client_gets_each_result_when_ready_and_keeps_none(gansu):
    from distributed import Client, LocalCluster

    lazy = LazyCorpus.from_corpus(gansu, npartitions=3)
    tokens = cn.tokenize(lazy, segmenter=SEGMENTER)
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        matrix, table = cn.compute(cn.dtm(tokens), cn.emphasis(tokens, by="organization"))
        held = client.run(lambda dask_worker: len(dask_worker.data))
        for _ in range(100):  # releasing is a message to the scheduler: give it a moment
            if not any(held.values()):
                break
            time.sleep(0.05)
            held = client.run(lambda dask_worker: len(dask_worker.data))
        assert held == {w: 0 for w in client.scheduler_info()["workers"]}
    eager = cn.tokenize(gansu, segmenter=SEGMENTER)
    assert matrix.terms == cn.dtm(eager).terms and (matrix.counts != cn.dtm(eager).counts).nnz == 0
    assert_same_emphasis(cn.emphasis(eager, by="organization"), table)


texts = st.lists(st.text(alphabet="政协委员凝聚共识，。一是二要加强团结 \n0123", min_size=0, max_size=40), min_size=1, max_size=9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=texts, npartitions=st.integers(1, 9))
def test_any_partitioning_gives_the_eager_dtm_and_frequencies(texts, npartitions):
    corpus = cn.Corpus.from_records([{"text": t, "g": i % 2} for i, t in enumerate(texts)])
    lazy = LazyCorpus.from_corpus(corpus, npartitions=npartitions)
    with dask.config.set(scheduler="sync"):
        tokens, lazy_tokens = cn.tokenize(corpus, segmenter=SEGMENTER), cn.tokenize(lazy, segmenter=SEGMENTER)
        pd.testing.assert_frame_equal(lazy_tokens.frequencies(by="g").compute(), tokens.frequencies(by="g"), check_exact=True)
        try:
            eager = cn.dtm(tokens, min_docs=2)
        except cn.errors.EmptyVocabularyError as exc:
            with pytest.raises(cn.errors.EmptyVocabularyError) as caught:
                cn.dtm(lazy_tokens, min_docs=2).compute()
            assert str(caught.value) == str(exc)
        else:
            assert_same_dtm(eager, cn.dtm(lazy_tokens, min_docs=2).compute())


def test_a_field_only_some_partitions_have_groups_as_the_eager_call():
    corpus = cn.Corpus.from_records([{"text": "凝聚共识"}, {"text": "团结奋斗"}, {"text": "凝聚力量", "speaker": "甲"}])
    tokens = cn.tokenize(corpus, segmenter=SEGMENTER)
    lazy = cn.tokenize(LazyCorpus.from_corpus(corpus, npartitions=3), segmenter=SEGMENTER)
    with dask.config.set(scheduler="sync"):
        frame = lazy.frequencies(by="speaker").compute()
        pd.testing.assert_frame_equal(frame, tokens.frequencies(by="speaker"), check_exact=True)
        assert frame.values.tolist()[-1] == ["甲", "凝聚力量", 1, 1, 1.0]
        assert_same_emphasis(cn.emphasis(tokens, by="speaker", themes={"团结": ["团结"]}),
                             cn.emphasis(lazy, by="speaker", themes={"团结": ["团结"]}).compute())
    with pytest.raises(UnknownNameError, match="by='year' is not a metadata field; accepted: 'doc_id', 'speaker'"):
        lazy.frequencies(by="year")  # known before any partition is read
    with pytest.raises(UnknownNameError, match="by='year' is not a metadata field; accepted: 'doc_id', 'speaker'"):
        tokens.frequencies(by="year")


@pytest.mark.slow
def test_local_cluster_equals_eager_on_the_49_reports(gov_reports_dir, tmp_path):
    from distributed import Client, LocalCluster

    corpus = cn.Corpus.from_files(gov_reports_dir, meta_pattern=GOV_PATTERN)
    lazy = LazyCorpus.from_files(gov_reports_dir, meta_pattern=GOV_PATTERN, npartitions=8)
    # metadata from the file names, before any text is read
    assert lazy.docvars.columns.tolist() == ["doc_id", "partition", "year", "speaker", "path"]
    assert lazy.docvars.iloc[0][["doc_id", "year", "speaker"]].tolist() == ["1954政府工作报告_周恩来", "1954", "周恩来"]
    tokens = cn.tokenize(corpus, segmenter=SEGMENTER)
    eager_dtm = cn.dtm(tokens, min_docs=2, max_doc_share=0.95)
    recent = {"year": lambda y: int(y) >= 2000}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        lazy_tokens = cn.tokenize(lazy, segmenter=SEGMENTER).to_parquet(tmp_path / "store")  # segmented once, stored
        lazy_dtm, lazy_emphasis, lazy_devices, lazy_units, lazy_keyness = cn.compute(
            cn.dtm(lazy_tokens, min_docs=2, max_doc_share=0.95), cn.emphasis(lazy_tokens, by="speaker"), cn.tag(lazy),
            cn.units(lazy, "paragraph", min_chars=20), cn.keyness(cn.dtm(lazy_tokens, min_docs=2, max_doc_share=0.95),
                                                                    target=recent))
        loads = client.run(worker_loads)
    assert lazy_dtm.shape == eager_dtm.shape and lazy_dtm.shape[0] == 49
    assert_same_dtm(eager_dtm, lazy_dtm)
    pd.testing.assert_frame_equal(lazy_keyness, cn.keyness(eager_dtm, target=recent), check_exact=True)
    pd.testing.assert_frame_equal(cn.keyness(lazy_dtm, target=recent, measure="g2"),
                                  cn.keyness(eager_dtm, target=recent, measure="g2"), check_exact=True)
    assert_same_emphasis(cn.emphasis(tokens, by="speaker"), lazy_emphasis)
    assert lazy_emphasis.rates.shape == (len(set(corpus.docvars.values("speaker"))), 10)
    pd.testing.assert_frame_equal(lazy_devices.reset_index(drop=True), cn.tag(corpus), check_exact=True)
    assert lazy_units == cn.units(corpus, "paragraph", min_chars=20)
    # the default topic engine (tomotopy) on the lazy DTM: its word sequences come from the store
    assert_same_topics(cn.fit_topics(eager_dtm, k=5, random_state=0), cn.fit_topics(lazy_dtm, k=5, random_state=0))
    # 8 partitions segmented and tagged, yet each worker process built the dictionary and the themes once
    assert len(loads) == 2
    assert all(v.get("segmenter", 0) <= 1 and v.get("themes", 0) <= 1 for v in loads.values()), loads
    assert sum(v.get("segmenter", 0) for v in loads.values()) >= 1


def test_parquet_round_trip_reads_metadata_without_texts(tmp_path, gansu):
    corpus = cn.Corpus.from_records([{"doc_id": d.doc_id, "text": d.text, "speaker": d.meta["speaker"]} for d in gansu])
    folder = LazyCorpus.from_corpus(corpus, npartitions=2).to_parquet(tmp_path / "parts")
    assert sorted(p.name for p in folder.iterdir()) == ["part-00000.parquet", "part-00001.parquet"]
    lazy = LazyCorpus.from_parquet(folder)
    assert lazy.npartitions == 2
    assert lazy.docvars.columns.tolist() == ["doc_id", "partition", "speaker"]
    assert lazy.docvars["speaker"].tolist() == [d.meta["speaker"] for d in gansu]
    assert lazy.compute() == corpus
    # one file: one partition per row group; ids numbered when there is no id column
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"body": list(corpus.texts), "year": ["2021"] * len(corpus)})
    pq.write_table(table, tmp_path / "one.parquet", row_group_size=3)
    lazy = LazyCorpus.from_parquet(tmp_path / "one.parquet", text="body", doc_id=None)
    assert lazy.npartitions == 3
    assert [d.doc_id for d in lazy.compute()] == [f"doc-{i}" for i in range(7)]


def test_parquet_metadata_is_read_by_the_one_reader(tmp_path):
    """Corpus.from_parquet and LazyCorpus.from_parquet give one file's metadata identically: nulls left
    out (never NaN), ints kept as ints, nested values as lists and dicts, dates as text, null ids numbered."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "doc_id": ["a", None, "c", "d"],
        "text": ["凝聚共识", "团结奋斗", "建言资政", "民主监督"],
        "year": pa.array([1991, None, 2003, 2**40], type=pa.int64()),
        "speaker": ["甲", "乙", None, "丁"],
        "tags": [["经济", "民生"], None, [], ["政协"]],
        "place": [{"province": "甘肃", "level": 1}, None, {"province": "兰州", "level": 2}, None],
        "day": [datetime.date(2021, 1, 25), None, None, datetime.date(2021, 1, 28)],
    })
    pq.write_table(table, tmp_path / "one.parquet", row_group_size=2)
    eager = cn.Corpus.from_parquet(tmp_path / "one.parquet")
    lazy = LazyCorpus.from_parquet(tmp_path / "one.parquet")
    expected = [
        {"year": 1991, "speaker": "甲", "tags": ["经济", "民生"], "place": {"province": "甘肃", "level": 1}, "day": "2021-01-25"},
        {"speaker": "乙"},
        {"year": 2003, "tags": [], "place": {"province": "兰州", "level": 2}},
        {"year": 2**40, "speaker": "丁", "tags": ["政协"], "day": "2021-01-28"},
    ]
    assert eager.doc_ids == ("a", "doc-1", "c", "d")
    assert [cn.corpus.thaw(d.meta) for d in eager] == expected
    assert lazy.docvars.columns.tolist() == ["doc_id", "partition", "year", "speaker", "tags", "place", "day"]
    assert lazy.docvars["doc_id"].tolist() == ["a", "doc-1", "c", "d"]
    assert lazy.docvars["partition"].tolist() == [0, 0, 1, 1]
    assert lazy.docvars["year"].tolist() == [1991, None, 2003, 2**40]  # not 1991.0, NaN
    rows = lazy.docvars.drop(columns=["doc_id", "partition"]).to_dict("records")
    assert [{k: v for k, v in row.items() if v is not None} for row in rows] == expected
    assert lazy.compute() == eager  # the tasks read the same documents, ids numbered over the whole file
    # a folder: rows numbered across its files, as the eager reader numbers them
    (tmp_path / "folder").mkdir()
    pq.write_table(table.drop_columns(["doc_id"]).slice(0, 3), tmp_path / "folder" / "1.parquet")
    pq.write_table(table.drop_columns(["doc_id"]).slice(3), tmp_path / "folder" / "2.parquet")
    eager = cn.Corpus.from_parquet(tmp_path / "folder", doc_id=None)
    lazy = LazyCorpus.from_parquet(tmp_path / "folder", doc_id=None)
    assert lazy.docvars["doc_id"].tolist() == list(eager.doc_ids) == ["doc-0", "doc-1", "doc-2", "doc-3"]
    rows = lazy.docvars.drop(columns=["doc_id", "partition"]).to_dict("records")
    assert [{k: v for k, v in row.items() if v is not None} for row in rows] == expected
    assert lazy.compute() == eager


def test_bad_inputs_give_clear_errors(tmp_path):
    with pytest.raises(EmptyInputError, match="matched no files"):
        LazyCorpus.from_files(str(tmp_path / "*.txt"))
    for i, text in enumerate(["一是加强团结。", "二是凝聚共识。", "三是建言资政。"]):
        (tmp_path / f"{i}.txt").write_text(text, encoding="utf-8")
    lazy = LazyCorpus.from_files(str(tmp_path / "*.txt"), npartitions=3)
    (tmp_path / "1.txt").write_bytes(b"\x00\x01\x02\xff" * 50)  # unreadable once the tasks run
    with pytest.raises(InvalidArgumentError, match=r"1\.txt.*could not be read \(partition 1\)"):
        lazy.compute()
    with pytest.raises(InvalidArgumentError, match=r"1\.txt"):
        cn.dtm(cn.tokenize(lazy, segmenter=SEGMENTER)).compute()  # a failed partition fails the result: nothing left out
    ok = dask.compute(lazy.partitions[0], lazy.partitions[2], scheduler="sync")  # the other partitions still read
    assert [d.text for part in ok for d in part] == ["一是加强团结。", "三是建言资政。"]
    pd.DataFrame({"content": ["甲"], "doc_id": ["a"]}).to_parquet(tmp_path / "x.parquet")
    with pytest.raises(UnknownNameError, match=r"text='text' is not a column of .*x\.parquet.*content"):
        LazyCorpus.from_parquet(tmp_path / "x.parquet")
    with pytest.raises(EmptyInputError, match="holds no Parquet file"):
        LazyCorpus.from_parquet(tmp_path / "nothing")
    with pytest.raises(InvalidArgumentError, match="npartitions"):
        LazyCorpus.from_files(str(tmp_path / "0.txt"), npartitions=0)
    with pytest.raises(InvalidArgumentError, match="scheduler='gpu' is not a Dask scheduler"):
        with use_scheduler("gpu"):
            pass
    with pytest.raises(UnknownNameError, match="unit='sentence'"):
        cn.units(lazy, "sentence")
    with pytest.raises(UnknownNameError, match="stopwords='nosuchlist'"):
        cn.tokenize(lazy, stopwords="nosuchlist")
    with pytest.raises(UnknownNameError, match="by='organization' is not a metadata field; accepted: 'doc_id', 'path', 'encoding'."):
        cn.emphasis(cn.tokenize(lazy), by="organization")
    assert issubclass(UnknownNameError, ConsensusNLPError)


def test_segmenter_and_themes_load_once_per_process(gansu, capsys):
    lazy = LazyCorpus.from_corpus(gansu, npartitions=7)
    before = worker_loads()
    segmenter = cn.Segmenter(backend="jieba", user_words=["委员讲堂之二"])  # parameters no other test uses
    with dask.config.set(scheduler="threads", num_workers=2):
        tokens = cn.tokenize(lazy, segmenter=segmenter)
        cn.dtm(tokens).compute()
        cn.emphasis(tokens, by="doc_id", themes={"团结": ["团结"], "共识": ["共识", "凝聚共识"]}).compute()
        cn.tokenize(lazy, segmenter=segmenter, progress=True).compute()  # a progress bar on stderr, the same loads
    after = worker_loads()
    assert after.get("segmenter", 0) - before.get("segmenter", 0) == 1  # 14 partition tasks, one dictionary
    assert after.get("themes", 0) - before.get("themes", 0) == 1
    assert "100% Completed" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_scheduler_gives_the_eager_outputs(tmp_path):
    script = Path(sys.executable).parent / "consensus-nlp"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    outputs = {}
    for name, extra in (("eager", []), ("dask", ["--scheduler", "processes", "--workers", "2"])):
        result = subprocess.run([str(script), "analyze", "--out", name, "--no-progress", "--k", "3", *extra], cwd=tmp_path,
                                capture_output=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr.decode()
        outputs[name] = tmp_path / name
    names = sorted(p.name for p in outputs["eager"].iterdir())
    assert "devices.csv" in names and "emphasis.csv" in names and "doc_topics.csv" in names
    assert names == sorted(p.name for p in outputs["dask"].iterdir())
    for name in names:
        if name not in ("manifest.json", "report.html"):
            assert (outputs["dask"] / name).read_bytes() == (outputs["eager"] / name).read_bytes(), name
    bad = subprocess.run([str(script), "analyze", "--scheduler", "gpu", "--out", "x"], cwd=tmp_path,
                         capture_output=True, env=env, timeout=600)
    assert bad.returncode != 0 and "--scheduler 'gpu'" in bad.stderr.decode()  # the option as typed
