"""Plots of emphasis profiles, topics, clusters and model selection.

Every function draws on ``ax`` (a new figure's Axes when ``None``) and returns
that one ``matplotlib.axes.Axes``; none calls ``plt.show()`` or changes
matplotlib's global rcParams. Chinese labels render with the CJK font found by
:mod:`consensus_nlp.fonts` (set on each text object), so no glyph is missing on
a fresh machine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, check_bool, check_choice, check_int, check_name, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes

    from ..models.cluster import ClusterResult
    from ..models.inference import GroupRates
    from ..models.topics import TopicModel

__all__ = ["emphasis_heatmap", "topic_terms", "dendrogram", "topic_shares", "select_k_curve", "rate_intervals",
           "topic_effect", "search_k_curve"]

log = logging.getLogger(__name__)


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        if not all(hasattr(ax, name) for name in ("imshow", "barh", "plot", "figure")):
            raise InputTypeError(describe("ax", ax, "is not a matplotlib Axes", accepted="an Axes or None (a new figure)"))
        return ax
    from matplotlib.figure import Figure

    # A Figure not managed by pyplot: nothing global is touched and nothing leaks.
    return Figure(figsize=figsize, layout="constrained").add_subplot()


def _cjk(ax: Axes) -> Axes:
    """Give every text of ``ax`` (and its legend) the CJK font, now and for ticks made later."""
    from .fonts import cjk_family, cjk_font

    font = cjk_font()
    try:  # ticks made at draw time get the family too (matplotlib >= 3.8)
        ax.tick_params(labelfontfamily=[cjk_family(), "DejaVu Sans"])
    except (TypeError, ValueError):  # pragma: no cover - older matplotlib: the labels set below still carry it
        log.debug("matplotlib without tick_params(labelfontfamily=)")
    titles = [getattr(ax, name, None) for name in ("title", "_left_title", "_right_title")]
    texts = [*(t for t in titles if t is not None), ax.xaxis.label, ax.yaxis.label, *ax.texts,
             *ax.get_xticklabels(which="both"), *ax.get_yticklabels(which="both")]
    legend = ax.get_legend()
    if legend is not None:
        texts += [*legend.get_texts(), legend.get_title()]
    for text in texts:
        size = text.get_fontsize()
        text.set_fontproperties(font)
        text.set_fontsize(size)
    return ax



def _groups_down(ax: Axes, groups: Sequence[Any], *, xlabel: str, by: str) -> None:
    """Groups as rows from top to bottom on the y axis (horizontal bars or points)."""
    import numpy as np

    ax.set_yticks(np.arange(len(groups)), [str(g) for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_ylabel(str(by))


def _legend_right(ax: Axes) -> Axes:
    """A legend outside the axes on the right, then the CJK font on every text."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _cjk(ax)

def _colors(n: int) -> list[Any]:
    """``n`` distinct colours: the default cycle up to 10, ``tab20`` up to 20, then repeating."""
    if n <= 10:
        return [f"C{i}" for i in range(n)]
    from matplotlib import colormaps

    cmap = colormaps["tab20"]
    return [cmap(i % 20) for i in range(n)]


def _check_model(model: Any) -> None:
    from ..models.topics import TopicModel

    if not isinstance(model, TopicModel):
        raise InputTypeError(describe("model", model, "is not a TopicModel", accepted="the result of cn.fit_topics"))


def _names(argument: str, values: Any) -> list[str]:
    """``topics=``/``themes=``: a list of names (a bare str or a non-iterable is refused)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InputTypeError(describe(argument, values, "is not a list of names", accepted="a list of str or None"))
    values = list(values)
    for v in values:
        check_name(argument, v)
    return values


def _is_time(values: Sequence[Any]) -> bool:
    def year_like(v: Any) -> bool:
        try:
            return 1000 <= int(str(v)) <= 2999
        except ValueError:
            return False

    return len(values) > 1 and all(year_like(v) for v in values)


def _theme_labels(theme_set: str | None) -> dict[str, str]:
    """Display labels of a bundled theme dictionary's themes (its YAML ``label``), or none."""
    if not theme_set:
        return {}
    from ..errors import ConsensusNLPError
    from ..models.dictionaries import load_themes

    try:
        themes = load_themes(theme_set)
    except ConsensusNLPError:  # a dictionary passed as a dict or path: its name does not load it again
        return {}
    return {name: themes.label(name) for name in themes.names}


