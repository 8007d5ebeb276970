"""War Strategy Optimization: moves, greedy acceptance, ranks and weights, relocation pinned by hand."""

import numpy as np

from draws import FixedDraws
from optibench import get_problem
from optibench.algorithms.wso import WarStrategyOptimization

NO_CON = np.empty((4, 0))


def hand_moves(X, king, commander, W, perm, r, s, R=0.8, low=-100.0, high=100.0):
    """The MATLAB update, one soldier and one coordinate at a time, then clipped to the box."""
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if r[i] < R:  # defence
                D = 2 * r[i] * (king[j] - X[perm[i], j]) + W[i] * s[i] * (commander[j] - X[i, j])
            else:  # attack
                D = 2 * r[i] * (commander[j] - king[j]) + s[i] * (W[i] * king[j] - X[i, j])
            out[i, j] = min(max(X[i, j] + D, low), high)
    return out


def test_iteration_and_relocation_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, 20.0], [1.0, -2.0], [3.0, 4.0], [90.0, -95.0]])
    move1 = [np.array([3, 2, 0, 1]), np.array([0.75, 0.9, 0.85, 0.1]), np.array([0.25, 0.5, 0.75, 0.6])]
    relocation = np.array([[0.2, 0.7]])
    move2 = [np.array([1, 0, 3, 2]), np.array([0.95, 0.05, 0.5, 0.81]), np.array([0.4, 0.3, 0.2, 0.1])]
    rng = FixedDraws(
        [("random", 0.5 + X0 / 200.0)]
        + [("permutation", move1[0]), ("random", move1[1]), ("random", move1[2])]
        + [("random", relocation)]
        + [("permutation", move2[0]), ("random", move2[1]), ("random", move2[2])]
    )
    wso = WarStrategyOptimization(pop_size=4, R=0.8).setup(problem, rng, max_evals=4 + 3 * 5)  # T = 3
    assert np.allclose(wso.ask(), X0)
    wso.tell(np.array([[3.0], [1.0], [2.0], [4.0]]), NO_CON)

    # king = soldier 1 (f = 1), commander = soldier 2 (f = 2), all weights 2; soldiers 0 and 3
    # defend, 1 and 2 attack; soldier 0's move, (-127, 151.5), leaves the box and is clipped
    expected = hand_moves(X0, X0[1], X0[2], [2.0] * 4, *move1)
    assert np.allclose(expected[0], [-100.0, 100.0])
    assert np.allclose(wso.ask(), expected)

    # soldiers 0 and 1 improve: rank 1, W = 2 (1 - 1/3)^2; soldiers 2 and 3 keep their places
    wso.tell(np.array([[2.5], [0.5], [2.5], [5.0]]), NO_CON)
    X1 = np.vstack([expected[:2], X0[2:]])
    assert np.allclose(wso.X, X1)
    assert np.array_equal(wso.rank, [1, 1, 0, 0])
    assert np.allclose(wso.W, [8 / 9, 8 / 9, 2.0, 2.0])

    # the worst soldier (3, f = 4) is relocated to a uniform point and that point is evaluated
    assert np.allclose(wso.ask(), -100.0 + 200.0 * relocation)
    wso.tell(np.array([[0.1]]), np.empty((1, 0)))
    X1[3] = -100.0 + 200.0 * relocation[0]
    assert np.allclose(wso.X, X1) and wso.f[3] == 0.1

    # next move: king = the relocated soldier (f = 0.1), commander = soldier 1 (f = 0.5)
    assert np.allclose(wso.ask(), hand_moves(X1, X1[3], X1[1], [8 / 9, 8 / 9, 2.0, 2.0], *move2))
    rng.assert_consumed()


def test_worst_by_feasibility_first():
    """An infeasible soldier with the lowest objective is the worst and is the one relocated."""
    problem = get_problem("g06")
    wso = WarStrategyOptimization(pop_size=3).setup(problem, np.random.default_rng(0), max_evals=100)
    wso.ask()
    wso.tell(np.array([[-9000.0], [-10.0], [-20.0]]), np.array([[5.0, 0.0], [0.0, 0.0], [0.0, -1.0]]))
    moved = wso.ask()
    wso.tell(np.full((3, 1), -1e9), np.full((3, 2), 10.0))  # every move infeasible: no soldier improves
    assert wso.worst == 0
    assert np.allclose(wso.king_x, wso.X[2]) and wso.king_f == -20.0
    assert moved.shape == (3, 2) and wso.ask().shape == (1, 2)
