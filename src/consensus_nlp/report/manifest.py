"""What a run records in ``manifest.json``: versions, hashes of every resource, parameters, timings.

The outputs' hashes (``outputs``) and ``generator`` are added by
:class:`~consensus_nlp.report.outputs.OutputFolder` when the manifest is written.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import registry
from ..registry import sha256_file
from ..version import __version__

__all__ = ["resource_hashes", "dependency_versions", "user_resources", "build_manifest", "plain"]

DEPENDENCIES = (
    "jieba", "rjieba", "numpy", "scipy", "pandas", "scikit-learn", "gensim", "tomotopy", "spacy", "matplotlib", "mplfonts",
)


def resource_hashes() -> dict[str, str]:
    """``{file: sha256}`` of every file the registries declare (lexicons, stopwords, themes, detectors' data,
    the page reader's data, engines registered with files), other packages' entries included; the bundled
    corpora are left out (the input's own hash records the corpus read)."""
    return registry.resource_hashes(kinds=tuple(k for k in registry.KINDS if k != "corpora"))


def dependency_versions() -> dict[str, str | None]:
    """Installed version of each dependency that can change a number (``None`` when not installed)."""
    versions: dict[str, str | None] = {}
    for name in DEPENDENCIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def user_resources(themes: Any) -> dict[str, dict[str, str]]:
    """sha256 of each resource the user supplied as a file (today: the theme file), by role."""
    resources = {}
    if isinstance(themes, (str, os.PathLike)) and Path(themes).is_file():
        resources["themes"] = {"path": os.fspath(themes), "sha256": sha256_file(themes)}
    return resources


def plain(value: Any) -> Any:
    """Read-only mappings and tuples as dicts and lists, for JSON."""
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def build_manifest(
    *,
    command: Sequence[str] | None,
    input_info: Mapping[str, Any],
    n_documents: int,
    parameters: Mapping[str, Any],
    random_state: int,
    tokens_params: Mapping[str, Any],
    coherence: float | None,
    themes: Any,
    warnings: Sequence[str],
    timings: Mapping[str, float],
    config: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest of one run, without its ``outputs`` (added when it is written).

    ``config`` is the run's :meth:`AnalysisConfig.record() <consensus_nlp.report.config.AnalysisConfig.record>`:
    the options as given (``parameters`` holds what they resolved to: the ``k`` chosen, the ``by`` field found).
    """
    return {
        "consensus_nlp": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "dependencies": dependency_versions(),
        "command": list(command) if command else None,
        "input": {**plain(dict(input_info)), "documents": n_documents},
        "config": plain(dict(config)) if config is not None else None,
        "parameters": plain(dict(parameters)),
        "random_state": random_state,
        "tokens": plain(dict(tokens_params)),
        "topic_model": {"coherence_c_npmi": coherence},
        "resources": resource_hashes(),
        "user_resources": user_resources(themes),
        "warnings": list(warnings),
        "timings": {k: round(v, 3) for k, v in timings.items()},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
