"""Radial configurations of a feeder with tie lines: its switchable branches, loops and trees.

Every branch of the network, in service or a normally open tie line, is a
switch. Branches are numbered from 1: branches ``1 .. n_bus - 1`` are the
in-service branches, numbered by the position (in network bus order) of the
bus each one feeds in the data file's tree, then the tie lines in file order.
On the shipped networks, whose ``branches.csv`` row ``k`` feeds bus ``k + 1``
and lists the tie lines last, this is the row number of ``branches.csv``: the
switch numbers of the reconfiguration literature (IEEE 33: branches 1-32,
tie lines 33-37).

A configuration is a set of ``n_tie`` open branches; it is *radial* when the
closed branches connect every bus (then they are ``n_bus - 1`` branches
joining ``n_bus`` buses: a spanning tree). Index arrays here are 0-based
branch indices (``number - 1``). :meth:`SwitchGraph.solve` solves the
power flow of a batch of configurations in one call and refuses, before any
work, a configuration that is not radial: an islanded or meshed network never
reaches the power-flow kernel.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
from numba import njit
from numpy.typing import ArrayLike

from .network import Network
from .powerflow import PowerFlowResult, solve_trees


class SwitchGraph:
    """The switchable branches of ``network`` and what is needed to make and check radial configurations.

    Attributes:
        network: the feeder (its tie lines are the normally open branches).
        n_branch: number of branches, ``n_bus - 1 + n_tie``.
        n_tie: number of tie lines = number of open branches of every radial configuration.
        from_index, to_index: end buses of each branch (network bus indices), shape (n_branch,).
        r_pu, x_pu: branch impedance (p.u.), shape (n_branch,).
        labels: ``"from-to"`` with 1-based bus numbers, one per branch.
        loops: the fundamental loop of each tie line (the tie line and the
            path joining its ends in the data file's tree), as sorted branch
            indices; one int64 array per tie line.
        in_loops: sorted indices of the branches on some loop; every other
            branch is a bridge and is closed in every radial configuration.

    Raises ValueError naming the network when it has no tie line.
    """

    def __init__(self, network: Network) -> None:
        n = network.n_bus
        if len(network.ties) == 0:
            raise ValueError(f"network {network.name!r} has no tie line (in_service = 0 branch): nothing to reconfigure")
        self.network = network
        child = np.array([i for i in range(n) if i != network.slack], dtype=np.int64)
        ties = network.ties
        lookup = {int(b): i for i, b in enumerate(network.bus_ids)}
        tie_from = np.array([lookup[int(b)] for b in ties[:, 0]], dtype=np.int64)
        tie_to = np.array([lookup[int(b)] for b in ties[:, 1]], dtype=np.int64)
        self.from_index = np.concatenate([network.parent[child], tie_from])
        self.to_index = np.concatenate([child, tie_to])
        self.r_pu = np.concatenate([network.r_pu[child], ties[:, 2] / network.z_base_ohm])
        self.x_pu = np.concatenate([network.x_pu[child], ties[:, 3] / network.z_base_ohm])
        self.n_branch = len(self.from_index)
        self.n_tie = len(ties)
        ids = network.bus_ids
        self.labels = tuple(f"{ids[a]}-{ids[b]}" for a, b in zip(self.from_index, self.to_index))
        feeding = np.full(n, -1, dtype=np.int64)
        feeding[child] = np.arange(n - 1)
        self.loops = tuple(self._loop(a, b, n - 1 + t, feeding) for t, (a, b) in enumerate(zip(tie_from, tie_to)))
        self.in_loops = np.unique(np.concatenate(self.loops))
        ends = np.concatenate([self.from_index, self.to_index])
        sort = np.argsort(ends, kind="stable")
        self._adj_start = np.searchsorted(ends[sort], np.arange(n + 1)).astype(np.int64)
        self._adj_branch = (sort % self.n_branch).astype(np.int64)
        self._adj_bus = np.concatenate([self.to_index, self.from_index])[sort].astype(np.int64)
        self._loop_start = np.cumsum([0] + [len(loop) for loop in self.loops]).astype(np.int64)
        self._loop_branch = np.concatenate(self.loops).astype(np.int64)

    def _loop(self, a: int, b: int, tie: int, feeding: np.ndarray) -> np.ndarray:
        """Sorted branch indices of the loop closed by branch ``tie`` between buses ``a`` and ``b``."""
        parent = self.network.parent
        up_a, up_b = [a], [b]
        while parent[up_a[-1]] >= 0:
            up_a.append(int(parent[up_a[-1]]))
        while parent[up_b[-1]] >= 0:
            up_b.append(int(parent[up_b[-1]]))
        common = next(bus for bus in up_a if bus in set(up_b))
        path = up_a[: up_a.index(common)] + up_b[: up_b.index(common)]
        return np.sort(np.array([feeding[bus] for bus in path] + [tie], dtype=np.int64))

    @property
    def base_open(self) -> np.ndarray:
        """The data file's configuration: every tie line open, shape (n_tie,)."""
        return np.arange(self.n_bus - 1, self.n_branch, dtype=np.int64)

    @property
    def n_bus(self) -> int:
        return self.network.n_bus

    def number(self, open_index: ArrayLike) -> np.ndarray:
        """1-based branch numbers of branch indices, sorted along the last axis (any shape)."""
        return np.sort(np.asarray(open_index, dtype=np.int64), axis=-1) + 1

    def index(self, numbers: ArrayLike) -> np.ndarray:
        """Branch indices of 1-based branch numbers; ValueError naming a number that is no branch."""
        numbers = np.asarray(numbers, dtype=np.int64)
        bad = numbers[(numbers < 1) | (numbers > self.n_branch)]
        if len(bad):
            raise ValueError(f"network {self.network.name!r}: {int(bad[0])} is not a branch number (1-{self.n_branch})")
        return numbers - 1

    def trees(self, open_index: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The tree of each configuration.

        Args:
            open_index: open branch indices, shape (pop, n_tie), int.

        Returns:
            ``order`` (pop, n_bus) topological bus order from the slack bus,
            ``parent`` (pop, n_bus) upstream bus (-1 at the slack),
            ``feeder`` (pop, n_bus) index of the branch feeding each bus (-1 at the slack),
            ``radial`` (pop,) bool: the open branches are ``n_tie`` distinct branches and
            the closed ones reach every bus. Rows that are not radial hold garbage.
        """
        open_index = self._open_array(open_index)
        return _trees(open_index, self.n_bus, self.network.slack, self._adj_start, self._adj_branch, self._adj_bus)

    def radial(self, open_index: ArrayLike) -> np.ndarray:
        """True for each configuration (pop, n_tie) that is radial, shape (pop,)."""
        return self.trees(open_index)[3]

    def solve(self, open_index: ArrayLike, p_kw: ArrayLike, q_kvar: ArrayLike, **options: object) -> PowerFlowResult:
        """Power flows of a batch of configurations (pop, n_tie) with net loads (pop, n_bus) kW / kvar, in one call.

        ``options`` go to :func:`optibench.powerflow.solve_trees`. Raises
        ValueError naming the first configuration that is not radial (an
        island, a loop, a branch opened twice) before anything is solved.
        """
        order, parent, feeder, radial = self.trees(open_index)
        if not radial.all():
            row = int(np.argmin(radial))
            shown = ", ".join(self.labels[b] for b in np.sort(self._open_array(open_index)[row]))
            raise ValueError(
                f"network {self.network.name!r}: configuration {row} (open {shown}) is not radial: "
                "it islands buses or leaves a loop closed"
            )
        fed = np.maximum(feeder, 0)
        r = np.where(feeder >= 0, self.r_pu[fed], 0.0)
        x = np.where(feeder >= 0, self.x_pu[fed], 0.0)
        return solve_trees(self.network, order, parent, r, x, p_kw, q_kvar, **options)  # type: ignore[arg-type]

    def spanning_tree(self, weights: ArrayLike) -> np.ndarray:
        """Open branches (pop, n_tie) of the minimum spanning tree of each row of ``weights`` (pop, n_branch).

        Kruskal's algorithm: branches in increasing weight (equal weights in
        branch order) join the tree unless they would close a loop; those
        that would are the open ones. Always radial.
        """
        w = np.ascontiguousarray(np.atleast_2d(np.asarray(weights, dtype=np.float64)))
        if w.shape[1] != self.n_branch:
            raise ValueError(f"weights must have shape (pop, {self.n_branch}); got {w.shape}")
        return _kruskal(w, self.from_index, self.to_index, self.n_bus, self.n_tie)

    def repair_loops(self, choice: ArrayLike) -> np.ndarray:
        """Open branches (pop, n_tie) of loop-vector candidates, repaired to be radial.

        Args:
            choice: position of the branch to open in each loop's sorted branch list, shape (pop, n_tie), int.

        Loops are taken in order; loop ``j`` opens the branch at its chosen
        position, or, when that branch is already open or opening it would cut
        buses off the substation, the next branch of the loop (cyclically)
        that is neither. When no branch of loop ``j`` qualifies (earlier
        choices broke the loop), the first qualifying branch of any loop is
        opened, in loop order. Each opening keeps every bus connected, and
        ``n_tie`` openings of a connected graph with ``n_tie`` independent
        loops leave a spanning tree, so the result is always radial; a
        candidate that is radial as chosen is unchanged.
        """
        c = np.ascontiguousarray(np.atleast_2d(np.asarray(choice, dtype=np.int64)))
        sizes = np.diff(self._loop_start)
        if c.shape[1] != self.n_tie or (c < 0).any() or (c >= sizes).any():
            raise ValueError(f"loop choices must have shape (pop, {self.n_tie}) with 0 <= choice < loop size {sizes.tolist()}")
        return _repair(
            c,
            self._loop_start,
            self._loop_branch,
            self.n_branch,
            self.n_bus,
            self.network.slack,
            self._adj_start,
            self._adj_branch,
            self._adj_bus,
        )

    def count_radial(self) -> int:
        """Number of radial configurations: the spanning trees of the network's graph (Kirchhoff's theorem)."""
        n = self.n_bus
        lap = np.zeros((n, n))
        np.add.at(lap, (self.from_index, self.to_index), -1.0)
        np.add.at(lap, (self.to_index, self.from_index), -1.0)
        lap[np.diag_indices(n)] = -lap.sum(axis=1)
        keep = np.arange(n) != self.network.slack
        sign, logdet = np.linalg.slogdet(lap[np.ix_(keep, keep)])
        return int(round(sign * np.exp(logdet)))

    def radial_configurations(self, chunk: int = 100_000) -> Iterator[np.ndarray]:
        """Every radial configuration once, as arrays of open branch indices (<= chunk, n_tie).

        The candidates are the ``n_tie``-subsets of :attr:`in_loops` (a
        bridge is never open), filtered by :meth:`radial`; their number is
        ``C(len(in_loops), n_tie)``.
        """
        combos = itertools.combinations(self.in_loops.tolist(), self.n_tie)
        while True:
            block = np.fromiter(itertools.chain.from_iterable(itertools.islice(combos, chunk)), dtype=np.int64)
            if len(block) == 0:
                return
            block = block.reshape(-1, self.n_tie)
            yield block[self.radial(block)]

    def _open_array(self, open_index: ArrayLike) -> np.ndarray:
        """``open_index`` as a C-contiguous int64 array (pop, n_tie) of valid branch indices, or ValueError."""
        a = np.ascontiguousarray(np.atleast_2d(np.asarray(open_index, dtype=np.int64)))
        if a.ndim != 2 or a.shape[1] != self.n_tie:
            raise ValueError(f"open branches must have shape (pop, {self.n_tie}); got {np.shape(open_index)}")
        if ((a < 0) | (a >= self.n_branch)).any():
            raise ValueError(f"open branch indices must lie in 0..{self.n_branch - 1}")
        return a


@njit(cache=True)
def _reach(is_open, n, root, adj_start, adj_branch, adj_bus, order, parent, feeder):
    """Breadth-first search over closed branches from ``root``; fills order/parent/feeder, returns buses reached."""
    for i in range(n):
        parent[i] = -2
    parent[root] = -1
    feeder[root] = -1
    order[0] = root
    head, tail = 0, 1
    while head < tail:
        i = order[head]
        head += 1
        for e in range(adj_start[i], adj_start[i + 1]):
            b = adj_branch[e]
            j = adj_bus[e]
            if not is_open[b] and parent[j] == -2:
                parent[j] = i
                feeder[j] = b
                order[tail] = j
                tail += 1
    return tail


@njit(cache=True)
def _trees(open_index, n, root, adj_start, adj_branch, adj_bus):
    """Trees of configurations (pop, k) of open branch indices; see :meth:`SwitchGraph.trees`."""
    pop, k = open_index.shape
    m = adj_branch.shape[0] // 2
    order = np.zeros((pop, n), dtype=np.int64)
    parent = np.zeros((pop, n), dtype=np.int64)
    feeder = np.zeros((pop, n), dtype=np.int64)
    radial = np.zeros(pop, dtype=np.bool_)
    is_open = np.zeros(m, dtype=np.bool_)
    for row in range(pop):
        is_open[:] = False
        distinct = 0
        for t in range(k):
            b = open_index[row, t]
            if not is_open[b]:
                is_open[b] = True
                distinct += 1
        reached = _reach(is_open, n, root, adj_start, adj_branch, adj_bus, order[row], parent[row], feeder[row])
        radial[row] = distinct == k and reached == n
    return order, parent, feeder, radial


@njit(cache=True)
def _find(link, i):
    """Root of ``i`` in the union-find forest ``link``, halving the path on the way."""
    while link[i] != i:
        link[i] = link[link[i]]
        i = link[i]
    return i


@njit(cache=True)
def _kruskal(weights, from_index, to_index, n, k):
    """Open branches (pop, k) of the minimum spanning tree of each row of ``weights`` (pop, m)."""
    pop, m = weights.shape
    out = np.empty((pop, k), dtype=np.int64)
    link = np.empty(n, dtype=np.int64)
    for row in range(pop):
        for i in range(n):
            link[i] = i
        rank = np.argsort(weights[row], kind="mergesort")
        t = 0
        for e in range(m):
            b = rank[e]
            ra = _find(link, from_index[b])
            rb = _find(link, to_index[b])
            if ra == rb:
                out[row, t] = b
                t += 1
            else:
                link[ra] = rb
    return out


@njit(cache=True)
def _repair(choice, loop_start, loop_branch, m, n, root, adj_start, adj_branch, adj_bus):
    """Open branches (pop, k) of loop-vector choices (pop, k), repaired; see :meth:`SwitchGraph.repair_loops`."""
    pop, k = choice.shape
    out = np.empty((pop, k), dtype=np.int64)
    is_open = np.zeros(m, dtype=np.bool_)
    order = np.empty(n, dtype=np.int64)
    parent = np.empty(n, dtype=np.int64)
    feeder = np.empty(n, dtype=np.int64)
    for row in range(pop):
        is_open[:] = False
        for j in range(k):
            size = loop_start[j + 1] - loop_start[j]
            chosen = -1
            for step in range(size):
                b = loop_branch[loop_start[j] + (choice[row, j] + step) % size]
                if _opens(b, is_open, n, root, adj_start, adj_branch, adj_bus, order, parent, feeder):
                    chosen = b
                    break
            if chosen < 0:
                for e in range(loop_branch.shape[0]):
                    b = loop_branch[e]
                    if _opens(b, is_open, n, root, adj_start, adj_branch, adj_bus, order, parent, feeder):
                        chosen = b
                        break
            out[row, j] = chosen
    return out


@njit(cache=True)
def _opens(b, is_open, n, root, adj_start, adj_branch, adj_bus, order, parent, feeder):
    """Open branch ``b`` (in ``is_open``) when it is closed and opening it keeps every bus connected."""
    if is_open[b]:
        return False
    is_open[b] = True
    if _reach(is_open, n, root, adj_start, adj_branch, adj_bus, order, parent, feeder) == n:
        return True
    is_open[b] = False
    return False
