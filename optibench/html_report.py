"""One self-contained HTML page of a results folder: ``optibench report OUTDIR --format html``.

The page holds the Markdown report (:func:`optibench.cli.report.folder_report`:
tables, decoded best solutions, reference values with their status and
method, all-pairs tests, Friedman ranks and post-hoc test) converted to
HTML, the expected-running-time tables (:func:`optibench.anytime.ert_table`),
the figures (convergence, final values, ECDF, critical-difference diagram,
and voltage profiles of each algorithm's best solution where the problem
solves a power flow) embedded as PNG data URIs, and the provenance of each
invocation that made the folder (``meta.json``). It loads nothing from the
network: no external style sheet, script, font or image.
"""

from __future__ import annotations

import base64
import html
import json
import tempfile
from pathlib import Path
from typing import Any

import markdown
import numpy as np
import pandas as pd

from .anytime import ERT_TARGETS, ert_table
from .cases import with_case
from .plots import FIGURES, plot_results, voltage_profile_plot
from .store import ResultStore

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.85em; display: block; overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f0f0f0; }
td { text-align: right; }
td:first-child, td:nth-child(2) { text-align: left; }
img { max-width: 100%; display: block; margin: 1em 0; }
code { background: #f5f5f5; padding: 0 0.2em; }
"""
FIGURE_CAPTIONS = {
    "convergence": "Median best feasible value so far (line) and the middle half of the runs (band) against evaluations.",
    "final_values": "Final best value of every feasible run (dots) with its box plot, per algorithm.",
    "ecdf": "Fraction of (run, target) pairs reached against evaluations, targets spread from the worst start "
    "to the reference value of each instance, averaged over instances.",
    "cd_diagram": "Mean ranks over instances; algorithms joined by a bar are not told apart by the post-hoc test.",
}
PROVENANCE_KEYS = ("command", "optibench", "git_commit", "git_dirty", "python", "numpy", "numba", "scipy", "pymoo")
"""Keys of an invocation's provenance shown in the table (then machine, cpu and times)."""


def html_report(folder: str | Path, layout: str = "long", **options: Any) -> str:
    """The HTML page of the results folder ``folder``.

    Args:
        folder: a results folder written by ``optibench run`` or ``optibench merge``.
        layout: "long" or "paper", the layout of the summary table.
        options: ``rtol``, ``atol``, ``alpha`` of :func:`optibench.report.report_text`.

    Raises:
        FileNotFoundError: the folder holds no runs.
    """
    from .cli.report import folder_report, planned_runs, with_labels

    store = ResultStore(folder)
    results = store.read()
    results = with_labels(results, planned_runs(store, results)[1])
    text = folder_report(store, "markdown", layout, **options).replace("<", "&lt;")  # no raw HTML from notes
    body = markdown.markdown(text, extensions=["tables"])
    sections = [body, _ert_section(results), _figures_section(results), _provenance_section(store.meta())]
    title = html.escape(f"Results: {store.meta().get('experiment', store.folder.name)}")
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n" + "\n".join(sections) + "\n</body>\n</html>\n"
    )


def _ert_section(results: pd.DataFrame) -> str:
    """Expected running time to each of :data:`~optibench.anytime.ERT_TARGETS` targets, one table per instance."""
    table = ert_table(results, ERT_TARGETS)
    parts = [
        "<h2>Expected running time (evaluations) to reach each target</h2>",
        "<p>ERT = evaluations of all runs until they reach the target (or until their budget when they never do) "
        "divided by the runs that reach it; successes / runs in brackets; ∞: no run reached it. Targets from the "
        "worst start to the instance's reference value plus its success tolerance.</p>",
    ]
    for case, rows in table.groupby("case", sort=False):
        cells = rows.assign(shown=[f"{_ert(e)} ({s}/{n})" for e, s, n in zip(rows["ert"], rows["successes"], rows["runs"])])
        wide = cells.pivot(index="algorithm", columns="target", values="shown")
        targets = rows["target"].unique()[::-1]  # the easiest target first
        wide = wide.reindex(index=rows["algorithm"].unique(), columns=targets)
        wide.columns = [f"f ≤ {t}" for t in _distinct(targets)]
        parts += [f"<h3>{html.escape(case)}</h3>", _table(wide.reset_index())]
    return "\n".join(parts)


