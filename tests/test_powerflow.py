"""Behaviour of solve_batch: collapse, batching, block width, warm start, branch quantities, bad arguments."""

import numpy as np
import pytest

from optibench import load_network
from optibench.powerflow import solve, solve_batch
from optibench.sweep_kernel import (
    BLOCK_BYTES_PER_BUS_ROW,
    BLOCK_MEMORY_BYTES,
    MIN_WIDE_LANES,
    SIMD_LANES,
    lanes_for,
)


@pytest.fixture(scope="module")
def ieee69():
    return load_network("ieee69")


def test_voltage_collapse_is_flagged_per_row_not_raised(ieee69):
    scales = np.array([1.0, 5.0, 2.0, 8.0, 1.0])
    p = np.outer(scales, ieee69.p_kw)
    q = np.outer(scales, ieee69.q_kvar)
    res = solve_batch(ieee69, p, q)
    assert res.converged.tolist() == [True, False, True, False, True]
    for row in (1, 3):
        # no plausible-looking number for a case without a solution
        assert np.isnan(res.loss_kw[row]) and np.isnan(res.vmin_pu[row]) and np.isnan(res.v[row]).all()
        assert res.iterations[row] == 100
    # the collapsing rows do not disturb their neighbours in the same SIMD block
    alone = solve(ieee69)
    assert res.loss_kw[0] == res.loss_kw[4] == alone.loss_kw[0]
    assert np.array_equal(res.v[4], alone.v[0])


def test_iteration_cap_reported_as_not_converged(ieee69):
    res = solve(ieee69, max_iter=3)
    assert not res.converged[0] and res.iterations[0] == 3


@pytest.mark.parametrize("batch", [1, 7, 8, 9, 17, 65, 130])
def test_rows_are_independent_of_batch_layout(ieee69, batch):
    rng = np.random.default_rng(batch)
    scale = rng.uniform(0.2, 1.5, (batch, 1))
    res = solve_batch(ieee69, ieee69.p_kw * scale, ieee69.q_kvar * scale)
    threaded = solve_batch(ieee69, ieee69.p_kw * scale, ieee69.q_kvar * scale, parallel=True)
    for field in ("v", "loss_kw", "vmin_pu", "vmax_pu", "vmin_index", "iterations"):
        assert np.array_equal(getattr(threaded, field), getattr(res, field))
    for row in range(batch):
        single = solve(ieee69, load_scale=scale[row, 0])
        # to the last bit: a stored run reproduces whatever batch, block width or threads re-run it
        assert np.array_equal(res.v[row], single.v[0])
        assert res.loss_kw[row] == single.loss_kw[0]
        assert res.iterations[row] == single.iterations[0]


def test_gathered_backward_sweep_equals_the_streaming_one_to_the_last_bit():
    """A wide block gathers each bus's children (none to four on this feeder); one row alone streams."""
    net = load_network("synthetic1000")
    batch = 64
    assert lanes_for(batch, net.n_bus) >= SIMD_LANES and lanes_for(1, net.n_bus) == 1
    assert np.bincount(net.parent[net.parent >= 0]).max() >= 3
    scale = np.random.default_rng(3).uniform(0.2, 1.5, (batch, 1))
    wide = solve_batch(net, net.p_kw * scale, net.q_kvar * scale)
    for row in range(batch):
        alone = solve_batch(net, net.p_kw * scale[row], net.q_kvar * scale[row])
        assert np.array_equal(wide.v[row], alone.v[0])
        assert wide.loss_kw[row] == alone.loss_kw[0] and wide.iterations[row] == alone.iterations[0]


def test_warm_start_converges_faster_to_the_same_point(ieee69):
    cold = solve(ieee69, tol=1e-12)
    warm = solve(ieee69, v_start=cold.v[0], tol=1e-12)
    assert warm.iterations[0] < cold.iterations[0]
    assert np.max(np.abs(warm.v[0] - cold.v[0])) < 1e-11


