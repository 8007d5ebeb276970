"""Paper 000, Table 2's growth rates under other readings of the paper: which reading moves them.

    nice -n 10 python benchmarks/seed000/sensitivity.py [--out results/seed000] [--jobs 1] [--from-csv FILE]

Table 2's mean growth rates of both EV types (ESS: scenario 3 against 1; SVG:
scenario 2 against 1; as in ``hosting_capacity.py``) under the project's
reading, taken from ``capacity.csv`` (``--base-csv``, written by
``hosting_capacity.py``), and under one change of reading at a time
(:data:`READINGS`): the residential load at 90 and 100 % of the rated loads,
the substation at 0.985 p.u., the storage limit read as ``P_max = Q_max = S``.
Then scenario 7's ESS growth against scenario 5 (Table 3) under the text's
reading (from ``capacity.csv``) and Table 1's (expanded SVGs as well).
The new cone programs (4 x 192 + 64, a few minutes on one core) go to
``sensitivity.csv`` (``--from-csv`` reuses it), the tables to ``sensitivity.md``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd
from hosting_capacity import COLUMNS, EXPANSIONS, PAPER_GROWTH_PERCENT, capacity_pivot, sweep

from optibench.formatting import format_table

READING_COLUMNS = {
    "instance_load_fraction": "load_fraction",
    "instance_v_source": "v_source",
    "instance_ess_limit": "ess_limit",
    "instance_scenario_source": "scenario_source",
}
PROJECT = "project's reading (load 80 %, 1.0 p.u., ESS square)"
READINGS = {
    PROJECT: {},
    "residential load 90 %": {"load_fraction": 0.9},
    "residential load 100 %": {"load_fraction": 1.0},
    "substation 0.985 p.u.": {"v_source": 0.985},
    "ESS P_max = Q_max = S (rated)": {"ess_limit": "rated"},
}
"""Label -> instance parameters changed from the project's reading (one at a time)."""
TABLE2 = "Table 2 (scenarios 1-4, 4 MW)"
TABLE2_SCENARIOS = (1, 2, 3)
"""Base, SVG and ESS scenarios of Table 2."""
SCENARIO7_READINGS = {
    "text: scenario 3 with 6 MW (SVGs 0.4 / 0.6 Mvar)": "text",
    "Table 1 as printed (SVGs 0.6 / 0.8 Mvar)": "table1",
}
TABLE3 = "Table 3 (scenarios 5-8, 6 MW)"


def solve_readings(n_jobs: int) -> pd.DataFrame:
    """The programs every reading but the project's needs: Table 2's scenarios, and Table 1's scenario 7."""
    parts = []
    for label, reading in READINGS.items():
        if reading:
            parts.append(sweep(n_jobs, TABLE2_SCENARIOS, **reading).assign(reading=label))
    parts.append(sweep(n_jobs, (7,), scenario_source="table1").assign(reading=list(SCENARIO7_READINGS)[1]))
    table = pd.concat(parts, ignore_index=True).rename(columns={**COLUMNS, **READING_COLUMNS})
    return table[["reading", *READING_COLUMNS.values(), *COLUMNS.values()]]


