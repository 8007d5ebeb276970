"""Metaheuristics on paper 001's SOP siting (dual system) against the MILP and its epsilon-constraint front.

Run, from the repository root::

    optibench run benchmarks/seed001-search.toml --jobs 2
    python benchmarks/seed001_search.py

The experiment stores one row per run of EO, WSO and GA on eq. 21 in
results/seed001/search/ (with its report.md; ``optibench audit`` re-runs
stored rows from their seeds). This script reads that store, runs NSGA-II on
eq. 23-24 (:data:`RUNS` runs, seeds 1 to RUNS, two processes; about 10
minutes on 2 cores, every evaluation solves the inner dispatch LP), solves
the exact epsilon-constraint front (:data:`FRONT_POINTS` MILPs) and writes to
results/seed001/: ``search.md`` (gaps to the MILP and hypervolumes: mean,
spread, best and worst over the runs) and ``pareto_dual.png`` /
``pareto_dual.svg`` (exact front and the NSGA-II front of the run with the
median hypervolume). NSGA-II's runs are not a stored folder: ``optibench
run`` reports and plots single-objective experiments only.

Hypervolume (``pymoo.indicators.hv.HV``) is taken in the plane (cost in
million currency / year, -capacity in MW) against the reference point
:data:`REFERENCE`, larger is better.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from pymoo.indicators.hv import HV  # noqa: E402

from optibench.minimize import Result, minimize  # noqa: E402
from optibench.problems.sop_siting import SitingCase, pareto_front  # noqa: E402
from optibench.registry import get_algorithm, get_problem  # noqa: E402
from optibench.store import ResultStore  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "results" / "seed001"
SEARCH = OUT / "search"
COMMAND = "python benchmarks/seed001_search.py"
EXPERIMENT = "benchmarks/seed001-search.toml"
FRONT_EVALS, FRONT_POP = 80, 16
FRONT_POINTS = 8
RUNS = 10
REFERENCE = np.array([3.0, 0.0])
"""Hypervolume reference point: 3 million currency / year, 0 MW of carrying capacity."""


def stored_runs() -> pd.DataFrame:
    """The successful rows stored in results/seed001/search/; a clear error when the experiment has not been run."""
    if not (SEARCH / "results.parquet").is_file():
        raise SystemExit(f"{SEARCH}: no stored runs; run `optibench run {EXPERIMENT} --jobs 2` first")
    rows = ResultStore(SEARCH).read()
    return rows[rows["status"] == "ok"].sort_values(["label", "run"], kind="stable")


def nsga2_run(seed: int) -> Result:
    """One NSGA-II run on eq. 23-24 from ``seed``."""
    return minimize(get_problem("sop-siting", objectives=2), get_algorithm("nsga2", pop_size=FRONT_POP), FRONT_EVALS, seed)


def scaled(front: np.ndarray) -> np.ndarray:
    """(cost currency, -capacity kW) rows -> (million currency, -MW)."""
    return front / np.array([1e6, 1e3])


def feasible_front(result: Result) -> np.ndarray:
    """The run's non-dominated (cost, -capacity) rows, shape (p, 2); empty when nothing it found is feasible."""
    return np.asarray(result.front_F, dtype=np.float64).reshape(-1, 2) if result.violation <= 0 else np.empty((0, 2))


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    single = stored_runs()
    with ProcessPoolExecutor(2) as pool:
        nsga = list(pool.map(nsga2_run, range(1, RUNS + 1)))
    exact = pareto_front(SitingCase("dual"), points=FRONT_POINTS)
    exact_front = np.array([[p["cost"], -p["total_capacity_kw"]] for p in exact if p["status"] == "optimal"])
    optimum = float(single["optimum"].iloc[0])
    status = single["optimum_status"].iloc[0]
    evals = int(single["n_evals"].max())
    hv = HV(ref_point=REFERENCE)
    exact_hv = hv(scaled(exact_front))
    lines = [
        "# Metaheuristics on sop-siting (dual, 35.43 %, delta 0.5)\n",
        f"Made by `{COMMAND}`: the single-objective runs are those stored in results/seed001/search/ (`optibench run "
        f"{EXPERIMENT} --jobs 2`; its report.md lists every run), NSGA-II runs here (seeds 1-{RUNS}). Every evaluation "
        "solves the inner dispatch LP, so the budgets are small.\n",
        f"## Single objective (eq. 21), {evals} evaluations; MILP optimum {optimum:.0f} ({status})\n",
        "Gap to the MILP, (best f - optimum) / |optimum|, over the feasible runs (those whose best plan carries "
        "all its station capacity; an infeasible plan's f is not comparable).\n",
        "| algorithm | feasible runs | mean gap | std | best gap | worst gap | mean time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, runs in single.groupby("label", sort=False):
        feasible = runs[runs["violation"] <= 0]
        gaps = (feasible["best_f"].to_numpy() - optimum) / abs(optimum)
        stats = f"{gaps.mean():.2%} | {gaps.std():.2%} | {gaps.min():.2%} | {gaps.max():.2%}" if len(gaps) else "- | - | - | -"
        lines.append(f"| {label} | {len(gaps)}/{len(runs)} | {stats} | {runs['time_s'].mean():.0f} |")
    fronts = [feasible_front(result) for result in nsga]
    volumes = np.array([hv(scaled(front)) if len(front) else 0.0 for front in fronts])
    median = int(np.argsort(volumes, kind="stable")[len(volumes) // 2])
    lines += [
        f"\n## Two objectives (eq. 23-24): NSGA-II, {FRONT_EVALS} evaluations (population {FRONT_POP}), {RUNS} runs\n",
        f"Hypervolume (pymoo `HV`; cost in million / year, -capacity in MW; reference {REFERENCE.tolist()}), "
        f"against the exact epsilon-constraint front ({len(exact_front)} points, MILP): {exact_hv:.4f}.\n",
        "| quantity | mean | std | best | worst |",
        "|---|---|---|---|---|",
        f"| NSGA-II hypervolume (0 for a run with no feasible plan) | {volumes.mean():.4f} | {volumes.std():.4f} "
        f"| {volumes.max():.4f} | {volumes.min():.4f} |",
        f"| share of the exact front's | {volumes.mean() / exact_hv:.1%} | {volumes.std() / exact_hv:.1%} "
        f"| {volumes.max() / exact_hv:.1%} | {volumes.min() / exact_hv:.1%} |",
        f"\nMean NSGA-II time {np.mean([result.time_s for result in nsga]):.0f} s. The plot shows the run with the "
        f"median hypervolume (seed {median + 1}).\n",
    ]
    (OUT / "search.md").write_text("\n".join(lines))
    feasible = fronts[median]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(-exact_front[:, 1] / 1e3, exact_front[:, 0] / 1e6, "o-", label="epsilon-constraint MILP")
    if len(feasible):
        ax.plot(-feasible[:, 1] / 1e3, feasible[:, 0] / 1e6, "s", label=f"NSGA-II (seed {median + 1})")
    ax.set(xlabel="total carrying capacity (MW)", ylabel="cost (million / year)", title="sop-siting, dual system")
    ax.legend()
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(OUT / f"pareto_dual.{ext}")


if __name__ == "__main__":
    main()
