"""Metaheuristics on paper 001's SOP siting (dual system) against the MILP and its epsilon-constraint front.

Run: ``python benchmarks/seed001_search.py`` (about 20 minutes on 2 cores;
every evaluation solves the inner dispatch LP). :data:`RUNS` runs (seeds 1 to
RUNS) of EO, WSO and GA on eq. 21 and of NSGA-II on eq. 23-24. Writes to
results/seed001/: ``search.md`` (gaps to the MILP and hypervolumes, mean,
spread and best over the runs) and ``pareto_dual.png`` / ``pareto_dual.svg``
(exact front and the NSGA-II front of the run with the median hypervolume).

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
from pymoo.indicators.hv import HV  # noqa: E402

from optibench.minimize import minimize  # noqa: E402
from optibench.problems.sop_siting import SitingCase, pareto_front  # noqa: E402
from optibench.registry import get_algorithm, get_problem  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "results" / "seed001"
COMMAND = "python benchmarks/seed001_search.py"
SINGLE = {"eo": {"pop_size": 8}, "wso": {"pop_size": 8}, "ga": {"pop_size": 8}}
SINGLE_EVALS = 40
FRONT_EVALS, FRONT_POP = 80, 16
FRONT_POINTS = 8
REFERENCE = np.array([3.0, 0.0])
"""Hypervolume reference point: 3 million currency / year, 0 MW of carrying capacity."""
RUNS = 10


def run(name: str, seed: int) -> tuple[str, int, object]:
    """One run of ``name`` (an entry of SINGLE, or ``nsga2`` on the two-objective form) from ``seed``."""
    if name == "nsga2":
        nsga2 = get_algorithm("nsga2", pop_size=FRONT_POP)
        return name, seed, minimize(get_problem("sop-siting", objectives=2), nsga2, FRONT_EVALS, seed)
    return name, seed, minimize(get_problem("sop-siting"), get_algorithm(name, **SINGLE[name]), SINGLE_EVALS, seed)


def scaled(front: np.ndarray) -> np.ndarray:
    """(cost currency, -capacity kW) rows -> (million currency, -MW)."""
    return front / np.array([1e6, 1e3])


def feasible_front(result) -> np.ndarray:
    """The run's non-dominated (cost, -capacity) rows, empty when nothing it found is feasible."""
    return result.front_F if result.violation <= 0 else np.empty((0, 2))


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    with ProcessPoolExecutor(2) as pool:
        jobs = [pool.submit(run, name, seed) for seed in range(1, RUNS + 1) for name in ("nsga2", *SINGLE)]
        exact = pareto_front(SitingCase("dual"), points=FRONT_POINTS)
        results = [job.result() for job in jobs]
    optimum = get_problem("sop-siting").known_optimum.value
    exact_front = np.array([[p["cost"], -p["total_capacity_kw"]] for p in exact if p["status"] == "optimal"])
    hv = HV(ref_point=REFERENCE)
    exact_hv = hv(scaled(exact_front))
    lines = [
        f"# Metaheuristics on sop-siting (dual, 35.43 %, delta 0.5)\n\nMade by `{COMMAND}`; {RUNS} runs each "
        f"(seeds 1-{RUNS}). Every evaluation solves the inner dispatch LP, so the budgets are small.\n",
        f"## Single objective (eq. 21), {SINGLE_EVALS} evaluations; MILP optimum {optimum:.0f} (proven)\n",
        "Gap to the MILP, (best f - optimum) / |optimum|, over the feasible runs (those whose best plan carries "
        "all its station capacity; an infeasible plan's f is not comparable).\n",
        "| algorithm | feasible runs | mean gap | std | best gap | worst gap | mean time (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in SINGLE:
        runs = [res for algo, _, res in results if algo == name]
        gaps = np.array([(res.f - optimum) / abs(optimum) for res in runs if res.violation <= 0])
        stats = f"{gaps.mean():.2%} | {gaps.std():.2%} | {gaps.min():.2%} | {gaps.max():.2%}" if len(gaps) else "- | - | - | -"
        lines.append(f"| {name} | {len(gaps)}/{RUNS} | {stats} | {np.mean([res.time_s for res in runs]):.0f} |")
    nsga = sorted(((seed, res) for algo, seed, res in results if algo == "nsga2"), key=lambda pair: pair[0])
    volumes = np.array([hv(scaled(feasible_front(res))) if len(feasible_front(res)) else 0.0 for _, res in nsga])
    median_seed, median_run = nsga[int(np.argsort(volumes)[len(volumes) // 2])]
    lines += [
        f"\n## Two objectives (eq. 23-24): NSGA-II, {FRONT_EVALS} evaluations (population {FRONT_POP})\n",
        f"Hypervolume (pymoo `HV`; cost in million / year, -capacity in MW; reference {REFERENCE.tolist()}), "
        f"against the exact epsilon-constraint front ({len(exact_front)} points, MILP): {exact_hv:.4f}.\n",
        "| quantity | mean | std | best | worst |",
        "|---|---|---|---|---|",
        f"| NSGA-II hypervolume (0 for a run with no feasible plan) | {volumes.mean():.4f} | {volumes.std():.4f} "
        f"| {volumes.max():.4f} | {volumes.min():.4f} |",
        f"| share of the exact front's | {volumes.mean() / exact_hv:.1%} | {volumes.std() / exact_hv:.1%} "
        f"| {volumes.max() / exact_hv:.1%} | {volumes.min() / exact_hv:.1%} |",
        f"\nMean NSGA-II time {np.mean([res.time_s for _, res in nsga]):.0f} s. The plot shows the run with the median "
        f"hypervolume (seed {median_seed}).\n",
    ]
    (OUT / "search.md").write_text("\n".join(lines))
    feasible = feasible_front(median_run)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(-exact_front[:, 1] / 1e3, exact_front[:, 0] / 1e6, "o-", label="epsilon-constraint MILP")
    if len(feasible):
        ax.plot(-feasible[:, 1] / 1e3, feasible[:, 0] / 1e6, "s", label=f"NSGA-II (seed {median_seed})")
    ax.set(xlabel="total carrying capacity (MW)", ylabel="cost (million / year)", title="sop-siting, dual system")
    ax.legend()
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(OUT / f"pareto_dual.{ext}")


if __name__ == "__main__":
    main()
