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

* :func:`upgrade_columns`: a results table of any store version with the columns read here.
* :func:`summary`: best / worst / mean / std (n - 1) / median, run counts,
  feasible rate, mean evaluations and time, gaps and success rate.
* :func:`reference_lines`: each instance's reference value, status, method and success tolerance.
* :func:`unequal_runs_warnings`: the instances whose configurations have unequal numbers of complete runs.
* :func:`rank_sum_tests`: Wilcoxon rank-sum test of each algorithm against the
  best one (lowest median) per instance, Holm-corrected.
* :func:`friedman`: Friedman test over instances (on medians) with mean ranks.
* :func:`report_text`: all of it as Markdown, CSV or LaTeX (booktabs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_RTOL = 0.0
"""Success: relative part of the tolerance ``atol + rtol |reference|`` (0: the absolute tolerance alone)."""
LEGACY_ATOL = 1e-6
"""Success: the absolute tolerance (objective units) of rows that record none, the former default."""
DEFAULT_ALPHA = 0.05
"""Significance level of the rank-sum tests after Holm correction."""
FORMATS = ("markdown", "csv", "latex")
LAYOUTS = ("long", "paper")
PAPER_ROWS = ("best", "worst", "mean", "std")
REFERENCE_NOUNS = {"proven": "optimum", "best-known": "best known", "bound": "bound"}
"""What a reference value of each ``optimum_status`` is called in tables."""
SUCCESS_STATUSES = ("proven", "best-known")
"""Statuses against which a success rate is defined."""
RUNS_COLUMN = "runs done/failed/planned"
"""Rendered column (and paper-layout row) of the run counts, e.g. ``28/2/30``."""
RUN_STATUSES = ("ok", "failed")
"""Values of a results row's ``status``: a complete run, or one that raised (counted, not used)."""


def case_name(problem: str, instance: str) -> str:
    """Display name of a problem instance: ``sphere dim=10`` from the name and the instance JSON."""
    params = json.loads(instance)
    return " ".join([problem, *(f"{k}={v}" for k, v in params.items())])


def upgrade_columns(results: pd.DataFrame) -> pd.DataFrame:
    """``results`` with the columns of the current store, filled in for folders written before them.

    * ``status`` missing or null: ``"ok"`` (older stores kept no failed runs).
    * ``optimum_status`` missing or null where an optimum is given: ``"bound"``
      when ``optimum_is_bound`` says so, else ``"best-known"`` (older stores
      did not record whether the value was proven, so it is not claimed).
    * ``optimum_method`` missing: null; ``success_atol`` missing or null: :data:`LEGACY_ATOL`.

    Raises ValueError naming the column when ``status`` or ``optimum_status`` holds an unknown value.
    """

    def column(name, fill=None):
        """Column ``name`` with its nulls (or all of it, when missing) replaced by ``fill``."""
        given = results[name] if name in results else pd.Series(None, index=results.index, dtype=object)
        return given.where(given.notna(), fill)

    is_bound = column("optimum_is_bound", False).astype(bool)
    legacy = is_bound.map({True: "bound", False: "best-known"}).where(results["optimum"].notna())
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


def _with_case(results: pd.DataFrame) -> pd.DataFrame:
    """Upgraded rows with the case name, ``complete`` (status ok), ``feasible`` and ``score`` (+inf unless feasible)."""
    df = upgrade_columns(results)
    cases = [case_name(p, i) for p, i in zip(df["problem"], df["instance"])]
    complete = df["status"] == "ok"
    feasible = complete & (df["violation"] <= 0)
    score = df["best_f"].astype(np.float64).where(feasible, np.inf)
    return df.assign(case=cases, complete=complete, feasible=feasible, score=score)


def _complete(results: pd.DataFrame) -> pd.DataFrame:
    """The complete runs of ``results`` with their case name, feasibility and score (see :func:`_with_case`)."""
    df = _with_case(results)
    return df[df["complete"]]


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
        results: results rows (any store version, see :func:`upgrade_columns`).
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
    against a bound).
    """
    df = _with_case(results)
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
    return table.rename_axis(["case", "label"]).reset_index().rename(columns={"label": "algorithm"})


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
    """One line per case: its reference value, status and method, and the success tolerance used.

    ``atol`` None: the rows' ``success_atol`` (the problem's tolerance), else the override.
    """
    df = _with_case(results)
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
        line = f"{case}: {noun} {value:.10g} (status {status}, method: {method}); "
        if status not in SUCCESS_STATUSES:
            lines.append(line + "success rate n/a (not defined against a bound).")
            continue
        tol = _success_atol(known, atol).iloc[0]
        source = "the problem's tolerance" if atol is None else "set for this report"
        relative = f" + {rtol:g} x |{noun}|" if rtol else ""
        lines.append(line + f"success: feasible and best - {noun} <= {tol:g}{relative} ({source}).")
    return lines


def paper_table(table: pd.DataFrame) -> pd.DataFrame:
    """The paper layout of a :func:`summary`: rows (algorithm, statistic), one column per case.

    The statistics are :data:`PAPER_ROWS` and the run counts (:data:`RUNS_COLUMN`, ``done/failed/planned``).
    """
    statistics = [*PAPER_ROWS, RUNS_COLUMN]
    table = table.assign(**{RUNS_COLUMN: run_counts(table)})
    long = table.melt(id_vars=["case", "algorithm"], value_vars=statistics, var_name="statistic")
    wide = long.pivot(index=["algorithm", "statistic"], columns="case", values="value")
    rows = pd.MultiIndex.from_product([table["algorithm"].unique(), statistics])
    wide = wide.reindex(index=rows, columns=table["case"].unique())
    return wide.rename_axis(index=["algorithm", "statistic"], columns=None).reset_index()


def holm(pvalues) -> np.ndarray:
    """Holm-Bonferroni adjusted p-values, in the order given."""
    p = np.asarray(pvalues, dtype=np.float64)
    order = np.argsort(p)
    m = len(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return out


def rank_sum_tests(results: pd.DataFrame, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """Wilcoxon rank-sum test of each algorithm against the best one of each case.

    The best algorithm has the lowest median value (feasibility first; ties
    broken by the mean). p-values are Holm-corrected within each case.
    Columns: case, algorithm, best, statistic (positive: worse than the
    best), p, p_holm, result ("worse", "better" or "no difference" at ``alpha``).
    Only complete runs are compared; a configuration without one is not tested.
    """
    rows = []
    for case, sub in _complete(results).groupby("case", sort=False):
        scores = {label: g["score"].to_numpy() for label, g in sub.groupby("label", sort=False)}
        best = min(scores, key=lambda label: (np.median(scores[label]), np.mean(scores[label])))
        others = [label for label in scores if label != best]
        tests = [stats.ranksums(scores[label], scores[best]) for label in others]
        adjusted = holm([t.pvalue for t in tests])
        for label, test, p_holm in zip(others, tests, adjusted):
            significant = p_holm < alpha
            result = ("worse" if test.statistic > 0 else "better") if significant else "no difference"
            rows.append([case, label, best, test.statistic, test.pvalue, p_holm, result])
    return pd.DataFrame(rows, columns=["case", "algorithm", "best", "statistic", "p", "p_holm", "result"])


@dataclass(frozen=True)
class FriedmanResult:
    """Friedman test of algorithms over cases (blocks) on each case's median value.

    Attributes:
        mean_ranks: mean rank of each algorithm over cases (1 = best), ascending.
        n_cases, n_algorithms: size of the comparison.
        statistic, pvalue: the test, or NaN when not applicable.
        left_out: cases left out because a configuration has no complete run there.
    """

    mean_ranks: pd.Series
    n_cases: int
    n_algorithms: int
    statistic: float
    pvalue: float
    left_out: tuple[str, ...] = ()

    @property
    def applicable(self) -> bool:
        """The test needs at least 3 algorithms and 2 cases."""
        return self.n_algorithms >= 3 and self.n_cases >= 2

    def describe(self) -> str:
        """The test's outcome in one sentence, and the cases left out if any."""
        if not self.applicable:
            text = (
                "Friedman test not applicable: it needs at least 3 algorithms and 2 problem instances "
                f"(here {self.n_algorithms} algorithm(s), {self.n_cases} instance(s))."
            )
        else:
            text = (
                f"Friedman chi-square = {_number(self.statistic)}, p = {_number(self.pvalue, 3)} "
                f"({self.n_algorithms} algorithms, {self.n_cases} instances)."
            )
        if self.left_out:
            text += f" Left out (a configuration has no complete run there): {', '.join(self.left_out)}."
        return text


