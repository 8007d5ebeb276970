"""Sine Cosine Algorithm: eq. 3.3 pinned by hand, and the code's r1 schedule (t from 2 to T, so the last move is null)."""

import math

import numpy as np

from draws import FixedDraws
from optibench import get_problem
from optibench.algorithms.sca import SineCosineAlgorithm

NO_CON = np.empty((2, 0))


def hand_move(X, P, r2, r3, r4, r1):
    """Paper eq. 3.3, one solution and coordinate at a time (r2, r3, r4 already scaled)."""
    out = np.empty_like(X)
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            wave = math.sin(r2[i, j]) if r4[i, j] < 0.5 else math.cos(r2[i, j])
            out[i, j] = X[i, j] + r1 * wave * abs(r3[i, j] * P[j] - X[i, j])
    return out


def test_moves_match_hand_computation_and_the_last_move_is_null():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    X0 = np.array([[10.0, 20.0], [90.0, -2.0]])
    u2 = np.array([[0.1, 0.3], [0.25, 0.9]])
    u3 = np.array([[0.25, 0.9], [0.5, 0.05]])
    u4 = np.array([[0.2, 0.7], [0.4, 0.55]])
    last = np.random.default_rng(1).random((3, 2, 2))  # r2, r3, r4 of the last move, which r1 = 0 cancels
    rng = FixedDraws(
        [("random", 0.5 + X0 / 200.0), ("random", u2), ("random", u3), ("random", u4)] + [("random", u) for u in last]
    )
    sca = SineCosineAlgorithm(pop_size=2).setup(problem, rng, max_evals=6)  # T = 3 iterations
    assert np.allclose(sca.ask(), X0)

    # iteration 1 is the initial population; the first move uses t = 2: r1 = 2 - 2 * 2/3
    sca.tell(np.array([[1.0], [2.0]]), NO_CON)  # destination: solution 0
    X1 = hand_move(X0, X0[0], 2 * np.pi * u2, 2 * u3, u4, r1=2 / 3)
    assert X1[1, 0] > 100  # solution 1 leaves the box and is clipped, as in the code
    X1 = np.clip(X1, -100, 100)
    asked = sca.ask().copy()
    assert np.allclose(asked, X1)

    # t = T = 3: r1 = 0, so the last population is the one before it
    sca.tell(np.array([[0.5], [3.0]]), NO_CON)
    assert np.array_equal(sca.dest_x, asked[0])
    assert np.array_equal(sca.ask(), asked)
    rng.assert_consumed()
