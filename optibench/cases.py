"""The problem instances ("cases") of a results table: names, complete runs, feasibility-first scores.

A case is shown by its label when the experiment file gives one (the
results column :data:`LABEL_COLUMN`, filled in by the report from the
folder's ``experiment.toml``), else by the problem family's name and the
instance parameters that differ from the family's defaults
(``evcs-placement case=2``). Comparisons use feasibility first: an
infeasible run's score is +inf, worse than every feasible one.
"""

from __future__ import annotations

import inspect
import json
from typing import Any

import numpy as np
import pandas as pd

from .registry import registered

LABEL_COLUMN = "instance_label"
"""Results column (not stored) with each row's instance label, or null for the default name."""
LEGACY_ATOL = 1e-6
"""Success: the absolute tolerance (objective units) of rows that record none, the former default."""
REFERENCE_NOUNS = {"proven": "optimum", "best-known": "best known", "bound": "bound"}
"""What a reference value of each ``optimum_status`` is called in tables."""
RUN_STATUSES = ("ok", "failed")
"""Values of a results row's ``status``: a complete run, or one that raised (counted, not used)."""


def legacy_optimum_status(is_bound: object, optimum: object) -> str | None:
    """``optimum_status`` of a row written before the column existed, from its ``optimum_is_bound`` and ``optimum``.

    "bound" when the former flag says so, else "best-known" (what proved the
    value was not recorded, so it is not claimed); None without an optimum.
    """
    if optimum is None or pd.isna(optimum):
        return None
    return "bound" if not pd.isna(is_bound) and bool(is_bound) else "best-known"


def family(problem: str) -> Any:
    """The registered class of the problem family ``problem``, or None when it is not installed (a plug-in removed)."""
    try:
        return registered("problems", problem)
    except KeyError:
        return None


def case_name(problem: str, instance: str) -> str:
    """Default display name of a problem instance from its family name and instance JSON: ``sphere dim=10``.

    Parameters equal to the family's default are left out; every parameter
    is shown when the family is not installed.
    """
    params = json.loads(instance)
    factory = family(problem)
    signature = inspect.signature(factory).parameters if factory is not None else {}
    defaults = {k: p.default for k, p in signature.items() if p.default is not inspect.Parameter.empty}
    shown = [f"{k}={v}" for k, v in params.items() if k not in defaults or _as_json(defaults[k]) != v]
    return " ".join([problem, *shown])


def _as_json(value: object) -> object:
    """``value`` as it reads back from the stored instance JSON (tuples become lists)."""
    return json.loads(json.dumps(value, default=list))


def upgrade_columns(results: pd.DataFrame) -> pd.DataFrame:
    """``results`` with the columns of the current store, filled in for folders written before them.

    * ``status`` missing or null: ``"ok"`` (older stores kept no failed runs).
    * ``optimum_status`` missing or null where an optimum is given:
      :func:`legacy_optimum_status` (the rule the store applies when it reads such a file).
    * ``optimum_method`` missing: null; ``success_atol`` missing or null: :data:`LEGACY_ATOL`.

    Raises ValueError naming the column when ``status`` or ``optimum_status`` holds an unknown value.
    """

    def column(name: str, fill: object = None) -> pd.Series:
        """Column ``name`` with its nulls (or all of it, when missing) replaced by ``fill``."""
        given = results[name] if name in results else pd.Series(None, index=results.index, dtype=object)
        return given.where(given.notna(), fill)

    is_bound = column("optimum_is_bound", False)
    legacy = pd.Series(
        [legacy_optimum_status(*pair) for pair in zip(is_bound, results["optimum"])], index=results.index, dtype=object
    )
    df = results.assign(
        status=column("status", "ok"),
        optimum_status=column("optimum_status", legacy),
        optimum_method=column("optimum_method"),
        success_atol=column("success_atol", LEGACY_ATOL).astype(np.float64),
    )
    for name, allowed in (("status", RUN_STATUSES), ("optimum_status", tuple(REFERENCE_NOUNS))):
        unknown = sorted(set(df[name].dropna()) - set(allowed))
        if unknown:
            raise ValueError(
                f"results column {name!r}: unknown value(s) {', '.join(map(repr, unknown))}; expected {', '.join(allowed)}"
            )
    return df


def with_case(results: pd.DataFrame) -> pd.DataFrame:
    """Upgraded rows (:func:`upgrade_columns`) with ``case`` (display name), ``complete`` (status ok),
    ``feasible`` (complete, violation 0) and ``score`` (``best_f`` if feasible, else +inf)."""
    df = upgrade_columns(results)
    names = {key: case_name(*key) for key in set(zip(df["problem"], df["instance"]))}
    cases = pd.Series([names[key] for key in zip(df["problem"], df["instance"])], index=df.index, dtype=object)
    if LABEL_COLUMN in df:
        cases = df[LABEL_COLUMN].where(df[LABEL_COLUMN].notna(), cases)
    complete = df["status"] == "ok"
    feasible = complete & (df["violation"] <= 0)
    score = df["best_f"].astype(np.float64).where(feasible, np.inf)
    return df.assign(case=cases, complete=complete, feasible=feasible, score=score)


def complete_runs(results: pd.DataFrame) -> pd.DataFrame:
    """The complete runs of ``results`` with their case name, feasibility and score (see :func:`with_case`)."""
    df = with_case(results)
    return df[df["complete"]]
