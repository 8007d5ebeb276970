"""A textbook sweep in plain Python, to check the Numba kernel against something simple."""

from __future__ import annotations

import numpy as np


def plain_sweep(net, p_kw, q_kvar, tol=1e-12, max_iter=200):
    """Textbook backward/forward sweep on complex numbers, one case, no Numba.

    Returns (v complex (n,), loss_kw, converged).
    """
    s = (np.asarray(p_kw) + 1j * np.asarray(q_kvar)) / net.s_base_kva
    z = net.r_pu + 1j * net.x_pu
    v = np.ones(net.n_bus, dtype=complex)
    v[net.slack] = net.slack_voltage_pu
    children = [[] for _ in range(net.n_bus)]
    for i in net.order[1:]:
        children[net.parent[i]].append(i)
    for _ in range(max_iter):
        current = np.conj(s / v)
        branch = np.zeros(net.n_bus, dtype=complex)
        for i in reversed(net.order[1:]):
            branch[i] = current[i] + sum(branch[c] for c in children[i])
        new = v.copy()
        for i in net.order[1:]:
            new[i] = new[net.parent[i]] - z[i] * branch[i]
        step = np.max(np.abs(new - v))
        v = new
        if step < tol:
            break
    else:
        return v, np.nan, False
    current = np.conj(s / v)
    branch = np.zeros(net.n_bus, dtype=complex)
    for i in reversed(net.order[1:]):
        branch[i] = current[i] + sum(branch[c] for c in children[i])
    loss = np.sum(net.r_pu * np.abs(branch) ** 2) * net.s_base_kva
    return v, loss, True
