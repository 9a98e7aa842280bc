"""Emphasis: how much each group of documents talks about each theme.

:func:`emphasis` counts, per document, how many tokens fall into each theme of a
dictionary (:mod:`consensus_nlp.models.dictionaries`) and returns an
:class:`Emphasis`: rates per group per 1,000 tokens, the counts and token totals
behind them, and their uncertainty (a document bootstrap and a permutation test,
:class:`~consensus_nlp.models.inference.GroupRates`). :func:`theme_hits` lists
every hit behind those counts with its place in the text, and
:func:`validation_sample` draws hits for human coders.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..corpus import DocVars, frame_text
from ..docvars import factorize
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, check_float, check_int, \
    check_name, check_random_state, describe
from ..pipeline import Stage, run, shared
from ..text.patterns import user_pattern
from ..text.tokens import Tokens
from .dictionaries import Themes, count_theme, load_themes, theme_spans
from .inference import GroupRates
from .smallsample import cluster_keys

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["Emphasis", "emphasis", "theme_counts", "single_token_predicate", "ThemeMatcher", "token_columns", "theme_hits", "validation_sample",
           "CountThemes", "ThemeCounts"]


class Emphasis(GroupRates):
    """Theme hits per group of documents, per ``per`` tokens, with their uncertainty.

    Attributes (besides those of :class:`~consensus_nlp.models.inference.GroupRates`):
        themes: the theme names (columns), in dictionary order (same as ``categories``).
        theme_set: the name of the theme dictionary.

    Tables: :attr:`rates` (group x theme, per ``per`` tokens), :attr:`counts` (hits),
    :attr:`totals` (tokens per group), :meth:`to_frame` (long: group, theme, hits,
    tokens, rate, n_docs), :meth:`interval` (document bootstrap), :meth:`compare`
    (difference of two groups with an interval and a permutation p-value).
    """

    def __init__(self, *, theme_set: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theme_set = theme_set

    @property
    def themes(self) -> tuple[str, ...]:
        return self.categories

    def _repr_html_(self) -> str:  # notebooks show the rate table
        return self.rates.round(2)._repr_html_()


def token_columns(tokens: Tokens) -> tuple[Sequence[str], np.ndarray, np.ndarray]:
    """The vocabulary, the type id of every token (all documents concatenated) and the document bounds.

    Read straight from columnar Tokens (``types``, ``ids``, ``bounds``); built in one pass
    over the words for Tokens that hold token objects.
    """
    import numpy as np

    if isinstance(tokens, Tokens):
        return tokens.types, np.asarray(tokens.ids), np.asarray(tokens.bounds, dtype=np.int64)
    vocabulary: dict[str, int] = {}
    ids: list[int] = []
    bounds = [0]
    for words in tokens.words():
        ids.extend(vocabulary.setdefault(w, len(vocabulary)) for w in words)
        bounds.append(len(ids))
    return list(vocabulary), np.asarray(ids, dtype=np.int64), np.asarray(bounds, dtype=np.int64)


def single_token_predicate(entries: Sequence[str]) -> Callable[[str], bool]:
    """One test per word for a theme's single-token entries, with the meaning of ``compile_entry``.

    Exact entries become a set; globs one combined regular expression (``fnmatch``'s
    translations, anchored); ``re:`` entries are searched one by one (combining user
    expressions could change what their groups and flags mean).
    """
    import fnmatch
    import re

    singles = [e.strip() for e in entries if len(e.split()) == 1]
    exact = frozenset(e for e in singles if not e.startswith("re:") and not any(ch in e for ch in "*?["))
    globs = [fnmatch.translate(e) for e in singles if not e.startswith("re:") and any(ch in e for ch in "*?[")]
    searches = [user_pattern("themes", e[3:]) for e in singles if e.startswith("re:")]  # with a time limit
    glob = re.compile("|".join(f"(?:{g})" for g in globs)) if globs else None

    def test(word: str) -> bool:
        return (word in exact or (glob is not None and glob.match(word) is not None)
                or any(p.search(word) is not None for p in searches))

    return test


class ThemeMatcher:
    """A theme dictionary compiled for counting, remembering what it found for each word.

    For every word it answers, per theme, whether a single-token entry matches it and
    whether a multi-token entry starts with it (:meth:`flags`). Each distinct word is
    tested once per process: a Dask worker that counts many partitions (each with its
    own vocabulary, mostly the same words) tests the corpus's vocabulary once, as the
    eager call does, not once per partition. At most :attr:`MAX_WORDS` words are
    remembered (about 100 bytes each); words past that are tested every time.
    """

    MAX_WORDS = 500_000

    def __init__(self, themes: Themes) -> None:
        import threading

        import numpy as np

        self.themes = themes
        self.matchers = themes.matchers()
        self._tests: list[Callable[[str], bool]] = []
        for theme, (_, runs) in self.matchers.items():
            self._tests.append(single_token_predicate(themes.entries[theme]))
            self._tests.append((lambda w, runs=runs: any(r[0](w) for r in runs)) if runs else (lambda w: False))
        self._memo: dict[str, int] = {}
        self._table = np.zeros((1024, len(self._tests)), dtype=bool)
        self._lock = threading.Lock()  # threads of one worker share the matcher

    def flags(self, words: Sequence[str]) -> np.ndarray:
        """A ``len(words) x 2·themes`` bool array: column ``2j`` whether a single-token entry of theme ``j``
        matches the word, ``2j + 1`` whether a multi-token entry of theme ``j`` starts with it."""
        import numpy as np

        with self._lock:
            memo = self._memo
            rows = np.fromiter((memo.get(w, -1) for w in words), dtype=np.int64, count=len(words))
            missing = np.flatnonzero(rows < 0).tolist()
            out = self._table[np.maximum(rows, 0)]
            if missing:
                fresh = [words[i] for i in missing]
                found = np.array([[test(w) for test in self._tests] for w in fresh], dtype=bool).reshape(
                    len(fresh), len(self._tests))
                out[missing] = found
                self._remember(fresh, found)
        return out

    def _remember(self, words: list[str], found: np.ndarray) -> None:
        import numpy as np

        room = min(len(words), self.MAX_WORDS - len(self._memo))
        if room <= 0:
            return
        n = len(self._memo)
        if n + room > len(self._table):
            grown = np.zeros((max(2 * len(self._table), n + room), self._table.shape[1]), dtype=bool)
            grown[:n] = self._table[:n]
            self._table = grown
        self._table[n:n + room] = found[:room]
        self._memo.update(zip(words[:room], range(n, n + room)))


def theme_counts(tokens: Tokens, themes: Themes | ThemeMatcher) -> tuple[np.ndarray, np.ndarray]:
    """Per document: hits of each theme (``documents x themes`` int array) and the number of tokens.

    One pass over the token ids: every distinct word the tokens use is tested once against
    every theme (:class:`ThemeMatcher`, which remembers the answers for later partitions),
    and the hits of all documents are summed per theme with numpy. Only documents that
    contain the first word of a multi-token entry (``"有事 好 商量"``) are scanned token by
    token for that theme, since a run consumes its tokens
    (:func:`~consensus_nlp.models.dictionaries.theme_spans`).
    """
    import numpy as np

    matcher = themes if isinstance(themes, ThemeMatcher) else ThemeMatcher(themes)
    types, ids, bounds = token_columns(tokens)
    n_docs = len(bounds) - 1
    totals = np.diff(bounds)
    doc_index = np.repeat(np.arange(n_docs, dtype=np.int64), totals)
    counts = np.zeros((n_docs, len(matcher.matchers)), dtype=np.int64)
    # only the types these tokens use are tested (a partition of a token store shares the store's whole vocabulary)
    present = np.flatnonzero(np.bincount(ids, minlength=len(types))) if len(ids) else np.zeros(0, dtype=np.int64)
    found = matcher.flags([types[k] for k in present.tolist()])
    rank = np.zeros(len(types), dtype=np.int64)
    rank[present] = np.arange(len(present))
    local = rank[ids]  # each token's row of ``found``
    for j, (singles, runs) in enumerate(matcher.matchers.values()):
        counts[:, j] = np.bincount(doc_index[found[local, 2 * j]], minlength=n_docs)
        if not runs:
            continue
        cache: dict[str, Any] = {}
        for d in np.unique(doc_index[found[local, 2 * j + 1]]).tolist():
            words = [types[k] for k in ids[bounds[d]:bounds[d + 1]].tolist()]
            counts[d, j] = count_theme(words, singles, runs, cache)
    return counts, totals


def emphasis(
    tokens: Tokens,
    *,
    by: str = "organization",
    themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc",
    per: float = 1000,
) -> Emphasis:
    """How much each group of documents talks about each theme.

    Method: within each document, tokens are scanned left to right; per theme a
    multi-token entry (``"有事 好 商量"``) matching at the current position counts one
    hit and consumes its tokens, otherwise the token counts one hit if any single entry
    of the theme matches it (exact string, glob over the whole token, or ``re:``
    search). A token counts at most once per theme but may count for several themes.
    The denominator is the number of tokens of the group as given (after whatever
    stopword/punctuation filtering the tokenizer did). Documents are grouped by the
    metadata field ``by`` in order of first appearance.

    Args:
        tokens: :class:`~consensus_nlp.tokens.Tokens`.
        by: metadata field to group by (``"doc_id"`` for one row per document).
        themes: theme dictionary: bundled name, YAML/TOML path, dict, or :class:`Themes`.
        per: rates are hits per ``per`` tokens (default per 1,000).

    Returns:
        :class:`Emphasis`: ``.rates`` (group x theme), ``.counts``, ``.totals``,
        ``.to_frame()``, ``.interval()``, ``.compare(a, b)``.

    Raises:
        InputTypeError: ``tokens`` is not Tokens.
        InvalidArgumentError: ``per`` is not a positive finite number.
        UnknownNameError: unknown theme set or metadata field.
        EmptyInputError: there are no documents, or a group has no tokens.
    """
    return run(CountThemes(by=by, themes=themes, per=per), tokens)


class ThemeCounts(NamedTuple):
    """What :class:`CountThemes` maps a partition to: its documents, their theme hits and token counts."""

    docvars: DocVars
    counts: np.ndarray  # documents x themes, int64
    totals: np.ndarray  # tokens per document


@dataclasses.dataclass(frozen=True)
class CountThemes(Stage):
    """:func:`emphasis` as a stage (:mod:`consensus_nlp.pipeline`).

    ``map``: per document, theme hits and tokens (:func:`theme_counts`); ``combine``: the
    rows stacked; ``finalize``: the documents grouped by ``by`` (order of first appearance),
    the :class:`Emphasis`. The theme dictionary is loaded (and checked) when the stage is made.
    """

    by: str = "organization"
    themes: Any = "cppcc"
    per: float = 1000

    def __post_init__(self) -> None:
        object.__setattr__(self, "per", check_float("per", self.per, minimum=0, exclusive_minimum=True,
                                                      todo="Use e.g. per=1000."))
        object.__setattr__(self, "themes", load_themes(self.themes))

    def for_partitions(self, fields: Sequence[str] | None) -> CountThemes:
        if fields is not None and self.by != "doc_id" and self.by not in fields:  # before any partition is read
            raise UnknownNameError(describe("by", self.by, "is not a metadata field", accepted=["doc_id", *fields]))
        return self

    def map(self, tokens: Tokens) -> ThemeCounts:
        if not isinstance(tokens, Tokens):
            raise InputTypeError(describe("tokens", tokens, "is not Tokens", accepted="Tokens from consensus_nlp.tokenize",
                                          todo="Tokenize first: cn.tokenize(corpus)."))
        theme_set = self.themes
        key = json.dumps([theme_set.name, {k: list(v) for k, v in theme_set.entries.items()}], ensure_ascii=False)
        counts, totals = theme_counts(tokens, shared("themes", key, lambda: ThemeMatcher(theme_set)))
        return ThemeCounts(tokens.docvars, counts, totals)

    def combine(self, a: ThemeCounts, b: ThemeCounts) -> ThemeCounts:
        import numpy as np

        from ..text.store import stack_docvars

        return ThemeCounts(stack_docvars([a.docvars, b.docvars]), np.concatenate([a.counts, b.counts]),
                           np.concatenate([a.totals, b.totals]))

    def finalize(self, acc: ThemeCounts, source: Any) -> Emphasis:
        import numpy as np

        if len(acc.docvars) == 0:
            raise EmptyInputError(describe("tokens", source, "holds no documents", todo="Pass a non-empty corpus."))
        codes, labels = acc.docvars.factorize(self.by)
        doc_groups = codes.astype(np.int64)
        sizes = np.bincount(doc_groups, weights=acc.totals, minlength=len(labels))
        empty = [labels[g] for g in np.flatnonzero(sizes == 0)]
        if empty:
            raise EmptyInputError(
                describe("by", self.by, f"gives groups without tokens: {empty[:5]}",
                         todo="Drop empty documents first, or check the tokenizer's stopword settings.")
            )
        theme_set = self.themes
        return Emphasis(theme_set=theme_set.name, by=self.by, per=self.per, categories=theme_set.names, groups=labels,
                        doc_ids=acc.docvars.doc_ids, doc_groups=doc_groups, doc_counts=acc.counts, doc_totals=acc.totals,
                        doc_clusters=cluster_keys(acc.docvars, "parent_id"), docvars=acc.docvars)


def theme_hits(
    tokens: Tokens,
    *,
    themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc",
) -> pd.DataFrame:
    """Every hit behind an :func:`emphasis` table, with its place in the text.

    Args:
        tokens: :class:`~consensus_nlp.tokens.Tokens`.
        themes: theme dictionary, as for :func:`emphasis`.

    Returns:
        DataFrame with ``doc_id``, ``theme``, ``tokens`` (the matched token strings joined
        by spaces), ``start``, ``end`` (character offsets into the document text: from the
        first matched token's start to the last one's end), in document then theme order.
    """
    import pandas as pd

    if not isinstance(tokens, Tokens):
        raise InputTypeError(describe("tokens", tokens, "is not Tokens", accepted="Tokens from consensus_nlp.tokenize"))
    matchers = load_themes(themes).matchers()
    rows = []
    caches: dict[str, dict] = {theme: {} for theme in matchers}
    for doc_id, toks in zip(tokens.doc_ids, tokens.tokens):
        words = [t.text for t in toks]
        for theme, (singles, runs) in matchers.items():
            for first, last in theme_spans(words, singles, runs, caches[theme]):
                rows.append((doc_id, theme, " ".join(words[first:last]), toks[first].start, toks[last - 1].end))
    return pd.DataFrame(rows, columns=["doc_id", "theme", "tokens", "start", "end"])


def validation_sample(
    tokens: Tokens,
    themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc",
    *,
    n: int = 50,
    by: str | None = None,
    n_per_group: int | None = None,
    random_state: int = 0,
    window: int = 30,
) -> pd.DataFrame:
    """Dictionary hits drawn at random for human coding, with their context and empty code columns.

    Per theme, ``n`` hits of :func:`theme_hits` are drawn without replacement (all of them
    when the theme has fewer); with ``by`` (a metadata field such as ``"era"``) the draw is
    stratified: ``n_per_group`` hits per theme and group, so that precision can be estimated
    in every group (:func:`~consensus_nlp.precision` with ``by``). The rows are then shuffled
    so that coders do not see the themes in blocks. Write the table with ``to_csv``
    (``utf-8-sig`` opens in Excel), let each coder fill in ``code`` (1 = a true instance of
    the theme, 0 = not) and read the files back for :func:`~consensus_nlp.agreement` and
    :func:`~consensus_nlp.precision`.

    Args:
        tokens: :class:`~consensus_nlp.tokens.Tokens` (their texts give the context).
        themes: theme dictionary, as for :func:`emphasis`.
        n: hits per theme (>= 1), without ``by``.
        by: metadata field to stratify by (its value becomes a column).
        n_per_group: hits per theme and group (>= 1) with ``by``; default ``n``.
        random_state: seed of the draw.
        window: characters of context on each side.

    Returns:
        DataFrame with ``sample_id`` (``"s0001"``…), ``doc_id``, ``theme``, ``match``,
        ``start``, ``end``, ``left``, ``hit``, ``right`` (the text before, of and after the
        hit), with ``by`` its column after ``doc_id``, then ``coder`` and ``code`` (empty
        strings, for the coders).
    """
    import numpy as np
    import pandas as pd

    n = check_int("n", n, minimum=1, todo="Draw at least one hit per theme.")
    if by is not None:
        n = check_int("n_per_group", n if n_per_group is None else n_per_group, minimum=1,
                      todo="Draw at least one hit per theme and group.")
    window = check_int("window", window, minimum=0)
    rng = np.random.default_rng(check_random_state(random_state))
    hits = theme_hits(tokens, themes=themes)
    if hits.empty:
        raise EmptyInputError(describe("themes", themes, "has no hit in these tokens", todo="Check the dictionary."))
    strata = np.zeros(len(hits), dtype=np.int64)
    if by is not None:
        check_name("by", by, accepted="a metadata field name or 'doc_id'")
        if by in hits.columns and by != "doc_id":
            raise InvalidArgumentError(describe("by", by, "is also a column of the sample",
                                                accepted="a metadata field other than " + ", ".join(hits.columns),
                                                todo="Rename that metadata field first."))
        values = tokens.group_values(by)  # UnknownNameError names the fields
        codes, _ = factorize(values)  # any value groups, unhashable ones too
        rows = [tokens.docvars.position(d) for d in hits["doc_id"]]
        strata = codes[rows].astype(np.int64)
        if by != "doc_id":
            hits.insert(1, by, [values[r] for r in rows])
    picked = []
    for _, part in hits.groupby([hits["theme"], pd.Series(strata, index=hits.index)], sort=False, dropna=False):
        take = rng.choice(len(part), size=min(n, len(part)), replace=False)
        picked.append(part.iloc[np.sort(take)])
    sample = pd.concat(picked).iloc[rng.permutation(sum(len(p) for p in picked))].reset_index(drop=True)
    texts = dict(zip(tokens.doc_ids, tokens.texts))
    spans = list(zip(sample["doc_id"], sample["start"], sample["end"]))
    sample = sample.rename(columns={"tokens": "match"}).assign(
        left=[frame_text(texts[d][max(0, s - window):s]) for d, s, _ in spans],  # lone surrogates: U+FFFD
        hit=[frame_text(texts[d][s:e]) for d, s, e in spans],
        right=[frame_text(texts[d][e:e + window]) for d, _, e in spans],
        coder="", code="",
    )
    sample.insert(0, "sample_id", [f"s{i + 1:04d}" for i in range(len(sample))])
    return sample
