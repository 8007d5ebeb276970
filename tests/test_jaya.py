"""Jaya: the update of the paper's eq. (1) computed by hand, greedy acceptance, worst by feasibility first."""

import numpy as np

from draws import FixedDraws
from optibench import get_problem
from optibench.algorithms.jaya import Jaya

NO_CON = np.empty((2, 0))


def hand_move(X, best, worst, r1, r2, low=-100.0, high=100.0):
    """Eq. (1), one member and one variable at a time: X + r1 (best - |X|) - r2 (worst - |X|), then clipped."""
    out = np.empty_like(X)
    low, high = np.broadcast_to(low, X.shape[1]), np.broadcast_to(high, X.shape[1])
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            value = X[i, j] + r1[i, j] * (best[j] - abs(X[i, j])) - r2[i, j] * (worst[j] - abs(X[i, j]))
            out[i, j] = min(max(value, low[j]), high[j])
    return out


def test_two_iterations_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, -20.0], [-3.0, 4.0]])
    m1 = [np.array([[0.1, 0.9], [0.5, 0.25]]), np.array([[0.3, 0.7], [0.2, 0.6]])]
    m2 = [np.array([[0.8, 0.05], [0.4, 0.35]]), np.array([[0.15, 0.45], [0.95, 0.55]])]
    rng = FixedDraws([("random", 0.5 + X0 / 200.0)] + [("random", d) for d in m1 + m2])
    jaya = Jaya(pop_size=2).setup(problem, rng, max_evals=6)
    assert np.allclose(jaya.ask(), X0)
    jaya.tell(np.array([[500.0], [25.0]]), NO_CON)  # best = member 1, worst = member 0

    first = hand_move(X0, X0[1], X0[0], *m1)
    assert np.allclose(jaya.ask(), first)
    jaya.tell(np.array([[400.0], [30.0]]), NO_CON)  # member 0 improves, member 1 does not
    X1 = np.vstack([first[0], X0[1]])
    assert np.allclose(jaya.X, X1) and np.array_equal(jaya.f, [400.0, 25.0])

    assert np.allclose(jaya.ask(), hand_move(X1, X1[1], X1[0], *m2))
    rng.assert_consumed()


def test_move_leaving_the_box_is_clipped():
    """A member at the upper bound pushed further out stays on the bound (the code's trimr)."""
    problem = get_problem("sphere", dim=2)
    X0 = np.array([[99.0, 0.0], [-50.0, 0.0]])
    r1, r2 = np.full((2, 2), 0.9), np.full((2, 2), 0.9)
    rng = FixedDraws([("random", 0.5 + X0 / 200.0), ("random", r1), ("random", r2)])
    jaya = Jaya(pop_size=2).setup(problem, rng, max_evals=4)
    jaya.ask()
    jaya.tell(np.array([[1.0], [2.0]]), NO_CON)  # best (99, 0), worst (-50, 0)
    # member 0, x1: 99 + 0.9 (99 - 99) - 0.9 (-50 - 99) = 233.1 -> 100
    assert np.allclose(jaya.ask(), hand_move(X0, X0[0], X0[1], r1, r2))
    assert jaya.pending[0, 0] == 100.0


def test_worst_by_feasibility_first():
    """An infeasible member with the lowest objective is the worst, the one the others move away from."""
    problem = get_problem("g06")
    X0 = np.array([[20.0, 10.0], [14.0, 1.0]])
    r1, r2 = np.full((2, 2), 0.25), np.full((2, 2), 0.75)
    xl, xu = problem.xl, problem.xu
    rng = FixedDraws([("random", (X0 - xl) / (xu - xl)), ("random", r1), ("random", r2)])
    jaya = Jaya(pop_size=2).setup(problem, rng, max_evals=4)
    assert np.allclose(jaya.ask(), X0)
    jaya.tell(np.array([[-9000.0], [-10.0]]), np.array([[5.0, 0.0], [0.0, -1.0]]))
    assert np.allclose(jaya.ask(), hand_move(X0, X0[1], X0[0], r1, r2, low=xl, high=xu))
