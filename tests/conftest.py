"""Shared fixtures: where the read-only material in ../shared lives.

The repository is checked out next to a ``shared/`` folder (on developer
machines and in CI). ``CONSENSUS_NLP_SHARED`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CONSENSUS_NLP_SHARED", REPO.parent / "shared"))
PAGE = SHARED / "corpora" / "gansu-cppcc-2021" / "page.txt"
GOV_REPORTS = SHARED / "corpora" / "gov-work-reports-1954-2017"
GOV_PATTERN = r"(?P<year>\d{4})政府工作报告_(?P<speaker>[^_.]+)"


@pytest.fixture(scope="session")
def page_path() -> Path:
    if not PAGE.is_file():
        pytest.fail(f"the seed page is missing at {PAGE}; set CONSENSUS_NLP_SHARED")
    return PAGE


@pytest.fixture(scope="session")
def page_text(page_path: Path) -> str:
    return page_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def gov_reports_dir() -> Path:
    if not GOV_REPORTS.is_dir():
        pytest.fail(f"the government work reports are missing at {GOV_REPORTS}; set CONSENSUS_NLP_SHARED")
    return GOV_REPORTS


@pytest.fixture(scope="session")
def sims():
    """benchmarks/simulations.py as a module: the simulation study's data models and studies (fast profile in tests)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("simulations", REPO / "benchmarks" / "simulations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("simulations", module)
    spec.loader.exec_module(module)
    return module


def messy_text(extra: str = "", *, max_size: int = 60) -> st.SearchStrategy[str]:
    """Text mixing the genre's words with what breaks offsets: full-width forms, NFKC-changing
    characters (㈠ ﬁ ① ⼀), combining marks, ideographic and other spaces, and any other character."""
    alphabet = list("凝聚共识政协委员讲堂，。“”（）…—２０Ａｚ㈠ﬁ①⼀\u3000 \n\u0301¨ａ1a") + list(extra)
    return st.text(
        alphabet=st.one_of(st.sampled_from(alphabet), st.characters(blacklist_categories=("Cs",))),
        max_size=max_size,
    )


class SegmenterCalls:
    """Counts segmentations: every batch of documents a Segmenter cuts asks it for its engine."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from consensus_nlp.text.segmentation import Segmenter

        self.calls = 0
        engine = Segmenter._engine

        def counted(segmenter, *args, **kwargs):
            self.calls += 1
            return engine(segmenter, *args, **kwargs)

        monkeypatch.setattr(Segmenter, "_engine", counted)


@pytest.fixture
def segmenter_calls(monkeypatch: pytest.MonkeyPatch) -> SegmenterCalls:
    """How many times segmentation ran during the test (with threads or the sync scheduler, not in other processes)."""
    return SegmenterCalls(monkeypatch)
