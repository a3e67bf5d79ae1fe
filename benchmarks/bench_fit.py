"""Objective evaluations per second of ``stat3sim fit``: the negative log-likelihood of a
PEtab problem simulated with libRoadRunner (what each start and each finite-difference
gradient calls), on Boehm_JProteomeRes2014 (from the PEtab benchmark collection,
``STAT3SIM_PETAB_BENCHMARKS``) and on a stat3sim problem (``export --petab`` of the tnbc
scenario with a small CSV). Prints JSON.

    PYTHONPATH=src python benchmarks/bench_fit.py [--seconds 20] [--no-stat3sim]

Per problem: seconds to read, check (petab) and compile (libRoadRunner) the problem, evaluations per second
at the nominal parameters and at random points in the bounds (``default_rng(0)``), and
the seconds of one central-difference gradient (2 × the number of fitted parameters
evaluations). pyPESTO + AMICI is reported as not installed when ``amici`` cannot be
imported (it has no wheel: the sdist needs SWIG and BLAS headers to compile).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

#: the measurement table docs/petab.md exports (illustrative numbers, not data)
DATA_CSV = REPO / "examples" / "tnbc_petab_data.csv"


def rate(yaml: Path, seconds: float) -> dict:
    from stat3sim.petab.fit import Nllh, _fd_grad, start_points

    f = Nllh(yaml)
    t0 = time.perf_counter()
    spec = f.spec  # loads and compiles
    compile_s = time.perf_counter() - t0
    x = np.where(np.isfinite(spec.nominal), spec.nominal, (spec.lb + spec.ub) / 2)
    out = {"problem": str(yaml), "fitted_parameters": len(spec.ids), "load_and_compile_s": round(compile_s, 2)}
    for label, points in (("nominal", np.array([x])), ("random", start_points(spec, 50, 0))):
        n, t0 = 0, time.perf_counter()
        while True:
            f(points[n % len(points)])
            n += 1
            if time.perf_counter() - t0 >= seconds and n >= 3:
                break
        out[f"evals_per_s_{label}"] = round(n / (time.perf_counter() - t0), 2)
        out[f"evals_{label}"] = n
    t0 = time.perf_counter()
    _fd_grad(f, x)
    out["fd_gradient_s"] = round(time.perf_counter() - t0, 3)
    out["nllh_nominal"] = f(x)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of evaluations per problem and point set")
    ap.add_argument("--no-stat3sim", action="store_true", help="Boehm only")
    args = ap.parse_args()
    from stat3sim.petab.benchmarks import collection_dir, problem_yaml

    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "load_avg_1min": os.getloadavg()[0]}}
    boehm = problem_yaml("Boehm_JProteomeRes2014", collection_dir())
    result["boehm"] = rate(boehm, args.seconds) if boehm.is_file() else {"skipped": f"{boehm} not found"}
    if not args.no_stat3sim:
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run([sys.executable, "-m", "stat3sim.cli", "export", "--petab", "--scenario", "tnbc",
                                "--data", str(DATA_CSV), "--estimate", "k_tumor_prolif", "--out",
                                str(Path(d) / "p")], capture_output=True, text=True)
            if r.returncode:
                result["stat3sim_tnbc"] = {"error": r.stderr.strip().splitlines()[-1:]}
            else:
                result["stat3sim_tnbc"] = rate(Path(d) / "p" / "problem.yaml", args.seconds)
    try:
        import amici  # noqa: F401

        result["pypesto_amici"] = "installed but not benchmarked here"
    except ImportError:
        result["pypesto_amici"] = ("not installed: amici has no wheel (sdist only); its build needs SWIG and BLAS "
                                   "headers, absent here")
    result["machine"]["load_avg_1min_end"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
