"""Build the multi-feeder test systems of the SOP siting study (paper 001) from IEEE 33.

``python -m optibench.data.multifeeder`` writes ``networks/ieee33x2`` and
``networks/ieee33x4``: two and four copies of the IEEE 33 feeder (Baran and
Wu 1989, as shipped in ``networks/ieee33``) fed from one substation bus 1.
Copy ``f`` (0-based) renumbers bus ``b`` (2-33) to ``b + 32 f``; the tie
lines of the copies are dropped, and candidate SOP branches between the far
ends of neighbouring feeders are added as normally open tie lines
(``in_service = 0``; their impedance is not used by an SOP). Each folder also
gets ``flexibility.json``: charging-station buses, data-centre buses and
base loads, PV and wind buses with their share of the renewable capacity,
and the line rating. ``NOTES.md`` in each folder repeats how it was made.

It also writes ``profiles/paper001_days.csv``, three typical days (24 h
each) with their probabilities, from :func:`typical_days`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd

from optibench.network import NETWORKS_DIR, load_network

PROFILES_DIR = NETWORKS_DIR.parent / "profiles"
DAYS = {  # name: (probability, load scale, PV scale, wind scale)
    "spring": (0.5, 0.9, 0.8, 1.0),
    "summer": (0.25, 1.0, 1.0, 0.7),
    "winter": (0.25, 0.95, 0.5, 1.3),
}
LOAD_FRACTION = 0.5
"""Peak residential load as a fraction of IEEE 33's rated loads (keeps the base case within 0.95 p.u.)."""

FEEDER_BUSES = 32
TIE_R_OHM = TIE_X_OHM = 0.5

SYSTEMS = {
    "ieee33x2": {
        "feeders": 2,
        "ties": [(18, 18), (33, 33), (25, 22)],  # (bus in feeder f, bus in feeder f + 1), as IEEE 33 numbers
        "ring": False,
        "stations": [(0, 13), (1, 22)],
        "data_centres": [(0, 11), (1, 30)],
        "pv": [(0, 18), (0, 33), (1, 18), (1, 33)],
        "wind": [(0, 25), (1, 25)],
        "feeder_weight": [1.0, 1.0],
    },
    "ieee33x4": {
        "feeders": 4,
        "ties": [(18, 18), (33, 33)],
        "ring": True,
        "stations": [(0, 13), (1, 22), (2, 13), (3, 22)],
        "data_centres": [(0, 11), (1, 30), (2, 30), (3, 11)],
        "pv": [(f, b) for f in range(4) for b in (18, 33)],
        "wind": [(f, 25) for f in range(4)],
        "feeder_weight": [0.5, 0.5, 1.5, 1.5],
    },
}
DATA_CENTRE_KW = 400.0
"""Base (unshifted) peak net load of each data centre (kW)."""
LINE_RATING_KVA = 5000.0
"""Rating of every branch (kVA); the siting study limits flows to 0.8 of it."""


def renumber(feeder: int, bus: int) -> int:
    """Bus ``bus`` (1-33) of IEEE 33 in copy ``feeder`` of a multi-feeder system (bus 1 is shared)."""
    return 1 if bus == 1 else bus + FEEDER_BUSES * feeder


