"""Equilibrium Optimizer: update equations, archive and memory pinned by hand; the paper's sphere result."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from draws import FixedDraws
from optibench import get_problem, minimize
from optibench.algorithms.eo import EquilibriumOptimizer

NO_CON = np.empty((5, 0))


def hand_move(C, pool, lam, r, idx, r1, r2, t, a1=2.0, GP=0.5, V=1.0):
    """The paper's update, one particle and one coordinate at a time."""
    out = np.empty_like(C)
    for i in range(C.shape[0]):
        gcp = 0.5 * r1[i] if r2[i] >= GP else 0.0
        for j in range(C.shape[1]):
            ceq = pool[idx[i]][j]
            F = a1 * math.copysign(1.0, r[i, j] - 0.5) * (math.exp(-lam[i, j] * t) - 1.0)
            G = gcp * (ceq - lam[i, j] * C[i, j]) * F
            out[i, j] = ceq + (C[i, j] - ceq) * F + G / (lam[i, j] * V) * (1.0 - F)
    return out


def move_draws(seed):
    """Draws of one move for 5 particles in 2-D, in EO's documented order; both GCP branches, every pool entry."""
    g = np.random.default_rng(seed)
    return [
        ("random", g.random((5, 2))),  # lambda
        ("random", g.random((5, 2))),  # r
        ("integers", np.array([0, 4, 2, 1, 3])),  # pool index (4 = the mean)
        ("random", g.random(5)),  # r1
        ("random", np.array([0.1, 0.7, 0.5, 0.2, 0.9])),  # r2: GCP = 0 below GP = 0.5
    ]


def test_two_iterations_match_hand_computation():
    problem = get_problem("sphere", dim=2)  # box [-100, 100]^2
    C0 = np.array([[10.0, 20.0], [1.0, -2.0], [3.0, 4.0], [-5.0, 6.0], [7.0, -8.0]])
    first, second = move_draws(1), move_draws(2)
    rng = FixedDraws([("random", 0.5 + C0 / 200.0)] + first + second)
    eo = EquilibriumOptimizer(pop_size=5).setup(problem, rng, max_evals=20)  # T = 4 iterations
    assert np.allclose(eo.ask(), C0)

    # iteration 0: particle 1 displaces particle 0 from slot 1 and particle 0 is dropped (cascade rule)
    eo.tell(np.array([[4.0], [1.0], [2.0], [3.0], [5.0]]), NO_CON)
    assert np.array_equal(eo.slot_f, [1.0, 2.0, 3.0, 5.0])
    assert np.allclose(eo.slot_x, C0[[1, 2, 3, 4]])
    pool = np.vstack([C0[[1, 2, 3, 4]], C0[[1, 2, 3, 4]].mean(axis=0)])
    C1 = hand_move(C0, pool, *(d for _, d in first), t=1.0)  # t = (1 - 0)^0
    assert np.allclose(eo.ask(), np.clip(C1, -100, 100))

    # iteration 1: particles 1 and 3 got worse and return to C0 (memory saving); particle 1 ties
    # slot 2 (f = 2) and takes no slot; particle 4 fills slot 4 ahead of the old slot-3 holder
    eo.tell(np.array([[0.5], [2.0], [1.5], [9.0], [4.0]]), NO_CON)
    C1 = np.clip(C1, -100, 100)
    saved = np.where(np.array([False, True, False, True, False])[:, None], C0, C1)
    assert np.array_equal(eo.slot_f, [0.5, 1.5, 3.0, 4.0])
    assert np.allclose(eo.slot_x, [C1[0], C1[2], C0[3], C1[4]])
    pool = np.vstack([eo.slot_x, eo.slot_x.mean(axis=0)])
    C2 = hand_move(saved, pool, *(d for _, d in second), t=0.75**0.25)  # t = (1 - 1/4)^(1/4)
    assert np.allclose(eo.ask(), np.clip(C2, -100, 100))
    rng.assert_consumed()


def test_feasibility_first_in_archive_and_memory():
    problem = get_problem("g06")
    eo = EquilibriumOptimizer(pop_size=2).setup(problem, np.random.default_rng(0), max_evals=100)
    X0 = eo.ask().copy()
    # particle 0 has the lower objective but is infeasible: particle 1 takes slot 1
    eo.tell(np.array([[1.0], [2.0]]), np.array([[1.0, 0.0], [0.0, -1.0]]))
    assert np.allclose(eo.slot_x[0], X0[1]) and eo.slot_f[0] == 2.0
    eo.ask()
    # particle 1 moves to a lower objective but becomes infeasible: it returns to X0[1]
    eo.tell(np.array([[0.5], [-5.0]]), np.array([[0.5, 0.0], [0.0, 3.0]]))
    assert np.allclose(eo.old_C[1], X0[1]) and eo.old_f[1] == 2.0 and eo.old_v[1] == 0.0


def sequential_cascade(slot_f, f):
    """The authors' if / elseif chain over particles, on objective values only."""
    slots = list(slot_f)
    holder = [None] * 4
    for i, fi in enumerate(f):
        for k in range(4):
            if fi < slots[k]:
                slots[k], holder[k] = fi, i
                break
            if not fi > slots[k]:
                break
    return slots, holder


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=12), st.integers(0, 4))
def test_archive_equals_the_sequential_rule(f, n_filled):
    """Vectorised cascade == the published per-particle chain, ties included."""
    problem = get_problem("sphere", dim=1)
    eo = EquilibriumOptimizer(pop_size=len(f)).setup(problem, np.random.default_rng(0), max_evals=100)
    eo.slot_f[:n_filled] = np.arange(n_filled) * 2.0 + 1.0
    eo.slot_v[:n_filled] = 0.0
    eo.slot_x[:n_filled, 0] = -1.0
    slots, holder = sequential_cascade(eo.slot_f.copy(), f)
    eo._update_archive(np.asarray(f, dtype=float), np.zeros(len(f)))
    assert eo.slot_f.tolist() == slots
    for k in range(4):
        if holder[k] is not None:
            assert eo.slot_x[k, 0] == eo.C[holder[k], 0]


def test_sphere_30d_median_below_1e_30():
    """The EO paper reports about 1e-40 on this setting (its F1: 30 particles, 500 iterations)."""
    problem = get_problem("sphere", dim=30)
    best = [minimize(problem, EquilibriumOptimizer(pop_size=30), max_evals=30 * 500, seed=s).f for s in range(30)]
    assert np.median(best) < 1e-30
