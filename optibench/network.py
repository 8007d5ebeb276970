"""Radial distribution networks: data files, validation and the array model.

A network is read from a folder holding three readable files (units in the
column names, as in pandapower's tables):

``network.json``
    ``name``, ``description``, ``source`` (citation), ``base_kv`` (line-to-line
    kV), ``base_mva``, ``slack_bus`` (1-based bus number of the substation)
    and ``slack_voltage_pu`` (0.8-1.2 p.u.); each is type-checked.
``buses.csv``
    ``bus, p_kw, q_kvar``: 1-based bus numbers (1 to ``MAX_BUS``) and
    constant-power loads.
``branches.csv``
    ``from_bus, to_bus, r_ohm, x_ohm, in_service``: series impedances in ohm;
    ``in_service = 0`` marks a normally open tie line (a candidate branch for
    reconfiguration or a soft open point).

Files are UTF-8 (a byte-order mark is allowed); numbers use a decimal
point, so a row with more fields than the header (``5,60,3,0`` for
``5,60.3,0``) is an error naming the line, as is any text that is not a
number. The in-service branches must form one tree rooted at the slack bus. Every
array of :class:`Network` is indexed by bus position in the data file
("network bus order"); ``order`` lists those positions in a topological
order (every bus after its parent), which is all the power-flow sweep needs.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from .checks import check_values, integer, real, text

NETWORKS_DIR = Path(__file__).parent / "data" / "networks"
MAX_BUS = 999_999
"""Largest bus number accepted: bus numbers index lookup tables, so they must stay small."""
META_RULES = {
    "name": text(),
    "description": text(empty=True),
    "source": text(empty=True),
    "converted_from": text(empty=True),
    "base_kv": real(above=0),
    "base_mva": real(above=0),
    "slack_bus": integer(1, MAX_BUS, optional=True),
    "slack_voltage_pu": real(0.8, 1.2),
}
"""Allowed values of the ``network.json`` keys (and of the same arguments of :meth:`Network.from_arrays`)."""


def _read_only(array: np.ndarray) -> np.ndarray:
    """``array`` marked read-only (a cached value of an immutable network must not change)."""
    array.flags.writeable = False
    return array


class NetworkDataError(ValueError):
    """Network data that cannot describe a radial feeder; the message names the element."""


@dataclass(frozen=True, eq=False)
class Network:
    """An immutable radial feeder.

    Per-bus arrays have shape ``(n_bus,)`` in network bus order; the branch
    feeding bus ``i`` from ``parent[i]`` has impedance ``r_ohm[i] + j x_ohm[i]``
    (zero at the slack bus, whose ``parent`` is -1).

    Attributes:
        name: network name.
        bus_ids: 1-based bus numbers as in the literature, shape (n_bus,).
        p_kw, q_kvar: base constant-power loads (kW, kvar), shape (n_bus,).
        parent: index of the upstream bus, -1 at the slack bus, shape (n_bus,).
        order: bus indices in topological order, ``order[0]`` is the slack bus.
        r_ohm, x_ohm: impedance of the branch feeding each bus (ohm).
        ties: normally open tie lines as rows ``(from_bus, to_bus, r_ohm, x_ohm)``
            with 1-based bus numbers, shape (n_tie, 4).
        base_kv: line-to-line base voltage (kV).
        base_mva: three-phase base power (MVA).
        slack_voltage_pu: substation voltage magnitude (p.u.).
        source: citation of the data.
    """

    name: str
    bus_ids: np.ndarray
    p_kw: np.ndarray
    q_kvar: np.ndarray
    parent: np.ndarray
    order: np.ndarray
    r_ohm: np.ndarray
    x_ohm: np.ndarray
    ties: np.ndarray
    base_kv: float
    base_mva: float
    slack_voltage_pu: float = 1.0
    source: str = ""
    description: str = ""

    @property
    def n_bus(self) -> int:
        return len(self.bus_ids)

    @property
    def slack(self) -> int:
        """Index of the slack (substation) bus."""
        return int(self.order[0])

    @property
    def z_base_ohm(self) -> float:
        return self.base_kv**2 / self.base_mva

    @property
    def s_base_kva(self) -> float:
        return self.base_mva * 1000.0

    @cached_property
    def r_pu(self) -> np.ndarray:
        """Per-unit resistance of the branch feeding each bus, shape (n_bus,); read-only, computed once."""
        return _read_only(self.r_ohm / self.z_base_ohm)

    @cached_property
    def x_pu(self) -> np.ndarray:
        """Per-unit reactance of the branch feeding each bus, shape (n_bus,); read-only, computed once."""
        return _read_only(self.x_ohm / self.z_base_ohm)

    @property
    def branch_buses(self) -> np.ndarray:
        """In-service branches as 1-based ``(upstream, downstream)`` bus pairs, shape (n_bus-1, 2).

        Row ``k`` is the branch feeding bus ``order[k+1]``; branch quantities
        of :mod:`optibench.powerflow` use this row order and direction.
        """
        child = self.order[1:]
        return np.stack([self.bus_ids[self.parent[child]], self.bus_ids[child]], axis=1)

    def index_of(self, bus: int) -> int:
        """Position of 1-based bus number ``bus`` in network bus order."""
        hits = np.flatnonzero(self.bus_ids == bus)
        if len(hits) == 0:
            raise KeyError(f"network {self.name!r} has no bus {bus}")
        return int(hits[0])

    def depth(self) -> np.ndarray:
        """Number of branches between each bus and the slack bus, shape (n_bus,)."""
        depth = np.zeros(self.n_bus, dtype=np.int64)
        for i in self.order[1:]:
            depth[i] = depth[self.parent[i]] + 1
        return depth

    @classmethod
    def from_arrays(
        cls,
        name: str,
        bus_ids: ArrayLike,
        p_kw: ArrayLike,
        q_kvar: ArrayLike,
        from_bus: ArrayLike,
        to_bus: ArrayLike,
        r_ohm: ArrayLike,
        x_ohm: ArrayLike,
        in_service: ArrayLike | None = None,
        *,
        base_kv: float,
        base_mva: float,
        slack_bus: int | None = None,
        slack_voltage_pu: float = 1.0,
        source: str = "",
        description: str = "",
        origin: str | None = None,
    ) -> Network:
        """Validate tabular data and build the tree.

        Buses are 1-based numbers; branches are given by their end buses.
        ``origin`` (a file or folder name) is quoted in every error message.
        Raises :class:`NetworkDataError` naming the offending bus or branch.
        """
        where = f"network {name!r}" + (f" ({origin})" if origin else "")
        bus_ids = np.asarray(bus_ids, dtype=np.int64)
        p_kw = np.asarray(p_kw, dtype=np.float64)
        q_kvar = np.asarray(q_kvar, dtype=np.float64)
        from_bus = np.asarray(from_bus, dtype=np.int64)
        to_bus = np.asarray(to_bus, dtype=np.int64)
        r_ohm = np.asarray(r_ohm, dtype=np.float64)
        x_ohm = np.asarray(x_ohm, dtype=np.float64)
        in_service = np.ones(len(from_bus), dtype=bool) if in_service is None else np.asarray(in_service).astype(bool)
        _check_meta(where, dict(base_kv=base_kv, base_mva=base_mva, slack_bus=slack_bus, slack_voltage_pu=slack_voltage_pu))

        if len(bus_ids) == 0:
            raise NetworkDataError(f"{where}: no buses")
        position: dict[int, int] = {}
        for i, bus in enumerate(bus_ids.tolist()):
            if not 1 <= bus <= MAX_BUS:
                raise NetworkDataError(f"{where}: bus {bus} (buses row {i + 1}) must be a number from 1 to {MAX_BUS}")
            if bus in position:
                raise NetworkDataError(f"{where}: bus {bus} is listed twice (buses rows {position[bus] + 1} and {i + 1})")
            position[bus] = i
            for label, arr in (("p_kw", p_kw), ("q_kvar", q_kvar)):
                if not math.isfinite(arr[i]):
                    raise NetworkDataError(f"{where}: bus {bus} has a non-finite load {label} = {float(arr[i])!r}")
        slack_bus = int(bus_ids[0]) if slack_bus is None else int(slack_bus)
        if slack_bus not in position:
            raise NetworkDataError(f"{where}: slack bus {slack_bus} is not among the buses")

        n = len(bus_ids)
        neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        ties = []
        for k in range(len(from_bus)):
            f, t = int(from_bus[k]), int(to_bus[k])
            label = f"branch {f}-{t} (branches row {k + 1})"
            for end in (f, t):
                if end not in position:
                    raise NetworkDataError(f"{where}: {label} refers to missing bus {end}")
            if f == t:
                raise NetworkDataError(f"{where}: {label} connects bus {f} to itself")
            if not (math.isfinite(r_ohm[k]) and r_ohm[k] > 0):
                raise NetworkDataError(f"{where}: {label} has non-positive or non-finite resistance r_ohm = {float(r_ohm[k])!r}")
            if not (math.isfinite(x_ohm[k]) and x_ohm[k] >= 0):
                raise NetworkDataError(f"{where}: {label} has negative or non-finite reactance x_ohm = {float(x_ohm[k])!r}")
            if in_service[k]:
                neighbours[position[f]].append((position[t], k))
                neighbours[position[t]].append((position[f], k))
            else:
                ties.append((f, t, r_ohm[k], x_ohm[k]))

        parent = np.full(n, -1, dtype=np.int64)
        feeder = np.full(n, -1, dtype=np.int64)
        root = position[slack_bus]
        order = [root]
        seen = np.zeros(n, dtype=bool)
        seen[root] = True
        head = 0
        while head < len(order):
            i = order[head]
            head += 1
            for j, k in neighbours[i]:
                if k == feeder[i]:
                    continue
                if seen[j]:
                    loop = _loop_branches(i, j, k, parent, feeder)
                    names = ", ".join(f"{int(from_bus[b])}-{int(to_bus[b])} (row {b + 1})" for b in loop)
                    raise NetworkDataError(
                        f"{where}: in-service branches form a loop: {names}; "
                        "mark one of them in_service = 0 to make the feeder radial"
                    )
                seen[j] = True
                parent[j] = i
                feeder[j] = k
                order.append(j)
        if not seen.all():
            islanded = bus_ids[~seen][:10].tolist()
            raise NetworkDataError(
                f"{where}: buses {islanded} are not connected to slack bus {slack_bus} ({int((~seen).sum())} islanded bus(es))"
            )

        r_bus = np.zeros(n)
        x_bus = np.zeros(n)
        child = parent >= 0
        r_bus[child] = r_ohm[feeder[child]]
        x_bus[child] = x_ohm[feeder[child]]
        arrays = dict(
            bus_ids=bus_ids,
            p_kw=p_kw,
            q_kvar=q_kvar,
            parent=parent,
            order=np.asarray(order, dtype=np.int64),
            r_ohm=r_bus,
            x_ohm=x_bus,
            ties=np.asarray(ties, dtype=np.float64).reshape(-1, 4),
        )
        for arr in arrays.values():
            arr.setflags(write=False)
        return cls(
            name=name,
            base_kv=float(base_kv),
            base_mva=float(base_mva),
            slack_voltage_pu=float(slack_voltage_pu),
            source=source,
            description=description,
            **arrays,
        )


def _check_meta(owner: str, values: dict) -> dict:
    """``values`` checked by :data:`META_RULES`; a bad one is a NetworkDataError naming ``owner`` and the key."""
    try:
        return check_values(owner, META_RULES, values)
    except ValueError as exc:
        raise NetworkDataError(str(exc)) from None


def _loop_branches(i: int, j: int, closing: int, parent: np.ndarray, feeder: np.ndarray) -> list[int]:
    """Branch rows of the loop closed by branch ``closing`` between tree buses ``i`` and ``j``."""

    def ancestors(b: int) -> list[int]:
        path = [b]
        while parent[path[-1]] >= 0:
            path.append(int(parent[path[-1]]))
        return path

    up_i, up_j = ancestors(i), ancestors(j)
    common = next(b for b in up_i if b in set(up_j))
    rows = [int(feeder[b]) for b in up_i[: up_i.index(common)]]
    rows += [int(feeder[b]) for b in up_j[: up_j.index(common)]]
    return sorted(rows + [closing])


def available_networks() -> list[str]:
    """Names of the networks shipped with optibench."""
    return sorted(p.name for p in NETWORKS_DIR.iterdir() if (p / "network.json").is_file())


def load_network(name_or_path: str | Path) -> Network:
    """Load a shipped network by name (``ieee33``, ``ieee69``, ...), a synthetic feeder by name, or a user's network folder.

    A shipped network's name always means the shipped network, and a
    synthetic feeder's name (``synthetic200``, ``synthetic200t5``,
    ``synthetic200t5-seed3``: buses, tie lines, seed; see
    :mod:`optibench.synthetic`) the generated feeder, whatever the current
    folder holds; a folder is loaded only when given as a path: one with a
    path separator (``./ieee69``, ``feeders/mine``), or an existing folder
    whose name is neither. A path may name the folder or its
    ``network.json``. Raises :class:`NetworkDataError` for an unknown name, a
    synthetic name whose numbers make no feeder, a missing or unreadable
    file, a missing column or key, a value of the wrong type or range, or
    data that is not a radial feeder.
    """
    from .synthetic import feeder_from_name  # imported here: optibench.synthetic builds on this module

    given = str(name_or_path)
    if is_shipped(given):
        path = NETWORKS_DIR / given
    elif (synthetic := feeder_from_name(given)) is not None:
        return synthetic
    else:
        path = Path(name_or_path).expanduser()
        if path.name == "network.json":
            path = path.parent
        if not (path / "network.json").is_file():
            raise NetworkDataError(
                f"unknown network {given!r}: not a shipped network "
                f"({', '.join(available_networks())}) and no network.json in that folder"
            )
    meta_file = path / "network.json"
    try:
        meta = json.loads(_read_text(meta_file))
    except json.JSONDecodeError as exc:
        raise NetworkDataError(f"{meta_file}: not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise NetworkDataError(f"{meta_file}: must hold a JSON object with keys {', '.join(META_RULES)}")
    for key in ("base_kv", "base_mva"):
        if key not in meta:
            raise NetworkDataError(f"{meta_file}: missing key {key!r}")
    meta = _check_meta(str(meta_file), meta)
    buses = _read_table(path / "buses.csv", ("bus", "p_kw", "q_kvar"), integer=("bus",))
    branches = _read_table(
        path / "branches.csv",
        ("from_bus", "to_bus", "r_ohm", "x_ohm"),
        optional=("in_service",),
        integer=("from_bus", "to_bus", "in_service"),
    )
    return Network.from_arrays(
        meta.get("name", path.name),
        buses["bus"],
        buses["p_kw"],
        buses["q_kvar"],
        branches["from_bus"],
        branches["to_bus"],
        branches["r_ohm"],
        branches["x_ohm"],
        branches.get("in_service"),
        base_kv=meta["base_kv"],
        base_mva=meta["base_mva"],
        slack_bus=meta.get("slack_bus"),
        slack_voltage_pu=meta.get("slack_voltage_pu", 1.0),
        source=meta.get("source", ""),
        description=meta.get("description", ""),
        origin=str(path),
    )


def is_shipped(name: str) -> bool:
    """True when ``name`` is the bare name of a shipped network (no path separator)."""
    bare = "/" not in name and "\\" not in name and name not in ("", ".", "..")
    return bare and (NETWORKS_DIR / name / "network.json").is_file()


def _read_text(file: Path) -> str:
    """The UTF-8 text of ``file`` (a byte-order mark is dropped); a NetworkDataError names the file otherwise."""
    try:
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NetworkDataError(
            f"{file}: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise NetworkDataError(f"{file}: cannot read ({exc.strerror})") from None


def _read_table(
    file: Path, required: tuple[str, ...], optional: tuple[str, ...] = (), integer: tuple[str, ...] = ()
) -> dict[str, np.ndarray]:
    """Read the named numeric columns of a CSV file, with errors naming file, line and column."""
    if not file.is_file():
        raise NetworkDataError(f"{file}: file not found")
    reader = csv.reader(io.StringIO(_read_text(file), newline=""))
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise NetworkDataError(f"{file}: missing column(s) {missing}; found {header}")
    columns = {c: header.index(c) for c in (*required, *optional) if c in header}
    values: dict[str, list[float]] = {c: [] for c in columns}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if len(row) != len(header):
            raise NetworkDataError(
                f"{file}, line {line}: {len(row)} fields but the header has {len(header)} ({', '.join(header)}); "
                "numbers take a decimal point, not a decimal comma (60.3, not 60,3)"
            )
        for c, k in columns.items():
            cell = row[k].strip()
            try:
                value = float(cell) if cell.lower() != "nan" else math.nan
            except ValueError:
                raise NetworkDataError(f"{file}, line {line}: column {c!r} is not a number: {cell!r}") from None
            if c in integer and not (math.isfinite(value) and value == int(value) and abs(value) <= 2**53):
                raise NetworkDataError(f"{file}, line {line}: column {c!r} must be an integer, got {cell!r}")
            values[c].append(value)
    return {c: np.asarray(v, dtype=np.int64 if c in integer else np.float64) for c, v in values.items()}
