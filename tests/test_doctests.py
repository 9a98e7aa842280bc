"""The examples in the docstrings run and give what they show."""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil

import pytest

import consensus_nlp

def _has_examples(name: str) -> bool:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return False
    lines = open(spec.origin, encoding="utf-8").read().splitlines()
    return any(">>> " in line and "doctest: +SKIP" not in line for line in lines)


# modules whose docstrings hold examples (read as text, so collecting imports nothing heavy)
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(consensus_nlp.__path__, prefix="consensus_nlp.")
    if m.name not in ("consensus_nlp.cli",) and _has_examples(m.name)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, f"{name} holds runnable '>>> ' lines but doctest found no examples in it"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"
