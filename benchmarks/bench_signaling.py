"""Simulations per second of the signaling module: stat3sim vs raw libRoadRunner vs SciPy.

The workload: ``signaling_network("tumor")``, IL-6 1 nM, 240 min, 241 output points,
with the stat3sim protocol (reset, pre-simulate PRESIM_MIN minutes unstimulated, add
the stimulus to the medium species, simulate).

* stat3sim: ``Simulator.run(net_with_IL6, t_end=240, n_points=241)``;
* raw: libRoadRunner on the exported SBML, the same protocol written by hand with the
  same tolerances (RTOL/ATOL of engine.roadrunner) and the same selections;
* scipy: ``solve_ivp(method="BDF")`` on the Network's own equations
  (engine.reference; the generated right-hand side is compiled once, like the model).

Measurements are interleaved (one batch of each per round) and medians of the
per-simulation times are reported. Prints ONE JSON object.

    .venv/bin/python benchmarks/bench_signaling.py [--rounds 15] [--batch 20]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import statistics
import sys
import time

import numpy as np
import roadrunner
import scipy

from stat3sim.engine.reference import compile_network, solve_reference
from stat3sim.engine.roadrunner import ATOL, PRESIM_MIN, RTOL, Simulator
from stat3sim.engine.sbml import to_sbml
from stat3sim.model import signaling_network

T_END, N_POINTS, STIM = 240.0, 241, {"IL6": 1.0}


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


class RawRoadRunner:
    """The stat3sim protocol, by hand, on plain libRoadRunner."""

    def __init__(self, sbml: str, species: list[str], observables: list[str]):
        self.rr = roadrunner.RoadRunner(sbml)
        self.rr.integrator.relative_tolerance = RTOL
        self.rr.integrator.absolute_tolerance = ATOL
        self.rr.timeCourseSelections = ["time"] + [f"[{s}]" for s in species] + observables

    def run(self):
        rr = self.rr
        rr.reset()
        rr.simulate(0.0, PRESIM_MIN, 2)
        for sid, add in STIM.items():
            rr[f"[{sid}]"] = rr[f"[{sid}]"] + add
        return rr.simulate(0.0, T_END, N_POINTS)


def _per_sim(fn, k: int) -> float:
    t0 = time.perf_counter()
    for _ in range(k):
        fn()
    return (time.perf_counter() - t0) / k


def _profile(fn, k: int) -> list[str]:
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(k):
        fn()
    pr.disable()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(12)
    return [ln.rstrip() for ln in s.getvalue().splitlines() if ln.strip()][-14:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--batch", type=int, default=20, help="simulations per batch (roadrunner paths)")
    ap.add_argument("--scipy-batch", type=int, default=1)
    ap.add_argument("--profile", action="store_true", help="profile Simulator.run even if overhead is small")
    args = ap.parse_args()

    net = signaling_network("tumor")
    t0 = time.perf_counter()
    stim_net = net.with_stimulus(STIM)
    t_with_stimulus = time.perf_counter() - t0

    t0 = time.perf_counter()
    sim = Simulator(net)
    t_compile_stat3sim = time.perf_counter() - t0
    sbml = to_sbml(net)
    t0 = time.perf_counter()
    raw = RawRoadRunner(sbml, sim.species, sim.observables)
    t_compile_raw = time.perf_counter() - t0
    t0 = time.perf_counter()
    cn = compile_network(stim_net)
    t_compile_scipy = time.perf_counter() - t0
    t_eval = np.linspace(0.0, T_END, N_POINTS)

    def run_stat3sim():
        return sim.run(stim_net, t_end=T_END, n_points=N_POINTS)

    def run_raw():
        return raw.run()

    def run_scipy():
        return solve_reference(stim_net, T_END, t_eval, method="BDF", compiled=cn)

    # same answer from all three (also a warm-up)
    a = run_stat3sim()
    b = np.asarray(run_raw())
    c = run_scipy()
    assert a.ok and c.ok
    diff_raw = float(np.max(np.abs(a.values - b[:, 1:])))
    scale = np.max(np.abs(a.values), axis=0) + 1e-9
    diff_scipy_rel = float(np.max(np.abs(a.values - c.values) / scale))

    times = {"stat3sim": [], "raw_roadrunner": [], "scipy_bdf": []}
    for _ in range(args.rounds):
        times["stat3sim"].append(_per_sim(run_stat3sim, args.batch))
        times["raw_roadrunner"].append(_per_sim(run_raw, args.batch))
        times["scipy_bdf"].append(_per_sim(run_scipy, args.scipy_batch))
    med = {k: statistics.median(v) for k, v in times.items()}
    overhead = med["stat3sim"] / med["raw_roadrunner"]
    speedup = med["scipy_bdf"] / med["stat3sim"]

    out = {
        "benchmark": "signaling module, tumor, IL-6 1 nM, 240 min, 241 points, presimulated",
        "sims_per_s": 1.0 / med["stat3sim"],
        "overhead_vs_roadrunner": overhead,
        "overhead_goal": 1.15,
        "overhead_ok": overhead <= 1.15,
        "speedup_vs_scipy": speedup,
        "speedup_goal": 20.0,
        "speedup_ok": speedup >= 20.0,
        "raw_roadrunner_sims_per_s": 1.0 / med["raw_roadrunner"],
        "scipy_bdf_sims_per_s": 1.0 / med["scipy_bdf"],
        "median_s_per_sim": med,
        "min_s_per_sim": {k: min(v) for k, v in times.items()},
        "rounds": args.rounds,
        "batch": {"stat3sim": args.batch, "raw_roadrunner": args.batch, "scipy_bdf": args.scipy_batch},
        "setup_s": {"Simulator(net)": t_compile_stat3sim, "raw RoadRunner(sbml)": t_compile_raw,
                    "reference.compile_network": t_compile_scipy, "net.with_stimulus": t_with_stimulus},
        "agreement": {"max_abs_diff_stat3sim_vs_raw": diff_raw,
                      "max_rel_diff_stat3sim_vs_scipy": diff_scipy_rel,
                      "scipy_nfev": c.meta["nfev"]},
        "settings": {"rtol": RTOL, "atol": ATOL, "presim_min": PRESIM_MIN, "scipy_method": "BDF",
                     "scipy_rtol": c.meta["rtol"], "scipy_atol": c.meta["atol"],
                     "n_species": len(net.species), "n_reactions": len(net.reactions),
                     "n_observables": len(net.observables)},
        "machine": {"python": sys.version.split()[0], "implementation": platform.python_implementation(),
                    "platform": platform.platform(), "cpu": _cpu_model(), "cpu_count": os.cpu_count(),
                    "roadrunner": roadrunner.__version__, "numpy": np.__version__, "scipy": scipy.__version__},
    }
    if args.profile or overhead > 1.15:
        out["profile_Simulator_run"] = _profile(run_stat3sim, 50)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
