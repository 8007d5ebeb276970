"""Audit of a results folder: do the stored rows and report still come out of the code?

A stored table is only worth citing if the code that is committed beside it
produces it. :func:`audit_folder` re-runs a few stored runs from their
recorded identity and seed (``optibench.minimize`` with the folder's
evaluation budget) and compares the outcome with the stored row, then
regenerates the folder's ``report.md`` from its Parquet file and compares the
text. ``optibench audit OUTDIR`` runs it from the command line.

Floating-point results are compared in units in the last place (ULP):
``max_ulp=0`` asks for bit-identical values; a folder whose runs go through
BLAS (whose summation order may change with the library build) may state a
small tolerance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .experiment import load_experiment
from .minimize import minimize
from .registry import get_algorithm, get_problem
from .store import ResultStore

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class AuditResult:
    """What :func:`audit_folder` compared and what differed.

    Attributes:
        folder: the results folder.
        runs: the ``(label, run, seed)`` of each re-run row.
        mismatches: one line per difference (empty when everything matches).
    """

    folder: Path
    runs: list[tuple[str, int, int]] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def audit_folder(folder: str | Path, n_runs: int = 2, max_ulp: int = 0) -> AuditResult:
    """Re-run ``n_runs`` stored runs of ``folder`` and regenerate its report; see the module docstring.

    The runs chosen are the fastest successful run of each of the first
    ``n_runs`` configurations (by label), so an audit stays cheap and covers
    more than one algorithm.

    Args:
        folder: a results folder written by ``optibench run`` (experiment.toml
            and the Parquet files).
        n_runs: how many stored runs to re-run.
        max_ulp: largest difference allowed, in units in the last place, in
            best_f, best_x, history and front_f.
    """
    store = ResultStore(folder)
    result = AuditResult(Path(folder))
    rows = store.read()
    max_evals = load_experiment(store.experiment_file).max_evals
    for row in _rows_to_rerun(rows, n_runs):
        result.runs.append((row["label"], int(row["run"]), int(row["seed"])))
        result.mismatches += _compare_run(row, max_evals, max_ulp)
    from .cli.report import REPORT_FILE, folder_report

    report = Path(folder) / REPORT_FILE
    if report.is_file():
        if folder_report(store) != report.read_text(encoding="utf-8"):
            result.mismatches.append(f"{report}: differs from the report regenerated from the stored runs")
    return result


def _rows_to_rerun(rows: pd.DataFrame, n_runs: int) -> list[dict[str, Any]]:
    """The fastest successful row of each of the first ``n_runs`` labels (dict rows)."""
    if "status" in rows:
        rows = rows[rows["status"] == "ok"]
    chosen = []
    for _, group in rows.groupby("label", sort=True):
        chosen.append(group.sort_values(["time_s", "run"], kind="stable").iloc[0].to_dict())
        if len(chosen) == n_runs:
            break
    return chosen


def _compare_run(row: dict, max_evals: int, max_ulp: int) -> list[str]:
    """Re-run one stored row; a line per column that differs."""
    problem = get_problem(row["problem"], **json.loads(row["instance"]))
    optimizer = get_algorithm(row["algorithm"], **json.loads(row["params"]))
    rerun = minimize(problem, optimizer, max_evals, seed=int(row["seed"]))
    where = f"{row['problem']} {row['instance']} {row['label']} run {row['run']} (seed {row['seed']})"
    fresh: dict[str, Any] = {
        "best_f": np.nan if rerun.f is None else rerun.f,
        "best_x": rerun.x,
        "history": rerun.history,
        "front_f": rerun.front_F,
        "n_evals": rerun.n_evals,
    }
    out = []
    for column, value in fresh.items():
        stored = row[column]
        if stored is None and value is None:
            continue
        if stored is None or value is None or not _within_ulp(stored, value, max_ulp):
            out.append(f"{where}: {column} stored {_short(stored)}, re-run gives {_short(value)}")
    return out


def _within_ulp(a: object, b: object, max_ulp: int) -> bool:
    """Same shape, NaN where the other is NaN, and at most ``max_ulp`` apart elsewhere."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    nan_a, nan_b = np.isnan(a), np.isnan(b)
    if not np.array_equal(nan_a, nan_b):
        return False
    a, b = a[~nan_a], b[~nan_b]
    if max_ulp == 0:
        return bool(np.array_equal(a, b))
    try:
        np.testing.assert_array_max_ulp(a, b, maxulp=max_ulp)
    except AssertionError:
        return False
    return True


def _short(value: object) -> str:
    text = np.array2string(np.asarray(value), precision=17, threshold=6) if value is not None else "None"
    return text if len(text) < 200 else text[:197] + "..."
