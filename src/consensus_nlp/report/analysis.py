"""The whole analysis, from raw input to a report folder.

:func:`analyze` runs the stages of :mod:`consensus_nlp.report.stages` — read, segment,
devices, emphasis, topics, groups (clusters and keyness), figures — and writes, through
:class:`~consensus_nlp.report.outputs.OutputFolder` (all or nothing):

- ``report.html``: self-contained (figures embedded), for readers who never ran Python;
- tables as CSV (and Parquet when pyarrow is installed);
- figures as PNG and SVG;
- ``manifest.json``: versions, hashes of every language resource, of the input files,
  of the user's theme file and of every output (report.html included), every parameter,
  the seed, the warnings and the timings.

Running it twice on the same input gives byte-identical tables and figures and
a manifest that differs only in its ``timings`` and ``created`` entries.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from . import stages
from .figures import theme_labels
from .html import render_report
from .config import AnalysisConfig, config_from
from .inputs import DEFAULT_CORPUS, load_inputs
from .manifest import build_manifest, plain, resource_hashes, user_resources
from .outputs import MANIFEST_NAME, OutputFolder

logger = logging.getLogger(__name__)

__all__ = ["analyze", "AnalysisConfig", "AnalysisResult", "load_inputs", "resource_hashes", "build_tables", "table_files", "DEFAULT_CORPUS",
           "is_output_name"]

TOPIC_STOPWORDS = stages.TOPIC_STOPWORDS
BULKY_META = ("paragraphs", "paragraph_lines", "paragraph_boxes")  # left out of the tables written to disk
STAGES = ("read", "segment", "devices", "emphasis", "topics", "groups", "figures", "write")
#: the tables (besides ``topic_shares_by_<field>``) and figures a run can write; with report.html and manifest.json,
#: the only names a run ever replaces or removes in ``out_dir``
TABLES = ("documents", "devices", "outline", "emphasis", "emphasis_counts", "topic_terms", "doc_topics", "keyness", "clusters")
FIGURES = ("emphasis_heatmap", "topic_terms", "topic_shares", "dendrogram")
_OUTPUT_NAME = re.compile(
    rf"(?:{'|'.join(TABLES)}|topic_shares_by_[\w.-]+)\.(?:csv|parquet)|(?:{'|'.join(FIGURES)})\.(?:png|svg)"
    rf"|report\.html|{re.escape(MANIFEST_NAME)}"
)


def is_output_name(name: str) -> bool:
    """Whether ``name`` is a file name this version of consensus-nlp writes in a report folder.

    Examples:
        >>> [is_output_name(n) for n in ("keyness.csv", "topic_shares_by_year.parquet", "thesis.docx", "data.csv")]
        [True, True, False, False]
    """
    return _OUTPUT_NAME.fullmatch(name) is not None


@dataclass
class AnalysisResult:
    """What :func:`analyze` produced: the folder, the tables and figures it wrote, the manifest, and each stage's result."""

    out_dir: Path
    corpus: Corpus
    tables: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A short plain-text table: one row per document with its outline size and device counts."""
        docs = self.tables["documents"]
        cols = [c for c in ("doc_id", "speaker", "organization", "year", "chars", "outline_items", "devices") if c in docs.columns]
        return docs[cols].to_string(index=False)


def analyze(
    inputs: Sequence[str | os.PathLike[str]] | str | None = None,
    *,
    out_dir: str | os.PathLike[str] = "consensus-nlp-report",
    units: str = "outline_item",
    k: int | None = None,
    engine: str = "tomotopy",
    random_state: int = 0,
    themes: str | os.PathLike[str] = "cppcc",
    by: str | None = None,
    meta_pattern: str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    meta_columns: Sequence[str] | None = None,
    progress: bool | None = None,
    command: Sequence[str] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    config: AnalysisConfig | None = None,
) -> AnalysisResult:
    """Run the whole analysis and write the report folder (all files or none).

    The options can be given as keyword arguments or as one :class:`~consensus_nlp.report.config.AnalysisConfig`
    (``config=``, as the command line does), not both.

    Args:
        inputs: bundled corpus name, page (.txt), folder, several .txt files, or a table (.csv, .tsv, .jsonl,
            .parquet); default the bundled ``gansu-cppcc-2021``.
        out_dir: folder to write to (created if missing). Only the outputs of an earlier run of
            consensus-nlp that are unchanged since are replaced or removed; other files stay.
        units: unit of analysis for topic models: ``"speech"``, ``"paragraph"`` or ``"outline_item"``.
        k: number of topics; default chosen from the number of units (between 2 and 10).
        engine: topic model engine (see :func:`consensus_nlp.fit_topics`).
        random_state: seed for every random step.
        themes: theme set name or YAML/TOML file for :func:`consensus_nlp.emphasis`.
        by: metadata field whose groups are compared (default: organization, else speaker, else year, else doc_id).
        meta_pattern: regex with named groups for metadata in file names (folder or .txt input).
        text_column: text column of a table input (default ``text``).
        id_column: id column of a table input (default ``doc_id``, else ``id``, else rows numbered with a warning).
        meta_columns: metadata columns of a table input (default every other column).
        progress: show a progress display on stderr; ``None``: only when stderr is a terminal.
        command: the command line, recorded in the manifest.
        scheduler: segment and tag by partitions on this Dask scheduler: "threads", "processes", "sync" or
            "tcp://host:port" (see :func:`consensus_nlp.integrations.dask.use_scheduler`); the results are the same.
        workers: threads or processes of that scheduler (default: the number of cores).
        config: every option above in one object; the manifest records it (``"config"``).

    Raises:
        InvalidArgumentError: bad option, both ``config`` and a keyword option, a folder in use by another
            run (lock file), or files in ``out_dir`` this run would replace that it did not write.
    """
    options = {"out_dir": out_dir, "units": units, "k": k, "engine": engine, "random_state": random_state,
               "themes": themes, "by": by, "meta_pattern": meta_pattern, "text_column": text_column,
               "id_column": id_column, "meta_columns": meta_columns, "progress": progress, "command": command,
               "scheduler": scheduler, "workers": workers}
    return _run(inputs, config_from(config, options))


def _run(inputs: Sequence[str | os.PathLike[str]] | str | None, config: AnalysisConfig) -> AnalysisResult:
    out_dir, units, k, engine = config.out_dir, config.units, config.k, config.engine
    random_state, themes, by = config.random_state, config.themes, config.by
    scheduler, workers, command = config.scheduler, config.workers, config.command
    spec = config.input_spec()
    theme_set = stages.check_options(units=units, k=k, engine=engine, random_state=random_state, themes=themes)
    timings: dict[str, float] = {}
    bar = _progress(config.progress)
    with bar, OutputFolder(out_dir, owns=is_output_name) as folder:  # the lock: a second run into the folder stops here
        with _Timer(timings, "read", bar):
            read = stages.read(inputs, spec=spec, by=by)
            folder.check(expected_files(read.by))  # refuse foreign files before the long computation
        with _Timer(timings, "segment", bar):
            segmented = stages.segment(read.corpus, scheduler=scheduler, workers=workers)
        with _Timer(timings, "devices", bar):
            devices = stages.find_devices(segmented.corpus, scheduler=scheduler, workers=workers)
        with _Timer(timings, "emphasis", bar):
            emphasis = stages.measure_emphasis(segmented.tokens, by=read.by, themes=theme_set)
        with _Timer(timings, "topics", bar):
            topics = stages.fit_unit_topics(segmented, units=units, k=k, engine=engine, random_state=random_state,
                                            by=read.by)
        with _Timer(timings, "groups", bar):
            groups = stages.compare_groups(segmented.tokens, emphasis, by=read.by)
        with _Timer(timings, "figures", bar):
            labels = theme_labels(theme_set, themes)
            figures = stages.draw_figures(emphasis, topics, groups, theme_labels=labels)
        tables = build_tables(segmented.corpus, devices, emphasis, topics, groups, by=read.by)
        with _Timer(timings, "write", bar):
            for name, data in table_files(tables).items():
                folder.write(name, data)
            figure_paths = {}
            for name, data in figures.items():
                figure_paths[name] = folder.write(f"{name}.png", data["png"])
                folder.write(f"{name}.svg", data["svg"])  # beside the PNG: the page inlines it
            parameters = {
                "units": units, "k": topics.k, "engine": engine, "random_state": random_state, **_theme_parameters(themes),
                "by": read.by, "meta_pattern": config.meta_pattern, **_table_parameters(read.input), "stopwords": stages.DOCUMENT_STOPWORDS,
                "topic_stopwords": list(stages.TOPIC_STOPWORDS), "topic_min_chars": stages.TOPIC_MIN_CHARS,
                "min_docs": topics.min_docs, "n_units": len(topics.units), "n_terms": len(topics.matrix.terms),
                "keyness_min_count": stages.KEYNESS_MIN_COUNT, "keyness_adjust": stages.KEYNESS_ADJUST,
            }
            warnings = [*read.warnings, *segmented.warnings, *topics.warnings, *groups.warnings]
            manifest = build_manifest(command=command, input_info=read.input, n_documents=len(segmented.corpus),
                                      parameters=parameters, random_state=random_state, tokens_params=segmented.tokens.params,
                                      coherence=topics.coherence, themes=themes, warnings=warnings, timings=timings,
                                      config=config.record())
            html = render_report(corpus=segmented.corpus, tables=tables, figures=figure_paths,
                                 manifest=json.loads(folder.manifest_bytes(manifest)), by=read.by, top_terms=topics.top_terms,
                                 model=topics.model, units=topics.units, theme_labels=labels)
            folder.write("report.html", html.encode("utf-8"))
            final = folder.manifest_bytes(manifest)
            folder.write(MANIFEST_NAME, final)
            folder.commit()
    out = Path(out_dir)
    result_stages = {"read": read, "segment": segmented, "devices": devices, "emphasis": emphasis, "topics": topics,
                     "groups": groups, "figures": figures}
    return AnalysisResult(out, segmented.corpus, tables, {name: out / f"{name}.png" for name in figures},
                          json.loads(final), result_stages)


def _table_parameters(info: dict[str, Any]) -> dict[str, Any]:
    """The columns a table input was read with (nothing for a page, a folder or a bundled corpus)."""
    columns = info.get("columns")
    if not columns:
        return {}
    return {"text_column": columns["text"], "id_column": columns["id"], "meta_columns": columns["meta"]}


def _theme_parameters(themes: Any) -> dict[str, Any]:
    """``themes`` as given, and the sha256 of the user's theme file when it is one (shown in the methods)."""
    user = user_resources(themes).get("themes")
    return {"themes": os.fspath(themes), **({"themes_sha256": user["sha256"]} if user else {})}


