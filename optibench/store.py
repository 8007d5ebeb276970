"""Results store: one row per run in Parquet, never losing a finished run.

Layout of a results folder::

    OUTDIR/experiment.toml   the experiment file as run
    OUTDIR/meta.json         experiment name and description; the provenance of each invocation
                             that ran something (command, versions, git commit, machine, times)
    OUTDIR/runs/*.parquet    one file per finished run, written atomically
    OUTDIR/results.parquet   the runs gathered into one file by :meth:`ResultStore.consolidate`
    OUTDIR/quarantine/       unreadable or foreign files moved aside by :meth:`ResultStore.quarantine`

A run file is written to a hidden temporary name and renamed into place
(``os.replace``), so a reader never sees half a file and killing the writer
loses only the runs not yet finished. Rows are identified by
:data:`optibench.runner.KEY_COLUMNS`; reading returns each run once, the
latest written (a run file wins over ``results.parquet``, so a failed run
that is run again is replaced). Files written before a column existed are
read with the column filled in (see :func:`_upgrade`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .cases import legacy_optimum_status
from .provenance import now, provenance
from .runner import KEY_COLUMNS, row_key

if TYPE_CHECKING:
    from .experiment import Experiment


SCHEMA = pa.schema(
    [
        ("problem", pa.string()),  # problem registry name
        ("instance", pa.string()),  # instance parameters, canonical JSON
        ("algorithm", pa.string()),  # algorithm registry name
        ("params", pa.string()),  # the optimizer's full resolved parameters, canonical JSON
        ("label", pa.string()),  # algorithm configuration's name in tables
        ("run", pa.int64()),  # run index, 0-based
        ("seed", pa.int64()),  # seed that reproduces the run with optibench.minimize
        ("status", pa.string()),  # "ok", or "failed" when the run raised or its worker died
        ("error", pa.string()),  # "ExceptionType: message" of a failed run; null otherwise
        ("traceback", pa.string()),  # traceback of a failed run; null otherwise
        ("best_f", pa.float64()),  # best objective (NaN for multi-objective and failed runs)
        ("violation", pa.float64()),  # total constraint violation of the best point (0 = feasible; NaN: failed)
        ("n_evals", pa.int64()),  # evaluations spent (a failed run: before the failure; 0 when its worker died)
        ("n_nonfinite", pa.int64()),  # evaluated points with NaN/inf objective or constraint values (infeasible)
        ("time_s", pa.float64()),  # wall time of the optimisation (s)
        ("best_x", pa.list_(pa.float64())),  # best solution, decoded, (n_var,); null for a failed run
        ("history", pa.list_(pa.list_(pa.float64()))),  # (n_tells, 3): n_evals, best_f, best_violation
        ("front_f", pa.list_(pa.list_(pa.float64()))),  # multi-objective front (p, n_obj); null otherwise
        ("optimum", pa.float64()),  # the problem's known optimum, bound or best-known value, NaN if none
        ("optimum_status", pa.string()),  # "proven", "bound" or "best-known"; null if no optimum
        ("optimum_method", pa.string()),  # how the optimum was obtained; null if none
        ("success_atol", pa.float64()),  # the problem's success tolerance (objective units)
        ("optibench_version", pa.string()),  # optibench version that made the row
    ]
)
"""Columns of a results row, in order."""

_ARRAY_COLUMNS = ("best_x", "history", "front_f")
_SORT_COLUMNS = ["problem", "instance", "label", "run"]
_READ_ATTEMPTS = 5
_RUN_FILE_OPTIONS = {"compression": "none", "use_dictionary": False, "write_statistics": False}
"""Parquet options of a one-row run file: nothing to compress or index, so the cheapest write."""
QUARANTINE = "quarantine"
"""Sub-folder of a results folder that receives files moved aside."""


class StoreError(ValueError):
    """A file of a results folder cannot be read as what it should be; the message names the file."""

    def __init__(self, path: Path, message: str):
        super().__init__(f"{path}: {message}")
        self.path, self.reason = path, message


class ResultStore:
    """The results of one experiment in ``folder`` (created on the first write)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.runs_dir = self.folder / "runs"
        self.results_file = self.folder / "results.parquet"
        self.experiment_file = self.folder / "experiment.toml"
        self.meta_file = self.folder / "meta.json"

    def record_invocation(self, experiment: Experiment, command: str, version: str) -> None:
        """Save the experiment file (an :class:`~optibench.experiment.Experiment`) and, in
        ``meta.json``, its name and description and this invocation's provenance
        (:func:`optibench.provenance.provenance`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if not self.experiment_file.exists() or self.experiment_file.read_text(encoding="utf-8") != experiment.source:
            _atomic_write(self.experiment_file, lambda tmp: tmp.write_text(experiment.source, encoding="utf-8"))
        meta = self.meta()
        meta.update(experiment=experiment.name, description=experiment.description)
        meta.setdefault("invocations", []).append(provenance(command, version))
        self._write_meta(meta)

    def record_end(self) -> None:
        """Set the end time of the last recorded invocation in ``meta.json``."""
        meta = self.meta()
        meta["invocations"][-1]["ended"] = now()
        self._write_meta(meta)

    def _write_meta(self, meta: dict) -> None:
        _atomic_write(self.meta_file, lambda tmp: tmp.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8"))

    def write_meta(self, meta: dict) -> None:
        """Replace ``meta.json`` (atomically) by ``meta``, a JSON object; the folder is created if missing."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write_meta(meta)

    def replace_rows(self, rows: pd.DataFrame) -> Path:
        """Make ``rows`` (results rows with the :data:`SCHEMA` columns, as :meth:`read` returns them) the
        folder's runs: ``results.parquet`` written atomically, run files removed; the path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        records = rows[SCHEMA.names].to_dict("records")
        _atomic_write(self.results_file, lambda tmp: pq.write_table(_table(records), tmp))
        for f in sorted(self.runs_dir.glob("*.parquet")):
            f.unlink(missing_ok=True)
        return self.results_file

    def meta(self) -> dict:
        """Contents of ``meta.json`` ({} when absent); StoreError when it is not a JSON object."""
        if not self.meta_file.exists():
            return {}
        try:
            meta = json.loads(self.meta_file.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(self.meta_file, f"not valid JSON ({exc})") from None
        if not isinstance(meta, dict):
            raise StoreError(self.meta_file, "not a JSON object")
        return meta

    def write(self, row: dict) -> Path:
        """Store one finished run (a dict with the :data:`SCHEMA` columns) atomically."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.blake2b(repr(row_key(row)).encode(), digest_size=8).hexdigest()
        path = self.runs_dir / f"{row['problem']}-r{row['run']:04d}-{digest}.parquet"
        _atomic_write(path, lambda tmp: pq.write_table(_table([row]), tmp, **_RUN_FILE_OPTIONS))
        return path

    def files(self) -> list[Path]:
        """The Parquet files holding rows: the gathered file, then the run files."""
        gathered = [self.results_file] if self.results_file.exists() else []
        return gathered + sorted(self.runs_dir.glob("*.parquet"))

    def read(self) -> pd.DataFrame:
        """All stored runs, one row each (the latest written), sorted by problem, instance, label and run.

        ``best_x`` holds arrays (n_var,) or None, ``history`` (n_tells, 3),
        ``front_f`` (p, n_obj) or None. Raises FileNotFoundError when no run
        is stored, StoreError when a file is not a readable results file.
        """
        table = self._read_all()
        df = table.drop_columns(list(_ARRAY_COLUMNS)).to_pandas()
        for col in _ARRAY_COLUMNS:
            df[col] = [None if v is None else np.array(v, dtype=np.float64) for v in table.column(col).to_pylist()]
        df["history"] = [None if h is None else h.reshape(-1, 3) for h in df["history"]]  # a failed run's is empty
        df = df.drop_duplicates(subset=list(KEY_COLUMNS), keep="last")
        return df.sort_values(_SORT_COLUMNS, kind="stable").reset_index(drop=True)[SCHEMA.names]

    def _read_all(self, columns: list[str] | None = None) -> pa.Table:
        """Every stored row (:func:`_read_rows`), the files listed again if one vanished while
        reading (another process consolidating)."""
        for _ in range(_READ_ATTEMPTS):
            files = self.files()
            if not files:
                raise FileNotFoundError(f"{self.folder} holds no stored runs")
            try:
                return pa.concat_tables([_read_rows(f, columns) for f in files])
            except FileNotFoundError:
                continue
        raise StoreError(self.folder, f"its files kept changing during {_READ_ATTEMPTS} attempts to read them")

    def stored_keys(self) -> set[tuple]:
        """Identities (:func:`row_key`) of the stored runs."""
        return set(self.stored_status())

    def stored_status(self) -> dict[tuple, str]:
        """The status ("ok" or "failed") of each stored run, by identity (:func:`row_key`); the latest written wins."""
        if not self.files():
            return {}
        table = self._read_all([*KEY_COLUMNS, "status"])
        keys = zip(*(table.column(c).to_pylist() for c in KEY_COLUMNS))
        return dict(zip(keys, table.column("status").to_pylist()))

    def consolidate(self) -> Path | None:
        """Gather the run files into ``results.parquet`` and remove them; None (nothing written) when there are none.

        Safe against a run file that disappears meanwhile (another process consolidating).
        """
        run_files = sorted(self.runs_dir.glob("*.parquet"))
        if not run_files:
            return None
        df = self.read()
        _atomic_write(self.results_file, lambda tmp: pq.write_table(_table(df.to_dict("records")), tmp))
        for f in run_files:
            f.unlink(missing_ok=True)
        try:
            self.runs_dir.rmdir()
        except OSError:  # not empty (a run stored meanwhile) or already gone
            pass
        return self.results_file

    def problems(self) -> list[StoreError]:
        """What stops this folder from being read: a corrupt ``meta.json``, a Parquet file that is
        unreadable or not a results file, runs without ``experiment.toml``. Empty when none."""
        found = []
        try:
            self.meta()
        except StoreError as exc:
            found.append(exc)
        files = self.files()
        for f in files:
            try:
                _read_rows(f, list(KEY_COLUMNS))
            except StoreError as exc:
                found.append(exc)
        if files and not self.experiment_file.exists():
            missing = f"holds runs but {self.experiment_file.name} is missing, so they belong to no known experiment"
            found += [StoreError(f, missing) for f in files]
        return found

    def quarantine(self, paths: list[Path]) -> list[Path]:
        """Move ``paths`` (files of this folder) into ``OUTDIR/quarantine/``; the new paths.

        A name already taken in the quarantine gets a numbered suffix.
        """
        target = self.folder / QUARANTINE
        target.mkdir(exist_ok=True)
        moved = []
        for path in paths:
            destination = target / path.name
            n = 1
            while destination.exists():
                destination, n = target / f"{path.name}.{n}", n + 1
            shutil.move(path, destination)
            moved.append(destination)
        return moved


