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
logging handlers beyond a ``NullHandler``).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from . import errors
from .corpus import Corpus, Document
from .errors import ConsensusNLPError

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module that defines it (imported on first access)
_LAZY: dict[str, str] = {
    "read_text": "textio",
    "read_page": "layout",
    "parse_page": "layout",
    "load_corpus": "datasets",
    "list_corpora": "datasets",
    "normalize": "normalization",
    "NormalizedText": "normalization",
    "list_lexicons": "segment",
    "Token": "tokens",
    "Tokens": "tokens",
    "Segmenter": "segment",
    "tokenize": "segment",
    "load_stopwords": "stopwords",
    "list_stopwords": "stopwords",
    "outline": "devices",
    "tag": "devices",
    "OutlineItem": "devices",
    "Device": "devices",
    "units": "textunits",
    "dtm": "features",
    "DTM": "features",
    "keyness": "features",
    "load_themes": "profiles",
    "list_themes": "profiles",
    "emphasis": "profiles",
    "cluster": "profiles",
    "fit_topics": "topics",
    "select_k": "topics",
    "TopicModel": "topics",
    "plot": None,  # a submodule
}

__all__ = ["Corpus", "Document", "ConsensusNLPError", "errors", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module_name = _LAZY[name]
        if module_name is None:
            return importlib.import_module(f".{name}", __name__)
        module = importlib.import_module(f".{module_name}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'consensus_nlp' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover
    from . import plot
    from .datasets import list_corpora, load_corpus
    from .devices import Device, OutlineItem, outline, tag
    from .profiles import cluster, emphasis, list_themes, load_themes
    from .features import DTM, dtm, keyness
    from .layout import parse_page, read_page
    from .normalization import NormalizedText, normalize
    from .segment import Segmenter, list_lexicons, tokenize
    from .stopwords import list_stopwords, load_stopwords
    from .textio import read_text
    from .tokens import Token, Tokens
    from .topics import TopicModel, fit_topics, select_k
    from .textunits import units
