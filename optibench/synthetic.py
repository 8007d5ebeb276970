"""Seeded synthetic radial feeders of any size, with optional tie lines, for scaling benchmarks and property tests.

The tree grows bus by bus: each new bus hangs from one of the last
``branching`` buses added (so feeders are long, as real ones are, rather
than the shallow trees of uniform attachment). Branch impedances are drawn
from the range of the IEEE 33 / 69 feeders, and loads are drawn and then
scaled so that the linearised (DistFlow) voltage drop at the far end of the
deepest path is ``target_drop_pu``; the AC power flow then has a minimum
voltage near ``1 - target_drop_pu``, whatever the size.

Tie lines (``n_ties``, for reconfiguration) join the far ends of
neighbouring laterals, as IEEE 33's tie line 18-33 joins the ends of its
main feeder and of its lateral 26-33 (Baran and Wu 1989). The rule: list
the leaves (buses without children) in the depth-first order of the tree,
children taken in bus order, which is the order in which they appear around
a planar drawing of the feeder; every two consecutive leaves are a candidate
pair, and ``n_ties`` of those pairs are drawn without replacement. Two
leaves are never parent and child, and distinct pairs close distinct loops
(each loop holds its own tie line and the tree path between its ends, at
least 2 branches). A tie line's impedance is drawn like a feeder branch's.
The ties come from a random stream of their own, spawned from ``seed``, so
the radial feeder is the same with or without them and, being normally open,
they leave its base-case power flow unchanged; the ties of ``n_ties = k``
are the first ``k`` of those of any larger ``n_ties``.

Network names: ``synthetic<N>`` is the ``N``-bus feeder of seed 0,
``synthetic<N>t<K>`` the same feeder with ``K`` tie lines, and a suffix
``-seed<S>`` chooses the seed (``synthetic200t5-seed3``);
:func:`optibench.load_network` and every feeder problem's ``network`` take
them, and a feeder's :attr:`~optibench.network.Network.name` is its full
name, which loads it again.
"""

from __future__ import annotations

import re

import numpy as np

from .network import MAX_BUS, Network, NetworkDataError

NAME_PATTERN = re.compile(r"synthetic(?P<n_bus>[0-9]+)(?:t(?P<n_ties>[0-9]+))?(?:-seed(?P<seed>[0-9]+))?")
"""Network names of synthetic feeders (see the module docstring)."""


def synthetic_feeder(
    n_bus: int,
    seed: int = 0,
    *,
    n_ties: int = 0,
    branching: int = 4,
    target_drop_pu: float = 0.08,
    base_kv: float = 12.66,
    base_mva: float = 10.0,
) -> Network:
    """A random radial feeder of ``n_bus`` buses (bus 1 = substation), with ``n_ties`` normally open tie lines.

    Args:
        n_bus: number of buses (>= 2).
        seed: seed of the generator; the same seed gives the same feeder.
        n_ties: number of tie lines (in_service = 0 branches), at most the
            number of leaves less one (see the module docstring for the rule).
        branching: a new bus attaches to one of the last ``branching`` buses.
        target_drop_pu: linearised voltage drop of the worst bus (p.u.).
        base_kv: voltage base of the feeder (kV).
        base_mva: power base of the feeder (MVA).

    Raises ValueError naming ``n_bus`` or ``n_ties`` when out of range.
    """
    if n_bus < 2:
        raise ValueError(f"a feeder needs at least 2 buses, got n_bus={n_bus}")
    if n_ties < 0:
        raise ValueError(f"n_ties must be >= 0, got n_ties={n_ties}")
    rng = np.random.default_rng(seed)
    bus = np.arange(1, n_bus + 1)
    parent = np.full(n_bus, -1, dtype=np.int64)
    for i in range(1, n_bus):
        parent[i] = rng.integers(max(0, i - branching), i)
    r_ohm, x_ohm = _impedances(rng, n_bus)
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

    from_bus, to_bus, r_branch, x_branch = bus[parent[1:]], bus[1:], r_ohm[1:], x_ohm[1:]
    in_service = np.ones(n_bus - 1, dtype=bool)
    name, call = f"synthetic{n_bus}-seed{seed}", f"n_bus={n_bus}, seed={seed}"
    if n_ties:
        ends, r_tie, x_tie = _tie_lines(parent, n_ties, seed)
        from_bus = np.concatenate([from_bus, bus[ends[:, 0]]])
        to_bus = np.concatenate([to_bus, bus[ends[:, 1]]])
        r_branch, x_branch = np.concatenate([r_branch, r_tie]), np.concatenate([x_branch, x_tie])
        in_service = np.concatenate([in_service, np.zeros(n_ties, dtype=bool)])
        name, call = f"synthetic{n_bus}t{n_ties}-seed{seed}", f"{call}, n_ties={n_ties}"
    return Network.from_arrays(
        name,
        bus,
        p_kw * scale,
        q_kvar * scale,
        from_bus,
        to_bus,
        r_branch,
        x_branch,
        in_service,
        base_kv=base_kv,
        base_mva=base_mva,
        source=f"optibench.synthetic.synthetic_feeder({call})",
    )


