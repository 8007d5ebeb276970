"""Other power-flow engines solving exactly our network model, for tests and benchmarks.

Both build the feeder as lines of 1 km without shunt capacitance, constant-
power loads at every bus but the slack, and a stiff source at the slack bus.
pandapower and power-grid-model are optional dependencies (extras ``test``
and ``bench``).
"""

from __future__ import annotations

import numpy as np


class PandapowerCase:
    """The network as a pandapower net, solved by Newton-Raphson (``runpp``), one case per call."""

    def __init__(self, net, tolerance_mva: float = 1e-11):
        import pandapower as pp

        self._pp = pp
        self.tolerance_mva = tolerance_mva
        pn = pp.create_empty_network(sn_mva=net.base_mva)
        pp.create_buses(pn, net.n_bus, vn_kv=net.base_kv)
        pp.create_ext_grid(pn, net.slack, vm_pu=net.slack_voltage_pu, va_degree=0.0)
        child = net.order[1:]
        pp.create_lines_from_parameters(
            pn,
            net.parent[child],
            child,
            length_km=1.0,
            r_ohm_per_km=net.r_ohm[child],
            x_ohm_per_km=net.x_ohm[child],
            c_nf_per_km=0.0,
            max_i_ka=1e6,
        )
        self.loaded = np.array([i for i in range(net.n_bus) if i != net.slack])
        pp.create_loads(pn, self.loaded, p_mw=0.0, q_mvar=0.0)
        self.pn = pn

    def solve(self, p_kw, q_kvar):
        """Net loads (kW, kvar), shape (n_bus,) -> (complex voltages p.u. (n_bus,), loss kW)."""
        self.pn.load["p_mw"] = np.asarray(p_kw)[self.loaded] / 1000.0
        self.pn.load["q_mvar"] = np.asarray(q_kvar)[self.loaded] / 1000.0
        self._pp.runpp(self.pn, algorithm="nr", tolerance_mva=self.tolerance_mva, init="flat", max_iteration=50)
        res = self.pn.res_bus
        v = res.vm_pu.to_numpy() * np.exp(1j * np.radians(res.va_degree.to_numpy()))
        return v, float(self.pn.res_line.pl_mw.sum() * 1000.0)


class PgmCase:
    """The network as a power-grid-model model, solved as a batch (one thread)."""

    def __init__(self, net):
        from power_grid_model import ComponentType, DatasetType, LoadGenType, PowerGridModel, initialize_array

        self._ct = ComponentType
        n = net.n_bus
        node = initialize_array(DatasetType.input, ComponentType.node, n)
        node["id"] = np.arange(n)
        node["u_rated"] = net.base_kv * 1e3
        child = net.order[1:]
        line = initialize_array(DatasetType.input, ComponentType.line, n - 1)
        line["id"] = np.arange(n, 2 * n - 1)
        line["from_node"] = net.parent[child]
        line["to_node"] = child
        line["from_status"] = line["to_status"] = 1
        line["r1"], line["x1"] = net.r_ohm[child], net.x_ohm[child]
        line["c1"] = line["tan1"] = 0.0
        line["i_n"] = 1e6
        source = initialize_array(DatasetType.input, ComponentType.source, 1)
        source["id"] = 2 * n
        source["node"] = net.slack
        source["status"] = 1
        source["u_ref"] = net.slack_voltage_pu
        source["sk"] = 1e40  # stiff: no source impedance
        self.loaded = np.array([i for i in range(n) if i != net.slack])
        load = initialize_array(DatasetType.input, ComponentType.sym_load, len(self.loaded))
        load["id"] = np.arange(2 * n + 1, 2 * n + 1 + len(self.loaded))
        load["node"] = self.loaded
        load["status"] = 1
        load["type"] = LoadGenType.const_power
        load["p_specified"] = load["q_specified"] = 0.0
        self._load_ids = load["id"]
        self._update = lambda rows: initialize_array(DatasetType.update, ComponentType.sym_load, (rows, len(self.loaded)))
        self.model = PowerGridModel(
            {ComponentType.node: node, ComponentType.line: line, ComponentType.source: source, ComponentType.sym_load: load},
            system_frequency=50.0,
        )

    def solve_batch(self, p_kw, q_kvar, method: str = "iterative_current", tol: float = 1e-9):
        """Net loads (kW, kvar), shape (batch, n_bus) -> complex voltages p.u. (batch, n_bus).

        ``method`` is ``"newton_raphson"`` or ``"iterative_current"``; one thread.
        """
        from power_grid_model import CalculationMethod

        p, q = np.atleast_2d(p_kw), np.atleast_2d(q_kvar)
        update = self._update(len(p))
        update["id"] = self._load_ids
        update["p_specified"] = p[:, self.loaded] * 1e3
        update["q_specified"] = q[:, self.loaded] * 1e3
        out = self.model.calculate_power_flow(
            update_data={self._ct.sym_load: update},
            calculation_method=getattr(CalculationMethod, method),
            threading=-1,
            error_tolerance=tol,
            max_iterations=50,
            output_component_types=[self._ct.node],
        )
        node = out[self._ct.node]
        return node["u_pu"] * np.exp(1j * node["u_angle"])