def build(name: str, spec: dict, root: Path = NETWORKS_DIR) -> Path:
    """Write the network folder ``root / name``; returns it."""
    base = load_network("ieee33")
    ids = base.bus_ids
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    buses, branches = [(1, 0.0, 0.0)], []
    for f in range(spec["feeders"]):
        for k, bus in enumerate(ids):
            if k != base.slack:
                buses.append((renumber(f, int(bus)), float(base.p_kw[k]), float(base.q_kvar[k])))
                branches.append((renumber(f, int(ids[base.parent[k]])), renumber(f, int(bus)), base.r_ohm[k], base.x_ohm[k], 1))
    pairs = [(f, f + 1) for f in range(spec["feeders"] - 1)] + ([(spec["feeders"] - 1, 0)] if spec["ring"] else [])
    for f, g in pairs:
        for a, b in spec["ties"]:
            branches.append((renumber(f, a), renumber(g, b), TIE_R_OHM, TIE_X_OHM, 0))
    buses.sort()
    _write_csv(folder / "buses.csv", ("bus", "p_kw", "q_kvar"), buses)
    _write_csv(folder / "branches.csv", ("from_bus", "to_bus", "r_ohm", "x_ohm", "in_service"), branches)
    meta = {
        "name": name,
        "description": f"{spec['feeders']} copies of IEEE 33 from one substation, candidate SOP tie lines between feeders",
        "source": json.loads((NETWORKS_DIR / "ieee33" / "network.json").read_text())["source"],
        "converted_from": "optibench ieee33, by python -m optibench.data.multifeeder",
        "base_kv": base.base_kv,
        "base_mva": base.base_mva,
        "slack_bus": 1,
        "slack_voltage_pu": 1.0,
    }
    (folder / "network.json").write_text(json.dumps(meta, indent=2) + "\n")
    weight = spec["feeder_weight"]
    flexibility = {
        "stations": [renumber(f, b) for f, b in spec["stations"]],
        "data_centres": [{"bus": renumber(f, b), "p_kw": DATA_CENTRE_KW} for f, b in spec["data_centres"]],
        "pv": [{"bus": renumber(f, b), "share": weight[f]} for f, b in spec["pv"]],
        "wind": [{"bus": renumber(f, b), "share": weight[f]} for f, b in spec["wind"]],
        "line_rating_kva": LINE_RATING_KVA,
        "note": "pv / wind shares are relative weights within each technology; data-centre p_kw is the base peak net load",
    }
    (folder / "flexibility.json").write_text(json.dumps(flexibility, indent=2) + "\n")
    (folder / "NOTES.md").write_text(
        f"# {name}\n\nMade by `python -m optibench.data.multifeeder` (see that module's docstring): "
        f"{spec['feeders']} copies of IEEE 33 (Baran and Wu 1989) sharing substation bus 1; copy f numbers "
        "IEEE 33 bus b as b + 32 f. Candidate SOP branches (in_service = 0) join the far ends of neighbouring "
        f"feeders: IEEE 33 bus pairs {spec['ties']}{' around a ring' if spec['ring'] else ''}. "
        "flexibility.json marks the charging stations and data centres (IEEE 33 positions of paper 001's "
        "stations 13 and 22 and data centres 11 and 30), the PV (IEEE 33 buses 18, 33) and wind (bus 25) "
        f"units with their relative shares (feeder weights {weight}) and the {LINE_RATING_KVA:.0f} kVA line rating, "
        "all assumptions: paper 001's network is not public.\n"
    )
    return folder


def typical_days() -> pd.DataFrame:
    """Three typical days, one row per (day, hour): probabilities and per-unit profiles.

    ``load_pu`` scales IEEE 33's rated loads: :data:`LOAD_FRACTION` times the
    residential day of ``paper000_day.csv`` times the day's load scale.
    ``pv_pu`` is that file's PV day times the day's PV scale; ``wind_pu`` a
    night-peaking ``0.35 + 0.25 cos(2 pi (h - 3) / 24)`` times the wind scale
    (at most 1); ``data_centre_pu`` ``0.85 + 0.15 sin(2 pi (h - 8) / 24)`` of
    the centre's base peak; ``price_per_kwh`` a time-of-use tariff (0.05 from
    0 to 7 h, 0.15 from 17 to 21 h, 0.10 otherwise; currency units).
    """
    base = pd.read_csv(PROFILES_DIR / "paper000_day.csv")
    hour = base["hour"].to_numpy()
    price = np.where(hour < 7, 0.05, np.where((hour >= 17) & (hour < 21), 0.15, 0.10))
    frames = []
    for k, (name, (probability, load, pv, wind)) in enumerate(DAYS.items(), start=1):
        frames.append(
            pd.DataFrame(
                {
                    "day": k,
                    "name": name,
                    "probability": probability,
                    "hour": hour,
                    "load_pu": np.round(LOAD_FRACTION * load * base["residential_load_pu"].to_numpy(), 4),
                    "pv_pu": np.round(pv * base["pv_pu"].to_numpy(), 4),
                    "wind_pu": np.round(np.minimum(1.0, wind * (0.35 + 0.25 * np.cos(2 * np.pi * (hour - 3) / 24))), 4),
                    "data_centre_pu": np.round(0.85 + 0.15 * np.sin(2 * np.pi * (hour - 8) / 24), 4),
                    "price_per_kwh": price,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _write_csv(path: Path, header: tuple[str, ...], rows) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    for system_name, system in SYSTEMS.items():
        print(build(system_name, system))
    typical_days().to_csv(PROFILES_DIR / "paper001_days.csv", index=False)
    print(PROFILES_DIR / "paper001_days.csv")
