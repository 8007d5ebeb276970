"""Many exact solves in parallel: one joblib task (a loky process) per instance."""
from __future__ import annotations

from joblib import Parallel, delayed


def solve_many(solve, instances: list[dict], n_jobs: int = -1) -> list[dict]:
    """``solve(**instance)`` for every instance, ``n_jobs`` processes at once (-1: one per CPU).

    ``solve`` must be importable by the worker processes (a module-level
    function, as in :data:`optibench.cli.exact.SOLVERS`); the results come
    back in the order of ``instances``.
    """
    return Parallel(n_jobs=n_jobs)(delayed(solve)(**instance) for instance in instances)
