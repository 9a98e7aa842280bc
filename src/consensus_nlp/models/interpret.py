"""Reading topics: term rankings (probability, FREX, lift) and representative documents.

The rankings follow stm's ``labelTopics`` (Roberts, Stewart & Tingley):

- ``prob``: the topic's word probability ``beta[k, v]``.
- ``frex``: the weighted harmonic mean of the term's rank (empirical CDF) within the
  topic by probability and by exclusivity ``beta[k, v] / sum_j beta[j, v]``:
  ``1 / (w / F_excl + (1 - w) / F_prob)`` with ``w = 0.5`` (stm's default weight);
  frequent *and* exclusive terms rank first.
- ``lift``: ``beta[k, v]`` divided by the term's share of all training tokens
  (stm's ``calclift``); favours rare terms specific to the topic.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ModelInputError, check_choice, describe, missing_extra

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["RANKINGS", "COHERENCE_MEASURES", "term_scores", "term_frequencies", "coherence_of", "pyldavis_data",
           "write_pyldavis"]

RANKINGS = ("prob", "frex", "lift")
COHERENCE_MEASURES = ("c_npmi", "c_v", "u_mass")


def term_frequencies(terms: Sequence[str], texts: Sequence[Sequence[str]] | None, topic_word: np.ndarray,
                     doc_topic: np.ndarray, doc_lengths: Sequence[int]) -> np.ndarray:
    """Share of each term among the training tokens: counted in ``texts`` when known, else the model's expectation."""
    import numpy as np

    if texts:
        index = {t: i for i, t in enumerate(terms)}
        freqs = np.zeros(len(terms))
        for text in texts:
            for w in text:
                j = index.get(w)
                if j is not None:
                    freqs[j] += 1
        if freqs.sum() > 0:
            return freqs / freqs.sum()
    weights = np.asarray(doc_lengths, dtype=float) @ np.asarray(doc_topic)  # tokens per topic
    expected = weights @ topic_word
    return expected / expected.sum()


def term_scores(topic_word: np.ndarray, ranking: str, *, frequencies: np.ndarray | None = None,
                frex_weight: float = 0.5) -> np.ndarray:
    """``k x terms`` scores by which terms are ranked (higher first)."""
    import numpy as np
    from scipy.stats import rankdata

    beta = np.asarray(topic_word, dtype=float)
    if ranking == "prob":
        return beta
    if ranking == "lift":
        assert frequencies is not None
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(frequencies > 0, beta / frequencies, 0.0)
    column = beta.sum(axis=0, keepdims=True)
    exclusivity = np.divide(beta, column, out=np.zeros_like(beta), where=column > 0)
    n = beta.shape[1]
    f_excl = rankdata(exclusivity, axis=1) / n
    f_prob = rankdata(beta, axis=1) / n
    return 1.0 / (frex_weight / f_excl + (1 - frex_weight) / f_prob)


def coherence_of(topics: Iterable[Sequence[str]], texts: Sequence[Sequence[str]] | None, *, measure: str = "c_npmi",
                 names: Sequence[str] | None = None) -> pd.Series:
    """Coherence per word list on tokenized texts with gensim's ``CoherenceModel`` (one process)."""
    check_choice("measure", measure, COHERENCE_MEASURES, what="a coherence measure")
    if not texts:
        raise ModelInputError(describe("texts", texts, "are missing",
                                       todo="Fit the model on Tokens or on a DTM built by cn.dtm (it keeps the token lists)."))
    import pandas as pd
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    topics = [list(t) for t in topics]
    texts = [list(t) for t in texts]
    dictionary = Dictionary(texts)
    corpus = [dictionary.doc2bow(t) for t in texts] if measure == "u_mass" else None
    model = CoherenceModel(topics=topics, texts=texts, corpus=corpus, dictionary=dictionary, coherence=measure,
                           topn=max(len(t) for t in topics), processes=1)
    values = model.get_coherence_per_topic()
    return pd.Series(values, index=list(names) if names is not None else None, name=measure, dtype=float)


def pyldavis_data(model: Any) -> Any:
    """pyLDAvis' prepared data for a :class:`~consensus_nlp.TopicModel` (topic order kept)."""
    try:
        import pyLDAvis
    except ModuleNotFoundError:
        raise missing_extra("pyLDAvis", "ldavis", needed_for="the LDAvis view") from None
    freqs = term_frequencies(model.terms, model.texts, model.topic_word_, model.doc_topic_, model.doc_lengths)
    freqs = freqs * max(1, sum(model.doc_lengths))
    return pyLDAvis.prepare(model.topic_word_, model.doc_topic_, list(model.doc_lengths), list(model.terms), freqs,
                            sort_topics=False, start_index=1, n_jobs=1)


def write_pyldavis(model: Any, path: Path) -> Path:
    """The LDAvis page of ``model`` as one self-contained HTML file, written atomically."""
    import base64

    prepared = pyldavis_data(model)
    import pyLDAvis
    from pyLDAvis import urls

    def inline(file: str, mime: str) -> str:
        return f"data:{mime};base64," + base64.b64encode(Path(file).read_bytes()).decode("ascii")

    html = pyLDAvis.prepared_data_to_html(prepared, d3_url=inline(urls.D3_LOCAL, "text/javascript"),
                                          ldavis_url=inline(urls.LDAVIS_LOCAL, "text/javascript"),
                                          ldavis_css_url=inline(urls.LDAVIS_CSS_LOCAL, "text/css"),
                                          visid="ldavis_consensus_nlp")
    page = f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>topics</title></head><body>\n{html}\n</body></html>\n'
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                     delete=False) as fh:
        try:
            fh.write(page)
        except BaseException:
            fh.close()
            os.unlink(fh.name)
            raise
    os.replace(fh.name, path)
    return path
