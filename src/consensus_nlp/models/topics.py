"""Topic models behind one interface: fit, inspect, score, aggregate, save.

:func:`fit_topics` fits LDA with one of three engines (tomotopy's collapsed
Gibbs sampler — the default —, gensim's online variational Bayes, or
scikit-learn's batch variational Bayes) and returns a :class:`TopicModel` that
holds only plain arrays: topic-word probabilities, document-topic shares, the
terms, the documents' ids and metadata, and the training token lists (for
coherence; :mod:`.topicmodel`). Topics can be seeded with words (``seed_words``) and
then carry their names.

:func:`select_k` fits one model per k and tabulates coherence and perplexity.
See ``docs/topics.md`` for how the default engine and iterations were chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import InputTypeError, InvalidArgumentError, ModelInputError, check_choice, check_int, describe
from ..text.tokens import Tokens
from .dtm import DTM
from .engines import fit_engine
from .interpret import COHERENCE_MEASURES
from .topic_inputs import as_dtm, check_fit_args, drop_rare, engines_with, resolve_covariates, seed_map
from .topicmodel import TopicModel

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TopicModel", "fit_topics", "select_k", "COHERENCE_MEASURES"]

log = logging.getLogger(__name__)


def fit_topics(
    data: DTM | Tokens,
    *,
    k: int,
    engine: str | None = None,
    covariates: Sequence[str] | None = None,
    seed_words: Mapping[str, Sequence[str]] | None = None,
    random_state: int = 0,
    iterations: int | None = None,
    workers: int = 1,
    alpha: float | None = None,
    eta: float | None = None,
    seed_prior: float = 20.0,
    min_term_per_million: float = 100.0,
) -> TopicModel:
    """Fit an LDA topic model.

    Args:
        data: a count :class:`~consensus_nlp.features.DTM` or :class:`~consensus_nlp.tokens.Tokens`
            (turned into a DTM with ``cn.dtm(tokens)``).
        k: number of topics (>= 2, at most the number of documents and of terms).
        engine: ``"tomotopy"`` (collapsed Gibbs sampling), ``"gensim"`` (online
            variational Bayes), ``"sklearn"`` (batch variational Bayes), or, with covariates,
            tomotopy's ``"dmr"`` (Dirichlet-multinomial regression: topic prevalence depends on
            categorical covariates) and ``"gdmr"`` (g-DMR: a smooth function of continuous
            covariates such as a year, categorical ones as in DMR). ``None`` (default):
            ``"tomotopy"`` without covariates, ``"gdmr"`` when a covariate is continuous,
            else ``"dmr"``. Engines registered by other packages are chosen by name as well
            (:func:`consensus_nlp.list_engines`); what they can do is read from their capabilities.
        covariates: metadata fields that shape topic prevalence (``["year"]``,
            ``["organization"]``); only with ``engine="dmr"``/``"gdmr"``. A field whose values
            all read as numbers is continuous (with ``"gdmr"``: Legendre polynomials of degree
            3 over its range); any other is categorical (with several, their combination is one
            category). :meth:`TopicModel.effect` estimates prevalence by a covariate for any model.
        seed_words: optional ``{topic name: [seed words]}``; seeded topics come first and keep
            their names. Entries may be globs or ``re:`` patterns as in theme dictionaries
            (``"*文化*"``), expanded to the matching terms of the vocabulary; a term matched by
            several topics seeds the first. tomotopy gets a word prior (``seed_prior`` on the seeded topic,
            ``eta / 100`` elsewhere); gensim gets the same as an eta matrix; scikit-learn
            cannot be seeded.
        random_state: the seed; same data + same seed -> identical arrays.
        iterations: tomotopy Gibbs sweeps (default 200), gensim passes (10) or scikit-learn
            EM iterations (20); the defaults come from ``benchmarks/topics.py``.
        workers: tomotopy threads. Only ``workers=1`` (default) is deterministic.
        alpha: document-topic Dirichlet prior (engine default when ``None``: tomotopy 0.1,
            gensim and scikit-learn 1/k); a finite number >= 1e-6 (smaller priors underflow
            tomotopy's single-precision sampler, which then aborts the process).
        eta: topic-word Dirichlet prior (engine default when ``None``: tomotopy 0.01,
            gensim and scikit-learn 1/k); a finite number >= 1e-6.
        min_term_per_million: leave out of the model the terms rarer than this many occurrences
            per million tokens of the training data (at least 1 occurrence is always required).
            The default 100 (1 in 10,000 tokens) was chosen with benchmarks/topics.py: on
            470,000 tokens of People's Daily it keeps the 1,656 terms seen at least 48 times
            and raised c_npmi from 0.06 to 0.10-0.11; on the seven speeches (2,400 tokens) it
            drops nothing. Set 0 to keep every term.
        seed_prior: prior weight of a seed word on its topic (default 20: with 1 or 5 the
            seeded topics did not hold their documents on the seed page's outline items;
            see docs/topics.md). The reported topic-word probabilities include this prior,
            so seed words rank high in their topic by construction.

    Returns:
        :class:`TopicModel`.

    Raises:
        InvalidArgumentError: k < 2, bad iterations/workers/alpha/eta/seed_prior/random_state, too
            many seeded topics, covariates with an engine that cannot use them, a covariate
            missing for some documents or constant.
        ModelInputError: TF-IDF weights, k larger than documents or terms, seeds absent from the vocabulary.
        EmptyVocabularyError: ``min_term_per_million`` leaves no term.
        UnknownNameError: unknown engine, a covariate that is not a metadata field.
    """
    settings = check_fit_args(k=k, random_state=random_state, workers=workers, alpha=alpha, eta=eta,
                               seed_prior=seed_prior, min_term_per_million=min_term_per_million)
    matrix = as_dtm(data)
    if matrix.weighting != "count":
        raise ModelInputError(describe("data", matrix, "holds TF-IDF weights; LDA models counts",
                                       todo="Build the DTM with weighting='count'."))
    chosen, covariate_data = resolve_covariates(engine, covariates, matrix)
    matrix = drop_rare(matrix, min_term_per_million)
    n_docs, n_terms = matrix.shape
    if k > n_docs or k > n_terms:
        raise ModelInputError(describe("k", k, f"is larger than the data: {n_docs} documents, {n_terms} terms",
                                       accepted=f"k <= {min(n_docs, n_terms)}",
                                       todo="Use smaller units (cn.units(corpus, 'paragraph')) or fewer topics."))
    if iterations is None:
        iterations = chosen.default_iterations
    iterations = check_int("iterations", iterations, minimum=1, maximum=100_000)
    names, seeds = seed_map(seed_words, matrix.terms, k)
    if seeds and "seeded" not in chosen.capabilities:
        raise InvalidArgumentError(describe("engine", chosen.name, "cannot take seed_words", accepted=engines_with("seeded")))
    if workers != 1 and "threads" in chosen.capabilities:
        log.info("%s with workers=%s is not deterministic", chosen.name, workers)
    result = fit_engine(chosen, matrix.counts, matrix.terms, k, seeds, iterations=iterations, words=matrix.words,
                        covariates=covariate_data, **settings)
    names = names + [f"topic_{i + 1}" for i in range(len(names), k)]
    params = {"engine": chosen.name, "k": k, "random_state": settings["random_state"], "iterations": iterations,
              "min_term_per_million": min_term_per_million, "covariates": list(covariates or []),
              "seed_words": {n: list(w) for n, w in (seed_words or {}).items()}, **result.settings}
    return TopicModel(engine=chosen.name, names=names, terms=matrix.terms, docvars=matrix.docvars,
                      topic_word=result.topic_word, doc_topic=result.doc_topic, texts=matrix.words,
                      doc_lengths=matrix.counts.sum(axis=1).A1.tolist(), perplexity=result.perplexity, params=params)


def select_k(
    data: DTM | Tokens,
    *,
    ks: Iterable[int] = range(2, 11),
    engine: str = "tomotopy",
    measure: str = "c_npmi",
    random_state: int = 0,
    iterations: int | None = None,
    top_n: int = 10,
) -> pd.DataFrame:
    """Fit one model per k and tabulate coherence and perplexity.

    Returns:
        DataFrame with columns ``k``, ``coherence`` (``measure`` over the top ``top_n`` terms),
        ``perplexity`` (the engine's; ``NaN`` where unavailable). ``attrs["measure"]`` names
        the coherence measure.
    """
    import pandas as pd

    check_choice("measure", measure, COHERENCE_MEASURES, what="a coherence measure")
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Iterable):
        raise InputTypeError(describe("ks", ks, "is not a list of numbers of topics", accepted="e.g. range(2, 11)"))
    matrix = as_dtm(data)
    rows = []
    for k in list(ks):
        model = fit_topics(matrix, k=k, engine=engine, random_state=random_state, iterations=iterations)
        rows.append((k, model.coherence(measure, top_n=top_n),
                     float("nan") if model.perplexity_ is None else model.perplexity_))
    table = pd.DataFrame(rows, columns=["k", "coherence", "perplexity"])
    table.attrs["measure"] = measure
    return table
