"""Numba kernel of the backward/forward-sweep power flow (per-unit, batched).

Rows of the batch are swept ``LANES`` at a time: inside a block every bus
holds ``LANES`` consecutive values, so each statement of the sweep is a short
contiguous loop the compiler turns into SIMD instructions. Blocks are
independent and run in parallel (``prange``).

The sweep is the classic current-injection form for constant-power loads:

* load currents ``I_i = conj(S_i / V_i)``;
* backward: branch current ``J_i = I_i + sum of J over the children of i``;
* forward: ``V_i = V_parent(i) - z_i J_i``;

repeated until no voltage component moves by more than ``tol`` p.u. A row
that has not met ``tol`` after ``max_iter`` sweeps, or whose voltages are not
finite, is reported as not converged and its voltages, losses and voltage
extremes are NaN.
"""
from __future__ import annotations

import numpy as np
from numba import njit, prange

LANES = 8
"""Batch rows swept together (two AVX2 vectors of float64)."""


@njit(cache=True, parallel=True)
def sweep_batch(
    order, parent, r, x, p, q, v_start, v_slack, tol, max_iter, store_v,
    v_out, loss_p, loss_q, vmin, vmin_index, vmax, iterations, converged,
):
    """Solve every row of ``p``/``q`` and write the results into the output arrays.

    Args:
        order (n,) int64: bus indices in topological order, ``order[0]`` = slack.
        parent (n,) int64: upstream bus of each bus (-1 at the slack).
        r, x (n,) float64: p.u. impedance of the branch feeding each bus.
        p, q (batch, n) float64: net load in p.u. (consumption positive).
        v_start (m, n) complex128: initial voltages; m = 1 (shared) or batch.
        v_slack: slack voltage magnitude (p.u.).
        tol: convergence tolerance on voltage components (p.u.).
        max_iter: sweep limit.
        store_v: write the voltages into ``v_out`` (batch, n) complex128.
        loss_p, loss_q (batch,): series losses in p.u.
        vmin, vmax (batch,): extreme voltage magnitudes; vmin_index (batch,).
        iterations (batch,) int64, converged (batch,) bool.
    """
    batch, n = p.shape
    n_blocks = (batch + LANES - 1) // LANES
    shared_start = v_start.shape[0] == 1
    for blk in prange(n_blocks):
        first = blk * LANES
        width = min(LANES, batch - first)
        pl = np.zeros((n, LANES))
        ql = np.zeros((n, LANES))
        vr = np.empty((n, LANES))
        vi = np.empty((n, LANES))
        jr = np.empty((n, LANES))
        ji = np.empty((n, LANES))
        change = np.empty(LANES)
        done_at = np.zeros(LANES, dtype=np.int64)
        for w in range(width):
            row = first + w
            start = 0 if shared_start else row
            for i in range(n):
                pl[i, w] = p[row, i]
                ql[i, w] = q[row, i]
                vr[i, w] = v_start[start, i].real
                vi[i, w] = v_start[start, i].imag
        for w in range(width, LANES):
            for i in range(n):
                vr[i, w] = 1.0
                vi[i, w] = 0.0
        root = order[0]
        for w in range(LANES):
            vr[root, w] = v_slack
            vi[root, w] = 0.0

        it = 0
        while it < max_iter:
            it += 1
            _backward(order, parent, pl, ql, vr, vi, jr, ji)
            for w in range(LANES):
                change[w] = 0.0
            for k in range(1, n):
                i = order[k]
                a = parent[i]
                for w in range(LANES):
                    nr = vr[a, w] - (r[i] * jr[i, w] - x[i] * ji[i, w])
                    ni = vi[a, w] - (r[i] * ji[i, w] + x[i] * jr[i, w])
                    d = abs(nr - vr[i, w]) + abs(ni - vi[i, w])
                    # written so that a NaN update poisons ``change``
                    change[w] = change[w] if d <= change[w] else d
                    vr[i, w] = nr
                    vi[i, w] = ni
            pending = False
            for w in range(width):
                if done_at[w] == 0:
                    if change[w] <= tol:
                        done_at[w] = it
                    else:
                        pending = True
            if not pending:
                break

        _backward(order, parent, pl, ql, vr, vi, jr, ji)
        for w in range(width):
            row = first + w
            lp = 0.0
            lq = 0.0
            lo = np.inf
            lo_at = root
            hi = 0.0
            finite = True
            for k in range(n):
                i = order[k]
                j2 = jr[i, w] * jr[i, w] + ji[i, w] * ji[i, w]
                lp += r[i] * j2
                lq += x[i] * j2
                mag = np.sqrt(vr[i, w] * vr[i, w] + vi[i, w] * vi[i, w])
                if not np.isfinite(mag):
                    finite = False
                if mag < lo:
                    lo = mag
                    lo_at = i
                if mag > hi:
                    hi = mag
                if store_v:
                    v_out[row, i] = complex(vr[i, w], vi[i, w])
            ok = done_at[w] > 0 and finite and np.isfinite(lp)
            converged[row] = ok
            iterations[row] = done_at[w] if ok else it
            if ok:
                loss_p[row] = lp
                loss_q[row] = lq
                vmin[row] = lo
                vmax[row] = hi
            else:
                # no solution: no number that could be mistaken for one
                loss_p[row] = np.nan
                loss_q[row] = np.nan
                vmin[row] = np.nan
                vmax[row] = np.nan
                if store_v:
                    for i in range(n):
                        v_out[row, i] = complex(np.nan, np.nan)
            vmin_index[row] = lo_at


@njit(cache=True, inline="always")
def _backward(order, parent, pl, ql, vr, vi, jr, ji):
    """Branch currents from the load currents at the present voltages (in place)."""
    n = pl.shape[0]
    for i in range(n):
        for w in range(LANES):
            jr[i, w] = 0.0
            ji[i, w] = 0.0
    for k in range(n - 1, 0, -1):
        i = order[k]
        a = parent[i]
        for w in range(LANES):
            m2 = vr[i, w] * vr[i, w] + vi[i, w] * vi[i, w]
            cr = (pl[i, w] * vr[i, w] + ql[i, w] * vi[i, w]) / m2
            ci = (pl[i, w] * vi[i, w] - ql[i, w] * vr[i, w]) / m2
            jr[i, w] += cr
            ji[i, w] += ci
            jr[a, w] += jr[i, w]
            ji[a, w] += ji[i, w]
