"""Fit Boehm_JProteomeRes2014 with ``stat3sim fit`` and compare with its published optimum.

    PYTHONPATH=src python scripts/fit_boehm.py --starts 20 --seed 0 --workers 2 --out fit_boehm

The published optimum: the collection's parameter table gives the maximum-likelihood
estimates of Boehm et al. 2014 as republished by Hass et al. 2019 (Bioinformatics 35:3073,
"estimated parameters are provided"); their negative log-likelihood is 138.22199693517703
(AMICI's ``llh`` at the nominal parameters, −138.222, AMICI-dev/AMICI
tests/benchmark_models/benchmark_models.yaml; ``stat3sim.petab.benchmarks.AMICI_LLH``).
Passes (exit 0) when the best start is within 0.1 of it. Prints JSON. Minutes: on a
shared 2-core machine 20 starts took 426 s, the 9 profiles longer.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from stat3sim.petab.benchmarks import AMICI_LLH, collection_dir, problem_yaml

NAME = "Boehm_JProteomeRes2014"
PUBLISHED = -AMICI_LLH[NAME]
TOLERANCE = 0.1


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--no-profiles", action="store_true")
    args = ap.parse_args()
    yaml = problem_yaml(NAME, collection_dir())
    if not yaml.is_file():
        print(f"{yaml} not found: fetch the PEtab benchmark collection (docs/petab.md)", file=sys.stderr)
        return 2
    cmd = [sys.executable, "-m", "stat3sim.cli", "fit", str(yaml), "--starts", str(args.starts), "--seed",
           str(args.seed), "--workers", str(args.workers), "--out", str(args.out)]
    if args.no_profiles:
        cmd.append("--no-profiles")
    r = subprocess.run(cmd)
    if r.returncode:
        return r.returncode
    res = json.loads((args.out / "results.json").read_text())
    best = res["best"]["nllh"]
    out = {"problem": NAME, "best_nllh": best, "published_nllh": PUBLISHED, "difference": best - PUBLISHED,
           "within_0.1": abs(best - PUBLISHED) <= TOLERANCE or best < PUBLISHED,
           "starts": args.starts, "seed": args.seed, "workers": args.workers,
           "starts_within_0.1_of_best": res["starts_at_best"], "optimize_s": res["timing"]["optimize_s"],
           "profile_s": res["timing"]["profile_s"]}
    print(json.dumps(out, indent=2))
    return 0 if out["within_0.1"] else 1


if __name__ == "__main__":
    sys.exit(main())
