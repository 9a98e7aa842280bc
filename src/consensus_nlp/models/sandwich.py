"""Cluster-robust covariance with a small-sample correction for count GLMs: CR2 / CR3 and Bell-McCaffrey df.

statsmodels' cluster-robust errors (CR1: the sandwich times ``G/(G-1) (N-1)/(N-K)``,
Student's t on ``G - 1`` degrees of freedom) covered a slope 0.89-0.93 with 30 and 60
clusters in the simulations (docs/simulations.md): the sandwich is too small when
few clusters carry the covariate's leverage, and ``G - 1`` overstates how much the
clusters tell about it. :func:`cluster_covariance` corrects both:

* the residuals of cluster ``g`` are inflated by its leverage before the meat is
  summed, ``A_g r_g`` with ``A_g = (I - H_gg)^{-1/2}`` (CR2, Bell & McCaffrey 2002)
  or ``(I - H_gg)^{-1}`` (CR3, the cluster jackknife, times ``(G-1)/G``), ``H`` the
  hat matrix of the weighted (IRLS) design;
* a contrast's degrees of freedom are Satterthwaite's for the quadratic form the
  variance is under a working model of independent, equal-variance working
  residuals (Bell & McCaffrey 2002; Imbens & Kolesár 2016; Pustejovsky & Tipton
  2018), computed without the ``N x N`` hat matrix: with ``w_g = A_g X_g B c`` and
  ``u_g = X_g' w_g``, ``K'K = diag(w_g'w_g) - U' B U`` and
  ``df = tr(K'K)^2 / tr((K'K)^2)``.

Each ``A_g`` comes from the QR of the cluster's rows and an eigendecomposition of a
``p x p`` matrix, so a cluster of thousands of units costs ``O(n_g p^2)``.
The model is a GLM with log link: working weights ``W = mu / v`` and residuals
``(y - mu) / sqrt(v)`` for the variance function ``v`` (``mu`` for Poisson,
``mu (1 + alpha mu)`` for the negative binomial with its dispersion held at its
estimate).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["CORRECTIONS", "ClusterCovariance", "cluster_covariance"]

CORRECTIONS = ("cr3", "cr2")


class ClusterCovariance:
    """The corrected covariance of the coefficients and the degrees of freedom of any contrast.

    Attributes:
        cov: ``p x p`` covariance of the coefficients.
        kind: ``"cr2"`` or ``"cr3"``.
        n_clusters: the number of clusters.
    """

    def __init__(self, *, cov: np.ndarray, kind: str, bread: np.ndarray, parts: list[tuple[np.ndarray, np.ndarray]]
                 ) -> None:
        self.cov, self.kind, self.n_clusters = cov, kind, len(parts)
        self._bread, self._parts = bread, parts  # per cluster: S_g (A_g X_g = Q_g S_g) and R_g (X_g = Q_g R_g)

    def df(self, contrast: np.ndarray) -> float:
        """Bell-McCaffrey (Satterthwaite) degrees of freedom of ``contrast @ coefficients``."""
        import numpy as np

        a = self._bread @ np.asarray(contrast, dtype=float)
        m = [s @ a for s, _ in self._parts]
        u = np.column_stack([r.T @ mg for (_, r), mg in zip(self._parts, m)])  # p x G
        kk = np.diag([float(mg @ mg) for mg in m]) - u.T @ self._bread @ u
        trace, square = float(np.trace(kk)), float((kk * kk).sum())  # kk is symmetric: tr(KK^2) = sum of squares
        return trace ** 2 / square if square > 0 else float("nan")

    def coefficient_df(self) -> np.ndarray:
        """Degrees of freedom of each coefficient on its own."""
        import numpy as np

        p = self.cov.shape[0]
        return np.array([self.df(np.eye(p)[j]) for j in range(p)])


def cluster_covariance(X: np.ndarray, y: np.ndarray, mu: np.ndarray, variance: np.ndarray, groups: np.ndarray, *,
                       kind: str = "cr3") -> ClusterCovariance:
    """CR2 or CR3 covariance of a log-link GLM's coefficients over clusters ``groups`` (ints ``0..G-1``).

    Args:
        X: ``N x p`` design. y: responses. mu: fitted means. variance: the variance function at ``mu``.
        groups: each row's cluster. kind: ``"cr3"`` (default) or ``"cr2"``.
    """
    import numpy as np

    root_w = mu / np.sqrt(variance)  # sqrt(W) with W = mu^2 / v for the log link
    Xt = X * root_w[:, None]
    residual = (y - mu) / np.sqrt(variance)
    bread = np.linalg.pinv(Xt.T @ Xt)
    power = -0.5 if kind == "cr2" else -1.0
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    p = X.shape[1]
    meat = np.zeros((p, p))
    parts = []
    for rows in np.split(order, bounds):
        q, r = np.linalg.qr(Xt[rows])
        lam, vec = np.linalg.eigh(r @ bread @ r.T)  # eigenvalues of H_gg on the span of the cluster's rows
        rest = 1.0 - lam
        scale = np.where(rest > 1e-10, np.abs(rest) ** power, 0.0) - 1.0  # leverage 1: projected out
        s = r + vec @ (scale[:, None] * (vec.T @ r))  # A_g X_g = Q (I + V diag(scale) V') R
        score = s.T @ (q.T @ residual[rows])
        meat += np.outer(score, score)
        parts.append((s, r))
    cov = bread @ meat @ bread
    if kind == "cr3":
        cov *= (len(parts) - 1) / len(parts)
    return ClusterCovariance(cov=cov, kind=kind, bread=bread, parts=parts)
