"""Figures from a results table, each saved as PNG and SVG (PDF on request).

* :func:`convergence_plot`: median best-so-far value (feasible runs) with the
  inter-quartile band against evaluations (log axis), one panel per problem instance.
* :func:`final_values_plot`: box plot with every run's final value as a
  dot, per algorithm, one panel per problem instance.
* :func:`ecdf_plot`: fraction of (run, target) pairs reached against
  evaluations (log axis), per algorithm, over all instances (:mod:`optibench.anytime`).
* :func:`cd_diagram_plot`: critical-difference diagram of the algorithms'
  mean ranks over instances (:func:`optibench.statistics.critical_difference`).
* :func:`voltage_profile_plot`: bus voltage magnitudes of several operating
  points (base case, best solutions), for power-flow problems.

Each algorithm label keeps one colour (a colour-blind-safe palette), line
style and marker in every panel and figure, so lines that overlap stay
visible; axes name the objective with its unit (:func:`objective_label`),
panel titles are the instances' short names (:func:`optibench.cases.with_case`),
and numbers are written out (no offset notation).

Only complete runs are drawn (failed ones are counted in the report). Files
are byte-stable: the same data give the same bytes (no date or software
version in the metadata, fixed SVG ids), and a file whose bytes would not
change is not rewritten, so re-plotting a committed folder leaves it clean.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from .anytime import N_TARGETS, best_so_far, ecdf  # noqa: E402
from .cases import REFERENCE_NOUNS, upgrade_columns, with_case  # noqa: E402
from .problem import Problem  # noqa: E402
from .registry import registered  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from numpy.typing import ArrayLike


GRID_POINTS = 200
"""Evaluation counts at which convergence curves are sampled."""
LOG_RATIO = 100.0
"""A panel gets a log y axis when its positive values span more than this ratio."""
TITLE_WIDTH = 45
"""Panel titles wrap at this many characters."""
LABEL_WIDTH = 40
"""Axis labels wrap at this many characters."""
JITTER = 0.2
"""Half-width of the horizontal spread of the dots of :func:`final_values_plot` (category units)."""
SVG_HASHSALT = "optibench"
"""Salt of the SVG element ids, fixed so that the same figure gives the same ids."""
PALETTE = "colorblind"
"""Seaborn palette of the algorithm colours (10 colours distinguishable with the common colour-vision deficiencies)."""
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
MARKS_PER_LINE = 8
"""Markers drawn along each convergence or ECDF line."""
FIGURES = ("convergence", "final_values", "ecdf", "cd_diagram")
"""Figures of :func:`plot_results`, each saved as ``<name>.<format>``."""
FORMATS = ("png", "svg")
"""Default file formats of a figure; ``pdf`` is also written on request."""
_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "png": {"dpi": 150, "metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"Creator": None, "Producer": None, "CreationDate": None}},
}
"""``savefig`` options of each format: no date or software version, so the bytes depend on the figure only."""


def plot_results(
    results: pd.DataFrame, folder: str | Path, figures: Sequence[str] = FIGURES, formats: Sequence[str] = FORMATS
) -> list[Path]:
    """The ``figures`` (names from :data:`FIGURES`) of ``results`` in ``folder``, in each of ``formats``; the files written.

    The critical-difference diagram is drawn only when it compares at least
    two algorithms over at least two instances. The figures show one
    objective value per run, so multi-objective runs (those with a front)
    are left out; a folder of only such runs gets no figure.

    Raises:
        ValueError: an unknown figure or format, named, before anything is drawn.
    """
    unknown = [f"figure {f!r}" for f in figures if f not in FIGURES] + [
        f"format {f!r}" for f in formats if f not in _SAVE_OPTIONS
    ]
    if unknown:
        raise ValueError(f"unknown {', '.join(unknown)}; figures: {', '.join(FIGURES)}; formats: {', '.join(_SAVE_OPTIONS)}")
    folder = Path(folder)
    if "front_f" in results:
        results = results[results["front_f"].isna()]
    if results.empty:
        return []
    makers = {
        "convergence": convergence_plot,
        "final_values": final_values_plot,
        "ecdf": ecdf_plot,
        "cd_diagram": cd_diagram_plot,
    }
    return [path for name in figures for path in makers[name](results, folder / name, formats=formats)]


def convergence_plot(results: pd.DataFrame, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Median best-so-far objective and inter-quartile band against evaluations (log axis).

    A run counts as +inf (not drawn) until its best point is feasible, so a
    curve starts once half the runs have found a feasible point. The legend
    names the algorithms, the median line and the band of the middle half of the runs.
    """
    fig, panels, styles = _figure(results)
    for ax, title, sub in panels:
        first = min(h[0, 0] for h in sub["history"] if len(h))
        grid = np.unique(np.geomspace(first, sub["n_evals"].max(), GRID_POINTS).round())
        for label, runs in sub.groupby("label", sort=False):
            curves = np.array([best_so_far(h, grid) for h in runs["history"]])
            with np.errstate(invalid="ignore"):  # quantiles between two +inf runs
                q1, median, q3 = (_finite(np.quantile(curves, q, axis=0)) for q in (0.25, 0.5, 0.75))
            ax.plot(grid, median, label=label, lw=1.6, ms=5, markevery=_mark_every(len(grid)), **styles[label])
            ax.fill_between(grid, q1, q3, color=styles[label]["color"], alpha=0.2, lw=0)
        _log_evaluations(ax)
        _log_scale_if_wide(ax, [line.get_ydata() for line in ax.get_lines()])
        _mark_optimum(ax, sub)
        ylabel = textwrap.fill(f"best {objective_label(sub['problem'].iloc[0])}", LABEL_WIDTH)
        ax.set(title=title, xlabel="evaluations", ylabel=ylabel)
        handles, labels = ax.get_legend_handles_labels()
        handles += [Line2D([], [], color="dimgrey", lw=1.6), Patch(color="dimgrey", alpha=0.2, lw=0)]
        labels += ["median of the runs", "25-75 % of the runs"]
        ax.legend(handles, labels, fontsize="small")
    return _save(fig, stem, formats)