def _with_gaps(x: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """``x`` and columns with a NaN row inserted where ``x`` jumps by more than 2.5 times its usual step.

    Lines are then not drawn across a gap in the covariate (no report between 1964 and 1975).
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    if len(x) < 3:
        return (x, *columns)
    steps = np.diff(x)
    gaps = np.flatnonzero(steps > 2.5 * np.median(steps))
    if not len(gaps):
        return (x, *columns)
    out = [np.insert(x, gaps + 1, (x[gaps] + x[gaps + 1]) / 2)]
    out += [np.insert(np.asarray(c, dtype=float), gaps + 1, np.nan) for c in columns]
    return tuple(out)


def _interval_label(table: pd.DataFrame, what: str) -> str:
    """``"rate per 1,000 tokens (95 % interval)"``: the unit and the interval level, from the table's attrs."""
    per, unit, level = table.attrs.get("per"), table.attrs.get("unit"), table.attrs.get("level")
    unit_text = f" per {per:,.0f} {unit}" if per and unit else ""
    level_text = f" ({level * 100:g} % interval)" if level else " (interval)"
    return f"{what}{unit_text}{level_text}"


def emphasis_heatmap(profile: GroupRates | pd.DataFrame, *, ax: Axes | None = None, annotate: bool = True,
                     cmap: str = "YlOrRd", fmt: str = "{:.1f}") -> Axes:
    """Heatmap of a group x theme table (e.g. :func:`consensus_nlp.emphasis`).

    Args:
        profile: an :class:`~consensus_nlp.models.emphasis.Emphasis` (its rates are drawn)
            or a DataFrame, groups as rows, themes as columns.
        ax: Axes to draw on; a new figure when ``None``.
        annotate: write each value in its cell.
        cmap: matplotlib colormap name.
        fmt: format of the annotations.

    Returns:
        The Axes.
    """
    import numpy as np
    import pandas as pd

    labels = _theme_labels(getattr(profile, "theme_set", None))
    if hasattr(profile, "rates") and hasattr(profile, "per"):
        profile = profile.rates
    if not isinstance(profile, pd.DataFrame) or profile.empty:
        raise InputTypeError(
            describe("profile", profile, "is not a non-empty DataFrame", accepted="group x theme DataFrame")
        )
    try:
        values = profile.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InputTypeError(describe("profile", profile, "holds values that are not numbers",
                                      accepted="group x theme DataFrame of rates")) from None
    import matplotlib

    check_choice("cmap", cmap, list(matplotlib.colormaps), what="a matplotlib colormap")
    check_bool("annotate", annotate)
    try:
        fmt.format(0.5)
    except (AttributeError, TypeError, ValueError, KeyError, IndexError):
        raise InvalidArgumentError(describe("fmt", fmt, "is not a format for one number", accepted="e.g. '{:.1f}'")) from None
    ax = _axes(ax, (1.2 + 0.9 * values.shape[1], 1.2 + 0.5 * values.shape[0]))
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(np.arange(values.shape[1]), [labels.get(c, str(c)) for c in profile.columns], rotation=45, ha="right")
    ax.set_yticks(np.arange(values.shape[0]), [str(i) for i in profile.index])
    if annotate:
        threshold = np.nanmin(values) + 0.6 * (np.nanmax(values) - np.nanmin(values))
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if v > threshold else "black")
    colorbar = ax.figure.colorbar(image, ax=ax, shrink=0.8)
    per, unit = profile.attrs.get("per"), profile.attrs.get("unit", "tokens")
    colorbar.set_label(f"per {per:,.0f} {unit}" if per else "")
    if profile.index.name:
        ax.set_ylabel(str(profile.index.name))
    return _cjk(ax)