def friedman(results: pd.DataFrame) -> FriedmanResult:
    """Friedman test and mean ranks of the algorithms over cases (see :class:`FriedmanResult`)."""
    df = _complete(results)
    labels = list(_with_case(results)["label"].unique())
    medians = df.pivot_table(index="case", columns="label", values="score", aggfunc="median", sort=False)
    medians = medians.reindex(columns=labels)
    incomplete = medians.isna().any(axis=1)
    medians = medians[~incomplete]
    mean_ranks = medians.rank(axis=1).mean().sort_values().rename("mean rank")
    n_cases, n_algorithms = medians.shape
    statistic = pvalue = np.nan
    if n_algorithms >= 3 and n_cases >= 2:
        statistic, pvalue = stats.friedmanchisquare(*(medians[c].to_numpy() for c in medians.columns))
    return FriedmanResult(mean_ranks, n_cases, n_algorithms, float(statistic), float(pvalue), tuple(incomplete.index[incomplete]))


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
    """The report: the summary table (``layout`` "long" or "paper") and, except for CSV, the tests.

    Under the table, a line per case gives its reference value, status,
    method and the success tolerance (:func:`reference_lines`); before the
    tests, a warning line per case whose configurations have unequal numbers
    of complete runs. ``notes`` are lines printed under the title; in LaTeX,
    headings and prose are comments. ``rtol``, ``atol``, ``planned``: see :func:`summary`.
    """
    if fmt not in FORMATS or layout not in LAYOUTS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} and layout one of {', '.join(LAYOUTS)}")
    table = summary(results, rtol, atol, planned)
    shown = paper_table(table) if layout == "paper" else table
    if fmt == "csv":
        return shown.to_csv(index=False)
    if layout == "long":
        shown = table.drop(columns=["done", "failed", "planned"])
        shown.insert(2, RUNS_COLUMN, run_counts(table))
    tests = rank_sum_tests(results, alpha)
    fried = friedman(results)
    warnings = unequal_runs_warnings(table)
    sections = [  # (heading, prose lines, table or None, lines under the table)
        (title, list(notes), None, []),
        (
            "Objective over feasible runs",
            ["Runs done (complete) / failed / planned; rates over complete runs, objective statistics over the feasible ones."],
            shown,
            reference_lines(results, rtol, atol),
        ),
        (
            f"Wilcoxon rank-sum test against the best algorithm of each instance (Holm-corrected, alpha = {alpha})",
            warnings + ([] if len(tests) else ["Not applicable: one algorithm per instance."]),
            tests if len(tests) else None,
            [],
        ),
        (
            "Friedman test and mean ranks over instances",
            [fried.describe()],
            fried.mean_ranks.rename_axis("algorithm").reset_index() if fried.n_cases >= 2 else None,
            [],
        ),
    ]
    parts = []
    for i, (heading, prose, df, below) in enumerate(sections):
        if fmt == "markdown":
            parts.append("\n\n".join([f"{'#' if i == 0 else '##'} {heading}", *prose]))
        else:
            parts.append("\n".join(f"% {line}" for line in [heading, *prose]))
        if df is not None:
            parts.append(format_table(df, fmt))
        if below:
            parts.append("\n".join(f"- {line}" if fmt == "markdown" else f"% {line}" for line in below))
    return "\n\n".join(parts) + "\n"


