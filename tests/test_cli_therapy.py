"""``stat3sim drugs`` and ``stat3sim pk``: bad inputs in-process (one line, exit 2, nothing
written), one real run through a subprocess, as users run it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim.cli import app


def invoke(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_drugs_table_and_json():
    r = invoke("drugs")
    assert r.exit_code == 0 and "tocilizumab" in r.stdout and "ruxolitinib" in r.stdout
    r = invoke("drugs", "--json")
    data = json.loads(r.stdout)
    toci = next(d for d in data if d["name"] == "tocilizumab")
    assert toci["class"] == "antibody" and toci["dosable"] is True
    assert toci["pk"]["CL"] == {"value": 0.252, "unit": "L/day", "source": toci["pk"]["CL"]["source"]}


@pytest.mark.parametrize("args,words", [
    (["--therapy", "tocilizumb 8 mg/kg iv q4w", "--days", "10"], "did you mean tocilizumab"),
    (["--therapy", "tocilizumab 8 mg/kg ix q4w", "--days", "10"], "unknown route 'ix'"),
    (["--therapy", "tocilizumab 8 mg/kq iv q4w", "--days", "10"], "unknown dose unit"),
    (["--therapy", "tocilizumab -8 mg/kg iv q4w", "--days", "10"], "positive"),
    (["--therapy", "tocilizumab 8 mg/kg iv q4w x0", "--days", "10"], "≥ 1"),
    (["--therapy", "tocilizumab 8 mg/kg iv q4w", "--days", "0"], "--days"),
    (["--therapy", "tocilizumab 8 mg/kg iv q4w", "--days", "10", "--weight-kg", "5"], "--weight-kg"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, args, words):
    out = tmp_path / "pk.csv"
    r = invoke("pk", *args, "--out", out)
    assert r.exit_code == 2, r.output
    assert words in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_pk_run_writes_csv_and_plot(tmp_path: Path):
    out, png = tmp_path / "pk.csv", tmp_path / "pk.png"
    p = subprocess.run([sys.executable, "-m", "stat3sim.cli", "pk", "--therapy", "tocilizumab 8 mg/kg iv q4w",
                        "--therapy", "ruxolitinib 20 mg po bid", "--days", "56", "--out", str(out), "--plot", str(png)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    df = pd.read_csv(out)
    assert list(df.columns[:2]) == ["time_days", "tocilizumab_plasma_ug_mL"]
    assert "ruxolitinib_plasma_ng_mL" in df.columns and "tocilizumab_tumor_nM" in df.columns
    assert df.time_days.iloc[-1] == 56
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pk_with_a_constant_exposure_and_a_cycle(tmp_path: Path):
    out, png = tmp_path / "x.csv", tmp_path / "x.png"
    r = invoke("pk", "--therapy", "SD-36 1 uM continuous @day7", "--therapy", "galunisertib 150 mg po bid 14d on 14d off",
               "--days", "28", "--points-per-day", "2", "--out", out, "--plot", png)
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out).set_index("time_days")
    assert df.loc[6.5, "SD-36_exposure_nM"] == 0 and df.loc[7.0, "SD-36_tumor_nM"] == 1000
    assert "galunisertib_plasma_ng_mL" in df.columns
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("text,words", [
    ("SD-36 5 mM continuous", "unknown dose unit"),
    ("SD-36 2000 uM continuous", "1 mM"),
    ("SD-36 -1 nM continuous", "positive"),
    ("SD-36 10 mg po qd", "constant exposure"),
])
def test_bad_exposure_is_one_line_exit_2_and_nothing_written(tmp_path, text, words):
    out = tmp_path / "pk.csv"
    r = invoke("pk", "--therapy", text, "--days", "10", "--out", out)
    assert r.exit_code == 2, r.output
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()