def file_stem(field: str) -> str:
    """A metadata field as part of a file name: characters other than letters, digits, ``_``, ``-`` and ``.``
    become ``_`` (``region/province`` -> ``region_province``)."""
    return re.sub(r"[^\w.-]", "_", field).lstrip(".") or "_"


def _parquet() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def expected_files(by: str) -> list[str]:
    """The files every run writes (``clusters`` and ``dendrogram`` only when groups were clustered)."""
    names = [*TABLES[:-2], f"topic_shares_by_{file_stem(by)}", "keyness"]
    suffixes = (".csv", ".parquet") if _parquet() else (".csv",)
    figures = [f"{n}{s}" for n in FIGURES[:-1] for s in (".png", ".svg")]
    return [f"{n}{s}" for n in names for s in suffixes] + [*figures, "report.html", MANIFEST_NAME]


def build_tables(corpus: Corpus, devices: stages.Devices, emphasis: stages.EmphasisTables, topics: stages.Topics,
                 groups: stages.Groups, *, by: str) -> dict[str, Any]:
    """The tables of the report by name (file stem)."""
    tables = {
        "documents": documents_table(corpus, devices),
        "devices": devices.devices,
        "outline": devices.outline,
        "emphasis": emphasis.rates.reset_index(),
        "emphasis_counts": emphasis.counts.reset_index(),
        "topic_terms": topics.top_terms,
        "doc_topics": topics.doc_topics,
        f"topic_shares_by_{file_stem(by)}": topics.shares.reset_index(),
        "keyness": groups.keyness,
    }
    if groups.clusters is not None:
        tables["clusters"] = groups.clusters.labels.rename("cluster").reset_index()
    return tables


