"""All-pairs tests, effect size and ranks over instances against hand computation and published tables."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import studentized_range

from optibench.statistics import a12, critical_difference, friedman, holm, pairwise_tests


def _rows(values, seeds=None):
    """Results rows {case: {algorithm: [best_f of each run]}}; run i has seed ``seeds[i]`` (default: distinct per algorithm)."""
    rows = []
    for case, by_algorithm in values.items():
        for k, (label, runs) in enumerate(by_algorithm.items()):
            for i, f in enumerate(runs):
                seed = seeds[i] if seeds is not None else 1000 * k + i
                rows.append({"problem": case, "instance": "{}", "label": label, "seed": seed, "best_f": f, "violation": 0.0})
    return pd.DataFrame(rows).assign(n_evals=1, time_s=0.0, optimum=math.nan, status="ok")


def test_holm_by_hand():
    # sorted: 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> monotone 0.03, 0.06, 0.06
    np.testing.assert_allclose(holm([0.04, 0.01, 0.03]), [0.06, 0.03, 0.06])
    np.testing.assert_allclose(holm([0.5, 0.6]), [1.0, 1.0])


def test_a12_by_counting_pairs_with_ties():
    a, b = [1.0, 2.0, 2.0, 5.0], [2.0, 3.0, np.inf]
    wins = sum((x < y) + 0.5 * (x == y) for x in a for y in b)  # 1: 3 wins; 2: 0.5 + 2, twice; 5: 1 win
    assert wins == 9.0 and a12(a, b) == pytest.approx(wins / 12, abs=1e-15)
    assert a12(b, a) == pytest.approx(1 - wins / 12, abs=1e-15)


def test_runs_paired_by_seed_get_the_signed_rank_test():
    # A beats B on each of 6 shared seeds by different margins: all signed ranks positive for B - A,
    # exact two-sided p = 2 / 2^6 (only the all-positive and all-negative sign patterns are as extreme)
    a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    b = [1.5, 3.0, 4.5, 6.0, 7.5, 9.0]
    tests = pairwise_tests(_rows({"c": {"A": a, "B": b}}, seeds=[11, 12, 13, 14, 15, 16]))
    row = tests.iloc[0]
    assert (row["algorithm"], row["versus"], row["test"], row["n"]) == ("A", "B", "signed-rank", "6/6")
    assert row["p"] == pytest.approx(2 / 2**6, rel=1e-12) and row["p_holm"] == row["p"]
    assert row["A12"] == pytest.approx(np.mean([x < y for x in a for y in b]) + 0.5 * np.mean([x == y for x in a for y in b]))
    assert row["result"] == "better"
    unpaired = pairwise_tests(_rows({"c": {"A": a, "B": b}})).iloc[0]
    assert unpaired["test"] == "rank-sum"


def test_identical_samples_are_no_difference():
    tests = pairwise_tests(_rows({"c": {"A": [2.0] * 5, "B": [2.0] * 5, "C": [2.0] * 5}}))
    assert len(tests) == 3 and set(tests["p"]) == {1.0} and set(tests["A12"]) == {0.5}
    assert set(tests["result"]) == {"no difference"}


def test_friedman_nemenyi_and_critical_difference_against_demsar():
    values = {  # one run per (instance, algorithm): the medians are these values
        "c1": {"A": [1.0], "B": [2.0], "C": [3.0]},
        "c2": {"A": [1.0], "B": [3.0], "C": [2.0]},
        "c3": {"A": [2.0], "B": [1.0], "C": [3.0]},
        "c4": {"A": [1.0], "B": [2.0], "C": [3.0]},
    }
    result = friedman(_rows(values))
    assert result.mean_ranks.to_dict() == {"A": 1.25, "B": 2.0, "C": 2.75}
    n, k = 4, 3
    se = math.sqrt(k * (k + 1) / (6 * n))
    # Demsar (2006), JMLR 7, Table 5(a): q_0.05 = 2.343 for k = 3 (studentized range / sqrt 2)
    assert result.cd == pytest.approx(2.343 * se, abs=1e-3)
    for x, y in itertools.combinations("ABC", 2):  # Nemenyi: |R_x - R_y| / se is a studentized range / sqrt 2
        q = abs(result.mean_ranks[x] - result.mean_ranks[y]) / se
        assert result.posthoc.loc[x, y] == pytest.approx(studentized_range.sf(q * math.sqrt(2), k, np.inf), rel=1e-6)
    ranks, pvalues, cd = critical_difference(_rows(values))
    assert ranks.equals(result.mean_ranks) and pvalues.equals(result.posthoc) and cd == result.cd
    assert list(pvalues.index) == list(pvalues.columns) == ["A", "B", "C"]


def test_two_algorithms_are_ranked_without_the_friedman_statistic():
    values = {"c1": {"A": [1.0], "B": [2.0]}, "c2": {"A": [1.0], "B": [2.0]}, "c3": {"A": [2.0], "B": [1.0]}}
    result = friedman(_rows(values))
    assert result.ranked and not result.applicable and math.isnan(result.statistic)
    assert result.mean_ranks.to_dict() == pytest.approx({"A": 4 / 3, "B": 5 / 3})
    assert result.cd == pytest.approx(1.960 * math.sqrt(2 * 3 / (6 * 3)), abs=1e-3)  # Demsar Table 5(a), k = 2
    assert "Friedman test not applicable: it needs at least 3 algorithms" in result.describe()


def test_a_single_instance_gets_no_ranks():
    ranks, pvalues, cd = critical_difference(_rows({"c": {"A": [1.0, 2.0], "B": [3.0, 4.0], "C": [5.0, 6.0]}}))
    assert ranks.empty and pvalues.empty and cd is None
