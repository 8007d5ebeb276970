"""Progress of a batch when the output is not a terminal: timed lines, the best value of each instance apart."""

import io
import math
import re
import time

from optibench.progress import Progress


def _row(problem, instance, best_f, violation=0.0, status="ok"):
    return {"problem": problem, "instance": instance, "status": status, "best_f": best_f, "violation": violation}


def test_lines_at_the_interval_and_at_the_end_with_the_best_of_each_instance():
    out = io.StringIO()  # not a terminal, like a file under SLURM or nohup
    with Progress(4, stream=out, interval_s=0.05) as progress:
        progress.update(_row("sphere", '{"dim":10}', 5.0))
        progress.update(_row("sphere", '{"dim":10}', 7.0))
        progress.update(_row("g06", "{}", -6900.0))
        time.sleep(0.3)
        during = out.getvalue().splitlines()
        assert len(during) >= 2  # a line every 0.05 s while runs are slow
        progress.update(_row("g06", "{}", math.nan, math.nan, "failed"))
    lines = out.getvalue().splitlines()
    assert re.fullmatch(
        r"optibench: 3/4 runs done, 0 failed, \ds elapsed, ETA \ds; best: sphere dim=10 5 \| g06 -6900", during[-1]
    )
    assert re.fullmatch(r"optibench: 4/4 runs done, 1 failed, \ds elapsed, ETA 0s; best: sphere dim=10 5 \| g06 -6900", lines[-1])


def test_infeasible_runs_are_never_the_best():
    progress = Progress(2, stream=io.StringIO())
    progress.update(_row("g06", "{}", -7000.0, violation=1.0))
    assert "best" not in progress.line()
    progress.update(_row("g06", "{}", -6000.0))
    assert progress.line().endswith("; best: g06 -6000")


def test_a_batch_shorter_than_the_interval_stays_silent():
    out = io.StringIO()
    with Progress(1, stream=out, interval_s=60) as progress:
        progress.update(_row("g06", "{}", -6900.0))
    assert out.getvalue() == ""
