"""Paper 000, Figures 8-11 and Tables 2-3: EV hosting capacity of IEEE 33 buses 2-33.

    python benchmarks/seed000/hosting_capacity.py [--out results/seed000] [--jobs -1] [--from-csv FILE]

Solves the cone program of every bus 2-33, both EV types and the eight
scenarios of Table 1 (512 programs; ``--from-csv`` reuses a ``capacity.csv``
written before) and writes to ``--out``:

* ``capacity.csv``: one row per program (capacity, status, solve time, AC re-check);
* ``capacity_table.md``: capacity (kW) per bus and scenario, one table per EV type;
* ``growth_rates.md``: mean growth rates of capacity for the ESS / SVG / PV
  expansions beside the paper's Tables 2 and 3, and the sweep's checks;
* ``capacity_ev{1,2}_scenarios{1-4,5-8}.png``: bar charts per scenario (the paper's Figures 8-11);
* with ``--compare-models``, ``models.md``: a few instances solved as the cone
  program, LinDistFlow LP and MILP (storage binaries, HiGHS) and, when
  pyscipopt is installed, the mixed-integer cone program (SCIP), each AC re-checked.

Mean growth rate of an expansion (our reading of the paper's Tables 2-3):
the mean over buses 2-33 of ``(C_expanded - C_base) / C_base``, with base
scenario 1 (Table 2) or 5 (Table 3) and expansions SVG = 2 / 6, ESS = 3 / 7,
PV = 4 / 8.
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from optibench.exact.sweep import solve_many  # noqa: E402
from optibench.formatting import format_table  # noqa: E402
from optibench.problems.hosting_capacity import SCENARIOS, HostingCapacityCase  # noqa: E402

EXPANSIONS = {
    "Table 2 (scenarios 1-4, 4 MW)": (1, {"ESS": 3, "SVG": 2, "PV": 4}),
    "Table 3 (scenarios 5-8, 6 MW)": (5, {"ESS": 7, "SVG": 6, "PV": 8}),
}
PAPER_GROWTH_PERCENT = {
    ("Table 2 (scenarios 1-4, 4 MW)", 1): {"ESS": 105.52, "SVG": 114.59, "PV": 6.01},
    ("Table 2 (scenarios 1-4, 4 MW)", 2): {"ESS": 31.48, "SVG": 29.35, "PV": 0.28},
    ("Table 3 (scenarios 5-8, 6 MW)", 1): {"ESS": 111.76, "SVG": 124.6, "PV": 6.0},
    ("Table 3 (scenarios 5-8, 6 MW)", 2): {"ESS": 32.76, "SVG": 31.8, "PV": 0.29},
}
COLUMNS = {
    "instance_scenario": "scenario",
    "instance_ev": "ev",
    "instance_bus": "bus",
    "capacity_kw": "capacity_kw",
    "status": "status",
    "objective": "objective_kw",
    "solve_time_s": "solve_time_s",
    "wall_time_s": "wall_time_s",
    "simultaneous_charge_discharge_kw": "simultaneous_charge_discharge_kw",
    "ac_recheck_loss_kwh": "ac_loss_kwh",
    "ac_recheck_model_loss_kwh": "model_loss_kwh",
    "ac_recheck_vmin_pu": "ac_vmin_pu",
    "ac_recheck_vmax_pu": "ac_vmax_pu",
    "ac_recheck_voltage_violation_pu": "ac_voltage_violation_pu",
    "ac_recheck_branch_violation_kva": "ac_line_violation_kw",
    "ac_recheck_relaxation_gap": "relaxation_gap",
}


def sweep(n_jobs: int = -1, scenarios=tuple(SCENARIOS), **reading) -> pd.DataFrame:
    """The cone program of every (scenario, EV type, bus 2-33), in parallel; one row per instance.

    ``reading`` holds instance parameters shared by every program (``load_fraction=0.9``, ...; default the
    problem's). Columns are the exact baseline's summary flattened with ``_`` (``instance_bus``, ``capacity_kw``,
    ``ac_recheck_vmin_pu``, ...).
    """
    instances = [{"scenario": s, "ev": e, "bus": b, **reading} for s in scenarios for e in (1, 2) for b in range(2, 34)]
    return pd.json_normalize(solve_many("hosting-capacity", instances, n_jobs), sep="_")


def capacity_pivot(table: pd.DataFrame, ev: int) -> pd.DataFrame:
    """Capacity (kW), buses as rows and scenarios as columns, for one EV type."""
    return table[table["ev"] == ev].pivot(index="bus", columns="scenario", values="capacity_kw")


def growth_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Mean growth rate (%) per table, EV type and expansion, beside the paper's."""
    rows = []
    for label, (base, expansions) in EXPANSIONS.items():
        for ev in (1, 2):
            cap = capacity_pivot(table, ev)
            for unit, scenario in expansions.items():
                growth = (cap[scenario] - cap[base]) / cap[base]
                rows.append(
                    {
                        "table": label,
                        "ev": ev,
                        "expansion": unit,
                        "ours_percent": 100 * growth.mean(),
                        "paper_percent": PAPER_GROWTH_PERCENT[(label, ev)][unit],
                        "ours_growth_of_mean_percent": 100 * (cap[scenario].mean() / cap[base].mean() - 1),
                    }
                )
    return pd.DataFrame(rows)


COMPARED_INSTANCES = ((1, 1, 2), (1, 1, 18), (1, 2, 33), (4, 1, 18), (8, 1, 2))
"""(scenario, EV type, bus) of ``models.md``: near and far buses, and the doubled-PV scenarios."""


def compare_models(instances=COMPARED_INSTANCES) -> pd.DataFrame:
    """Capacity, objective and AC re-check of each instance under every model variant available."""
    variants = [
        ("SOCP, relaxed binaries (Clarabel)", "socp", False),
        ("LinDistFlow LP (HiGHS)", "linear", False),
        ("LinDistFlow MILP (HiGHS)", "linear", True),
    ]
    if importlib.util.find_spec("pyscipopt") is not None:
        variants.append(("MISOCP (SCIP)", "socp", True))
    rows = []
    for scenario, ev, bus in instances:
        case = HostingCapacityCase(scenario, ev, bus)
        for label, relaxation, binary in variants:
            result = case.solve(relaxation, binary)
            check = result.solution.recheck
            rows.append(
                {
                    "scenario": scenario,
                    "ev": ev,
                    "bus": bus,
                    "model": label,
                    "status": result.solution.status,
                    "capacity_kw": result.capacity_kw,
                    "objective_kw": result.solution.objective,
                    "simultaneous_kw": result.simultaneous_kw,
                    "ac_vmin_pu": check.vmin_pu.min(),
                    "ac_voltage_violation_pu": check.voltage_violation_pu,
                    "wall_time_s": result.solution.wall_time_s,
                }
            )
    return pd.DataFrame(rows)


def plot(table: pd.DataFrame, out: Path) -> list[Path]:
    paths = []
    for ev in (1, 2):
        cap = capacity_pivot(table, ev)
        for first in (1, 5):
            scenarios = range(first, first + 4)
            fig, axes = plt.subplots(4, 1, figsize=(10, 9), sharex=True, sharey=True)
            for ax, scenario in zip(axes, scenarios):
                ax.bar(cap.index, cap[scenario] / 1000.0, color=f"C{scenario - first}")
                ax.set_ylabel("MW")
                ax.set_title(f"scenario {scenario}", fontsize=9, loc="left")
                ax.grid(axis="y", alpha=0.3)
            axes[-1].set_xlabel("bus")
            axes[-1].set_xticks(cap.index)
            fig.suptitle(f"EV type {ev} hosting capacity, scenarios {first}-{first + 3} (IEEE 33, cone program)")
            fig.tight_layout()
            path = out / f"capacity_ev{ev}_scenarios{first}-{first + 3}.png"
            fig.savefig(path, dpi=110)
            plt.close(fig)
            paths.append(path)
    return paths


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/seed000", help="output folder (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=-1, help="processes (default -1: one per CPU)")
    parser.add_argument("--from-csv", metavar="FILE", help="reuse a capacity.csv instead of solving")
    parser.add_argument("--compare-models", action="store_true", help="also write models.md (a few minutes with SCIP)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.from_csv:
        table, seconds = pd.read_csv(args.from_csv), None
    else:
        start = time.perf_counter()
        table = sweep(n_jobs=args.jobs).rename(columns=COLUMNS)[list(COLUMNS.values())]
        seconds = time.perf_counter() - start
        table.to_csv(out / "capacity.csv", index=False)
    tables = ["# Hosting capacity (kW), IEEE 33, cone program\n\nCommand: `python benchmarks/seed000/hosting_capacity.py`\n"]
    for ev in (1, 2):
        pivot = format_table(capacity_pivot(table, ev).reset_index(), "markdown")
        tables.append(f"\n## EV type {ev}: buses (rows) x scenarios (columns)\n\n{pivot}\n")
    (out / "capacity_table.md").write_text("".join(tables))
    growth = growth_rates(table)
    checks = {
        "programs": len(table),
        "status optimal / optimal_inaccurate / other": f"{(table.status == 'optimal').sum()} / "
        f"{(table.status == 'optimal_inaccurate').sum()} / {(~table.status.str.startswith('optimal')).sum()}",
        "largest relaxation gap (p.u.^2)": f"{table.relaxation_gap.max():.2e}",
        "largest AC voltage violation (p.u.)": f"{table.ac_voltage_violation_pu.max():.2e}",
        "largest AC line-limit violation (kW)": f"{table.ac_line_violation_kw.max():.2e}",
        "largest simultaneous charge and discharge (kW)": f"{table.simultaneous_charge_discharge_kw.max():.2e}",
        "sweep wall time (s)": (
            f"not measured (tables made from {args.from_csv})" if seconds is None else f"{seconds:.1f} with --jobs {args.jobs}"
        ),
    }
    text = [
        "# Mean growth rate of hosting capacity (paper 000, Tables 2 and 3)\n",
        "Command: `python benchmarks/seed000/hosting_capacity.py`. `ours_percent` is the mean over buses 2-33 of the",
        "per-bus growth; `ours_growth_of_mean_percent` the growth of the mean capacity.\n",
        format_table(growth, "markdown"),
        "\n\n## Checks over the sweep\n",
        *[f"- {k}: {v}" for k, v in checks.items()],
        "",
    ]
    (out / "growth_rates.md").write_text("\n".join(text))
    written = [out / "capacity_table.md", out / "growth_rates.md", *plot(table, out)]
    if args.compare_models:
        models = format_table(compare_models(), "markdown")
        (out / "models.md").write_text(
            "# Model variants on a few instances\n\nCommand: `python benchmarks/seed000/hosting_capacity.py "
            "--from-csv results/seed000/capacity.csv --compare-models`\n\n" + models + "\n"
        )
        written.append(out / "models.md")
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
