"""Merging results folders: a new algorithm joins the stored paper 002 comparison; disagreeing folders are refused."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optibench.cli import main
from optibench.merge import OUTCOME_COLUMNS, MergeConflict, merge_folders
from optibench.report import summary
from optibench.runner import KEY_COLUMNS
from optibench.store import ResultStore

SCENARIO1 = Path(__file__).resolve().parent.parent / "results" / "seed002" / "scenario1"
NEW_ALGORITHM = """
[experiment]
name = "seed002-random-search"
runs = 2
seed = 2002
pop_size = 10
iterations = 5

[[problems]]
name = "evcs-placement"
instances = [{case = 1}, {case = 2}, {case = 3}]

[[algorithms]]
name = "random-search"
label = "RS"
"""
OTHER_SEED = """
[experiment]
name = "seed002-eo-other-seed"
runs = 1
seed = 1
pop_size = 50
iterations = 2

[[problems]]
name = "evcs-placement"
instances = [{case = 1}]

[[algorithms]]
name = "eo"
label = "EO"
"""


def _run(tmp_path, name, text):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    assert main(["run", str(tmp_path / f"{name}.toml"), "--out", str(tmp_path / name)]) == 0
    return tmp_path / name


def _rows(df, label):
    return df[df["label"] == label][[*KEY_COLUMNS, *OUTCOME_COLUMNS]].reset_index(drop=True)


def test_a_new_algorithm_joins_the_stored_comparison_and_a_mismatch_is_refused(tmp_path, capsys):
    stored = ResultStore(SCENARIO1).read()
    copy = tmp_path / "scenario1"
    shutil.copytree(SCENARIO1, copy)
    new = _run(tmp_path, "new", NEW_ALGORITHM)
    capsys.readouterr()
    assert main(["merge", str(copy), str(new), "--out", str(copy)]) == 0
    assert capsys.readouterr().out.startswith(f"306 runs (EO, RS, WSO) in {copy}\n")
    merged = ResultStore(copy).read()
    for label in ("EO", "WSO"):
        pd.testing.assert_frame_equal(_rows(merged, label), _rows(stored, label))
    pd.testing.assert_frame_equal(_rows(merged, "RS"), _rows(ResultStore(new).read(), "RS"))
    table = summary(merged)
    assert list(table["algorithm"]) == ["EO", "RS", "WSO"] * 3
    for label in ("EO", "WSO"):
        np.testing.assert_array_equal(
            table[table["algorithm"] == label]["mean"], summary(stored).query("algorithm == @label")["mean"]
        )
    assert "| RS |" in (copy / "report.md").read_text(encoding="utf-8")
    sources = ResultStore(copy).meta()["merges"][-1]["sources"]
    assert [s["experiment"] for s in sources] == ["seed002-scenario1", "seed002-random-search"]

    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    other = _run(tmp_path, "other", OTHER_SEED)
    capsys.readouterr()
    assert main(["merge", str(copy), str(other), "--out", str(tmp_path / "refused")]) == 2
    err = capsys.readouterr().err
    assert "disagree on evcs-placement" in err and "EO run 0: different seeds" in err
    assert not (tmp_path / "refused").exists()
    assert {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()} == before


def test_a_label_naming_two_configurations_is_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    rows = ResultStore(SCENARIO1).read().head(2)
    ResultStore(a).replace_rows(rows)
    ResultStore(b).replace_rows(rows.assign(params='{"pop_size":20}', run=[7, 8]))
    with pytest.raises(MergeConflict, match="label 'EO' is eo .* in .*a but eo .*pop_size.:20. in .*b"):
        merge_folders([a, b], tmp_path / "c")
    with pytest.raises(ValueError, match="at least two results folders"):
        merge_folders([a], tmp_path / "c")
    with pytest.raises(ValueError, match="is not empty and is not one of the folders merged"):
        merge_folders([a, a], b)
