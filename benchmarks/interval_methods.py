"""The selection runs behind the emphasis interval: five candidate 95 % intervals for a group's rate.

Run from the repository root (a few minutes):

    nice -n 10 python benchmarks/interval_methods.py

Documents of ~350 tokens whose own rate is beta around 2 % (concentration 100:
moderate, 20: strong, 5: extreme over-dispersion); one group of 3, 5, 10, 25 or 50
documents; 1,000 data sets per cell (seed 1) for the t-type intervals, 500 (seed 0)
with the bootstraps (999 resamples). Prints the coverage of each interval:

* ``t``: rate ± t_{n-1} se, se the linearized (CR1-type) sandwich of the ratio estimator;
* ``logt``: the same on the log scale; ``logt_hc2``/``logt_hc3``: with HC2/HC3 leverage corrections;
* ``jacklog``: leave-one-document-out jackknife on the log scale, t_{n-1};
* ``perc``: percentile bootstrap of documents; ``stud``/``studlog``: studentized bootstrap (rate, log rate).

``logt_hc3`` is what ``GroupRates.interval(method="log-t")`` computes.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def documents(rng, n, concentration, rate=0.02):
    lengths = rng.negative_binomial(5, 5 / (5 + 300), n) + 50
    p = rng.beta(rate * concentration, (1 - rate) * concentration, n)
    return rng.binomial(lengths, p), lengths


def t_type(y, x):
    n = len(y)
    r = y.sum() / x.sum()
    e = y - r * x
    t = stats.t.ppf(0.975, n - 1)
    h = x / x.sum()
    se = np.sqrt(n / (n - 1) * (e ** 2).sum()) / x.sum()
    se2 = np.sqrt((e ** 2 / (1 - h)).sum()) / x.sum()
    se3 = np.sqrt(((e / (1 - h)) ** 2).sum()) / x.sum()
    out = {"t": (r - t * se, r + t * se)}
    for name, s in (("logt", se), ("logt_hc2", se2), ("logt_hc3", se3)):
        out[name] = (r * np.exp(-t * s / r), r * np.exp(t * s / r)) if r > 0 else (0.0, np.inf)
    rj = (y.sum() - y) / (x.sum() - x)
    if r > 0 and np.all(rj > 0):
        lj = np.log(rj)
        sj = np.sqrt((n - 1) / n * ((lj - lj.mean()) ** 2).sum())
        out["jacklog"] = (r * np.exp(-t * sj), r * np.exp(t * sj))
    else:
        out["jacklog"] = (0.0, np.inf) if r == 0 else (np.nan, np.nan)
    return out


def bootstraps(y, x, rng, resamples=999):
    n = len(y)
    r = y.sum() / x.sum()
    se = np.sqrt(n / (n - 1) * ((y - r * x) ** 2).sum()) / x.sum()
    draws = rng.integers(0, n, (resamples, n))
    yb, xb = y[draws], x[draws]
    rb = yb.sum(1) / xb.sum(1)
    seb = np.sqrt(n / (n - 1) * ((yb - rb[:, None] * xb) ** 2).sum(1)) / xb.sum(1)
    out = {"perc": tuple(np.quantile(rb, [0.025, 0.975]))}
    with np.errstate(all="ignore"):
        tb = (rb - r) / seb
        tl = (np.log(rb) - np.log(r)) / (seb / rb)
    tb, tl = tb[np.isfinite(tb)], tl[np.isfinite(tl)]
    out["stud"] = (r - np.quantile(tb, 0.975) * se, r - np.quantile(tb, 0.025) * se) if len(tb) > 10 and se > 0 \
        else (np.nan, np.nan)
    out["studlog"] = (r * np.exp(-np.quantile(tl, 0.975) * se / r), r * np.exp(-np.quantile(tl, 0.025) * se / r)) \
        if r > 0 and len(tl) > 10 else (0.0, np.inf)
    return out


def main() -> None:
    for label, method, sets, seed in (("t-type", t_type, 1000, 1), ("bootstrap", bootstraps, 500, 0)):
        rng = np.random.default_rng(seed)
        for concentration in (100, 20, 5):
            for n in (3, 5, 10, 25, 50):
                covered: dict[str, int] = {}
                for _ in range(sets):
                    y, x = documents(rng, n, concentration)
                    result = method(y, x) if method is t_type else method(y, x, rng)
                    for name, (low, high) in result.items():
                        covered[name] = covered.get(name, 0) + int(low <= 0.02 <= high)
                print(label, concentration, n, {k: round(v / sets, 3) for k, v in covered.items()}, flush=True)


if __name__ == "__main__":
    main()
