"""Every committed results folder is reproduced by the committed code: two stored runs re-run from their
seeds, and the report regenerated from the Parquet file, compared with what is stored."""

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from optibench.audit import audit_folder

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "results"
FOLDERS = sorted(p.parent for p in RESULTS.glob("**/results.parquet"))
"""Reports name their folder as the command that made them did (``results/...`` from the repository root)."""

MAX_ULP = {}
"""Folders whose re-runs may differ in the last bits (name -> ULP); none: every folder is bit-identical."""


def test_every_results_folder_is_audited():
    names = {str(f.relative_to(RESULTS)) for f in FOLDERS}
    assert {"example", "seed000/metaheuristics", "seed001/search", "seed002/scenario1", "seed003/batch"} <= names


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: str(f.relative_to(RESULTS)))
def test_stored_runs_and_report_regenerate(folder, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = audit_folder(folder.relative_to(ROOT), n_runs=2, max_ulp=MAX_ULP.get(str(folder.relative_to(RESULTS)), 0))
    assert len(result.runs) == 2
    assert result.ok, "\n".join(result.mismatches)


@pytest.fixture
def example_copy(tmp_path, monkeypatch):
    """results/example copied to a temporary results/example, the current folder its parent."""
    folder = tmp_path / "results" / "example"
    shutil.copytree(RESULTS / "example", folder)
    monkeypatch.chdir(tmp_path)
    return folder.relative_to(tmp_path)


def _edit_row(folder: Path, pick, delta: float) -> None:
    """Add ``delta`` to best_f of the row chosen by ``pick(df) -> index`` in results.parquet."""
    path = folder / "results.parquet"
    table = pq.read_table(path)
    df = table.to_pandas()
    i = pick(df)
    df.loc[i, "best_f"] = df.loc[i, "best_f"] + delta
    pq.write_table(pa.Table.from_pandas(df, schema=table.schema, preserve_index=False), path)


def test_audit_fails_when_a_re_run_row_is_edited(example_copy):
    clean = audit_folder(example_copy)
    assert clean.ok
    label, run, seed = clean.runs[0]
    _edit_row(example_copy, lambda df: df.index[df["seed"] == seed][0], 1e-9)
    edited = audit_folder(example_copy)
    assert not edited.ok
    assert any(f"{label} run {run}" in line and "best_f" in line for line in edited.mismatches)


def test_audit_fails_when_any_other_row_is_edited(example_copy):
    """A row that is not re-run still shows in the regenerated report."""
    clean = audit_folder(example_copy)
    audited = {seed for _, _, seed in clean.runs}

    def other_row(df):
        return next(i for i, r in df.iterrows() if r["seed"] not in audited and r["violation"] <= 0)

    _edit_row(example_copy, other_row, -1.0)
    edited = audit_folder(example_copy)
    assert [line for line in edited.mismatches if "report.md" in line]
