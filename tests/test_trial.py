"""`stat3sim trial`: a small virtual trial end to end (screening, enrolment, twins across
arms, RECIST, analysis, report), --resume, and bad input (one message, exit 2, nothing written)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
ARGS = ["napabucasin_pstat3", "--n", "10", "--seed", "2", "--workers", "2"]


def _cli(*args):
    env = dict(os.environ, PYTHONPATH=f"{SRC}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", "trial", *args], capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("trial") / "napa"
    r = _cli(*ARGS, "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r


def test_a_small_trial_writes_its_summary_report_and_figures(small):
    out, r = small
    s = json.loads((out / "summary.json").read_text())
    e = s["enrolment"]
    assert e["enrolled"] == 10 and e["screened"] >= e["plausible"] >= e["eligible"] >= 10
    for arm in ("placebo", "napabucasin"):
        a = s["arms"][arm]
        assert a["n"] == 10 and 0 <= a["orr"] <= 1 and a["orr_ci95"][0] <= a["orr"] <= a["orr_ci95"][1]
        assert sum(a["best_response"].values()) == 10 and "median_pfs_months" in a
    c = s["comparisons"][0]
    assert c["experimental"] == "napabucasin" and c["control"] == "placebo"
    assert {"hazard_ratio", "hazard_ratio_ci95", "logrank_p"} <= set(c) and "pstat3_high" in c["subgroups"]
    # the same ten patients in both arms: burned in once each, the arms started from the cache
    assert s["timing"]["burnins_from_cache_in_arms"] == 10
    table = pd.read_parquet(out / "patients.parquet")
    assert len(table) == 20 and set(table["patient"].value_counts()) == {2}
    html = (out / "report.html").read_text()
    assert "Published vs predicted" in html and html.count("data:image/png;base64") == 5
    for f in ("km.png", "waterfall.png", "spider.png", "swimmer.png", "forest.png"):
        assert (out / f).stat().st_size > 5000
    assert "placebo: n 10" in r.stdout


def test_resume_recomputes_nothing_and_gives_the_same_summary(small, tmp_path):
    out, _ = small
    r = _cli(*ARGS, "--out", str(out), "--resume")
    assert r.returncode == 0, r.stderr[-2000:]
    s = json.loads((out / "summary.json").read_text())
    assert s["timing"]["patients_screened_this_session"] == 0 and s["timing"]["patients_run_in_arms_this_session"] == 0
    assert "placebo: n 10" in r.stdout


@pytest.mark.parametrize("args, field", [
    (["no_such_design", "--n", "5"], "DESIGN"),
    (["napabucasin_pstat3", "--n", "0"], "--n"),
    (["napabucasin_pstat3", "--n", "5", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler"),
    (["napabucasin_pstat3", "--n", "5", "--screen", "2"], "--screen"),
])
def test_bad_input_one_message_exit_2_nothing_written(tmp_path, args, field, refused):
    out = tmp_path / "out"
    refused(_cli(*args, "--out", str(out)), field, out)


def test_a_bad_design_file_names_its_field(tmp_path):
    p = tmp_path / "d.yaml"
    p.write_text("name: x\ntitle: t\nsource: s\nscenario: tnbc\narms: [{name: a, regimens: ['nosuchdrug 5 mg po qd']}]\n"
                 "n_per_arm: 5\nfollowup_days: 100\n")
    r = _cli(str(p), "--out", str(tmp_path / "out"))
    assert r.returncode == 2 and "nosuchdrug" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_too_few_eligible_screens_a_further_batch_and_keeps_the_first(tmp_path):
    """--screen as small as --n: fewer patients are plausible than needed, so the trial
    screens a further batch of as many patients again after those it has (each patient is
    grown to diagnosis once), until N are eligible."""
    from stat3sim.cohort.runner import read_results

    design = tmp_path / "d.yaml"
    design.write_text("name: tiny\ntitle: untreated\nsource: test\nscenario: tnbc\n"
                      "arms: [{name: none, regimens: []}]\nn_per_arm: 4\nfollowup_days: 56\nimaging_every_weeks: 8\n")
    out = tmp_path / "out"
    r = _cli(str(design), "--n", "4", "--screen", "4", "--seed", "3", "--workers", "1", "--out", str(out))
    assert r.returncode == 0, r.stderr[-3000:]
    s = json.loads((out / "summary.json").read_text())
    n = s["enrolment"]["screened"]
    assert n in (8, 16, 32) and s["enrolment"]["enrolled"] == 4
    assert s["timing"]["patients_screened_this_session"] == n  # no patient screened twice
    screened = read_results(out / "screening")
    assert sorted(screened["patient_id"].unique()) == list(range(n))
    info = json.loads((out / "screening" / "cohort.json").read_text())
    assert info["n"] == 4 and sum(info["extensions"]) == n - 4
