"""The whole analysis as one call (:func:`analyze`) and its self-contained HTML report."""

from .analysis import AnalysisResult, analyze

__all__ = ["AnalysisResult", "analyze"]
