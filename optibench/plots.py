"""Figures from a results table, each saved as PNG and SVG.

* :func:`convergence_plot`: median best-so-far value (feasible runs) with the
  inter-quartile band against evaluations, one panel per problem instance.
* :func:`final_values_plot`: box plot with every run's final value as a
  dot, per algorithm, one panel per problem instance.
* :func:`voltage_profile_plot`: bus voltage magnitudes of several operating
  points (base case, best solutions), for power-flow problems.
"""
from __future__ import annotations

import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from .report import case_name  # noqa: E402

GRID_POINTS = 200
"""Evaluation counts at which convergence curves are sampled."""
LOG_RATIO = 100.0
"""A panel gets a log y axis when its positive values span more than this ratio."""
TITLE_WIDTH = 45
"""Panel titles wrap at this many characters."""


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
        ax.set(title=textwrap.fill(case, TITLE_WIDTH), xlabel="evaluations", ylabel="best objective")
        ax.legend(fontsize="small")
    return _save(fig, stem)


def final_values_plot(results: pd.DataFrame, stem: str | Path) -> list[Path]:
    """Box plot of each run's final best value per algorithm (feasible runs), runs as dots."""
    fig, panels, palette = _figure(results)
    for ax, case, sub in panels:
        feasible = sub[sub["violation"] <= 0]
        order = list(sub["label"].unique())
        common = dict(data=feasible, x="label", y="best_f", hue="label", order=order, palette=palette, ax=ax, legend=False)
        sns.boxplot(**common, showfliers=False, boxprops={"alpha": 0.4})
        sns.stripplot(**common, size=4, jitter=0.2, edgecolor="black", linewidth=0.4)
        _log_scale_if_wide(ax, [feasible["best_f"].to_numpy()])
        _mark_optimum(ax, sub)
        hidden = len(sub) - len(feasible)
        title = case + (f" ({hidden} infeasible runs not shown)" if hidden else "")
        ax.set(title=textwrap.fill(title, TITLE_WIDTH), xlabel="", ylabel="final best objective")
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


def _figure(results: pd.DataFrame):
    """A figure with a panel per problem instance, at most three a row.

    Returns the figure, (axes, instance name, its rows) per panel in order of
    appearance, and one colour per algorithm label, the same in every panel.
    """
    cases = [(case_name(p, i), sub) for (p, i), sub in results.groupby(["problem", "instance"], sort=False)]
    sns.set_theme(style="whitegrid")
    cols = min(len(cases), 3)
    rows = math.ceil(len(cases) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4 * rows), squeeze=False)
    for ax in axes.flat[len(cases):]:
        ax.remove()
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
    """Dotted line at the known optimum or bound, when there is one (and a log axis can show it)."""
    optimum = rows["optimum"].iloc[0]
    if np.isfinite(optimum) and (optimum > 0 or ax.get_yscale() != "log"):
        kind = "bound" if rows["optimum_is_bound"].iloc[0] else "optimum"
        ax.axhline(optimum, color="black", ls=":", lw=1, label=f"{kind} {optimum:.6g}")


def _log_scale_if_wide(ax, value_arrays) -> None:
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value_arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) and values.max() / values.min() > LOG_RATIO:
        ax.set_yscale("log")


def _save(fig, stem: str | Path) -> list[Path]:
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
