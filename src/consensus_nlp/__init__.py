"""consensus-nlp: Chinese political discourse as data.

The pipeline, one stage per module, each returning a new object that carries
the documents' metadata forward::

    import consensus_nlp as cn
    corpus = cn.load_corpus("gansu-cppcc-2021")      # Corpus (speeches + metadata)
    tokens = cn.tokenize(corpus)                     # Tokens (words + offsets)
    devices = cn.tag(corpus)                         # DataFrame of framing devices
    matrix = cn.dtm(tokens, min_docs=2)              # DTM
    model = cn.fit_topics(matrix, k=6, random_state=0)
    cn.emphasis(tokens, by="organization")           # group x theme

Importing this package is cheap: the heavy libraries (jieba, pandas,
scikit-learn, gensim, tomotopy, spaCy, matplotlib) are imported when first used.
Importing it changes nothing in other libraries (no global tokenizer, no
logging handlers beyond a ``NullHandler``). ``dir(consensus_nlp)`` lists the public
API (``__all__``) and nothing else.

Named resources (lexicons, stopword lists, theme dictionaries, corpora, topic
engines, device detectors) are registered in :mod:`consensus_nlp.registry`, which
other packages extend through entry points (``consensus_nlp.<kind>``).
"""

from __future__ import annotations

import importlib as _importlib
import logging as _logging
from typing import TYPE_CHECKING, Any

from . import errors
from .corpus import Corpus, DocVars, Document
from .errors import ConsensusNLPError

from .version import __version__

_logging.getLogger(__name__).addHandler(_logging.NullHandler())

# public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "read_text": "io.encoding",
    "read_page": "io.page.reader",
    "parse_page": "io.page.reader",
    "read_pdf": "io.page.pdf",
    "explain_page": "io.page.explain",
    "PageRules": "io.page.rules",
    "load_corpus": "io.datasets",
    "list_corpora": "io.datasets",
    "normalize": "text.normalization",
    "NormalizedText": "text.normalization",
    "list_lexicons": "text.segmentation",
    "Segmenter": "text.segmentation",
    "tokenize": "text.segmentation",
    "Token": "text.tokens",
    "Tokens": "text.tokens",
    "load_stopwords": "text.stopwords",
    "list_stopwords": "text.stopwords",
    "outline": "devices",
    "tag": "devices",
    "tag_text": "devices",
    "list_detectors": "devices.tagger",
    "formulation_spread": "devices",
    "OutlineItem": "devices",
    "Device": "devices",
    "units": "unitize",
    "dtm": "models.dtm",
    "DTM": "models.dtm",
    "fcm": "models.fcm",
    "FCM": "models.fcm",
    "keyness": "models.keyness",
    "load_themes": "models.dictionaries",
    "list_themes": "models.dictionaries",
    "emphasis": "models.emphasis",
    "Emphasis": "models.emphasis",
    "theme_hits": "models.emphasis",
    "validation_sample": "models.emphasis",
    "GroupRates": "models.inference",
    "agreement": "models.validation",
    "regress": "models.regress",
    "search_k": "models.searchk",
    "Regression": "models.regress",
    "precision": "models.validation",
    "corrected_rates": "models.validation",
    "trends": "models.trends",
    "device_rates": "models.trends",
    "first_appearances": "models.trends",
    "cluster": "models.cluster",
    "fit_topics": "models.topics",
    "list_engines": "models.engines",
    "select_k": "models.topics",
    "TopicModel": "models.topics",
    "analyze": "report",
    "LazyCorpus": "integrations.dask",
    "LazyTokens": "integrations.dask",
    "compute": "integrations.dask",
    "read_tokens": "text.token_store",
    "TokenStore": "text.token_store",
    "run": "pipeline",
    "Stage": "pipeline",
}
# public submodules reachable as attributes: cn.plot.emphasis_heatmap(...)
_SUBMODULES: dict[str, str] = {"plot": "viz.plot", "fonts": "viz.fonts", "registry": "registry"}

__all__ = ["Corpus", "DocVars", "Document", "ConsensusNLPError", "errors", "__version__", *_LAZY, *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = _importlib.import_module(f".{_SUBMODULES[name]}", __name__)
        globals()[name] = module
        return module
    if name in _LAZY:
        module = _importlib.import_module(f".{_LAZY[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'consensus_nlp' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API only (not the helpers this module imports, nor the subpackages loaded so far)."""
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from . import registry
    from .devices import Device, OutlineItem, formulation_spread, outline, tag, tag_text
    from .devices.tagger import list_detectors
    from .integrations.dask import LazyCorpus, LazyTokens, compute
    from .pipeline import Stage, run
    from .text.token_store import TokenStore, read_tokens
    from .io.datasets import list_corpora, load_corpus
    from .io.encoding import read_text
    from .io.page.explain import explain_page
    from .io.page.pdf import read_pdf
    from .io.page.reader import parse_page, read_page
    from .io.page.rules import PageRules
    from .models.cluster import cluster
    from .models.dictionaries import list_themes, load_themes
    from .models.dtm import DTM, dtm
    from .models.engines import list_engines
    from .models.emphasis import Emphasis, emphasis, theme_hits, validation_sample
    from .models.fcm import FCM, fcm
    from .models.inference import GroupRates
    from .models.validation import agreement, precision
    from .models.trends import device_rates, first_appearances, trends
    from .models.keyness import keyness
    from .models.topics import TopicModel, fit_topics, select_k
    from .report import analyze
    from .text.normalization import NormalizedText, normalize
    from .text.segmentation import Segmenter, list_lexicons, tokenize
    from .text.stopwords import list_stopwords, load_stopwords
    from .text.tokens import Token, Tokens
    from .unitize import units
    from .viz import fonts, plot
