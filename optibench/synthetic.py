"""Seeded synthetic radial feeders of any size, for scaling benchmarks and property tests.

The tree grows bus by bus: each new bus hangs from one of the last
``branching`` buses added (so feeders are long, as real ones are, rather
than the shallow trees of uniform attachment). Branch impedances are drawn
from the range of the IEEE 33 / 69 feeders, and loads are drawn and then
scaled so that the linearised (DistFlow) voltage drop at the far end of the
deepest path is ``target_drop_pu``; the AC power flow then has a minimum
voltage near ``1 - target_drop_pu``, whatever the size.
"""

from __future__ import annotations

import numpy as np

from .network import Network


def synthetic_feeder(
    n_bus: int,
    seed: int = 0,
    *,
    branching: int = 4,
    target_drop_pu: float = 0.08,
    base_kv: float = 12.66,
    base_mva: float = 10.0,
) -> Network:
    """A random radial feeder of ``n_bus`` buses (bus 1 = substation).

    Args:
        n_bus: number of buses (>= 2).
        seed: seed of the generator; the same seed gives the same feeder.
        branching: a new bus attaches to one of the last ``branching`` buses.
        target_drop_pu: linearised voltage drop of the worst bus (p.u.).
        base_kv: voltage base of the feeder (kV).
        base_mva: power base of the feeder (MVA).
    """
    if n_bus < 2:
        raise ValueError(f"a feeder needs at least 2 buses, got n_bus={n_bus}")
    rng = np.random.default_rng(seed)
    bus = np.arange(1, n_bus + 1)
    parent = np.zeros(n_bus, dtype=np.int64)
    for i in range(1, n_bus):
        parent[i] = rng.integers(max(0, i - branching), i)
    r_ohm = rng.uniform(0.05, 1.0, n_bus)
    x_ohm = r_ohm * rng.uniform(0.3, 1.3, n_bus)
    p_kw = rng.uniform(20.0, 200.0, n_bus)
    q_kvar = p_kw * rng.uniform(0.2, 0.7, n_bus)
    p_kw[0] = q_kvar[0] = 0.0

    # linearised drop: dV_i = dV_parent + (r P_down + x Q_down) / V^2, in p.u.
    z_base = base_kv**2 / base_mva
    s_base = base_mva * 1000.0
    p_down, q_down = p_kw.copy(), q_kvar.copy()
    for i in range(n_bus - 1, 0, -1):
        p_down[parent[i]] += p_down[i]
        q_down[parent[i]] += q_down[i]
    drop = np.zeros(n_bus)
    for i in range(1, n_bus):
        drop[i] = drop[parent[i]] + (r_ohm[i] * p_down[i] + x_ohm[i] * q_down[i]) / (z_base * s_base)
    scale = target_drop_pu / drop.max()
    return Network.from_arrays(
        f"synthetic{n_bus}-seed{seed}",
        bus,
        p_kw * scale,
        q_kvar * scale,
        bus[parent[1:]],
        bus[1:],
        r_ohm[1:],
        x_ohm[1:],
        base_kv=base_kv,
        base_mva=base_mva,
        source=f"optibench.synthetic.synthetic_feeder(n_bus={n_bus}, seed={seed})",
    )
