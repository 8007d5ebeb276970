"""Numba kernel of the backward/forward-sweep power flow (per-unit, batched).

Rows of the batch are swept ``lanes`` at a time: inside a block every bus
holds ``lanes`` consecutive values, so each statement of the sweep is a short
contiguous loop the compiler turns into SIMD instructions. Blocks are
independent and run in parallel (``prange``). :func:`lanes_for` picks the
width (up to 64 rows, less where the block would not stay in cache); the
block is filled bus by bus and its losses and voltage extremes are reduced
for all lanes at once, so the loops in and out of a block are vectorised too.

Two details keep those loops vectorised: ``lanes`` is a run-time argument
(a compile-time constant gets the loops fully unrolled, and the unrolled
code cannot be vectorised because the compiler cannot prove that the rows of
a parent and a child bus do not overlap), and ``error_model="numpy"`` (a
division by zero yields inf / NaN, which the convergence test catches,
instead of a branch in every division).

The sweep is the classic current-injection form for constant-power loads:

* load currents ``I_i = conj(S_i / V_i)``;
* backward: branch current ``J_i = I_i + sum of J over the children of i``;
* forward: ``V_i = V_parent(i) - z_i J_i``;

repeated until no voltage component moves by more than ``tol`` p.u. The
load currents and the backward sweep are one pass up the tree in which each
bus gathers its children's branch currents (blocks of whole SIMD vectors
that stay in the caches), or two passes, a streaming one and one up the tree
(one-row blocks and blocks of huge feeders, where that is faster); both add
the same terms in the same order. A row
that has not met ``tol`` after ``max_iter`` sweeps, or whose voltages are not
finite, is reported as not converged and its voltages, losses and voltage
extremes are NaN.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import get_num_threads, njit, prange

MAX_LANES = 64
"""Most batch rows swept together in one block (eight AVX-512 or sixteen AVX2 vectors of float64)."""
SIMD_LANES = 8
"""float64 values in one AVX-512 vector: block widths are rounded up to a multiple of it."""
MIN_WIDE_LANES = 16
"""Narrowest width the cache limit may impose. On 100,000 buses, where a block leaves the caches at any width,
16 lanes sweep fastest (measured, batch 1,000: 4.7 ms per power flow, against 5.5 at 8 lanes, 6.6 at 32 and 7.8 at 64)."""
BLOCK_CACHE_BYTES = 16 * 1024 * 1024
"""Working set a block may fill: half of the 32 MiB L3 cache the benchmark machine's cores share. Measured there,
1,000 buses sweep fastest at 64 lanes (a 3 MB block: 22.7 us per power flow, against 31 at 16 lanes) and 10,000
buses at 32 (15 MB: 277-290 us, against 320 at 16 lanes and 510-535 at 64, whose block no longer fits)."""
BLOCK_MEMORY_BYTES = 256 * 1024 * 1024
"""Most memory one block may take (each thread sweeps one block at a time): feeders of millions of buses sweep
narrower blocks than MIN_WIDE_LANES rather than take gigabytes."""
BLOCK_BYTES_PER_BUS_ROW = 48
"""Working set per bus and row of a block: six float64 arrays (loads, voltages, currents; real and imaginary)."""


@lru_cache(maxsize=1024)  # called on every solve_batch; 0.4 us of Python per call otherwise
def lanes_for(batch: int, n_bus: int = 1) -> int:
    """Block width for a batch: as few blocks as the width cap allows, of equal width (little padding).

    The cap is MAX_LANES, lowered so that a block's working set (``n_bus`` x
    lanes x BLOCK_BYTES_PER_BUS_ROW) stays within BLOCK_CACHE_BYTES, but not
    below MIN_WIDE_LANES (a 16-row block of a 100,000-bus feeder is 77 MB and
    is swept from main memory, still faster than narrower blocks) unless the
    block would take more than BLOCK_MEMORY_BYTES: IEEE 69 and 1,000 buses
    get 64 lanes, 10,000 buses 32, 100,000 buses 16. The width is rounded up
    to whole SIMD vectors: a batch of 50 is one block of 56 lanes (6 idle),
    100 two of 56 (12 idle). Rows are independent of the block they share
    (see :func:`sweep_batch`), so the width changes speed only, never a result.
    """
    cap = MAX_LANES
    while cap > MIN_WIDE_LANES and n_bus * cap * BLOCK_BYTES_PER_BUS_ROW > BLOCK_CACHE_BYTES:
        cap //= 2
    while cap > 1 and n_bus * cap * BLOCK_BYTES_PER_BUS_ROW > BLOCK_MEMORY_BYTES:
        cap //= 2
    batch = max(batch, 1)
    blocks = -(-batch // cap)
    lanes = -(-batch // blocks)
    if lanes <= SIMD_LANES or cap < SIMD_LANES:
        return lanes
    # whole vectors: no scalar remainder in the loops over lanes, and aligned rows
    return min(cap, -(-lanes // SIMD_LANES) * SIMD_LANES)


@njit(cache=True, parallel=True, error_model="numpy")
def sweep_batch(
    order,
    parent,
    r,
    x,
    case,
    out,
    lanes,
):
    """Solve every row of ``p``/``q`` and write the results into the output arrays.

    Args:
        order (n,) int64: bus indices in topological order, ``order[0]`` = slack.
        parent (n,) int64: upstream bus of each bus (-1 at the slack).
        r, x (n,) float64: p.u. impedance of the branch feeding each bus.
        case: the tuple ``(p, q, s_base, v_start, v_slack, tol, max_iter, store_v)``:
            p, q (batch, n) float64: net load (kW, kvar; consumption positive);
            s_base: base power (kVA), the block holds ``p / s_base``, ``q / s_base`` (p.u.);
            v_start (m, n) complex128: initial voltages, m = 1 (shared) or batch;
            v_slack: slack voltage magnitude (p.u.); tol: convergence tolerance on
            voltage components (p.u.); max_iter: sweep limit; store_v: write the
            voltages into ``v_out``.
        out: the tuple ``(v_out, loss_p, loss_q, vmin, vmin_index, vmax, iterations, converged)``
            written in place: v_out (batch, n) complex128 (or (1, 1) unused);
            loss_p, loss_q (batch,) series losses in kW and kvar; vmin, vmax (batch,)
            extreme voltage magnitudes; vmin_index (batch,) int64; iterations
            (batch,) int64; converged (batch,) bool.
        lanes: rows per block (see :func:`lanes_for`).
    """
    workers = min(get_num_threads(), (case[0].shape[0] + lanes - 1) // lanes)
    for worker in prange(workers):
        _sweep_blocks(worker, workers, order, parent, r, x, case, out, lanes)


@njit(cache=True, error_model="numpy")
def sweep_batch_serial(
    order,
    parent,
    r,
    x,
    case,
    out,
    lanes,
):
    """:func:`sweep_batch` on the calling thread only (small batches, or inside worker processes)."""
    _sweep_blocks(0, 1, order, parent, r, x, case, out, lanes)


@njit(cache=True, error_model="numpy")
def _sweep_blocks(worker, workers, order, parent, r, x, case, out, lanes):
    """Sweep blocks ``worker``, ``worker + workers``, ... of the batch, all in one block's memory (:func:`_block_memory`)."""
    block = _block_memory(order.shape[0], lanes)
    tree = _tree_tables(order, parent, lanes)
    for blk in range(worker, (case[0].shape[0] + lanes - 1) // lanes, workers):
        _sweep_block(blk, order, r, x, case, out, lanes, block, tree)


@njit(cache=True, error_model="numpy")
def _sweep_block(
    blk,
    order,
    r,
    x,
    case,
    out,
    lanes,
    block,
    tree,
):
    """Sweep rows ``blk * lanes`` to ``blk * lanes + lanes - 1`` (those that exist) together in ``block``.

    ``block`` is the memory of :func:`_block_memory` for ``lanes``; every value
    of it that the sweep reads is written here first (but the row of -0.0 that
    :func:`_block_memory` sets), so one block's memory serves block after
    block. ``tree`` is :func:`_tree_tables` of ``order`` and its parents.
    """
    p, q, s_base, v_start, v_slack, tol, max_iter, store_v = case
    v_out, loss_p, loss_q, vmin, vmin_index, vmax, iterations, converged = out
    batch, n = p.shape
    shared_start = v_start.shape[0] == 1
    first = blk * lanes
    width = min(lanes, batch - first)
    pl, ql, vr, vi, jr, ji = block
    order_u, parent_u, gather, children = tree
    change = np.empty(lanes)
    done_at = np.zeros(lanes, dtype=np.int64)
    active = np.zeros(lanes, dtype=np.bool_)
    active[:width] = True
    # The sweeps index flat views of the block (bus i, lane w at i * lanes + w)
    # with unsigned integers, so that no index is tested for being negative
    # (NumPy's wrap-around): 10-15 % faster, the same arithmetic.
    lanes_u = np.uint64(lanes)
    size = n * lanes
    flat = (
        pl.reshape(size),
        ql.reshape(size),
        vr.reshape(size),
        vi.reshape(size),
        jr.reshape(size + lanes),
        ji.reshape(size + lanes),
    )
    fpl, fql, fvr, fvi, fjr, fji = flat
    # bus by bus, so that the block is written contiguously and the rows of p, q stay in L1
    for i in range(n):
        for w in range(width):
            pl[i, w] = p[first + w, i]
            ql[i, w] = q[first + w, i]
        if shared_start:
            start_r = v_start[0, i].real
            start_i = v_start[0, i].imag
            for w in range(width):
                vr[i, w] = start_r
                vi[i, w] = start_i
        else:
            for w in range(width):
                vr[i, w] = v_start[first + w, i].real
                vi[i, w] = v_start[first + w, i].imag
        for w in range(width, lanes):
            pl[i, w] = 0.0
            ql[i, w] = 0.0
            vr[i, w] = 1.0
            vi[i, w] = 0.0
    # per unit in a pass of its own, where the divisions are vectorised
    for o in range(size):
        fpl[o] = fpl[o] / s_base
        fql[o] = fql[o] / s_base
    root = order[0]
    for w in range(lanes):
        vr[root, w] = v_slack
        vi[root, w] = 0.0

    it = 0
    while it < max_iter:
        it += 1
        _branch_currents(gather, order_u, parent_u, children, lanes_u, flat)
        for w in range(lanes):
            change[w] = 0.0
        for k in range(1, n):
            i = order_u[k]
            a = parent_u[i]
            ri = r[i]
            xi = x[i]
            oi = i * lanes_u
            oa = a * lanes_u
            for w in range(lanes_u):
                nr = fvr[oa + w] - (ri * fjr[oi + w] - xi * fji[oi + w])
                ni = fvi[oa + w] - (ri * fji[oi + w] + xi * fjr[oi + w])
                d = abs(nr - fvr[oi + w]) + abs(ni - fvi[oi + w])
                # written so that a NaN update poisons ``change``
                change[w] = change[w] if d <= change[w] else d
                # a converged row keeps its voltages: results do not
                # depend on which rows share its block
                fvr[oi + w] = nr if active[w] else fvr[oi + w]
                fvi[oi + w] = ni if active[w] else fvi[oi + w]
        pending = False
        for w in range(width):
            if active[w]:
                if change[w] <= tol:
                    done_at[w] = it
                    active[w] = False
                else:
                    pending = True
        if not pending:
            break

    _branch_currents(gather, order_u, parent_u, children, lanes_u, flat)
    # losses and voltage extremes of every lane at once, buses in sweep order
    lp = np.zeros(lanes)
    lq = np.zeros(lanes)
    lo = np.full(lanes, np.inf)
    lo_at = np.full(lanes, root)
    hi = np.zeros(lanes)
    non_finite = np.zeros(lanes)
    for k in range(n):
        i = order[k]
        ri = r[i]
        xi = x[i]
        oi = order_u[k] * lanes_u
        for w in range(lanes_u):
            j2 = fjr[oi + w] * fjr[oi + w] + fji[oi + w] * fji[oi + w]
            lp[w] += ri * j2
            lq[w] += xi * j2
            mag = np.sqrt(fvr[oi + w] * fvr[oi + w] + fvi[oi + w] * fvi[oi + w])
            # mag - mag is 0 for a finite magnitude and NaN for inf or NaN
            non_finite[w] += mag - mag
            lower = mag < lo[w]
            lo_at[w] = i if lower else lo_at[w]
            lo[w] = mag if lower else lo[w]
            hi[w] = mag if mag > hi[w] else hi[w]
    for w in range(width):
        row = first + w
        ok = done_at[w] > 0 and non_finite[w] == 0.0 and np.isfinite(lp[w])
        converged[row] = ok
        iterations[row] = done_at[w] if ok else it
        if ok:
            loss_p[row] = lp[w] * s_base
            loss_q[row] = lq[w] * s_base
            vmin[row] = lo[w]
            vmax[row] = hi[w]
        else:
            # no solution: no number that could be mistaken for one
            loss_p[row] = np.nan
            loss_q[row] = np.nan
            vmin[row] = np.nan
            vmax[row] = np.nan
        vmin_index[row] = lo_at[w]
        if store_v:
            for i in range(n):
                v_out[row, i] = complex(vr[i, w], vi[i, w]) if ok else complex(np.nan, np.nan)


@njit(cache=True)
def _block_memory(n, lanes):
    """The arrays one block sweeps in, ``(pl, ql, vr, vi, jr, ji)``: loads, voltages and branch currents (p.u.).

    Shapes (n, lanes), ``jr`` and ``ji`` (n + 1, lanes): their row ``n``
    holds -0.0 for good, the child a bus gathers when it has fewer than two
    (``x + -0.0`` is ``x`` exactly). Each worker takes it once per call and
    sweeps all its blocks in it. A fresh block for every 16 rows of a
    100,000-bus feeder (77 MB) spent a third of the time in page faults
    (measured, one thread, batch 1,000: 7.3 against 5.1 ms per power flow).
    """
    jr = np.empty((n + 1, lanes))
    ji = np.empty((n + 1, lanes))
    jr[n] = -0.0
    ji[n] = -0.0
    return np.empty((n, lanes)), np.empty((n, lanes)), np.empty((n, lanes)), np.empty((n, lanes)), jr, ji


@njit(cache=True)
def _tree_tables(order, parent, lanes):
    """What the sweeps of ``lanes``-wide blocks read of a tree: ``(order_u, parent_u, gather, children)``.

    ``order_u``, ``parent_u``: ``order`` and ``parent`` as uint64 (the
    slack's -1 wraps around, and is never read). ``gather``: whole SIMD
    vectors per bus, and a block that stays in the caches, so the backward
    sweep is one pass up the tree (:func:`_backward_gathered`); measured,
    IEEE 69 at 8 to 64 lanes is 3-20 % faster than two passes and 4,000 buses
    at 64 lanes 9 %, while one-row blocks are 13-30 % and 100,000 buses at
    16 lanes 3 % slower. ``children``: :func:`_children`, when ``gather``.
    Built once per worker and tree inside the kernel: passed in from Python,
    three more arrays cost 1.6-1.9 us of Numba's argument handling per call.
    """
    gather = lanes >= SIMD_LANES and order.shape[0] * lanes * BLOCK_BYTES_PER_BUS_ROW <= BLOCK_CACHE_BYTES
    return order.astype(np.uint64), parent.astype(np.uint64), gather, _children(order, parent, gather)


@njit(cache=True, inline="always", error_model="numpy")
def _branch_currents(gather, order_u, parent_u, children, lanes_u, flat):
    """Branch currents at the present voltages: :func:`_backward_gathered` where ``gather``, else :func:`_backward`."""
    if gather:
        first_two, extra_start, extra = children
        _backward_gathered(order_u, first_two, extra_start, extra, lanes_u, flat)
    else:
        _backward(order_u, parent_u, lanes_u, flat)


@njit(cache=True, inline="always", error_model="numpy")
def _backward(order_u, parent_u, lanes_u, flat):
    """Branch currents from the load currents at the present voltages (in place).

    ``flat`` holds the block's (pl, ql, vr, vi, jr, ji) as flat views (bus i,
    lane w at ``i * lanes_u + w``); ``order_u``, ``parent_u`` are the tree's
    arrays as uint64.
    """
    jr, ji = flat[4], flat[5]
    for o in range(flat[0].shape[0]):
        jr[o], ji[o] = _load_current(flat, o)
    for k in range(order_u.shape[0] - 1, 0, -1):
        oi = order_u[k] * lanes_u
        oa = parent_u[order_u[k]] * lanes_u
        for w in range(lanes_u):
            jr[oa + w] += jr[oi + w]
            ji[oa + w] += ji[oi + w]


@njit(cache=True, inline="always", error_model="numpy")
def _load_current(flat, o):
    """Load current ``conj(S / V)`` at flat position ``o`` of the block ``flat`` (p.u.): (real, imaginary)."""
    pl, ql, vr, vi, _, _ = flat
    m2 = vr[o] * vr[o] + vi[o] * vi[o]
    return (pl[o] * vr[o] + ql[o] * vi[o]) / m2, (pl[o] * vi[o] - ql[o] * vr[o]) / m2


@njit(cache=True, inline="always", error_model="numpy")
def _backward_gathered(order_u, first_two, extra_start, extra, lanes_u, flat):
    """:func:`_backward` in one pass up the tree: each bus's load current plus its children's branch currents.

    ``first_two[2 i]``, ``first_two[2 i + 1]`` are bus ``i``'s first two
    children, or the block's row of -0.0 (bus ``n``) where it has fewer, so
    that every bus takes the same loop without a branch; any further children
    are ``extra[extra_start[i]:extra_start[i + 1]]`` (see :func:`_children`).
    Children are added in the order :func:`_backward` adds them, so the sums
    are the same to the last bit.
    """
    jr, ji = flat[4], flat[5]
    for k in range(order_u.shape[0] - 1, -1, -1):
        i = order_u[k]
        oi = i * lanes_u
        oc = first_two[2 * i] * lanes_u
        od = first_two[2 * i + 1] * lanes_u
        for w in range(lanes_u):
            ir, ii = _load_current(flat, oi + w)
            jr[oi + w] = ir + jr[oc + w] + jr[od + w]
            ji[oi + w] = ii + ji[oc + w] + ji[od + w]
        for c in range(extra_start[i], extra_start[i + 1]):
            oc = extra[c] * lanes_u
            for w in range(lanes_u):
                jr[oi + w] += jr[oc + w]
                ji[oi + w] += ji[oc + w]


@njit(cache=True, inline="always")
def _children(order, parent, needed):
    """Children of every bus, latest in ``order`` first: ``(first_two, extra_start, extra)``.

    ``first_two`` (2 n,) uint64: the first two children of bus ``i`` at
    ``2 i`` and ``2 i + 1``, ``n`` (the row of -0.0) where there are fewer;
    the others are ``extra[extra_start[i]:extra_start[i + 1]]`` (uint64 buses,
    int64 offsets). One-element placeholders when not ``needed``.
    """
    n = order.shape[0]
    if not needed:
        return np.zeros(1, dtype=np.uint64), np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.uint64)
    first_two = np.full(2 * n, n, dtype=np.uint64)
    count = np.zeros(n, dtype=np.int64)
    for k in range(n - 1, 0, -1):
        a = parent[order[k]]
        if count[a] < 2:
            first_two[2 * a + count[a]] = order[k]
        count[a] += 1
    extra_start = np.zeros(n + 1, dtype=np.int64)
    for i in range(n):
        extra_start[i + 1] = extra_start[i] + max(count[i] - 2, 0)
    extra = np.zeros(max(extra_start[n], 1), dtype=np.uint64)
    count[:] = 0
    for k in range(n - 1, 0, -1):
        a = parent[order[k]]
        if count[a] >= 2:
            extra[extra_start[a] + count[a] - 2] = order[k]
        count[a] += 1
    return first_two, extra_start, extra


