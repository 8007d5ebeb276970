"""Packaging: the citation file is valid CFF 1.2.0, ``python -m optibench`` works, and the built wheel is complete.

The wheel test builds the wheel (pip fetches the build backend,
setuptools, as for any install), installs it without dependencies and
without an index into a fresh virtual environment outside the checkout
(which sees this environment's packages for the dependencies) and runs the
command line from there: the power flow of a shipped network and a tiny batch, which need
the package data (networks, profiles, known optima).
"""

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_citation_file_is_valid_cff_1_2_0():
    """Validated against the CFF 1.2.0 schema shipped in the cffconvert package (what ``cffconvert --validate`` uses)."""
    # located without importing cffconvert, whose modules need its dependencies (installed without them)
    package = Path(importlib.util.find_spec("cffconvert").submodule_search_locations[0])
    schema = json.loads((package / "schemas" / "1.2.0" / "schema.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    jsonschema.validate(citation, schema, cls=jsonschema.Draft7Validator)
    assert citation["version"] == _version()
    dois = {ref.get("doi") for ref in citation["references"]}
    assert {"10.3390/wevj16070381", "10.1016/j.energy.2016.08.096"} <= dois
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**citation, "cff-version": "1.2"}, schema, cls=jsonschema.Draft7Validator)


def _version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_python_dash_m_optibench_is_the_command():
    done = subprocess.run([sys.executable, "-m", "optibench", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: optibench") and "powerflow" in done.stdout


def test_built_wheel_installs_and_runs_outside_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("optibench-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), "LICENSE not in the wheel"
    assert "optibench/data/networks/ieee69/branches.csv" in names and "optibench/data/known_optima.json" in names

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "tiny.toml").write_text(
        '[experiment]\nname = "tiny"\nruns = 2\nseed = 1\nmax_evals = 200\n\n'
        '[[problems]]\nname = "evcs-placement"\ninstances = [{case = 1}]\n\n'
        '[[algorithms]]\nname = "random-search"\nparams = {pop_size = 50}\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def run(*args):
        command = [str(venv / "bin" / args[0]), *args[1:]]
        done = subprocess.run(command, cwd=work, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    where = run("python", "-c", "import optibench; print(optibench.__file__)")
    assert where.startswith(str(venv)), f"optibench imported from {where}, not from the installed wheel"
    assert "ieee69" in run("optibench", "powerflow", "ieee69")
    run("optibench", "run", "tiny.toml")
    assert (work / "results" / "tiny" / "report.md").is_file()
    show = run("python", "-m", "pip", "show", "-f", "optibench")
    assert "LICENSE" in show
