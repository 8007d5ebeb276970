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
``case136ma`` have about 4e15 and 2e18, and it solves the mixed-integer cone
program of :mod:`optibench.exact.switches` with SCIP instead (binary switch
states with spanning-tree constraints on the branch-flow cone relaxation).
Its status follows :func:`optibench.known_optima.mip_fields`: ``proven`` when
SCIP closes its gap and the sweep power flow of the decoded configuration
equals the program's loss within ``success_atol``, else SCIP's ``bound`` with
the AC-evaluated incumbent. Stored (``scripts/certify_reconfiguration.py``,
time limit 900 s): ``case118zh`` 869.7299 kW, proven (1298.09 kW in the base
case; the usual published figure is 865.86 kW, Zhang, Fu and Zhang, Electric
Power Systems Research 77, 2007, which no radial configuration of the
shipped data reaches: SCIP's dual bound is the same 869.73 kW), and
``case136ma`` 280.1932 kW, proven (320.36 kW in the base case; Mantovani,
Casari and Romero, SBA Controle & Automação 11, 2000, publish 280.19 kW);
on ``ieee69`` the program agrees with the enumeration (99.6189 kW).
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
CERTIFY_METHODS = ("auto", "enumeration", "misocp")
"""Methods of :meth:`Reconfiguration.certify`: ``auto`` enumerates up to :data:`ENUMERATION_LIMIT` configurations,
else solves the mixed-integer cone program."""
TIME_LIMIT_S = 900.0
"""SCIP's time limit for the mixed-integer cone program (s); stopped there, SCIP's dual bound is stored with its incumbent."""
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

    def certify(
        self, method: str = "auto", time_limit_s: float = TIME_LIMIT_S, chunk: int = 100_000
    ) -> tuple[dict[str, Any], int]:
        """Exact optimum by enumeration of every radial configuration or by the mixed-integer cone program.

        Args:
            method: ``"enumeration"`` (at most :data:`ENUMERATION_LIMIT` radial configurations),
                ``"misocp"`` (:mod:`optibench.exact.switches`, SCIP) or ``"auto"`` (enumeration up to the
                limit, else the program).
            time_limit_s: SCIP's time limit (s), for the program.
            chunk: configurations per power-flow batch, for enumeration.

        Returns (KnownOptimum fields but ``computed``, number of AC power
        flows). Raises ValueError for an unknown method, enumeration of a
        network with more radial configurations than the limit, or when no
        configuration is feasible.
        """
        if method not in CERTIFY_METHODS:
            raise ValueError(f"{self.name}: certify method must be one of {CERTIFY_METHODS}, got {method!r}")
        graph = self.graph
        count = graph.count_radial()
        if method == "misocp" or (method == "auto" and count > ENUMERATION_LIMIT):
            return self._certify_misocp(time_limit_s)
        if count > ENUMERATION_LIMIT:
            raise ValueError(
                f"{self.name} on {self.network.name}: {count:.3g} radial configurations, more than the "
                f"{ENUMERATION_LIMIT:,} enumeration is offered for; use the mixed-integer model (method='misocp')"
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

    def _certify_misocp(self, time_limit_s: float) -> tuple[dict[str, Any], int]:
        """The optimum by :class:`optibench.exact.switches.SwitchingModel` (imported here: it needs cvxpy)."""
        from optibench.exact.switches import SwitchingModel
        from optibench.known_optima import SWITCHING_METHOD, mip_fields

        from .placement_certify import FEASTOL, GAP_TOL

        if not time_limit_s > 0:
            raise ValueError(f"{self.name}: time_limit_s must be positive, got {time_limit_s}")
        model = SwitchingModel(self.graph, v_min_pu=self.vmin_limit, v_max_pu=self.vmax_limit)
        solution, open_index = model.solve(time_limit_s, **{"numerics/feastol": FEASTOL})
        text = "" if open_index is None else ",".join(str(int(b)) for b in self.graph.number(open_index))
        note = f"SCIP feasibility tolerance {FEASTOL:g}, time limit {time_limit_s:g} s"
        fields = mip_fields(
            self, solution, lambda: self.parse_solution(text), gap_tol=GAP_TOL, note=note, method=SWITCHING_METHOD
        )
        return {**fields, "solution": text}, 3


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
