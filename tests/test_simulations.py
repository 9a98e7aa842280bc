"""The simulation study with known truth, fast profile (benchmarks/simulations.py runs the full one).

Each check can fail: a few hundred simulated data sets per interval, bounds that allow
about three Monte Carlo standard errors around the target band [0.93, 0.97].
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("n_docs", [5, 25])
def test_emphasis_interval_covers_with_few_documents(sims, n_docs):
    row = sims.emphasis_coverage(n_docs, n_sets=200, seed=n_docs)
    assert 0.90 <= row["value"] <= 0.99  # full profile: docs/simulations.md
    if n_docs == 25:
        assert row["warned"] == 0.0


def test_strong_dispersion_interval_takes_its_df_from_the_documents_holding_the_hits(sims):
    # a theme in few documents (beta(0.4, 19.6)), 10 documents: t on n - 1 = 9 df covered 0.90-0.93
    row = sims.emphasis_coverage(10, n_sets=250, seed=36, concentration=20.0)
    assert 0.91 <= row["value"] <= 0.99


def test_groups_below_five_documents_warn_and_percentile_undercovers(sims):
    row = sims.emphasis_coverage(3, n_sets=60, seed=3)
    assert row["warned"] == 1.0
    assert sims.emphasis_coverage(3, n_sets=150, seed=3, method="percentile")["value"] < 0.85


def test_paragraph_units_are_resampled_by_parent_document(sims):
    clustered = sims.paragraph_coverage(10, n_sets=150, seed=1)["value"]
    independent = sims.paragraph_coverage(10, n_sets=150, seed=1, clustered=False)["value"]
    assert clustered >= 0.90 and independent <= 0.80


def test_compare_interval_and_compare_all_error_rates(sims):
    assert 0.90 <= sims.compare_coverage(5, n_sets=200, seed=2)["value"] <= 0.985  # HC3 errors: 0.97-0.98
    holm, bh, raw = sims.compare_all_null(4, 6, n_sets=80, seed=4, n_perm=200)
    assert holm["value"] <= 0.09 and bh["value"] <= 0.09  # 0.05 + ~1.6 MC s.e.
    assert holm["upper"] > holm["value"] and raw["per_test"] <= 0.09  # single permutation p-values hold their level
    assert raw["value"] >= 0.25  # without adjustment, 18 tests reject far too often


def test_regress_small_sample_correction_covers_where_statsmodels_does_not(sims):
    corrected = sims.regress_coverage(n_sets=120, seed=7, family="quasipoisson", n_parents=30)
    plain = sims.regress_coverage(n_sets=120, seed=7, family="quasipoisson", n_parents=30,
                                  small_sample="statsmodels")
    assert corrected["value"] >= 0.90  # full profile: 0.94-0.95 (CR3, Bell-McCaffrey df)
    assert corrected["value"] > plain["value"]  # the same data sets: CR3 intervals are wider
    assert corrected["mean_df"] < 29  # Bell-McCaffrey: fewer df than G - 1 when few clusters carry the slope
