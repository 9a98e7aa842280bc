"""Lazy tokens and lazy results: what the stages return on Dask partitions until ``.compute()``.

:class:`LazyTokens` holds one :class:`~consensus_nlp.Tokens` per partition (segmented on
the workers, kept there by :meth:`LazyTokens.persist`, or read from a token store);
:class:`LazyResult` is a stage's reduction (a DTM, an Emphasis, a keyness table) not yet
computed. Both run the stages' own ``map``/``combine``/``finalize``
(:mod:`consensus_nlp.pipeline`): nothing of an algorithm is written here.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import check_int
from ..pipeline import Deferred, Stage, combine_all, run
from .dask_workers import Partitioned, compute, docvars_frame

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..text.token_store import TokenStore
    from ..text.tokens import Tokens

__all__ = ["LazyTokens", "LazyResult", "plan", "compute_all", "read_store_partition"]

log = logging.getLogger(__name__)

Plan = tuple[list[Any], Callable[[list[Any]], Any]]  # the dask objects to compute, and what makes the result of them


def plan(value: Any) -> Plan:
    """What computing ``value`` takes: dask objects (computed together with other plans) and a finishing step."""
    if isinstance(value, (LazyResult, Partitioned)):
        return value.plan()
    import dask

    if dask.is_dask_collection(value):
        import dask.dataframe as dd

        if isinstance(value, (dd.DataFrame, dd.Series)):  # devices or topic shares: their partitions, then one frame
            import pandas as pd

            return list(value.to_delayed()), lambda values: pd.concat(values)
        return [value], lambda values: values[0]
    return [], lambda values: value


def read_store_partition(path: str, k: int) -> Tokens:
    """Partition ``k`` of the token store at ``path`` (a task's loader)."""
    from ..text.token_store import TokenStore

    return TokenStore(path).partition(k)


class LazyResult(Deferred):
    """A stage's result on partitioned data, not computed yet: ``.compute()`` (or :func:`consensus_nlp.compute`
    with other results, sharing the partitions' work) gives it.

    Made by ``cn.dtm``, ``cn.emphasis``, ``cn.keyness``… on a :class:`LazyTokens` (or on another
    lazy result). The partitions' maps are computed by Dask; the stage's ``combine`` and
    ``finalize`` (pruning, grouping, statistics) run in this process.
    """

    def __init__(self, stage: Stage, acc: Any, *, source: Any, npartitions: int) -> None:
        self.stage = stage
        self._acc = acc  # the partitions' maps (dask Delayed objects), or an upstream LazyResult
        self._source = source
        self.npartitions = npartitions

    def __repr__(self) -> str:
        return (f"LazyResult({type(self.stage).__name__} over {self.npartitions} partitions; "
                "not computed: call .compute())")

    def plan(self) -> Plan:
        if isinstance(self._acc, LazyResult):  # a stage on another lazy result: run it on that result, once computed
            objects, finish = self._acc.plan()
            return objects, lambda values: run(self.stage, finish(values))
        return list(self._acc), self._finish

    def _finish(self, values: list[Any]) -> Any:
        """Combine the partitions' maps, free them, and finalize (the driver never holds maps and result at once)."""
        combined = combine_all(self.stage, values)
        values.clear()
        return self.stage.finalize(combined, self._source)

    def compute(self) -> Any:
        """The result (the same object the eager call returns)."""
        return compute_all(self)[0]

    def to_delayed(self) -> list[Any] | None:
        """The partitions' maps as dask ``Delayed`` objects (before ``combine`` and ``finalize``); ``None`` for a
        stage run on another lazy result."""
        return None if isinstance(self._acc, LazyResult) else list(self._acc)


def compute_all(*values: Any, progress: bool = False) -> tuple[Any, ...]:
    """The values computed together: work they share (segmenting the partitions) is done once, and all of
    one partition's work is one task (:func:`by_partition`)."""
    plans = [plan(v) for v in values]
    flat = [o for objects, _ in plans for o in objects]
    results = list(compute(*by_partition(flat), progress=progress)) if flat else []
    out, at = [], 0
    for objects, finish in plans:
        values, results[at:at + len(objects)] = results[at:at + len(objects)], [None] * len(objects)
        out.append(finish(values))  # it may empty ``values``: the partitions' maps are freed once combined
        at += len(objects)
    return tuple(out)


class PartitionTasks:
    """One partition's tasks, carried as data by the task that runs them (:func:`by_partition`): Dask
    would take tasks nested in a task's arguments for part of that task."""

    def __init__(self, graph: dict[Any, Any], outputs: tuple[Any, ...], inputs: tuple[Any, ...]) -> None:
        self.graph, self.outputs, self.inputs = graph, outputs, inputs


def run_partition(tasks: PartitionTasks, *values: Any) -> tuple[Any, ...]:
    """Run one partition's tasks in this worker, in one go; ``values`` are those of ``tasks.inputs``."""
    from dask._task_spec import DataNode
    from dask.local import get_sync

    given = {k: DataNode(k, v) for k, v in zip(tasks.inputs, values)}
    return tuple(get_sync({**tasks.graph, **given}, list(tasks.outputs)))


def by_partition(objects: list[Any]) -> list[Any]:
    """The same dask objects, with each partition's chain of tasks made one task.

    A partition's tasks (read it, segment it, count its terms and themes, tag it) depend
    on one reading task and otherwise only on data (the stages). Run as separate tasks,
    a partition's corpus and tokens wait in a worker's memory for every task that uses
    them, and a scheduler may move them to another worker to balance the load. Made one
    task, they are computed in one place and freed when it ends; only the maps (counts,
    frames) leave the worker. Tasks that combine several partitions stay as they are, and so
    do the steps of a shuffle (a dask DataFrame's group-by on many partitions) and what follows them.
    Graphs of Dask versions before the task specification (2024.12) are left as they are.
    """
    try:
        import operator

        import dask
        from dask._task_spec import DataNode, GraphNode, Task, TaskRef, convert_legacy_graph
        from dask.delayed import Delayed
        from dask.highlevelgraph import HighLevelGraph
    except ImportError:  # pragma: no cover - older Dask
        return objects
    if not objects or not all(isinstance(o, Delayed) for o in objects):
        return objects
    graph = dict(convert_legacy_graph(dict(HighLevelGraph.merge(*(o.dask for o in objects)))))
    if not all(isinstance(node, GraphNode) for node in graph.values()):
        return objects
    tasks = {k for k, node in graph.items() if not isinstance(node, DataNode)}  # tasks and aliases
    dependents: dict[Any, set[Any]] = {}
    for k, node in graph.items():
        for d in node.dependencies:
            dependents.setdefault(d, set()).add(k)
    order = _in_order(graph, tasks)
    roots: dict[Any, frozenset[Any]] = {}  # each task's reading tasks (those without task dependencies)
    for key in order:
        above = [d for d in graph[key].dependencies if d in tasks]
        roots[key] = frozenset({key}) if not above else frozenset().union(*(roots[d] for d in above))
        if _runs_alone(graph[key]):  # neither it nor what depends on it joins a partition's task
            roots[key] = roots[key] | {_ALONE}
    groups: dict[Any, list[Any]] = {}
    for key in order:
        if len(roots[key]) == 1:
            groups.setdefault(next(iter(roots[key])), []).append(key)
    wanted = {o.key for o in objects}
    token = dask.base.tokenize(sorted(map(str, graph)))
    for i, members in enumerate(groups.values()):
        if len(members) < 2:
            continue
        inside = set(members)
        outputs = tuple(k for k in members if k in wanted or dependents.get(k, set()) - inside)
        inputs = tuple(sorted({d for k in members for d in graph[k].dependencies} - inside, key=str))
        fused = f"cn-partition-{token}-{i}"
        graph[fused] = Task(fused, run_partition, PartitionTasks({k: graph[k] for k in members}, outputs, inputs),
                            *(TaskRef(d) for d in inputs))
        for k in members:
            del graph[k]
        for j, k in enumerate(outputs):
            graph[k] = Task(k, operator.getitem, TaskRef(fused), j)
    return [Delayed(o.key, graph) for o in objects]


_ALONE = object()


def _runs_alone(node: Any) -> bool:
    """Whether a task must stay a task of its own: one Dask marks so, or a step of a shuffle (its
    transfers talk to the other workers while they run)."""
    module = getattr(getattr(node, "func", None), "__module__", None) or ""
    return bool(getattr(node, "block_fusion", False)) or "shuffle" in module


def _in_order(graph: dict[Any, Any], tasks: set[Any]) -> list[Any]:
    """The tasks, each after the tasks it depends on (iterative: graphs can be deep)."""
    order, done = [], set()
    for start in sorted(tasks, key=str):
        stack = [(start, False)]
        while stack:
            key, ready = stack.pop()
            if key in done:
                continue
            if ready:
                done.add(key)
                order.append(key)
                continue
            stack.append((key, True))
            stack.extend((d, False) for d in graph[key].dependencies if d in tasks and d not in done)
    return order


class LazyTokens(Partitioned):
    """Tokens by partitions, one :class:`~consensus_nlp.Tokens` per partition, not computed yet.

    Made by ``cn.tokenize(lazy_corpus)`` or read from a token store (:meth:`from_store`).
    The stages accept it (``cn.dtm``, ``cn.emphasis``, ``model.transform``) and return lazy
    results. Keep the tokens instead of segmenting again for every result: compute the
    results together (:func:`consensus_nlp.compute`), :meth:`persist` them in the workers'
    memory, or write them once to a token store (:meth:`to_parquet`).
    """

    def __init__(self, parts: Sequence[Any], *, docvars: pd.DataFrame | None = None,
                 fields: Sequence[str] | None = None, progress: bool = False, kept: str | None = None) -> None:
        super().__init__(parts, docvars, fields)  # each part computes to a Tokens
        self._progress = progress
        self._kept = kept  # "persisted", "store <path>" or None (segmented when computed)

    def __repr__(self) -> str:
        state = f"kept: {self._kept}" if self._kept else "segmented when computed"
        return f"LazyTokens({self.npartitions} partitions, lazy; {state})"

    def plan(self) -> Plan:
        from ..text.tokens import Tokens

        return list(self._parts), Tokens.concat

    def persist(self) -> LazyTokens:
        """Compute the partitions and keep them where the scheduler keeps results (worker memory with distributed)."""
        import dask

        return LazyTokens(dask.persist(*self._parts), docvars=self.docvars, fields=self._fields,
                          progress=self._progress, kept="persisted")

    def compute(self) -> Tokens:
        """Every partition's tokens as one in-memory :class:`Tokens` (documents in partition order)."""
        return compute_all(self, progress=self._progress)[0]

    def to_parquet(self, path: str | os.PathLike[str], *, window: int | None = None) -> LazyTokens:
        """Write the tokens to a token store (:func:`consensus_nlp.read_tokens`) and read them back from it.

        Partitions are computed ``window`` at a time (default: 2 per core of this machine) and
        written in order by this process, each as one row group, on one vocabulary.

        Returns:
            :meth:`from_store` of the written store: later stages read it, never segment again.
        """
        from ..text.store import StoreWriter

        window = check_int("window", window if window is not None else 2 * (os.cpu_count() or 1), minimum=1)

        def parts() -> Iterator[Tokens]:
            for a in range(0, self.npartitions, window):
                yield from compute(*self._parts[a:a + window], progress=self._progress)

        with StoreWriter(path) as writer:
            for part in parts():
                writer.add(part)
        return LazyTokens.from_store(path)

    @classmethod
    def from_store(cls, store: str | os.PathLike[str] | TokenStore) -> LazyTokens:
        """The partitions of a token store as Dask tasks that read them (no segmentation)."""
        import dask

        from ..text.token_store import TokenStore

        store = store if isinstance(store, TokenStore) else TokenStore(store)
        path = str(Path(store.path).resolve())
        token = dask.base.tokenize(path, store.sizes, os.path.getmtime(Path(path) / "store.json"))
        parts = [dask.delayed(read_store_partition, pure=True)(path, k, dask_key_name=f"cn-store-{token}-{k}")
                 for k in range(store.npartitions)]
        docvars = store.docvars
        partition = [k for k, (n, _) in enumerate(store.sizes) for _ in range(n)]
        frame = docvars_frame(docvars.doc_ids, partition, docvars.metas)
        return cls(parts, docvars=frame, fields=docvars.fields(), kept=f"store {path}")

    def frequencies(self, *, by: str | None = None) -> LazyResult:
        """:meth:`Tokens.frequencies` by partitions: a lazy result whose ``.compute()`` is the eager table."""
        from ..text.tokenstats import CountTokens

        return run(CountTokens(by=by), self)
