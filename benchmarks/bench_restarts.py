"""What a dose costs the solver: CVODE steps and CPU of one dosing interval of a treated run.

Issue 7 asks that a 180-day ``tnbc`` run with a q4w antibody or a bid oral drug cost at
most 2× the untreated run, and that the solver restart cleanly at each dose. This
benchmark measures, from the state of a treated ``runs.simulate`` run just before a dose
(the run's own network, tolerances and BDF order), one interval integrated

* ``continued``: without restarting CVODE at the interval's start and without a dose
  (the interval is the second half of one integration over two intervals; steps only);
* ``restarted``: after a restart, still without a dose — the cost of the restart alone;
* ``dosed``: after the dose and the restart, as the treated run does it;

and, for scale, the steps of the whole untreated 180-day run. The steps are counted from
libRoadRunner's variable-step output (one row per CVODE step); CPU is process time of the
single integration, median of ``--repeat``.

Prints ONE JSON object.

    .venv/bin/python benchmarks/bench_restarts.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from stat3sim import runs
from stat3sim.engine import roadrunner as E
from stat3sim.scenarios import load_scenario

REGIMENS = {"tocilizumab 8 mg/kg iv q4w": 56.0, "ruxolitinib 25 mg po bid": 2.0}  # regimen -> day of the dose


def _state_before_dose(sc, regimen: str, day: float):
    """The simulator of a treated run, its state at the dose on ``day`` (before it), and
    the dose itself."""
    cap = {}
    orig = E.Simulator._segments

    def keep(self, grid, sched):
        out = orig(self, grid, sched)
        cap.update(sim=self, sched=sched)
        return out

    E.Simulator._segments = keep
    try:
        runs.simulate(sc, runs.Arm(regimen, therapies=[regimen]), days=day)
    finally:
        E.Simulator._segments = orig
    sim = cap["sim"]
    # the run ends at the dose, which is therefore not in its schedule; the regimen's doses
    # are all alike, so the dose is the last one given
    t_last = max(t for t, _, _ in cap["sched"])
    doses = [(sid, v) for t, sid, v in cap["sched"] if t == t_last]
    y0 = np.array(sim.rr.model.getFloatingSpeciesAmounts())
    return sim, y0, float(sim.rr.model.getTime()), doses


def _integrate(sim, y0, t0, t1, doses=(), split: float | None = None):
    """(steps after ``split`` or all, CPU seconds) of one variable-step integration."""
    rr = sim.rr
    rr.model.setFloatingSpeciesAmounts(y0)
    rr.model.setTime(t0)
    if doses:
        sim._add(doses)
    rr.integrator.variable_step_size = True
    try:
        c0 = time.process_time()
        out = np.asarray(rr.simulate(t0, t1))
        cpu = time.process_time() - c0
    finally:
        rr.integrator.variable_step_size = False
    t = out[:, 0]
    steps = int(np.sum(t > split)) if split is not None else len(t) - 1
    return steps, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sc = load_scenario("tnbc")
    out = {"benchmark": "CVODE steps and CPU of one dosing interval of a treated tnbc run: continued, "
                        "restarted without a dose, restarted with the dose", "regimens": {}}
    for regimen, day in REGIMENS.items():
        sim, y0, t0, doses = _state_before_dose(sc, regimen, day)
        tau = (28.0 if "q4w" in regimen else 0.5) * 1440.0
        res = {}
        # continued: two intervals from the pre-dose state without a dose, steps of the second
        ways = {"continued": lambda: _integrate(sim, y0, t0, t0 + 2 * tau, split=t0 + tau),
                "restarted": lambda: _integrate(sim, y0, t0, t0 + tau),
                "dosed": lambda: _integrate(sim, y0, t0, t0 + tau, doses)}
        for name, fn in ways.items():
            ms = [fn() for _ in range(args.repeat)]
            res[name] = {"steps": ms[0][0]}
            if name != "continued":  # its CPU covers two intervals
                res[name]["cpu_seconds"] = statistics.median(m[1] for m in ms)
        res["interval_days"] = tau / 1440.0
        res["doses_in_180_days"] = int(round(180 * 1440.0 / tau))
        res["restart_steps_times_doses"] = res["restarted"]["steps"] * res["doses_in_180_days"]
        out["regimens"][regimen] = res
    # the untreated run, for scale: steps of the 180 days after the pre-simulation
    cap = {}
    orig_run = E.Simulator.run

    def count(self, *a, **k):
        res = orig_run(self, *a, **k)
        cap["sim"] = self
        return res

    E.Simulator.run = count
    try:
        runs.simulate(sc, days=1.0)
    finally:
        E.Simulator.run = orig_run
    sim = cap["sim"]
    y0 = np.array(sim.rr.model.getFloatingSpeciesAmounts())
    steps, cpu = _integrate(sim, y0, 1440.0, 181 * 1440.0)
    out["untreated_180_days"] = {"steps": steps, "cpu_seconds": cpu}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
