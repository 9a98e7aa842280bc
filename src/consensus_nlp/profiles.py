"""Theme dictionaries, emphasis profiles per group, and clustering of groups.

A theme dictionary maps theme names to entries that match tokens (exact words,
globs such as ``文化*``, regular expressions such as ``re:^提案``, and runs of
several tokens such as ``有事 好 商量``). :func:`emphasis` counts, per group of
documents (an organization, a speaker, a year), how many tokens fall into each
theme per 1,000 tokens. :func:`cluster` groups those profiles.

The bundled dictionary ``"cppcc"`` lives in ``lexicons/themes/cppcc.yaml`` with a
rationale and sources per theme (see ``docs/emphasis.md``).
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import EmptyInputError, InputTypeError, InvalidArgumentError, UnknownNameError, describe
from .features import _hashable
from .tokens import Tokens

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["Themes", "load_themes", "list_themes", "emphasis", "theme_hits", "cluster", "ClusterResult"]

log = logging.getLogger(__name__)

_THEME_DIR = Path(__file__).parent / "lexicons" / "themes"
CLUSTER_METHODS = ("ward", "average", "kmeans")


def list_themes() -> list[str]:
    """Names of the bundled theme dictionaries."""
    return sorted(p.stem for p in _THEME_DIR.glob("*.yaml"))


def _compile(entry: str, *, theme: str) -> Callable[[str], bool]:
    if entry.startswith("re:"):
        try:
            pattern = re.compile(entry[3:])
        except re.error as exc:
            raise InvalidArgumentError(
                describe(f"themes[{theme!r}]", entry, f"is not a valid regular expression ({exc})",
                         accepted="'re:' followed by a Python regular expression")
            ) from None
        return lambda token: pattern.search(token) is not None
    if any(ch in entry for ch in "*?["):
        pattern = re.compile(fnmatch.translate(entry))
        return lambda token: pattern.match(token) is not None
    return entry.__eq__


@dataclass(frozen=True)
class Themes:
    """A set of named themes, each a tuple of entries, with optional rationale and sources.

    Attributes:
        name: the dictionary's name (``"cppcc"``, a file stem, or ``"custom"``).
        entries: theme name -> entries, in file order.
        rationale: theme name -> why the theme and its entries (may be empty).
        sources: where the vocabulary comes from.
    """

    name: str
    entries: Mapping[str, tuple[str, ...]]
    rationale: Mapping[str, str]
    sources: Mapping[str, str]

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def matchers(self) -> dict[str, tuple[list[Callable[[str], bool]], list[list[Callable[[str], bool]]]]]:
        """Per theme, the single-token matchers and the multi-token sequences of matchers."""
        out = {}
        for theme, entries in self.entries.items():
            singles, runs = [], []
            for entry in entries:
                parts = entry.split()
                if len(parts) > 1:
                    runs.append([_compile(p, theme=theme) for p in parts])
                else:
                    singles.append(_compile(entry.strip(), theme=theme))
            runs.sort(key=len, reverse=True)
            out[theme] = (singles, runs)
        return out

    def count(self, words: Sequence[str]) -> dict[str, int]:
        """Hits per theme in one token sequence (see :func:`emphasis` for the rule)."""
        result = {}
        for theme, (singles, runs) in self.matchers().items():
            result[theme] = _count_theme(words, singles, runs)
        return result


def _theme_spans(words: Sequence[str], singles: list, runs: list,
                 cache: dict[str, tuple[bool, list]] | None = None) -> list[tuple[int, int]]:
    """``[first, last)`` token positions of each hit of one theme (the rule of :func:`emphasis`).

    ``cache`` maps a word to (does a single entry match it, the runs that start with it); pass
    the same dict for every document of a theme so that each distinct word is matched once.
    """
    cache = {} if cache is None else cache
    spans, i, n = [], 0, len(words)
    while i < n:
        word = words[i]
        known = cache.get(word)
        if known is None:
            known = cache[word] = (any(m(word) for m in singles), [r for r in runs if r[0](word)])
        single, starting = known
        for run in starting:  # longest first
            if i + len(run) <= n and all(run[j](words[i + j]) for j in range(1, len(run))):
                spans.append((i, i + len(run)))
                i += len(run)
                break
        else:
            if single:
                spans.append((i, i + 1))
            i += 1
    return spans


def _count_theme(words: Sequence[str], singles: list, runs: list, cache: dict | None = None) -> int:
    return len(_theme_spans(words, singles, runs, cache))


def _from_mapping(data: Mapping[str, Any], *, name: str) -> Themes:
    themes = data.get("themes", data) if isinstance(data.get("themes"), Mapping) else data
    entries, rationale = {}, {}
    for theme, spec in themes.items():
        if isinstance(spec, Mapping):
            values, why = spec.get("entries"), str(spec.get("rationale", ""))
        else:
            values, why = spec, ""
        if isinstance(values, str) or not isinstance(values, Sequence) or not values:
            raise InvalidArgumentError(
                describe(f"themes[{theme!r}]", values, "is not a non-empty list of entries",
                         accepted="a list of str such as ['文化*', 're:^提案', '有事 好 商量']")
            )
        entries[str(theme)] = tuple(str(v) for v in values)
        rationale[str(theme)] = why
    if not entries:
        raise EmptyInputError(describe("themes", name, "holds no themes", accepted="a mapping theme -> list of entries"))
    sources = data.get("sources", {}) if isinstance(data.get("themes"), Mapping) else {}
    result = Themes(str(data.get("name", name)) if "themes" in data else name, entries, rationale,
                    dict(sources) if isinstance(sources, Mapping) else {"sources": str(sources)})
    result.matchers()  # validate patterns now
    return result


def load_themes(themes: str | os.PathLike[str] | Mapping[str, Any] | Themes = "cppcc") -> Themes:
    """Load a theme dictionary by name, from a YAML/TOML file, or from a dict.

    A dict (or file) either maps theme names to lists of entries, or has a ``themes`` key
    whose values are ``{"entries": [...], "rationale": "..."}`` (the bundled format, with
    optional ``name`` and ``sources``).

    Args:
        themes: a bundled name (see :func:`list_themes`), a path to a ``.yaml``/``.yml``/``.toml``
            file, a mapping, or a :class:`Themes` (returned as is).

    Returns:
        :class:`Themes`.

    Raises:
        UnknownNameError: the name is neither bundled nor an existing file.
        InvalidArgumentError: a theme has no entries or a bad ``re:`` pattern.
    """
    if isinstance(themes, Themes):
        return themes
    if isinstance(themes, Mapping):
        return _from_mapping(themes, name="custom")
    if not isinstance(themes, (str, os.PathLike)):
        raise InputTypeError(describe("themes", themes, "is not a theme dictionary",
                                      accepted="a bundled name, a path to a YAML/TOML file, or a dict"))
    path = Path(themes)
    if isinstance(themes, str) and themes in list_themes():
        path = _THEME_DIR / f"{themes}.yaml"
    elif not path.is_file():
        raise UnknownNameError(describe("themes", str(themes), "is not a bundled theme set or an existing file",
                                        accepted=list_themes(), todo="Pass a bundled name, a .yaml/.toml path or a dict."))
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".toml":
        try:
            import tomllib
        except ModuleNotFoundError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        data = tomllib.loads(text)
    else:
        import yaml

        data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise InvalidArgumentError(describe("themes", str(path), "does not hold a mapping", accepted="theme -> entries"))
    return _from_mapping(data, name=path.stem)


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
        key = _hashable(value)
        labels.setdefault(key, value)
        row = groups.setdefault(key, dict.fromkeys(matchers, 0))
        sizes[key] = sizes.get(key, 0) + len(words)
        for theme, (singles, runs) in matchers.items():
            row[theme] += _count_theme(words, singles, runs, caches[theme])
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
            for first, last in _theme_spans(words, singles, runs, caches[theme]):
                rows.append((doc_id, theme, " ".join(words[first:last]), toks[first].start, toks[last - 1].end))
    return pd.DataFrame(rows, columns=["doc_id", "theme", "tokens", "start", "end"])


@dataclass(frozen=True)
class ClusterResult:
    """Clusters of the groups of a profile.

    Attributes:
        labels: cluster number (1..k) per group, a ``pd.Series`` indexed like the profile.
            Clusters are numbered in the order they appear in ``order``.
        linkage: the scipy linkage matrix (``None`` for k-means).
        order: the groups in dendrogram leaf order (k-means: by cluster, then profile order).
        k: the number of clusters.
        method: ``"ward"``, ``"average"`` or ``"kmeans"``.
        silhouette: the silhouette score of ``labels`` (``None`` when k < 2 or k = n).
        data: the matrix that was clustered (standardized when asked), as a DataFrame.
    """

    labels: pd.Series
    linkage: np.ndarray | None
    order: list[Any]
    k: int
    method: str
    silhouette: float | None
    data: pd.DataFrame


def cluster(
    profile: pd.DataFrame,
    *,
    method: str = "ward",
    k: int | None = None,
    standardize: bool = True,
    random_state: int = 0,
) -> ClusterResult:
    """Cluster the rows (groups) of a profile such as an :func:`emphasis` table.

    Each column is z-scored first when ``standardize`` (so themes with high base rates do
    not dominate; constant columns are dropped). Hierarchical methods use scipy's
    ``linkage`` on Euclidean distances and cut the tree into ``k`` clusters; ``"kmeans"``
    uses scikit-learn's KMeans (``n_init=10``, ``random_state``). With ``k=None`` the
    number of clusters is the k in 2..n-1 with the highest silhouette score (the smaller
    k on ties); with fewer than 3 groups every group gets cluster 1.

    Args:
        profile: DataFrame, one row per group, numeric columns.
        method: ``"ward"`` (default), ``"average"`` or ``"kmeans"``.
        k: number of clusters, or ``None`` to choose by silhouette.
        standardize: z-score the columns first (default True).
        random_state: seed for k-means.

    Returns:
        :class:`ClusterResult`.

    Raises:
        UnknownNameError: unknown method.
        InvalidArgumentError: fewer than 2 rows, non-numeric values, or k out of 1..n.
    """
    import numpy as np
    import pandas as pd
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
    from sklearn.metrics import silhouette_score

    if method not in CLUSTER_METHODS:
        raise UnknownNameError(describe("method", method, "is not a clustering method", accepted=CLUSTER_METHODS))
    if not isinstance(profile, pd.DataFrame):
        raise InputTypeError(describe("profile", profile, "is not a DataFrame", accepted="group x feature DataFrame"))
    n = len(profile)
    if n < 2:
        raise InvalidArgumentError(describe("profile", f"{n} rows", "has too few groups", accepted="at least 2 rows"))
    try:
        data = profile.astype(float)
    except (TypeError, ValueError):
        raise InvalidArgumentError(describe("profile", list(profile.columns), "has non-numeric columns",
                                            accepted="numeric columns only")) from None
    if standardize:
        std = data.std(axis=0, ddof=0)
        # columns that vary only by floating-point noise count as constant
        varying = std > 1e-9 * np.maximum(1.0, data.abs().max(axis=0))
        data = data.loc[:, varying]
        data = (data - data.mean(axis=0)) / std[varying]
    if data.shape[1] == 0:
        raise InvalidArgumentError(describe("profile", list(profile.columns), "has no varying column",
                                            todo="Clustering needs groups that differ."))
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= n):
        raise InvalidArgumentError(describe("k", k, "is not a number of clusters", accepted=f"None or an int in 1..{n}"))
    x = data.to_numpy()

    def labels_for(kk: int) -> np.ndarray:
        if method == "kmeans":
            from sklearn.cluster import KMeans

            return KMeans(n_clusters=kk, n_init=10, random_state=random_state).fit_predict(x)
        return fcluster(tree, t=kk, criterion="maxclust")

    tree = None if method == "kmeans" else linkage(x, method=method, metric="euclidean")
    if k is None:
        k, best = 1, -np.inf
        for kk in range(2, n):
            lab = labels_for(kk)
            if len(set(lab)) < 2:
                continue
            score = silhouette_score(x, lab)
            if score > best + 1e-12:
                k, best = kk, score
    raw = labels_for(k) if k > 1 else np.zeros(n, dtype=int)
    if tree is not None:
        order_pos = leaves_list(tree).tolist()
    else:
        order_pos = sorted(range(n), key=lambda i: (list(dict.fromkeys(raw)).index(raw[i]), i))
    renumber: dict[int, int] = {}
    for i in order_pos:
        renumber.setdefault(int(raw[i]), len(renumber) + 1)
    labels = pd.Series([renumber[int(r)] for r in raw], index=profile.index, name="cluster")
    silhouette = float(silhouette_score(x, labels)) if 1 < len(set(labels)) < n else None
    order = [profile.index[i] for i in order_pos]
    return ClusterResult(labels, tree, order, int(len(set(labels))), method, silhouette, data)