def ecdf_plot(
    results: pd.DataFrame, stem: str | Path, formats: Sequence[str] = FORMATS, n_targets: int = N_TARGETS
) -> list[Path]:
    """Fraction of (run, target) pairs reached against evaluations (log axis), per algorithm,
    averaged over the problem instances (:func:`optibench.anytime.ecdf`, ``n_targets`` targets per instance);
    nothing is drawn (no file, an empty list) when no instance has targets."""
    curves = ecdf(results, n_targets)
    if curves.empty:
        return []
    styles = _styles(list(upgrade_columns(results)["label"].unique()))  # the same as in the other figures
    sns.set_theme(style="whitegrid")
    fig, ax = plt.subplots(figsize=(6.0, 4.0))
    for label in curves.columns:
        ax.plot(
            curves.index, curves[label], label=label, drawstyle="steps-post", lw=1.6, ms=5,
            markevery=_mark_every(len(curves)), **styles[label],
        )  # fmt: skip
    n_cases = upgrade_columns(results).groupby(["problem", "instance"]).ngroups
    _log_evaluations(ax)
    ax.set(
        xlabel="evaluations",
        ylabel="fraction of (run, target) pairs reached",
        ylim=(-0.02, 1.02),
        title=f"ECDF: {n_cases} instance{'s' if n_cases > 1 else ''}, {n_targets} targets each",
    )
    ax.legend(fontsize="small", loc="upper left")
    return _save(fig, stem, formats)


def cd_diagram_plot(results: pd.DataFrame, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Critical-difference diagram: the algorithms' mean ranks over instances (1 = best, the critical
    difference in the title), with bars joining those the post-hoc test does not tell apart
    (scikit-posthocs' ``critical_difference_diagram``; ranks and p-values from
    :func:`optibench.statistics.critical_difference`).

    Nothing is drawn (no file, an empty list) with fewer than two instances or two algorithms.
    """
    n_cases = upgrade_columns(results).groupby(["problem", "instance"]).ngroups
    if n_cases < 2:
        return []
    import scikit_posthocs as sp

    from .statistics import critical_difference

    mean_ranks, pvalues, cd = critical_difference(results)
    if len(mean_ranks) < 2:
        return []
    styles = _styles(list(upgrade_columns(results)["label"].unique()))
    sns.set_theme(style="white")
    fig, ax = plt.subplots(figsize=(6.5, 1.6 + 0.35 * len(mean_ranks)))
    sp.critical_difference_diagram(
        mean_ranks,
        pvalues,
        ax=ax,
        color_palette={label: styles[label]["color"] for label in mean_ranks.index},
        label_fmt_left="{label} ({rank:.2f})",
        label_fmt_right="({rank:.2f}) {label}",
    )
    difference = f"; critical difference {cd:.2f}" if cd is not None else ""
    ax.set_title(f"Mean rank over {n_cases} instances (1 = best){difference}", fontsize="medium", pad=24)
    return _save(fig, stem, formats)


def final_values_plot(results: pd.DataFrame, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Box plot of each run's final best value per algorithm (feasible runs), runs as dots.

    The dots' horizontal jitter comes from a fixed seed, so the figure depends on the data only.
    """
    fig, panels, styles = _figure(results)
    palette = {label: style["color"] for label, style in styles.items()}
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
            ax.scatter(
                x, values, s=18, color=palette[label], marker=styles[label]["marker"], edgecolor="black", linewidth=0.4, zorder=3
            )
        _log_scale_if_wide(ax, [feasible["best_f"].to_numpy()])
        _mark_optimum(ax, sub)
        hidden = len(sub) - len(feasible)
        title = case + (f"\n({hidden} infeasible runs not shown)" if hidden else "")
        ylabel = textwrap.fill(f"final best {objective_label(sub['problem'].iloc[0])}", LABEL_WIDTH)
        ax.set(title=title, xlabel="", ylabel=ylabel)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small")
        ax.tick_params(axis="x", rotation=20)
    return _save(fig, stem, formats)


