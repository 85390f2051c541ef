"""`python -m disclosure_monitor.simulator`: serve the default scenario until interrupted."""

from __future__ import annotations

import argparse
import json
import threading

from . import Simulator, default_scenario


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m disclosure_monitor.simulator", description=__doc__)
    parser.add_argument("--port-base", type=int, default=0, help="first port (0: ephemeral ports)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--agencies", type=int, default=40)
    parser.add_argument("--config", action="store_true", help="also print the [[agency]] entries as JSON")
    args = parser.parse_args(argv)
    with Simulator(default_scenario(args.seed, args.agencies), port_base=args.port_base) as sim:
        for name, url in sim.sites.items():
            print(f"{name:24} {url}")
        if args.config:
            print(json.dumps(sim.agencies_config(), ensure_ascii=False, indent=1))
        print("request log: GET <any site>/__sim/log — Ctrl-C to stop", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
