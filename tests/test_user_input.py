"""What a new user trips over (issue 21, items 3, 6, 8 and 9).

* implausible input: parameters are checked alike from a file, ``--set`` or Python (their
  own range); a dose far below the label warns and the run goes on (summary.json);
* ``--points-per-day``: infusion peaks show on a finer output grid;
* absolute nuclear pSTAT3 (nM) beside the pSTAT3 index in the therapy table and figure;
* small things: optional description, every problem of a bad file, ``scenarios --show``,
  failing claims named, ``export --therapy``, paclitaxel's infusion time, "(1 scan)".

Bad inputs run in-process with typer's CliRunner (they stop before any simulation); the
few real runs are short (1–8 days).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from stat3sim.cli import app


def invoke(*args, cwd: Path, monkeypatch):
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, [str(a) for a in args])


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def warnings_in(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": warning: " in line]


# ------------------------------------------------------- parameters (item 3)
def test_negative_parameter_in_yaml_is_exit_2_and_writes_nothing(tmp_path, monkeypatch):
    """The issue's bar: ``parameters: {k_tumor_prolif: -0.01}`` in a file is rejected (it ran
    and reported a partial response before), with the same words as through --set."""
    f = write(tmp_path / "neg.yaml", "name: neg\ndays: 5\nparameters: {k_tumor_prolif: -0.01}\n")
    for args in (["simulate", "--scenario", f, "--out", "x.csv"], ["run", f, "--out", "res", "--no-claims"]):
        r = invoke(*args, cwd=tmp_path, monkeypatch=monkeypatch)
        assert r.exit_code == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert "parameters.k_tumor_prolif: value of k_tumor_prolif must be a finite number ≥ 0, got -0.01" in r.stderr
        assert sorted(p.name for p in tmp_path.iterdir()) == ["neg.yaml"]
    r = invoke("simulate", "--scenario", "tnbc", "--set", "k_tumor_prolif=-0.01", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 2
    assert r.stderr.strip().endswith("--set: value of k_tumor_prolif must be a finite number ≥ 0, got -0.01")


def test_fraction_parameter_above_1_is_rejected_from_every_source(tmp_path, monkeypatch):
    """A fraction (Ve_T: fraction of the tumor volume occupied by cells) may not exceed 1,
    whether a file, a comparison arm or --set gives it."""
    msg = "value of Ve_T must be a finite number from 0 to 1 (fraction of tumor volume occupied by cells), got 1.5"
    f = write(tmp_path / "f.yaml", "name: f\ncomparisons: [{name: a, parameters: {Ve_T: 1.5}}]\n")
    r = invoke("simulate", "--scenario", f, cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and f"comparisons[0].parameters.Ve_T: {msg}" in r.stderr
    r = invoke("simulate", "--scenario", "tnbc", "--set", "Ve_T=1.5", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and f"--set: {msg}" in r.stderr
    r = invoke("simulate", "--scenario", "tnbc", "--set", "met_p_found=2", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "met_p_found must be a finite number from 0 to 1" in r.stderr


def test_parameters_from_python_are_checked_too():
    """A Scenario or Arm built in Python skips the CLI: ``validate`` and ``runs.build`` check
    the same ranges (build raises before anything is compiled)."""
    from stat3sim import runs
    from stat3sim.model.network import NetworkError
    from stat3sim.scenarios import Scenario, ScenarioError, validate

    sc = Scenario(name="api", parameters={"k_tumor_prolif": -0.01})
    with pytest.raises(ScenarioError, match="value of k_tumor_prolif must be a finite number ≥ 0, got -0.01"):
        validate(sc, runs.vocabulary())
    with pytest.raises(NetworkError, match="value of k_tumor_prolif must be a finite number ≥ 0"):
        runs.build(sc)
    with pytest.raises(NetworkError, match="value of pop_on must be a finite number from 0 to 1"):
        runs.simulate(Scenario(name="api"), runs.Arm("a", parameters={"pop_on": 3.0}), days=1)
    with pytest.raises(NetworkError, match="finite"):
        runs.build(Scenario(name="api"), runs.Arm("a", parameters={"k_tumor_prolif": math.nan}))


def test_the_models_own_values_are_inside_their_ranges():
    """The ranges reject no value the shipped model or any shipped scenario uses (subtype
    factors included); and they are not empty: every parameter has a lower bound of 0, and
    the fractions an upper bound of 1."""
    from stat3sim import runs
    from stat3sim.model import tme
    from stat3sim.model.bounds import parameter_problems, parameter_range
    from stat3sim.scenarios import list_scenarios, load_scenario

    for name, _ in list_scenarios():
        net = runs.build(load_scenario(name))
        assert parameter_problems(net, {p.id: p.value for p in net.parameters}) == [], name
    net = tme.default_network()
    ranges = {p.id: parameter_range(p) for p in net.parameters}
    assert all(lo == 0.0 for lo, _, _ in ranges.values())
    capped = {pid for pid, (_, hi, _) in ranges.items() if hi == 1.0}
    assert {"Ve_T", "f_interstitial", "met_p_found", "pop_on", "tumor__f_recycle_gp130", "tumor__w_JAK1"} <= capped
    assert "k_tumor_prolif" not in capped and "tumor__n_hill_STAT3" not in capped


# ---------------------------------------------------------- low doses (item 3)
def test_low_dose_warning_definition():
    """Far below = a single dose < 1/10 of the catalog's standard (labelled) single dose for
    the same patient; mg/kg and mg/m² use the patient's size. A warning, never an error."""
    from stat3sim.therapy import Patient, load_catalog, low_dose_warning, parse_regimen
    from stat3sim.therapy.regimen import LOW_DOSE_FRACTION

    assert LOW_DOSE_FRACTION == 0.1
    note = low_dose_warning(parse_regimen("tocilizumab 8 mg iv q4w"))
    assert "1/70 " in note and "tocilizumab 8 mg/kg iv q4w = 560 mg for 70 kg" in note
    assert "did you mean 8 mg/kg?" in note
    assert "1/40 " in low_dose_warning(parse_regimen("tocilizumab 8 mg iv q4w"), Patient(weight_kg=40))
    assert low_dose_warning(parse_regimen("tocilizumab 4 mg/kg iv q4w")) is None  # the label's low dose
    assert low_dose_warning(parse_regimen("ruxolitinib 2 mg po bid")) is None  # exactly 1/10 of 20 mg
    assert "1/20 " in low_dose_warning(parse_regimen("ruxolitinib 1 mg po bid"))
    assert "did you mean" not in low_dose_warning(parse_regimen("ruxolitinib 1 mg po bid"))
    assert low_dose_warning(parse_regimen("SD-36 1 nM continuous")) is None  # no label to compare with
    for drug in load_catalog().drugs:
        if drug.dosable:
            assert low_dose_warning(parse_regimen(drug.pk.regimen)) is None, drug.name


