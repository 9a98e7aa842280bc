"""What :func:`~consensus_nlp.fit_topics` checks and prepares before an engine runs.

Every numeric setting is validated here (nothing reaches an engine that could abort
the process or return NaN), rare terms are dropped, seed words are expanded, and
covariates are read from the documents' metadata.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..errors import EmptyVocabularyError, InputTypeError, InvalidArgumentError, ModelInputError, check_float, check_int, check_random_state, describe
from ..pipeline import Deferred
from ..text.tokens import Tokens
from .dtm import DTM, dtm
from .engines import Engine, get_engine, list_engines

__all__ = ["MIN_PRIOR", "as_dtm", "drop_rare", "seed_map", "check_fit_args", "resolve_covariates", "engines_with"]

log = logging.getLogger("consensus_nlp.models.topics")

MIN_PRIOR = 1e-6  # smaller Dirichlet priors underflow tomotopy's float32 sampler (it aborts the process)
MAX_PRIOR = 1e4  # larger ones swamp any count (gensim's updates then give all-zero rows, 1e308 overflows)


def as_dtm(data: DTM | Tokens | Deferred) -> DTM:
    if isinstance(data, Deferred):  # a lazy DTM or tokens: a model is fitted in this process, on the gathered data
        data = data.compute()
    if isinstance(data, DTM):
        return data
    if isinstance(data, Tokens):
        return dtm(data)
    raise InputTypeError(describe("data", data, "is not a DTM or Tokens", accepted="cn.dtm(...) or cn.tokenize(...)",
                                  todo="Tokenize the corpus first."))


def drop_rare(matrix: DTM, per_million: float) -> DTM:
    """The DTM without the terms rarer than ``per_million`` occurrences per million tokens."""
    import math

    import numpy as np

    totals = matrix.counts.sum(axis=0).A1
    total = int(totals.sum())
    need = per_million * total / 1e6 - 1e-9
    if not need <= total:  # more occurrences than there are tokens (or an overflow to inf): no term can have them
        raise EmptyVocabularyError(describe("min_term_per_million", per_million,
                                            f"leaves no term (each would need more than all {total} tokens)",
                                            todo="Lower min_term_per_million."))
    floor = max(1, math.ceil(need))
    keep = np.flatnonzero(totals >= floor)
    if len(keep) == len(matrix.terms):
        return matrix
    if len(keep) == 0:
        raise EmptyVocabularyError(describe("min_term_per_million", per_million,
                                            f"leaves no term (each would need {floor} occurrences)",
                                            todo="Lower min_term_per_million."))
    log.debug("fit_topics: %s of %s terms occur at least %s times", len(keep), len(matrix.terms), floor)
    return matrix.select_terms(keep.tolist())


def seed_map(
    seed_words: Mapping[str, Sequence[str]] | None, terms: Sequence[str], k: int
) -> tuple[list[str], dict[str, int]]:
    if seed_words is None or (isinstance(seed_words, Mapping) and not seed_words):
        return [], {}
    if not isinstance(seed_words, Mapping):  # a DataFrame, a list: refused before any truth test
        raise InputTypeError(describe("seed_words", seed_words, "is not a mapping",
                                      accepted="a dict topic name -> list of seed words"))
    if len(seed_words) > k:
        raise InvalidArgumentError(describe("seed_words", list(seed_words), f"names more topics than k={k}",
                                            accepted=f"at most {k} seeded topics", todo="Raise k or seed fewer topics."))
    from .dictionaries import compile_entry

    vocab = set(terms)
    names, seeds = [], {}
    for position, (name, words) in enumerate(seed_words.items()):
        if isinstance(words, str) or not isinstance(words, Iterable):
            raise InputTypeError(
                describe(f"seed_words[{name!r}]", words, "is not a list of words", accepted="a list of str")
            )
        words = list(words)
        present: list[str] = []
        for word in words:
            if word in vocab:
                present.append(word)
            elif word.startswith("re:") or any(ch in word for ch in "*?["):
                match = compile_entry(word, theme=str(name))
                present.extend(t for t in terms if match(t))
        if not present:
            raise ModelInputError(describe(f"seed_words[{name!r}]", words, "has no word in the vocabulary",
                                           todo="Check the segmentation of the seeds (cn.tokenize) and the DTM's pruning."))
        missing = [w for w in words if w not in vocab and not (w.startswith("re:") or any(ch in w for ch in "*?["))]
        if missing:
            log.warning("seed words not in the vocabulary, ignored for %s: %s", name, missing)
        for w in present:
            if w in seeds and seeds[w] != position:
                log.debug("seed word %s matches topics %s and %s; kept in the first", w, seeds[w], position)
                continue
            seeds[w] = position
        names.append(str(name))
    return names, seeds


def check_fit_args(*, k: Any, random_state: Any, workers: Any, alpha: Any, eta: Any, seed_prior: Any,
                    min_term_per_million: Any) -> dict[str, Any]:
    """The numeric settings of :func:`fit_topics`, validated (nothing reaches an engine that could abort or give NaN)."""
    check_int("k", k, minimum=2, maximum=32767, todo="Ask for at least two topics.")
    check_float("min_term_per_million", min_term_per_million, minimum=0,
                todo="Give a floor in occurrences per million tokens, 0 to keep every term.")
    prior = "Priors outside [1e-6, 1e4] underflow or swamp the samplers; use e.g. 0.1 for alpha, 0.01 for eta."
    return {
        "random_state": check_random_state(random_state),
        "workers": check_int("workers", workers, minimum=0, maximum=1024),
        "alpha": check_float("alpha", alpha, minimum=MIN_PRIOR, maximum=MAX_PRIOR, allow_none=True, todo=prior),
        "eta": check_float("eta", eta, minimum=MIN_PRIOR, maximum=MAX_PRIOR, allow_none=True, todo=prior),
        "seed_prior": check_float("seed_prior", seed_prior, minimum=MIN_PRIOR, maximum=MAX_PRIOR, todo=prior),
    }


def resolve_covariates(engine: str | None, covariates: Sequence[str] | None,
                       matrix: DTM) -> tuple[Engine, dict[str, Any] | None]:
    """The engine to use (looked up in the registry) and, for engines with covariates, their values per document."""
    from .effects import covariate_values

    if covariates is not None and (isinstance(covariates, str) or not isinstance(covariates, Sequence)):
        raise InputTypeError(describe("covariates", covariates, "is not a list of metadata fields",
                                      accepted='e.g. ["year"] or ["organization"]'))
    covariates = list(covariates or [])
    chosen = None if engine is None else get_engine(engine)
    if not covariates:
        if chosen is not None and "covariates" in chosen.capabilities:
            raise InvalidArgumentError(describe("covariates", covariates, f"are needed by engine={engine!r}",
                                                todo='Pass covariates=["year"] (or another metadata field).'))
        return chosen or get_engine("tomotopy"), None
    if chosen is not None and "covariates" not in chosen.capabilities:
        raise InvalidArgumentError(describe("engine", engine, "cannot use covariates", accepted=engines_with("covariates"),
                                            todo="Fit without covariates and use TopicModel.effect, or use dmr/gdmr."))
    kinds = "auto" if chosen is None or "continuous_covariates" in chosen.capabilities else "categorical"
    columns = {c: covariate_values(matrix.doc_ids, matrix.metas, c, kind=kinds) for c in covariates}
    if chosen is None:  # the default: g-DMR when a covariate is continuous, else DMR
        chosen = get_engine("gdmr" if any(kind == "continuous" for _, kind in columns.values()) else "dmr")
    numeric = [c for c, (_, kind) in columns.items() if kind == "continuous"]
    categorical = [c for c in covariates if c not in numeric]
    n = len(matrix.doc_ids)
    return chosen, {
        "numeric": [[columns[c][0][d] for c in numeric] for d in range(n)],
        "categorical": ["|".join(str(columns[c][0][d]) for c in categorical) for d in range(n)],
        "numeric_names": numeric, "categorical_names": categorical,
    }


def engines_with(capability: str) -> list[str]:
    """Names of the registered engines that have ``capability`` (for error messages)."""
    return [name for name in list_engines() if capability in get_engine(name).capabilities]
