"""Reports recomputed independently from the stored Parquet rows; statistics against textbook formulas; figures render."""

import io
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from optibench import run_trials
from optibench.anytime import best_so_far
from optibench.cases import LEGACY_ATOL, case_name, upgrade_columns
from optibench.cli import main
from optibench.cli.report import planned_runs
from optibench.plots import plot_results, voltage_profile_plot
from optibench.report import paper_table, reference_lines, report_text, summary, unequal_runs_warnings
from optibench.statistics import friedman, pairwise_tests
from optibench.store import ResultStore

RTOL = 0.01
STATUS = {"g06": ("proven", "analytic", 1e-4), "sphere": ("best-known", "best run found", 1e-3)}
"""Reference status, method and success tolerance given by hand to the rows of each problem."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A stored batch: G06 (constrained, optimum -6961.81) and sphere, three algorithm configurations."""
    store = ResultStore(tmp_path_factory.mktemp("report"))
    for problem, instance in (("g06", None), ("sphere", {"dim": 3})):
        for algorithm, label in (("random-search", "rs"), ("eo", "EO"), ("wso", "WSO")):
            params = {"pop_size": 20}
            df = run_trials(problem, algorithm, runs=8, max_evals=600, seed=1, instance=instance, params=params, label=label)
            for row in df.to_dict("records"):
                store.write(row)
    store.consolidate()
    return store


@pytest.fixture(scope="module")
def rows(folder):
    return pd.read_parquet(folder.results_file)


def _labelled(results):
    """``results`` with the hand-given :data:`STATUS` columns, whatever the store version wrote."""
    status = results["problem"].map(STATUS)
    return results.assign(status="ok", optimum_status=status.str[0], optimum_method=status.str[1], success_atol=status.str[2])


def _expected(rows, rtol=0.0, atol=None):
    """Per (case, algorithm) statistics by plain loops over the Parquet rows (all runs complete)."""
    out = {}
    for (problem, instance, label), g in rows.groupby(["problem", "instance", "label"]):
        f = g["best_f"][g["violation"] <= 0].to_numpy()
        opt = g["optimum"].iloc[0]
        noun = {"proven": "optimum", "best-known": "best known"}[STATUS[problem][0]]
        tol = (STATUS[problem][2] if atol is None else atol) + rtol * abs(opt)
        success = np.mean([(v <= 0) and (b - opt <= tol) for b, v in zip(g["best_f"], g["violation"])])
        out[(case_name(problem, instance), label)] = {
            "done": len(g),
            "failed": 0,
            "planned": len(g),
            "feasible": np.mean(g["violation"] <= 0),
            "best": f.min() if len(f) else math.nan,
            "worst": f.max() if len(f) else math.nan,
            "mean": f.mean() if len(f) else math.nan,
            "std": f.std(ddof=1) if len(f) > 1 else math.nan,
            "median": np.median(f) if len(f) else math.nan,
            "evals": g["n_evals"].mean(),
            "time_s": g["time_s"].mean(),
            noun: opt,
            f"best gap to {noun} %": 100 * (f.min() - opt) / abs(opt) if opt != 0 and len(f) else math.nan,
            f"mean gap to {noun} %": 100 * (f.mean() - opt) / abs(opt) if opt != 0 and len(f) else math.nan,
            "success": success,
        }
    return out


