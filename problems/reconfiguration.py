"""Minimum-loss network reconfiguration of a feeder with tie lines.

``reconfiguration`` chooses which ``n_tie`` branches of the feeder to open
(one per tie line) so that the network stays radial and connected and its
real loss at the base loads (kW) is least, with optional voltage limits
(``vmin`` / ``vmax``, p.u.); Baran and Wu, "Network reconfiguration in
distribution systems for loss reduction and load balancing", IEEE Trans.
Power Delivery 4(2), 1989, on IEEE 33, and the same problem on ``ieee69``,
``case118zh`` and ``case136ma`` (any network with tie lines). Branches are
numbered as in :mod:`optibench.switching` (the shipped networks: the row of
``branches.csv``, the literature's switch numbers); a solution is written as
its open branch numbers, ``"7,9,14,32,37"``.

Two encodings, the instance option ``encoding``, as compared in the
literature:

``"loop"``
    One integer per fundamental loop (the loop a tie line closes in the data
    file's tree): the position of the branch to open in that loop's sorted
    branch list (Mendoza et al., IEEE Trans. Power Systems 21(2), 2006;
    Swarnkar, Gupta and Niazi, Swarm and Evolutionary Computation 1(3),
    2011). Loops share branches, so a candidate can be infeasible in the
    two ways those papers list: the same branch chosen for two loops (fewer
    than ``n_tie`` branches open: a loop stays closed), or branches that
    together cut a section off the substation (an island). Such a
    candidate is repaired, not rejected: loops are taken in order, and a
    loop whose chosen branch is already open or would island moves to the
    next branch of its loop that does neither
    (:meth:`~optibench.switching.SwitchGraph.repair_loops`, which says why the
    result is always radial). A feasible candidate is unchanged; the repair
    is not written back into the algorithm's population.
``"spanning-tree"``
    Random keys (Bean, ORSA Journal on Computing 6(2), 1994): one weight in
    [0, 1] per branch, decoded by Kruskal's minimum spanning tree (equal
    weights in branch order); the branches left out are the open ones. Every
    candidate decodes to a radial network, so this encoding has no
    infeasible candidate to handle.

Either way the power-flow kernel only ever sees radial configurations:
:meth:`~optibench.switching.SwitchGraph.solve` refuses any other before
solving. Constraints are those of every feeder problem: a configuration
whose power flow does not converge is infeasible, and the voltage limits
when given.

Exact optimum: :meth:`Reconfiguration.certify` enumerates every radial
configuration (the spanning trees of the network's graph: 50,751 on IEEE 33,
407,924 on IEEE 69) up to :data:`ENUMERATION_LIMIT`; ``case118zh`` and
``case136ma`` have about 4e15 and 2e18 and need an exact mixed-integer model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from optibench.checks import check_instance, choice
from optibench.known_optima import lookup
from optibench.problem import Evaluation
from optibench.switching import SwitchGraph
from optibench.variables import Integer, Real, VariableSpace

from .feeder import FEEDER_RULES, FeederProblem

ENCODINGS = ("loop", "spanning-tree")
"""The encodings offered (see the module docstring)."""
ENUMERATION_LIMIT = 1_000_000
"""Most radial configurations :meth:`Reconfiguration.certify` enumerates (IEEE 69's 407,924 take about a minute)."""
OPEN_KEY, CLOSED_KEY = 0.75, 0.25
"""Random keys that encode a given configuration: closed branches sort first, so Kruskal keeps exactly them."""


class Reconfiguration(FeederProblem):
    """Open switches minimising real loss, the network radial and connected (see the module docstring).

    Instance parameters: ``network`` (a network with tie lines, default
    ieee33), ``encoding`` (``"loop"``, default, or ``"spanning-tree"``),
    ``vmin`` / ``vmax`` (optional voltage limits, p.u.).

    Variables: ``loop_1 .. loop_k`` (integers, position of the open branch
    in each loop) or ``key_1 .. key_m`` (reals in [0, 1], one per branch).
    Objective: total real loss (kW) at the network's base loads.
    """

    objective_names = ("loss_kw",)
    objective_name, objective_unit = "loss", "kW"

    def __init__(self, network: str = "ieee33", encoding: str = "loop", vmin: float | None = None, vmax: float | None = None):
        instance = check_instance(
            self, {**FEEDER_RULES, "encoding": choice(*ENCODINGS)}, network=network, encoding=encoding, vmin=vmin, vmax=vmax
        )
        super().__init__(instance, network, vmin, vmax)
        try:
            self.graph = SwitchGraph(self.network)
        except ValueError as exc:
            raise ValueError(f"problem {self.name!r}: {exc}") from None
        self.encoding = encoding
        if encoding == "loop":
            variables: list[Integer | Real] = [
                Integer(f"loop_{j + 1}", 0, len(loop) - 1) for j, loop in enumerate(self.graph.loops)
            ]
        else:
            variables = [Real(f"key_{b + 1}", 0.0, 1.0) for b in range(self.graph.n_branch)]
        self.space = VariableSpace(variables)
        self.known_optimum = lookup(self.name, instance)

    def open_branches(self, Z: np.ndarray) -> np.ndarray:
        """Open branch indices (pop, n_tie) of decoded solutions ``Z`` (pop, n_var); always radial."""
        if self.encoding == "loop":
            return self.graph.repair_loops(np.rint(Z).astype(np.int64))
        return self.graph.spanning_tree(Z)

    def _evaluate(self, Z: np.ndarray) -> Evaluation:
        open_index = self.open_branches(Z)
        res = self.graph.solve(open_index, *self.base_injections(len(Z)), store_voltages=False)
        G, loss = self.judge(res)
        extras = self.diagnostics(res)
        extras["open_branches"] = self.graph.number(open_index)
        return Evaluation(F=loss[:, None], G=G, extras=extras)

    def parse_solution(self, text: str) -> np.ndarray:
        """Open branch numbers ``"7,9,14,32,37"`` -> the solution (n_var,) in this encoding.

        Raises ValueError naming the numbers when they are not ``n_tie``
        distinct branches leaving the network radial.
        """
        try:
            numbers = sorted({int(v) for v in text.replace(" ", "").split(",") if v})
        except ValueError:
            raise ValueError(f"{self.name}: {text!r} is not a list of open branch numbers such as 7,9,14,32,37") from None
        graph = self.graph
        open_index = graph.index(numbers)
        if len(numbers) != graph.n_tie or not graph.radial(open_index[None, :])[0]:
            raise ValueError(
                f"{self.name}: opening branches {numbers} does not leave {self.network.name} radial "
                f"({graph.n_tie} distinct branches, every bus connected)"
            )
        if self.encoding == "spanning-tree":
            keys = np.full(graph.n_branch, CLOSED_KEY)
            keys[open_index] = OPEN_KEY
            return keys
        return np.array(_assign_to_loops(open_index, graph.loops), dtype=np.float64)

    def report(self, z: ArrayLike) -> dict[str, Any]:
        out = super().report(z)
        open_index = self.open_branches(np.asarray(z, dtype=np.float64)[None, :])[0]
        out["open"] = [{"branch": int(b) + 1, "buses": self.graph.labels[b]} for b in np.sort(open_index)]
        return out

    def certify(self, chunk: int = 100_000) -> tuple[dict[str, Any], int]:
        """Exact optimum by solving every radial configuration (at most :data:`ENUMERATION_LIMIT`).

        Returns (KnownOptimum fields but ``computed``, number of power
        flows). Raises ValueError for a network with more radial
        configurations (an exact mixed-integer model is needed there) or when
        none is feasible.
        """
        graph = self.graph
        count = graph.count_radial()
        if count > ENUMERATION_LIMIT:
            raise ValueError(
                f"{self.name} on {self.network.name}: {count:.3g} radial configurations, more than the "
                f"{ENUMERATION_LIMIT:,} enumeration is offered for; an exact mixed-integer model is needed"
            )
        best_f, best_open, solved = np.inf, None, 0
        for block in graph.radial_configurations(chunk):
            if len(block) == 0:
                continue
            res = graph.solve(block, *self.base_injections(len(block)), store_voltages=False)
            G, loss = self.judge(res)
            f = np.where(np.all(G <= 0, axis=1), loss, np.inf)
            i = int(np.argmin(f))
            solved += len(block)
            if f[i] < best_f:
                best_f, best_open = float(f[i]), block[i]
        if solved != count:
            raise RuntimeError(f"{self.name}: enumerated {solved} radial configurations, Kirchhoff's count is {count}")
        if best_open is None:
            raise ValueError(f"{self.name} on {self.network.name}: no radial configuration is feasible")
        fields = dict(
            value=best_f,
            status="proven",
            solution=",".join(str(int(b)) for b in graph.number(best_open)),
            method=f"enumeration of all {count:,} radial configurations",
            tolerance="exact: every radial configuration solved (power flows converged to 1e-9 p.u.)",
        )
        return fields, solved


def _assign_to_loops(open_index: np.ndarray, loops: tuple[np.ndarray, ...]) -> list[int]:
    """Position in each loop of a distinct open branch of that loop (a matching of loops to branches).

    A radial configuration always has one: each open branch closes, with the
    tree, a cycle, and the fundamental loops generate the cycles. Augmenting
    paths (Kuhn's algorithm) find it.
    """
    owner: dict[int, int] = {}

    def place(j: int, seen: set[int]) -> bool:
        for b in open_index.tolist():
            if b in loops[j] and b not in seen:
                seen.add(b)
                if b not in owner or place(owner[b], seen):
                    owner[b] = j
                    return True
        return False

    for j in range(len(loops)):
        if not place(j, set()):
            raise ValueError(f"open branches {(open_index + 1).tolist()} cannot be assigned one to each loop")
    position = {j: int(np.searchsorted(loops[j], b)) for b, j in owner.items()}
    return [position[j] for j in range(len(loops))]
