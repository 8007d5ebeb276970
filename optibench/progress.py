"""Progress of a batch of runs, on a terminal and in batch jobs.

On a terminal, a tqdm bar (runs done, time left, the best value of the
problem instance whose run finished last). When the output is a file or a
pipe (SLURM, ``nohup``, ``| tee``), one line every :data:`INTERVAL_S`
seconds and, if a batch lasted that long, one at the end::

    optibench: 120/480 runs done, 1 failed, 1m02s elapsed, ETA 3m06s; best: sphere dim=10 3.106e-13 | g06 -6961.8

Best values are the best feasible ``best_f`` of each problem instance, never
one value across instances.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any, TextIO

from tqdm import tqdm

INTERVAL_S = 10.0
"""Seconds between two progress lines when the output is not a terminal."""


def _duration(seconds: float) -> str:
    """``"1h02m"``, ``"3m06s"`` or ``"42s"``."""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


class Progress:
    """Progress of ``total`` runs on ``stream`` (default stderr); a context manager.

    Args:
        total: number of runs of the batch.
        stream: where to write; a terminal gets a bar, anything else lines.
        interval_s: seconds between two lines when ``stream`` is not a terminal.
    """

    def __init__(self, total: int, stream: TextIO | None = None, interval_s: float = INTERVAL_S) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.total = total
        self.interval_s = interval_s
        self.done = self.failed = 0
        self.best: dict[str, float] = {}
        """Best feasible value of each problem instance (by display name), objective units."""
        self.start = time.monotonic()
        self.terminal = self.stream.isatty()
        self.bar = tqdm(total=total, unit="run", file=self.stream, disable=not self.terminal, dynamic_ncols=True)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._written = False
        self._ticker = threading.Thread(target=self._tick, daemon=True) if not self.terminal and total else None

    def update(self, row: Mapping[str, Any]) -> None:
        """Count a finished run (a results row: ``problem``, ``instance``, ``status``, ``best_f``, ``violation``)."""
        from .cases import case_name  # imported on use: worker processes never need pandas

        case = case_name(row["problem"], row["instance"])
        with self._lock:
            self.done += 1
            self.failed += row["status"] == "failed"
            if row["violation"] <= 0 and row["best_f"] < self.best.get(case, math.inf):  # False for a failed run (NaN)
                self.best[case] = row["best_f"]
        if case in self.best:
            self.bar.set_postfix_str(f"best {case}: {self.best[case]:.6g}", refresh=False)
        self.bar.update(1)

    def line(self) -> str:
        """The progress line: runs done / total, failed, elapsed, ETA, best value per problem instance."""
        with self._lock:
            done, failed, best = self.done, self.failed, dict(self.best)
        elapsed = time.monotonic() - self.start
        eta = _duration(elapsed / done * (self.total - done)) if done else "unknown"
        text = f"optibench: {done}/{self.total} runs done, {failed} failed, {_duration(elapsed)} elapsed, ETA {eta}"
        if best:
            text += "; best: " + " | ".join(f"{case} {value:.6g}" for case, value in best.items())
        return text

    def _tick(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._write()

    def _write(self) -> None:
        print(self.line(), file=self.stream, flush=True)
        self._written = True

    def __enter__(self) -> Progress:
        if self._ticker is not None:
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.close()
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            if self._written:  # a batch shorter than the interval stays silent
                self._write()
