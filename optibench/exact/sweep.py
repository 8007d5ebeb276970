"""Many exact baselines in parallel: one joblib task (a loky process) per instance, through the registry."""

from __future__ import annotations

from typing import Any

from joblib import Parallel, delayed

from ..registry import get_problem


def exact_summary(problem: str, instance: dict, options: dict) -> dict:
    """The exact baseline of one instance of the registered ``problem``: ``get_problem(...).exact(**options)``."""
    family: Any = get_problem(problem, **instance)  # exact() is a method only the families with a baseline offer
    return family.exact(**options)


def solve_many(problem: str, instances: list[dict], n_jobs: int = -1, **options) -> list[dict]:
    """:func:`exact_summary` of every instance of ``problem``, ``n_jobs`` processes at once (-1: one per CPU).

    The summaries come back in the order of ``instances``.
    """
    return Parallel(n_jobs=n_jobs)(delayed(exact_summary)(problem, instance, options) for instance in instances)