def test_summary_recomputed_from_parquet_rows(folder, rows):
    expected = _expected(rows, RTOL)
    table = summary(_labelled(folder.read()), rtol=RTOL)
    assert len(table) == len(expected) == 6
    assert list(table.columns) == [
        "case",
        "algorithm",
        "done",
        "failed",
        "planned",
        "feasible",
        "best",
        "worst",
        "mean",
        "std",
        "median",
        "evals",
        "time_s",
        "optimum",
        "best gap to optimum %",
        "mean gap to optimum %",
        "best known",
        "best gap to best known %",
        "mean gap to best known %",
        "success",
        "solution",
    ]
    for rec in table.to_dict("records"):
        want = expected[(rec["case"], rec["algorithm"])]
        for column, value in want.items():
            assert rec[column] == pytest.approx(value, rel=1e-12, nan_ok=True), (rec["case"], rec["algorithm"], column)
        assert all(math.isnan(v) for k, v in rec.items() if k not in want and k not in ("case", "algorithm", "solution"))
    for (problem, instance, label), g in rows.groupby(["problem", "instance", "label"]):  # the best feasible run's x
        feasible = g[g["violation"] <= 0].sort_values("best_f")
        shown = table.set_index(["case", "algorithm"]).loc[(case_name(problem, instance), label), "solution"]
        if feasible.empty:
            assert pd.isna(shown)
        else:  # G06 and the sphere: 2 and 3 values, plainly listed
            assert shown == ", ".join(f"{v:.6g}" for v in feasible["best_x"].iloc[0])
    g06 = table[table["case"] == "g06"].set_index("algorithm")
    assert g06.loc["rs", "feasible"] < 1  # random search leaves G06 infeasible in some runs
    assert g06["optimum"].iloc[0] == pytest.approx(-6961.81388, abs=1e-3)
    assert g06["success"].max() > 0


def test_csv_report_from_the_command_line(folder, rows, capsys):
    assert main(["report", str(folder.folder), "--format", "csv", "--rtol", str(RTOL), "--atol", "0.5"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out))
    assert "Warning" not in captured.err  # every configuration has its 8 runs
    expected = _expected(rows, RTOL, atol=0.5)
    for rec in table.to_dict("records"):
        want = expected[(rec["case"], rec["algorithm"])]
        assert (rec["done"], rec["failed"], rec["planned"]) == (8, 0, 8)
        for column in ("best", "worst", "mean", "median", "feasible", "success"):
            assert rec[column] == pytest.approx(want[column], rel=1e-12, nan_ok=True)


def test_bad_tolerances_are_refused_before_reading(folder, capsys):
    assert main(["report", str(folder.folder), "--atol", "-1"]) == 2
    assert capsys.readouterr().err == "optibench report: --atol must be a finite number >= 0, got -1.0\n"
    assert main(["report", str(folder.folder), "--alpha", "1"]) == 2
    assert "--alpha must be between 0 and 1, got 1.0" in capsys.readouterr().err


def test_paper_layout_puts_cases_in_columns(folder, rows):
    expected = _expected(rows)
    paper = paper_table(summary(folder.read()))
    assert list(paper.columns) == ["algorithm", "statistic", "g06", "sphere dim=3"]
    assert list(paper["statistic"][:7]) == ["best", "worst", "mean", "std", "median", "feasible", "runs done/failed/planned"]
    assert set(paper.loc[paper["statistic"] == "runs done/failed/planned", "g06"]) == {"8/0/8"}
    for rec in paper[paper["statistic"] != "runs done/failed/planned"].to_dict("records"):
        for case in ("g06", "sphere dim=3"):
            assert rec[case] == pytest.approx(expected[(case, rec["algorithm"])][rec["statistic"]], rel=1e-12, nan_ok=True)


