"""The 0.1.0 implementation, taken from git, as a baseline that runs beside the current code.

:func:`import_baseline` extracts ``src/consensus_nlp`` of a commit (``git archive``) into a
temporary folder under the name ``consensus_nlp_baseline`` and imports one of its modules. Its
internal imports are relative, so it runs beside the installed ``consensus_nlp`` in the same
process and the two can be timed in interleaved rounds; language resources it looks up by
package name (the political lexicon, stopword lists) come from the current package, which has
them unchanged. Nothing is copied into the repository.
"""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
#: the commit that holds 0.1.0's code in the stage-package layout
BASELINE_COMMIT = "0feefd4"
NAME = "consensus_nlp_baseline"


def import_baseline(module: str, *, commit: str = BASELINE_COMMIT) -> ModuleType:
    """``consensus_nlp_baseline.<module>`` as it was at ``commit`` (e.g. ``"text.segmentation"``)."""
    if NAME not in sys.modules:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit, "src/consensus_nlp"],
                                 check=True, capture_output=True).stdout
        root = Path(tempfile.mkdtemp(prefix="cn-baseline-"))
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(root, filter="data")
        (root / "src" / "consensus_nlp").rename(root / NAME)
        sys.path.insert(0, str(root))
    return importlib.import_module(f"{NAME}.{module}")
