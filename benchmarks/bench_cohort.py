"""Speed of virtual cohorts (``stat3sim cohort``): patients per second on 1 and 2 Dask
workers, cost against plain libRoadRunner, compiles, the burn-in's share and the saving
from reusing it across arms.

The workload: ``--n`` tnbc patients from the shipped distributions (seed ``--seed``),
each grown to its own diagnosis (``cohort.burnin``), filtered for plausibility, then the
"no treatment" arm for ``--days`` days from the state at diagnosis.

* ``patients_per_s``: {"1": …, "2": …} patients over the wall time of ``runner.execute``
  on a local cluster of 1 and 2 worker processes (cluster start excluded, each worker's
  model setup included); ``speedup_2_workers`` their ratio (goal ≥ 1.7).
* ``cost_vs_raw_roadrunner``: CPU of ``runner.run_patient`` in this process over a plain
  loop of libRoadRunner calls doing the same solves (the same compiled models, settle,
  growth on the same grid, the crossing, the arm run), median over the patients (goal
  ≤ 1.2). ``seconds_per_patient`` / ``seconds_per_patient_raw``: the medians.
* ``compiles``: model setups (compiled, or loaded from the disk cache) over both cluster
  runs, and per worker.
* ``cost_vs_nominal_patient``: the median patient's CPU over the nominal patient's (every
  parameter at the model's value) through the same path (goal ≤ 1.2).
* ``peak_rss_mb``: peak resident memory of the client and the largest worker per cluster
  run; with ``--memory-n N`` also of an N-patient cohort (``memory``; flat in N: results
  stream to Parquet parts).
* ``burnin_share``: burn-in CPU over patient CPU (in-process, "no treatment" only);
  ``arm_reuse_saving``: with the arms ``--arms`` (no treatment + tocilizumab), the CPU
  saved by burning each patient in once instead of once per arm, over the cost without reuse.

Prints ONE JSON object.

    .venv/bin/python benchmarks/bench_cohort.py [--n 40] [--days 180] [--seed 1]
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np


def _raw_patient(burn_sim, arm_sim, theta, diameter, days, state_of):
    """The same solves as run_patient's, by hand on the compiled models."""
    from stat3sim.cohort.burnin import CHUNK_DAYS, SETTLE_DAYS, STEP_DAYS, POPULATION

    def prepared(sim, growth_on):
        rr = sim.rr
        rr.integrator.relative_tolerance = POPULATION.rtol
        rr.integrator.absolute_tolerance = POPULATION.atol
        rr.integrator.maximum_bdf_order = POPULATION.max_order
        for k, v in {**theta, "growth_on": growth_on}.items():
            rr[k] = v
        rr.reset()
        return rr

    rr = prepared(burn_sim, 0.0)
    rr.simulate(times=[-SETTLE_DAYS * 1440.0, 0.0])
    rr["growth_on"] = 1.0
    step = STEP_DAYS * 1440.0
    grid = np.arange(0.0, CHUNK_DAYS * 1440.0 + step / 2, step)
    t = 0.0
    col = burn_sim.columns.index(next(c for c, lab in zip(burn_sim.columns, burn_sim._labels())
                                      if lab == "tumor_diameter_mm")) + 1
    while True:
        out = np.asarray(rr.simulate(times=(t + grid).tolist()))
        hit = np.nonzero(out[:, col] >= diameter)[0]
        if hit.size or t > 3650 * 1440.0:
            break
        t = out[-1, 0]
    if not hit.size:
        return
    i = int(hit[0])
    m = rr.model
    n = len(burn_sim.species)
    row = out[i - 1, 1:1 + n]
    a, b = out[i - 1, 0], out[i, 0]
    th = a + (diameter - out[i - 1, col]) / (out[i, col] - out[i - 1, col]) * (b - a)
    state = state_of(row)
    _set(burn_sim, state)
    last = np.asarray(rr.simulate(times=[0.0, th - a]))
    state = state_of(last[-1, 1:1 + n])
    arr = prepared(arm_sim, 1.0)
    _set(arm_sim, state)
    arr.simulate(times=(np.arange(0.0, days + 1.0) * 1440.0).tolist())


def _set(sim, state):
    m = sim.rr.model
    amt = [(i, state[s]) for i, s in enumerate(sim.species) if s in sim._amount and s in state]
    conc = [(i, state[s]) for i, s in enumerate(sim.species) if s not in sim._amount and s in state]
    m.setFloatingSpeciesAmounts([i for i, _ in amt], [v for _, v in amt])
    m.setFloatingSpeciesConcentrations([i for i, _ in conc], [v for _, v in conc])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--days", type=float, default=180.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--memory-n", type=int, default=0, help="also measure peak memory on a cohort of this size")
    args = ap.parse_args()

    import tempfile
    from pathlib import Path

    from stat3sim.cohort import ArmPlan, execute, prepare, run_patient, session
    from stat3sim.cohort import runner
    from stat3sim.scenarios import load_scenario

    sc = load_scenario("tnbc")
    out: dict = {"n": args.n, "days": args.days, "seed": args.seed, "cpu_count": os.cpu_count(),
                 "load_average_at_start": os.getloadavg()}
    rates, compiles, per_worker = {}, 0, {}
    for k in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            plan, patients, _ = prepare(sc, args.n, args.seed, days=args.days, out=Path(tmp))
            plan = runner.CohortPlan(**{**plan.__dict__, "burnin_dir": None})
            with session(k) as client:
                s = execute(plan, patients, Path(tmp), client)
        rates[str(k)] = args.n / s["wall_s"]
        out.setdefault("peak_rss_mb", {})[str(k)] = s["peak_rss_mb"]
        compiles += s["compiles"]
        per_worker[str(k)] = s["compiles"] / s["workers"]
    out["patients_per_s"] = rates
    out["speedup_2_workers"] = rates["2"] / rates["1"]
    out["compiles"] = compiles
    out["compiles_per_worker"] = per_worker

    # in-process: our layer against a plain libRoadRunner loop, interleaved
    plan, patients, _ = prepare(sc, args.n, args.seed, days=args.days)
    run_patient(plan, patients.iloc[0].to_dict())  # set-up
    m = runner._models(plan)
    arm_sim = m.arms["no treatment"][1]
    ids = m.burn_sim.species

    def state_of(row):
        return dict(zip(ids, row.tolist()))

    ours, raw, burn_share = [], [], []
    for rec in patients.to_dict("records"):
        theta = {k: v for k, v in rec.items() if k not in ("patient_id", "bsa_m2") and k not in plan.covariates}
        c0 = time.process_time()
        r = run_patient(plan, rec)
        c1 = time.process_time()
        try:
            _raw_patient(m.burn_sim, arm_sim, theta, rec["diagnosis_diameter_mm"], args.days, state_of)
        except RuntimeError:  # the hand-written loop has no retry at safer settings: leave the patient out
            continue
        c2 = time.process_time()
        if r["rows"][0]["status"] == "ok" and not r["rows"][0]["retried"]:
            ours.append(c1 - c0)
            raw.append(c2 - c1)
            burn_share.append(r["stats"]["burnin_s"] / r["stats"]["total_s"])
    out["patients_ok_in_process"] = len(ours)
    out["seconds_per_patient"] = float(np.median(ours))
    out["seconds_per_patient_raw"] = float(np.median(raw))
    out["cost_vs_raw_roadrunner"] = float(np.median(np.array(ours) / np.array(raw)))
    out["burnin_share"] = float(np.median(burn_share))
    # the nominal patient (every parameter at the model's value, 25 mm) through the same path
    nominal = []
    for _ in range(3):
        c0 = time.process_time()
        run_patient(plan, {"patient_id": -1})
        nominal.append(time.process_time() - c0)
    out["seconds_nominal_patient"] = float(np.median(nominal))
    out["cost_vs_nominal_patient"] = out["seconds_per_patient"] / out["seconds_nominal_patient"]

    # reuse across arms: no treatment + tocilizumab
    plan2, patients2, _ = prepare(sc, min(args.n, 12), args.seed, days=args.days,
                                  arms=(ArmPlan("no treatment"), ArmPlan("tocilizumab", ("tocilizumab 8 mg/kg iv q4w",))))
    run_patient(plan2, patients2.iloc[0].to_dict())
    b_s, a_s = [], []
    for rec in patients2.to_dict("records"):
        r = run_patient(plan2, rec)
        if all(row["status"] == "ok" for row in r["rows"]):
            b_s.append(r["stats"]["burnin_s"])
            a_s.append(r["stats"]["arms_s"])
    with_reuse = sum(b_s) + sum(a_s)
    without = 2 * sum(b_s) + sum(a_s)
    out["arm_reuse_patients"] = len(b_s)
    out["arm_reuse_saving"] = (without - with_reuse) / without if without else None
    if args.memory_n:
        # memory flat in N: a cohort of --memory-n patients (1 day of treatment after each
        # diagnosis; results streamed to Parquet parts), peak resident memory of the client
        # and of each worker
        with tempfile.TemporaryDirectory() as tmp:
            plan, patients, _ = prepare(sc, args.memory_n, args.seed, days=1.0, out=Path(tmp))
            with session(2) as client:
                s = execute(plan, patients, Path(tmp), client)
        out["memory"] = {"n": args.memory_n, "peak_rss_mb": s["peak_rss_mb"], "wall_s": s["wall_s"]}
    out["load_average_at_end"] = os.getloadavg()
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