def documents_table(corpus: Corpus, devices: stages.Devices):
    """One row per document: doc_id, metadata (without the page structure), chars, outline_items, devices."""
    import pandas as pd

    outline, found = devices.outline, devices.devices
    top_items = outline.loc[outline["level"] == 1, "doc_id"].value_counts()
    device_counts = found["doc_id"].value_counts() if len(found) else pd.Series(dtype=int)
    rows = []
    for doc in corpus:
        row = {"doc_id": doc.doc_id}
        row.update({k: v for k, v in doc.meta.items() if k not in BULKY_META and not isinstance(v, (tuple, dict))})
        row["chars"] = len(doc.text)
        row["outline_items"] = int(top_items.get(doc.doc_id, 0))
        row["devices"] = int(device_counts.get(doc.doc_id, 0))
        rows.append(row)
    return pd.DataFrame(rows)


def table_files(tables: dict[str, Any]) -> dict[str, bytes]:
    """Each table as CSV bytes (UTF-8, ``\\n`` line ends) and, when pyarrow is installed, Parquet bytes."""
    import io

    parquet = _parquet()
    files = {}
    for name, df in tables.items():
        # the page reader's per-paragraph metadata repeats a document's whole text on every row of a
        # long table (devices, doc_topics); the text is in the input, its structure in outline.csv
        df = df.drop(columns=[c for c in BULKY_META if c in df.columns])
        for col in df.columns:
            if df[col].map(lambda v: isinstance(v, (dict, list, tuple))).any():
                df[col] = df[col].map(lambda v: json.dumps(plain(v), ensure_ascii=False, sort_keys=True)
                                      if isinstance(v, (dict, list, tuple)) else v)
        files[f"{name}.csv"] = df.to_csv(index=False, lineterminator="\n").encode("utf-8")
        if parquet:
            buffer = io.BytesIO()
            df.to_parquet(buffer, index=False)
            files[f"{name}.parquet"] = buffer.getvalue()
    return files


class _Timer:
    def __init__(self, timings: dict[str, float], name: str, bar) -> None:
        self.timings, self.name, self.bar = timings, name, bar

    def __enter__(self):
        self.bar.set_description(self.name)
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.t0
        if exc[0] is None:
            self.bar.update(1)
        return False


def _progress(progress: bool | None):
    from tqdm.auto import tqdm

    disable = not (sys.stderr.isatty() if progress is None else progress)
    # leave=True: the finished bar ends its line, so what is printed next (the summary) starts on a line of its own
    return tqdm(total=len(STAGES), disable=disable, unit="stage", file=sys.stderr, leave=True)
