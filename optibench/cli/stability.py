"""``optibench stability NETWORK [--ev-bus B --ev-kw P]``: voltage stability reserve K_U and power reserve K_P."""

from __future__ import annotations

import sys

from .output import print_result


def add_parser(parser) -> None:
    parser.add_argument("network", help="shipped network name (see 'optibench networks') or a network folder")
    parser.add_argument("--ev-bus", type=int, metavar="B", help="1-based bus of an added EV charging load")
    parser.add_argument(
        "--ev-kw", type=float, default=0.0, metavar="P", help="EV charging load at --ev-bus (kW, unity power factor)"
    )
    parser.add_argument("--tol", type=float, default=1e-4, help="bracket width in load scaling (default 1e-4)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.epilog = (
        "Every load, the EV load included, is scaled until the power flow has no solution; "
        "K_P = (Pmax - P0) / P0, K_U = (U0 - Ucr) / U0 at the weakest bus (paper 003, eq. 30)."
    )


def run(args) -> int:
    from optibench.network import NetworkDataError, load_network
    from optibench.stability import stability_reserve

    try:
        net = load_network(args.network)
        p = net.p_kw.copy()
        if args.ev_bus is not None:
            p[net.index_of(args.ev_bus)] += args.ev_kw
        elif args.ev_kw:
            raise ValueError("--ev-kw needs --ev-bus")
        reserve = stability_reserve(net, p, net.q_kvar, tol=args.tol)
    except (NetworkDataError, KeyError, ValueError) as exc:
        print(f"optibench stability: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    out = {"network": net.name, "ev_bus": args.ev_bus, "ev_kw": args.ev_kw, **reserve.as_dict()}
    print_result(out, args.json, key_width=12)
    return 0
