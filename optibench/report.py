"""Tables and statistical tests from a results table (one row per run).

Objective statistics are taken over the feasible runs (violation 0) of each
problem instance and algorithm; the feasible-run rate says how many those
are. Comparisons (rank tests, ranks) use feasibility first: an infeasible run
counts as worse than every feasible one (its value is +inf).

* :func:`summary`: best / worst / mean / std (n - 1) / median, feasible rate,
  mean evaluations and time, and where the problem has a known optimum or
  bound, the gap in percent and the success rate.
* :func:`rank_sum_tests`: Wilcoxon rank-sum test of each algorithm against the
  best one (lowest median) per instance, Holm-corrected.
* :func:`friedman`: Friedman test over instances (on medians) with mean ranks.
* :func:`report_text`: all of it as Markdown, CSV or LaTeX (booktabs).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

DEFAULT_RTOL = 1e-3
"""Success: ``best_f - optimum <= atol + rtol * |optimum|``, relative part."""
DEFAULT_ATOL = 1e-6
"""Success: absolute part (objective units)."""
DEFAULT_ALPHA = 0.05
"""Significance level of the rank-sum tests after Holm correction."""
FORMATS = ("markdown", "csv", "latex")
LAYOUTS = ("long", "paper")
PAPER_ROWS = ("best", "worst", "mean", "std")


def case_name(problem: str, instance: str) -> str:
    """Display name of a problem instance: ``sphere dim=10`` from the name and the instance JSON."""
    params = json.loads(instance)
    return " ".join([problem, *(f"{k}={v}" for k, v in params.items())])


def _with_case(results: pd.DataFrame) -> pd.DataFrame:
    cases = [case_name(p, i) for p, i in zip(results["problem"], results["instance"])]
    feasible = results["violation"] <= 0
    return results.assign(case=cases, feasible=feasible, score=results["best_f"].where(feasible, np.inf))


def summary(results: pd.DataFrame, rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> pd.DataFrame:
    """One row per (case, algorithm): statistics of ``best_f`` over runs.

    Columns: case, algorithm, runs, feasible (rate 0..1), best, worst, mean,
    std, median (over feasible runs), evals (mean), time_s (mean, s), and when
    any case has a known optimum: optimum, gap_best_pct and gap_mean_pct
    (100 (f - optimum) / |optimum|, undefined for an optimum of 0), success
    (rate of feasible runs within ``atol + rtol |optimum|`` of it).
    """
    df = _with_case(results)
    df["feasible_f"] = df["best_f"].where(df["feasible"])
    df["success"] = df["feasible"] & (df["best_f"] - df["optimum"] <= atol + rtol * df["optimum"].abs())
    groups = df.groupby(["case", "label"], sort=False)
    table = groups["feasible_f"].agg(["min", "max", "mean", "std", "median"])
    table.columns = ["best", "worst", "mean", "std", "median"]
    table.insert(0, "runs", groups.size())
    table.insert(1, "feasible", groups["feasible"].mean())
    table["evals"] = groups["n_evals"].mean()
    table["time_s"] = groups["time_s"].mean()
    if df["optimum"].notna().any():
        optimum = groups["optimum"].first()
        scale = optimum.abs().where(optimum != 0)
        table["optimum"] = optimum
        table["gap_best_pct"] = 100 * (table["best"] - optimum) / scale
        table["gap_mean_pct"] = 100 * (table["mean"] - optimum) / scale
        table["success"] = groups["success"].mean().where(optimum.notna())
    return table.reset_index().rename(columns={"label": "algorithm"})


def paper_table(table: pd.DataFrame) -> pd.DataFrame:
    """The paper layout of a :func:`summary`: rows (algorithm, statistic), one column per case."""
    long = table.melt(id_vars=["case", "algorithm"], value_vars=list(PAPER_ROWS), var_name="statistic")
    wide = long.pivot(index=["algorithm", "statistic"], columns="case", values="value")
    rows = pd.MultiIndex.from_product([table["algorithm"].unique(), PAPER_ROWS])
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
    """
    rows = []
    for case, sub in _with_case(results).groupby("case", sort=False):
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
    """

    mean_ranks: pd.Series
    n_cases: int
    n_algorithms: int
    statistic: float
    pvalue: float

    @property
    def applicable(self) -> bool:
        """The test needs at least 3 algorithms and 2 cases."""
        return self.n_algorithms >= 3 and self.n_cases >= 2

    def describe(self) -> str:
        if not self.applicable:
            return (
                "Friedman test not applicable: it needs at least 3 algorithms and 2 problem instances "
                f"(here {self.n_algorithms} algorithm(s), {self.n_cases} instance(s))."
            )
        return f"Friedman chi-square = {_number(self.statistic)}, p = {_number(self.pvalue, 3)} ({self.n_algorithms} algorithms, {self.n_cases} instances)."


def friedman(results: pd.DataFrame) -> FriedmanResult:
    """Friedman test and mean ranks of the algorithms over cases (see :class:`FriedmanResult`)."""
    df = _with_case(results)
    medians = df.pivot_table(index="case", columns="label", values="score", aggfunc="median", sort=False)
    mean_ranks = medians.rank(axis=1).mean().sort_values().rename("mean rank")
    n_cases, n_algorithms = medians.shape
    statistic = pvalue = np.nan
    if n_algorithms >= 3 and n_cases >= 2:
        statistic, pvalue = stats.friedmanchisquare(*(medians[c].to_numpy() for c in medians.columns))
    return FriedmanResult(mean_ranks, n_cases, n_algorithms, float(statistic), float(pvalue))


def report_text(
    results: pd.DataFrame,
    fmt: str = "markdown",
    layout: str = "long",
    *,
    title: str = "Results",
    notes: tuple[str, ...] = (),
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    alpha: float = DEFAULT_ALPHA,
) -> str:
    """The report: the summary table (``layout`` "long" or "paper") and, except for CSV, the tests.

    ``notes`` are lines printed under the title; in LaTeX, headings and prose are comments.
    """
    if fmt not in FORMATS or layout not in LAYOUTS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)} and layout one of {', '.join(LAYOUTS)}")
    table = summary(results, rtol, atol)
    if layout == "paper":
        table = paper_table(table)
    if fmt == "csv":
        return table.to_csv(index=False)
    tests = rank_sum_tests(results, alpha)
    fried = friedman(results)
    sections = [  # (heading, prose, table or None)
        (title, "\n".join(notes), None),
        ("Objective over feasible runs", "", table),
        (
            f"Wilcoxon rank-sum test against the best algorithm of each instance (Holm-corrected, alpha = {alpha})",
            "" if len(tests) else "Not applicable: one algorithm per instance.",
            tests if len(tests) else None,
        ),
        ("Friedman test and mean ranks over instances", fried.describe(), fried.mean_ranks.rename_axis("algorithm").reset_index()),
    ]
    parts = []
    for i, (heading, prose, df) in enumerate(sections):
        if fmt == "markdown":
            parts.append("\n\n".join(filter(None, [f"{'#' if i == 0 else '##'} {heading}", prose])))
        else:
            parts.append("\n".join(f"% {line}" for line in [heading, *prose.splitlines()]))
        if df is not None:
            parts.append(format_table(df, fmt))
    return "\n\n".join(parts) + "\n"


def format_table(df: pd.DataFrame, fmt: str) -> str:
    """A DataFrame as a Markdown or LaTeX (booktabs) table, numbers to 6 significant digits."""
    cells = [[_cell(df[c].iloc[i], c) for c in df.columns] for i in range(len(df))]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
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
    for char, escaped in (("\\", "\\textbackslash{}"), ("&", "\\&"), ("%", "\\%"), ("_", "\\_"), ("#", "\\#"), ("$", "\\$"), ("–", "--")):
        text = text.replace(char, escaped)
    return text
