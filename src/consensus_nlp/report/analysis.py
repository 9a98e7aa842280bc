"""The whole analysis, from raw input to a report folder.

:func:`analyze` composes the public API — read, segment, tag devices, compute
emphasis, fit topics on units, cluster groups, keyness — and writes:

- ``report.html``: self-contained (figures embedded), for readers who never ran Python;
- tables as CSV (and Parquet when pyarrow is installed);
- figures as PNG and SVG;
- ``manifest.json``: versions, hashes of every language resource and of the
  input, every parameter, the seed and the timings.

Running it twice on the same input gives byte-identical tables and figures and
a manifest that differs only in its ``timings`` and ``created`` entries.
Nothing imports this module except the CLI.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..corpus import Corpus
from ..errors import EmptyInputError, InvalidArgumentError, ModelInputError, UnknownNameError, describe

logger = logging.getLogger(__name__)

__all__ = ["analyze", "AnalysisResult", "load_inputs", "resource_hashes"]

DEFAULT_CORPUS = "gansu-cppcc-2021"
#: Stopword lists for topic models: function words, boilerplate adverbs and enumeration
#: markers; single characters are dropped too (they are mostly grammar in this genre).
TOPIC_STOPWORDS = ("function", "boilerplate", "enumeration")
_DEPENDENCIES = (
    "jieba", "rjieba", "numpy", "scipy", "pandas", "scikit-learn", "gensim", "tomotopy", "spacy", "matplotlib", "mplfonts",
)
_PACKAGE_DIR = Path(__file__).resolve().parent.parent
_BULKY_META = ("paragraphs", "paragraph_lines", "paragraph_boxes")  # left out of the tables written to disk


@dataclass
class AnalysisResult:
    """What :func:`analyze` produced: the folder, the tables it wrote and the manifest."""

    out_dir: Path
    corpus: Corpus
    tables: dict[str, Any] = field(default_factory=dict)
    figures: dict[str, Path] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """A short plain-text table: one row per document with its outline size and device counts."""
        docs = self.tables["documents"]
        cols = [c for c in ("doc_id", "speaker", "organization", "year", "chars", "outline_items", "devices") if c in docs.columns]
        return docs[cols].to_string(index=False)


# -- input ---------------------------------------------------------------------
def load_inputs(
    inputs: Sequence[str | os.PathLike[str]] | str | None,
    *,
    meta_pattern: str | None = None,
    text_column: str = "text",
) -> tuple[Corpus, dict[str, Any]]:
    """Read what the command line names: a bundled corpus, a page, a folder, JSONL or CSV.

    Returns the corpus and a description of the input (kind, paths, sha256 of the bytes read).
    """
    from ..io.datasets import list_corpora, load_corpus

    if inputs is None or (not isinstance(inputs, str) and len(inputs) == 0):
        inputs = [DEFAULT_CORPUS]
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    inputs = [str(i) for i in inputs]

    if len(inputs) == 1 and inputs[0] in list_corpora() and not Path(inputs[0]).exists():
        corpus = load_corpus(inputs[0])
        return corpus, {"kind": "bundled", "name": inputs[0], "sha256": _corpus_hash(corpus)}

    paths = [Path(i) for i in inputs]
    for p in paths:
        if not p.exists():
            if p.suffix == "" and os.sep not in str(p) and "/" not in str(p):
                raise UnknownNameError(
                    describe("corpus", str(p), "is neither a bundled corpus nor an existing path", accepted=list_corpora(),
                             todo="Give a corpus name from the list or the path of a page, folder, .jsonl or .csv file.")
                )
            raise FileNotFoundError(2, "No such file or directory", str(p))

    if len(paths) == 1 and paths[0].is_dir():
        corpus = Corpus.from_files(paths[0], meta_pattern=meta_pattern)
        kind = "folder"
        files = [Path(d.meta["path"]) for d in corpus]
    elif len(paths) == 1 and paths[0].suffix.lower() in (".jsonl", ".csv"):
        kind, files = paths[0].suffix.lower()[1:], paths
        if meta_pattern is not None:
            logger.warning("meta_pattern is ignored for a .%s input: it reads metadata from .txt file names", kind)
        corpus = _read_table(paths[0], kind, text_column)
    elif len(paths) == 1:
        from ..io.page import read_page, read_pdf

        corpus = (read_pdf if paths[0].suffix.lower() == ".pdf" else read_page)(paths[0])
        kind, files = "page", paths
    else:
        if any(p.is_dir() or p.suffix.lower() in (".jsonl", ".csv") for p in paths):
            raise InvalidArgumentError(
                describe("inputs", inputs, "mixes several inputs with a folder, .jsonl or .csv file",
                         accepted="one folder, one .jsonl or .csv file, one page, or several .txt files (one document each)",
                         todo="Give one of those, or merge the documents into one .jsonl file.")
            )
        corpus = Corpus.from_files(paths, meta_pattern=meta_pattern)
        kind, files = "files", paths
    if len(corpus) == 0:
        raise EmptyInputError(describe("inputs", inputs, "holds no documents",
                                       todo="Check that the file has rows below its header (CSV) or objects (JSONL)."))
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode("utf-8") + b"\0" + f.read_bytes())
    return corpus, {"kind": kind, "paths": [str(p) for p in paths], "sha256": digest.hexdigest()}


def _read_table(path: Path, kind: str, text_column: str) -> Corpus:
    """A .jsonl or .csv file as a corpus; a CSV is decoded like every text file (UTF-8, BOM, GB18030)."""
    if kind == "jsonl":
        return Corpus.from_jsonl(path, text=text_column)
    import io

    import pandas as pd

    from ..io.encoding import read_text

    content, _ = read_text(path)
    try:
        df = pd.read_csv(io.StringIO(content), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidArgumentError(
            describe("path", str(path), f"is not a readable CSV file ({str(exc).strip()})",
                     accepted="a header row with a text column, then one document per row")
        ) from None
    for column in df.columns:  # an empty cell is a missing value, not the metadata value ""
        if column != text_column:
            df[column] = df[column].mask(df[column] == "")
    return Corpus.from_dataframe(df, text=text_column, doc_id="doc_id" if "doc_id" in df.columns else None)


def _corpus_hash(corpus: Corpus) -> str:
    digest = hashlib.sha256()
    for record in corpus.to_records():
        digest.update(json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")
    return digest.hexdigest()


# -- record keeping ------------------------------------------------------------
def resource_hashes() -> dict[str, str]:
    """sha256 of every language resource shipped in the package (lexicons, stopwords, formulations, themes, rules)."""
    hashes = {}
    for path in sorted(_PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(_PACKAGE_DIR)
        if not path.is_file() or path.suffix in (".py", ".pyc", ".typed") or rel.parts[0] in ("_corpora", "__pycache__"):
            continue
        if "__pycache__" in rel.parts:
            continue
        hashes[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in _DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- analysis ------------------------------------------------------------------
def _choose_by(corpus: Corpus, by: str | None) -> str:
    fields = corpus.fields()
    if by is not None:
        if by != "doc_id" and by not in fields:
            raise UnknownNameError(describe("by", by, "is not a metadata field of the corpus", accepted=["doc_id", *fields]))
        return by
    for candidate in ("organization", "speaker", "year"):
        if candidate in fields and all(candidate in d.meta for d in corpus):
            return candidate
    return "doc_id"


def _default_k(n_units: int) -> int:
    return max(2, min(10, n_units // 6))


def analyze(
    inputs: Sequence[str | os.PathLike[str]] | str | None = None,
    *,
    out_dir: str | os.PathLike[str] = "consensus-nlp-report",
    units: str = "outline_item",
    k: int | None = None,
    engine: str = "tomotopy",
    random_state: int = 0,
    themes: str = "cppcc",
    by: str | None = None,
    meta_pattern: str | None = None,
    text_column: str = "text",
    progress: bool | None = None,
    command: Sequence[str] | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
) -> AnalysisResult:
    """Run the whole analysis and write the report folder.

    Args:
        inputs: bundled corpus name, page, folder, .jsonl or .csv (default: the bundled ``gansu-cppcc-2021``).
        out_dir: folder to write to (created if missing; files in it are overwritten).
        units: unit of analysis for topic models: ``"speech"``, ``"paragraph"`` or ``"outline_item"``.
        k: number of topics; default chosen from the number of units (between 2 and 10).
        engine: topic model engine (see :func:`consensus_nlp.fit_topics`).
        random_state: seed for every random step.
        themes: theme set name or YAML/TOML file for :func:`consensus_nlp.emphasis`.
        by: metadata field whose groups are compared (default: organization, else speaker, else year, else doc_id).
        meta_pattern: regex with named groups for metadata in file names (folder input).
        text_column: text column of a CSV/JSONL input.
        progress: show a progress display on stderr; ``None``: only when stderr is a terminal.
        command: the command line, recorded in the manifest.
        scheduler: segment and tag by partitions on this Dask scheduler: "threads", "processes", "sync" or
            "tcp://host:port" (see :func:`consensus_nlp.integrations.dask.use_scheduler`); the results are the same.
        workers: threads or processes of that scheduler (default: the number of cores).
    """
    import pandas as pd

    from ..viz import plot
    from ..devices import tag
    from ..models.dtm import dtm
    from ..models.keyness import keyness
    from ..models.cluster import cluster
    from ..models.dictionaries import load_themes
    from ..models.emphasis import emphasis
    from ..text.segmentation import tokenize
    from ..unitize import units as make_units
    from ..models.engines import ENGINES
    from ..models.topics import fit_topics
    from .figures import theme_labels
    from ..integrations.dask import run_partitioned

    if units not in ("speech", "paragraph", "outline_item"):
        raise InvalidArgumentError(describe("units", units, "is not a unit of analysis", accepted=["speech", "paragraph", "outline_item"]))
    if not isinstance(random_state, int) or random_state < 0:
        raise InvalidArgumentError(describe("random_state", random_state, "is not a seed", accepted="an integer >= 0"))
    if engine not in ENGINES:  # check the cheap things before the expensive ones
        raise UnknownNameError(describe("engine", engine, "is not a topic-model engine", accepted=ENGINES))
    theme_set = load_themes(themes)

    out = Path(out_dir)
    timings: dict[str, float] = {}
    stages = ["read", "segment", "devices", "emphasis", "topics", "cluster", "keyness", "figures", "write"]
    bar = _progress(stages, progress)

    def step(name: str):
        bar.set_description(name)
        return _Timer(timings, name, bar)

    with step("read"):
        corpus, input_info = load_inputs(inputs, meta_pattern=meta_pattern, text_column=text_column)
        by = _choose_by(corpus, by)

    with step("segment"):
        tokens = run_partitioned(tokenize, corpus, scheduler, workers, stopwords="default", progress=False)
        wordless = [doc_id for doc_id, toks in zip(tokens.doc_ids, tokens) if not toks]
        if wordless:  # empty strings, or only punctuation and stopwords: nothing to compare
            if len(wordless) == len(corpus):
                raise EmptyInputError(describe("inputs", inputs, "holds no words in any document",
                                               todo="Check the text column and the encoding of the input."))
            logger.warning("skipped %d document(s) without words: %s", len(wordless), ", ".join(wordless))
            corpus = corpus.filter(lambda d: d.doc_id not in wordless)
            tokens = tokens.select(corpus.doc_ids)

    with step("devices"):
        devices = run_partitioned(tag, corpus, scheduler, workers)
        # the tagger's outline devices are the outline items (same order, attrs level/marker/ordinal/headline)
        outline_rows = devices[devices["kind"] == "outline"] if len(devices) else devices
        outline_table = pd.DataFrame(
            [{"doc_id": row.doc_id, **{k: row.attrs[k] for k in ("level", "marker", "ordinal", "headline")},
              "start": row.start, "end": row.end} for row in outline_rows.itertuples(index=False)],
            columns=["doc_id", "level", "marker", "ordinal", "headline", "start", "end"],
        )

    with step("emphasis"):
        emphasis_result = emphasis(tokens, by=by, themes=theme_set)  # counted once: rates from the same counts
        profile_counts = emphasis_result.counts
        profile = emphasis_result.rates

    with step("topics"):
        unit_corpus = make_units(corpus, unit=units)
        unit_tokens = run_partitioned(tokenize, unit_corpus, scheduler, workers, stopwords=TOPIC_STOPWORDS,
                                      drop_numbers=True, progress=False).filter(min_chars=2)
        if len(unit_corpus) < 2:
            raise ModelInputError(
                describe("units", units, f"gives {len(unit_corpus)} unit of analysis, too few for a topic model",
                         accepted="a unit that splits the corpus into at least 2 parts",
                         todo=("Add documents." if units == "outline_item" else
                               "Use smaller units (units='outline_item'; on the command line --units outline_item) "
                               "or add documents."))
            )
        min_docs = 2 if len(unit_corpus) >= 10 else 1
        unit_matrix = dtm(unit_tokens, min_docs=min_docs)
        k_used = k if k is not None else _default_k(len(unit_corpus))
        model = fit_topics(unit_matrix, k=k_used, engine=engine, random_state=random_state)
        top_terms = model.top_terms(10)
        doc_topics = model.doc_topics()
        shares = model.by("parent_id" if by == "doc_id" else by)
        try:
            coherence = float(model.coherence("c_npmi"))
        except ModelInputError as exc:  # too little text for the measure
            logger.info("coherence not computed: %s", exc)
            coherence = None

    with step("cluster"):
        groups = len(profile)
        differ = bool((profile.round(9).nunique(axis=0) > 1).any())  # not std > 0: float noise of equal rows
        if groups >= 3 and not differ:
            logger.warning("the %d groups by %s were not clustered: their theme profiles are identical", groups, by)
        clusters = cluster(profile, method="ward") if groups >= 3 and differ else None

    with step("keyness"):
        matrix = dtm(tokens)
        key_rows = []
        group_values = tokens.group_values(by)
        for value in dict.fromkeys(group_values):
            if value is None:
                continue
            target = [d for d, v in zip(tokens.doc_ids, group_values) if v == value]
            if len(target) == len(tokens):
                continue
            table = keyness(matrix, target=target, measure="chi2").head(10)
            table.insert(0, by, value)
            key_rows.append(table)
        key_table = pd.concat(key_rows, ignore_index=True) if key_rows else pd.DataFrame()

    documents = _documents_table(corpus, devices, outline_table)
    tables = {
        "documents": documents,
        "devices": devices,
        "outline": outline_table,
        "emphasis": profile.reset_index(),
        "emphasis_counts": profile_counts.reset_index(),
        "topic_terms": top_terms,
        "doc_topics": doc_topics,
        f"topic_shares_by_{by}": shares.reset_index(),
        "keyness": key_table,
    }
    if clusters is not None:
        tables["clusters"] = clusters.labels.rename("cluster").reset_index()

    with step("figures"):
        out.mkdir(parents=True, exist_ok=True)
        _remove_previous_outputs(out)
        labels = theme_labels(theme_set, themes)
        figures = _figures(out, plot, profile.rename(columns=lambda c: labels.get(c, c)), model, clusters, by)

    with step("write"):
        table_files = _write_tables(out, tables)

    parameters = {
        "units": units, "k": k_used, "engine": engine, "random_state": random_state, "themes": themes, "by": by,
        "meta_pattern": meta_pattern, "text_column": text_column, "stopwords": "default",
        "topic_stopwords": list(TOPIC_STOPWORDS), "topic_min_chars": 2, "min_docs": min_docs,
        "n_units": len(unit_corpus), "n_terms": len(unit_matrix.terms),
    }
    manifest = {
        "consensus_nlp": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "dependencies": _versions(),
        "command": list(command) if command else None,
        "input": {**input_info, "documents": len(corpus)},
        "parameters": parameters,
        "random_state": random_state,
        "tokens": dict(_plain(tokens.params)),
        "topic_model": {"coherence_c_npmi": coherence},
        "resources": resource_hashes(),
        "outputs": {name: _sha256_file(out / name) for name in sorted([*table_files, *(p.name for p in figures.values()),
                                                                         *(p.with_suffix(".svg").name for p in figures.values())])},
        "timings": {k_: round(v, 3) for k_, v in timings.items()},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    from .html import render_report

    html = render_report(corpus=corpus, tables=tables, figures=figures, manifest=manifest, by=by, top_terms=top_terms,
                         model=model, units=unit_corpus, theme_labels=labels)
    (out / "report.html").write_text(html, encoding="utf-8")
    bar.close()
    return AnalysisResult(out, corpus, tables, figures, manifest)


def _remove_previous_outputs(out: Path) -> None:
    """Delete what an earlier run listed in ``out/manifest.json``, so that the folder never mixes two runs
    (a dendrogram or a ``topic_shares_by_…`` table that this run does not write). Other files are left alone."""
    manifest_path = out / "manifest.json"
    try:
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        names = list(previous["outputs"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    for name in [*names, "report.html", "manifest.json"]:
        path = out / str(name)
        if path.parent == out and path.is_file():  # only plain file names inside out, never a path elsewhere
            path.unlink()


def _plain(value: Any) -> Any:
    from collections.abc import Mapping

    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _documents_table(corpus: Corpus, devices, outline_table):
    import pandas as pd

    top_items = outline_table.loc[outline_table["level"] == 1, "doc_id"].value_counts()
    device_counts = devices["doc_id"].value_counts() if len(devices) else pd.Series(dtype=int)
    rows = []
    for doc in corpus:
        row = {"doc_id": doc.doc_id}
        row.update({k: v for k, v in doc.meta.items() if k not in _BULKY_META and not isinstance(v, (tuple, dict))})
        row["chars"] = len(doc.text)
        row["outline_items"] = int(top_items.get(doc.doc_id, 0))
        row["devices"] = int(device_counts.get(doc.doc_id, 0))
        rows.append(row)
    return pd.DataFrame(rows)


def _write_tables(out: Path, tables: dict[str, Any]) -> list[str]:
    written = []
    try:
        import pyarrow  # noqa: F401

        parquet = True
    except ImportError:
        parquet = False
    for name, df in tables.items():
        # the page reader's per-paragraph metadata repeats a document's whole text on every row of a
        # long table (devices, doc_topics); the text is in the input, its structure in outline.csv
        df = df.drop(columns=[c for c in _BULKY_META if c in df.columns])
        for col in df.columns:
            if df[col].map(lambda v: isinstance(v, (dict, list, tuple))).any():
                df[col] = df[col].map(lambda v: json.dumps(_plain(v), ensure_ascii=False, sort_keys=True)
                                      if isinstance(v, (dict, list, tuple)) else v)
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, lineterminator="\n")
        written.append(path.name)
        if parquet:
            ppath = out / f"{name}.parquet"
            df.to_parquet(ppath, index=False)
            written.append(ppath.name)
    return written


def _figures(out: Path, plot, profile, model, clusters, by: str) -> dict[str, Path]:
    from matplotlib.figure import Figure  # no pyplot: no global figure registry, no backend switch

    from .figures import save_svg

    figures: dict[str, Path] = {}
    shares_by = "parent_id" if by == "doc_id" else by  # per document, as the shares table: not one bar per unit
    specs = [
        ("emphasis_heatmap", lambda ax: plot.emphasis_heatmap(profile, ax=ax), (9, 0.45 * len(profile) + 2.5)),
        ("topic_terms", lambda ax: plot.topic_terms(model, n=8, ax=ax), (10, max(6.0, 1.7 * model.k))),
        ("topic_shares", lambda ax: plot.topic_shares(model, by=shares_by, ax=ax), (9, 0.45 * len(profile) + 2.5)),
    ]
    if clusters is not None:
        specs.append(("dendrogram", lambda ax: plot.dendrogram(clusters, ax=ax), (8, 4.5)))
    for name, draw, size in specs:
        fig = Figure(figsize=size)
        draw(fig.subplots())
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path, dpi=110, metadata={"Software": None}, bbox_inches="tight")  # keeps the colorbar label
        save_svg(fig, path.with_suffix(".svg"))  # the vector copy, inlined in report.html
        figures[name] = path
    return figures


class _Timer:
    def __init__(self, timings: dict[str, float], name: str, bar) -> None:
        self.timings, self.name, self.bar = timings, name, bar

    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.t0
        if exc[0] is None:
            self.bar.update(1)
        return False


def _progress(stages: list[str], progress: bool | None):
    from tqdm.auto import tqdm

    disable = not (sys.stderr.isatty() if progress is None else progress)
    return tqdm(total=len(stages), disable=disable, unit="stage", file=sys.stderr, leave=False)
