"""Figures from a results table, each saved as PNG and SVG.

* :func:`convergence_plot`: median best-so-far value (feasible runs) with the
  inter-quartile band against evaluations, one panel per problem instance.
* :func:`final_values_plot`: box plot with every run's final value as a
  dot, per algorithm, one panel per problem instance.
* :func:`voltage_profile_plot`: bus voltage magnitudes of several operating
  points (base case, best solutions), for power-flow problems.

Only complete runs are drawn (failed ones are counted in the report). Files
are byte-stable: the same data give the same bytes (no date or software
version in the metadata, fixed SVG ids), and a file whose bytes would not
change is not rewritten, so re-plotting a committed folder leaves it clean.
"""

from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .problem import Problem  # noqa: E402
from .registry import registered  # noqa: E402
from .report import REFERENCE_NOUNS, case_name, upgrade_columns  # noqa: E402

GRID_POINTS = 200
"""Evaluation counts at which convergence curves are sampled."""
LOG_RATIO = 100.0
"""A panel gets a log y axis when its positive values span more than this ratio."""
TITLE_WIDTH = 45
"""Panel titles wrap at this many characters."""
JITTER = 0.2
"""Half-width of the horizontal spread of the dots of :func:`final_values_plot` (category units)."""
SVG_HASHSALT = "optibench"
"""Salt of the SVG element ids, fixed so that the same figure gives the same ids."""


def plot_results(results: pd.DataFrame, folder: str | Path) -> list[Path]:
    """Convergence and final-value figures of ``results`` in ``folder``; the files written."""
    folder = Path(folder)
    return convergence_plot(results, folder / "convergence") + final_values_plot(results, folder / "final_values")


def convergence_plot(results: pd.DataFrame, stem: str | Path) -> list[Path]:
    """Median best-so-far objective and inter-quartile band against evaluations.

    A run counts as +inf (not drawn) until its best point is feasible, so a
    curve starts once half the runs have found a feasible point.
    """
    fig, panels, palette = _figure(results)
    for ax, case, sub in panels:
        grid = np.linspace(1, sub["n_evals"].max(), GRID_POINTS)
        for label, runs in sub.groupby("label", sort=False):
            curves = np.array([_best_so_far(h, grid) for h in runs["history"]])
            with np.errstate(invalid="ignore"):  # quantiles between two +inf runs
                q1, median, q3 = (_finite(np.quantile(curves, q, axis=0)) for q in (0.25, 0.5, 0.75))
            ax.plot(grid, median, color=palette[label], label=label, lw=1.8)
            ax.fill_between(grid, q1, q3, color=palette[label], alpha=0.2, lw=0)
        _log_scale_if_wide(ax, [line.get_ydata() for line in ax.get_lines()])
        _mark_optimum(ax, sub)
        ylabel = f"best {objective_label(sub['problem'].iloc[0])}"
        ax.set(title=textwrap.fill(case, TITLE_WIDTH), xlabel="evaluations", ylabel=ylabel)
        ax.legend(fontsize="small")
    return _save(fig, stem)


def final_values_plot(results: pd.DataFrame, stem: str | Path) -> list[Path]:
    """Box plot of each run's final best value per algorithm (feasible runs), runs as dots.

    The dots' horizontal jitter comes from a fixed seed, so the figure depends on the data only.
    """
    fig, panels, palette = _figure(results)
    for ax, case, sub in panels:
        feasible = sub[sub["violation"] <= 0]
        order = list(sub["label"].unique())
        sns.boxplot(
            data=feasible,
            x="label",
            y="best_f",
            hue="label",
            order=order,
            palette=palette,
            ax=ax,
            legend=False,
            showfliers=False,
            boxprops={"alpha": 0.4},
        )
        rng = np.random.default_rng(0)
        for position, label in enumerate(order):
            values = feasible.loc[feasible["label"] == label, "best_f"].to_numpy()
            x = position + rng.uniform(-JITTER, JITTER, len(values))
            ax.scatter(x, values, s=16, color=palette[label], edgecolor="black", linewidth=0.4, zorder=3)
        _log_scale_if_wide(ax, [feasible["best_f"].to_numpy()])
        _mark_optimum(ax, sub)
        hidden = len(sub) - len(feasible)
        title = case + (f" ({hidden} infeasible runs not shown)" if hidden else "")
        ylabel = f"final best {objective_label(sub['problem'].iloc[0])}"
        ax.set(title=textwrap.fill(title, TITLE_WIDTH), xlabel="", ylabel=ylabel)
        ax.tick_params(axis="x", rotation=20)
    return _save(fig, stem)