def test_pairwise_rank_sum_against_counting_by_hand(folder):
    """Mann-Whitney U counted pair by pair, its exact p-value by enumerating every split of the ranks, Holm over 3 pairs."""
    results = folder.read()
    tests = pairwise_tests(results)
    sphere = results[results["problem"] == "sphere"]
    samples = {label: g["best_f"].to_numpy() for label, g in sphere.groupby("label", sort=False)}
    rows = tests[tests["case"] == "sphere dim=3"]
    assert [tuple(r) for r in rows[["algorithm", "versus"]].to_numpy()] == [("EO", "WSO"), ("EO", "rs"), ("WSO", "rs")]
    assert set(rows["test"]) == {"rank-sum"}  # every configuration has its own seeds
    p = []
    for row in rows.itertuples():
        x, y = samples[row.algorithm], samples[row.versus]
        wins = sum((a < b) + 0.5 * (a == b) for a in x for b in y)  # pairs where the algorithm is better
        m, n = len(x), len(y)
        u = m * n - wins  # pairs where it is worse: Mann-Whitney U of x (no ties in these samples)
        # exact null distribution: U of every choice of x's ranks among 1..m+n
        null = np.array([sum(ranks) - m * (m + 1) / 2 for ranks in itertools.combinations(range(1, m + n + 1), m)])
        p.append(min(1.0, 2 * min(np.mean(null <= u), np.mean(null >= u))))
        assert row.A12 == pytest.approx(wins / (m * n), abs=1e-15)
        assert row.p == pytest.approx(p[-1], rel=1e-9)
    order = np.argsort(p)
    by_hand = np.empty(3)
    by_hand[order] = np.maximum.accumulate(np.minimum(1, np.array(p)[order] * [3, 2, 1]))
    np.testing.assert_allclose(rows["p_holm"], by_hand, rtol=1e-9)
    rs = rows[rows["versus"] == "rs"]
    assert set(rs["result"]) == {"better"} and (rs["A12"] == 1).all()  # random search is far behind on the sphere


def _synthetic(values):
    """Results rows with one run per (case, algorithm) of the given medians {case: {algorithm: value}}."""
    rows = [
        {
            "problem": case,
            "instance": "{}",
            "label": algo,
            "best_f": v,
            "violation": 0.0,
            "n_evals": 1,
            "time_s": 0.0,
            "optimum": math.nan,
            "optimum_is_bound": False,
        }
        for case, by_algo in values.items()
        for algo, v in by_algo.items()
    ]
    return pd.DataFrame(rows)


def test_friedman_against_formula():
    values = {
        "c1": {"A": 1, "B": 2, "C": 3},
        "c2": {"A": 1, "B": 3, "C": 2},
        "c3": {"A": 2, "B": 1, "C": 3},
        "c4": {"A": 1, "B": 2, "C": 3},
    }
    result = friedman(_synthetic(values))
    rank_sums = {"A": 1 + 1 + 2 + 1, "B": 2 + 3 + 1 + 2, "C": 3 + 2 + 3 + 3}
    n, k = 4, 3
    statistic = 12 / (n * k * (k + 1)) * sum(r**2 for r in rank_sums.values()) - 3 * n * (k + 1)
    assert result.applicable
    assert result.statistic == pytest.approx(statistic) and statistic == pytest.approx(4.5)
    assert result.pvalue == pytest.approx(chi2.sf(statistic, k - 1))
    assert result.mean_ranks.to_dict() == {"A": 1.25, "B": 2.0, "C": 2.75}


def test_friedman_says_when_not_applicable():
    two_algorithms = friedman(_synthetic({"c1": {"A": 1, "B": 2}, "c2": {"A": 2, "B": 1}}))
    assert not two_algorithms.applicable and math.isnan(two_algorithms.statistic)
    assert "not applicable" in two_algorithms.describe() and "here 2 algorithm(s), 2 instance(s)" in two_algorithms.describe()
    one_case = friedman(_synthetic({"c1": {"A": 1, "B": 2, "C": 3}}))
    assert not one_case.applicable and "1 instance(s)" in one_case.describe()


def test_infeasible_runs_rank_last():
    df = _synthetic({"c": {"A": 5.0, "B": 1.0}})
    df = pd.concat([df, df.assign(violation=[0.0, 2.0], best_f=[6.0, 0.5])], ignore_index=True)
    table = summary(df).set_index("algorithm")
    assert table.loc["B", "feasible"] == 0.5 and table.loc["B", "best"] == table.loc["B", "worst"] == 1.0
    # medians: A (5 + 6) / 2 = 5.5, B (1 + inf) / 2 = inf, although B's feasible run is the best value
    assert friedman(df).mean_ranks.empty  # a single instance gets no ranks
    two = pd.concat([df, df.assign(problem="d")], ignore_index=True)
    assert friedman(two).mean_ranks.to_dict() == {"A": 1.0, "B": 2.0}
    # A (5, 6) against B (1, inf): A wins 5 < inf and 6 < inf, loses to 1 twice: A12 = 2 / 4
    assert pairwise_tests(df)["A12"].item() == 0.5


