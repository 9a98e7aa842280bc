"""Word segmentation of many documents: :func:`tokenize` (and :class:`Segmenter`, re-exported).

:class:`Segmenter` (:mod:`.segmenter`) cuts one text with jieba or jieba-rs, each
with a private dictionary, and maps the words back to offsets into the text as given.

:func:`tokenize` (many documents) takes the documents in batches of about 32,000
characters: a batch is normalized as one array of code points
(:func:`~consensus_nlp.text.normalization.normalize_joined`), its texts joined by
line breaks are cut in one engine call (neither jieba nor jieba-rs joins a line
break with anything, so the words are those of cutting each text by itself), and
the words become type ids through a cache keyed by their code points
(:class:`~consensus_nlp.text.columns.ShortWords`). The tokens are the same as those of :meth:`Segmenter.tokenize`
on each text (tested on random documents and all of People's Daily, January 1998).

The work is split by responsibility: :mod:`.segmenter` (the :class:`Segmenter`),
:mod:`.columns` (tokens into columns, the keep rules), :mod:`.executor` (batches, the
fork pool) and :mod:`.adapters` (a user's tokenizer); this module holds :func:`tokenize`
and re-exports the names older code imports from here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from ..corpus import Corpus, Document, is_dataframe
from ..errors import InputTypeError, check_bool, check_int, describe
from .adapters import callable_name, segment_with_callable
from .columns import NUMBER, Columns, ShortWords
from .executor import batches, progress_bar, segment_parallel, segment_texts
from .jieba_engines import read_lexicon
from .normalization import build_tables
from .segmenter import Segmenter, list_lexicons
from ..pipeline import Stage, run, shared
from .tokens import Tokens

_read_lexicon = read_lexicon  # the name the tests and older code use

__all__ = ["Segmenter", "tokenize", "tokenize_partition", "Tokenize", "list_lexicons", "as_corpus", "stop_rule",
           # re-exported: their modules own them
           "NUMBER", "Columns", "ShortWords", "batches"]


def as_corpus(corpus: object) -> Corpus:
    if isinstance(corpus, Corpus):
        return corpus
    if isinstance(corpus, Document):
        return Corpus([corpus])
    if is_dataframe(corpus):  # iterating a DataFrame gives its column names
        raise InputTypeError(describe("corpus", f"<DataFrame, columns {list(corpus.columns)}>",
                                      "is a pandas DataFrame, not a collection of documents",
                                      accepted="a Corpus, a Document or a list of str",
                                      todo="Convert it: cn.Corpus.from_dataframe(df, text='text') (doc_id from an 'id' column)."))
    if corpus is None or isinstance(corpus, (str, bytes, bytearray)):
        raise InputTypeError(describe("corpus", corpus, "is not a collection of documents",
                                      accepted="a Corpus, a Document or a list of str",
                                      todo="Wrap a single text in a list: tokenize([text])."))
    try:
        items = list(corpus)  # type: ignore[call-overload]
    except TypeError:
        raise InputTypeError(describe("corpus", corpus, "is not iterable",
                                      accepted="a Corpus, a Document or a list of str")) from None
    docs = []
    for i, item in enumerate(items):
        if isinstance(item, Document):
            docs.append(item)
        elif isinstance(item, str):
            docs.append(Document(f"doc-{i}", item))
        else:
            raise InputTypeError(describe(f"corpus[{i}]", item, "is not a str or a Document", accepted="str or Document",
                                          todo="Decode bytes and drop missing texts first."))
    return Corpus(docs)  # checks that ids are unique


def stop_rule(stopwords: Any) -> tuple[frozenset[str], Any]:
    from .stopwords import load_stopwords, stopword_hashes

    if stopwords is None:
        return frozenset(), None
    if isinstance(stopwords, (set, frozenset)):
        stop = frozenset(stopwords)
        return stop, {"custom": hashlib.sha256("\n".join(sorted(stop)).encode()).hexdigest()}
    return load_stopwords(stopwords), stopword_hashes(stopwords)


def tokenize(
    corpus: Corpus | Document | Iterable[str | Document],
    *,
    segmenter: Segmenter | Callable[[str], Iterable[tuple[str, int, int]]] | None = None,
    stopwords: str | Sequence[str] | set[str] | frozenset[str] | None = None,
    drop_punct: bool = True,
    drop_numbers: bool = False,
    n_jobs: int = 1,
    progress: bool | None = None,
) -> Tokens:
    """Segment every document of a corpus.

    Examples:
        >>> toks = tokenize(["以协商凝聚共识，画出最大同心圆。"], segmenter=Segmenter(backend="jieba"))
        >>> toks.words()
        [['以', '协商', '凝聚共识', '画出', '最大', '同心圆']]

    Args:
        corpus: a :class:`Corpus`, a :class:`Document`, or a list of str and
            Documents (str items get ids ``doc-0``, ``doc-1``…). A bare str is refused.
        segmenter: the segmenter; default ``Segmenter()`` (political lexicon). Any
            other tokenizer can be plugged in as a callable ``text -> iterable of
            (word, start, end)`` with ``text[start:end]`` the word's span (spaCy,
            pkuseg, a regex…); its tokens go through the same stopword and
            punctuation rules and the result records the callable's name.
        stopwords: ``None`` (keep everything), a list name or names
            (:func:`consensus_nlp.list_stopwords`), or a set of words.
        drop_punct: drop tokens made only of punctuation and symbols.
        drop_numbers: drop numbers (``2021``, ``3.5``, ``50%``).
        n_jobs: worker processes (forked, on Linux; elsewhere one process is used and
            the reason logged); any value gives the same output. Workers send back
            arrays, not token objects.
        progress: show a tqdm progress bar; ``None``: only when stderr is a terminal.

    Returns:
        :class:`Tokens` whose ``docvars`` is the corpus's own (``tokens.docvars is
        corpus.docvars``); ``params`` records the segmenter, the lexicon's sha256 and
        the stopword lists' hashes.

    Raises:
        InputTypeError: ``corpus`` is a bare str, bytes, ``None`` or holds non-str items.
        UnknownNameError: an unknown stopword list.
    """
    return run(Tokenize(segmenter=segmenter, stopwords=stopwords, drop_punct=drop_punct, drop_numbers=drop_numbers,
                        n_jobs=n_jobs, progress=progress), corpus)


def tokenize_partition(corpus: Corpus | Document | Iterable[str | Document], stage: Tokenize) -> Tokens:
    """:func:`tokenize` of documents in memory with the (checked) options of ``stage``: the map of :class:`Tokenize`."""
    corpus = as_corpus(corpus)
    segmenter, stopwords, drop_punct, drop_numbers = stage.segmenter, stage.stopwords, stage.drop_punct, stage.drop_numbers
    n_jobs, progress = stage.n_jobs, stage.progress
    stop, stop_record = stop_rule(stopwords)
    rule = (stop, bool(drop_punct), bool(drop_numbers))
    texts = corpus.texts
    show = sys.stderr.isatty() if progress is None else check_bool("progress", progress)
    if not isinstance(segmenter, Segmenter):
        cols = segment_with_callable(segmenter, progress_bar(texts, show, "doc"), rule)
        params = {"segmenter": callable_name(segmenter),
                  "stopwords": stop_record, "drop_punct": drop_punct, "drop_numbers": drop_numbers}
        return Tokens.from_arrays(corpus.docvars, texts, *cols.arrays(), params=params)
    if n_jobs == 1 or len(texts) < 2:
        segmenter._engine()  # build the dictionary and the character tables before the progress bar starts
        build_tables()
        cols = segment_texts(segmenter, progress_bar(texts, show, "doc"), rule)
    else:
        cols = segment_parallel(segmenter, texts, rule, n_jobs, show)
    params = {**segmenter.params, "stopwords": stop_record, "drop_punct": drop_punct, "drop_numbers": drop_numbers}
    return Tokens.from_arrays(corpus.docvars, texts, *cols.arrays(), params=params)


@dataclasses.dataclass(frozen=True)
class Tokenize(Stage):
    """:func:`consensus_nlp.tokenize` as a stage: ``map`` segments a partition's documents into Tokens.

    The options are checked when the stage is made (unknown stopword lists, a segmenter
    that is neither a :class:`~consensus_nlp.Segmenter` nor a callable, ``n_jobs``), before any
    partition is read. Partitions keep their tokens (``output = "tokens"``); ``combine``
    concatenates two partitions' Tokens on one vocabulary.
    """

    output: ClassVar[str] = "tokens"

    segmenter: Any = None
    stopwords: Any = None
    drop_punct: bool = True
    drop_numbers: bool = False
    n_jobs: int = 1
    progress: bool | None = None

    def __post_init__(self) -> None:
        if self.segmenter is None:
            object.__setattr__(self, "segmenter", Segmenter())
        if not isinstance(self.segmenter, Segmenter) and not callable(self.segmenter):
            raise InputTypeError(describe("segmenter", self.segmenter, "is not a Segmenter or a tokenizer function",
                                          accepted="Segmenter, a callable text -> [(word, start, end), ...], or None"))
        check_int("n_jobs", self.n_jobs, minimum=1)
        check_bool("drop_punct", self.drop_punct)
        check_bool("drop_numbers", self.drop_numbers)
        if self.progress is not None:
            check_bool("progress", self.progress)
        if self.stopwords is not None and not isinstance(self.stopwords, (set, frozenset)):
            from .stopwords import load_stopwords

            load_stopwords(self.stopwords)  # an unknown list name fails here, before any partition is read

    def map(self, part: Corpus | Iterable[Any]) -> Tokens:
        segmenter = self.segmenter
        if isinstance(segmenter, Segmenter):  # the dictionary is built once per process, not per partition
            segmenter = shared("segmenter", json.dumps(segmenter.params, sort_keys=True, ensure_ascii=False),
                               warm_segmenter(segmenter))
        return tokenize_partition(part, dataclasses.replace(self, segmenter=segmenter) if segmenter is not self.segmenter
                                  else self)

    def combine(self, a: Tokens, b: Tokens) -> Tokens:
        return Tokens.concat([a, b])

    def for_partitions(self, fields: Sequence[str] | None) -> Tokenize:
        # one process per partition task (n_jobs=1); one progress bar for the whole computation, not one per partition
        return dataclasses.replace(self, n_jobs=1, progress=False)


def warm_segmenter(segmenter: Any) -> Callable[[], Any]:
    """A builder that loads ``segmenter``'s dictionary and returns it (for :func:`~consensus_nlp.pipeline.shared`)."""

    def build() -> Any:
        segmenter.cut("中")
        return segmenter

    return build
