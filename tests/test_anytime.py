"""Anytime views on a hand-made set of histories whose answers are counted by hand."""

import numpy as np
import pandas as pd
import pytest

from optibench.anytime import case_targets, ecdf, ert_table, hitting_times

INF = np.inf


def _row(instance, label, run, history, status="proven", optimum=0.0):
    history = np.array(history, dtype=np.float64)
    return {
        "problem": "sphere",
        "instance": instance,
        "label": label,
        "run": run,
        "best_f": history[-1, 1],
        "violation": history[-1, 2],
        "n_evals": int(history[-1, 0]),
        "history": history,
        "status": "ok",
        "optimum": optimum,
        "optimum_status": status,
        "success_atol": 0.01,
    }


# Instance 1: optimum 0, tolerance 0.01, worst start 100 (run A), so the targets are 0.01, 0.1, 1, 10, 100.
RUN_A = [[10, 100, 0], [20, 5, 0], [40, 0.5, 0], [100, 0.005, 0]]  # reaches 100@10, 10@20, 1@40, 0.1@100, 0.01@100
RUN_C = [[10, 0.001, 0.5], [30, 50, 0], [100, 50, 0]]  # infeasible at first: its 0.001 counts for nothing; 100@30
RUN_B = [[10, 8, 0], [50, 2, 0], [100, 2, 0]]  # 100@10, 10@10
# Instance 2 (Y only): optimum 0, start 1: targets 0.01 ... 1; run D reaches 1@5 and the rest @10.
RUN_D = [[5, 1.0, 0], [10, 0.0, 0]]


def _results():
    one, two = '{"dim":1}', '{"dim":2}'
    rows = [_row(one, "X", 0, RUN_A), _row(one, "X", 1, RUN_C), _row(one, "Y", 0, RUN_B), _row(two, "Y", 0, RUN_D)]
    failed = {**_row(one, "Y", 1, RUN_A), "status": "failed"}  # never counted
    return pd.DataFrame([*rows, failed])


def test_targets_span_the_worst_start_to_the_tolerance():
    results = _results()
    np.testing.assert_allclose(case_targets(results[results["instance"] == '{"dim":1}'], 5), [0.01, 0.1, 1, 10, 100])


def test_targets_against_a_bound_use_the_best_run():
    runs = pd.DataFrame([_row("{}", "X", 0, RUN_B, status="bound", optimum=-5.0)])
    np.testing.assert_allclose(case_targets(runs, 3), 2 + np.array([0.01, np.sqrt(0.01 * 6), 6]))


def test_hitting_times_skip_infeasible_points():
    targets = [0.01, 0.1, 1, 10, 100]
    assert hitting_times(np.array(RUN_A, float), targets).tolist() == [100, 100, 40, 20, 10]
    assert hitting_times(np.array(RUN_C, float), targets).tolist() == [INF, INF, INF, INF, 30]
    assert hitting_times(np.empty((0, 3)), targets).tolist() == [INF] * 5


def test_ert_counts_the_budget_of_unsuccessful_runs():
    table = ert_table(_results(), n_targets=5)
    one = table[table["case"] == "sphere dim=1"]
    x = one[one["algorithm"] == "X"]
    np.testing.assert_allclose(x["target"], [0.01, 0.1, 1, 10, 100])
    # X: runs A (budget 100) and C (budget 100): (100 + 100) / 1, ..., (10 + 30) / 2
    assert x["ert"].tolist() == pytest.approx([200, 200, 140, 120, 20])
    assert x["successes"].tolist() == [1, 1, 1, 1, 2] and set(x["runs"]) == {2}
    y = one[one["algorithm"] == "Y"]
    assert y["ert"].tolist() == [INF, INF, INF, 10, 10]  # the failed run is not counted
    assert set(y["runs"]) == {1}


def test_ecdf_pairs_reached_averaged_over_instances():
    curve = ecdf(_results(), n_targets=5, evals=np.array([5, 10, 20, 30, 40, 100]))
    assert curve["X"].tolist() == pytest.approx([0, 0.1, 0.2, 0.3, 0.4, 0.6])  # 10 pairs, instance 1 only
    # Y: instance 1 (2 of 5 pairs from 10 on) and instance 2 (1 of 5 at 5, all from 10 on), averaged
    assert curve["Y"].tolist() == pytest.approx([0.1, 0.7, 0.7, 0.7, 0.7, 0.7])


def test_instances_without_a_feasible_point_have_no_targets():
    never = pd.DataFrame([_row('{"dim":5}', "X", 0, [[10, 1.0, 0.5], [20, 0.5, 0.1]])])
    assert case_targets(never).size == 0
    assert ecdf(never).empty and ert_table(never).empty
    both = pd.concat([never, _results()], ignore_index=True)  # the instance without targets does not dilute the others
    pd.testing.assert_frame_equal(ecdf(both, n_targets=5, evals=[10, 100]), ecdf(_results(), n_targets=5, evals=[10, 100]))
