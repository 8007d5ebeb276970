"""Harris Hawks Optimization: every move of the paper computed by hand; the escaping energy's schedule."""

import numpy as np
import pytest

from draws import FixedDraws
from optibench import get_problem
from optibench.algorithms.hho import HarrisHawksOptimization

LOW, HIGH = -100.0, 100.0  # sphere's box


class Draws(FixedDraws):
    """FixedDraws that also serves ``standard_normal`` (the Levy step's draws)."""

    def standard_normal(self, size):
        return self._next("standard_normal", np.atleast_1d(size))


def clip(x):
    return [min(max(v, LOW), HIGH) for v in x]


def family_perch(other, X, r1, r2):
    """Eq. (1), first case: X_rand - r1 |X_rand - 2 r2 X|."""
    return clip([o - r1 * abs(o - 2 * r2 * x) for o, x in zip(other, X)])


def tree_perch(R, mean, r3, r4):
    """Eq. (1), second case: (X_rabbit - X_m) - r3 (LB + r4 (UB - LB))."""
    return clip([(b - m) - r3 * (LOW + r4 * (HIGH - LOW)) for b, m in zip(R, mean)])


def hard_besiege(R, X, E):
    """Eq. (6): X_rabbit - E |X_rabbit - X|."""
    return clip([b - E * abs(b - x) for b, x in zip(R, X)])


def soft_besiege(R, X, E, J):
    """Eqs. (4)-(5): (X_rabbit - X) - E |J X_rabbit - X|."""
    return clip([(b - x) - E * abs(J * b - x) for b, x in zip(R, X)])


def dive(R, target, E, J):
    """Eq. (7) (target = the hawk) and eq. (12) (target = the mean hawk): X_rabbit - E |J X_rabbit - target|."""
    return clip([b - E * abs(J * b - t) for b, t in zip(R, target)])


def levy_dive(Y, S, u, v, beta=1.5, sigma=0.6965745025576967):
    """Eq. (8) with the code's Levy step (Mantegna, no 0.01 factor; sigma for beta = 1.5): Y + S * u sigma / |v|^(1/beta)."""
    return clip([y + s * (a * sigma / abs(b) ** (1 / beta)) for y, s, a, b in zip(Y, S, u, v)])


def row(E0_draw, q=0.5, hawk=0.5, r1=0.5, r2=0.5, r3=0.5, r4=0.5, r=0.5, r5=0.5):
    """One hawk's nine uniform draws, in the documented column order."""
    return [E0_draw, q, hawk, r1, r2, r3, r4, r, r5]