def format_table(df: pd.DataFrame, fmt: str) -> str:
    """A DataFrame as a Markdown or LaTeX (booktabs) table, numbers to 6 significant digits."""
    cells = [[_cell(df[c].iloc[i], c) for c in df.columns] for i in range(len(df))]
    numeric = [_numeric(df[c]) for c in df.columns]
    if fmt == "latex":
        lines = [
            "\\begin{tabular}{" + "".join("r" if n else "l" for n in numeric) + "}",
            "\\toprule",
            " & ".join(_latex_escape(str(c)) for c in df.columns) + " \\\\",
            "\\midrule",
            *(" & ".join(_latex_escape(v) for v in row) + " \\\\" for row in cells),
            "\\bottomrule",
            "\\end{tabular}",
        ]
        return "\n".join(lines)
    header = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---:" if n else ":---" for n in numeric) + "|"
    return "\n".join([header, rule, *("| " + " | ".join(row) + " |" for row in cells)])


_RATE_COLUMNS = ("feasible", "success")
_SHORT_COLUMNS = ("time_s", "statistic", "p", "p_holm")


def _numeric(column: pd.Series) -> bool:
    """Whether a column holds numbers (run counts ``done/failed/planned`` included), aligned right."""
    if pd.api.types.is_numeric_dtype(column):
        return True
    return all(not isinstance(v, str) or v.replace("/", "").isdigit() for v in column)


def _cell(value, column) -> str:
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return "–"
    if column in _RATE_COLUMNS:
        return f"{100 * value:.0f}%"
    return _number(value, 3 if column in _SHORT_COLUMNS else 6)


def _number(value, digits: int = 6) -> str:
    return f"{value:.{digits}g}"


def _latex_escape(text: str) -> str:
    replacements = (
        ("\\", "\\textbackslash{}"),
        ("&", "\\&"),
        ("%", "\\%"),
        ("_", "\\_"),
        ("#", "\\#"),
        ("$", "\\$"),
        ("–", "--"),
    )
    for char, escaped in replacements:
        text = text.replace(char, escaped)
    return text
