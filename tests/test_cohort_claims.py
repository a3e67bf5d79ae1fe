"""The cohort claims (COH-1 … COH-3, THx-8) run end to end on small virtual trials
(STAT3SIM_COHORT_N=15 patients per arm; `stat3sim validate --area cohort` uses 120) and
report their numbers; THx-5 at cohort level (a bid oral drug for every patient) runs in
`validate` only."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
IDS = ["COH-1", "COH-2", "COH-3", "THx-8"]
CODE = ("import json, sys; from stat3sim.claims.registry import run_claims; "
        "print(json.dumps([r.as_dict() for r in run_claims(area='cohort', ids=sys.argv[1:])]))")


@pytest.fixture(scope="module")
def results():
    env = dict(os.environ, STAT3SIM_COHORT_N="15",
               PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    r = subprocess.run([sys.executable, "-c", CODE, *IDS], capture_output=True, text=True, env=env, timeout=1200)
    assert r.returncode == 0, r.stderr[-3000:]
    return {d["id"]: d for d in json.loads(r.stdout.strip().splitlines()[-1])}


@pytest.mark.parametrize("cid", IDS)
def test_cohort_claim_runs_and_reports_its_numbers(results, cid):
    d = results[cid]
    assert not d.get("error"), d.get("error")
    assert d["area"] == "cohort" and d["observed"]
    nums = [v for v in d["observed"].values() if isinstance(v, (int, float))]
    assert nums, d["observed"]


def test_coh_claims_read_tertiles_of_the_same_trial(results):
    o1, o2, o3 = (results[c]["observed"] for c in ("COH-1", "COH-2", "COH-3"))
    # tertiles of 15 patients: 5 each (ties aside)
    assert 4 <= o1["pfs_n_top"] <= 7 and 4 <= o2["n_top"] <= 7 and 4 <= o3["n_top"] <= 7
    assert o1["patients_with_bone_metastasis"] + o1["patients_without"] == 15
