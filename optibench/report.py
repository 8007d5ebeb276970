"""Tables and statistical tests from a results table (one row per run).

Only complete runs (status ``"ok"``) enter the statistics; failed runs are
counted beside them (runs done / failed / planned). Objective statistics are
taken over the feasible complete runs (violation 0) of each problem instance
and algorithm configuration; the feasible-run rate says how many those are.
Comparisons (rank tests, ranks) use feasibility first: an infeasible run
counts as worse than every feasible one (its value is +inf).

A problem instance's reference value carries its status (``optimum_status``):
``proven`` (an optimum), ``best-known`` (the best value any method found) or
``bound`` (a relaxation's bound). Gaps are named after it ("gap to optimum",
"gap to best known", "gap to bound"); a bound is never called an optimum.
Success (a feasible run with ``best_f - reference <= atol + rtol |reference|``,
``atol`` by default the problem's own ``success_atol``) is defined against a
proven optimum or a best-known value only: against a bound it is n/a, since a
bound need not be attainable.

Problem instances are named by their label in the experiment file, else by
their family and non-default parameters (:mod:`optibench.cases`); the
objective's name and unit are the family's (``Problem.objective_name`` and
``objective_unit``). Numbers are written with one format per column
(:mod:`optibench.formatting`); the statistics are :mod:`optibench.statistics`'.

* :func:`summary`: best / worst / mean / std (n - 1) / median, run counts,
  feasible rate, mean evaluations and time, gaps, success rate and the best
  run's decoded solution.
* :func:`reference_lines`: each instance's reference value, status, method and success tolerance.
* :func:`unequal_runs_warnings`: the instances whose configurations have unequal numbers of complete runs.
* :func:`summary_display`, :func:`paper_table`, :func:`paper_display`, :func:`solutions_table`:
  the tables as shown (cells as text).
* :func:`report_text`: all of it as Markdown, CSV or LaTeX (booktabs), with the
  all-pairs tests and the Friedman ranks with their post-hoc test.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .cases import REFERENCE_NOUNS, family, with_case
from .formatting import Formatter, column_format, format_cells, format_table, percent
from .problem import Problem, format_values
from .registry import get_problem
from .statistics import DEFAULT_ALPHA, friedman, pairwise_tests

DEFAULT_RTOL = 0.0
"""Success: relative part of the tolerance ``atol + rtol |reference|`` (0: the absolute tolerance alone)."""
FORMATS = ("markdown", "csv", "latex")
LAYOUTS = ("long", "paper")
PAPER_ROWS = ("best", "worst", "mean", "std", "median", "feasible")
"""Statistics of the paper layout, a row each per algorithm (then the run counts)."""
SUCCESS_STATUSES = ("proven", "best-known")
"""Statuses against which a success rate is defined."""
RUNS_COLUMN = "runs done/failed/planned"
"""Rendered column (and paper-layout row) of the run counts, e.g. ``28/2/30``."""
OBJECTIVE_COLUMNS = ("best", "worst", "mean", "median")
"""Summary columns in objective units, written with one format per column."""
SHORT_DIGITS = 3
"""Significant digits of spreads, gaps, times and p-values."""


def _success_atol(df: pd.DataFrame, atol: float | None) -> pd.Series:
    """Absolute success tolerance of each row: ``atol`` when given, else the row's ``success_atol``."""
    return df["success_atol"] if atol is None else pd.Series(float(atol), index=df.index)


