"""Start-up time of the ``stat3sim`` command: ``--help``, a sub-command's ``--help`` and
an argument error, each a fresh process (what a user waits for), against a bare
``python -c pass`` in the same run. Medians of interleaved repeats; also lists the heavy
libraries each invocation imports (none expected). Prints ONE JSON object.

    .venv/bin/python benchmarks/bench_cli.py [--repeats 15]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HEAVY = ("roadrunner", "libsbml", "numpy", "pandas", "matplotlib", "dask", "distributed", "scipy", "lifelines")
CASES = {
    "help": ["--help"],
    "run_help": ["run", "--help"],
    "argument_error": ["run", "--days", "-1"],
    "python_bare": None,
}


def _cmd(args):
    return [sys.executable, "-c", "pass"] if args is None else [sys.executable, "-m", "stat3sim.cli", *args]


def heavy_imports(args) -> list[str]:
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "stat3sim.cli", *args], capture_output=True,
                       text=True)
    names = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}
    return sorted(h for h in HEAVY if h in names)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    args = ap.parse_args()
    times: dict[str, list[float]] = {k: [] for k in CASES}
    for _ in range(args.repeats):
        for name, a in CASES.items():
            t0 = time.perf_counter()
            subprocess.run(_cmd(a), capture_output=True)
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    out = {"repeats": args.repeats, "cpu_count": os.cpu_count(), "load_average": os.getloadavg(),
           "seconds_median": med,
           "seconds_over_bare_python": {k: v - med["python_bare"] for k, v in med.items() if k != "python_bare"},
           "heavy_imports": {k: heavy_imports(a) for k, a in CASES.items() if a is not None},
           "goal_s": 0.3}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