def _impedances(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Branch resistances and reactances (ohm), each shape (size,): r ~ U(0.05, 1.0), x = r * U(0.3, 1.3)."""
    r_ohm = rng.uniform(0.05, 1.0, size)
    return r_ohm, r_ohm * rng.uniform(0.3, 1.3, size)


def _leaves_in_drawing_order(parent: np.ndarray) -> np.ndarray:
    """Bus indices of the leaves of the tree ``parent`` (n_bus,), -1 at the root, in depth-first order.

    Children are visited in increasing index, so the leaves come in the order
    in which they appear around a planar drawing of the tree.
    """
    n = len(parent)
    children: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        if parent[i] >= 0:
            children[int(parent[i])].append(i)
    root = int(np.flatnonzero(parent < 0)[0])
    leaves, stack = [], [root]
    while stack:
        i = stack.pop()
        if not children[i] and i != root:
            leaves.append(i)
        stack.extend(reversed(children[i]))
    return np.array(leaves, dtype=np.int64)


def _tie_lines(parent: np.ndarray, n_ties: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """End buses (n_ties, 2), as bus indices, and impedances r, x (ohm, each (n_ties,)) of the tie lines.

    Every pair of consecutive leaves in drawing order is a candidate and has
    an impedance; a seeded permutation of the candidates gives the ties, in
    that order. Raises ValueError naming ``n_ties`` when there are fewer
    candidates.
    """
    leaves = _leaves_in_drawing_order(parent)
    pairs = np.stack([leaves[:-1], leaves[1:]], axis=1)
    if n_ties > len(pairs):
        raise ValueError(
            f"n_ties={n_ties} is more than this feeder offers: its {len(leaves)} leaves make "
            f"{len(pairs)} pairs of neighbouring laterals"
        )
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    pick = rng.permutation(len(pairs))[:n_ties]
    r_ohm, x_ohm = _impedances(rng, len(pairs))
    return pairs[pick], r_ohm[pick], x_ohm[pick]


def feeder_from_name(name: str) -> Network | None:
    """The synthetic feeder that network name ``name`` means (``synthetic200t5-seed3``), or None for another name.

    Raises :class:`~optibench.network.NetworkDataError` naming the network
    when the name has the form but its numbers do not make a feeder (fewer
    than 2 or more than ``MAX_BUS`` buses, more tie lines than the feeder
    offers).
    """
    match = NAME_PATTERN.fullmatch(name)
    if match is None:
        return None
    n_bus = int(match["n_bus"])
    if not 2 <= n_bus <= MAX_BUS:
        raise NetworkDataError(f"network {name!r}: a synthetic feeder has 2 to {MAX_BUS} buses, got {n_bus}")
    try:
        return synthetic_feeder(n_bus, int(match["seed"] or 0), n_ties=int(match["n_ties"] or 0))
    except ValueError as exc:
        raise NetworkDataError(f"network {name!r}: {exc}") from None
