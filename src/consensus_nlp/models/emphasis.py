"""Emphasis: how much each group of documents talks about each theme.

:func:`emphasis` counts, per group of documents (an organization, a speaker, a
year), how many tokens fall into each theme of a dictionary
(:mod:`consensus_nlp.models.dictionaries`) per 1,000 tokens; :func:`theme_hits`
lists every hit behind those counts with its place in the text.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..corpus import group_key
from ..errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, describe
from ..text.tokens import Tokens
from .dictionaries import Themes, count_theme, load_themes, theme_spans

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["emphasis", "theme_hits"]


def emphasis(
    tokens: Tokens,
    *,
    by: str = "organization",
    themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc",
    per: int = 1000,
    counts: bool = False,
) -> pd.DataFrame:
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
        counts: return raw hit counts instead of rates.

    Returns:
        DataFrame indexed by group (index name ``by``), one column per theme in dictionary
        order. ``df.attrs["n_tokens"]`` holds the token count per group.

    Raises:
        InputTypeError: ``tokens`` is not Tokens.
        UnknownNameError: unknown theme set or metadata field.
        EmptyInputError: there are no documents, or a group has no tokens.
    """
    import pandas as pd

    if not isinstance(tokens, Tokens):
        raise InputTypeError(describe("tokens", tokens, "is not Tokens", accepted="Tokens from consensus_nlp.tokenize",
                                      todo="Tokenize first: cn.tokenize(corpus)."))
    if isinstance(per, bool) or not isinstance(per, (int, float)) or per <= 0:
        raise InvalidArgumentError(describe("per", per, "is not a positive number of tokens", accepted="e.g. 1000"))
    if len(tokens) == 0:
        raise EmptyInputError(describe("tokens", tokens, "holds no documents", todo="Pass a non-empty corpus."))
    theme_set = load_themes(themes)
    matchers = theme_set.matchers()
    values = tokens.group_values(by)
    groups: dict[Any, dict[str, int]] = {}
    sizes: dict[Any, int] = {}
    labels: dict[Any, Any] = {}
    caches: dict[str, dict] = {theme: {} for theme in matchers}  # one word cache per theme, for all documents
    for value, words in zip(values, tokens.words()):
        key = group_key(value)
        labels.setdefault(key, value)
        row = groups.setdefault(key, dict.fromkeys(matchers, 0))
        sizes[key] = sizes.get(key, 0) + len(words)
        for theme, (singles, runs) in matchers.items():
            row[theme] += count_theme(words, singles, runs, caches[theme])
    empty = [labels[k] for k, n in sizes.items() if n == 0]
    if empty:
        raise EmptyInputError(
            describe("by", by, f"gives groups without tokens: {empty[:5]}",
                     todo="Drop empty documents first, or check the tokenizer's stopword settings.")
        )
    index = pd.Index([labels[k] for k in groups], name=by)
    table = pd.DataFrame([[groups[k][t] for t in matchers] for k in groups], index=index, columns=list(matchers))
    if not counts:
        n = pd.Series([sizes[k] for k in groups], index=index, dtype=float)
        table = table.div(n, axis=0) * per
    table.columns.name = "theme"
    table.attrs["n_tokens"] = {labels[k]: sizes[k] for k in groups}
    table.attrs["themes"] = theme_set.name
    return table


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
