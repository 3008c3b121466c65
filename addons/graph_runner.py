"""Rasa's model graph run node after node in this process, without dask's scheduler (issue 19).

Rasa 3.6 runs its model graph (the NLU pipeline for each message, the policies for each prediction:
about three runs a message) with `dask.get`, dask's synchronous scheduler: it runs the nodes one by
one in this thread, with scheduling state kept for every task (about 1 to 2 ms a message of the
scheduler's own work measured under cProfile at 4 ms). `run` here is Rasa's `DaskGraphRunner.run`
with `dask.get` replaced by `get`: each target's node is called with the results of the nodes it
needs, each node once a run (every node of the graph, as dask), exactly as dask calls them (the same task tuples Rasa builds,
with dask's rules for arguments: a key of the graph is replaced by its result, a list is gone
through, anything else is passed as it is). A node's exception reaches Rasa as from dask (a
RuntimeError becomes Rasa's GraphRunError).

Installed by addons.rasa_speedups.install() (`MEDWAY_RASA_SPEEDUPS=0` leaves Rasa as it is).
"""
from __future__ import annotations

import logging
from typing import Any, Hashable, Optional

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

logger = logging.getLogger("rasa.engine.runner.dask")
_original_run = DaskGraphRunner.run


def _is_task(value: Any) -> bool:
    return type(value) is tuple and bool(value) and callable(value[0])  # dask.core.istask


def get(graph: dict[Hashable, Any], targets: list[Hashable]) -> tuple[Any, ...]:
    """dask.get(graph, targets) for a graph of tasks and literals, computed in this thread (the order of
    nodes that do not need each other may differ from dask's: Rasa's nodes only pass results on)."""
    results: dict[Hashable, Any] = {}

    def argument(value: Any) -> Any:
        if isinstance(value, list):
            return [argument(item) for item in value]
        if _is_task(value):
            return value[0](*(argument(item) for item in value[1:]))
        try:
            known = value in graph
        except TypeError:  # not hashable: passed as it is
            return value
        return compute(value) if known else value

    def compute(key: Hashable) -> Any:
        if key not in results:
            task = graph[key]  # a task, a list, another key or a literal, as dask reads it
            results[key] = argument(task)
        return results[key]

    for key in graph:  # dask runs every task of the graph, needed by a target or not (Rasa's have none unneeded)
        compute(key)
    return tuple(compute(target) for target in targets)


def run(self: DaskGraphRunner, inputs: Optional[dict[str, Any]] = None,
        targets: Optional[list[str]] = None) -> dict[str, Any]:
    """DaskGraphRunner.run, with `get` above in place of dask.get."""
    run_targets = targets if targets else self._graph_schema.target_names
    minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(minimal_schema)
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} and {self._execution_context}.")
    try:
        return dict(get(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def install() -> None:
    DaskGraphRunner.run = run  # type: ignore[method-assign]
