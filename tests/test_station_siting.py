"""EV station siting and sizing (paper 003, section 5): enumeration against a plain brute-force loop."""

import itertools

import numpy as np
import pytest

from optibench.powerflow import solve
from optibench.registry import get_problem


def test_cost_model_reproduces_table6_size_difference():
    """Table 6: 50 MVA costs 1,753,800 GBP more than 30 MVA (20,000 kVA x 87.69 GBP/kVA of Table 4)."""
    problem = get_problem("ev-station-siting")
    big, small = np.array([[2.0, 0, 0, 0]]), np.array([[1.0, 0, 0, 0]])
    scale = problem.sizes_kva[1] / 30_000.0
    difference = problem.costs(big)[0][0] - problem.costs(small)[0][0]
    assert difference / scale == pytest.approx(13_794_211.08 - 12_040_411.08)


def test_enumeration_equals_brute_force_loop():
    problem = get_problem("ev-station-siting")
    net = problem.network
    fields, flows = problem.certify()
    best, best_choice = np.inf, None
    for choice in itertools.product(range(6), repeat=len(problem.candidates)):
        kva = problem.sizes_kva[list(choice)]
        if kva.sum() < problem.peak_kw:
            continue
        p = net.p_kw.copy()
        for bus, size in zip(problem.candidates, kva):
            p[net.index_of(int(bus))] += problem.peak_kw * size / kva.sum()
        res = solve(net, p, net.q_kvar.copy())
        if not res.converged[0] or np.any(np.abs(res.branch_flow_kva[0]) > problem.rating_kva):
            continue
        cost = problem.costs(np.array([choice], dtype=float))[0][0]
        if cost < best:
            best, best_choice = cost, choice
    assert flows == 6 ** len(problem.candidates)
    assert fields["value"] == pytest.approx(best, rel=1e-12)
    assert fields["solution"] == ",".join(map(str, best_choice))
    assert problem.known_optimum.value == pytest.approx(best, rel=1e-12)
    assert fields["status"] == problem.known_optimum.status == "proven"  # every choice evaluated