def voltage_profile_plot(
    panels: Mapping[str, Any],
    stem: str | Path,
    *,
    buses: ArrayLike | None = None,
    limits: Sequence[float] = (0.95, 1.05),
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
    """Axis name of a problem family's objective with its unit, e.g. ``"loss (kW)"``.

    The registered class's :meth:`~optibench.problem.Problem.objective_label`,
    else (a family registered by a factory, or one no longer installed) ``"objective"``.
    """
    try:
        family = registered("problems", problem)
    except KeyError:  # results of a plug-in that is no longer installed
        return "objective"
    return family.objective_label() if isinstance(family, type) and issubclass(family, Problem) else "objective"


def _figure(results: pd.DataFrame) -> tuple[Figure, list[tuple[Axes, str, pd.DataFrame]], dict[str, Any]]:
    """A figure with a panel per problem instance, at most three a row.

    Returns the figure, (axes, panel title, its complete runs) per panel in
    order of appearance, and the style of each algorithm label (:func:`_styles`),
    the same in every panel. Axes show plain numbers, never an offset.
    """
    results = with_case(results)
    labels = list(results["label"].unique())
    results = results[results["complete"]]
    groups = results.groupby(["problem", "instance"], sort=False)
    cases = [(textwrap.fill(sub["case"].iloc[0], TITLE_WIDTH), sub) for _, sub in groups]
    sns.set_theme(style="whitegrid")
    cols = min(len(cases), 3)
    rows = math.ceil(len(cases) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 4 * rows), squeeze=False)
    for ax in axes.flat[len(cases) :]:
        ax.remove()
    for ax in axes.flat[: len(cases)]:
        ax.ticklabel_format(useOffset=False)
    return fig, [(ax, case, sub) for ax, (case, sub) in zip(axes.flat, cases)], _styles(labels)


def _styles(labels: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Colour, line style and marker of each label, by its position: the i-th label gets the
    i-th colour of :data:`PALETTE`, line style and marker, each list repeated as needed."""
    colours = sns.color_palette(PALETTE)
    return {
        label: {
            "color": colours[i % len(colours)],
            "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
            "marker": MARKERS[i % len(MARKERS)],
        }
        for i, label in enumerate(labels)
    }


def _log_evaluations(ax: Axes) -> None:
    """A log evaluation axis labelled at the powers of ten only (minor ticks unlabelled, so labels never overlap)."""
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())


def _mark_every(n_points: int) -> int:
    """Step between markers so that a line of ``n_points`` points carries about :data:`MARKS_PER_LINE` of them."""
    return max(1, n_points // MARKS_PER_LINE)


def _finite(values: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(values), values, np.nan)


def _mark_optimum(ax: Axes, rows: pd.DataFrame) -> None:
    """Dotted line at the optimum, best-known value or bound, named so, when there is one (and a log axis can show it)."""
    optimum = rows["optimum"].iloc[0]
    if np.isfinite(optimum) and (optimum > 0 or ax.get_yscale() != "log"):
        kind = REFERENCE_NOUNS[rows["optimum_status"].iloc[0]]
        ax.axhline(optimum, color="black", ls=":", lw=1, label=f"{kind} {optimum:.6g}")


def _log_scale_if_wide(ax: Axes, value_arrays: Iterable[ArrayLike]) -> None:
    values = np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in value_arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if len(values) and values.max() / values.min() > LOG_RATIO:
        ax.set_yscale("log")


def _save(fig: Figure, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Save ``fig`` as ``stem``.<format> for each of ``formats`` (PNG at 150 dpi), each written only
    when its bytes change; the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    paths = []
    for fmt in formats:
        buffer = io.BytesIO()
        with plt.rc_context({"svg.hashsalt": SVG_HASHSALT}):
            fig.savefig(buffer, format=fmt, **_SAVE_OPTIONS[fmt])
        path = stem.with_suffix(f".{fmt}")
        if not path.exists() or path.read_bytes() != buffer.getvalue():
            path.write_bytes(buffer.getvalue())
        paths.append(path)
    plt.close(fig)
    return paths