def table2_rates(base: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """ESS and SVG mean growth rates (%) per reading and EV type beside the paper's, with the base capacities."""
    _, expansions = EXPANSIONS[TABLE2]
    rows = []
    for label in READINGS:
        table = base if label == PROJECT else readings[readings["reading"] == label]
        for ev in (1, 2):
            cap = capacity_pivot(table, ev)
            paper = PAPER_GROWTH_PERCENT[(TABLE2, ev)]
            row = {"reading": label, "ev": ev}
            for unit in ("ESS", "SVG"):
                row[f"{unit}_percent"] = 100 * ((cap[expansions[unit]] - cap[1]) / cap[1]).mean()
                row[f"paper_{unit}_percent"] = paper[unit]
            row["distance_points"] = abs(row["ESS_percent"] - paper["ESS"]) + abs(row["SVG_percent"] - paper["SVG"])
            row["scenario1_largest_mw"] = cap[1].max() / 1000.0
            row["scenario1_smallest_mw"] = cap[1].min() / 1000.0
            row["infeasible_programs"] = int(cap[list(TABLE2_SCENARIOS)].isna().to_numpy().sum())
            rows.append(row)
    return pd.DataFrame(rows)


def scenario7_rates(base: pd.DataFrame, readings: pd.DataFrame) -> pd.DataFrame:
    """Scenario 7's ESS growth (%) against scenario 5 per EV type, under the text's reading and Table 1's."""
    rows = []
    for label, source in SCENARIO7_READINGS.items():
        expanded = base if source == "text" else readings[readings["reading"] == label]
        for ev in (1, 2):
            base5 = capacity_pivot(base, ev)[5]
            c7 = capacity_pivot(expanded, ev)[7]
            rows.append(
                {
                    "scenario 7": label,
                    "ev": ev,
                    "ESS_percent": 100 * ((c7 - base5) / base5).mean(),
                    "paper_ESS_percent": PAPER_GROWTH_PERCENT[(TABLE3, ev)]["ESS"],
                    "scenario7_largest_mw": c7.max() / 1000.0,
                }
            )
    return pd.DataFrame(rows)


def report(rates: pd.DataFrame, scenario7: pd.DataFrame, readings: pd.DataFrame, seconds: float | None, jobs: int) -> str:
    """``sensitivity.md``: both tables, the closest reading per EV type and the checks over the new programs."""
    closest = rates.loc[rates.groupby("ev")["distance_points"].idxmin()]
    solved = readings["status"].str.startswith("optimal")
    lines = [
        "# Table 2's growth rates under other readings of paper 000\n",
        "Command: `nice -n 10 python benchmarks/seed000/sensitivity.py --jobs 1` (the project's reading is read from",
        "`capacity.csv`; every other row changes one reading). `ESS_percent` / `SVG_percent`: mean over buses 2-33",
        "of the per-bus growth of scenario 3 / 2 against scenario 1; `distance_points`: |ESS - paper| + |SVG - paper|;",
        "`scenario1_largest_mw` / `_smallest_mw`: scenario 1's largest and smallest capacity over the buses (the",
        "paper's Figures 8-9 show about 2 MW and 2.5 MW at the top); `infeasible_programs`: of the 96 per EV type,",
        "left out of the means.\n",
        format_table(rates, "markdown"),
        "",
        *[
            f"- closest to the paper for EV type {r.ev}: {r.reading} ({r.ESS_percent:.0f} / {r.SVG_percent:.0f} % "
            f"against {r.paper_ESS_percent:.0f} / {r.paper_SVG_percent:.0f} %)"
            for r in closest.itertuples()
        ],
        "\n## Scenario 7: ESS growth against scenario 5 (Table 3)\n",
        format_table(scenario7, "markdown"),
        "\n## Checks over the new programs\n",
        (
            f"- programs: {len(readings)}; solved (optimal or optimal_inaccurate): {int(solved.sum())}; "
            f"other statuses: {readings.loc[~solved, 'status'].value_counts().to_dict()}"
        ),
        f"- largest relaxation gap (p.u.^2): {readings.relaxation_gap.max():.2e}",
        f"- largest AC voltage violation (p.u.): {readings.ac_voltage_violation_pu.max():.2e}",
        f"- largest simultaneous charge and discharge (kW): {readings.simultaneous_charge_discharge_kw.max():.2e}",
        "- wall time (s): "
        + ("not measured (tables made from the CSV)" if seconds is None else f"{seconds:.1f} with --jobs {jobs}"),
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="results/seed000", help="output folder (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=1, help="processes (default %(default)s; -1: one per CPU)")
    parser.add_argument("--base-csv", default="results/seed000/capacity.csv", help="the project's reading (default: %(default)s)")
    parser.add_argument("--from-csv", metavar="FILE", help="reuse a sensitivity.csv instead of solving")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = pd.read_csv(args.base_csv)
    if args.from_csv:
        readings, seconds = pd.read_csv(args.from_csv), None
    else:
        start = time.perf_counter()
        readings = solve_readings(args.jobs)
        seconds = time.perf_counter() - start
        readings.to_csv(out / "sensitivity.csv", index=False)
    text = report(table2_rates(base, readings), scenario7_rates(base, readings), readings, seconds, args.jobs)
    (out / "sensitivity.md").write_text(text)
    print(out / "sensitivity.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