BASE = {
    "problem": "p",
    "instance": "{}",
    "label": "A",
    "best_f": 0.0,
    "violation": 0.0,
    "n_evals": 100,
    "time_s": 0.1,
    "optimum": 10.0,
    "status": "ok",
    "optimum_status": "proven",
    "optimum_method": "enumeration",
    "success_atol": 1e-3,
}
"""A results row of the current store, complete and feasible; the tests below change what they need."""


def _frame(*changes):
    return pd.DataFrame([{**BASE, **change} for change in changes])


def test_success_uses_the_problems_tolerance_unless_overridden():
    df = _frame({"best_f": 10.0005}, {"best_f": 10.002}, {"best_f": 10.0}, {"best_f": 9.0, "violation": 1.0})
    assert summary(df)["success"].item() == 0.5  # within 1e-3: 10.0005 and 10.0; the infeasible 9.0 never succeeds
    assert summary(df, atol=0.01)["success"].item() == 0.75
    assert summary(df, rtol=0.1, atol=0.0)["success"].item() == 0.75  # 0.1 x |10|
    stem = "p: optimum 10 (status proven, method: enumeration); success: feasible and best - optimum <= "
    assert reference_lines(df) == [stem + "0.001 (the problem's tolerance)."]
    assert reference_lines(df, atol=0.01) == [stem + "0.01 (set for this report)."]
    assert reference_lines(df, rtol=0.1, atol=0.0) == [stem + "0 + 0.1 x |optimum| (set for this report)."]
    assert "- " + stem + "0.001 (the problem's tolerance)." in report_text(df).splitlines()


def test_gap_columns_are_named_by_the_optimum_status():
    bound = {"problem": "q", "optimum": 5.0, "optimum_status": "bound", "optimum_method": "SOCP relaxation"}
    known = {"problem": "r", "optimum": -4.0, "optimum_status": "best-known", "optimum_method": "best of 50 EO runs"}
    df = _frame(
        {"best_f": 10.0},
        {"best_f": 12.0},
        {**bound, "best_f": 5.0},
        {**bound, "best_f": 6.0},
        {**known, "best_f": -4.0},
        {**known, "best_f": -3.0},
        {"problem": "s", "optimum": math.nan, "optimum_status": None},
    )
    table = summary(df).set_index("case")
    assert list(table.columns[-11:-1]) == [
        "optimum",
        "best gap to optimum %",
        "mean gap to optimum %",
        "best known",
        "best gap to best known %",
        "mean gap to best known %",
        "bound",
        "best gap to bound %",
        "mean gap to bound %",
        "success",
    ]
    assert table.loc["p", ["optimum", "best gap to optimum %", "mean gap to optimum %"]].tolist() == [10.0, 0.0, 10.0]
    assert table.loc["q", ["bound", "best gap to bound %", "mean gap to bound %"]].tolist() == [5.0, 0.0, 10.0]
    assert table.loc["r", ["best known", "best gap to best known %", "mean gap to best known %"]].tolist() == [-4.0, 0.0, 12.5]
    assert math.isnan(table.loc["q", "optimum"]) and math.isnan(table.loc["p", "bound"])  # a bound is never an optimum
    assert table.loc["p", "success"] == 0.5 and table.loc["r", "success"] == 0.5
    assert math.isnan(table.loc["q", "success"]) and math.isnan(table.loc["s", "success"])
    assert reference_lines(df)[1:] == [
        "q: bound 5 (status bound, method: SOCP relaxation); success rate n/a (not defined against a bound).",
        "r: best known -4 (status best-known, method: best of 50 EO runs); "
        "success: feasible and best - best known <= 0.001 (the problem's tolerance).",
        "s: no known optimum or bound; no gap, no success rate.",
    ]


