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

Where libRoadRunner's CVODE memory can be read (libroadrunner 2.10 exports
``CVODEIntegrator::getCvodeMemory`` and the SUNDIALS getters), each integration also
reports CVODE's own counters: ``cvode.steps``, ``rhs_evals`` (Newton iterations),
``jacobian_evals`` and ``jacobian_rhs_evals`` (the finite-difference Jacobian: one
right-hand side per state) and ``lu_factorisations`` (linear-solver setups: one dense LU
each). ``bid_180_days`` runs the whole 180-day ``tnbc`` run (``runs.simulate``) untreated
and with ruxolitinib 25 mg po bid, median CPU of ``min(--repeat, 3)`` after a warm-up,
with the counters summed over the treated run's integration segments;
``bid_vs_untreated`` is their CPU ratio (goal ≤ 20, issue 18).

Prints ONE JSON object.

    .venv/bin/python benchmarks/bench_restarts.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import ctypes
import json
import statistics
import time

import numpy as np
import roadrunner

from stat3sim import runs
from stat3sim.engine import roadrunner as E
from stat3sim.scenarios import load_scenario

REGIMENS = {"tocilizumab 8 mg/kg iv q4w": 56.0, "ruxolitinib 25 mg po bid": 2.0}  # regimen -> day of the dose
BID = "ruxolitinib 25 mg po bid"
#: CVODE counters read after an integration (reset by each restart): JSON name -> SUNDIALS getter
COUNTERS = {"steps": "CVodeGetNumSteps", "rhs_evals": "CVodeGetNumRhsEvals",
            "jacobian_evals": "CVodeGetNumJacEvals", "jacobian_rhs_evals": "CVodeGetNumLinRhsEvals",
            "lu_factorisations": "CVodeGetNumLinSolvSetups"}


def _cvode_lib():
    """libRoadRunner's extension module with its CVODE memory getter, or None (another
    libRoadRunner build: the counters are then left out)."""
    try:
        lib = ctypes.CDLL(roadrunner._roadrunner.__file__)
        get = lib._ZNK2rr15CVODEIntegrator14getCvodeMemoryEv
        get.restype, get.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
        for fn in COUNTERS.values():
            getattr(lib, fn).argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_long)]
        return lib
    except (AttributeError, OSError):
        return None


_LIB = _cvode_lib()


def counters(rr) -> dict | None:
    """CVODE's counters since its last restart (``COUNTERS``), or None where unreadable."""
    if _LIB is None or rr.integrator.getName() != "cvode":
        return None
    mem = _LIB._ZNK2rr15CVODEIntegrator14getCvodeMemoryEv(int(rr.integrator.this))
    if not mem:
        return None
    out = {}
    for name, fn in COUNTERS.items():
        v = ctypes.c_long()
        if getattr(_LIB, fn)(ctypes.c_void_p(mem), ctypes.byref(v)) != 0:
            return None
        out[name] = v.value
    return out


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
    """(steps after ``split`` or all, CPU seconds, CVODE counters) of one variable-step
    integration."""
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
    return steps, cpu, counters(rr)


def _whole_runs(sc, repeat: int) -> dict:
    """CPU of the untreated and the bid 180-day runs (``runs.simulate`` end to end) and the
    CVODE counters summed over the bid run's integration segments."""
    arm = runs.Arm(BID, therapies=[BID])
    total: dict = {}
    real = roadrunner.RoadRunner.simulate
    orig_solve = E.Simulator._solve

    def counted(self, *a, **k):
        out = real(self, *a, **k)
        c = counters(self)
        for key, v in (c or {}).items():
            total[key] = total.get(key, 0) + v
        total["segments"] = total.get("segments", 0) + 1
        return out

    def solve(self, grid, sched):
        roadrunner.RoadRunner.simulate = counted
        try:
            return orig_solve(self, grid, sched)
        finally:
            roadrunner.RoadRunner.simulate = real

    out = {}
    for name, a in (("untreated", None), ("bid", arm)):
        runs.simulate(sc, a, days=5.0)  # compile, warm
        cpu = []
        for _ in range(max(1, min(repeat, 3))):
            total.clear()
            E.Simulator._solve = solve
            try:
                c0 = time.process_time()
                res = runs.simulate(sc, a, days=180.0)
                cpu.append(time.process_time() - c0)
            finally:
                E.Simulator._solve = orig_solve
            assert res.ok, res.message
        out[name] = {"cpu_seconds": statistics.median(cpu), "cpu_all": cpu}
        if total.get("steps"):
            out[name]["cvode_integration"] = dict(total)
    out["regimen"] = BID
    return out


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
            if name != "continued":  # its CPU and counters cover two intervals
                res[name]["cpu_seconds"] = statistics.median(m[1] for m in ms)
                if ms[0][2] is not None:
                    res[name]["cvode"] = ms[0][2]
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
    steps, cpu, cvode = _integrate(sim, y0, 1440.0, 181 * 1440.0)
    out["untreated_180_days"] = {"steps": steps, "cpu_seconds": cpu}
    if cvode is not None:
        out["untreated_180_days"]["cvode"] = cvode
    whole = _whole_runs(sc, args.repeat)
    out["bid_180_days"] = whole
    out["bid_vs_untreated"] = whole["bid"]["cpu_seconds"] / whole["untreated"]["cpu_seconds"]
    out["bid_vs_untreated_goal"] = 20.0
    out["cvode_counters"] = "read from libRoadRunner's CVODE memory" if _LIB is not None else \
        "unavailable in this libRoadRunner build (steps from the variable-step output only)"
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