def test_low_dose_warns_once_and_the_run_goes_on(tmp_path, monkeypatch):
    """The issue's bar: ``tocilizumab 8 mg iv q4w`` (the /kg dropped) runs, with one warning
    line on stderr that ``run`` also records in summary.json."""
    r = invoke("simulate", "--scenario", "tnbc", "--days", "2", "--therapy", "tocilizumab 8 mg iv q4w",
               "--out", "x.csv", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    (line,) = warnings_in(r.stderr)
    assert line.startswith("stat3sim simulate: warning: tocilizumab 8 mg iv q4w: 8 mg per dose is 1/70")
    assert (tmp_path / "x.csv").exists()
    f = write(tmp_path / "low.yaml", "name: low\ndays: 2\ncomparisons: []\n"
                                     "therapies: ['tocilizumab 8 mg iv q4w']\n")
    r = invoke("run", f, "--out", "res", "--no-claims", "--jobs", "1", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    (line,) = warnings_in(r.stderr)
    assert "1/70" in line
    summary = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert summary["warnings"] == [line.split(": warning: ", 1)[1]]
    assert summary["arms"][0]["ok"]


def test_low_dose_in_python_is_in_meta():
    from stat3sim import runs
    from stat3sim.scenarios import Scenario

    run = runs.simulate(Scenario(name="api", therapies=["tocilizumab 8 mg iv q4w"]), days=1)
    assert run.ok and len(run.meta["warnings"]) == 1 and "1/70" in run.meta["warnings"][0]
    ok = runs.simulate(Scenario(name="api", therapies=["tocilizumab 8 mg/kg iv q4w"]), days=1)
    assert ok.meta["warnings"] == []


# ------------------------------------------------------ output grid (item 6)
def test_points_per_day_shows_the_paclitaxel_infusion_peak():
    """At daily output weekly paclitaxel looks like ~12 ng/mL a day after each dose; at 24
    points a day the end of each 3-h infusion shows, far above that, and the daily points of
    the fine grid are the daily run's (the doses are exact in time either way)."""
    from stat3sim import runs
    from stat3sim.scenarios import Scenario

    sc = Scenario(name="pac", therapies=["paclitaxel 80 mg/m2 iv qw"])
    daily = runs.simulate(sc, days=8).frame
    fine = runs.simulate(sc, days=8, points_per_day=24).frame
    col = "paclitaxel_plasma_ng_mL"
    assert len(daily) == 9 and len(fine) == 8 * 24 + 1
    assert np.allclose(fine["time_days"].to_numpy()[::24], daily["time_days"].to_numpy())
    day0 = fine[fine["time_days"] < 1.0]
    assert day0[col].max() > 500.0  # the end of the first infusion (Taxol label 175 mg/m2: Cmax 3650)
    assert day0[col].max() > 30 * daily[col].max()
    assert day0.loc[day0[col].idxmax(), "time_days"] == pytest.approx(3 / 24)  # 3-h infusion
    np.testing.assert_allclose(fine[col].to_numpy()[::24], daily[col].to_numpy(), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(fine["tumor_volume_mm3"].to_numpy()[::24], daily["tumor_volume_mm3"].to_numpy(),
                               rtol=1e-4)


def test_points_per_day_on_the_command_line(tmp_path, monkeypatch):
    r = invoke("simulate", "--scenario", "tnbc", "--days", "1", "--points-per-day", "6", "--out", "x.csv",
               cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    t = pd.read_csv(tmp_path / "x.csv")["time_days"].to_numpy()
    np.testing.assert_allclose(t, np.arange(7) / 6)
    assert "7 time points" in r.stdout
    f = write(tmp_path / "one.yaml", "name: one\ndays: 1\ncomparisons: []\n")
    r = invoke("run", f, "--points-per-day", "4", "--out", "res", "--no-claims", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    assert len(pd.read_csv(tmp_path / "res" / "timecourses.csv")) == 5
    assert json.loads((tmp_path / "res" / "summary.json").read_text())["points_per_day"] == 4


@pytest.mark.parametrize("args, words", [
    (["simulate", "--scenario", "tnbc", "--points-per-day", "0"], "--points-per-day: must be a whole number"),
    (["run", "tnbc", "--points-per-day", "2000"], "from 1 to 1440, got 2000"),
    (["simulate", "--cell", "tumor", "--points-per-day", "4"], "--points-per-day: needs --scenario"),
])
def test_points_per_day_bad_values(tmp_path, monkeypatch, args, words):
    r = invoke(*args, cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and words in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_simulate_api_rejects_a_bad_grid():
    from stat3sim.runs import output_days

    for bad in (0, 1.5, 1441, True):
        with pytest.raises(ValueError, match="points_per_day"):
            output_days(3.0, bad)
    np.testing.assert_array_equal(output_days(2.5), [0.0, 1.0, 2.0, 2.5])


# -------------------------------------------------- nuclear pSTAT3 (item 8)
def test_nuclear_pstat3_falls_under_the_degrader_while_the_index_rises():
    """The trap of the issue: under SD-36 the pSTAT3 index (a fraction of all STAT3) hardly
    shows the degrader's effect while the tumor shrinks; nuclear pSTAT3 in nM falls with total
    STAT3, many times more than the index. The readout is the index's numerator: index ×
    total STAT3 amount / nuclear volume."""
    from stat3sim import runs
    from stat3sim.scenarios import Scenario

    base = runs.simulate(Scenario(name="t"), days=20)
    sd36 = runs.simulate(Scenario(name="t", therapies=["SD-36 30 nM continuous"]), days=20)
    rel = {k: sd36.at(k) / base.at(k) for k in ("tumor.pSTAT3", "tumor.pSTAT3_nuclear_nM", "tumor_volume_mm3")}
    assert rel["tumor.pSTAT3_nuclear_nM"] < 0.5 and rel["tumor_volume_mm3"] < 1.0
    # the index falls far less (30 nM for 20 days in the default scenario: index −24 %, nM −94 %)
    assert rel["tumor.pSTAT3_nuclear_nM"] < 0.2 * rel["tumor.pSTAT3"]
    size = {c.id: c.size for c in base.network.compartments}
    vc, vn = size["tumor__cytoplasm"], size["tumor__nucleus"]
    f = base.frame
    np.testing.assert_allclose(f["tumor.pSTAT3"] * f["tumor.STAT3_total"] * (vc + vn) / vn,
                               f["tumor.pSTAT3_nuclear_nM"], rtol=1e-6)


def _arms() -> dict[str, pd.DataFrame]:
    t = np.arange(5.0)
    common = {"time_days": t, "tumor_volume_mm3": 100 - t, "tumor_diameter_mm": 20 - t / 10, "serum_IL6_pg_mL": 5 + t}
    return {"no treatment": pd.DataFrame({**common, "tumor.pSTAT3": 0.2 + 0 * t, "tumor.pSTAT3_nuclear_nM": 30 + 0 * t}),
            "SD-36": pd.DataFrame({**common, "tumor.pSTAT3": 0.25 + 0 * t, "tumor.pSTAT3_nuclear_nM": 3 + 0 * t})}


def test_therapy_table_and_figure_show_nuclear_pstat3_beside_the_index():
    from stat3sim.report import therapy_figures as thf
    from stat3sim.report.html import _therapy_table, therapy_report_figures

    table = thf.day_end_table(_arms())
    assert table.loc[1, "tumor.pSTAT3_vs_reference"] == pytest.approx(1.25)
    assert table.loc[1, "tumor.pSTAT3_nuclear_nM_vs_reference"] == pytest.approx(0.1)
    page = _therapy_table({"arms": _arms()})
    assert page.index("tumor-cell pSTAT3 index") < page.index("tumor-cell nuclear pSTAT3 (nM in the nucleus)")
    fig = thf.therapy_arms_figure(_arms())
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.axison]
    assert titles[:3] == ["tumor volume", "tumor-cell pSTAT3 index", "tumor-cell nuclear pSTAT3"]
    assert len(titles) == len(thf.PANELS)
    (fig_arms, _) = therapy_report_figures(_arms(), {"no treatment": [], "SD-36": ["SD-36 30 nM continuous"]})
    assert thf.PSTAT3_NOTE in fig_arms.caption
    assert "pSTAT3 index: nuclear pY705 STAT3 over total STAT3" in thf.PSTAT3_NOTE
    assert "nuclear pSTAT3: its concentration in the nucleus (nM)" in thf.PSTAT3_NOTE


def test_report_page_has_the_pstat3_note(tmp_path):
    from stat3sim.report.html import render_report
    from stat3sim.report.therapy_figures import PSTAT3_NOTE

    html = render_report(scenario={"name": "t", "description": "", "subtype": "tnbc", "days": "4", "failed": {}},
                         arms={"wild type": _arms()["no treatment"]}, observables={}, parameters=None, claims=[],
                         serum_ranges={}, figures=[],
                         therapy_arms={"arms": _arms(), "failed": {}, "regimens": {"no treatment": [], "SD-36": []},
                                       "descriptions": {}})
    import html as _html

    assert _html.escape(PSTAT3_NOTE) in html


# --------------------------------------------------------- small things (item 9)
def test_description_is_optional(tmp_path, monkeypatch):
    from stat3sim.scenarios import load_scenario

    f = write(tmp_path / "bare.yaml", "name: bare\ndays: 3\n")
    assert load_scenario(str(f)).description == ""


def test_a_bad_file_lists_every_problem(tmp_path, monkeypatch):
    """Form problems all at once (not "1 more problem after this one"), and the names the
    model does not know all at once."""
    f = write(tmp_path / "bad.yaml", "name: bad\ndayz: 30\ndays: -1\ncells: {cd8: -5}\n")
    r = invoke("simulate", "--scenario", f, cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    for words in ("days: must be > 0", "cells.cd8: must be >= 0", "dayz: unknown field 'dayz'; did you mean 'days'?"):
        assert words in r.stderr, words
    assert "more problem" not in r.stderr
    f = write(tmp_path / "names.yaml", "name: names\ncells: {cd9: 1}\nknockouts: ['myloid:STAT3']\n"
                                       "parameters: {k_tumor_prolif: -1, nope: 1}\n")
    r = invoke("simulate", "--scenario", f, cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2
    for words in ("cells.cd9: unknown cell type 'cd9'", "also knockouts[0]: unknown lineage 'myloid'",
                  "also parameters.k_tumor_prolif: value of k_tumor_prolif must be a finite number ≥ 0",
                  "also parameters.nope: unknown parameter 'nope'"):
        assert words in r.stderr, words


def test_scenario_error_keeps_every_problem():
    from stat3sim.scenarios import ScenarioError

    e = ScenarioError.of("f.yaml", [("a", "x"), ("b", "y")])
    assert str(e) == "f.yaml: a: x; also b: y" and e.problems == [("a", "x"), ("b", "y")] and e.field == "a"


def test_scenarios_show_prints_the_shipped_yaml(tmp_path, monkeypatch):
    from importlib import resources

    r = invoke("scenarios", "--show", "luminal_a", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    shipped = (resources.files("stat3sim.scenarios") / "data" / "luminal_a.yaml").read_text(encoding="utf-8")
    assert r.stdout == shipped
    assert yaml.safe_load(r.stdout)["name"] == "luminal_a"
    r = invoke("scenarios", "--show", "luminal", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--show: unknown scenario 'luminal'" in r.stderr and "luminal_a" in r.stderr
    r = invoke("scenarios", "--show", "tnbc", "--json", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--json" in r.stderr


def _claims(failing: bool):
    from stat3sim.claims.registry import ClaimResult

    return [ClaimResult("TME-1", "tme", "Tumor pSTAT3 by subtype", [58], "each step ≥ 10 %", {"x": 1.0}, True),
            ClaimResult("TME-8", "tme", "Myeloid STAT3 loss slows tumor growth", [3], "volume −≥ 20 %",
                        {"drop": 0.1}, not failing)]


def test_failing_claims_are_named(tmp_path, monkeypatch):
    """``validate`` and ``run`` say which claim failed and what it states, not only a count
    (claims faked: the real ones are slow and tested elsewhere)."""
    from stat3sim.claims import registry

    monkeypatch.setattr(registry, "run_claims", lambda area=None, ids=None: _claims(True))
    monkeypatch.setattr(registry, "areas", lambda: ["tme"])
    r = invoke("validate", "--area", "tme", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    assert "TME-8 failed: Myeloid STAT3 loss slows tumor growth (expected: volume −≥ 20 %)" in r.stdout
    assert "TME-1 failed" not in r.stdout
    r = invoke("validate", "--area", "tme", "--json", cwd=tmp_path, monkeypatch=monkeypatch)
    assert "TME-8 failed: Myeloid STAT3 loss slows tumor growth" in r.stderr
    f = write(tmp_path / "one.yaml", "name: one\ndays: 1\ncomparisons: []\n")
    r = invoke("run", f, "--out", "res", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    assert "claims: 1 of 2 passed" in r.stdout and "TME-8 failed: Myeloid STAT3 loss" in r.stdout


def test_export_scenario_with_therapy_is_the_treated_model(tmp_path, monkeypatch):
    """``export --scenario tnbc --therapy ...``: the drug's PK in the model and each dose of the
    scenario's 180 days an event (q4w: days 0, 28, ..., 168), which fires in libRoadRunner."""
    import libsbml
    import roadrunner

    r = invoke("export", "--scenario", "tnbc", "--therapy", "tocilizumab 8 mg/kg iv q4w", "--format", "sbml",
               "--out", "t.xml", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    model = libsbml.readSBMLFromFile(str(tmp_path / "t.xml")).getModel()
    assert model.getSpecies("tocilizumab__central") is not None
    events = [model.getEvent(i) for i in range(model.getNumEvents()) if model.getEvent(i).getId().startswith("dose_")]
    times = sorted(float(libsbml.formulaToL3String(e.getTrigger().getMath()).split(">=")[1]) for e in events)
    assert times == [28 * 1440.0 * k for k in range(7)]
    rr = roadrunner.RoadRunner(str(tmp_path / "t.xml"))
    res = rr.simulate(0, 1440.0, 3, selections=["time", "[tocilizumab__central]"])
    assert res[0, 1] > 500.0  # 560 mg into V1 (the day-0 dose event fired)
    r = invoke("export", "--format", "sbml", "--therapy", "tocilizumab 8 mg/kg iv q4w", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--therapy: needs --scenario" in r.stderr
    r = invoke("export", "--scenario", "tnbc", "--format", "sbml", "--therapy", "tocilizumab 8 mg/kgg iv q4w",
               cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--therapy" in r.stderr


def test_untreated_export_has_no_dose_events(tmp_path, monkeypatch):
    r = invoke("export", "--scenario", "tnbc", "--format", "antimony", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0 and "dose_" not in r.stdout


def test_paclitaxel_infusion_time_is_stated_once():
    """The catalog's one infusion time for paclitaxel is the Taxol label's 3 h; the standard
    regimen does not state another."""
    from stat3sim.therapy import get_drug, parse_regimen

    pk = get_drug("paclitaxel").pk
    assert pk.infusion_h.canonical() == 3.0 and "Taxol label" in pk.infusion_h.source
    assert "over" not in pk.regimen
    assert parse_regimen(pk.regimen).infusion_h == 3.0
    assert parse_regimen("paclitaxel 80 mg/m2 iv qw x12").infusion_h == 3.0


def test_one_scan_is_singular(tmp_path, monkeypatch):
    """A run with one 8-weekly scan says "(1 scan)" (solver faked: 60 days, a scan at day 56)."""
    from stat3sim import runs

    def fake(scenario, arm=None, days=None, readouts=None, all_observables=False, **kw):
        t = np.arange(61.0)
        return runs.TMERun(pd.DataFrame({"time_days": t, "tumor_diameter_mm": 20 + 0 * t}), True, "",
                           runs.build(scenario))

    monkeypatch.setattr(runs, "simulate", fake)
    r = invoke("simulate", "--scenario", "tnbc", "--days", "60", "--out", "x.csv", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    assert "(1 scan)" in r.stdout and "scans)" not in r.stdout
