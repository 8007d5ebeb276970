"""Whale Optimization Algorithm: the three moves of the paper and the code's schedules of a and l pinned by hand."""

import math

import numpy as np

from draws import FixedDraws
from optibench import get_algorithm, get_problem
from optibench.algorithms.woa import WhaleOptimizationAlgorithm
from optibench.testing import check_finds_feasible_point_near_the_constrained_optimum

NO_CON = np.empty((3, 0))


def hand_move(X, leader, r1, r2, u, p, k, a, a2, b=1.0):
    """Paper eqs. 2.1-2.8 with the code's per-whale A, C, l and per-coordinate random whale, one value at a time."""
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        A, C, l = 2 * a * r1[i] - a, 2 * r2[i], (a2 - 1) * u[i] + 1
        for j in range(X.shape[1]):
            if p[i] < 0.5 and abs(A) >= 1:  # search for prey
                x_rand = X[k[i, j], j]
                out[i, j] = x_rand - A * abs(C * x_rand - X[i, j])
            elif p[i] < 0.5:  # shrinking encircling
                out[i, j] = leader[j] - A * abs(C * leader[j] - X[i, j])
            else:  # spiral
                out[i, j] = abs(leader[j] - X[i, j]) * math.exp(b * l) * math.cos(2 * math.pi * l) + leader[j]
    return out


def test_two_iterations_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, 20.0], [1.0, -2.0], [3.0, 4.0]])
    # iteration 0 (a = 2, a2 = -1): whale 0 searches (|A| = 1.6), whale 1 encircles (A = 0), whale 2 spirals
    first = dict(
        r1=np.array([0.9, 0.5, 0.3]),
        r2=np.array([0.25, 0.75, 0.6]),
        u=np.array([0.1, 0.4, 0.8]),
        p=np.array([0.2, 0.3, 0.7]),
        k=np.array([[2, 0], [1, 1], [0, 2]]),
    )
    # iteration 1 (a = 1.5, a2 = -1.25): whale 0 encircles (|A| = 0.3), whale 1 searches (A = -1.2), whale 2
    # spirals with l = -2.25 * 0.9 + 1 = -1.025, outside the paper's [-1, 1] (the code's range is (a2, 1])
    second = dict(
        r1=np.array([0.6, 0.1, 0.5]),
        r2=np.array([0.5, 0.2, 0.9]),
        u=np.array([0.3, 0.6, 0.9]),
        p=np.array([0.4, 0.1, 0.95]),
        k=np.array([[1, 1], [2, 0], [0, 0]]),
    )

    def draws(d):
        return [("random", d["r1"]), ("random", d["r2"]), ("random", d["u"]), ("random", d["p"]), ("integers", d["k"])]

    rng = FixedDraws([("random", 0.5 + X0 / 200.0)] + draws(first) + draws(second))
    woa = WhaleOptimizationAlgorithm(pop_size=3).setup(problem, rng, max_evals=12)  # T = 4 iterations
    assert np.allclose(woa.ask(), X0)

    woa.tell(np.array([[3.0], [1.0], [2.0]]), NO_CON)  # leader: whale 1
    X1 = np.clip(hand_move(X0, X0[1], **first, a=2.0, a2=-1.0), -100, 100)
    assert np.allclose(woa.ask(), X1)

    woa.tell(np.array([[0.5], [5.0], [1.5]]), NO_CON)  # leader: whale 0 of the new population
    X2 = hand_move(X1, X1[0], **second, a=1.5, a2=-1.25)
    assert np.allclose(woa.ask(), np.clip(X2, -100, 100))
    rng.assert_consumed()


def test_leader_is_the_best_point_so_far_by_feasibility_first():
    problem = get_problem("g06")
    woa = WhaleOptimizationAlgorithm(pop_size=3).setup(problem, np.random.default_rng(0), max_evals=30)
    X0 = woa.ask().copy()
    woa.tell(np.array([[-9000.0], [-10.0], [-20.0]]), np.array([[5.0, 0.0], [0.0, 0.0], [0.0, -1.0]]))
    assert np.array_equal(woa.leader_x, X0[2]) and woa.leader_f == -20.0
    woa.ask()
    woa.tell(np.array([[-30.0], [-1e6], [0.0]]), np.array([[0.5, 0.0], [3.0, 0.0], [0.0, 0.0]]))  # no feasible improvement
    assert np.array_equal(woa.leader_x, X0[2]) and woa.leader_f == -20.0


def test_finds_the_constrained_optimum_with_100_whales():
    """WOA's expected failure on g06 (its default 30 whales) is the pod size: 100 whales find the crescent."""
    check_finds_feasible_point_near_the_constrained_optimum(get_algorithm("woa", pop_size=100))
