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
    assert row["warned"] == 0.0


def test_groups_below_five_documents_warn_and_percentile_undercovers(sims):
    row = sims.emphasis_coverage(3, n_sets=60, seed=3)
    assert row["warned"] == 1.0
    assert sims.emphasis_coverage(3, n_sets=150, seed=3, method="percentile")["value"] < 0.85


def test_paragraph_units_are_resampled_by_parent_document(sims):
    clustered = sims.paragraph_coverage(10, n_sets=150, seed=1)["value"]
    independent = sims.paragraph_coverage(10, n_sets=150, seed=1, clustered=False)["value"]
    assert clustered >= 0.90 and independent <= 0.80


def test_compare_interval_and_compare_all_error_rates(sims):
    assert 0.90 <= sims.compare_coverage(10, n_sets=150, seed=2)["value"] <= 0.99
    holm, bh, raw = sims.compare_all_null(4, 6, n_sets=80, seed=4, n_perm=200)
    assert holm["value"] <= 0.09 and bh["value"] <= 0.09  # 0.05 + ~1.6 MC s.e.
    assert raw["value"] >= 0.25  # without adjustment, 18 tests reject far too often
