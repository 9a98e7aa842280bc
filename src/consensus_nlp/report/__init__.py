"""The whole analysis as one call (:func:`analyze`), its stages (:mod:`.stages`), the report folder written
all-or-nothing (:mod:`.outputs`) and the self-contained HTML report."""

from .analysis import AnalysisResult, analyze
from .config import AnalysisConfig
from .outputs import OutputFolder, verify_outputs

__all__ = ["AnalysisConfig", "AnalysisResult", "analyze", "OutputFolder", "verify_outputs"]
