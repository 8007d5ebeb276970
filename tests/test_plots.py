"""Figures: the same data give the same bytes, unchanged files are not rewritten, axes say what they show."""

import math

import numpy as np
import pandas as pd
import pytest

from optibench import plots
from optibench.plots import objective_label, plot_results

NAMES = ["convergence.png", "convergence.svg", "ecdf.png", "ecdf.svg", "final_values.png", "final_values.svg"]
"""Files of one instance: no critical-difference diagram, which needs two."""


def _results(shift=0.0):
    """Two configurations on one EVCS instance, losses near 1000 kW that differ in the third decimal; one failed run."""
    rows = []
    for label, finals in (("A", [1000.002, 1000.003, 1000.001]), ("B", [1000.004, 1000.002, 1000.005])):
        for run, final in enumerate(finals):
            history = np.array([[10, final + 0.004, 0.0], [20, final + 0.001, 0.0], [30, final + shift, 0.0]])
            rows.append(
                {
                    "problem": "evcs-placement",
                    "instance": '{"case":1}',
                    "label": label,
                    "run": run,
                    "best_f": final + shift,
                    "violation": 0.0,
                    "n_evals": 30,
                    "history": history,
                    "status": "ok",
                    "optimum": 1000.0,
                    "optimum_status": "bound",
                }
            )
    rows.append(
        {
            **rows[-1],
            "run": 3,
            "best_f": math.nan,
            "violation": math.nan,
            "n_evals": 12,
            "history": np.empty((0, 3)),
            "status": "failed",
        }
    )
    return pd.DataFrame(rows)


def test_same_data_same_bytes_and_unchanged_files_are_not_rewritten(tmp_path):
    first = plot_results(_results(), tmp_path / "a")
    second = plot_results(_results(), tmp_path / "b")
    assert sorted(p.name for p in first) == sorted(p.name for p in second) == NAMES
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name
    svg = (tmp_path / "a" / "convergence.svg").read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in (tmp_path / "a" / "convergence.png").read_bytes()
    stamps = {p.name: p.stat().st_mtime_ns for p in first}
    plot_results(_results(), tmp_path / "a")
    assert {p.name: p.stat().st_mtime_ns for p in first} == stamps  # nothing rewritten
    changed = plot_results(_results(shift=0.5), tmp_path / "c")
    for a, c in zip(first, changed):
        assert a.read_bytes() != c.read_bytes(), a.name


def test_axes_name_the_objective_without_offset(monkeypatch, tmp_path):
    figures, close = [], plots.plt.close
    monkeypatch.setattr(plots.plt, "close", figures.append)
    plot_results(_results(), tmp_path, figures=["convergence", "final_values"])
    convergence, final = (fig.axes[0] for fig in figures)
    assert convergence.get_ylabel() == "best loss (kW)" and final.get_ylabel() == "final best loss (kW)"
    for fig, ax in zip(figures, (convergence, final)):
        fig.canvas.draw()
        assert ax.yaxis.get_major_formatter().get_offset() == ""  # 1000.001 is written out, not as 0.001 + 1e3
    legend = [t.get_text() for t in convergence.get_legend().get_texts()]
    # a bound is not called an optimum; the median line and the band are named
    assert legend == ["A", "B", "bound 1000", "median of the runs", "25-75 % of the runs"]
    assert convergence.get_xscale() == "log" and convergence.get_title() == "evcs-placement"  # default parameters left out
    lines = {line.get_label(): line for line in convergence.get_lines()}
    # colour-blind palette (seaborn "colorblind": #0173B2, #DE8F05), and line style and marker differ too
    assert [(lines[k].get_color(), lines[k].get_linestyle(), lines[k].get_marker()) for k in "AB"] == [
        ((0.00392156862745098, 0.45098039215686275, 0.6980392156862745), "-", "o"),
        ((0.8705882352941177, 0.5607843137254902, 0.0196078431372549), "--", "s"),
    ]
    assert [len(c.get_offsets()) for c in final.collections if len(c.get_offsets())] == [3, 3]  # the failed run is not drawn
    for fig in figures:
        close(fig)


def test_figures_and_formats_are_chosen_and_unknown_ones_named(tmp_path):
    assert [p.name for p in plot_results(_results(), tmp_path, figures=["ecdf"], formats=["pdf"])] == ["ecdf.pdf"]
    with pytest.raises(ValueError, match="unknown figure 'ert', format 'gif'"):
        plot_results(_results(), tmp_path, figures=["ert"], formats=["gif"])


@pytest.mark.parametrize(
    "problem, label",
    [
        ("evcs-placement", "loss (kW)"),
        ("sop-operation", "series + converter loss (kW)"),
        ("sphere", "f(x)"),
        ("not-registered", "objective"),
    ],
)
def test_objective_label_from_the_registered_problem(problem, label):
    assert objective_label(problem) == label
