"""The stages of ``consensus-nlp analyze``, each a function that returns a typed result.

read → segment → find_devices → measure_emphasis → fit_unit_topics → compare_groups →
draw_figures → (write: :func:`consensus_nlp.report.analyze`). The command line calls them
through :func:`~consensus_nlp.report.analyze`; from Python they can be called one by one,
to look at or change an intermediate result::

    from consensus_nlp.report import stages
    r = stages.read("gansu-cppcc-2021")
    s = stages.segment(r.corpus)
    e = stages.measure_emphasis(s.tokens, by=r.by, themes="cppcc")
    t = stages.fit_unit_topics(s, units="paragraph", k=4, by=r.by)

Documents are segmented once: the topic model's units take their tokens from the
documents' tokens (same words as segmenting each unit on its own), filtered with the
topic stopword lists.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..corpus import Corpus
from ..errors import EmptyInputError, InvalidArgumentError, ModelInputError, UnknownNameError, describe
from .inputs import InputSpec, load_inputs

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..models.dictionaries import Themes
    from ..models.dtm import DTM
    from ..models.topics import TopicModel
    from ..text.tokens import Tokens

logger = logging.getLogger(__name__)

__all__ = [
    "Read", "Segmented", "Devices", "EmphasisTables", "Topics", "Groups",
    "check_options", "read", "segment", "find_devices", "measure_emphasis", "fit_unit_topics", "unit_tokens",
    "compare_groups", "draw_figures", "TOPIC_STOPWORDS", "UNITS",
]

UNITS = ("speech", "paragraph", "outline_item")
#: Stopword lists for topic models: function words, boilerplate adverbs and enumeration
#: markers; single characters are dropped too (they are mostly grammar in this genre).
TOPIC_STOPWORDS = ("function", "boilerplate", "enumeration")
DOCUMENT_STOPWORDS = "default"
TOPIC_MIN_CHARS = 2
#: keyness in the report: terms seen fewer times (target and reference together) are not tested
KEYNESS_MIN_COUNT = 5
#: keyness in the report: multiple-testing adjustment of p into q
KEYNESS_ADJUST = "fdr_bh"


def _warn(warnings: list[str], message: str) -> None:
    logger.warning("%s", message)
    warnings.append(message)


# -- options ---------------------------------------------------------------------------------------------
def check_options(*, units: str, k: int | None, engine: str, random_state: int, themes: Any) -> Themes:
    """Check the cheap things before the expensive ones; returns the loaded theme set."""
    from ..models.dictionaries import list_themes, load_themes
    from ..models.engines import list_engines

    if units not in UNITS:
        raise InvalidArgumentError(describe("units", units, "is not a unit of analysis", accepted=UNITS))
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or k < 2):
        raise InvalidArgumentError(describe("k", k, "is not a number of topics", accepted="an integer >= 2"))
    if isinstance(random_state, bool) or not isinstance(random_state, int) or random_state < 0:
        raise InvalidArgumentError(describe("random_state", random_state, "is not a seed", accepted="an integer >= 0"))
    if engine not in list_engines():
        raise UnknownNameError(describe("engine", engine, "is not a topic-model engine", accepted=list_engines()))
    if isinstance(themes, (str, os.PathLike)) and themes not in list_themes() and not os.path.isfile(themes):
        raise UnknownNameError(describe("themes", os.fspath(themes), "is neither a bundled theme set nor an existing file",
                                        accepted=list_themes(), todo="Give a bundled name or the path of a YAML or TOML theme file."))
    return load_themes(themes)


# -- read ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Read:
    """The documents read, how they were read, the field groups are compared by, and duplicated text found."""

    corpus: Corpus
    input: dict[str, Any]
    by: str
    duplicates: pd.DataFrame | None
    warnings: tuple[str, ...]


def read(inputs: Sequence[str | os.PathLike[str]] | str | None = None, *, spec: InputSpec | None = None,
         by: str | None = None) -> Read:
    """Read the input (see :func:`~consensus_nlp.report.inputs.load_inputs`), choose ``by``, look for duplicated text."""
    corpus, info = load_inputs(inputs, spec=spec)
    by = choose_by(corpus, by)
    warnings: list[str] = list(info.pop("warnings", []))  # logged already
    duplicates = corpus.duplicates()
    for row in duplicates.itertuples(index=False):
        if row.kind == "same_text":
            _warn(warnings, f"document {row.doc_id} repeats the text of {row.duplicate_of}: its words are counted twice")
        else:
            source = "its text" if row.duplicate_of == row.doc_id else f"the text of {row.duplicate_of}"
            _warn(warnings, f"document {row.doc_id} holds a passage twice: characters {row.start}–{row.end} "
                            f"({row.chars} characters) repeat {source} from character {row.first_start} on: "
                            "its words are counted twice")
    return Read(corpus, info, by, duplicates, tuple(warnings))


def choose_by(corpus: Corpus, by: str | None) -> str:
    """``by`` if it is a field of the corpus; by default organization, else speaker, else year (when every
    document has it), else doc_id."""
    fields = corpus.fields()
    if by is not None:
        if by != "doc_id" and by not in fields:
            raise UnknownNameError(describe("by", by, "is not a metadata field of the corpus", accepted=["doc_id", *fields]))
        return by
    for candidate in ("organization", "speaker", "year"):
        if candidate in fields and all(candidate in d.meta for d in corpus):
            return candidate
    return "doc_id"


# -- segment ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Segmented:
    """The documents that hold words and their tokens (default stopword list removed)."""

    corpus: Corpus
    tokens: Tokens
    skipped: tuple[str, ...]
    warnings: tuple[str, ...]


def segment(corpus: Corpus, *, scheduler: str | None = None, workers: int | None = None) -> Segmented:
    """Segment every document once; documents without words (empty, only punctuation or stopwords) are skipped.

    With a Dask ``scheduler`` (``"threads"``, ``"processes"``, ``"sync"`` or ``"tcp://host:port"``) the
    documents are segmented by partitions (:func:`consensus_nlp.integrations.dask.run_partitioned`); same result.
    """
    from ..integrations.dask import run_partitioned
    from ..text.segmentation import tokenize

    tokens = run_partitioned(tokenize, corpus, scheduler, workers, stopwords=DOCUMENT_STOPWORDS, progress=False)
    wordless = tuple(doc_id for doc_id, toks in zip(tokens.doc_ids, tokens) if not toks)
    warnings: list[str] = []
    if wordless:
        if len(wordless) == len(corpus):
            raise EmptyInputError(describe("input", f"{len(corpus)} document(s)", "holds no words in any document",
                                           todo="Check the text column and the encoding of the input."))
        _warn(warnings, f"skipped {len(wordless)} document(s) without words: {', '.join(wordless)}")
        skip = set(wordless)
        corpus = corpus.filter(lambda d: d.doc_id not in skip)
        tokens = tokens.select(corpus.doc_ids)
    return Segmented(corpus, tokens, wordless, tuple(warnings))


# -- devices ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Devices:
    """Every framing device (``devices``: doc_id, kind, label, start, end, text, attrs…) and the outline items
    (``outline``: doc_id, level, marker, ordinal, headline, start, end)."""

    devices: pd.DataFrame
    outline: pd.DataFrame


def find_devices(corpus: Corpus, *, scheduler: str | None = None, workers: int | None = None) -> Devices:
    """Tag the devices (by partitions on a Dask ``scheduler`` when given); the outline table is the tagger's
    outline devices (same order)."""
    import pandas as pd

    from ..devices import tag
    from ..integrations.dask import run_partitioned

    devices = run_partitioned(tag, corpus, scheduler, workers)
    rows = devices[devices["kind"] == "outline"] if len(devices) else devices
    outline = pd.DataFrame(
        [{"doc_id": row.doc_id, **{k: row.attrs[k] for k in ("level", "marker", "ordinal", "headline")},
          "start": row.start, "end": row.end} for row in rows.itertuples(index=False)],
        columns=["doc_id", "level", "marker", "ordinal", "headline", "start", "end"],
    )
    return Devices(devices, outline)


# -- emphasis --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmphasisTables:
    """Theme hits per group (``counts``) and per 1,000 tokens of the group (``rates``); groups × themes."""

    rates: pd.DataFrame
    counts: pd.DataFrame


def measure_emphasis(tokens: Tokens, *, by: str, themes: Any) -> EmphasisTables:
    """Count theme hits once (:func:`consensus_nlp.emphasis`); its rates are the counts per 1,000 tokens of each group."""
    from ..models.emphasis import emphasis

    result = emphasis(tokens, by=by, themes=themes)
    return EmphasisTables(result.rates, result.counts)


# -- topics ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Topics:
    """The topic model fitted on units and what the report shows of it.

    ``shares`` are mean topic shares per value of ``shares_by`` (the comparison field, or
    ``parent_id`` when groups are documents: one row per speech, never per unit).
    """

    units: Corpus
    tokens: Tokens
    matrix: DTM
    model: TopicModel
    k: int
    min_docs: int
    top_terms: pd.DataFrame
    doc_topics: pd.DataFrame
    shares: pd.DataFrame
    shares_by: str
    coherence: float | None
    warnings: tuple[str, ...] = ()


def default_k(n_units: int) -> int:
    """Between 2 and 10 topics, one per six units."""
    return max(2, min(10, n_units // 6))


#: fewer units per topic than this, and a k the user chose gets a warning: each topic rests on very few units
MIN_UNITS_PER_TOPIC = 3


def check_k_for_units(k: int, n_units: int, units: str) -> str | None:
    """A warning when ``k`` topics are many for ``n_units`` units (fewer than :data:`MIN_UNITS_PER_TOPIC` each).

    Examples:
        >>> check_k_for_units(10, 15, "speech")
        "k=10 topics for 15 units (speech) is fewer than 3 units per topic: each topic rests on a unit or two and changes with the seed; ask for fewer topics (k=2, the default for 15 units) or use smaller units (units='paragraph' or units='outline_item')."
        >>> check_k_for_units(5, 15, "speech") is None
        True
    """
    if k * MIN_UNITS_PER_TOPIC <= n_units:
        return None
    smaller = {"speech": " or use smaller units (units='paragraph' or units='outline_item')",
               "paragraph": " or use smaller units (units='outline_item')"}.get(units, "")
    return (f"k={k} topics for {n_units} units ({units}) is fewer than {MIN_UNITS_PER_TOPIC} units per topic: each topic "
            f"rests on a unit or two and changes with the seed; ask for fewer topics (k={default_k(n_units)}, the default "
            f"for {n_units} units){smaller}.")


def unit_tokens(tokens: Tokens, units: Corpus) -> Tokens:
    """The tokens of each unit, cut from its parent document's tokens (offsets into the unit's text), with the
    topic stopword lists, numbers and one-character tokens removed.

    Gives the tokens ``tokenize(units, stopwords=TOPIC_STOPWORDS, drop_numbers=True).filter(min_chars=2)``
    gives, without segmenting the text a second time (tokens never cross a unit's boundary: units end at a
    line end or at an outline marker). Works on the token arrays; the vocabulary is shared.
    """
    from ..text.columns import keep_types
    from ..text.slicing import unit_tokens as slice_units
    from ..text.stopwords import load_stopwords, stopword_hashes

    keep = keep_types(tokens.types, (load_stopwords(TOPIC_STOPWORDS), True, True), min_chars=TOPIC_MIN_CHARS)
    params = {**tokens.params, "stopwords": stopword_hashes(TOPIC_STOPWORDS), "drop_numbers": True,
              "min_chars": TOPIC_MIN_CHARS}
    return slice_units(tokens, units.docvars, units.texts, keep_type=keep, params=params)


def fit_unit_topics(segmented: Segmented, *, units: str = "outline_item", k: int | None = None, engine: str = "tomotopy",
                    random_state: int = 0, by: str = "doc_id") -> Topics:
    """Split the documents into units, fit a topic model on them and summarise it per ``by``."""
    from ..models.dtm import dtm
    from ..models.topics import fit_topics
    from ..unitize import units as make_units

    unit_corpus = make_units(segmented.corpus, unit=units)
    if len(unit_corpus) < 2:
        raise ModelInputError(
            describe("units", units, f"gives {len(unit_corpus)} unit of analysis, too few for a topic model",
                     accepted="a unit that splits the corpus into at least 2 parts",
                     todo="Add documents." if units == "outline_item" else
                     "Use smaller units (units='outline_item') or add documents.")
        )
    toks = unit_tokens(segmented.tokens, unit_corpus)
    min_docs = 2 if len(unit_corpus) >= 10 else 1
    matrix = dtm(toks, min_docs=min_docs)
    k_used = k if k is not None else default_k(len(unit_corpus))
    n_docs, n_terms = matrix.shape
    if k_used > min(n_docs, n_terms):
        raise ModelInputError(describe("k", k_used, f"is larger than the data: {n_docs} units ({units}), {n_terms} terms",
                                       accepted=f"k <= {min(n_docs, n_terms)}",
                                       todo="Ask for fewer topics, or use smaller units (units='paragraph')."))
    warnings: list[str] = []
    if k is not None and (few := check_k_for_units(k, n_docs, units)):
        _warn(warnings, few)
    model = fit_topics(matrix, k=k_used, engine=engine, random_state=random_state)
    shares_by = "parent_id" if by == "doc_id" else by
    try:
        coherence: float | None = float(model.coherence("c_npmi"))
    except ModelInputError as exc:  # too little text for the measure
        logger.info("coherence not computed: %s", exc)
        coherence = None
    return Topics(unit_corpus, toks, matrix, model, k_used, min_docs, model.top_terms(10), model.doc_topics(),
                  model.by(shares_by), shares_by, coherence, tuple(warnings))


# -- groups ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Groups:
    """Clusters of the groups by their emphasis profiles (``None`` with fewer than 3 distinct groups) and the
    top-10 keyness table of each group against the rest."""

    clusters: Any
    keyness: pd.DataFrame
    warnings: tuple[str, ...]


def compare_groups(tokens: Tokens, emphasis: EmphasisTables, *, by: str) -> Groups:
    """Cluster the groups by emphasis (Ward) and compute each group's keywords (chi², top 10, terms seen at
    least ``KEYNESS_MIN_COUNT`` times, ``q`` adjusted by ``KEYNESS_ADJUST``)."""
    import pandas as pd

    from ..models.cluster import cluster
    from ..models.dtm import dtm
    from ..models.keyness import keyness

    warnings: list[str] = []
    profile = emphasis.rates
    groups = len(profile)
    differ = bool((profile.round(9).nunique(axis=0) > 1).any())  # not std > 0: float noise of equal rows
    if groups >= 3 and not differ:
        _warn(warnings, f"the {groups} groups by {by} were not clustered: their theme profiles are identical")
    clusters = cluster(profile, method="ward") if groups >= 3 and differ else None
    matrix = dtm(tokens)
    rows = []
    values = tokens.group_values(by)
    for value in dict.fromkeys(values):
        if value is None:
            continue
        target = [d for d, v in zip(tokens.doc_ids, values) if v == value]
        if len(target) == len(tokens):
            continue
        try:
            table = keyness(matrix, target=target, measure="chi2", min_count=KEYNESS_MIN_COUNT,
                            adjust=KEYNESS_ADJUST).head(10)
        except InvalidArgumentError:  # a group too small for any term to reach min_count
            _warn(warnings, f"no keyness for {by} {value!r}: no term occurs {KEYNESS_MIN_COUNT} times")
            continue
        table.insert(0, by, value)
        rows.append(table)
    return Groups(clusters, pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(), tuple(warnings))


# -- figures ---------------------------------------------------------------------------------------------
def draw_figures(emphasis: EmphasisTables, topics: Topics, groups: Groups, *,
                 theme_labels: dict[str, str] | None = None) -> dict[str, dict[str, bytes]]:
    """The report's figures by name, each as ``{"png": bytes, "svg": bytes}``: emphasis heatmap (themes by
    their labels), topic terms, topic shares (per ``topics.shares_by``: per speech when groups are
    documents), dendrogram (when clustered)."""
    import io
    import tempfile
    from pathlib import Path

    from matplotlib.figure import Figure  # no pyplot: no global figure registry, no backend switch

    from ..viz import plot
    from .figures import save_svg

    labels = theme_labels or {}
    profile = emphasis.rates.rename(columns=lambda c: labels.get(c, c))
    specs = [
        ("emphasis_heatmap", lambda ax: plot.emphasis_heatmap(profile, ax=ax), (9, 0.45 * len(profile) + 2.5)),
        ("topic_terms", lambda ax: plot.topic_terms(topics.model, n=8, ax=ax), (10, max(6.0, 1.7 * topics.k))),
        ("topic_shares", lambda ax: plot.topic_shares(topics.model, by=topics.shares_by, ax=ax),
         (9, 0.45 * len(profile) + 2.5)),
    ]
    if groups.clusters is not None:
        specs.append(("dendrogram", lambda ax: plot.dendrogram(groups.clusters, ax=ax), (8, 4.5)))
    figures = {}
    with tempfile.TemporaryDirectory(prefix="consensus-nlp-svg-") as tmp:
        for name, draw, size in specs:
            fig = Figure(figsize=size)
            draw(fig.subplots())
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=110, metadata={"Software": None}, bbox_inches="tight")
            svg = save_svg(fig, Path(tmp) / f"{name}.svg").read_bytes()  # the vector copy, inlined in report.html
            figures[name] = {"png": buffer.getvalue(), "svg": svg}
    return figures
