"""Paper 002's Tables 2 and 3 beside optibench's reproduction, and the voltage profiles.

Reads the stored runs of

    optibench run benchmarks/seed002.toml --jobs 2             # Table 2: EO, WSO
    optibench run benchmarks/seed002-baselines.toml --jobs 2   # GA, DE, PSO, random search
    optibench run benchmarks/seed002-res.toml --jobs 2         # Table 3: EO, WSO

and writes results/seed002/tables.md and results/seed002/voltage_profiles.{png,svg}:

    python benchmarks/seed002_report.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd

import optibench as ob
from optibench.plots import voltage_profile_plot
from optibench.powerflow import solve
from optibench.store import ResultStore

RESULTS = Path(__file__).resolve().parents[1] / "results" / "seed002"

# Paper 002, Table 2 (loss in kW, 50 runs, population 50, 1,000 iterations)
PAPER_TABLE2 = {
    ("EO", "best"): (225.056, 225.281, 226.167),
    ("WSO", "best"): (225.056, 225.298, 226.428),
    ("EO", "worst"): (225.061, 225.477, 227.121),
    ("WSO", "worst"): (225.259, 226.097, 256.183),
    ("EO", "mean"): (225.057, 225.350, 226.407),
    ("WSO", "mean"): (225.104, 226.097, 234.814),
}
# Paper 002, Table 3 (EO): (loss kW, total renewable power kW) per (case, scenario)
PAPER_TABLE3 = {
    (1, 2): (176.87, 329.34),
    (1, 3): (116.22, 980.28),
    (2, 2): (178.94, 329.57),
    (2, 3): (119.00, 977.44),
    (3, 2): (191.26, 329.86),
    (3, 3): (123.35, 980.90),
}
PAPER_BASE_LOSS_KW = 225.01


def load(folder: str) -> pd.DataFrame | None:
    path = RESULTS / folder
    if not path.exists():
        return None
    df = ResultStore(path).read()
    df["params_"] = df["instance"].map(json.loads)
    return df


def table2(scenario1: pd.DataFrame, baselines: pd.DataFrame | None) -> list[str]:
    problem = ob.get_problem("evcs-placement", case=1)
    optimum = problem.known_optimum
    runs = pd.concat([scenario1, baselines]) if baselines is not None else scenario1
    runs = runs.assign(case=runs["params_"].map(lambda p: p["case"]))
    lines = [
        "## Table 2: loss (kW) of the best placement, Scenario 1, 50 runs x 50,000 evaluations",
        "",
        "optibench's value, with the paper's in brackets (paper's base-case loss 225.01 kW, ours 224.99 kW).",
        "",
        "| statistic | algorithm | case 1 | case 2 | case 3 |",
        "|---|---|---:|---:|---:|",
    ]
    for stat in ("best", "worst", "mean"):
        for label, rows in runs.groupby("label", sort=False):
            values = (
                rows.groupby("case")["best_f"].agg(["min", "max", "mean"]).rename(columns={"min": "best", "max": "worst"})[stat]
            )
            paper = PAPER_TABLE2.get((label, stat))
            cells = [f"{values[c]:.3f}" + (f" ({paper[c - 1]:.3f})" if paper else "") for c in (1, 2, 3)]
            lines.append(f"| {stat} | {label} | " + " | ".join(cells) + " |")
    lines += [
        f"| {optimum.status} optimum | {optimum.method.split()[0]} | {optimum.value:.3f} | - | - |",
        "",
        f"Case 1 optimum ({optimum.status}): stations (Level 1, 2, 3) at buses {optimum.solution}, {optimum.method}.",
        f"Success rate (feasible runs within {problem.success_atol:g} kW of the optimum) and gaps per algorithm: "
        "`scenario1/report.md` and `baselines/report.md`.",
    ]
    return lines


def table3(res: pd.DataFrame) -> tuple[list[str], dict]:
    lines = [
        "## Table 3: least renewable power for the voltage limits (3 units, unity power factor)",
        "",
        "Best run of EO and of WSO (50 runs each); loss of the best solution; paper's EO values in brackets.",
        "",
        "| case | scenario | V_min limit | EO best P_tc (kW) | WSO best P_tc (kW) | loss at the best (kW) "
        "| best solution (bus:kW) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    best_solutions = {}
    res = res.assign(case=res["params_"].map(lambda p: p["case"]), scenario=res["params_"].map(lambda p: p["scenario"]))
    for (case, scenario), rows in res.groupby(["case", "scenario"]):
        feasible = rows[rows["violation"] <= 0]
        per_alg = feasible.groupby("label")["best_f"].min()
        best = feasible.loc[feasible["best_f"].idxmin()]
        problem = ob.get_problem("res-placement", case=int(case), scenario=int(scenario))
        report = problem.report(best["best_x"])
        best_solutions[(case, scenario)] = (problem, best["best_x"])
        units = ", ".join(f"{r['bus']}:{r['kw']:.1f}" for r in report["renewables"])
        paper_loss, paper_ptc = PAPER_TABLE3[(case, scenario)]
        lines.append(
            f"| {case} | {scenario} | {problem.vmin_limit} | {per_alg.get('EO', np.nan):.2f} ({paper_ptc:.2f}) "
            f"| {per_alg.get('WSO', np.nan):.2f} | {report['loss_kw']:.2f} ({paper_loss:.2f}) | {units} |"
        )
    return lines, best_solutions


def voltage_profiles(scenario1: pd.DataFrame, res_best: dict) -> list[Path]:
    net = ob.load_network("ieee69")
    panels = {}
    for case in (1, 2, 3):
        rows = scenario1[scenario1["params_"].map(lambda p: p["case"]) == case]
        stations = rows.loc[rows["best_f"].idxmin(), "best_x"]
        profiles = {
            "base system": solve(net).vm_pu[0],
            "Scenario 1 (best placement)": ob.get_problem("evcs-placement", case=case).voltage_profile(stations),
        }
        for scenario in (2, 3):
            problem, x = res_best[(case, scenario)]
            profiles[f"Scenario {scenario} (V_min {problem.vmin_limit} p.u.)"] = problem.voltage_profile(x)
        panels[f"case {case}"] = profiles
    return voltage_profile_plot(
        panels,
        RESULTS / "voltage_profiles",
        buses=net.bus_ids,
        limits=(0.925, 0.95, 1.0),
        title="IEEE 69 voltage profiles with the stations of paper 002",
    )


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    scenario1, baselines, res = load("scenario1"), load("baselines"), load("res")
    lines = [
        "# Paper 002 reproduced: EVCS and renewable placement on IEEE 69",
        "",
        "Made by `python benchmarks/seed002_report.py` from the stored runs of "
        "`benchmarks/seed002.toml`, `benchmarks/seed002-baselines.toml` and `benchmarks/seed002-res.toml`.",
        "",
    ]
    lines += table2(scenario1, baselines)
    lines.append("")
    t3, res_best = table3(res)
    lines += t3
    figures = voltage_profiles(scenario1, res_best)
    lines += ["", "Voltage profiles (paper's Figures 3-5): " + ", ".join(f"`{f.name}`" for f in figures), ""]
    (RESULTS / "tables.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