def test_three_iterations_match_the_papers_equations():
    problem = get_problem("sphere", dim=2)
    X0 = np.array([[10.0, 20.0], [1.0, -2.0]])
    it1 = np.array([row(0.95, q=0.2, hawk=0.7, r1=0.3, r2=0.6), row(0.6, r=0.8)])
    it2 = np.array([row(0.9, q=0.7, r3=0.25, r4=0.4), row(0.7, r=0.3, r5=0.25)])
    S, u, v = np.array([[0.5, 0.9]]), np.array([[1.2, -0.4]]), np.array([[0.8, -1.5]])
    it3 = np.array([row(0.55, r=0.1, r5=0.6), row(0.3, r=0.9, r5=0.1)])
    rng = Draws(
        [("random", 0.5 + X0 / 200.0), ("random", it1), ("random", it2)]
        + [("random", S), ("standard_normal", u), ("standard_normal", v), ("random", it3)]
    )
    hho = HarrisHawksOptimization(pop_size=2).setup(problem, rng, max_evals=200)
    assert np.allclose(hho.ask(), X0)
    hho.tell(np.array([[1.0], [2.0]]), np.empty((2, 0)))  # the rabbit is hawk 0

    # E1 = 2 (1 - 2/200); hawk 0: E = 1.98 * 0.9, explores, perches on hawk 1 (floor(2 * 0.7) = 1);
    # hawk 1: E = 1.98 * 0.2 < 0.5 and r >= 0.5, hard besiege
    R = X0[0]
    expected = [family_perch(X0[1], X0[0], 0.3, 0.6), hard_besiege(R, X0[1], 1.98 * 0.2)]
    assert np.allclose(hho.ask(), expected)
    hho.tell(np.array([[3.0], [0.5]]), np.empty((2, 0)))  # non-diving hawks always move
    X1 = np.array(expected)
    assert np.allclose(hho.X, X1)

    # E1 = 1.96; hawk 0 perches on a random tree (q >= 0.5); hawk 1 (the rabbit now): E = 1.96 * 0.4,
    # r < 0.5: soft besiege with a rapid dive, J = 2 (1 - 0.25)
    R, mean = X1[1], X1.mean(axis=0)
    Y = dive(R, X1[1], 1.96 * 0.4, 1.5)
    assert np.allclose(hho.ask(), [tree_perch(R, mean, 0.25, 0.4), Y])
    hho.tell(np.array([[4.0], [0.7]]), np.empty((2, 0)))  # hawk 0 moves although worse; Y fails (0.7 > 0.5)
    assert hho.f[0] == 4.0 and hho.f[1] == 0.5

    # the Levy dive Z of hawk 1 alone, accepted
    Z = levy_dive(Y, S[0], u[0], v[0])
    assert np.allclose(hho.ask(), [Z])
    hho.tell(np.array([[0.1]]), np.empty((1, 0)))
    X2 = np.array([tree_perch(R, mean, 0.25, 0.4), Z])
    assert np.allclose(hho.X, X2) and hho.f[1] == 0.1

    # E1 = 2 (1 - 7/200); hawk 0: |E| < 0.5, r < 0.5: hard besiege with a dive towards the mean hawk;
    # hawk 1: E = 1.93 * (-0.4), r >= 0.5: soft besiege
    R, mean = X2[1], X2.mean(axis=0)
    Y0 = dive(R, mean, 1.93 * 0.1, 0.8)
    assert np.allclose(hho.ask(), [Y0, soft_besiege(R, X2[1], 1.93 * -0.4, 1.8)])
    hho.tell(np.array([[2.0], [0.05]]), np.empty((2, 0)))  # Y0 beats 4.0: no Levy dive follows
    assert np.allclose(hho.X[0], Y0)
    rng.assert_consumed()


def test_escaping_energy_factor_falls_linearly_from_2_to_0_over_the_budget():
    """E1 = 2 (1 - t/T) (eq. 3), with every evaluation of both kinds of population counted in t."""
    problem = get_problem("rastrigin", dim=5)
    max_evals = 1000
    hho = HarrisHawksOptimization(pop_size=10).setup(problem, np.random.default_rng(3), max_evals=max_evals)
    assert hho.energy_factor() == 2.0
    told, sizes = 0, set()
    while True:
        X = hho.ask()
        sizes.add(len(X))
        k = min(len(X), max_evals - told)
        ev = problem.evaluate(X[:k])
        hho.tell(ev.F, ev.G)
        told += k
        if told == max_evals:
            break
        assert hho.energy_factor() == pytest.approx(2.0 * (1.0 - told / max_evals))
    assert len(sizes) > 2  # Levy-dive populations of several sizes were asked and counted


def test_rabbit_by_feasibility_first():
    """An infeasible hawk with the lowest objective is not the rabbit."""
    problem = get_problem("g06")
    hho = HarrisHawksOptimization(pop_size=3).setup(problem, np.random.default_rng(0), max_evals=100)
    X = hho.ask().copy()
    hho.tell(np.array([[-9000.0], [-10.0], [-20.0]]), np.array([[5.0, 0.0], [0.0, 0.0], [0.0, -1.0]]))
    assert np.array_equal(hho.rabbit_x, X[2]) and hho.rabbit_f == -20.0 and hho.rabbit_v == 0.0