def test_failed_runs_are_counted_and_left_out():
    failed = {"label": "B", "status": "failed", "best_f": math.nan, "violation": math.nan, "n_evals": 40}
    runs = [{"best_f": 10.0}, {"best_f": 11.0}, {"best_f": 12.0}, {"label": "B", "best_f": 13.0}, {"label": "B", "best_f": 14.0}]
    df = _frame(*runs, failed)
    table = summary(df).set_index("algorithm")
    assert table[["done", "failed", "planned"]].to_dict("index") == {
        "A": {"done": 3, "failed": 0, "planned": 3},
        "B": {"done": 2, "failed": 1, "planned": 3},
    }
    assert table.loc["B", ["feasible", "best", "mean", "evals", "success"]].tolist() == [1.0, 13.0, 13.5, 100.0, 0.0]
    warning = (
        "Warning: unequal numbers of complete runs in p (A 3, B 2); "
        "the rank tests and Friedman ranks compare samples of different sizes."
    )
    assert unequal_runs_warnings(summary(df)) == [warning]
    text = report_text(df)
    assert warning in text.splitlines() and "| p | B | 2/1/3 | 100% | 13 |" in text
    assert len(pairwise_tests(df)) == 1  # still tested, with the warning
    equal = _frame(*runs, {"label": "B", "best_f": 15.0})
    assert unequal_runs_warnings(summary(equal)) == [] and "Warning" not in report_text(equal)
    planned = summary(df, planned={("p", "A"): 5, ("p", "B"): 5, ("p", "C"): 5}).set_index("algorithm")
    assert planned[["done", "failed", "planned"]].to_dict("index")["C"] == {"done": 0, "failed": 0, "planned": 5}
    assert planned.loc["A", "planned"] == 5 and math.isnan(planned.loc["C", "best"])
    assert "(A 3, B 2, C 0)" in unequal_runs_warnings(planned.reset_index())[0]


def test_friedman_leaves_out_instances_without_complete_runs():
    values = {"c1": {"A": 1, "B": 2, "C": 3}, "c2": {"A": 1, "B": 3, "C": 2}, "c3": {"A": 2, "B": 1, "C": 3}}
    df = _synthetic(values)
    df.loc[(df["problem"] == "c3") & (df["label"] == "C"), "status"] = "failed"
    result = friedman(df)
    assert result.left_out == ("c3",) and result.n_cases == 2 and result.mean_ranks.to_dict() == {"A": 1.0, "B": 2.5, "C": 2.5}
    assert "Left out (a configuration has no complete run there): c3." in result.describe()


def test_friedman_with_one_instance_prints_no_ranks():
    text = report_text(_synthetic({"c1": {"A": 1, "B": 2, "C": 3}}))
    assert "No ranks over instances" in text and "mean rank" not in text.split("## Friedman test and mean ranks")[1]
    assert "Nemenyi" not in text


def test_results_written_before_the_current_columns_still_report():
    old = _synthetic({"p": {"A": 10.0}, "q": {"A": 6.0}, "s": {"A": 1.0}})  # the first store's columns
    old["optimum"] = [10.0, 5.0, math.nan]
    old["optimum_is_bound"] = [False, True, False]
    upgraded = upgrade_columns(old)
    assert list(upgraded["status"]) == ["ok"] * 3 and list(upgraded["success_atol"]) == [LEGACY_ATOL] * 3
    assert upgraded["optimum_status"].tolist()[:2] == ["best-known", "bound"] and pd.isna(upgraded["optimum_status"][2])
    assert upgraded["optimum_method"].isna().all()
    nulls = old.drop(columns="optimum_is_bound")
    nulls = nulls.assign(status=None, optimum_status=None, optimum_method=None, success_atol=math.nan)
    assert upgrade_columns(nulls)["optimum_status"].tolist()[:2] == ["best-known", "best-known"]
    assert list(upgrade_columns(nulls)["status"]) == ["ok"] * 3
    assert list(upgrade_columns(nulls)["success_atol"]) == [LEGACY_ATOL] * 3
    text = report_text(old)
    assert "| p | A | 1/0/1 |" in text and "q: bound 5 (status bound, method: not recorded)" in text
    assert "p: best known 10 (status best-known, method: not recorded); success: feasible and best - best known <= 1e-06" in text
    assert summary(old)["best gap to bound %"].tolist()[1] == 20.0
    expected = "results column 'optimum_status': unknown value\\(s\\) 'exact'; expected proven, best-known, bound"
    with pytest.raises(ValueError, match=expected):
        upgrade_columns(_frame({"optimum_status": "exact"}))


