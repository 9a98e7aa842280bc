"""Clustering of groups (organizations, speakers, years) by their emphasis profiles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InputTypeError, InvalidArgumentError, check_bool, check_choice, check_random_state, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["cluster", "ClusterResult", "CLUSTER_METHODS"]

CLUSTER_METHODS = ("ward", "average", "kmeans")


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

    check_choice("method", method, CLUSTER_METHODS, what="a clustering method")
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
    if not np.isfinite(data.to_numpy()).all() or (np.abs(data.to_numpy()) > 1e150).any():  # scipy: NaN/inf distances
        raise InvalidArgumentError(describe("profile", list(profile.columns), "holds NaN or infinite values",
                                            accepted="finite numbers", todo="Drop or fill the missing rates first."))
    random_state = check_random_state(random_state)
    if check_bool("standardize", standardize):
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