@njit(cache=True, parallel=True, error_model="numpy")
def sweep_trees(
    order,
    parent,
    r,
    x,
    case,
    out,
):
    """:func:`sweep_batch` for a batch whose rows each have their own tree (radial configuration).

    ``order``, ``parent``, ``r`` and ``x`` have shape (batch, n): row ``b``
    is the tree of row ``b`` of ``p`` / ``q`` (topological order, upstream
    bus, p.u. impedance of the branch feeding each bus). Rows are swept one
    at a time (a block of one lane: the trees differ, so rows cannot share
    SIMD lanes) with the same arithmetic as :func:`sweep_batch`, in parallel
    over rows; the other arguments are :func:`sweep_batch`'s.
    """
    workers = min(get_num_threads(), case[0].shape[0])
    for worker in prange(workers):
        _sweep_tree_rows(worker, workers, order, parent, r, x, case, out)


@njit(cache=True, error_model="numpy")
def sweep_trees_serial(
    order,
    parent,
    r,
    x,
    case,
    out,
):
    """:func:`sweep_trees` on the calling thread only."""
    _sweep_tree_rows(0, 1, order, parent, r, x, case, out)


@njit(cache=True, error_model="numpy")
def _sweep_tree_rows(worker, workers, order, parent, r, x, case, out):
    """Sweep rows ``worker``, ``worker + workers``, ... each on its own tree, all in one one-lane block's memory."""
    block = _block_memory(order.shape[1], 1)
    for row in range(worker, case[0].shape[0], workers):
        _sweep_block(row, order[row], r[row], x[row], case, out, 1, block, _tree_tables(order[row], parent[row], 1))


@njit(cache=True)
def bad_trees(order, parent, r, x, root):
    """Rows that :func:`sweep_trees` must not be given, shape (batch,) bool.

    A row is good when ``order[b]`` lists every bus index once starting at
    ``root``, ``parent[b, root]`` is -1, every other bus's parent is a bus
    earlier in ``order[b]``, and ``r[b]``, ``x[b]`` are finite; arrays (batch, n).
    """
    batch, n = order.shape
    bad = np.zeros(batch, dtype=np.bool_)
    position = np.empty(n, dtype=np.int64)
    for row in range(batch):
        position[:] = -1
        ok = order[row, 0] == root and parent[row, root] == -1
        for k in range(n):
            i = order[row, k]
            if not ok or i < 0 or i >= n or position[i] >= 0:
                ok = False
                break
            position[i] = k
        for k in range(1, n):
            if not ok:
                break
            a = parent[row, order[row, k]]
            ok = 0 <= a < n and 0 <= position[a] < k
        for i in range(n):
            if not (np.isfinite(r[row, i]) and np.isfinite(x[row, i])):
                ok = False
        bad[row] = not ok
    return bad