EXPERIMENT = """
[experiment]
name = "partial"
runs = 4
max_evals = 60

[[problems]]
name = "sphere"
instances = [{dim = 2}]

[[algorithms]]
name = "random-search"
params = {pop_size = 10}
label = "rs"

[[algorithms]]
name = "eo"
params = {pop_size = 10}
label = "EO"

[[algorithms]]
name = "wso"
params = {pop_size = 10}
label = "WSO"
"""


def test_report_of_a_partial_folder_counts_planned_runs(tmp_path, capsys):
    store = ResultStore(tmp_path)
    store.folder.mkdir(exist_ok=True)
    store.experiment_file.write_text(EXPERIMENT, encoding="utf-8")
    for algorithm, label, runs in (("random-search", "rs", 4), ("eo", "EO", 2)):
        rows = run_trials(
            "sphere", algorithm, runs=runs, max_evals=60, seed=0, instance={"dim": 2}, params={"pop_size": 10}, label=label
        )
        for row in rows.to_dict("records"):
            store.write(row)
    assert main(["report", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for line in ("| sphere dim=2 | rs | 4/0/4 |", "| sphere dim=2 | EO | 2/0/4 |", "| sphere dim=2 | WSO | 0/0/4 |"):
        assert line in out
    warning = "Warning: unequal numbers of complete runs in sphere dim=2 (EO 2, rs 4, WSO 0)"
    assert warning in out and "Planned runs: 4 per instance and configuration" in out
    assert main(["report", str(tmp_path), "--format", "csv"]) == 0
    assert warning in capsys.readouterr().err
    resolved_otherwise = store.read().assign(instance='{"dim":2,"shift":0}')  # as another version might have stored it
    planned, labels, note = planned_runs(store, resolved_otherwise)
    assert labels == {}
    assert planned == {("sphere dim=2 shift=0", label): 4 for label in ("rs", "EO", "WSO")}
    assert note == f"Planned runs: 4 per instance and configuration ({store.experiment_file})."
    store.experiment_file.write_text("[experiment]\nruns = 0\n", encoding="utf-8")  # no longer a valid experiment
    assert main(["report", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| sphere dim=2 | EO | 2/0/2 |" in out and "Planned runs: the stored ones (" in out and "runs" in out


def test_markdown_and_latex_formats(folder):
    results = folder.read()
    md = report_text(results, title="T", notes=("made by x",))
    assert md.startswith(
        "# T\n\nmade by x\n\n## Objective over feasible runs\n\nObjective: f(x).\n\nRuns done (complete) / failed"
    )
    assert "\n\n| case | algorithm | runs done/failed/planned | feasible | best | worst | mean ± std | median |" in md
    assert "## Best solution of each algorithm" in md and "## All-pairs Wilcoxon tests" in md
    assert "Friedman chi-square = " in md and "## Nemenyi post-hoc test" in md  # 3 algorithms, 2 instances
    latex = report_text(results, "latex", "paper")
    # paper table, solutions, mean ranks, Nemenyi p-values: one tabular each; the 9 columns of the tests: two
    assert latex.count("\\toprule") == 6 and latex.count("\\bottomrule") == 6
    assert "p\\_holm" in latex and "% All-pairs Wilcoxon" in latex and "$\\pm$" not in latex
    assert "$\\pm$" in report_text(results, "latex")  # the long layout's mean ± std


def test_best_so_far_is_a_step_function():
    history = np.array([[10, 5.0, 0.0], [20, 3.0, 0.0], [30, 3.0, 0.0]])
    np.testing.assert_array_equal(best_so_far(history, np.array([1, 10, 15, 25, 30])), [np.inf, 5, 5, 3, 3])
    infeasible_first = np.array([[10, 9.0, 1.0], [20, 4.0, 0.0]])
    np.testing.assert_array_equal(best_so_far(infeasible_first, np.array([10, 20])), [np.inf, 4])


def test_figures_render(folder, tmp_path):
    paths = plot_results(folder.read(), tmp_path)
    names = ["cd_diagram", "convergence", "ecdf", "final_values"]  # two instances, three algorithms: a CD diagram too
    assert sorted(p.name for p in paths) == [f"{name}.{fmt}" for name in names for fmt in ("png", "svg")]
    assert all(p.stat().st_size > 10_000 for p in paths)
    v_base = np.linspace(1.0, 0.91, 33)
    files = voltage_profile_plot(
        {"case 1": {"base": v_base, "best": np.minimum(v_base + 0.04, 1.0)}, "case 2": {"base": v_base}}, tmp_path / "voltage"
    )
    assert [f.suffix for f in files] == [".png", ".svg"] and all(f.stat().st_size > 10_000 for f in files)


LABELLED = """
[experiment]
runs = 2
max_evals = 100

[[problems]]
name = "evcs-placement"
instances = [{case = 1, label = "case 1"}, {case = 2}]

[[algorithms]]
name = "random-search"
params = {pop_size = 50}
label = "RS"
"""


def test_an_instance_label_flows_from_the_experiment_file_to_the_report(tmp_path, capsys):
    experiment = tmp_path / "labelled.toml"
    experiment.write_text(LABELLED, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(experiment), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["report", str(out)]) == 0
    text = capsys.readouterr().out
    rows = ResultStore(out).read().sort_values("best_f")
    best = {case: rows[rows["instance"].str.contains(f'"case":{case}')].iloc[0] for case in (1, 2)}
    x = ", ".join(str(int(b)) for b in best[1]["best_x"])  # three station buses
    assert "Objective: loss (kW)." in text and "| best (kW) | worst (kW) | mean ± std (kW) | median (kW) |" in text
    assert "| case 1 | RS | 2/0/2 | 100% |" in text and "| evcs-placement case=2 | RS | 2/0/2 | 100% |" in text
    assert f"| case 1 | RS | {best[1]['best_f']:.3f} | {x} |" in text  # the decoded best solution
    assert "- case 1: optimum 225.0680099 kW (status proven" in text and "best - optimum <= 0.001 kW (the" in text
    assert "evcs-placement case=1 " not in text and "network=ieee69" not in text  # no default parameter is listed
    assert main(["report", str(out), "--format", "latex"]) == 0
    assert "case 1 & RS & 2/0/2" in capsys.readouterr().out


MULTI_OBJECTIVE = """
[experiment]
runs = 2
pop_size = 10
iterations = 3

[[problems]]
name = "zdt1"

[[problems]]
name = "sphere"

[[algorithms]]
name = "nsga2"
"""


def test_a_multi_objective_experiment_runs_to_its_report_and_figures(tmp_path, capsys):
    """A front per run, no single best value: stored, reported without a best solution, left out of the figures."""
    experiment = tmp_path / "mo.toml"
    experiment.write_text(MULTI_OBJECTIVE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(experiment), "--out", str(out)]) == 0
    rows = ResultStore(out).read()
    fronts = rows[rows["problem"] == "zdt1"]["front_f"]
    assert len(fronts) == 2 and all(front.shape[1] == 2 for front in fronts)
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "| zdt1 | nsga2 | 2/0/2 | 100% | – | – | – | – |" in text
    # the single-objective instance of the same folder keeps its figures
    assert (out / "convergence.png").exists() and (out / "final_values.png").exists()
