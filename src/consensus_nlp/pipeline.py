"""One stage, any size: a stage is a map over partitions, a combine and a finalize.

Every analysis stage of consensus-nlp (``tokenize``, ``dtm``, ``emphasis``, ``keyness``,
``tag``, ``units``, ``TopicModel.transform``) is written once, as a :class:`Stage`:

- ``map(part)``: the work on one partition (a :class:`~consensus_nlp.Corpus` or
  :class:`~consensus_nlp.Tokens`), pure and picklable; it runs on a Dask worker for lazy data;
- ``combine(a, b)``: merges two partitions' results (associative: a tree reduction);
  ``combine_many(results)`` merges them all at once (by default the tree of ``combine``);
- ``finalize(acc, source)``: pruning, grouping, frames and checks of the whole result,
  once, on the caller's side.

:func:`run` is the only place that picks how a stage runs. For in-memory data the
eager call is the one-partition case, ``finalize(map(data), data)``; other kinds of
data register their own way with :func:`execute` (``functools.singledispatch``): a
:class:`~consensus_nlp.text.store.TokenStore` streams its partitions through ``map`` and
``combine`` in this process, and :mod:`consensus_nlp.integrations.dask` runs the same
``map``/``combine`` as Dask tasks and returns lazy results. Arguments are checked when a
stage is made (its constructor), before either path runs, so both refuse the same input
with the same message.

Examples:
    >>> import consensus_nlp as cn
    >>> from consensus_nlp.models.dtm import CountTerms
    >>> tokens = cn.tokenize(["凝聚共识", "团结奋斗，凝聚共识"], segmenter=cn.Segmenter(backend="jieba"))
    >>> run(CountTerms(min_docs=2), tokens).terms
    ('凝聚共识',)
"""

from __future__ import annotations

import functools
import threading
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from .errors import InputTypeError, describe

__all__ = ["Stage", "Deferred", "run", "execute", "combine_all", "combine_tree", "shared", "shared_loads"]


class Stage:
    """A stage of analysis: ``map`` per partition, ``combine`` two results, ``finalize`` the whole.

    Subclasses are small frozen dataclasses holding the stage's (checked) options, so that
    they pickle to Dask workers. What a partitioned run returns depends on :attr:`output`:

    - ``"value"``: one result (a DTM, an Emphasis, a table): ``finalize`` of the combined maps;
    - ``"tokens"``, ``"corpus"``, ``"frame"``: one result per partition (Tokens, Corpus,
      DataFrame) that a lazy run keeps as partitions; ``combine`` concatenates two of them
      (used when the partitions are gathered) and ``finalize`` returns the gathered whole.
    """

    output: ClassVar[str] = "value"
    progress: bool | None = None  # a progress bar while partitions compute (None: when stderr is a terminal)

    def map(self, part: Any) -> Any:  # pragma: no cover - every stage defines it
        raise NotImplementedError

    def combine(self, a: Any, b: Any) -> Any:  # pragma: no cover - every stage defines it
        raise NotImplementedError

    def combine_many(self, results: list[Any]) -> Any:
        """All partitions' results at once, in order; the same as combining them two by two. By default a
        balanced tree of :meth:`combine`; a stage whose results can be merged in one pass overrides it."""
        return combine_tree(self, results)

    def finalize(self, acc: Any, source: Any) -> Any:
        """The result from the combined partitions; ``source`` is the data :func:`run` was given."""
        return acc

    def for_partitions(self, fields: Sequence[str] | None) -> Stage:
        """This stage as it runs on each partition of partitioned data whose metadata ``fields`` are known
        (``None``: unknown); e.g. without a progress bar per partition, with the frame's columns fixed."""
        return self

    def frame_meta(self, fields: Sequence[str] | None) -> Any:  # pragma: no cover - frame stages define it
        """For ``output == "frame"``: the empty DataFrame with the columns and dtypes of each partition's frame."""
        raise NotImplementedError


def combine_all(stage: Stage, results: Sequence[Any]) -> Any:
    """The partitions' ``results`` combined, in partition order: :meth:`Stage.combine_many`."""
    return stage.combine_many(list(results))


def combine_tree(stage: Stage, results: Sequence[Any]) -> Any:
    """``stage.combine`` over ``results`` as a balanced tree (partition order kept): each result is
    copied about log2(n) times, not n times as in a running fold."""
    items = list(results)
    while len(items) > 1:
        items = [stage.combine(items[i], items[i + 1]) if i + 1 < len(items) else items[i]
                 for i in range(0, len(items), 2)]
    return items[0]


class Deferred(ABC):
    """Data that is not in memory yet: lazy partitions, a token store, a lazy result.

    ``compute()`` gives the in-memory object (a Corpus, Tokens, a DTM…). Results that keep a
    reference to their source (a DTM keeps its tokens for the word sequences of topic
    models) may hold a ``Deferred`` and compute it when it is read.
    """

    @abstractmethod
    def compute(self) -> Any:
        """The in-memory object."""


@functools.singledispatch
def execute(data: Any, stage: Stage) -> Any:
    """How ``stage`` runs on ``data``; registered per kind of data. In memory: one partition."""
    return stage.finalize(stage.map(data), data)


def run(stage: Stage, data: Any) -> Any:
    """Run ``stage`` on ``data``: eagerly on in-memory data, by partitions on partitioned data.

    The kind of ``data`` picks the way (:func:`execute`); the stage is the same object either way.
    """
    if not isinstance(stage, Stage):
        raise InputTypeError(describe("stage", stage, "is not a Stage", accepted="a Stage of consensus_nlp.pipeline"))
    return execute(data, stage)


# -- what a process keeps between partitions -------------------------------------
_shared: dict[tuple[str, str], Any] = {}
_loads: Counter[str] = Counter()
_lock = threading.Lock()


def shared(kind: str, key: str, build: Callable[[], Any]) -> Any:
    """This process's copy of a read-only resource (a segmenter with its dictionary, compiled themes),
    built once per ``kind`` and ``key`` and reused by every partition that runs here."""
    value = _shared.get((kind, key))
    if value is None:
        with _lock:
            value = _shared.get((kind, key))
            if value is None:
                value = _shared[(kind, key)] = build()
                _loads[kind] += 1
    return value


def shared_loads() -> dict[str, int]:
    """How many resources of each kind this process built with :func:`shared`."""
    return dict(_loads)
