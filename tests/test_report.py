"""Reports recomputed independently from the stored Parquet rows; statistics against textbook formulas; figures render."""
import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm

from optibench import run_trials
from optibench.cli import main
from optibench.plots import _best_so_far, plot_results, voltage_profile_plot
from optibench.report import case_name, format_table, friedman, holm, paper_table, rank_sum_tests, report_text, summary
from optibench.store import ResultStore

RTOL, ATOL = 0.01, 1e-6


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A stored batch: G06 (constrained, optimum -6961.81) and sphere, three algorithm configurations."""
    store = ResultStore(tmp_path_factory.mktemp("report"))
    for problem, instance in (("g06", None), ("sphere", {"dim": 3})):
        for algorithm, params, label in (("random-search", {"pop_size": 20}, "rs"), ("eo", {"pop_size": 20}, "EO"), ("wso", {"pop_size": 20}, "WSO")):
            df = run_trials(problem, algorithm, runs=8, max_evals=600, seed=1, instance=instance, params=params, label=label)
            for row in df.to_dict("records"):
                store.write(row)
    store.consolidate()
    return store


@pytest.fixture(scope="module")
def rows(folder):
    return pd.read_parquet(folder.results_file)


def _expected(rows):
    """Per (case, algorithm) statistics by plain loops over the Parquet rows."""
    out = {}
    for (problem, instance, label), g in rows.groupby(["problem", "instance", "label"]):
        f = g["best_f"][g["violation"] <= 0].to_numpy()
        opt = g["optimum"].iloc[0]
        success = np.mean([(v <= 0) and (b - opt <= ATOL + RTOL * abs(opt)) for b, v in zip(g["best_f"], g["violation"])])
        out[(case_name(problem, instance), label)] = {
            "runs": len(g),
            "feasible": np.mean(g["violation"] <= 0),
            "best": f.min() if len(f) else math.nan,
            "worst": f.max() if len(f) else math.nan,
            "mean": f.mean() if len(f) else math.nan,
            "std": f.std(ddof=1) if len(f) > 1 else math.nan,
            "median": np.median(f) if len(f) else math.nan,
            "evals": g["n_evals"].mean(),
            "time_s": g["time_s"].mean(),
            "optimum": opt,
            "gap_best_pct": 100 * (f.min() - opt) / abs(opt) if opt != 0 and len(f) else math.nan,
            "gap_mean_pct": 100 * (f.mean() - opt) / abs(opt) if opt != 0 and len(f) else math.nan,
            "success": success,
        }
    return out


def test_summary_recomputed_from_parquet_rows(folder, rows):
    expected = _expected(rows)
    table = summary(folder.read(), rtol=RTOL, atol=ATOL)
    assert len(table) == len(expected) == 6
    for rec in table.to_dict("records"):
        want = expected[(rec["case"], rec["algorithm"])]
        for column, value in want.items():
            assert rec[column] == pytest.approx(value, rel=1e-12, nan_ok=True), (rec["case"], rec["algorithm"], column)
    g06 = table[table["case"] == "g06"].set_index("algorithm")
    assert g06.loc["rs", "feasible"] < 1  # random search leaves G06 infeasible in some runs
    assert g06["optimum"].iloc[0] == pytest.approx(-6961.81388, abs=1e-3)
    assert g06["success"].max() > 0


def test_csv_report_from_the_command_line(folder, rows, capsys):
    assert main(["report", str(folder.folder), "--format", "csv", "--rtol", str(RTOL)]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    expected = _expected(rows)
    for rec in table.to_dict("records"):
        want = expected[(rec["case"], rec["algorithm"])]
        for column in ("best", "worst", "mean", "median", "feasible", "success", "gap_mean_pct"):
            assert rec[column] == pytest.approx(want[column], rel=1e-12, nan_ok=True)


def test_paper_layout_puts_cases_in_columns(folder, rows):
    expected = _expected(rows)
    paper = paper_table(summary(folder.read()))
    assert list(paper.columns) == ["algorithm", "statistic", "g06", "sphere dim=3"]
    assert list(paper["statistic"][:4]) == ["best", "worst", "mean", "std"]
    for rec in paper.to_dict("records"):
        for case in ("g06", "sphere dim=3"):
            assert rec[case] == pytest.approx(expected[(case, rec["algorithm"])][rec["statistic"]], rel=1e-12, nan_ok=True)


def test_holm_by_hand():
    # sorted: 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.03, 0.06, 0.06
    np.testing.assert_allclose(holm([0.04, 0.01, 0.03]), [0.06, 0.03, 0.06])
    np.testing.assert_allclose(holm([0.5, 0.6]), [1.0, 1.0])


def test_rank_sum_against_normal_approximation_by_hand(folder):
    results = folder.read()
    tests = rank_sum_tests(results)
    sphere = results[results["problem"] == "sphere"]
    samples = {label: g["best_f"].to_numpy() for label, g in sphere.groupby("label")}
    best = min(samples, key=lambda k: np.median(samples[k]))
    rows = tests[tests["case"] == "sphere dim=3"].set_index("algorithm")
    assert set(rows["best"]) == {best} and set(rows.index) == set(samples) - {best}
    p = {}
    for label in rows.index:
        x, y = samples[label], samples[best]
        ranks = pd.Series(np.concatenate([x, y])).rank().to_numpy()
        n1, n2 = len(x), len(y)
        z = (ranks[:n1].sum() - n1 * (n1 + n2 + 1) / 2) / math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
        p[label] = 2 * norm.sf(abs(z))
        assert rows.loc[label, "statistic"] == pytest.approx(z, rel=1e-12)
        assert rows.loc[label, "p"] == pytest.approx(p[label], rel=1e-9)
    ordered = sorted(p, key=p.get)
    holm_by_hand = {ordered[0]: min(1, 2 * p[ordered[0]])}
    holm_by_hand[ordered[1]] = max(holm_by_hand[ordered[0]], min(1, p[ordered[1]]))
    for label, value in holm_by_hand.items():
        assert rows.loc[label, "p_holm"] == pytest.approx(value, rel=1e-9)
    assert rows.loc["rs", "result"] == "worse"  # random search is far behind on the sphere


def _synthetic(values):
    """Results rows with one run per (case, algorithm) of the given medians {case: {algorithm: value}}."""
    rows = [
        {"problem": case, "instance": "{}", "label": algo, "best_f": v, "violation": 0.0, "n_evals": 1, "time_s": 0.0,
         "optimum": math.nan, "optimum_is_bound": False}
        for case, by_algo in values.items() for algo, v in by_algo.items()
    ]
    return pd.DataFrame(rows)


def test_friedman_against_formula():
    values = {"c1": {"A": 1, "B": 2, "C": 3}, "c2": {"A": 1, "B": 3, "C": 2}, "c3": {"A": 2, "B": 1, "C": 3}, "c4": {"A": 1, "B": 2, "C": 3}}
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
    assert friedman(df).mean_ranks.to_dict() == {"A": 1.0, "B": 2.0}
    assert set(rank_sum_tests(df)["best"]) == {"A"}


def test_markdown_and_latex_formats(folder):
    results = folder.read()
    md = report_text(results, title="T", notes=("made by x",))
    assert md.startswith("# T\n\nmade by x\n\n## Objective over feasible runs\n\n| case | algorithm | runs | feasible |")
    assert "## Wilcoxon rank-sum test" in md and "## Friedman test" in md
    assert "Friedman chi-square = " in md  # 3 algorithms, 2 instances
    latex = report_text(results, "latex", "paper")
    assert latex.count("\\toprule") == 3 and latex.count("\\bottomrule") == 3
    assert "p\\_holm" in latex and "% Wilcoxon" in latex
    table = format_table(pd.DataFrame({"name": ["a_b", "c%"], "x": [1.23456789, math.nan], "success": [0.5, 1.0]}), "latex")
    assert table.splitlines() == [
        "\\begin{tabular}{lrr}", "\\toprule", "name & x & success \\\\", "\\midrule",
        "a\\_b & 1.23457 & 50\\% \\\\", "c\\% & -- & 100\\% \\\\", "\\bottomrule", "\\end{tabular}",
    ]


def test_best_so_far_is_a_step_function():
    history = np.array([[10, 5.0, 0.0], [20, 3.0, 0.0], [30, 3.0, 0.0]])
    np.testing.assert_array_equal(_best_so_far(history, np.array([1, 10, 15, 25, 30])), [np.inf, 5, 5, 3, 3])
    infeasible_first = np.array([[10, 9.0, 1.0], [20, 4.0, 0.0]])
    np.testing.assert_array_equal(_best_so_far(infeasible_first, np.array([10, 20])), [np.inf, 4])


def test_figures_render(folder, tmp_path):
    paths = plot_results(folder.read(), tmp_path)
    assert sorted(p.name for p in paths) == ["convergence.png", "convergence.svg", "final_values.png", "final_values.svg"]
    assert all(p.stat().st_size > 10_000 for p in paths)
    v_base = np.linspace(1.0, 0.91, 33)
    files = voltage_profile_plot({"case 1": {"base": v_base, "best": np.minimum(v_base + 0.04, 1.0)},
                                  "case 2": {"base": v_base}}, tmp_path / "voltage")
    assert [f.suffix for f in files] == [".png", ".svg"] and all(f.stat().st_size > 10_000 for f in files)