def topic_terms(model: TopicModel, *, n: int = 10, topics: Sequence[str] | None = None, ax: Axes | None = None,
                ranking: str = "prob") -> Axes:
    """Horizontal bars of each topic's top terms, topics stacked top to bottom in one Axes.

    Args:
        model: a fitted :class:`~consensus_nlp.topics.TopicModel`.
        n: terms per topic.
        ranking: ``"prob"`` (bars are word probabilities), ``"frex"`` or ``"lift"`` (bars are
            the ranking's scores), as in :meth:`TopicModel.top_terms`.
        topics: names of the topics to show (default: all, in model order).
        ax: Axes to draw on; a new figure when ``None``.

    Returns:
        The Axes (one Axes for all topics; each topic is a block of bars labelled with its name).
    """
    _check_model(model)
    check_int("n", n, minimum=1, maximum=100, todo="A bar chart of more than 100 terms per topic cannot be read.")
    table = model.top_terms(n, ranking=ranking)
    names = list(model.names) if topics is None else _names("topics", topics)
    unknown = [t for t in names if t not in model.names]
    if unknown:
        raise InvalidArgumentError(describe("topics", unknown, "are not topics of this model", accepted=list(model.names)))
    ax = _axes(ax, (6.0, 0.6 + 0.22 * (n + 1) * len(names)))
    colors = _colors(len(names))
    ticks, labels, y = [], [], 0.0
    for i, name in enumerate(names):
        rows = table[table["topic"] == name]
        positions = [y - r for r in range(len(rows))]
        ax.barh(positions, rows["weight"].to_numpy(), color=colors[i], height=0.8)
        ticks += positions
        labels += rows["term"].tolist()
        ax.text(1.01, y - (len(rows) - 1) / 2, name, transform=ax.get_yaxis_transform(), va="center", ha="left",
                fontsize=9, color=colors[i])
        y -= len(rows) + 1
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.set_xlabel("word probability in topic" if ranking == "prob" else f"{ranking} score")
    ax.set_ylim(y + 0.5, 0.8)
    return _cjk(ax)


def dendrogram(result: ClusterResult, *, ax: Axes | None = None) -> Axes:
    """Dendrogram of a hierarchical :func:`consensus_nlp.cluster` result, leaves coloured by cluster.

    Raises:
        InvalidArgumentError: the result comes from k-means (no tree).
    """
    from scipy.cluster.hierarchy import dendrogram as scipy_dendrogram

    if getattr(result, "linkage", None) is None:
        raise InvalidArgumentError(describe("result", getattr(result, "method", result), "has no tree to draw",
                                            accepted="a cluster result of method 'ward' or 'average'"))
    ax = _axes(ax, (6.0, 1.0 + 0.35 * len(result.labels)))
    heights = sorted(result.linkage[:, 2])
    k = result.k
    threshold = (heights[-k] + heights[-k + 1]) / 2 if 1 < k < len(heights) + 1 and len(heights) >= k else 0
    scipy_dendrogram(result.linkage, labels=[str(i) for i in result.labels.index], orientation="right", ax=ax,
                     color_threshold=threshold if k > 1 else 0, above_threshold_color="grey")
    ax.set_xlabel(f"{result.method} linkage distance")
    return _cjk(ax)


def topic_shares(model: TopicModel, *, by: str, topics: Sequence[str] | None = None, ax: Axes | None = None,
                 weight_by_length: bool = False) -> Axes:
    """Mean topic shares per group: stacked areas over time when ``by`` is year-like, else stacked bars.

    A field counts as year-like when every value reads as an integer between 1000 and 2999
    (``year``, ``decade``); groups are then sorted by that number.

    Args:
        model: a fitted :class:`~consensus_nlp.topics.TopicModel`.
        by: metadata field (see :meth:`TopicModel.by`).
        topics: the topics to show (default all); shares are not re-normalised.
        ax: Axes to draw on; a new figure when ``None``.
        weight_by_length: passed to :meth:`TopicModel.by`.

    Returns:
        The Axes.
    """
    import numpy as np

    _check_model(model)
    table = model.by(by, weight_by_length=weight_by_length)
    if topics is not None:
        topics = _names("topics", topics)
        unknown = [t for t in topics if t not in table.columns]
        if unknown:
            raise InvalidArgumentError(describe("topics", unknown, "are not topics of this model", accepted=list(table.columns)))
        table = table[topics]
    groups = list(table.index)
    colors = _colors(table.shape[1])
    ax = _axes(ax, (8.0, 4.5))
    if _is_time(groups):
        order = np.argsort([int(str(g)) for g in groups], kind="stable")
        x = [int(str(groups[i])) for i in order]
        ax.stackplot(x, table.to_numpy()[order].T, labels=list(table.columns), colors=colors, alpha=0.85)
        ax.set_xlabel(str(by))
        ax.set_xlim(min(x), max(x))
        ax.set_ylabel("mean topic share")
    else:
        left = np.zeros(len(groups))
        for j, name in enumerate(table.columns):
            ax.barh(np.arange(len(groups)), table[name].to_numpy(), left=left, label=str(name), color=colors[j])
            left += table[name].to_numpy()
        _groups_down(ax, groups, xlabel="mean topic share", by=by)
    return _legend_right(ax)


