"""The LDA engines behind :func:`consensus_nlp.fit_topics`: tomotopy (LDA, DMR, g-DMR), gensim, scikit-learn.

Each engine takes a count matrix (scipy CSR, documents x terms), its terms and
the seed priors, and returns the same things: a topics x terms matrix of word
probabilities (rows sum to 1), a documents x topics matrix of topic shares
(rows sum to 1), a perplexity (engine-specific, ``None`` if unavailable) and the
settings it used. Nothing else of the engine survives the fit, so every model
saves, loads and compares the same way.

An engine is anything with the :class:`Engine` protocol (a ``name``, ``capabilities``,
``default_iterations`` and ``fit``), registered by name in ``consensus_nlp.registry.engines``
(``registry.toml``; another package adds its own through the entry-point group
``consensus_nlp.engines``). :func:`consensus_nlp.fit_topics` looks the engine up there and asks its
capabilities, never its name:

* ``"word_order"``: it reads each document's tokens in text order (``words``), not only the counts;
* ``"seeded"``: it takes seed words (``seeds``);
* ``"covariates"``: it needs document covariates (``covariates``: categorical labels);
* ``"continuous_covariates"``: its covariates may also be continuous (numeric values);
* ``"threads"``: ``workers > 1`` runs it on several threads (then it is not deterministic).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from .. import registry
from ..errors import InvalidArgumentError, describe

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse

__all__ = ["EngineResult", "Engine", "FunctionEngine", "CAPABILITIES", "ENGINES", "COVARIATE_ENGINES", "DEFAULT_ITERATIONS",
           "fit_engine", "get_engine", "list_engines"]

log = logging.getLogger(__name__)

CAPABILITIES = ("word_order", "seeded", "covariates", "continuous_covariates", "threads")
ENGINES = ("tomotopy", "gensim", "sklearn", "dmr", "gdmr")  # the package's own; list_engines() also has registered ones
COVARIATE_ENGINES = ("dmr", "gdmr")  # tomotopy's DMRModel and GDMRModel
GDMR_DEGREE = 3  # Legendre polynomial degree of g-DMR's topic distribution function per continuous covariate
# Chosen by benchmarks/topics.py (see docs/topics.md): tomotopy Gibbs sweeps; gensim passes
# over the corpus; scikit-learn batch EM iterations.
DEFAULT_ITERATIONS = {"tomotopy": 200, "gensim": 10, "sklearn": 20, "dmr": 200, "gdmr": 200}


@dataclass
class EngineResult:
    topic_word: np.ndarray
    doc_topic: np.ndarray
    perplexity: float | None
    settings: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Engine(Protocol):
    """What :func:`consensus_nlp.fit_topics` needs of a topic-model engine.

    ``fit`` takes the count matrix (CSR, documents x terms), its terms, k, the seed map (seed
    word -> topic position) and the keyword settings of :func:`fit_engine`, and returns an
    :class:`EngineResult`.
    """

    name: str
    capabilities: frozenset[str]
    default_iterations: int

    def fit(self, counts: Any, terms: list[str], k: int, seeds: dict[str, int], *, random_state: int, iterations: int,
            workers: int, alpha: float | None, eta: float | None, seed_prior: float,
            words: Sequence[Sequence[str]] | None, covariates: Mapping[str, Any] | None) -> EngineResult: ...


@dataclass(frozen=True)
class FunctionEngine:
    """An :class:`Engine` made of a fit function and its declared capabilities."""

    name: str
    function: Any
    capabilities: frozenset[str]
    default_iterations: int
    options: Mapping[str, Any] = field(default_factory=dict)

    def fit(self, counts: Any, terms: list[str], k: int, seeds: dict[str, int], **settings: Any) -> EngineResult:
        return self.function(counts, terms, k, seeds, **settings, **self.options)


def _rows_normalized(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    matrix = np.asarray(matrix, dtype=np.float64)
    sums = matrix.sum(axis=1, keepdims=True)
    sums[sums == 0] = 1.0
    return matrix / sums


def _tomotopy_model(kind: str, k: int, alpha: float, eta: float, random_state: int, covariates):
    """A tomotopy LDA, DMR or g-DMR model and a function adding one document (by row) to it."""
    import tomotopy as tp

    if kind == "tomotopy":
        model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=int(random_state))
        return model, lambda doc, r: model.add_doc(doc)
    if kind == "dmr":
        model = tp.DMRModel(k=k, alpha=alpha, eta=eta, seed=int(random_state))
        return model, lambda doc, r: model.add_doc(doc, metadata=covariates["categorical"][r])
    numeric = covariates["numeric"]
    # no metadata_range: tomotopy 0.14 crashes (segmentation fault) when it is given; it takes the ranges from the data
    model = tp.GDMRModel(k=k, degrees=[GDMR_DEGREE] * len(numeric[0]), alpha=alpha, eta=eta, seed=int(random_state))
    return model, lambda doc, r: model.add_doc(doc, numeric_metadata=numeric[r],
                                               metadata=covariates["categorical"][r])


def gdmr_curve(model: Any, covariates: dict[str, Any], points: int = 50) -> dict[str, Any] | None:
    """g-DMR's own topic distribution function over its first numeric covariate, the others at their medians.

    ``log_alpha[level][i]`` holds tomotopy's unnormalized ``tdf`` (the log of the Dirichlet
    parameters of a document's topic shares) at ``x[i]`` for each categorical ``level``
    (``""`` without categorical covariates). ``None`` without a numeric covariate.
    """
    import numpy as np

    numeric = np.asarray(covariates["numeric"], dtype=float)
    if numeric.ndim != 2 or numeric.shape[1] == 0:
        return None
    grid = np.linspace(numeric[:, 0].min(), numeric[:, 0].max(), points)
    others = np.median(numeric[:, 1:], axis=0).tolist()
    levels = list(dict.fromkeys(covariates["categorical"]))
    return {"covariate": covariates["numeric_names"][0], "x": grid.tolist(),
            "log_alpha": {level: [list(map(float, model.tdf([float(x), *others], metadata=level, normalize=False)))
                                  for x in grid] for level in levels}}


def _tomotopy(counts, terms, k, seeds, *, random_state, iterations, workers, alpha, eta, seed_prior,
              words=None, kind="tomotopy", covariates=None) -> EngineResult:
    import numpy as np
    import tomotopy as tp

    alpha = 0.1 if alpha is None else alpha
    eta = 0.01 if eta is None else eta
    model, add = _tomotopy_model(kind, k, alpha, eta, random_state, covariates)
    for word, topic in seeds.items():
        prior = [eta * 0.01] * k
        prior[topic] = seed_prior
        model.set_word_prior(word, prior)
    added: list[int] = []
    vocab = set(terms)
    row_sums = counts.sum(axis=1).A1
    for r in range(counts.shape[0]):
        # the tokens in text order when known (as a caller of tomotopy would add them), else the bag
        doc = [w for w in words[r] if w in vocab] if words is not None else None
        if doc is None or len(doc) != row_sums[r]:
            start, end = counts.indptr[r], counts.indptr[r + 1]
            doc = [terms[j] for j, c in zip(counts.indices[start:end], counts.data[start:end]) for _ in range(int(c))]
        if doc and add(doc, r) is not None:
            added.append(r)
    model.train(iterations, workers=workers, parallel=tp.ParallelScheme.DEFAULT if workers != 1 else tp.ParallelScheme.NONE)
    index = {t: i for i, t in enumerate(terms)}
    used = [index[w] for w in model.used_vocabs]
    topic_word = np.zeros((k, len(terms)))
    for t in range(k):
        topic_word[t, used] = model.get_topic_word_dist(t)
    doc_topic = np.full((counts.shape[0], k), 1.0 / k)
    for r, doc in zip(added, model.docs):  # one document object at a time (indexing model.docs fails in tomotopy 0.14)
        doc_topic[r] = doc.get_topic_dist()
    settings = {"alpha": alpha, "eta": eta, "workers": workers, "seed_prior": seed_prior}
    if kind != "tomotopy":
        settings["covariates_numeric"] = covariates["numeric_names"]
        settings["covariates_categorical"] = covariates["categorical_names"]
    if kind == "gdmr":
        settings["degree"] = GDMR_DEGREE
        settings["gdmr_curve"] = gdmr_curve(model, covariates)
    perplexity = float(model.perplexity)
    if not (np.isfinite(topic_word).all() and np.isfinite(doc_topic).all()):  # never hand NaN on silently
        from ..errors import ModelInputError, describe

        raise ModelInputError(describe("engine", kind, "produced non-finite probabilities",
                                       todo="Check alpha/eta, or use another engine."))
    return EngineResult(_rows_normalized(topic_word), _rows_normalized(doc_topic), perplexity, settings)


def _gensim(counts, terms, k, seeds, *, random_state, iterations, workers, alpha, eta, seed_prior,
            words=None, covariates=None) -> EngineResult:
    import numpy as np
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel

    corpus = []
    for r in range(counts.shape[0]):
        start, end = counts.indptr[r], counts.indptr[r + 1]
        corpus.append(sorted((int(j), int(c)) for j, c in zip(counts.indices[start:end], counts.data[start:end])))
    dictionary = Dictionary()
    dictionary.token2id = {t: i for i, t in enumerate(terms)}
    eta_arg: Any = "symmetric" if eta is None else eta
    if seeds:
        base = 1.0 / k if eta is None else float(eta)
        matrix = np.full((k, len(terms)), base)
        index = dictionary.token2id
        for word, topic in seeds.items():
            matrix[:, index[word]] = base * 0.01
            matrix[topic, index[word]] = seed_prior
        eta_arg = matrix
    model = LdaModel(corpus=corpus, id2word=dictionary, num_topics=k, random_state=int(random_state), passes=iterations,
                     iterations=100, alpha="symmetric" if alpha is None else alpha, eta=eta_arg,
                     update_every=1, chunksize=2000, eval_every=None)
    topic_word = model.get_topics()
    doc_topic = np.zeros((counts.shape[0], k))
    for r, bow in enumerate(corpus):
        for t, p in model.get_document_topics(bow, minimum_probability=0.0, minimum_phi_value=None):
            doc_topic[r, t] = p
    n_words = counts.sum()
    bound = model.log_perplexity(corpus, total_docs=len(corpus)) if n_words else None
    return EngineResult(_rows_normalized(topic_word), _rows_normalized(doc_topic),
                        None if bound is None else float(np.exp2(-bound)),
                        {"alpha": alpha or "symmetric", "eta": "seeded" if seeds else (eta or "symmetric"),
                         "passes": iterations, "seed_prior": seed_prior})


def _sklearn(counts, terms, k, seeds, *, random_state, iterations, workers, alpha, eta, seed_prior,
             words=None, covariates=None) -> EngineResult:
    from sklearn.decomposition import LatentDirichletAllocation

    for name, value in (("alpha", alpha), ("eta", eta)):
        if value is not None and value > 1:  # scikit-learn's online variational Bayes takes priors in [0, 1]
            raise InvalidArgumentError(describe(name, value, "is above 1, which the sklearn engine does not take",
                                                accepted="a prior in (0, 1] or None",
                                                todo="Use engine='tomotopy' or 'gensim' for larger priors."))
    model = LatentDirichletAllocation(n_components=k, doc_topic_prior=alpha, topic_word_prior=eta, learning_method="batch",
                                      max_iter=iterations, random_state=int(random_state), n_jobs=1)
    doc_topic = model.fit_transform(counts)
    return EngineResult(_rows_normalized(model.components_), _rows_normalized(doc_topic), float(model.perplexity(counts)),
                        {"alpha": alpha, "eta": eta, "learning_method": "batch"})


def _gdmr_isolated(counts, terms, k, seeds, **options) -> EngineResult:
    """Fit g-DMR in a child interpreter of its own, so that tomotopy cannot take this process down.

    tomotopy 0.14's GDMRModel keeps state between models in one process: a second g-DMR fit
    whose number of continuous covariates differs from the first one's (1 then 2, 0 then 1,
    1 then 0) dies with a segmentation fault (issue 23; tests/test_crashes.py shows it with
    tomotopy alone). Every g-DMR fit therefore runs in a fresh ``python -m
    consensus_nlp.models.engines`` (no multiprocessing: the caller's script is not re-imported),
    which starts without that state; if it dies, the caller gets a :class:`ModelInputError`.
    """
    import os
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    from ..errors import ModelInputError

    options["words"] = None if options.get("words") is None else [list(w) for w in options["words"]]
    if options.get("covariates") is not None:
        options["covariates"] = {key: list(value) if isinstance(value, (list, tuple)) else value
                                 for key, value in dict(options["covariates"]).items()}
    payload = pickle.dumps((counts, list(terms), k, dict(seeds), options), protocol=pickle.HIGHEST_PROTOCOL)
    package_root = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "consensus_nlp.models.engines"], input=payload, capture_output=True,
                          env=env, check=False)
    if done.returncode != 0:
        log.debug("g-DMR child process: exit %s, %s", done.returncode, done.stderr[-2000:])
        raise ModelInputError(describe("engine", "gdmr", f"stopped the process that fitted it (exit {done.returncode})",
                                       todo="Fit with engine='dmr', or with other covariates."))
    outcome = pickle.loads(done.stdout)
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome


def _gdmr_child() -> None:
    """The child of :func:`_gdmr_isolated`: a pickled fit request on stdin, the pickled result on stdout."""
    import pickle
    import sys

    counts, terms, k, seeds, options = pickle.loads(sys.stdin.buffer.read())
    try:
        outcome: Any = _tomotopy(counts, terms, k, seeds, kind="gdmr", **options)
    except Exception as exc:  # handed back to the caller, who raises it
        outcome = exc
    sys.stdout.buffer.write(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))


TOMOTOPY = FunctionEngine("tomotopy", _tomotopy, frozenset({"word_order", "seeded", "threads"}), DEFAULT_ITERATIONS["tomotopy"])
DMR = FunctionEngine("dmr", _tomotopy, frozenset({"word_order", "seeded", "threads", "covariates"}), DEFAULT_ITERATIONS["dmr"],
                     {"kind": "dmr"})
# g-DMR fits run in a child interpreter (_gdmr_isolated): tomotopy segfaults on mixed g-DMR fits in one process
GDMR = FunctionEngine("gdmr", _gdmr_isolated,
                      frozenset({"word_order", "seeded", "threads", "covariates", "continuous_covariates"}),
                      DEFAULT_ITERATIONS["gdmr"])
GENSIM = FunctionEngine("gensim", _gensim, frozenset({"seeded"}), DEFAULT_ITERATIONS["gensim"])
SKLEARN = FunctionEngine("sklearn", _sklearn, frozenset(), DEFAULT_ITERATIONS["sklearn"])


def list_engines() -> list[str]:
    """Names accepted by ``fit_topics(engine=...)``: the package's engines and those other packages registered.

    Examples:
        >>> list_engines()
        ['tomotopy', 'gensim', 'sklearn', 'dmr', 'gdmr']
    """
    return registry.engines.names()


def get_engine(name: str) -> Engine:
    """The registered engine called ``name``.

    Raises:
        UnknownNameError: no engine has that name (the message lists them).
        InvalidArgumentError: what is registered under the name is not an :class:`Engine`.
    """
    engine = registry.engines.load(name)
    if not isinstance(engine, Engine):
        raise InvalidArgumentError(describe("engine", name, f"is registered as {type(engine).__name__}, not an Engine",
                                            accepted="an object with name, capabilities, default_iterations and fit()",
                                            todo="Fix the package that registers it."))
    return engine


def fit_engine(
    engine: str | Engine,
    counts: scipy.sparse.csr_matrix,
    terms: Sequence[str],
    k: int,
    seeds: Mapping[str, int],
    *,
    random_state: int,
    iterations: int,
    workers: int = 1,
    alpha: float | None = None,
    eta: float | None = None,
    seed_prior: float = 20.0,
    words: Sequence[Sequence[str]] | None = None,
    covariates: Mapping[str, Any] | None = None,
) -> EngineResult:
    """Fit ``engine`` on ``counts``; ``seeds`` maps a seed word to its topic's position.

    ``words`` (per document, the tokens in text order) lets tomotopy see the tokens in
    their order, as a direct caller would add them; the other engines use the counts.
    ``covariates`` (for ``"dmr"``/``"gdmr"``): per document, ``"numeric"`` values (list) and a
    ``"categorical"`` label (str), with their field names.
    """
    if isinstance(engine, str):
        engine = get_engine(engine)
    log.debug("fitting %s: %s documents x %s terms, k=%s, %s iterations", engine.name, counts.shape[0], counts.shape[1], k,
              iterations)
    return engine.fit(counts.tocsr(), list(terms), k, dict(seeds), random_state=random_state, iterations=iterations,
               workers=workers, alpha=alpha, eta=eta, seed_prior=seed_prior, words=words, covariates=covariates)


if __name__ == "__main__":  # run as a module: import it by name, so that the result pickles as its class
    from consensus_nlp.models.engines import _gdmr_child as child

    child()
