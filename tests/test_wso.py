"""War Strategy Optimization (`wso`, `wso-authors`): moves, greedy acceptance, ranks and weights, relocation pinned by hand."""

import numpy as np

from draws import FixedDraws
from optibench import get_problem, minimize
from optibench.algorithms.wso import WarStrategyOptimization, WarStrategyOptimizationAuthors

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


def test_authors_relocation_is_on_the_diagonal_and_not_evaluated():
    """``WSOA``: after the moves the worst soldier by its stored value jumps to lb + u (ub - lb), one scalar u, unevaluated."""
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, 20.0], [1.0, -2.0], [3.0, 4.0], [90.0, -95.0]])
    move1 = [np.array([3, 2, 0, 1]), np.array([0.75, 0.9, 0.85, 0.1]), np.array([0.25, 0.5, 0.75, 0.6])]
    move2 = [np.array([1, 0, 3, 2]), np.array([0.95, 0.05, 0.5, 0.81]), np.array([0.4, 0.3, 0.2, 0.1])]
    rng = FixedDraws(
        [("random", 0.5 + X0 / 200.0)]
        + [("permutation", move1[0]), ("random", move1[1]), ("random", move1[2]), ("random", [0.3])]
        + [("permutation", move2[0]), ("random", move2[1]), ("random", move2[2]), ("random", [0.9])]
    )
    wso = WarStrategyOptimizationAuthors(pop_size=4, R=0.8).setup(problem, rng, max_evals=16)  # Max_iter = 16 / 4
    assert np.allclose(wso.ask(), X0)
    wso.tell(np.array([[3.0], [1.0], [2.0], [4.0]]), NO_CON)
    moves = hand_moves(X0, X0[1], X0[2], [2.0] * 4, *move1)
    assert np.allclose(wso.ask(), moves)

    # soldiers 0 and 1 improve: W = 2 (1 - 1/4)^2; then soldier 3 (stored f = 4, the worst) goes to
    # -100 + 200 * 0.3 = -40 on both coordinates and keeps f = 4
    wso.tell(np.array([[2.5], [0.5], [2.5], [5.0]]), NO_CON)
    X1 = np.vstack([moves[:2], X0[2], [-40.0, -40.0]])
    assert np.allclose(wso.X, X1)
    assert np.array_equal(wso.f, [2.5, 0.5, 2.0, 4.0])
    assert np.allclose(wso.W, [9 / 8, 9 / 8, 2.0, 2.0])
    assert np.allclose(wso.king_x, moves[1]) and wso.king_f == 0.5  # the unevaluated point never becomes king

    # no population of one: the next ask is the n moves, from the relocated point too;
    # king = soldier 1 (0.5), commander = soldier 2 (2.0) by the stored values
    moves2 = hand_moves(X1, X1[1], X1[2], [9 / 8, 9 / 8, 2.0, 2.0], *move2)
    assert np.allclose(wso.ask(), moves2)

    # the relocated soldier's move (2.2) beats its stale value (4): accepted; the worst is now soldier 0 (2.5)
    wso.tell(np.array([[9.0], [9.0], [9.0], [2.2]]), NO_CON)
    assert np.allclose(wso.X, np.vstack([[80.0, 80.0], X1[1:3], moves2[3]]))
    assert np.array_equal(wso.f, [2.5, 0.5, 2.0, 2.2]) and np.array_equal(wso.rank, [1, 1, 0, 1])
    rng.assert_consumed()


def test_authors_relocation_stops_at_iteration_1000():
    """``WSOA`` relocates while its counter l (from 1) is below 1000: 999 scalar draws in 1,002 iterations."""

    class Counting:
        def __init__(self):
            self.rng, self.scalars = np.random.default_rng(0), 0

        def random(self, size):
            self.scalars += np.prod(size) == 1
            return self.rng.random(size)

        def permutation(self, n):
            return self.rng.permutation(n)

    rng = Counting()
    wso = WarStrategyOptimizationAuthors(pop_size=2).setup(get_problem("sphere", dim=2), rng, max_evals=2 * 1003)
    for _ in range(1003):  # the initial soldiers, then Max_iter - 1 = 1,002 iterations of 2 moves
        wso.ask()
        wso.tell(np.zeros((2, 1)), np.empty((2, 0)))
    assert wso.iteration == 1003 and rng.scalars == 999


def test_authors_variant_reaches_rosenbrock_optimum_where_wso_stalls():
    """30-dim Rosenbrock (optimum at 1, on the box diagonal), 30 soldiers, 15,000 evaluations, 5 runs.

    Measured over 10 runs: ``wso-authors`` median 6e-6, worst 1.1e-3; ``wso`` (uniform relocation point) median 28.9,
    all within 28.8-29.0.
    """
    problem = get_problem("rosenbrock", dim=30)
    authors = [minimize(problem, WarStrategyOptimizationAuthors(), max_evals=15_000, seed=s).f for s in range(5)]
    paper = [minimize(problem, WarStrategyOptimization(), max_evals=15_000, seed=s).f for s in range(5)]
    assert np.median(authors) < 1e-2
    assert np.median(paper) > 25.0
