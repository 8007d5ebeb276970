"""Experiment files: the example loads, and malformed files get errors naming the file, key and allowed values."""

from pathlib import Path

import pytest

from optibench.experiment import ExperimentError, load_experiment, parse_experiment

ROOT = Path(__file__).resolve().parents[1]

VALID = """
[experiment]
runs = 4
seed = 11
max_evals = 200

[[problems]]
name = "sphere"
instances = [{dim = 3}, {dim = 5}]

[[algorithms]]
name = "random-search"
params = {pop_size = 20}
"""


def test_example_experiment_loads():
    exp = load_experiment(ROOT / "benchmarks" / "example.toml")
    assert exp.name == "example"
    assert exp.runs == 30
    assert exp.max_evals == 30 * 100  # pop_size x iterations
    assert exp.output == Path("results/example")
    assert ("sphere", {"dim": 10}) in exp.problems and ("g06", {}) in exp.problems
    labels = [a.label for a in exp.algorithms]
    assert labels == ["random-search", "EO", "WSO", "PSO"]
    # pop_size from the budget shorthand becomes each algorithm's population size
    assert all(a.params["pop_size"] == 30 for a in exp.algorithms)


def test_defaults_and_max_evals_budget():
    exp = parse_experiment(VALID, "valid.toml", default_name="valid")
    assert (exp.name, exp.runs, exp.seed, exp.max_evals) == ("valid", 4, 11, 200)
    assert exp.output == Path("results/valid")
    assert exp.problems == (("sphere", {"dim": 3}), ("sphere", {"dim": 5}))
    assert exp.algorithms[0].params == {"pop_size": 20}  # an explicit value is kept
    default_runs = parse_experiment(VALID.replace("runs = 4\n", ""))
    assert default_runs.runs == 50


def test_same_runs_ignores_run_count_only():
    exp = parse_experiment(VALID)
    assert exp.defines_same_runs(parse_experiment(VALID.replace("runs = 4", "runs = 9")))
    assert not exp.defines_same_runs(parse_experiment(VALID.replace("seed = 11", "seed = 12")))
    assert not exp.defines_same_runs(parse_experiment(VALID.replace("max_evals = 200", "max_evals = 300")))


@pytest.mark.parametrize(
    "edit, expected",
    [
        (("runs = 4", "runs = [4"), ["not valid TOML"]),
        (("[experiment]", "[experimnt]"), ["the file: unknown key 'experimnt'", "allowed: algorithms, experiment, problems"]),
        (("runs = 4", "run = 4"), ["experiment: unknown key 'run'", "allowed: description, iterations, max_evals"]),
        (("runs = 4", "runs = 0"), ["experiment.runs: must be an integer >= 1, got 0"]),
        (("runs = 4", 'runs = "4"'), ["experiment.runs: must be an integer >= 1, got '4'"]),
        (("runs = 4", "runs = true"), ["experiment.runs: must be an integer >= 1, got True"]),
        (("seed = 11", "seed = -1"), ["experiment.seed: must be an integer >= 0, got -1"]),
        (("max_evals = 200", ""), ["experiment: the budget needs either max_evals, or pop_size and iterations (got: none)"]),
        (("max_evals = 200", "max_evals = 200\npop_size = 10"), ["(got: max_evals, pop_size)"]),
        (("max_evals = 200", "pop_size = 10"), ["(got: pop_size)"]),
        (("max_evals = 200", "pop_size = 10\niterations = 0"), ["experiment.iterations: must be an integer >= 1, got 0"]),
        (('name = "sphere"', 'name = "sphre"'), ["problems[0].name: got 'sphre'; allowed: ", "sphere"]),
        (("{dim = 5}", "{dimm = 5}"), ["problems[0].instances[1]: problem 'sphere' has no parameter 'dimm'; allowed: dim"]),
        (
            ("{dim = 5}", '{dim = "five"}'),
            ["problems[0].instances[1]: problem 'sphere': dim must be an integer >= 1, got 'five' (str)"],
        ),
        (("{dim = 5}", "{dim = 3}"), ["problems[0].instances[1]: problem 'sphere' {'dim': 3} is listed twice"]),
        (("instances = [{dim = 3}, {dim = 5}]", "instances = []"), ["problems[0].instances: must be a non-empty array"]),
        (
            ('name = "random-search"', 'name = "random_search"'),
            ["algorithms[0].name: got 'random_search'; allowed: ", "random-search"],
        ),
        (
            ("{pop_size = 20}", "{popsize = 20}"),
            ["algorithms[0].params: algorithm 'random-search' has no parameter 'popsize'; allowed: pop_size"],
        ),
        (("[[problems]]", "[problems]"), ["problems: must be an array of tables, written [[problems]]"]),
    ],
)
def test_malformed_files_name_file_key_and_allowed_values(edit, expected):
    old, new = edit
    assert old in VALID
    with pytest.raises(ExperimentError) as info:
        parse_experiment(VALID.replace(old, new, 1), "bad.toml")
    message = str(info.value)
    assert message.startswith("bad.toml: ")
    for part in expected:
        assert part in message