@pytest.mark.parametrize("name", ["ieee69", "case118zh"])
def test_warm_started_batch_equals_cold_started_within_the_tolerance(name):
    """Random loads and generation; warm starts from the base case and from a neighbouring batch's voltages."""
    net = load_network(name)
    rng = np.random.default_rng(7)
    batch, tol = 120, 1e-9
    factor = rng.uniform(0.0, 1.6, (batch, net.n_bus))
    generation = (rng.random((batch, net.n_bus)) < 0.1) * rng.uniform(0, 0.1, (batch, net.n_bus)) * net.p_kw.sum()
    p, q = net.p_kw * factor - generation, net.q_kvar * factor
    cold = solve_batch(net, p, q, tol=tol)
    neighbour = solve_batch(net, p * rng.uniform(0.9, 1.1, p.shape), q).v
    for start in (solve(net).v[0], neighbour):
        warm = solve_batch(net, p, q, v_start=start, tol=tol)
        assert cold.converged.all() and warm.converged.all()
        # both stop within tol of the same fixed point; the sweep contracts, so the gap stays below tol
        assert np.max(np.abs(warm.v - cold.v)) < tol
        assert np.max(np.abs(warm.loss_kw - cold.loss_kw)) < 1e-6
    assert warm.iterations.mean() < cold.iterations.mean()


def test_branch_quantities_balance(ieee69):
    net = ieee69
    res = solve(net, tol=1e-12)
    flows = res.branch_flow_kva[0]
    child = net.order[1:]
    row_of_bus = {int(b): k for k, b in enumerate(child)}
    loss_kw = net.r_pu[child] * np.abs(res.branch_current_pu[0]) ** 2 * net.s_base_kva
    assert loss_kw.sum() == pytest.approx(res.loss_kw[0], rel=1e-9)
    # power entering each branch = its loss + the load at its far end + what its child branches take
    leaving = net.p_kw[child].astype(float)
    for k, b in enumerate(child):
        if net.parent[b] != net.slack:
            leaving[row_of_bus[int(net.parent[b])]] += flows[k].real
    assert flows.real == pytest.approx(leaving + loss_kw, abs=1e-8)
    assert res.branch_current_a.shape == (1, net.n_bus - 1)
    assert tuple(net.branch_buses[0]) == (1, 2)


def test_store_voltages_false_keeps_the_summaries(ieee69):
    full = solve(ieee69)
    lean = solve(ieee69, store_voltages=False)
    assert lean.v is None
    assert lean.loss_kw[0] == full.loss_kw[0] and lean.vmin_pu[0] == full.vmin_pu[0]
    with pytest.raises(ValueError, match="voltages were not stored"):
        lean.vm_pu


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(p_kw=np.zeros((2, 33)), q_kvar=np.zeros((2, 33))), r"shape \(batch, 69\)"),
        (dict(p_kw=np.zeros((2, 69)), q_kvar=np.zeros((3, 69))), r"shape \(batch, 69\)"),
        (dict(p_kw=np.zeros(69), q_kvar=np.zeros(69), tol=0.0), "tol must be positive"),
        (dict(p_kw=np.zeros(69), q_kvar=np.zeros(69), v_start=np.ones(5)), "v_start must have shape"),
    ],
)
def test_bad_arguments_are_named(ieee69, kwargs, message):
    with pytest.raises(ValueError, match=message):
        solve_batch(ieee69, **kwargs)


def test_block_width_stays_wide_on_large_feeders_within_its_memory_limit():
    # 100,000 buses: a 16-row block (77 MB) leaves the caches but sweeps faster than narrower ones
    assert lanes_for(1000, 100_000) == MIN_WIDE_LANES
    assert lanes_for(1, 100_000) == 1
    for n_bus in (1_000_000, 3_000_000, 20_000_000):
        lanes = lanes_for(1000, n_bus)
        assert lanes >= 1
        assert lanes == 1 or n_bus * lanes * BLOCK_BYTES_PER_BUS_ROW <= BLOCK_MEMORY_BYTES
