"""Provenance and reload: summary.json of a `run` records what re-creates the run, and
`stat3sim rerun DIR` re-creates it from that alone and checks that the numbers agree.

Runs go through a subprocess (as users run them); bad inputs run in-process.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim.cli import app

SHORT = ("--days", "20", "--no-therapy", "--no-claims", "--jobs", "1")


def stat3sim(*args, cwd: Path, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def files_under(path: Path) -> list[Path]:
    return sorted(path.rglob("*"))


@pytest.fixture(scope="module")
def short_run(tmp_path_factory) -> Path:
    """`stat3sim run tnbc --days 20 --no-therapy --no-claims` (five arms, a few seconds)."""
    cwd = tmp_path_factory.mktemp("run")
    r = stat3sim("run", "tnbc", *SHORT, "--out", "short", cwd=cwd)
    assert r.returncode == 0, r.stderr[-2000:]
    return cwd / "short"


def test_summary_records_what_recreates_the_run(short_run):
    s = json.loads((short_run / "summary.json").read_text())
    rec = s["provenance"]
    from stat3sim import __version__
    from stat3sim.engine.roadrunner import POPULATION_ATOL, POPULATION_RTOL

    assert rec["software"]["stat3sim"] == __version__
    assert "git_commit" in rec["software"]  # a sha in a checkout, None without git (see below)
    assert rec["software"]["command"].startswith("stat3sim run tnbc")
    assert rec["scenario"]["name"] == "tnbc" and rec["scenario"]["days"] == 20
    assert rec["scenario"]["subtype"] == "tnbc" and "parameters" in rec["scenario"]
    assert rec["options"] == {"days": 20.0, "points_per_day": 1, "claims": False, "therapy": False,
                              "standard_arms": True, "jobs": 1, "translation": False}
    assert [a["name"] for a in rec["arms"]] == [a["name"] for a in s["arms"]]
    assert rec["arms"][1]["knockouts"] == ["tumor:STAT3"]
    assert rec["patient"] == {"weight_kg": 70.0, "bsa_m2": 1.8}
    assert rec["initial_cells"]["tumor"] > 0 and set(rec["initial_cells"]) >= {"tumor", "cd8", "macrophage"}
    assert rec["solver"]["rtol"] == POPULATION_RTOL and rec["solver"]["atol"] == POPULATION_ATOL
    assert rec["solver"]["seed"] is None and "deterministic" in rec["solver"]["seed_note"]


def test_rerun_reproduces_the_day_end_table(short_run, tmp_path):
    r = stat3sim("rerun", short_run, "--out", tmp_path / "again", "--jobs", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "5 of 5 arms agree at day 20 within rtol 1e-06" in r.stdout
    check = json.loads((tmp_path / "again" / "rerun_check.json").read_text())
    assert check["agree"] and len(check["arms"]) == 5 and all(a["ok"] for a in check["arms"])
    a = pd.read_parquet(short_run / "timecourses.parquet").groupby("arm", sort=False).tail(1)
    b = pd.read_parquet(tmp_path / "again" / "timecourses.parquet").groupby("arm", sort=False).tail(1)
    assert list(a["arm"]) == list(b["arm"])
    num = [c for c in a.columns if c != "arm"]
    pd.testing.assert_frame_equal(a[num].reset_index(drop=True), b[num].reset_index(drop=True), rtol=1e-6)


def test_rerun_detects_numbers_that_differ(short_run, tmp_path):
    """A run whose recorded day-end value is changed by 1e-4 (relative) no longer agrees: exit 1,
    naming the arm and the readout."""
    import shutil

    run = tmp_path / "tampered"
    shutil.copytree(short_run, run, ignore=shutil.ignore_patterns("rerun"))
    t = pd.read_parquet(run / "timecourses.parquet")
    last = t.index[t["arm"] == "myeloid STAT3 KO"][-1]
    t.loc[last, "tumor_volume_mm3"] *= 1 + 1e-4
    t.to_parquet(run / "timecourses.parquet", index=False)
    r = stat3sim("rerun", run, "--jobs", "1", cwd=tmp_path)
    assert r.returncode == 1, r.stdout[-2000:] + r.stderr[-2000:]
    assert "myeloid STAT3 KO: DIFFERS: tumor_volume_mm3" in r.stdout
    assert "4 of 5 arms agree" in r.stdout
    assert "arms differ from the recorded run" in r.stderr
    # a looser tolerance accepts it
    r = stat3sim("rerun", run, "--jobs", "1", "--rtol", "1e-3", "--out", tmp_path / "loose", cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:]


def test_rerun_without_the_yaml_it_came_from(tmp_path):
    """A user scenario (parameter override, cells, patient, a knock-out comparison and a treated
    arm) is re-created from summary.json after its file is gone."""
    f = tmp_path / "mine.yaml"
    f.write_text("name: mine\nsubtype: luminal_b\ndays: 14\nparameters: {k_tumor_prolif: 0.02}\n"
                 "cells: {cd8: 6.0e+6}\npatient: {weight_kg: 60, bsa_m2: 1.6}\n"
                 "comparisons:\n  - {name: no CD4, depletions: [cd4]}\n"
                 "  - {name: toci, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n", encoding="utf-8")
    r = stat3sim("run", f, "--no-claims", "--jobs", "1", "--out", "res", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-2000:]
    rec = json.loads((tmp_path / "res" / "summary.json").read_text())["provenance"]
    assert rec["scenario"]["parameters"] == {"k_tumor_prolif": 0.02}
    assert rec["patient"] == {"weight_kg": 60.0, "bsa_m2": 1.6}
    assert rec["initial_cells"]["cd8"] > 0
    assert rec["regimens"]["tocilizumab 8 mg/kg iv q4w"]["dose_mg"] == pytest.approx(480.0)
    assert rec["regimens"]["tocilizumab 8 mg/kg iv q4w"]["interval_days"] == 28
    assert [a["name"] for a in rec["therapy_arms"]] == ["no treatment", "toci"]
    f.unlink()
    r = stat3sim("rerun", "res", "--jobs", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "4 of 4 arms agree at day 14" in r.stdout  # wild type, no CD4; no treatment, toci
    assert (tmp_path / "res" / "rerun" / "therapy_timecourses.parquet").is_file()


def test_git_commit_is_none_without_git(tmp_path, monkeypatch):
    from stat3sim import provenance

    assert provenance.git_commit(tmp_path) == {"commit": None, "dirty": None}  # not a checkout
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on the path
    sw = provenance.software()
    assert sw["git_commit"] is None and sw["stat3sim"]


def _summary_without_record(tmp_path: Path) -> Path:
    d = tmp_path / "old"
    d.mkdir()
    (d / "summary.json").write_text(json.dumps({"scenario": "tnbc", "arms": []}))
    return d


@pytest.mark.parametrize("case,words", [
    ("missing", ["DIR", "not a directory"]),
    ("no summary", ["DIR", "no summary.json"]),
    ("no record", ["DIR", "no run record"]),
    ("out is DIR", ["--out", "the run directory itself"]),
    ("bad rtol", ["--rtol", "between 0 and 1"]),
])
def test_rerun_bad_input_is_exit_2_nothing_written(case, words, tmp_path, monkeypatch):
    old = _summary_without_record(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    args = {"missing": ["rerun", "nowhere"], "no summary": ["rerun", "empty"], "no record": ["rerun", "old"],
            "out is DIR": ["rerun", "old", "--out", "old"], "bad rtol": ["rerun", "old", "--rtol", "0"]}[case]
    if case == "out is DIR":  # a record that loads, so that the --out check is what stops it
        (old / "summary.json").write_text(json.dumps({"provenance": {"scenario": {"name": "tnbc"}, "arms": []}}))
        (old / "timecourses.csv").write_text("arm,time_days\nwild type,0\n")
    before = files_under(tmp_path)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line and line.startswith("stat3sim rerun: error: "), line
    for w in words:
        assert w in line, (w, line)
    assert files_under(tmp_path) == before