def voltage_profile_plot(
    panels: dict,
    stem: str | Path,
    *,
    buses=None,
    limits=(0.95, 1.05),
    title: str = "Voltage profile",
) -> list[Path]:
    """Voltage magnitudes per bus of several operating points, with the voltage limits.

    Args:
        panels: ``{label: magnitudes}`` for one panel, or ``{panel title:
            {label: magnitudes}}`` for several side by side; magnitudes in
            p.u., shape (n_bus,), in the order of ``buses``.
        stem: output path without extension.
        buses: 1-based bus numbers, shape (n_bus,); default 1..n_bus.
        limits: voltage limits (p.u.) drawn as dashed lines.
    """
    if not isinstance(next(iter(panels.values())), dict):
        panels = {"": panels}
    sns.set_theme(style="whitegrid")
    fig, axes = plt.subplots(1, len(panels), figsize=(6.5 * len(panels), 4.0), sharey=True, squeeze=False)
    for ax, (panel, profiles) in zip(axes[0], panels.items()):
        for (label, v), marker in zip(profiles.items(), "os^vDx"):
            v = np.asarray(v, dtype=np.float64)
            x = np.arange(1, len(v) + 1) if buses is None else np.asarray(buses)
            ax.plot(x, v, marker + "-", ms=2.5, lw=1, label=label)
        for limit in limits:
            ax.axhline(limit, color="grey", ls="--", lw=0.8)
        ax.set(title=panel, xlabel="bus", ylabel="voltage (p.u.)")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    return _save(fig, stem)


def objective_label(problem: str) -> str:
    """Axis name of a problem family's objective with its units: the registered class's
    ``objective_names`` when it declares a single one, else ``"objective"``."""
    try:
        family = registered("problems", problem)
    except KeyError:  # results of a plug-in that is no longer installed
        return "objective"
    names = getattr(family, "objective_names", None) if isinstance(family, type) else None
    if not names or len(names) != 1 or names == Problem.objective_names:
        return "objective"
    return names[0]


def _figure(results: pd.DataFrame):
    """A figure with a panel per problem instance, at most three a row.

    Returns the figure, (axes, instance name, its complete runs) per panel in
    order of appearance, and one colour per algorithm label, the same in every
    panel. Axes show plain numbers, never an offset.
    """
    results = upgrade_columns(results)
    results = results[results["status"] == "ok"]
    cases = [(case_name(p, i), sub) for (p, i), sub in results.groupby(["problem", "instance"], sort=False)]
    sns.set_theme(style="whitegrid")
    cols = min(len(cases), 3)
    rows = math.ceil(len(cases) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4 * rows), squeeze=False)
    for ax in axes.flat[len(cases) :]:
        ax.remove()
    for ax in axes.flat[: len(cases)]:
        ax.ticklabel_format(useOffset=False)
    labels = list(results["label"].unique())
    palette = dict(zip(labels, sns.color_palette("colorblind", len(labels))))
    return fig, [(ax, case, sub) for ax, (case, sub) in zip(axes.flat, cases)], palette


def _best_so_far(history: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Best feasible value after each evaluation count of ``grid`` (+inf before the first feasible point).

    ``history`` rows are (n_evals, best_f, best_violation), shape (n_tells, 3).
    """
    value = np.where(history[:, 2] <= 0, history[:, 1], np.inf)
    index = np.searchsorted(history[:, 0], grid, side="right") - 1
    return np.where(index >= 0, value[np.maximum(index, 0)], np.inf)


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def _mark_optimum(ax, rows: pd.DataFrame) -> None:
    """Dotted line at the optimum, best-known value or bound, named so, when there is one (and a log axis can show it)."""
    optimum = rows["optimum"].iloc[0]
    if np.isfinite(optimum) and (optimum > 0 or ax.get_yscale() != "log"):
        kind = REFERENCE_NOUNS[rows["optimum_status"].iloc[0]]
        ax.axhline(optimum, color="black", ls=":", lw=1, label=f"{kind} {optimum:.6g}")


def _log_scale_if_wide(ax, value_arrays) -> None:
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value_arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) and values.max() / values.min() > LOG_RATIO:
        ax.set_yscale("log")


def _save(fig, stem: str | Path) -> list[Path]:
    """Save ``fig`` as ``stem``.png (150 dpi) and .svg, each written only when its bytes change; the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    paths = []
    for suffix, options in (
        (".png", {"dpi": 150, "metadata": {"Software": None}}),
        (".svg", {"metadata": {"Date": None, "Creator": None}}),
    ):
        buffer = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": SVG_HASHSALT}):
            fig.savefig(buffer, format=suffix[1:], **options)
        path = stem.with_suffix(suffix)
        if not path.exists() or path.read_bytes() != buffer.getvalue():
            path.write_bytes(buffer.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths
