#!/usr/bin/env python
"""Run ``stat3sim simulate --petab`` over the PEtab benchmark collection and compare.

For each problem of the collection (``$STAT3SIM_PETAB_BENCHMARKS`` or
``~/.cache/stat3sim/petab-benchmarks``; docs/petab.md says how to fetch it), in its own
process with a time limit: load and check it, simulate it at its nominal parameters,
compare with the collection's ``simulatedData_*.tsv`` (relative error per row, see
``stat3sim.petab.benchmarks.relative_errors``) and the negative log-likelihood with
AMICI's (``AMICI_LLH``). Prints a Markdown table, writes JSON with ``--out``.

    python scripts/petab_benchmarks.py --timeout 300 --out petab_benchmarks.json
    python scripts/petab_benchmarks.py Boehm_JProteomeRes2014 Bachmann_MSB2011
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

RTOL = 1e-3  # simulatedData agreement asked for
LLH_ATOL = 1e-2  # |our nllh + AMICI llh|


def one(name: str) -> dict:
    """Simulate one problem in this process; a dict for the table."""
    import numpy as np
    import pandas as pd

    from stat3sim.petab import PetabInputError, PetabSimulator, load_problem, negative_log_likelihood
    from stat3sim.petab import parameter_values
    from stat3sim.petab.benchmarks import AMICI_LLH, problem_yaml, relative_errors, simulated_data

    t0 = time.perf_counter()
    rec: dict = {"problem": name}
    try:
        problem = load_problem(problem_yaml(name))
        values = parameter_values(problem)
        simulator = PetabSimulator(problem)
    except PetabInputError as e:
        rec.update(status="rejected", reason=" | ".join(e.lines)[:600])
        return rec
    rec["compile_s"] = round(simulator.compile_seconds, 2)
    errors = simulator.noise_errors(values)
    sim = simulator.simulate(values)
    errors += simulator.noise_errors(values, sim)
    nllh, _ = negative_log_likelihood(problem.measurement_df, problem.observable_df,
                                      sim.table["simulation"].to_numpy(float), sim.sigma)
    rec.update(measurements=len(sim.table), failed=sim.failed, not_steady=sim.not_steady,
               nllh=nllh if np.isfinite(nllh) else None, noise_errors=errors[:3], simulate_s=round(sim.seconds, 2))
    ref_path = simulated_data(name)
    if ref_path is not None:
        rel = relative_errors(sim.table, pd.read_csv(ref_path, sep="\t"))
        ok = np.isfinite(rel)
        rec.update(compared=int(ok.sum()), reference_rows=len(rel),
                   max_rel=float(np.nanmax(rel)) if ok.any() else None,
                   within=int((rel[ok] <= RTOL).sum()))
    if name in AMICI_LLH:
        rec["amici_nllh"] = -AMICI_LLH[name]
    rec["seconds"] = round(time.perf_counter() - t0, 2)
    return rec


def verdict(r: dict) -> str:
    if r.get("status"):
        return r["status"]
    sim_ok = r.get("reference_rows") and r.get("within") == r.get("reference_rows")
    llh = r.get("amici_nllh")
    llh_ok = None if llh is None or r.get("nllh") is None else abs(r["nllh"] - llh) <= LLH_ATOL
    if r.get("failed"):
        return "simulation failed"
    if not r.get("reference_rows"):
        return "no simulatedData" + ("" if llh_ok is None else ", llh " + ("matches" if llh_ok else "differs"))
    if sim_ok:
        return "reproduces" + ("" if llh_ok is None else (", llh matches" if llh_ok else ", llh differs"))
    return "differs" + ("" if llh_ok is None else (", llh matches" if llh_ok else ", llh differs"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("problems", nargs="*", help="problem names (default: the whole collection)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per problem (default 300)")
    ap.add_argument("--out", type=Path, help="write the records as JSON")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    from stat3sim.petab.benchmarks import collection_dir, problems

    names = args.problems or problems()
    if not names:
        sys.exit(f"no PEtab benchmark collection in {collection_dir()} (set STAT3SIM_PETAB_BENCHMARKS)")
    records = []
    for name in names:
        t0 = time.perf_counter()
        try:
            p = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True,
                               timeout=args.timeout)
            lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
            r = json.loads(lines[-1]) if lines else {"problem": name, "status": "error",
                                                       "reason": " ".join(p.stderr.strip().splitlines()[-1:])[:600]}
        except subprocess.TimeoutExpired:
            r = {"problem": name, "status": f"timeout ({args.timeout:g} s)"}
        r.setdefault("seconds", round(time.perf_counter() - t0, 2))
        r["verdict"] = verdict(r)
        records.append(r)
        print(f"{name}: {r['verdict']}", file=sys.stderr, flush=True)
    print("| problem | rows within 1e-3 | max rel. error | nllh (ours) | nllh (AMICI) | s | verdict |")
    print("|---|---|---|---|---|---|---|")
    for r in records:
        within = f"{r['within']}/{r['reference_rows']}" if r.get("reference_rows") else "–"
        mx = f"{r['max_rel']:.1e}" if r.get("max_rel") is not None else "–"
        nl = f"{r['nllh']:.4f}" if r.get("nllh") is not None else "–"
        am = f"{r['amici_nllh']:.4f}" if r.get("amici_nllh") is not None else "–"
        print(f"| {r['problem']} | {within} | {mx} | {nl} | {am} | {r.get('seconds', '')} | {r['verdict']} |")
    if args.out:
        args.out.write_text(json.dumps(records, indent=1) + "\n")


if __name__ == "__main__":
    main()
