"""Results store: one row per run in Parquet, never losing a finished run.

Layout of a results folder::

    OUTDIR/experiment.toml   the experiment file as run
    OUTDIR/meta.json         experiment name and description; each invocation's command,
                             optibench and Python versions, machine and start time
    OUTDIR/runs/*.parquet    one file per finished run, written atomically
    OUTDIR/results.parquet   the runs gathered into one file by :meth:`ResultStore.consolidate`

A run file is written to a hidden temporary name and renamed into place
(``os.replace``), so a reader never sees half a file and killing the writer
loses only the runs not yet finished. Rows are identified by
:data:`optibench.runner.KEY_COLUMNS`; reading returns each run once.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .runner import KEY_COLUMNS, row_key

SCHEMA = pa.schema(
    [
        ("problem", pa.string()),  # problem registry name
        ("instance", pa.string()),  # instance parameters, canonical JSON
        ("algorithm", pa.string()),  # algorithm registry name
        ("params", pa.string()),  # algorithm parameters, canonical JSON
        ("label", pa.string()),  # algorithm configuration's name in tables
        ("run", pa.int64()),  # run index, 0-based
        ("seed", pa.int64()),  # seed that reproduces the run with optibench.minimize
        ("best_f", pa.float64()),  # best objective (NaN for multi-objective runs)
        ("violation", pa.float64()),  # total constraint violation of the best point (0 = feasible)
        ("n_evals", pa.int64()),  # evaluations spent
        ("time_s", pa.float64()),  # wall time of the optimisation (s)
        ("best_x", pa.list_(pa.float64())),  # best solution, decoded, (n_var,)
        ("history", pa.list_(pa.list_(pa.float64()))),  # (n_tells, 3): n_evals, best_f, best_violation
        ("front_f", pa.list_(pa.list_(pa.float64()))),  # multi-objective front (p, n_obj); null otherwise
        ("optimum", pa.float64()),  # the problem's known optimum or bound, NaN if none
        ("optimum_is_bound", pa.bool_()),  # True when ``optimum`` is only a bound
    ]
)
"""Columns of a results row, in order."""

_ARRAY_COLUMNS = ("best_x", "history", "front_f")
_SORT_COLUMNS = ["problem", "instance", "label", "run"]


class ResultStore:
    """The results of one experiment in ``folder`` (created on the first write)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.runs_dir = self.folder / "runs"
        self.results_file = self.folder / "results.parquet"
        self.experiment_file = self.folder / "experiment.toml"
        self.meta_file = self.folder / "meta.json"

    def record_invocation(self, experiment, command: str, version: str) -> None:
        """Save the experiment file (an :class:`~optibench.experiment.Experiment`) and, in
        ``meta.json``, its name and description and this command with the versions and machine."""
        self.folder.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.experiment_file, lambda tmp: tmp.write_text(experiment.source, encoding="utf-8"))
        meta = self.meta()
        meta.update(experiment=experiment.name, description=experiment.description)
        meta.setdefault("invocations", []).append(
            {
                "command": command,
                "optibench": version,
                "python": sys.version.split()[0],
                "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
                "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
        _atomic_write(self.meta_file, lambda tmp: tmp.write_text(json.dumps(meta, indent=2) + "\n"))

    def meta(self) -> dict:
        """Contents of ``meta.json`` ({} when absent)."""
        return json.loads(self.meta_file.read_text()) if self.meta_file.exists() else {}

    def write(self, row: dict) -> Path:
        """Store one finished run (a dict with the :data:`SCHEMA` columns) atomically."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.blake2b(repr(row_key(row)).encode(), digest_size=8).hexdigest()
        path = self.runs_dir / f"{row['problem']}-r{row['run']:04d}-{digest}.parquet"
        _atomic_write(path, lambda tmp: pq.write_table(_table([row]), tmp))
        return path

    def files(self) -> list[Path]:
        """The Parquet files holding rows: the gathered file, then the run files."""
        gathered = [self.results_file] if self.results_file.exists() else []
        return gathered + sorted(self.runs_dir.glob("*.parquet"))

    def read(self) -> pd.DataFrame:
        """All stored runs, one row each, sorted by problem, instance, label and run.

        ``best_x`` holds arrays (n_var,), ``history`` (n_tells, 3), ``front_f``
        (p, n_obj) or None. Raises FileNotFoundError when no run is stored.
        """
        files = self.files()
        if not files:
            raise FileNotFoundError(f"{self.folder} holds no stored runs")
        table = pa.concat_tables([pq.read_table(f, schema=SCHEMA) for f in files])
        df = table.drop_columns(list(_ARRAY_COLUMNS)).to_pandas()
        for col in _ARRAY_COLUMNS:
            df[col] = [None if v is None else np.array(v, dtype=np.float64) for v in table.column(col).to_pylist()]
        df = df.drop_duplicates(subset=list(KEY_COLUMNS))
        return df.sort_values(_SORT_COLUMNS, kind="stable").reset_index(drop=True)[SCHEMA.names]

    def stored_keys(self) -> set[tuple]:
        """Identities (:func:`row_key`) of the stored runs."""
        files = self.files()
        if not files:
            return set()
        table = pa.concat_tables([pq.read_table(f, columns=list(KEY_COLUMNS)) for f in files])
        return set(zip(*(table.column(c).to_pylist() for c in KEY_COLUMNS)))

    def consolidate(self) -> Path:
        """Gather every stored run into ``results.parquet`` and remove the run files."""
        run_files = sorted(self.runs_dir.glob("*.parquet"))
        df = self.read()
        _atomic_write(self.results_file, lambda tmp: pq.write_table(_table(df.to_dict("records")), tmp))
        for f in run_files:
            f.unlink()
        if self.runs_dir.exists() and not any(self.runs_dir.iterdir()):
            self.runs_dir.rmdir()
        return self.results_file


def _table(rows: list[dict]) -> pa.Table:
    """Rows (dicts, arrays allowed in the array columns) as a table of :data:`SCHEMA`."""
    records = [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in row.items()} for row in rows]
    return pa.Table.from_pylist(records, schema=SCHEMA)


def _atomic_write(path: Path, write) -> None:
    """Call ``write(tmp)`` on a hidden temporary file beside ``path``, then rename it to ``path``."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write(tmp)
    os.replace(tmp, path)