def summary(
    results: pd.DataFrame,
    rtol: float = DEFAULT_RTOL,
    atol: float | None = None,
    planned: Mapping[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """One row per (case, algorithm configuration): run counts and statistics of ``best_f``.

    Args:
        results: results rows (any store version, see :func:`optibench.cases.upgrade_columns`).
        rtol: relative part of the success tolerance ``atol + rtol |reference|``.
        atol: absolute part of the success tolerance; None: each row's
            ``success_atol`` (the problem's declared tolerance).
        planned: planned runs per (case name, label); a configuration listed
            here without rows gets a row with no run done. Default (and for
            configurations not listed): the number of stored rows.

    Columns: case, algorithm, done, failed, planned (run counts), feasible
    (rate over complete runs, 0..1), best, worst, mean, std, median (over
    feasible complete runs), evals (mean), time_s (mean, s); where some case
    has a reference value, for each status present the reference (``optimum``,
    ``best known`` or ``bound``) and its gaps ``best gap to <noun> %`` and
    ``mean gap to <noun> %`` (100 (f - reference) / |reference|, undefined
    for a reference of 0), then ``success`` (rate over complete runs; NaN
    against a bound); last, ``solution``: the decoded best solution of the
    best feasible run as its problem writes it (``Problem.format_solution``),
    null without a feasible run.
    """
    df = with_case(results)
    df["feasible_f"] = df["best_f"].where(df["feasible"])
    tolerance = _success_atol(df, atol) + rtol * df["optimum"].abs()
    df["success"] = df["feasible"] & (df["best_f"] - df["optimum"] <= tolerance)
    groups = df.groupby(["case", "label"], sort=False)
    ok = df[df["complete"]].groupby(["case", "label"], sort=False)
    table = pd.DataFrame({"done": groups["complete"].sum(), "failed": groups.size() - groups["complete"].sum()})
    planned = planned or {}
    missing = [key for key in planned if key not in table.index]
    if missing:
        index = pd.MultiIndex.from_tuples(missing, names=table.index.names)
        table = pd.concat([table, pd.DataFrame(0, index=index, columns=table.columns)])
    table["planned"] = [planned.get(key, done + failed) for key, done, failed in zip(table.index, table["done"], table["failed"])]
    table = table.astype(np.int64)
    stats_ = ok["feasible_f"].agg(["min", "max", "mean", "std", "median"])
    stats_.columns = ["best", "worst", "mean", "std", "median"]
    table["feasible"] = ok["feasible"].sum() / table["done"].where(table["done"] > 0)
    table = table.join(stats_)
    table["evals"] = ok["n_evals"].mean()
    table["time_s"] = ok["time_s"].mean()
    if df["optimum"].notna().any():
        reference = groups[["optimum", "optimum_status"]].first().reindex(table.index)
        for status, noun in REFERENCE_NOUNS.items():
            value = reference["optimum"].where(reference["optimum_status"] == status)
            if value.notna().any():
                scale = value.abs().where(value != 0)
                table[noun] = value
                table[f"best gap to {noun} %"] = 100 * (table["best"] - value) / scale
                table[f"mean gap to {noun} %"] = 100 * (table["mean"] - value) / scale
        defined = reference["optimum_status"].isin(SUCCESS_STATUSES)
        table["success"] = (ok["success"].sum() / table["done"].where(table["done"] > 0)).where(defined)
    # a multi-objective run has a front, not one best solution (no score)
    feasible = df[df["feasible"] & df["best_x"].notna() & df["score"].notna()] if "best_x" in df else df.iloc[:0]
    best_runs = feasible.loc[feasible.groupby(["case", "label"], sort=False)["score"].idxmin()]
    texts = _SolutionText()
    solutions = {(r.case, r.label): texts(r.problem, r.instance, r.best_x) for r in best_runs.itertuples()}
    table["solution"] = pd.Series(solutions, dtype=object).reindex(table.index)
    return table.rename_axis(["case", "label"]).reset_index().rename(columns={"label": "algorithm"})


class _SolutionText:
    """Decoded solutions as text, each problem instance built once (:func:`format_values` when it cannot be built)."""

    def __init__(self) -> None:
        self.problems: dict[tuple[str, str], Problem | None] = {}

    def __call__(self, problem: str, instance: str, x: ArrayLike) -> str:
        key = (problem, instance)
        if key not in self.problems:
            try:
                self.problems[key] = get_problem(problem, **json.loads(instance))
            except (KeyError, TypeError, ValueError):  # a family no longer installed or changed since the runs
                self.problems[key] = None
        built = self.problems[key]
        return format_values(x) if built is None else built.format_solution(x)


def run_counts(table: pd.DataFrame) -> pd.Series:
    """``done/failed/planned`` of each row of a :func:`summary`, e.g. ``"28/2/30"``."""
    return table["done"].astype(str) + "/" + table["failed"].astype(str) + "/" + table["planned"].astype(str)


def unequal_runs_warnings(table: pd.DataFrame) -> list[str]:
    """One warning line per case of a :func:`summary` whose configurations have unequal numbers of complete runs."""
    lines = []
    for case, sub in table.groupby("case", sort=False):
        if sub["done"].nunique() > 1:
            counts = ", ".join(f"{a} {d}" for a, d in zip(sub["algorithm"], sub["done"]))
            lines.append(
                f"Warning: unequal numbers of complete runs in {case} ({counts}); "
                "the rank tests and Friedman ranks compare samples of different sizes."
            )
    return lines


def reference_lines(results: pd.DataFrame, rtol: float = DEFAULT_RTOL, atol: float | None = None) -> list[str]:
    """One line per case: its reference value, status and method, and the success tolerance used (with the objective's unit).

    ``atol`` None: the rows' ``success_atol`` (the problem's tolerance), else the override.
    """
    df = with_case(results)
    units = {case: f" {unit}" if unit else "" for case, (_, unit) in objectives(results).items()}
    lines = []
    for case, rows in df.groupby("case", sort=False):
        known = rows[rows["optimum"].notna()]
        if known.empty:
            lines.append(f"{case}: no known optimum or bound; no gap, no success rate.")
            continue
        first = known.iloc[0]
        status, value = first["optimum_status"], first["optimum"]
        noun = REFERENCE_NOUNS[status]
        method = first["optimum_method"] if pd.notna(first["optimum_method"]) and first["optimum_method"] else "not recorded"
        line = f"{case}: {noun} {value:.10g}{units[case]} (status {status}, method: {method}); "
        if status not in SUCCESS_STATUSES:
            lines.append(line + "success rate n/a (not defined against a bound).")
            continue
        tol = _success_atol(known, atol).iloc[0]
        source = "the problem's tolerance" if atol is None else "set for this report"
        relative = f" + {rtol:g} x |{noun}|" if rtol else ""
        lines.append(line + f"success: feasible and best - {noun} <= {tol:g}{units[case]}{relative} ({source}).")
    return lines


def objectives(results: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """The objective of each case: (name, unit) declared by its problem family (``("objective", "")`` if not installed)."""
    out: dict[str, tuple[str, str]] = {}
    df = with_case(results)
    for case, problem in zip(df["case"], df["problem"]):
        if case not in out:
            cls = family(problem)
            out[case] = (getattr(cls, "objective_name", "objective"), getattr(cls, "objective_unit", ""))
    return out


def _label(name: str, unit: str) -> str:
    """``"loss (kW)"``, or the name alone without a unit."""
    return f"{name} ({unit})" if unit else name


def shared_unit(objective: Mapping[str, tuple[str, str]]) -> str:
    """The unit of every case's objective, as a column-header suffix ``" (kW)"``; empty when they differ or have none."""
    units = {unit for _, unit in objective.values()}
    return f" ({units.pop()})" if len(units) == 1 and "" not in units else ""


def objective_note(objective: Mapping[str, tuple[str, str]]) -> str:
    """One line naming the objective (and unit) of the cases: ``"Objective: loss (kW)."``."""
    labels = {case: _label(*pair) for case, pair in objective.items()}
    if len(set(labels.values())) == 1:
        return f"Objective: {next(iter(labels.values()))}."
    return "Objectives: " + "; ".join(f"{case}: {label}" for case, label in labels.items()) + "."


def _formats(table: pd.DataFrame) -> dict[str, Formatter]:
    """The formatter of each numeric column of a :func:`summary` (one per column, see :mod:`optibench.formatting`)."""
    formats: dict[str, Formatter] = {"feasible": percent, "success": percent}
    for name in table.columns:
        if name in OBJECTIVE_COLUMNS or name in REFERENCE_NOUNS.values() or name == "evals":
            formats[name] = column_format(table[name].to_numpy(dtype=np.float64))
        elif name in ("std", "time_s") or name.endswith(" %"):
            formats[name] = column_format(table[name].to_numpy(dtype=np.float64), SHORT_DIGITS)
    return formats


def summary_display(table: pd.DataFrame, unit: str = "") -> pd.DataFrame:
    """The long layout of a :func:`summary` as shown: text cells, one number format per column.

    Columns: case, algorithm, :data:`RUNS_COLUMN`, feasible, best, worst,
    mean ± std, median (headers followed by ``unit``, e.g. ``" (kW)"``),
    success, evals, time (s), then the reference values and gaps.
    """
    formats = _formats(table)
    cells = format_cells(table.drop(columns=["solution"]), formats)
    mean_std = [
        f"{formats['mean'](m)} ± {formats['std'](d)}" if pd.notna(d) else formats["mean"](m)
        for m, d in zip(table["mean"], table["std"])
    ]
    shown = pd.DataFrame({"case": table["case"], "algorithm": table["algorithm"], RUNS_COLUMN: run_counts(table)})
    shown["feasible"] = cells["feasible"]
    for name in ("best", "worst"):
        shown[name + unit] = cells[name]
    shown["mean ± std" + unit] = mean_std
    shown["median" + unit] = cells["median"]
    if "success" in cells:
        shown["success"] = cells["success"]
    shown["evals"] = cells["evals"]
    shown["time (s)"] = cells["time_s"]
    references = [c for c in table.columns if c in REFERENCE_NOUNS.values() or c.endswith(" %")]
    return pd.concat([shown, cells[references]], axis=1)


def solutions_table(table: pd.DataFrame, unit: str = "") -> pd.DataFrame:
    """The best feasible run's value and decoded solution of each (case, algorithm) of a :func:`summary` that has one."""
    rows = table[table["solution"].notna()]
    best = column_format(rows["best"].to_numpy(dtype=np.float64))
    columns = {"case": rows["case"], "algorithm": rows["algorithm"], "best" + unit: rows["best"].map(best)}
    return pd.DataFrame({**columns, "solution": rows["solution"]})


def paper_table(table: pd.DataFrame) -> pd.DataFrame:
    """The paper layout of a :func:`summary`: rows (algorithm, statistic), one column per case, numbers.

    The statistics are :data:`PAPER_ROWS` and the run counts (:data:`RUNS_COLUMN`, ``done/failed/planned``).
    """
    statistics = [*PAPER_ROWS, RUNS_COLUMN]
    table = table.assign(**{RUNS_COLUMN: run_counts(table)})
    long = table.melt(id_vars=["case", "algorithm"], value_vars=statistics, var_name="statistic")
    wide = long.pivot(index=["algorithm", "statistic"], columns="case", values="value")
    rows = pd.MultiIndex.from_product([table["algorithm"].unique(), statistics])
    wide = wide.reindex(index=rows, columns=table["case"].unique())
    return wide.rename_axis(index=["algorithm", "statistic"], columns=None).reset_index()


def paper_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`paper_table` as shown: in each case's column, one format for best / worst / mean / median,
    one for std, percentages for the feasible rate."""
    wide = paper_table(table)
    shown = wide.astype(object)
    for case in wide.columns[2:]:
        for rows, fmt in _paper_formats(wide, case):
            shown.loc[rows, case] = [fmt(float(v)) if pd.notna(v) else "–" for v in wide.loc[rows, case]]
    return shown


def _paper_formats(wide: pd.DataFrame, case: str) -> list[tuple[pd.Series, Formatter]]:
    """(row mask, formatter) of the statistics of one case's column of a :func:`paper_table`."""
    statistic = wide["statistic"]
    objective = statistic.isin(OBJECTIVE_COLUMNS)
    values = pd.to_numeric(wide[case], errors="coerce")
    return [
        (objective, column_format(values[objective].to_numpy(dtype=np.float64))),
        (statistic == "std", column_format(values[statistic == "std"].to_numpy(dtype=np.float64), SHORT_DIGITS)),
        (statistic == "feasible", percent),
    ]


def tests_display(tests: pd.DataFrame) -> pd.DataFrame:
    """A :func:`optibench.statistics.pairwise_tests` table as shown: p-values to 3 digits, A12 to 2 decimals."""
    formats = {name: column_format(tests[name].to_numpy(dtype=np.float64), SHORT_DIGITS) for name in ("p", "p_holm")}
    return format_cells(tests, {**formats, "A12": lambda v: f"{v:.2f}"})


def posthoc_display(pvalues: pd.DataFrame) -> pd.DataFrame:
    """A matrix of post-hoc p-values (configurations x configurations) as shown: an ``algorithm`` column, 3 digits."""
    fmt = column_format(pvalues.to_numpy(dtype=np.float64), SHORT_DIGITS)
    return format_cells(pvalues.rename_axis("algorithm").reset_index(), dict.fromkeys(pvalues.columns, fmt))


def report_text(
    results: pd.DataFrame,
    fmt: str = "markdown",
    layout: str = "long",
    *,
    title: str = "Results",
    notes: tuple[str, ...] = (),
    rtol: float = DEFAULT_RTOL,
    atol: float | None = None,
    alpha: float = DEFAULT_ALPHA,
    planned: Mapping[tuple[str, str], int] | None = None,
) -> str:
    """The report: the summary table (``layout`` "long" or "paper") and, except for CSV, the solutions and tests.

    Under the table, a line per case gives its reference value, status,
    method and the success tolerance (:func:`reference_lines`); then the best
    solution of each algorithm, the all-pairs tests with their effect sizes
    (:func:`optibench.statistics.pairwise_tests`, preceded by a warning line
    per case whose configurations have unequal numbers of complete runs) and,
    over two or more instances, the Friedman test, mean ranks and Nemenyi
    post-hoc p-values (:func:`optibench.statistics.friedman`). ``notes`` are
    lines printed under the title; in LaTeX, headings and prose are comments.
    ``rtol``, ``atol``, ``planned``: see :func:`summary`. CSV: the summary
    (or paper) table alone, numbers unrounded.
    """
    if fmt not in FORMATS or layout not in LAYOUTS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} and layout one of {', '.join(LAYOUTS)}")
    table = summary(results, rtol, atol, planned)
    if fmt == "csv":
        return (paper_table(table) if layout == "paper" else table).to_csv(index=False)
    objective = objectives(results)
    unit = shared_unit(objective)
    shown = paper_display(table) if layout == "paper" else summary_display(table, unit)
    solutions = solutions_table(table, unit)
    tests = pairwise_tests(results, alpha)
    fried = friedman(results, alpha)
    warnings = unequal_runs_warnings(table)
    ranks = None
    if fried.ranked:
        ranks = format_cells(
            fried.mean_ranks.rename_axis("algorithm").reset_index(),
            {"mean rank": column_format(fried.mean_ranks.to_numpy(), SHORT_DIGITS)},
        )
    posthoc = posthoc_display(fried.posthoc) if fried.ranked else None
    sections: list[tuple[str, list[str], pd.DataFrame | None, list[str]] | None] = [  # (heading, prose, table, below)
        (title, list(notes), None, []),
        (
            "Objective over feasible runs",
            [
                objective_note(objective),
                "Runs done (complete) / failed / planned; rates over complete runs, objective statistics over the "
                "feasible ones (mean ± standard deviation with n - 1); evals and time (s): means per run.",
            ],
            shown,
            reference_lines(results, rtol, atol),
        ),
        (
            "Best solution of each algorithm",
            ["The best feasible run's solution, decoded."],
            solutions if len(solutions) else None,
            [],
        ),
        (
            f"All-pairs Wilcoxon tests, two-sided (Holm-corrected per instance, alpha = {alpha})",
            warnings
            + [
                "Signed-rank test where both configurations ran the same seeds, rank-sum test otherwise; "
                "A12: Vargha-Delaney probability that algorithm beats versus (0.5: no difference)."
            ]
            + ([] if len(tests) else ["Not applicable: one algorithm per instance."]),
            tests_display(tests) if len(tests) else None,
            [],
        ),
        ("Friedman test and mean ranks over instances", [fried.describe()], ranks, []),
        ("Nemenyi post-hoc test over instances (p-values)", [], posthoc, []) if fried.ranked else None,
    ]
    parts = []
    for i, (heading, prose, df, below) in enumerate(section for section in sections if section is not None):
        if fmt == "markdown":
            parts.append("\n\n".join([f"{'#' if i == 0 else '##'} {heading}", *prose]))
        else:
            parts.append("\n".join(f"% {line}" for line in [heading, *prose]))
        if df is not None:
            parts.append(format_table(df, fmt))
        if below:
            parts.append("\n".join(f"- {line}" if fmt == "markdown" else f"% {line}" for line in below))
    return "\n\n".join(parts) + "\n"
