"""IOHprofiler export, read back by the rules of IOHanalyzer's documented data format.

The format (IOHanalyzer's "Supported Data Format" page): an ``.info`` file per
function and algorithm of three lines: comma-separated ``name = value`` pairs
with the mandatory, case-sensitive ``funcId``, ``DIM`` and ``algId``; a line
that starts with ``%``; the data file's relative path followed by
``instance:evaluations|best-so-far f(x)`` per run. The two-column ``.dat``
file holds one block per run, opened by the line
``"function evaluation" "best-so-far f(x)"`` (double quotes, single-space
separated) and ending with the run's last evaluation.
"""

import re

import numpy as np
import pandas as pd
import pytest

from optibench.cli import main
from optibench.ioh import export_ioh

SEPARATION = '"function evaluation" "best-so-far f(x)"'


def _run(instance, label, run, history, n_evals, params='{"pop_size":10}'):
    history = np.array(history, dtype=np.float64)
    return {
        "problem": "sphere",
        "instance": instance,
        "algorithm": label.split()[0].lower(),
        "params": params,
        "label": label,
        "run": run,
        "status": "ok",
        "best_f": history[-1, 1],
        "violation": history[-1, 2],
        "n_evals": n_evals,
        "best_x": np.zeros(int(instance[-2])),
        "history": history,
        "front_f": None,
        "optimum": 0.0,
        "optimum_status": "proven",
    }


def _results():
    rows = [
        _run('{"dim":2}', "EO", 0, [[10, 5.0, 0], [20, 5.0, 0], [30, 1.5, 0]], 40),
        _run('{"dim":2}', "EO", 1, [[10, 0.3, 2.0], [20, 7.0, 0], [40, 0.25, 0]], 40),  # infeasible first point
        _run('{"dim":2}', "EO", 2, [[10, 0.1, 1.0], [40, 0.1, 1.0]], 40),  # never feasible
        _run('{"dim":3}', "EO", 0, [[10, 9.0, 0], [40, 2.0, 0]], 40),
        _run('{"dim":3}', "PSO 'fast'", 0, [[10, 4.0, 0], [40, 3.0, 0]], 40, params='{"a":1,"b":2}'),
    ]
    failed = {**rows[0], "run": 3, "status": "failed", "history": np.empty((0, 3)), "best_f": np.nan}
    return pd.DataFrame([*rows, failed])


def _read_info(path):
    header, comment, record = path.read_text(encoding="utf-8").splitlines()
    fields = dict(re.findall(r"(\w+) = ('[^']*'|[^,]+)", header))
    fields = {k: v.strip("'") for k, v in fields.items()}
    assert len(fields) == header.count(" = ") and comment.startswith("%")
    datafile, *runs = [part.strip() for part in record.split(",")]
    return fields, datafile, [tuple(map(float, re.fullmatch(r"1:(\d+)\|(\S+)", r).groups())) for r in runs]


def _read_dat(path):
    blocks = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line == SEPARATION:
            blocks.append([])
        else:
            evals, value = line.split(" ")
            blocks[-1].append((int(evals), float(value)))
    return blocks


def test_files_follow_the_documented_layout_and_read_back(tmp_path):
    export_ioh(_results(), tmp_path, source="folder")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()) == [
        "EO/IOHprofiler_f1_i1.info",
        "EO/IOHprofiler_f2_i1.info",
        "EO/data_f1/IOHprofiler_f1_DIM2_i1.dat",
        "EO/data_f2/IOHprofiler_f2_DIM3_i1.dat",
        "PSO__fast_/IOHprofiler_f2_i1.info",
        "PSO__fast_/data_f2/IOHprofiler_f2_DIM3_i1.dat",
    ]
    fields, datafile, runs = _read_info(tmp_path / "EO" / "IOHprofiler_f1_i1.info")
    assert fields["funcId"] == "1" and fields["DIM"] == "2" and fields["algId"] == "EO" and fields["maximization"] == "F"
    assert fields["funcName"] == "sphere dim=2"
    assert datafile == "data_f1/IOHprofiler_f1_DIM2_i1.dat"
    assert runs == [(40, 1.5), (40, 0.25), (40, np.inf)]  # the failed run is left out
    blocks = _read_dat(tmp_path / "EO" / datafile)
    assert blocks == [[(10, 5.0), (30, 1.5), (40, 1.5)], [(20, 7.0), (40, 0.25)], [(40, np.inf)]]
    pso, _, _ = _read_info(tmp_path / "PSO__fast_" / "IOHprofiler_f2_i1.info")
    assert pso["algId"] == "PSO fast" and pso["funcId"] == "2" and pso["algInfo"] == "pso {a:1;b:2}"  # no quote or comma


def test_values_are_written_to_full_precision(tmp_path):
    results = _results()
    results.at[0, "history"] = np.array([[40, 1 / 3, 0.0]])
    results.at[0, "best_f"] = 1 / 3
    export_ioh(results, tmp_path)
    assert _read_dat(tmp_path / "EO" / "data_f1" / "IOHprofiler_f1_DIM2_i1.dat")[0] == [(40, 1 / 3)]


def test_multi_objective_results_are_refused_before_writing(tmp_path, capsys):
    results = _results()
    results.at[4, "front_f"] = np.ones((2, 2))
    with pytest.raises(ValueError, match="multi-objective instance.*sphere dim=3"):
        export_ioh(results, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert main(["export", "--format", "ioh", str(tmp_path / "none"), str(tmp_path / "out")]) == 2
    assert "holds no stored runs" in capsys.readouterr().err
