"""Regenerate the shipped ``reconfiguration`` optima of ``case118zh`` and ``case136ma`` and cross-check IEEE 69.

Usage::

    python scripts/certify_reconfiguration.py [--network NAME ...] [--store PATH]

``case118zh`` and ``case136ma`` (about 4e15 and 2e18 radial configurations)
are certified by the mixed-integer cone program of
:mod:`optibench.exact.switches` (SCIP, time limit
:data:`optibench.problems.reconfiguration.TIME_LIMIT_S` per network, one
solve at a time), the path of ``optibench certify reconfiguration``; the
optimum does not depend on the encoding, so one solve is stored for both
encodings. ``ieee69``'s stored optimum stays the enumeration of its 407,924
radial configurations (``scripts/certify_shipped.py``); the program is solved
too and must agree with it (same loss within ``success_atol``), and its
result is appended to that entry's tolerance. Run after
``scripts/certify_shipped.py --problem reconfiguration``. Tens of minutes.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

NETWORKS = ("case118zh", "case136ma", "ieee69")
ENCODINGS = ("loop", "spanning-tree")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", action="append", choices=NETWORKS, help="only these networks (repeatable)")
    parser.add_argument("--store", metavar="PATH", help="write to PATH instead of the shipped file")
    args = parser.parse_args(argv)
    os.environ.setdefault("NUMBA_NUM_THREADS", "1")  # one solve at a time; its power flows are small

    import optibench
    from optibench.known_optima import SHIPPED, certify, find, store

    path = args.store or SHIPPED
    for network in args.network or NETWORKS:
        problem = optibench.get_problem("reconfiguration", network=network)
        optimum, stats = certify(problem, method="misocp")
        print(
            f"{network}: {optimum.status} {optimum.value:.6f} kW, incumbent {optimum.incumbent}, open {optimum.solution} "
            f"({stats['time_s']:.0f} s)\n  {optimum.tolerance}",
            flush=True,
        )
        for encoding in ENCODINGS:
            instance = optibench.get_problem("reconfiguration", network=network, encoding=encoding).instance
            if network != "ieee69":
                store(problem.name, instance, optimum, path)
                continue
            found = find(problem.name, instance)
            if found is None or not found[0].method.startswith("enumeration"):
                raise SystemExit(f"{network} {encoding}: no enumerated optimum stored; run scripts/certify_shipped.py first")
            enumerated = found[0]
            if abs(optimum.value - enumerated.value) > problem.success_atol or optimum.status != "proven":
                raise SystemExit(f"{network}: the program ({optimum.value} kW, {optimum.status}) disagrees with enumeration")
            note = (
                f"; cross-check: {optimum.method} proves {optimum.value:.6f} kW, open {optimum.solution} "
                f"({optimum.tolerance.split('; the problem')[0]})"
            )
            store(
                problem.name, instance, replace(enumerated, tolerance=enumerated.tolerance.split("; cross-check")[0] + note), path
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
