"""Grey Wolf Optimizer: the paper's update equations and the code's leader rule pinned by hand; the paper's sphere result."""

import numpy as np

from draws import FixedDraws
from optibench import get_problem, minimize
from optibench.algorithms.gwo import GreyWolfOptimizer

NO_CON = np.empty((3, 0))


def hand_move(X, leaders, r1, r2, a):
    """Paper eqs. 3.3-3.7, one wolf, coordinate and leader at a time: r1, r2 indexed [leader, wolf, coordinate]."""
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            total = 0.0
            for k in range(3):
                A = 2 * a * r1[k, i, j] - a
                C = 2 * r2[k, i, j]
                D = abs(C * leaders[k][j] - X[i, j])
                total += leaders[k][j] - A * D
            out[i, j] = total / 3
    return out


def move_draws(seed):
    g = np.random.default_rng(seed)
    return [("random", g.random((3, 3, 2))), ("random", g.random((3, 3, 2)))]


def test_two_iterations_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, 20.0], [1.0, -2.0], [3.0, 4.0]])
    first, second = move_draws(1), move_draws(2)
    rng = FixedDraws([("random", 0.5 + X0 / 200.0)] + first + second)
    gwo = GreyWolfOptimizer(pop_size=3).setup(problem, rng, max_evals=12)  # T = 4 iterations
    assert np.allclose(gwo.ask(), X0)

    # wolf 0 becomes alpha, wolf 1 replaces it (the old alpha is dropped, not demoted to beta as
    # the paper's "three best" would have it), wolf 2 becomes beta; delta stays empty and stands in for alpha
    gwo.tell(np.array([[3.0], [1.0], [2.0]]), NO_CON)
    assert np.array_equal(gwo.leader_f, [1.0, 2.0, np.inf])
    X1 = np.clip(hand_move(X0, [X0[1], X0[2], X0[1]], first[0][1], first[1][1], a=2.0), -100, 100)
    assert np.allclose(gwo.ask(), X1)

    # wolf 0 is the new alpha (the old one is dropped), wolf 1 fills delta, wolf 2 then takes beta;
    # a has fallen linearly to 2 - 2 * 1/4
    gwo.tell(np.array([[0.5], [5.0], [1.5]]), NO_CON)
    assert np.array_equal(gwo.leader_f, [0.5, 1.5, 5.0])
    X2 = hand_move(X1, [X1[0], X1[2], X1[1]], second[0][1], second[1][1], a=1.5)
    assert np.allclose(gwo.ask(), np.clip(X2, -100, 100))
    rng.assert_consumed()


def test_a_falls_linearly_from_2_to_0_over_the_budget():
    """The paper's a: 2 at the first move, minus 2/T per population, 2/T at the last (never evaluated) move."""
    problem = get_problem("sphere", dim=3)
    gwo = GreyWolfOptimizer(pop_size=5).setup(problem, np.random.default_rng(0), max_evals=5 * 8 - 2)  # T = 8
    seen = []
    for _ in range(8):
        X = gwo.ask()
        seen.append(gwo.a())
        gwo.tell(problem.evaluate(X).F, np.empty((5, 0)))
    assert np.allclose(seen, [2.0, 1.75, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25])


def test_infeasible_wolf_does_not_lead():
    """Feasibility first: the lowest objective of an infeasible wolf does not make it alpha."""
    problem = get_problem("g06")
    gwo = GreyWolfOptimizer(pop_size=3).setup(problem, np.random.default_rng(0), max_evals=30)
    X0 = gwo.ask().copy()
    gwo.tell(np.array([[-10.0], [-20.0], [-9000.0]]), np.array([[0.0, -1.0], [0.0, 0.0], [5.0, 0.0]]))
    assert np.array_equal(gwo.leader_f, [-20.0, -9000.0, np.inf])
    assert np.array_equal(gwo.leader_x[:2], X0[[1, 2]])
    assert gwo.leader_v[1] == 5.0


def test_sphere_30d_median_below_1e_20():
    """The GWO paper reports a mean of 6.59e-28 on this setting (its F1: 30 wolves, 500 iterations, Table 5)."""
    problem = get_problem("sphere", dim=30)
    best = [minimize(problem, GreyWolfOptimizer(pop_size=30), max_evals=30 * 500, seed=s).f for s in range(5)]
    assert np.median(best) < 1e-20
