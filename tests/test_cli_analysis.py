"""``stat3sim dose-response`` and ``stat3sim combo``: bad inputs in-process (one line, exit 2,
nothing written); short real runs (few concentrations, a 2 × 2 grid, 20 days)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim.cli import app

TOCI, SILT = "tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("args,words", [
    (["--drug", "ruxolitinb"], "did you mean ruxolitinib"),
    (["--drug", "ruxolitinib", "--cell", "neuron"], "--cell: unknown cell type 'neuron'"),
    (["--drug", "ruxolitinib", "--readout", "pSTAT9"], "--readout: unknown readout 'pSTAT9'"),
    (["--drug", "ruxolitinib", "--minutes", "0"], "--minutes"),
    (["--drug", "ruxolitinib", "--stimulus", "IL6=1mg"], "--stimulus"),
    (["--drug", "ruxolitinib", "--concentrations", "1,x"], "--concentrations"),
    (["--drug", "ruxolitinib", "--concentrations", "-1,2"], "--concentrations"),
    (["--drug", "celecoxib"], "does not act on a tumor cell"),
    (["--drug", "ruxolitinib", "--plot", "fig.gif"], "--plot"),
])
def test_dose_response_bad_input(tmp_path, args, words):
    out = tmp_path / "dr.csv"
    r = invoke("dose-response", *args, "--out", out)
    assert r.exit_code == 2, r.output
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("args,words", [
    (["--therapy", TOCI, "--scenario", "tnbc"], "exactly two --therapy, got 1"),
    (["--therapy", TOCI, "--therapy", SILT, "--therapy", "ruxolitinib 20 mg po bid", "--scenario", "tnbc"],
     "exactly two --therapy, got 3"),
    (["--therapy", TOCI, "--therapy", SILT], "either --scenario"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbx"], "did you mean 'tnbc'"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--readout", "tumour"], "--readout"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--grid", "0,a"], "--grid: malformed"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--grid", "0,-1"], "--grid"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--grid", "0,1,50"], "limit"),
    (["--therapy", "tocilizumb 8 mg/kg iv q4w", "--therapy", SILT, "--scenario", "tnbc"], "did you mean tocilizumab"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--days", "-3"], "--days"),
    (["--therapy", TOCI, "--therapy", SILT, "--cell", "tumor"], "constant exposures"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--jobs", "-2"], "--jobs"),
    (["--therapy", TOCI, "--therapy", SILT, "--scenario", "tnbc", "--jobs", "65"], "--jobs"),
])
def test_combo_bad_input(tmp_path, args, words):
    out, png = tmp_path / "m.csv", tmp_path / "m.png"
    r = invoke("combo", *args, "--out", out, "--plot", png)
    assert r.exit_code == 2, r.output
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists() and not png.exists()


def test_dose_response_json_csv_plot(tmp_path: Path):
    out, png = tmp_path / "dr.csv", tmp_path / "dr.png"
    r = invoke("dose-response", "--drug", "ruxolitinib", "--concentrations", "10,50,150,500,2000,20000",
               "--json", "--out", out, "--plot", png)
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["drug"] == "ruxolitinib" and d["cell"] == "tumor" and d["readout"] == "pSTAT3"
    assert d["fit"]["status"] == "fitted" and d["fit"]["ic50_ci95_nM"][0] < d["fit"]["ic50_nM"]
    assert d["points"][0]["concentration_nM"] == 0 and d["points"][0]["response"] == 1
    df = pd.read_csv(out)
    assert list(df.columns) == ["concentration_nM", "readout_t0", "readout_t", "solver_ok", "response"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_combo_scenario_2x2_subprocess(tmp_path: Path):
    out, png = tmp_path / "m.csv", tmp_path / "m.png"
    p = subprocess.run([sys.executable, "-m", "stat3sim.cli", "combo", "--therapy", TOCI, "--therapy", SILT,
                        "--scenario", "tnbc", "--days", "20", "--grid", "0,1", "--json", "--out", str(out),
                        "--plot", str(png)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert d["grid_a"] == [0, 1] and len(d["effect_matrix"]) == 2 and d["effect_matrix"][0][0] == 0
    assert d["bliss_excess"][0][0] is None and isinstance(d["bliss_excess"][1][1], float)
    assert d["loewe_excess"][1][1] is None and "3 non-zero doses" in d["loewe_message"]
    assert len(pd.read_csv(out)) == 4 and png.read_bytes()[:4] == b"\x89PNG"


# ------------------------------------------------ simulate --scenario --therapy
@pytest.mark.parametrize("args,words", [
    (["--scenario", "tnbc", "--therapy", "tocilizumb 8 mg/kg iv q4w"], "did you mean tocilizumab"),
    (["--scenario", "tnbc", "--therapy", "tocilizumab 8 mg/kg ix q4w"], "unknown route 'ix'"),
    (["--scenario", "tnbc", "--therapy", TOCI, "--therapy", "tocilizumab 4 mg/kg iv q2w"], "given twice"),
    (["--therapy", TOCI], "--therapy: needs --scenario"),
])
def test_simulate_therapy_bad_input(tmp_path, args, words):
    out = tmp_path / "s.csv"
    r = invoke("simulate", *args, "--out", out)
    assert r.exit_code == 2, r.output
    assert words in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_simulate_scenario_with_therapy(tmp_path: Path):
    out = tmp_path / "s.csv"
    r = invoke("simulate", "--scenario", "tnbc", "--days", "20", "--therapy", TOCI, "--out", out)
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out)
    assert df.time_days.iloc[-1] == 20 and "tocilizumab_plasma_ug_mL" in df.columns
    assert df.tocilizumab_plasma_ug_mL.iloc[1] > 50  # 8 mg/kg: label Cmax after the first dose ~ 180 ug/mL


# ------------------------------------------------------ run: therapy arms
def test_tnbc_therapy_arms_parse_and_other_scenarios_have_none():
    from stat3sim import runs
    from stat3sim.scenarios import load_scenario
    from stat3sim.therapy import parse_regimen

    arms = runs.therapy_arms(load_scenario("tnbc"))
    assert arms[0].name == "no treatment" and arms[0].therapies == []
    assert len(arms) == 11 and len({a.name for a in arms}) == 11
    drugs = {parse_regimen(t).drug.name for a in arms for t in a.therapies}
    assert {"tocilizumab", "siltuximab", "bazedoxifene", "olamkicept", "ruxolitinib", "celecoxib", "pyrimethamine",
            "SD-36", "atezolizumab", "galunisertib"} == drugs
    assert runs.therapy_arms(load_scenario("her2")) == []


def _fake_simulate():
    from stat3sim import runs

    def fake(scenario, arm=None, days=None, readouts=None, all_observables=False):
        t = [0.0, 1.0, 2.0, 3.0]
        frame = pd.DataFrame({"time_days": t, "tumor_volume_mm3": [100.0, 110, 120, 130], "CD8_count": [1e6] * 4,
                              "MDSC_count": [1e5] * 4, "tumor.pSTAT3": [0.05] * 4, "serum_IL6_pg_mL": [3.0] * 4,
                              "metastatic_burden": [0.0, 10, 20, 30], "tumor_diameter_mm": [20.0, 21, 22, 23]})
        for th in (arm.therapies if arm is not None else []):
            frame[f"{th.split()[0]}_plasma_ng_mL"] = [0.0, 5, 5, 5]
        if arm is not None and arm.name == "SD-36":
            return runs.TMERun(pd.DataFrame({"time_days": []}), False, "CVODE: too much work", None)
        return runs.TMERun(frame, True, "", None)
    return fake


def test_run_prints_each_therapy_arms_best_response(tmp_path, monkeypatch):
    """Arms long enough for a scan get their RECIST call on the console (solver faked: a
    20 mm tumor shrinking 35 % by day 56 in every arm)."""
    import numpy as np

    from stat3sim import runs

    def fake(scenario, arm=None, days=None, readouts=None, all_observables=False):
        t = np.arange(121.0)
        return runs.TMERun(pd.DataFrame({"time_days": t, "tumor_volume_mm3": 100.0 + 0 * t,
                                         "tumor_diameter_mm": np.maximum(20.0 - 7.0 * t / 56.0, 13.0)}),
                           True, "", None)

    monkeypatch.setattr(runs, "simulate", fake)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["run", "tnbc", "--out", "res", "--no-claims", "--jobs", "1"])  # faked in-process
    assert r.exit_code == 0, r.stderr
    assert "tocilizumab: ok" in r.stderr and "best response PR" in r.stderr  # the progress log


def test_run_therapy_arms_in_outputs_and_report(tmp_path, monkeypatch):
    from stat3sim import runs

    monkeypatch.setattr(runs, "simulate", _fake_simulate())
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["run", "tnbc", "--out", "res", "--no-claims", "--jobs", "1"])  # faked in-process
    assert r.exit_code == 0, r.stderr
    s = json.loads((tmp_path / "res" / "summary.json").read_text())
    names = [a["name"] for a in s["therapy_arms"]]
    assert names[0] == "no treatment" and "ruxolitinib + celecoxib" in names
    sd = next(a for a in s["therapy_arms"] if a["name"] == "SD-36")
    assert not sd["ok"] and sd["error"] == "CVODE: too much work"
    # 3 days: no 8-weekly scan yet, so no RECIST call (and none on the console)
    assert s["therapy_arms"][0]["recist"]["best_response"] == "NE"
    assert "best response" not in r.stderr
    assert s["therapy_arms"][0]["recist"]["baseline_diameter_mm"] == 20.0
    tc = pd.read_csv(tmp_path / "res" / "therapy_timecourses.csv")
    assert "tocilizumab_plasma_ng_mL" in tc.columns and "SD-36" not in set(tc.arm)
    page = (tmp_path / "res" / "report.html").read_text(encoding="utf-8")
    assert 'id="therapy"' in page and "Drug concentrations" in page and "CVODE: too much work" in page
    assert "best response (RECIST 1.1)" in page and "+15 %" in page  # 20 -> 23 mm by the end
    assert (tmp_path / "res" / "figures" / "therapy_arms.png").exists()
    assert (tmp_path / "res" / "figures" / "drug_concentrations.png").exists()

    r = CliRunner().invoke(app, ["run", "tnbc", "--out", "res2", "--no-claims", "--no-therapy"])
    assert r.exit_code == 0, r.stderr
    s = json.loads((tmp_path / "res2" / "summary.json").read_text())
    assert s["therapy_arms"] == [] and not (tmp_path / "res2" / "therapy_timecourses.csv").exists()
    assert 'id="therapy"' not in (tmp_path / "res2" / "report.html").read_text(encoding="utf-8")