@pytest.mark.parametrize(
    "extra, expected",
    [
        ("", "algorithms: at least one [[algorithms]] entry is required"),
        (
            '[[algorithms]]\nname = "random-search"\n[[algorithms]]\nname = "random-search"\nparams = {pop_size = 5}\n',
            "algorithms[1].label: label 'random-search' is used twice",
        ),
        ('[[algorithms]]\nname = "eo"\n[[problems]]\nname = "zdt1"\n', "'eo' handles 1 objective(s) but problem 'zdt1' {} has 2"),
    ],
)
def test_algorithm_list_errors(extra, expected):
    source = VALID.split("[[algorithms]]")[0] + extra
    with pytest.raises(ExperimentError, match="^x.toml: ") as info:
        parse_experiment(source, "x.toml")
    assert expected in str(info.value)


def test_unreadable_file_is_named(tmp_path):
    with pytest.raises(ExperimentError, match="missing.toml: cannot read the experiment file"):
        load_experiment(tmp_path / "missing.toml")


BAD_VALUES = """
[experiment]
runs = 2
max_evals = 100
output = "{out}"

[[problems]]
name = "{problem}"
instances = [{instance}]

[[algorithms]]
name = "{algorithm}"
params = {params}
"""


@pytest.mark.parametrize(
    "problem, instance, algorithm, params, key, expected",
    [
        (
            "sphere",
            "{dim = 2}",
            "eo",
            '{pop_size = "50"}',
            "algorithms[0].params",
            "algorithm 'eo': pop_size must be an integer >= 1, got '50' (str)",
        ),
        (
            "sphere",
            "{dim = 2}",
            "eo",
            "{pop_size = 0}",
            "algorithms[0].params",
            "algorithm 'eo': pop_size must be an integer >= 1, got 0",
        ),
        (
            "sphere",
            "{dim = 2}",
            "wso",
            "{pop_size = -5}",
            "algorithms[0].params",
            "algorithm 'wso': pop_size must be an integer >= 2, got -5",
        ),
        (
            "sphere",
            "{dim = 2}",
            "ga",
            "{pop_size = 10.5}",
            "algorithms[0].params",
            "algorithm 'ga': pop_size must be an integer >= 2, got 10.5",
        ),
        (
            "sphere",
            "{dim = 2}",
            "ga",
            "{mutation_rate = 0.3}",
            "algorithms[0].params",
            "algorithm 'ga' has no parameter 'mutation_rate'; its parameters: pop_size",
        ),
        (
            "evcs-placement",
            '{case = 1, vmin = "0.95"}',
            "random-search",
            "{}",
            "problems[0].instances[0]",
            "problem 'evcs-placement': vmin must be a finite number >= 0.5 and <= 1.5 (or none), got '0.95' (str)",
        ),
    ],
)
def test_bad_values_are_refused_before_anything_is_written(tmp_path, capsys, problem, instance, algorithm, params, key, expected):
    """Issue 11 item 6: each instance and optimizer is built at load, so a bad value stops `optibench run` with exit 2."""
    from optibench.cli import main

    out = tmp_path / "out"
    file = tmp_path / "bad.toml"
    file.write_text(BAD_VALUES.format(out=out.as_posix(), problem=problem, instance=instance, algorithm=algorithm, params=params))
    with pytest.raises(ExperimentError) as info:
        load_experiment(file)
    assert str(info.value).startswith(f"{file}: {key}: {expected}")
    assert main(["run", str(file)]) == 2
    assert expected in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]  # no output folder, no file


def test_same_settings_under_two_labels_are_two_configurations(tmp_path):
    """Labels name configurations: equal settings under two labels both run, each with its own seeds and rows."""
    from optibench.runner import experiment_trials, run_batch
    from optibench.store import ResultStore

    exp = parse_experiment(
        VALID.replace("instances = [{dim = 3}, {dim = 5}]", "instances = [{dim = 3}]")
        + '[[algorithms]]\nname = "random-search"\nparams = {pop_size = 20}\nlabel = "again"\n'
    )
    trials = experiment_trials(exp)
    assert [t.identity["label"] for t in trials] == ["random-search"] * 4 + ["again"] * 4
    assert len({t.seed for t in trials}) == 8
    store = ResultStore(tmp_path / "out")
    run_batch(trials, on_row=store.write)
    counts = store.read().groupby("label").size()
    assert counts.to_dict() == {"again": 4, "random-search": 4}


def test_instance_labels_are_display_names_not_parameters():
    labelled = VALID.replace("[{dim = 3}, {dim = 5}]", '[{dim = 3, label = "small"}, {dim = 5}]')
    exp = parse_experiment(labelled)
    assert exp.problems == (("sphere", {"dim": 3}), ("sphere", {"dim": 5})) and exp.instance_labels == ("small", None)
    assert exp.defines_same_runs(parse_experiment(VALID))  # a label never changes a run's identity or seed
    twice = VALID.replace("[{dim = 3}, {dim = 5}]", '[{dim = 3, label = "s"}, {dim = 5, label = "s"}]')
    with pytest.raises(ExperimentError, match=r"x.toml: problems\[0\].instances\[1\].label: label 's' is used twice"):
        parse_experiment(twice, "x.toml")
    with pytest.raises(ExperimentError, match=r"x.toml: problems\[0\].instances\[0\].label: must be a non-empty string, got 3"):
        parse_experiment(VALID.replace("{dim = 3}", "{dim = 3, label = 3}"), "x.toml")
