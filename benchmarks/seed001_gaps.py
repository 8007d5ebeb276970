"""Where optibench's four-feeder system departs from paper 001's Tables 3-4 and Figure 12, and why: the data
behind results/seed001/README.md.

Run: ``python benchmarks/seed001_gaps.py`` (about 3 minutes on 2 cores; HiGHS MILPs). Writes
results/seed001/gaps.md.

1. Table 4 (SOP cost moves the capacity by tens of percent): for the four-feeder system at 41.2 % and 52.4 %
   (delta 0.5), each row is the largest carrying capacity the network allows with at most k SOPs, cost ignored
   (:func:`largest_capacity`), and the least-cost plan that carries it (:func:`solve_plan` with ``max_sops``).
   Per step (one SOP more) the table gives the extra capacity, the extra SOP cost (investment and operation,
   eq. 16-17) and their ratio: the value of a kW of capacity per year at which that SOP pays for itself. Beside
   it, what a station kW costs in eq. 23 (energy bought all year, eq. 18, plus the line upgrade, eq. 19), and
   the cost without the stations' energy (the reading in which their energy is resold at the purchase price),
   with that reading's epsilon budget; and the point that an epsilon normalised on the payoff table's cost range
   (least cost, cost of the largest capacity) gives.
2. Table 3's curtailment at 41.2 %: without SOPs a feeder cannot export (eq. 10-11), so what its available
   renewables exceed its own load by (residential load and unshifted data-centre load) must be curtailed. Per
   penetration: the added feeders' largest ratio of available renewables to that load and the share of the
   renewable energy that must be curtailed, with and without the added feeders' data centres.
3. Figure 12 (capacity against delta, saturating): the largest capacity at 52.4 % by delta, with any number of
   SOPs and with none, cost ignored: where the lines rather than a budget bind.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from optibench.problems.sop_siting import (
    EPSILON,
    EPSILON_GAP,
    LINE_UPGRADE_COST,
    SitingCase,
    largest_capacity,
    reference_plan,
    solve_plan,
)

OUT = Path(__file__).resolve().parents[1] / "results" / "seed001"
COMMAND = "python benchmarks/seed001_gaps.py"
PENETRATIONS = (0.412, 0.524)
DELTAS = (1.0, 0.8, 0.6, 0.4, 0.2)
"""Paper 001, Figure 12: delta down to the 20 % minimum load of a data centre."""
SATURATED_KW = 1.0
"""A step that adds less than this (kW) ends a table: more SOPs add nothing."""


def sop_cost(plan: dict) -> float:
    """Yearly SOP investment and operation of a plan (currency), eq. 16-17."""
    return plan["costs"]["sop_investment"] + plan["costs"]["sop_operation"]


def steps(penetration: float) -> list[str]:
    """The rows of one penetration: capacity, plan and costs with at most k SOPs, k = 0, 1, ... until saturated."""
    case = SitingCase("quad", penetration)
    # currency / year that one kW of station load costs when bought from the grid all year (eq. 18)
    station_energy = float(case.weight @ case.days["price_per_kwh"].to_numpy())
    method1 = reference_plan(case)
    neutral_budget = (1 + EPSILON) * (method1["cost"] - station_energy * method1["total_capacity_kw"])
    limit = largest_capacity(case)
    lines = [
        f"### {penetration:.1%}\n",
        f"A station kW bought all year costs {station_energy:.2f} / year in energy plus {LINE_UPGRADE_COST:.0f} in line "
        f"upgrade. Method 1 (no SOP, delta = 1): {method1['total_capacity_kw']:.1f} kW at {method1['cost']:.0f} / year "
        f"(budget {(1 + EPSILON) * method1['cost']:.0f}); without the stations' energy {neutral_budget / (1 + EPSILON):.0f} "
        f"(budget {neutral_budget:.0f}). Largest capacity with any number of SOPs: {limit:.1f} kW.\n",
        "| SOPs at most | capacity (kW) | step (kW) | SOPs (tie, kVA) | SOP cost / year | step's SOP cost / step's kW "
        "| cost / year | cost without station energy | renewable use |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    previous: dict | None = None
    k = 0
    while True:
        capacity = largest_capacity(case, max_sops=k)
        plan = solve_plan(case, min_capacity_kw=capacity * (1 - 1e-6), max_sops=k)
        sops = " ".join(f"{s['tie']} ({s['capacity_kva']:.0f})" for s in plan["sops"]) or "none"
        step = "" if previous is None else f"{capacity - previous['total_capacity_kw']:.1f}"
        price = (
            ""
            if previous is None
            else f"{(sop_cost(plan) - sop_cost(previous)) / (capacity - previous['total_capacity_kw']):.1f}"
        )
        neutral = plan["cost"] - station_energy * plan["total_capacity_kw"]
        lines.append(
            f"| {k} | {capacity:.1f} | {step} | {sops} | {sop_cost(plan):.0f} | {price} | {plan['cost']:.0f} "
            f"| {neutral:.0f} | {plan['renewable_utilisation']:.1%} |"
        )
        if capacity >= limit - SATURATED_KW or (previous is not None and capacity - previous["total_capacity_kw"] < SATURATED_KW):
            break
        previous, k = plan, k + 1
    least = solve_plan(case, min_capacity_kw=0.0)["cost"]
    normalised_budget = least + EPSILON * (plan["cost"] - least)
    normalised = solve_plan(case, max_cost=normalised_budget, mip_rel_gap=EPSILON_GAP)
    lines.append(
        f"\nPayoff table of eq. 23-24: least cost {least:.0f} / year (no station), {plan['cost']:.0f} at the largest "
        f"capacity; epsilon = {EPSILON} of that range as the budget ({normalised_budget:.0f}) carries "
        f"{normalised['total_capacity_kw']:.1f} kW with {len(normalised['sops'])} SOP(s)."
    )
    return lines


def curtailment() -> list[str]:
    """Part 2: the added feeders' renewables against their own load, by penetration."""
    lines = [
        "## Curtailment without SOPs (no export through a feeder head, eq. 10-11; Table 3)\n",
        "Per feeder, available renewables over its own load (residential, and the data centres' unshifted load); "
        "what exceeds it must be curtailed without SOPs. Share curtailed: of the system's renewable energy over the "
        "typical days. Feeders 1-2 keep 35.43 %. Last column: the added feeders' penetration at which their largest "
        "ratio reaches 1 (with data centres), and the system's penetration then.\n",
        "| penetration | added feeders' penetration | largest renewables / load | periods above | share curtailed "
        "| without their data centres: largest ratio, periods above, share curtailed | first surplus at |",
        "|---|---|---|---|---|---|---|",
    ]
    for penetration in PENETRATIONS:
        case = SitingCase("quad", penetration)
        feeders, energy = case.feeder_penetrations(), case.feeder_energy_kwh()
        reference = case.flexibility["reference_feeders"]
        added = [f for f in range(len(feeders)) if f not in reference]
        cells = []
        for data_centres in (True, False):
            renewable, load = case.feeder_balance(data_centres)
            excess = renewable - load
            share = (case.weight @ np.maximum(excess, 0).sum(axis=1)) / (case.weight @ renewable.sum(axis=1))
            cells.append(((renewable / load)[:, added].max(), int((excess[:, added] > 0).any(axis=1).sum()), share))
        (ratio, periods, share), (ratio2, periods2, share2) = cells
        first = feeders[added[0]] / ratio
        system = (feeders[reference] @ energy[reference] + first * energy[added].sum()) / energy.sum()
        lines.append(
            f"| {penetration:.1%} | {feeders[added[0]]:.2%} | {ratio:.3f} | {periods} of {case.periods} | {share:.2%} "
            f"| {ratio2:.3f}, {periods2} of {case.periods}, {share2:.2%} | {first:.1%} (system {system:.1%}) |"
        )
    return lines


def delta_limit() -> list[str]:
    """Part 3: the largest capacity at 52.4 % by delta, with SOPs and without, cost ignored."""
    lines = [
        "## Largest capacity by delta (52.4 %, cost ignored; Figure 12)\n",
        "| delta | with SOPs (kW) | without SOPs (kW) |",
        "|---|---|---|",
    ]
    for delta in DELTAS:
        case = SitingCase("quad", PENETRATIONS[-1], delta=delta)
        lines.append(f"| {delta} | {largest_capacity(case):.1f} | {largest_capacity(case, max_sops=0):.1f} |")
    return lines


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    lines = [
        "# Paper 001: the data behind three differences (four feeders)\n",
        f"Made by `{COMMAND}`; what they mean is in README.md. Every plan is a HiGHS MILP on LinDistFlow (the model "
        "of tables.md).\n",
        "## Carrying capacity by number of SOPs (delta 0.5; Table 4)\n",
    ]
    for penetration in PENETRATIONS:
        lines += [*steps(penetration), ""]
    lines += [*curtailment(), "", *delta_limit()]
    (OUT / "gaps.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
