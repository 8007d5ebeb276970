"""Paper 003 (Zhou et al., Energy 2016) reproduction tables and figures, written to results/seed003/.

    python benchmarks/seed003_results.py
"""
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

from optibench.minimize import minimize
from optibench.network import load_network
from optibench.problems.ev_scheduling import PAPER_PEAK_VALLEY_MW
from optibench.registry import get_algorithm, get_problem
from optibench.stability import stability_reserve

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT = Path("results/seed003")
HEADER = "Made by: python benchmarks/seed003_results.py\n\n"


def optimum(problem):
    return np.array([float(v) for v in problem.known_optimum.solution.split(",")])


def case_a():
    rows, fig, ax = [], *plt.subplots(figsize=(8, 4))
    hours = np.arange(48) / 2
    for scenario in (1, 2, 3):
        problem = get_problem("ev-load-levelling", scenario=scenario)
        ps = problem.net_demand(optimum(problem)[None])[0] * 1e3
        if scenario == 1:
            ax.plot(hours, problem.base * 1e3, "k", label="demand without EVs")
        ax.plot(hours, ps, label=f"scenario {scenario} (QP optimum)")
        rows.append({"scenario": scenario, "charging_only_pct": int(100 * problem.fleet.charging_only_share),
                     "peak_valley_before_mw": round(np.ptp(problem.base) * 1e3, 1),
                     "peak_valley_after_mw": round(np.ptp(ps), 1),
                     "paper_before_mw": PAPER_PEAK_VALLEY_MW[0], "paper_after_mw": PAPER_PEAK_VALLEY_MW[scenario]})
    ax.set_xlabel("hour")
    ax.set_ylabel("net demand (MW)")
    ax.legend()
    fig.savefig(OUT / "load_levelling.png", dpi=120, bbox_inches="tight")
    return pd.DataFrame(rows)


def gaps(runs=5, evals=5000):
    rows = []
    for name, instance in (("ev-res-support", dict(loss=0.07)), ("ev-load-levelling", dict(scenario=3))):
        problem = get_problem(name, **instance)
        best = problem.known_optimum.value
        for algorithm in ("de", "pso", "eo", "wso"):
            f = np.array([minimize(problem, get_algorithm(algorithm), max_evals=evals, seed=s).f for s in range(runs)])
            rows.append({"problem": name, "instance": instance, "algorithm": algorithm, "runs": runs, "evaluations": evals,
                         "qp_optimum": best, "best_gap_pct": 100 * (f.min() - best) / best,
                         "mean_gap_pct": 100 * (f.mean() - best) / best, "worst_gap_pct": 100 * (f.max() - best) / best})
    return pd.DataFrame(rows)


def case_b():
    """Case B on ieee33 (ev-res-network): schedules optimised under eq. (16), the 7 % rule (20) and the network's
    losses (21), all judged by the AC power flow (substation demand P_S, MW)."""
    network = get_problem("ev-res-network")
    schedules = {"eq. 16, no loss": optimum(get_problem("ev-res-support", loss=0.0)),
                 "eq. 20, 7 % of RES": optimum(get_problem("ev-res-support", loss=0.07)),
                 "eq. 16 + 21, network loss": optimum(network)}
    lossless = np.vstack([network.offset] + [network.lossless_demand(z[None]) for z in schedules.values()])
    ps = lossless + network.ac_loss_mw(lossless.T).T
    best = float(np.sum(ps[-1] ** 2))
    res_mwh, load_mwh = network.res_kw.sum() / 2e3, network.load_kw.sum() / 2e3
    rows = []
    for label, row, p in zip(["without EVs", *schedules], ps, lossless):
        loss_mwh = np.sum(row - p) / 2
        rows.append({"schedule": label, "objective_ac_mw2": np.sum(row**2), "gap_to_network_optimum_pct": 100 * (np.sum(row**2) - best) / best,
                     "peak_valley_mw": np.ptp(row), "min_ps_mw": row.min(), "loss_mwh": loss_mwh,
                     "loss_pct_of_res": 100 * loss_mwh / res_mwh, "loss_pct_of_load": 100 * loss_mwh / load_mwh})
    return pd.DataFrame(rows).round(4), network


def siting():
    problem = get_problem("ev-station-siting")
    rows = []
    for index in range(len(problem.candidates)):
        for size in (1, 2):
            z = np.zeros(len(problem.candidates))
            z[index] = size
            ev = problem.evaluate_values(z)
            rows.append({"site_bus": int(problem.candidates[index]), "size_kva": round(problem.sizes_kva[size], 1),
                         "cost_gbp": round(ev.F[0, 0], 2), "cost_without_land_gbp": round(ev.extras["cost_without_land_gbp"][0], 2),
                         "flow_pct_of_no_station_flow": round(100 * ev.extras["max_loading"][0] * problem.instance["feeder_headroom"], 1),
                         "max_loading_pct_of_rating": round(100 * ev.extras["max_loading"][0], 1),
                         "at_branch_to_bus": int(ev.extras["max_loading_branch_to_bus"][0]),
                         "feasible": bool(np.all(ev.G <= 0))})
    return pd.DataFrame(rows), problem


def stability():
    net = load_network("ieee33")
    rows = []
    for label, kw in (("without EVs", 0.0), ("standard charging 7 kW x 30", 210.0), ("rapid charging 50 kW x 30", 1500.0)):
        p = net.p_kw.copy()
        p[net.index_of(18)] += kw
        r = stability_reserve(net, p, net.q_kvar)
        rows.append({"case": label, "ev_kw_at_bus_18": kw, "lambda_max": round(r.lambda_max, 4), "k_p_pct": round(100 * r.k_p, 1),
                     "u0_pu": round(r.u0_pu, 4), "ucr_pu": round(r.ucr_pu, 4), "k_u_pct": round(100 * r.k_u, 1),
                     "weakest_bus": r.weakest_bus})
    return pd.DataFrame(rows)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    a = case_a()
    g = gaps()
    b, network = case_b()
    s, problem = siting()
    d = stability()
    text = [HEADER + "# Case A analogue: load levelling (paper 003, Table 3, section 7.1.2)\n", a.to_string(index=False),
            "\n# Metaheuristic gaps to the QP optimum (small batch)\n", g.to_string(index=False),
            f"\n# Case B analogue on ieee33 (section 7.2.3): EVs, wind and PV at bus {network.instance['bus']}, "
            f"schedules judged by the AC power flow; loss fit residual {network.fit_residual_kw:.2f} kW\n", b.to_string(index=False),
            f"\n# Case C analogue: station siting on ieee33 (Tables 6-7); peak EV demand {problem.peak_kw:.1f} kW, "
            f"optimum {problem.known_optimum.solution} (size index per candidate {problem.candidates.tolist()}), "
            f"{problem.known_optimum.value:.2f} GBP\n", s.to_string(index=False),
            "\n# Case D analogue: stability reserve of ieee33 with an EV load at bus 18 (Table 8)\n", d.to_string(index=False)]
    (OUT / "tables.md").write_text("\n".join(text) + "\n")
    for name, frame in (("case_a.csv", a), ("case_b.csv", b), ("gaps.csv", g), ("siting.csv", s), ("stability.csv", d)):
        frame.to_csv(OUT / name, index=False)


if __name__ == "__main__":
    main()