def _distinct(values: np.ndarray) -> list[str]:
    """``values`` written with the fewest significant digits (6 or more) that keep them distinct."""
    for digits in range(6, 18):
        text = [f"{v:.{digits}g}" for v in values]
        if len(set(text)) == len(text):
            break
    return text


def _ert(value: float) -> str:
    return "∞" if np.isinf(value) else f"{value:,.0f}"


def _figures_section(results: pd.DataFrame) -> str:
    """The figures as PNG data URIs, each with its caption."""
    parts = ["<h2>Figures</h2>"]
    with tempfile.TemporaryDirectory(prefix="optibench-html-") as tmp:
        made = {Path(p).stem: Path(p) for p in plot_results(results, tmp, FIGURES, ["png"])}
        voltages = _voltage_profiles(results, Path(tmp) / "voltage_profiles")
        for name in FIGURES:
            if name in made:
                parts += [f"<h3>{name.replace('_', ' ')}</h3>", f"<p>{FIGURE_CAPTIONS[name]}</p>", _image(made[name], name)]
        if voltages:
            caption = "Bus voltages of the base case and of each algorithm's best feasible solution."
            parts += ["<h3>voltage profiles</h3>", f"<p>{caption}</p>", _image(voltages[0], "voltage profiles")]
    return "\n".join(parts)


def _voltage_profiles(results: pd.DataFrame, stem: Path) -> list[Path]:
    """Voltage profiles of each power-flow instance (a panel each): base case and each label's best feasible
    solution (problems with ``voltage_profile``); the PNG written, or none when no instance has them."""
    from .powerflow import solve_batch
    from .registry import get_problem

    df = with_case(results)
    panels: dict[str, dict[str, np.ndarray]] = {}
    limits: set[float] = set()
    buses = None
    for (name, instance), rows in df[df["feasible"]].groupby(["problem", "instance"], sort=False):
        try:
            problem = get_problem(name, **json.loads(instance))
        except (KeyError, TypeError, ValueError):  # a plug-in no longer installed, or an instance it no longer accepts
            continue
        if not hasattr(problem, "voltage_profile") or not hasattr(problem, "network"):
            continue
        net = problem.network
        try:
            profiles = {"base case": solve_batch(net, net.p_kw[None, :], net.q_kvar[None, :]).vm_pu[0]}
            for label, runs in rows.groupby("label", sort=False):
                profiles[f"{label} (best)"] = problem.voltage_profile(runs.loc[runs["best_f"].idxmin(), "best_x"])
        except NotImplementedError:  # a feeder problem whose solutions are not injections
            continue
        panels[rows["case"].iloc[0]] = profiles
        limits |= {v for v in (getattr(problem, "vmin_limit", None), getattr(problem, "vmax_limit", None)) if v is not None}
        buses = net.bus_ids
    if not panels:
        return []
    shown = tuple(sorted(limits)) or (0.95, 1.05)
    return voltage_profile_plot(panels, stem, buses=buses, limits=shown, title="Voltage profiles")[:1]


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _provenance_section(meta: dict) -> str:
    """A table of the invocations that made the folder, and the folders merged into it."""
    parts = ["<h2>Provenance</h2>"]
    invocations = meta.get("invocations", [])
    if invocations:
        parts += ["<p>Each <code>optibench run</code> that wrote to this folder:</p>", _table(_invocations(invocations))]
    for merge in meta.get("merges", []):
        parts.append(f"<p>Merged on {html.escape(merge['when'])} from:</p>")
        for source in merge["sources"]:
            parts.append(f"<p><code>{html.escape(source['folder'])}</code> ({html.escape(source.get('experiment', ''))}):</p>")
            parts.append(_table(_invocations(source.get("invocations", []))))
    return "\n".join(parts)


def _invocations(invocations: list[dict]) -> pd.DataFrame:
    keys = [*PROVENANCE_KEYS, "machine", "cpu", "started", "ended"]
    return pd.DataFrame([{k: str(i.get(k, "")) for k in keys} for i in invocations], columns=keys)


def _table(df: pd.DataFrame) -> str:
    """``df`` (text or numbers) as an HTML table, header from its columns, cells escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>\n" for row in df.itertuples(index=False)
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"
