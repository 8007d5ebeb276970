"""Bad input is a named error before any work: decision values, kernel arrays, problem instances, CLI arguments and output."""

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest

import optibench
from optibench.cli import EXIT_BROKEN_PIPE, main
from optibench.powerflow import solve_batch


def refuse_constant(name):
    raise AssertionError(f"not strict JSON: {name}")


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_decision_values_are_refused_naming_the_variable(value):
    """Issue 11 item 2: a NaN point used to reach the Numba decoder as an index and kill the interpreter."""
    problem = optibench.get_problem("evcs-placement", case=1)
    with pytest.raises(ValueError, match=r"^non-finite point: variable 'stations' is (nan|inf|-inf) in 3 of 3 point\(s\)"):
        problem.evaluate(np.full((3, 3), value))
    dg = optibench.get_problem("dg-placement", network="ieee33", units=2)  # columns: dg_buses (2), dg_kw_1, dg_kw_2
    X = np.full((4, dg.n_var), 10.0)
    X[2, 3] = np.nan
    with pytest.raises(ValueError, match=r"variable 'dg_kw_2' is nan in 1 of 4 point\(s\) \(rows \[2\]\)"):
        dg.evaluate(X)


def test_kernel_entry_refuses_bad_bus_indices_and_shapes():
    net = optibench.load_network("ieee33")
    beyond = dataclasses.replace(net, parent=np.where(net.parent >= 0, net.parent + net.n_bus, -1))
    with pytest.raises(ValueError, match=r"network 'ieee33': parent must be -1 at the slack bus"):
        solve_batch(beyond, net.p_kw, net.q_kvar)
    with pytest.raises(ValueError, match=r"order must list every bus index 0..32 once"):
        solve_batch(dataclasses.replace(net, order=np.zeros(net.n_bus, dtype=np.int64)), net.p_kw, net.q_kvar)
    with pytest.raises(ValueError, match=r"shape \(batch, 33\)"):
        solve_batch(net, net.p_kw[:-1], net.q_kvar[:-1])


@pytest.mark.parametrize(
    "problem, instance, message",
    [
        ("evcs-placement", {"vmin": "0.95"}, "vmin must be a finite number >= 0.5 and <= 1.5 (or none), got '0.95' (str)"),
        ("evcs-placement", {"case": True}, "case must be one of 1, 2, 3, got True (bool)"),
        ("dg-placement", {"units": 1.5}, "units must be an integer >= 1, got 1.5 (float)"),
        ("dg-placement", {"vmin": 1.05, "vmax": 0.95}, "vmin must be below vmax"),
        ("res-placement", {"stations": [12, "27", 61]}, "stations must be a list of integers >= 1 (or none), got [12, '27', 61]"),
        ("rastrigin", {"dim": 0}, "dim must be an integer >= 1, got 0 (int)"),
        ("ev-res-support", {"vehicles": "300"}, "vehicles must be an integer >= 1, got '300' (str)"),
        ("ev-station-siting", {"feeder_headroom": float("nan")}, "feeder_headroom must be a finite number > 0, got nan"),
    ],
)
def test_problem_instances_are_checked_naming_problem_and_key(problem, instance, message):
    with pytest.raises(ValueError) as info:
        optibench.get_problem(problem, **instance)
    assert str(info.value).startswith(f"problem '{problem}': {message}")


def test_powerflow_json_is_strict_and_bad_load_scale_is_an_argument_error(capsys):
    """Issue 11 item 14: a collapse prints null, never NaN; --load-scale nan/inf/negative is refused, not 'collapse'."""
    assert main(["powerflow", "ieee33", "--load-scale", "5", "--json", "--voltages"]) == 1
    out = json.loads(capsys.readouterr().out, parse_constant=refuse_constant)
    assert out["converged"] is False and out["loss_kw"] is None and out["buses"][5]["vm_pu"] is None
    for bad in ("nan", "inf", "-1"):
        with pytest.raises(SystemExit) as info:
            main(["powerflow", "ieee33", f"--load-scale={bad}"])
        assert info.value.code == 2
        assert f"argument --load-scale: must be a finite number >= 0, got '{bad}'" in capsys.readouterr().err


def test_json_output_is_strict(capsys):
    from optibench.cli.output import to_json

    text = to_json({"a": [np.float64("nan"), np.inf], "b": np.int64(3)})
    assert json.loads(text, parse_constant=refuse_constant) == {"a": [None, None], "b": 3}
    assert main(["show", "dg-placement", "--instance", "units=1", "--json"]) == 0
    json.loads(capsys.readouterr().out, parse_constant=refuse_constant)


@pytest.mark.parametrize("args", [["list", "problems"], ["powerflow", "ieee69", "--voltages"]])
def test_closed_pipe_ends_quietly(args):
    """Like `optibench list problems | head -1`, with the reader gone before anything is written."""
    proc = subprocess.Popen([sys.executable, "-m", "optibench.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert err == ""
