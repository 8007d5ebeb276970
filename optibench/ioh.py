"""Export of a results table in IOHprofiler's format, which IOHanalyzer loads.

The layout follows IOHanalyzer's documented data format (meta-data ``.info``
files and two-column raw-data ``.dat`` files, minimisation)::

    DEST/<label>/IOHprofiler_f<k>_i1.info
    DEST/<label>/data_f<k>/IOHprofiler_f<k>_DIM<n_var>_i1.dat

One folder per algorithm label; problem instance ``k`` (1, 2, ... in order
of appearance) is IOH's function ``funcId = k`` with ``funcName`` its case
name; every run is a run of IOH instance 1 (the runs of one instance are
independent repetitions). The ``.info`` file has three lines: the header
(``suite``, ``funcId``, ``funcName``, ``DIM``, ``maximization``, ``algId``,
``algInfo``), a ``%`` comment line, and the data file's relative path followed
by ``1:<evaluations>|<final best>`` per run. The ``.dat`` file has one block
per run, each opened by the line ``"function evaluation" "best-so-far f(x)"``
and holding a row at each improvement of the best feasible value and a last
row at the run's final evaluation count. Values are feasible values only: a
run's block starts at its first feasible point, and a run that never found
one has the single row ``<evaluations> Inf``. Failed runs are left out.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .cases import with_case

HEADER = '"function evaluation" "best-so-far f(x)"'
"""Separation line that opens each run's block in a ``.dat`` file."""
SUITE = "optibench"


def export_ioh(results: pd.DataFrame, dest: str | Path, source: str = "") -> list[Path]:
    """Write the complete runs of ``results`` under ``dest`` in IOHprofiler's format; the files written.

    Args:
        results: results rows (any store version).
        dest: output folder (created); existing files of the same names are replaced.
        source: where the results come from (a folder), written in the ``.info`` comment line.

    Raises:
        ValueError: a multi-objective instance (IOHprofiler's format holds one objective),
            named, before anything is written.
    """
    df = with_case(results)
    df = df[df["complete"]]
    multi = sorted(set(df.loc[df["front_f"].notna(), "case"])) if "front_f" in df else []
    if multi:
        raise ValueError(f"IOHprofiler export: multi-objective instance(s) {', '.join(multi)}: the format holds one objective")
    dest = Path(dest)
    written = []
    cases = list(dict.fromkeys(zip(df["problem"], df["instance"])))
    for label, runs_of_label in df.groupby("label", sort=False):
        folder = dest / _slug(label)
        for k, key in enumerate(cases, start=1):
            runs = runs_of_label[(runs_of_label["problem"] == key[0]) & (runs_of_label["instance"] == key[1])]
            if runs.empty:
                continue
            dim = max(len(x) for x in runs["best_x"] if x is not None)
            data = Path(f"data_f{k}") / f"IOHprofiler_f{k}_DIM{dim}_i1.dat"
            blocks = [_block(h, n) for h, n in zip(runs["history"], runs["n_evals"])]
            finals = ", ".join(f"1:{int(n)}|{_number(best)}" for n, best in _finals(runs))
            first = runs.iloc[0]
            header = (
                f"suite = '{SUITE}', funcId = {k}, funcName = '{_text(first['case'])}', DIM = {dim}, "
                f"maximization = 'F', algId = '{_text(label)}', algInfo = '{_text(first['algorithm'] + ' ' + first['params'])}'"
            )
            comment = f"% optibench {_text(source)}: best feasible value so far; Inf before the first feasible point"
            (folder / data.parent).mkdir(parents=True, exist_ok=True)
            info = folder / f"IOHprofiler_f{k}_i1.info"
            info.write_text(f"{header}\n{comment}\n{data.as_posix()}, {finals}\n", encoding="utf-8")
            (folder / data).write_text("".join(blocks), encoding="utf-8")
            written += [info, folder / data]
    return written


def _block(history: np.ndarray, n_evals: int) -> str:
    """One run's ``.dat`` block: the separation line, a row per improvement of the best feasible value, the final row."""
    feasible = history[history[:, 2] <= 0] if len(history) else history
    rows = []
    best = np.inf
    for evals, value, _ in feasible:
        if value < best:
            best = value
            rows.append((int(evals), value))
    if not rows or rows[-1][0] != int(n_evals):
        rows.append((int(n_evals), best))
    return HEADER + "\n" + "".join(f"{e} {_number(v)}\n" for e, v in rows)


def _finals(runs: pd.DataFrame) -> list[tuple[int, float]]:
    """(evaluations, best feasible value or +inf) of each run."""
    return [
        (n, best if violation <= 0 else np.inf) for n, best, violation in zip(runs["n_evals"], runs["best_f"], runs["violation"])
    ]


def _number(value: float) -> str:
    """A value as IOHanalyzer reads it: scientific notation to 17 significant digits, ``Inf`` for +inf."""
    return "Inf" if np.isposinf(value) else f"{value:.16e}"


def _text(value: str) -> str:
    """``value`` safe inside a single-quoted ``.info`` field: no quotes, no commas (the field separator)."""
    return re.sub(r"[',\"]", lambda m: ";" if m.group() == "," else "", str(value))


def _slug(label: str) -> str:
    """A folder name for an algorithm label: letters, digits, ``.``, ``_`` and ``-``; others become ``_``."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", label)
