"""Join results folders, so that a configuration run later joins a stored comparison.

:func:`merge_folders` gathers the runs of several results folders into one.
A run is identified by :data:`optibench.runner.KEY_COLUMNS` (problem,
resolved instance, algorithm, resolved parameters, label, run index); a run
found in more than one folder must be the same run there: the same seed and
the same outcome (:data:`OUTCOME_COLUMNS`), else the merge is refused with a
:class:`MergeConflict` that names both folders, the run and the column, and
nothing is written. A label must also mean one configuration (algorithm and
parameters) in all folders, so that tables grouped by label stay unambiguous.

The merged folder holds ``results.parquet`` and a ``meta.json`` that records
each source folder's experiment and provenance. Merging into one of the
source folders keeps its ``experiment.toml`` (its planned runs); a new folder
has none, and its report counts the stored runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .provenance import now
from .results_folder import FolderLock
from .runner import KEY_COLUMNS
from .store import ResultStore

OUTCOME_COLUMNS = ("seed", "status", "best_f", "violation", "n_evals", "n_nonfinite", "best_x", "history")
"""Columns that must agree between two copies of one run (wall time and version may differ)."""


class MergeConflict(ValueError):
    """Two results folders disagree about a shared run or label; the message names both and what differs."""


def merge_folders(sources: Sequence[str | Path], out: str | Path) -> pd.DataFrame:
    """Write the runs of the results folders ``sources`` into ``out``; the merged rows.

    Args:
        sources: results folders (at least two), each holding stored runs.
        out: the merged folder: new, empty, or one of ``sources``.

    Raises:
        MergeConflict: a shared run differs in seed or outcome, or a label
            names different configurations (checked before anything is written).
        ValueError: fewer than two sources, or ``out`` a non-empty folder that is not one of them.
        FolderError: another process (``optibench run``) holds the lock of ``out``.
        FileNotFoundError: a source holds no runs.
    """
    folders = [Path(s) for s in sources]
    out = Path(out)
    if len(folders) < 2:
        raise ValueError(f"merge needs at least two results folders, got {len(folders)}")
    in_place = any(out.resolve() == f.resolve() for f in folders)
    if out.exists() and any(out.iterdir()) and not in_place:
        raise ValueError(f"{out} is not empty and is not one of the folders merged; choose a new folder")
    tables = [(f, ResultStore(f).read()) for f in folders]
    _check_labels(tables)
    merged = _check_runs(tables)
    recorded = [{"folder": str(f), **_summary(ResultStore(f).meta())} for f in folders]
    store = ResultStore(out)
    with FolderLock(out):  # no `optibench run` writes to it meanwhile
        store.replace_rows(merged)
        meta = store.meta()
        meta.setdefault("experiment", "merged: " + ", ".join(r.get("experiment", Path(r["folder"]).name) for r in recorded))
        meta.setdefault("merges", []).append({"when": now(), "sources": recorded})
        store.write_meta(meta)
    return merged


def _summary(meta: dict) -> dict:
    """What a source folder's ``meta.json`` says about it: experiment, description, invocations."""
    return {k: meta[k] for k in ("experiment", "description", "invocations") if k in meta}


def _check_labels(tables: list[tuple[Path, pd.DataFrame]]) -> None:
    """MergeConflict when a label stands for different (algorithm, parameters) in two folders."""
    seen: dict[str, tuple[tuple[str, str], Path]] = {}
    for folder, df in tables:
        for label, algorithm, params in df[["label", "algorithm", "params"]].drop_duplicates().itertuples(index=False):
            config = (algorithm, params)
            if label in seen and seen[label][0] != config:
                other_config, other = seen[label]
                raise MergeConflict(
                    f"label {label!r} is {other_config[0]} {other_config[1]} in {other} but {algorithm} {params} in {folder}; "
                    "rename one of them in its experiment file"
                )
            seen.setdefault(label, (config, folder))


def _check_runs(tables: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """The union of the folders' rows, each run once; MergeConflict when two copies of a run differ."""
    first: dict[tuple, tuple[Path, pd.Series]] = {}
    rows = []
    for folder, df in tables:
        for _, row in df.iterrows():
            key = tuple(row[c] for c in KEY_COLUMNS)
            if key not in first:
                first[key] = (folder, row)
                rows.append(row)
                continue
            other, kept = first[key]
            for column in OUTCOME_COLUMNS:
                if not _same(kept[column], row[column]):
                    run = f"{row['problem']} {row['instance']} {row['label']} run {row['run']}"
                    what = "seeds" if column == "seed" else f"column {column!r}"
                    raise MergeConflict(
                        f"{other} and {folder} disagree on {run}: different {what} "
                        f"({_show(kept[column])} vs {_show(row[column])}); the folders were made with different "
                        "experiment settings (master seed, budget) or code, so they cannot be merged"
                    )
    merged = pd.DataFrame(rows).reset_index(drop=True).infer_objects()
    return merged.sort_values(["problem", "instance", "label", "run"], kind="stable").reset_index(drop=True)


def _same(a: object, b: object) -> bool:
    """Equality of two cells, NaN equal to NaN, arrays compared element by element."""
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (np.isnan(a) and np.isnan(b))
    return bool(a == b)


def _show(value: object) -> str:
    text = json.dumps(value.tolist()) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