def _read_rows(path: Path, columns: list[str] | None = None) -> pa.Table:
    """The rows of one results file with the :data:`SCHEMA` columns (or only ``columns``), upgraded by
    :func:`_upgrade`; StoreError when it is not a readable results file, FileNotFoundError when it is gone."""
    schema = SCHEMA if columns is None else pa.schema([SCHEMA.field(c) for c in columns])
    try:
        names = pq.read_schema(path).names
        _check_columns(path, names)
        wanted = [c for c in dict.fromkeys((*schema.names, *_LEGACY_SOURCES)) if c in names]
        table = pq.read_table(path, columns=wanted)
    except (FileNotFoundError, StoreError):
        raise
    except Exception as exc:  # pyarrow's errors for empty, truncated or foreign files
        raise StoreError(path, f"not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    return _upgrade(table, schema)


def _check_columns(path: Path, names: list[str]) -> None:
    """StoreError unless a file with columns ``names`` holds results rows (at least the identity columns)."""
    missing = [c for c in (*KEY_COLUMNS, "seed", "best_f") if c not in names]
    if missing:
        raise StoreError(path, f"not an optibench results file (no column {', '.join(missing)})")


_LEGACY_SOURCES = ("optimum_is_bound", "optimum")
"""Columns of earlier stores read to fill in newer ones."""


def _upgrade(table: pa.Table, schema: pa.Schema = SCHEMA) -> pa.Table:
    """``table`` with the columns of ``schema`` in its order, for files written before some existed.

    A missing ``status`` is "ok" (failed runs were not stored then);
    ``optimum_status`` comes from the former ``optimum_is_bound``
    (:func:`optibench.cases.legacy_optimum_status`); other missing columns are null.
    """
    n, present = table.num_rows, table.column_names
    columns = {}
    for field in schema:
        if field.name in present:
            columns[field.name] = table.column(field.name).cast(field.type)
        elif field.name == "status":
            columns[field.name] = pa.array(["ok"] * n, pa.string())
        elif field.name == "optimum_status" and all(c in present for c in _LEGACY_SOURCES):
            pairs = zip(table.column("optimum_is_bound").to_pylist(), table.column("optimum").to_pylist())
            columns[field.name] = pa.array([legacy_optimum_status(*pair) for pair in pairs], pa.string())
        else:
            columns[field.name] = pa.nulls(n, field.type)
    return pa.table(columns, schema=schema)


_STRING_COLUMNS = frozenset(f.name for f in SCHEMA if pa.types.is_string(f.type))


def _cell(column: str, value: Any) -> Any:
    """A value as Arrow takes it: arrays as lists; a missing string (None, or pandas' NaN / NA) as None."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if column in _STRING_COLUMNS and not isinstance(value, str):
        return None
    return value


def _table(rows: list[dict]) -> pa.Table:
    """Rows (dicts, arrays allowed in the array columns) as a table of :data:`SCHEMA`."""
    return pa.Table.from_pylist([{k: _cell(k, v) for k, v in row.items()} for row in rows], schema=SCHEMA)


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp)`` on a hidden temporary file beside ``path``, then rename it to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
