"""TLBO: teacher and learner phases computed by hand from the paper's equations; partner rule, teacher by feasibility first."""

import numpy as np

from draws import FixedDraws
from optibench import get_problem
from optibench.algorithms.tlbo import TeachingLearningBasedOptimization

NO_CON = np.empty((2, 0))


def clip(X, low=-100.0, high=100.0):
    return np.minimum(np.maximum(X, low), high)


def hand_teacher(X, teacher, u, r):
    """Teacher phase: X + Difference_Mean, r (M_new - TF M), TF = round(1 + u), M the mean learner; one coordinate at a time."""
    n, d = X.shape
    mean = [sum(X[k, j] for k in range(n)) / n for j in range(d)]
    out = np.empty_like(X)
    for i in range(n):
        tf = 2 if u[i] >= 0.5 else 1  # MATLAB's round(1 + u) rounds 1.5 up
        for j in range(d):
            out[i, j] = X[i, j] + r[i, j] * (teacher[j] - tf * mean[j])
    return clip(out)


def hand_learner(X, f, partner, r):
    """Learner phase: towards the partner unless strictly better than it, then away from it."""
    out = np.empty_like(X)
    for i, p in enumerate(partner):
        for j in range(X.shape[1]):
            step = X[i, j] - X[p, j] if f[i] < f[p] else X[p, j] - X[i, j]
            out[i, j] = X[i, j] + r[i, j] * step
    return clip(out)


def test_teacher_learner_teacher_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, -20.0], [-3.0, 4.0]])
    teach1 = [np.array([0.3, 0.5]), np.array([[0.1, 0.9], [0.5, 0.25]])]  # TF = 1, then 2
    learn = [np.array([1, 1]), np.array([[0.3, 0.7], [0.2, 0.6]])]  # with two learners the partner is the other
    teach2 = [np.array([0.7, 0.2]), np.array([[0.8, 0.05], [0.4, 0.35]])]
    rng = FixedDraws(
        [("random", 0.5 + X0 / 200.0)]
        + [("random", teach1[0]), ("random", teach1[1])]
        + [("integers", learn[0]), ("random", learn[1])]
        + [("random", teach2[0]), ("random", teach2[1])]
    )
    tlbo = TeachingLearningBasedOptimization(pop_size=2).setup(problem, rng, max_evals=8)
    assert np.allclose(tlbo.ask(), X0)
    tlbo.tell(np.array([[500.0], [25.0]]), NO_CON)  # the teacher is learner 1

    T1 = hand_teacher(X0, X0[1], *teach1)
    assert np.allclose(tlbo.ask(), T1)
    tlbo.tell(np.array([[400.0], [30.0]]), NO_CON)  # learner 0 improves, learner 1 does not
    X1 = np.vstack([T1[0], X0[1]])
    assert np.allclose(tlbo.X, X1)

    L1 = hand_learner(X1, [400.0, 25.0], [1, 0], learn[1])
    assert np.allclose(tlbo.ask(), L1)
    tlbo.tell(np.array([[300.0], [40.0]]), NO_CON)
    X2 = np.vstack([L1[0], X1[1]])
    assert np.allclose(tlbo.X, X2) and np.array_equal(tlbo.f, [300.0, 25.0])

    assert np.allclose(tlbo.ask(), hand_teacher(X2, X2[1], *teach2))
    rng.assert_consumed()


def test_partner_is_another_learner_and_a_tie_moves_towards_it():
    """Partners (i + offset) mod n with offset in [1, n); equal objectives: X + r (P - X), the code's else branch."""
    problem = get_problem("sphere", dim=2)
    X0 = np.array([[10.0, -20.0], [-3.0, 4.0], [50.0, 60.0]])
    offsets, r = np.array([1, 2, 1]), np.array([[0.5, 0.5], [0.25, 0.75], [0.1, 0.2]])
    teach = [np.array([0.1, 0.1, 0.1]), np.full((3, 2), 0.5)]
    rng = FixedDraws(
        [("random", 0.5 + X0 / 200.0), ("random", teach[0]), ("random", teach[1]), ("integers", offsets), ("random", r)]
    )
    tlbo = TeachingLearningBasedOptimization(pop_size=3).setup(problem, rng, max_evals=12)
    tlbo.ask()
    tlbo.tell(np.full((3, 1), 7.0), np.empty((3, 0)))
    tlbo.ask()
    tlbo.tell(np.full((3, 1), 9.0), np.empty((3, 0)))  # no teacher move accepted
    expected = hand_learner(X0, [7.0, 7.0, 7.0], [1, 0, 0], r)
    assert np.allclose(tlbo.ask(), expected)
    assert np.allclose(expected[1], X0[1] + r[1] * (X0[0] - X0[1]))
    rng.assert_consumed()


def test_teacher_by_feasibility_first():
    """An infeasible learner with the lowest objective is not the teacher."""
    problem = get_problem("g06")
    X0 = np.array([[20.0, 10.0], [14.0, 1.0]])
    xl, xu = problem.xl, problem.xu
    u, r = np.array([0.1, 0.1]), np.full((2, 2), 0.5)
    rng = FixedDraws([("random", (X0 - xl) / (xu - xl)), ("random", u), ("random", r)])
    tlbo = TeachingLearningBasedOptimization(pop_size=2).setup(problem, rng, max_evals=4)
    tlbo.ask()
    tlbo.tell(np.array([[-9000.0], [-10.0]]), np.array([[5.0, 0.0], [0.0, -1.0]]))
    # TF = 1, teacher X0[1], mean (17, 5.5): X + 0.5 ((14, 1) - (17, 5.5)) = X + (-1.5, -2.25)
    assert np.allclose(tlbo.ask(), np.clip(X0 + [-1.5, -2.25], xl, xu))
