"""The fitted topic model: :class:`TopicModel` and what it does (inspect, label, score, aggregate, estimate
effects, fold in new documents, save).

:func:`~consensus_nlp.models.topics.fit_topics` (in :mod:`.topics`, which re-exports this class) makes one.
The model holds only plain arrays: topic-word probabilities, document-topic shares, the terms, the
documents' ids and metadata (their :class:`~consensus_nlp.docvars.DocVars`, shared) and the training
token lists (for coherence). Split from :mod:`.topics` to keep each module under 500 lines
(docs/architecture.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus import DocVars, thaw
from ..errors import InputTypeError, InvalidArgumentError, UnknownNameError, check_choice, check_int, \
    check_bool, check_name, check_path, check_random_state, describe
from .dtm import WordLists
from .interpret import RANKINGS, coherence_of, term_frequencies, term_scores

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd

__all__ = ["TopicModel"]

_FORMAT = "consensus-nlp-topic-model/1"


class TopicModel:
    """A fitted topic model: plain arrays plus the documents' ids and metadata.

    Attributes:
        engine: ``"tomotopy"``, ``"gensim"``, ``"sklearn"``, ``"dmr"`` or ``"gdmr"``.
        k: number of topics.
        names: topic names: seed-word keys for seeded topics (they come first), then
            ``"topic_<position>"`` (1-based) for the others.
        terms: the vocabulary (columns of ``topic_word_``).
        docvars: the training documents' ids and metadata (the DTM's object, shared).
        doc_ids, metas: the training documents (rows of ``doc_topic_``), from ``docvars``.
        topic_word_: ``k x terms`` array of word probabilities per topic (rows sum to 1).
        doc_topic_: ``documents x k`` array of topic shares per document (rows sum to 1).
        texts: the training token lists (used by :meth:`coherence`), or ``None``.
        doc_lengths: tokens per document that entered the model.
        perplexity_: the engine's perplexity on the training data (not comparable across engines).
        params: the settings of the fit (engine, k, random_state, iterations, seeds, covariates…).

    A model is immutable: its attributes cannot be rebound and its arrays are read-only;
    :meth:`with_labels` returns a new model with other topic names.
    """

    def __init__(self, *, engine: str, names: Sequence[str], terms: Sequence[str], doc_ids: Sequence[str] = (),
                 metas: Sequence[Mapping[str, Any]] = (), topic_word: np.ndarray, doc_topic: np.ndarray,
                 texts: Sequence[Sequence[str]] | None, doc_lengths: Sequence[int], perplexity: float | None,
                 params: Mapping[str, Any], docvars: DocVars | None = None) -> None:
        import numpy as np

        self.engine = engine
        self.names: tuple[str, ...] = tuple(names)
        self.k = len(self.names)
        self.terms: tuple[str, ...] = tuple(terms)
        # the training documents' table, by reference (the DTM's, itself the Tokens' and the Corpus's)
        self.docvars = docvars if docvars is not None else DocVars(doc_ids, metas)
        self.doc_ids: tuple[str, ...] = self.docvars.doc_ids
        self.metas: tuple[Mapping[str, Any], ...] = self.docvars.metas
        self.topic_word_ = np.ascontiguousarray(topic_word, dtype=np.float64)
        self.doc_topic_ = np.ascontiguousarray(doc_topic, dtype=np.float64)
        # a DTM's WordLists is an immutable view of the token arrays: kept as it is, not copied
        self.texts = texts if texts is None or isinstance(texts, WordLists) else tuple(tuple(t) for t in texts)
        self.doc_lengths = tuple(int(n) for n in doc_lengths)
        self.perplexity_ = perplexity
        self.params = dict(params)
        self.topic_word_.setflags(write=False)
        self.doc_topic_.setflags(write=False)
        object.__setattr__(self, "_frozen", True)

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_frozen", False):
            raise AttributeError(f"TopicModel is immutable; {name!r} cannot be set (use with_labels for new names)")
        object.__setattr__(self, name, value)

    def __getstate__(self) -> dict[str, Any]:
        # doc_ids and metas are the docvars' (whose mappingproxies plain pickle refuses): they travel inside it
        return {name: value for name, value in vars(self).items() if name not in ("doc_ids", "metas")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state, doc_ids=state["docvars"].doc_ids, metas=state["docvars"].metas)
        self.topic_word_.setflags(write=False)
        self.doc_topic_.setflags(write=False)

    def _replace(self, **changes: Any) -> TopicModel:
        fields = {"engine": self.engine, "names": self.names, "terms": self.terms, "docvars": self.docvars,
                  "topic_word": self.topic_word_, "doc_topic": self.doc_topic_,
                  "texts": self.texts, "doc_lengths": self.doc_lengths, "perplexity": self.perplexity_,
                  "params": self.params}
        return TopicModel(**{**fields, **changes})

    def __repr__(self) -> str:
        return (f"TopicModel(engine={self.engine!r}, k={self.k}, {len(self.doc_ids)} documents, "
                f"{len(self.terms)} terms, random_state={self.params.get('random_state')!r})")

    # -- inspection ----------------------------------------------------------
    def top_terms(self, n: int = 10, *, ranking: str = "prob") -> pd.DataFrame:
        """The ``n`` top terms of each topic by probability, FREX or lift.

        Args:
            n: terms per topic.
            ranking: ``"prob"`` (word probability, default), ``"frex"`` (frequent and
                exclusive, stm's FREX with weight 0.5) or ``"lift"`` (probability over the
                term's share of the training tokens); see :mod:`consensus_nlp.models.interpret`.

        Returns:
            DataFrame with columns ``topic`` (name), ``rank`` (1 = first), ``term``,
            ``weight`` (the ranking's score: the probability for ``"prob"``); topics in
            model order; ties broken by term order.
        """
        import numpy as np
        import pandas as pd

        n = min(check_int("n", n, minimum=1), max(1, len(self.terms)))  # no more terms than there are
        ranking = check_choice("ranking", ranking, RANKINGS, what="a term ranking")
        freqs = term_frequencies(self.terms, self.texts, self.topic_word_, self.doc_topic_, self.doc_lengths) \
            if ranking == "lift" else None
        scores = term_scores(self.topic_word_, ranking, frequencies=freqs)
        rows = []
        for t, name in enumerate(self.names):
            weights = scores[t]
            order = np.lexsort((np.arange(len(weights)), -weights))[:n]
            rows.extend((name, r + 1, self.terms[j], float(weights[j])) for r, j in enumerate(order))
        return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])

    def top_words(self, n: int = 10, *, ranking: str = "prob") -> dict[str, list[str]]:
        """Topic name -> its ``n`` top terms (``ranking`` as in :meth:`top_terms`)."""
        table = self.top_terms(n, ranking=ranking)
        return {name: table.loc[table["topic"] == name, "term"].tolist() for name in self.names}

    def with_labels(self, labels: Mapping[str, str] | Sequence[str] | str) -> TopicModel:
        """A new model whose topics carry other names (in tables, plots and the report).

        Args:
            labels: a dict old name -> label (others keep their names), a list of ``k``
                labels, or a ranking name (``"prob"``, ``"frex"``, ``"lift"``) to label each
                topic ``"<position>: <three top terms>"`` by that ranking.

        Raises:
            InvalidArgumentError: wrong number of labels, duplicated labels, unknown topic.
        """
        if isinstance(labels, str):
            ranking = check_choice("labels", labels, RANKINGS, what="a ranking or a list/dict of labels")
            words = self.top_words(3, ranking=ranking)
            names = [f"{i + 1}: {'·'.join(words[name])}" for i, name in enumerate(self.names)]
        elif isinstance(labels, Mapping):
            unknown = [key for key in labels if key not in self.names]
            if unknown:
                raise UnknownNameError(describe("labels", unknown, "name no topic of this model", accepted=self.names))
            names = [str(labels.get(name, name)) for name in self.names]
        else:
            if isinstance(labels, bytes) or not isinstance(labels, Iterable):
                raise InputTypeError(describe("labels", labels, "is not a list or dict of labels",
                                              accepted=f"a list of {self.k} labels, a dict or a ranking name"))
            names = [str(label) for label in labels]
            if len(names) != self.k:
                raise InvalidArgumentError(describe("labels", names, f"has {len(names)} labels for {self.k} topics",
                                                    accepted=f"a list of {self.k} labels"))
        if len(set(names)) != len(names):
            raise InvalidArgumentError(describe("labels", names, "repeats a label", todo="Give every topic its own label."))
        return self._replace(names=names)

    def representative_docs(self, n: int = 3, *, corpus: Any = None, chars: int = 120) -> pd.DataFrame:
        """The ``n`` documents with the highest share of each topic.

        Args:
            n: documents per topic.
            corpus: the :class:`~consensus_nlp.Corpus` the model was trained on (or units of
                it), to show the documents' text; otherwise the training tokens are shown.
            chars: characters of text shown.

        Returns:
            DataFrame with ``topic``, ``rank``, ``doc_id``, ``share``, ``text``; topics in
            model order; ties broken by document order.
        """
        import numpy as np
        import pandas as pd

        n = check_int("n", n, minimum=1)
        chars = check_int("chars", chars, minimum=1)
        texts = {}
        if corpus is not None:
            if isinstance(corpus, (str, bytes)) or not isinstance(corpus, Iterable) \
                    or not all(hasattr(d, "doc_id") and isinstance(getattr(d, "text", None), str) for d in corpus):
                raise InputTypeError(describe("corpus", corpus, "is not a corpus", accepted="the Corpus the model was fitted on"))
            texts = {d.doc_id: d.text for d in corpus}
        elif self.texts is not None:
            texts = {d: " ".join(t) for d, t in zip(self.doc_ids, self.texts)}
        rows = []
        for t, name in enumerate(self.names):
            shares = self.doc_topic_[:, t]
            order = np.lexsort((np.arange(len(shares)), -shares))[:n]
            rows.extend((name, r + 1, self.doc_ids[i], float(shares[i]), texts.get(self.doc_ids[i], "")[:chars])
                        for r, i in enumerate(order))
        return pd.DataFrame(rows, columns=["topic", "rank", "doc_id", "share", "text"])

    def effect(self, covariate: str | None = None, *, formula: str | None = None, at: Mapping[str, Sequence[Any]] | None = None,
               method: str = "pointestimate", cluster: str | None = "auto", link: str = "logit", kind: str = "auto",
               level: float = 0.95, n_sims: int = 200, degree: int = 1, points: Sequence[Any] | None = None,
               random_state: int = 0) -> pd.DataFrame:
        """Expected topic proportions by document covariates, with intervals (stm's ``estimateEffect``).

        Regresses the documents' topic proportions on covariates (metadata fields), with the
        uncertainty of the proportions and of the regression carried by the method of
        composition. Works for any engine; with ``engine="dmr"``/``"gdmr"`` the covariate
        also shaped the fit (:meth:`prevalence` gives g-DMR's own curve).

        With ``formula`` (patsy: ``"~ era + bs(year, df=4)"``, ``"~ era * year"``): a
        fractional logit (``link="logit"``, predictions in [0, 1]) or stm's least squares
        (``link="identity"``), cluster-robust over ``cluster`` (``"auto"``: ``parent_id``
        when the documents are units of a parent, else none), predicted at ``at`` (one
        covariate's values, the others at their median or most frequent level) or at the
        values of ``covariate``; ``method="difference"`` with two values in ``at`` gives
        their contrast (first minus second). See :mod:`consensus_nlp.models.composition`.

        Without ``formula`` (the 0.2 form): one covariate, a polynomial of ``degree`` or one
        mean per level, least squares, documents independent (:mod:`~consensus_nlp.models.effects`).

        Args:
            covariate: metadata field (``"organization"``, ``"year"``…).
            formula: right-hand-side formula of metadata fields.
            at: ``{"field": [values]}`` to predict at (with ``formula``).
            method: ``"pointestimate"`` or ``"difference"`` (with ``formula``).
            cluster: metadata field whose values are clusters, ``"auto"`` or ``None``.
            link: ``"logit"`` or ``"identity"``.
            kind: ``"auto"``, ``"categorical"`` or ``"continuous"`` (without ``formula``).
            level: interval level, strictly between 0 and 1.
            n_sims: simulations (>= 100).
            degree: polynomial degree for a continuous covariate (without ``formula``).
            points: covariate values to predict at (without ``formula``).
            random_state: seed of the simulations.

        Returns:
            DataFrame with ``topic``, ``value``, ``estimate``, ``low``, ``high``
            (``attrs``: ``covariate``, ``kind``, ``level``; with ``formula`` also ``formula``,
            ``method``, ``link``, ``cluster``, ``n_clusters``).

        Raises:
            UnknownNameError: a covariate or cluster that is not a metadata field, an unknown
                method or link.
            InvalidArgumentError: missing values, a constant covariate, a formula that does not
                fit, bad level/n_sims.
        """
        import numpy as np

        from .effects import covariate_values, estimate_effect
        from .inference import check_level, check_n_boot

        level = check_level(level)
        n_sims = check_n_boot(n_sims, "n_sims")
        rng = np.random.default_rng(check_random_state(random_state))
        alpha = self.params.get("alpha")
        alpha = float(alpha) if isinstance(alpha, (int, float)) and not isinstance(alpha, bool) else 1.0 / self.k
        if formula is not None:
            return self._formula_effect(formula, covariate=covariate, at=at, method=method, cluster=cluster,
                                        link=link, level=level, n_sims=n_sims, alpha=alpha, rng=rng)
        values, kind = covariate_values(self.doc_ids, self.metas, covariate, kind=kind)
        table = estimate_effect(self.doc_topic_, self.doc_lengths, alpha, values, kind=kind, topics=self.names,
                                level=level, n_sims=n_sims, degree=degree, points=points, rng=rng)
        table.attrs.update(covariate=covariate, kind=kind, level=level)
        return table

    def _formula_effect(self, formula: str, *, covariate: str | None, at: Any, method: str, cluster: str | None,
                        link: str, level: float, n_sims: int, alpha: float, rng: Any) -> pd.DataFrame:
        import pandas as pd

        from .composition import EFFECT_METHODS, FEW_CLUSTERS, LINKS, covariate_frame, formula_effect

        method = check_choice("method", method, EFFECT_METHODS, what="an effect method")
        link = check_choice("link", link, LINKS, what="a link")
        if not isinstance(formula, str) or "~" not in formula or formula.split("~")[0].strip():
            raise InvalidArgumentError(describe("formula", formula, "is not a right-hand-side formula",
                                                accepted="'~ era + bs(year, df=4)'"))
        from .smallsample import cluster_keys

        frame = covariate_frame(self.doc_ids, self.docvars)
        if cluster == "auto":
            cluster = "parent_id" if cluster_keys(self.docvars, "parent_id") is not None else None
        if cluster is not None and cluster not in frame.columns:
            raise UnknownNameError(describe("cluster", cluster, "is not a metadata field",
                                            accepted=["auto", "None", *list(frame.columns)[:20]]))
        keys = cluster_keys(self.docvars, cluster) or list(self.doc_ids)
        groups = pd.factorize(pd.Series(keys, dtype=object))[0]
        table = formula_effect(self.doc_topic_, self.doc_lengths, alpha, frame, formula, groups=groups,
                               topics=self.names, at=at, covariate=covariate, method=method, link=link,
                               level=level, n_sims=n_sims, rng=rng)
        n_clusters = int(groups.max()) + 1
        if cluster is not None and n_clusters < FEW_CLUSTERS:
            import warnings

            warnings.warn(f"{n_clusters} clusters ({cluster}): fewer than the {FEW_CLUSTERS} the simulation study "
                          "covered (0.94 with 30 parent documents and a spline of 4 df, docs/simulations.md); with "
                          "fewer clusters the intervals may be too narrow.", stacklevel=3)
        name = covariate if at is None else next(iter(at))
        table.attrs.update(covariate=name, kind="categorical" if method == "difference" or
                           isinstance(table["value"].iloc[0], str) else "continuous", level=level, formula=formula,
                           method=method, link=link, cluster=cluster, n_clusters=n_clusters)
        return table

    def prevalence(self, *, level: float = 0.95) -> pd.DataFrame:
        """g-DMR's own prevalence curve over its first numeric covariate, with its own band.

        Unlike :meth:`effect` (a regression of the fitted shares, with a confidence interval
        for the mean share), this reads the model's Dirichlet prior as a function of the
        covariate: the expected share and the range where ``level`` of documents' shares fall
        (:func:`~consensus_nlp.models.composition.gdmr_prevalence`). docs/topics.md compares them.

        Raises:
            InvalidArgumentError: the model is not a g-DMR fit with a numeric covariate.
        """
        from .composition import gdmr_prevalence
        from .inference import check_level

        curve = self.params.get("gdmr_curve")
        if not curve:
            raise InvalidArgumentError(describe("model", self.engine, "has no prevalence curve of its own",
                                                accepted="a model fitted with engine='gdmr' and a numeric covariate",
                                                todo="Use model.effect(...) for any engine."))
        return gdmr_prevalence(curve, self.names, level=check_level(level))

    def doc_topics(self) -> pd.DataFrame:
        """Topic shares per document.

        Returns:
            DataFrame with ``doc_id``, the documents' metadata columns, then one column per
            topic (named as in :attr:`names`), rows in training order.
        """
        from .foldin import shares_frame

        return shares_frame(self.doc_ids, self.metas, self.doc_topic_, self.names)

    def transform(self, data: Any, *, iterations: int = 200, tol: float = 1e-6) -> Any:
        """Topic shares of documents under this model: new documents, or every partition of a LazyCorpus.

        The shares are estimated with the topics held fixed ("folding in", the same
        computation for every engine, deterministic: :mod:`consensus_nlp.models.foldin`).
        Words the model does not know are ignored; a document without known words gets
        the uniform shares.

        Args:
            data: a :class:`DTM`, :class:`~consensus_nlp.text.tokens.Tokens`, or the tokens
                of a :class:`~consensus_nlp.integrations.dask.LazyCorpus` (computed
                partition by partition on the active Dask scheduler).
            iterations: at most this many EM steps; ``tol``: stop when no share moves more.

        Returns:
            A DataFrame shaped like :meth:`doc_topics` (a dask DataFrame for lazy tokens).
        """
        from ..pipeline import run
        from .foldin import FoldIn

        return run(FoldIn(model=self, iterations=iterations, tol=tol), data)

    def by(self, field: str, *, weight_by_length: bool = False) -> pd.DataFrame:
        """Mean topic shares per value of a metadata field (order of first appearance).

        Args:
            field: metadata field such as ``"parent_id"``, ``"organization"`` or ``"decade"``.
            weight_by_length: weight each document by its number of tokens (so the result is
                the share of the group's tokens); default: plain mean over documents.

        Returns:
            DataFrame indexed by the field's values, one column per topic.
        """
        import numpy as np
        import pandas as pd

        check_name("field", field)
        if field != "doc_id" and not any(field in m for m in self.metas):
            raise UnknownNameError(describe("field", field, "is not a metadata field", accepted=["doc_id", *self.docvars.fields()]))
        codes, levels = self.docvars.factorize(field)
        # index labels: plain values as they are, nested ones (tuples, mappings) as their repr
        groups = [v if isinstance(v, (str, int, float, bool, type(None))) else repr(v) for v in levels]
        weights = np.asarray(self.doc_lengths, dtype=float) if check_bool("weight_by_length", weight_by_length) \
            else np.ones(len(codes))
        rows = []
        for g in range(len(levels)):
            idx = np.flatnonzero(codes == g)
            w = weights[idx]
            w = w / w.sum() if w.sum() > 0 else np.full(len(idx), 1 / len(idx))
            rows.append(w @ self.doc_topic_[idx])
        return pd.DataFrame(rows, index=pd.Index(groups, name=field), columns=list(self.names))

    # -- scores --------------------------------------------------------------
    def coherence(self, measure: str = "c_npmi", *, top_n: int = 10) -> float:
        """Mean topic coherence of the top terms on the training texts (gensim ``CoherenceModel``).

        Always a float; :meth:`topic_coherence` gives one value per topic.

        Args:
            measure: ``"c_npmi"`` (default; sliding window of 10 tokens), ``"c_v"`` (window 110)
                or ``"u_mass"`` (document co-occurrence).
            top_n: number of top terms per topic.

        Raises:
            UnknownNameError: unknown measure.
            ModelInputError: the model has no training texts (built from a bare matrix).
        """
        return float(self.topic_coherence(measure, top_n=top_n).mean())

    def topic_coherence(self, measure: str = "c_npmi", *, top_n: int = 10) -> pd.Series:
        """Coherence of each topic's top terms: a Series indexed by topic name, named ``measure``."""
        top_n = check_int("top_n", top_n, minimum=2, maximum=100,  # gensim's coherence grows with the square of top_n
                          todo="Coherence is read on the top 5-20 terms of each topic.")
        return coherence_of(self.top_words(top_n).values(), self.texts, measure=measure, names=self.names)

    # -- persistence ---------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Save to one ``.npz`` file (arrays + JSON metadata, no pickle)."""
        import numpy as np

        path = Path(check_path("path", path))
        info = {
            "format": _FORMAT, "engine": self.engine, "names": list(self.names), "terms": list(self.terms),
            "doc_ids": list(self.doc_ids), "metas": [thaw(m) for m in self.metas],
            "texts": None if self.texts is None else [list(t) for t in self.texts],
            "doc_lengths": list(self.doc_lengths), "perplexity": self.perplexity_, "params": _jsonable(self.params),
        }
        try:
            with path.open("wb") as fh:
                np.savez_compressed(fh, topic_word=self.topic_word_, doc_topic=self.doc_topic_,
                                    info=np.array(json.dumps(info, ensure_ascii=True)))  # lone surrogates as \\udXXX
        except OSError as exc:  # a folder, a folder that does not exist, no permission
            raise InvalidArgumentError(describe("path", str(path), f"cannot be written ({exc.strerror or exc})",
                                                todo="Name a file in a folder you can write to.")) from None
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TopicModel:
        """Load a model written by :meth:`save`."""
        import numpy as np

        path = Path(check_path("path", path))
        try:
            data = np.load(path, allow_pickle=False)
            info = json.loads(str(data["info"])) if "info" in getattr(data, "files", ()) else {}
        except (OSError, ValueError, KeyError, EOFError) as exc:  # not an .npz, a damaged one
            raise InvalidArgumentError(describe("path", str(path), f"is not a saved consensus-nlp topic model ({exc})",
                                                accepted=_FORMAT)) from None
        with data:
            if info.get("format") != _FORMAT:
                raise InvalidArgumentError(describe("path", str(path), "is not a saved consensus-nlp topic model",
                                                    accepted=_FORMAT))
            return cls(engine=info["engine"], names=info["names"], terms=info["terms"], doc_ids=info["doc_ids"],
                       metas=info["metas"], topic_word=data["topic_word"], doc_topic=data["doc_topic"],
                       texts=info["texts"], doc_lengths=info["doc_lengths"], perplexity=info["perplexity"],
                       params=info["params"])

    def to_pyldavis(self) -> Any:
        """Prepared data for pyLDAvis (topic order kept: ``sort_topics=False``).

        Needs the optional package (``pip install "consensus-nlp[ldavis]"``). Term
        frequencies are counted in the training texts (the model's expectation when absent).

        Raises:
            MissingDependencyError: pyLDAvis is not installed.
        """
        from .interpret import pyldavis_data

        return pyldavis_data(self)

    def save_pyldavis(self, path: str | os.PathLike[str]) -> Path:
        """Write the pyLDAvis browser of this model to one self-contained HTML file.

        D3, LDAvis' script and stylesheet are embedded (data URIs from the installed
        pyLDAvis), so the page opens without a network. Written to a temporary name and
        renamed, so a failure leaves no half-written file.
        """
        from .interpret import write_pyldavis

        return write_pyldavis(self, Path(path))


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    return repr(value)