def select_k_curve(table: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Coherence (left axis) and perplexity (right axis, when present) against k, from :func:`consensus_nlp.select_k`.

    Returns:
        The Axes of the coherence curve (the perplexity curve is on its twin).
    """
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or not {"k", "coherence"} <= set(table.columns):
        raise InputTypeError(describe("table", table, "is not a select_k table", accepted="DataFrame with k, coherence"))
    ax = _axes(ax, (6.0, 3.5))
    ax.plot(table["k"], table["coherence"], marker="o", color="C0", label="coherence")
    ax.set_xlabel("k (number of topics)")
    ax.set_ylabel(f"coherence ({table.attrs.get('measure', 'c_npmi')})", color="C0")
    ax.set_xticks(list(table["k"]))
    if "perplexity" in table and table["perplexity"].notna().any():
        twin = ax.twinx()
        twin.plot(table["k"], table["perplexity"], marker="s", linestyle="--", color="C1")
        twin.set_ylabel("perplexity", color="C1")
        _cjk(twin)
    return _cjk(ax)


def search_k_curve(table: pd.DataFrame) -> Axes:
    """stm's searchK figure from :func:`consensus_nlp.search_k`: held-out likelihood, coherence, exclusivity by k.

    Three panels side by side (held-out log-likelihood per token with +/- one standard
    error across seeds, semantic coherence, exclusivity), the k picked by the
    one-standard-error rule marked on each. Returns the held-out panel's Axes (the figure
    holds the others).
    """
    import pandas as pd
    from matplotlib.figure import Figure

    needed = {"k", "heldout", "heldout_se", "exclusivity", "coherence"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns) or table.empty:
        raise InputTypeError(describe("table", table, "is not a search_k table",
                                      accepted="DataFrame with k, heldout, heldout_se, exclusivity, coherence"))
    figure = Figure(figsize=(11.0, 3.4), layout="constrained")
    axes = figure.subplots(1, 3)
    panels = (("heldout", "held-out log-likelihood per token"), ("coherence", "semantic coherence (Mimno)"),
              ("exclusivity", "exclusivity"))
    best = table.attrs.get("best_k")
    for ax, (column, label) in zip(axes, panels):
        yerr = table["heldout_se"] if column == "heldout" else None
        ax.errorbar(table["k"], table[column], yerr=yerr, marker="o", markersize=4, capsize=2, color="C0")
        if best is not None:
            ax.axvline(best, color="0.6", linestyle=":", linewidth=1)
        ax.set_xlabel("k (number of topics)")
        ax.set_ylabel(label)
        ax.set_xticks(list(table["k"]))
        _cjk(ax)
    axes[0].set_title(f"bars: +/- 1 s.e. over {int(table['n_seeds'].max())} seeds" if "n_seeds" in table else "",
                      fontsize=8)
    return axes[0]


def rate_intervals(table: pd.DataFrame, *, themes: Sequence[str] | None = None, ax: Axes | None = None,
                   value: str = "rate", proportion: bool = False) -> Axes:
    """Rates with their intervals, from :meth:`Emphasis.interval <consensus_nlp.models.inference.GroupRates.interval>`.

    Over time (the group field year-like, as in :func:`topic_shares`): one line per theme
    with its interval as a band, broken where the years jump (no line across 1964-1975).
    Otherwise: one row per group, a point and a horizontal error bar per theme. Axis
    labels give the unit and the interval level (the table's ``attrs``); themes of a
    bundled dictionary are shown by their labels.

    Args:
        table: DataFrame with a group column (first), the category column (second: ``theme``,
            ``kind``), ``rate``, ``low``, ``high``.
        themes: the themes to draw (default all, in table order).
        ax: Axes to draw on; a new figure when ``None``.
        value: what the numbers are, for the axis label (``"rate"``).
        proportion: the numbers are proportions: drawn within [0, 1].

    Returns:
        The Axes.
    """
    import numpy as np
    import pandas as pd

    needed = {"rate", "low", "high"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns) or table.empty or table.shape[1] < 5:
        raise InputTypeError(describe("table", table, "is not an interval table",
                                      accepted="Emphasis.interval(): group, theme, rate, low, high"))
    by, kind = table.columns[0], table.columns[1]
    present = list(dict.fromkeys(table[kind]))
    names = present if themes is None else _names("themes", themes)
    unknown = [t for t in names if t not in present]
    if unknown:
        raise InvalidArgumentError(describe("themes", unknown, "are not in the table", accepted=present))
    groups = list(dict.fromkeys(table[by]))
    colors = _colors(len(names))
    labels = _theme_labels(table.attrs.get("theme_set"))
    label = _interval_label(table, value)
    if check_bool("proportion", proportion):
        table = table.assign(low=table["low"].clip(0, 1), high=table["high"].clip(0, 1))
    if _is_time(groups) or table.attrs.get("kind") == "continuous":
        ax = _axes(ax, (8.0, 4.5))
        for color, name in zip(colors, names):
            rows = table[table[kind] == name].assign(_x=lambda d: d[by].map(lambda v: float(str(v)))).sort_values("_x")
            x, rate, low, high = _with_gaps(rows["_x"].to_numpy(), rows["rate"], rows["low"], rows["high"])
            ax.plot(x, rate, marker="o", markersize=3, color=color, label=labels.get(name, str(name)))
            ax.fill_between(x, low, high, color=color, alpha=0.2, linewidth=0)
        ax.set_xlabel(str(by))
        ax.set_ylabel(label)
        if proportion:
            ax.set_ylim(0, min(1.0, max(0.05, float(np.nanmax(table["high"])) * 1.05)))
    else:
        ax = _axes(ax, (8.0, 1.0 + 0.4 * len(groups) * max(1, len(names)) ** 0.5))
        step = 0.8 / max(1, len(names))
        for j, (color, name) in enumerate(zip(colors, names)):
            rows = table[table[kind] == name].set_index(by).reindex(groups)
            y = np.arange(len(groups)) + (j - (len(names) - 1) / 2) * step
            rate = rows["rate"].to_numpy(dtype=float)
            err = np.vstack([rate - rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float) - rate])
            ax.errorbar(rate, y, xerr=np.nan_to_num(err), fmt="o", markersize=4, color=color,
                        label=labels.get(name, str(name)), capsize=2)
        _groups_down(ax, groups, xlabel=label, by=by)
        if proportion:
            ax.set_xlim(0, min(1.0, max(0.05, float(np.nanmax(table["high"])) * 1.05)))
    return _legend_right(ax)


def topic_effect(table: pd.DataFrame, *, topics: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """Expected topic proportions by a covariate, from :meth:`TopicModel.effect <consensus_nlp.TopicModel.effect>`.

    A continuous covariate (or years) gives one line per topic with its interval as a band,
    the covariate on the x axis and the proportion on the y axis, broken across gaps; a
    categorical one gives one row per value with the proportion on the x axis. A
    ``method="difference"`` table is drawn as differences (not clipped). Proportions are
    drawn within [0, 1]; the label gives the interval level.

    Returns:
        The Axes.
    """
    import pandas as pd

    needed = {"topic", "value", "estimate", "low", "high"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns) or table.empty:
        raise InputTypeError(describe("table", table, "is not an effect table",
                                      accepted="TopicModel.effect(): topic, value, estimate, low, high"))
    difference = table.attrs.get("method") == "difference"
    topics = None if topics is None else _names("topics", topics)  # named as topics in a message
    renamed = table.rename(columns={"topic": "theme", "estimate": "rate", "value": table.attrs.get("covariate", "value")})
    renamed = renamed[[renamed.columns[1], "theme", "rate", "low", "high"]]
    renamed.attrs.update(level=table.attrs.get("level"), kind=table.attrs.get("kind"))
    what = "difference in expected topic proportion" if difference else "expected topic proportion"
    return rate_intervals(renamed, themes=topics, ax=ax, value=what, proportion=not difference)
