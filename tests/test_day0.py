"""The day-0 state of a scenario (issue 21): settled for its own subtype, size and
parameters, and the tumor's size given as a size."""
from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim import runs
from stat3sim.cli import app
from stat3sim.scenarios import ScenarioError, load_scenario
from stat3sim.scenarios.loader import _shipped_names


def _scenario(tmp_path, text: str):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\ndescription: a test scenario\n" + text)
    return load_scenario(str(path))


def _cell_counts(run) -> list[str]:
    units = {o.name: o.unit for o in run.network.observables}
    return [c for c in run.frame.columns if units.get(c) == "cell"]


@pytest.mark.parametrize("name", _shipped_names())
def test_shipped_scenarios_start_without_a_transient(name):
    """Every cell count changes over days 0–10 by at most twice its change over days 10–20
    (log scale) + 0.05: nothing settles after day 0. Before the pre-simulation let the
    populations settle (issue 21), luminal_a neutrophils fell 4.2e6 → 5e5 in 10 days."""
    run = runs.simulate(load_scenario(name), days=20)
    assert run.ok, run.message
    counts = _cell_counts(run)
    assert {"tumor_cells", "neutrophil_count", "macrophage_count", "CD8_count", "caf_count"} <= set(counts)
    f = run.frame.set_index("time_days")
    bad = []
    for col in counts:
        v0, v10, v20 = (float(f[col].loc[d]) for d in (0.0, 10.0, 20.0))
        if min(v0, v10, v20) <= 0:  # a population that is absent (or seeded from 0 after day 0)
            continue
        early, late = abs(math.log(v10 / v0)), abs(math.log(v20 / v10))
        if early > 2 * late + 0.05:
            bad.append(f"{col}: {v0:.3g} → {v10:.3g} → {v20:.3g}")
    assert not bad, bad


def test_initial_diameter_is_the_day0_diameter(tmp_path):
    """``initial_diameter_mm: 15`` gives a 15 mm tumor at day 0, and its stroma and
    leukocytes scale with it (same densities per mL, within 15 %, as at 25 mm)."""
    small = runs.simulate(_scenario(tmp_path, "initial_diameter_mm: 15\n"), days=1)
    ref = runs.simulate(load_scenario("tnbc"), days=1)
    assert small.at("tumor_diameter_mm", 0.0) == pytest.approx(15.0, abs=0.1)
    ratio = small.at("tumor_volume_mm3", 0.0) / ref.at("tumor_volume_mm3", 0.0)
    assert ratio == pytest.approx((15 / 25) ** 3, rel=1e-3)
    for col in ("tumor_cells", "macrophage_count", "CD8_count", "MDSC_count", "caf_count", "neutrophil_count"):
        assert small.at(col, 0.0) / ref.at(col, 0.0) == pytest.approx(ratio, rel=0.15), col


def test_initial_volume_is_the_day0_volume(tmp_path):
    run = runs.simulate(_scenario(tmp_path, "initial_volume_mm3: 2000\n"), days=1)
    assert run.at("tumor_volume_mm3", 0.0) == pytest.approx(2000.0, rel=1e-3)


def test_shipped_scenarios_report_their_stated_diameter():
    """tnbc states 25 mm (QSP-IO's 2.5 cm); a scenario that states no size starts at the
    default diameter; both report it at day 0."""
    assert load_scenario("tnbc").initial_diameter_mm == 25
    for name in ("tnbc", "luminal_a"):
        sc = load_scenario(name)
        stated = sc.initial_diameter_mm or runs.DEFAULT_DIAMETER_MM
        assert runs.simulate(sc, days=1).at("tumor_diameter_mm", 0.0) == pytest.approx(stated, abs=0.1), name


def test_tumor_cell_count_is_held_when_given(tmp_path):
    """``cells: {tumor: N}`` keeps N tumor cells at day 0 (the rest settles around them)."""
    run = runs.simulate(_scenario(tmp_path, "cells: {tumor: 5.0e+8}\n"), days=1)
    assert run.at("tumor_cells", 0.0) == pytest.approx(5.0e8, rel=1e-6)


def test_an_arms_tumor_count_overrides_the_scenarios_size(tmp_path):
    sc = _scenario(tmp_path, "initial_diameter_mm: 20\ncomparisons:\n  - name: big\n    cells: {tumor: 2.0e+9}\n")
    arm = runs.standard_arms(sc)[1]
    assert runs.day0_size_mm3(sc, arm) is None
    assert runs.simulate(sc, arm, days=1).at("tumor_cells", 0.0) == pytest.approx(2.0e9, rel=1e-6)


def test_bone_mass_and_metastases_are_held_before_day0():
    run = runs.simulate(load_scenario("tnbc_bone_metastasis"), days=1)
    assert run.at("bone_mass_pct", 0.0) == pytest.approx(100.0, abs=1e-6)
    assert run.at("mets_bone", 0.0) == pytest.approx(1.0e8, rel=1e-9)


@pytest.mark.parametrize("text, field, words", [
    ("initial_diameter_mm: 15\ncells: {tumor: 1.0e+9}\n", "initial_diameter_mm", "one way"),
    ("initial_diameter_mm: 15\ninitial_volume_mm3: 100\n", "initial_diameter_mm", "one way"),
    ("initial_diameter_mm: 0.5\n", "initial_diameter_mm", "from 1 to 100 mm"),
    ("initial_diameter_mm: 150\n", "initial_diameter_mm", "from 1 to 100 mm"),
    ("initial_volume_mm3: 0.1\n", "initial_volume_mm3", "mm³"),
    ("initial_diameter_mm: -3\n", "initial_diameter_mm", "> 0"),
])
def test_bad_sizes_are_one_line_errors(tmp_path, text, field, words):
    with pytest.raises(ScenarioError) as exc:
        _scenario(tmp_path, text)
    assert exc.value.field == field and words in exc.value.message


# ------------------------------------------------------------------ command line
def _cli(*args: str, cwd):
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_diameter_on_the_command_line(tmp_path):
    """``--diameter-mm`` replaces the scenario's size in ``simulate --scenario`` and ``run``."""
    r = _cli("simulate", "--scenario", "tnbc", "--days", "1", "--diameter-mm", "15", "--out", "x.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(tmp_path / "x.csv")["tumor_diameter_mm"].iloc[0] == pytest.approx(15.0, abs=0.1)
    r = _cli("run", "tnbc", "--days", "1", "--no-claims", "--no-therapy", "--volume-mm3", "1000", "--out", "res",
             cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "res" / "timecourses.csv")
    day0 = df[df["time_days"] == 0]
    assert len(day0) == len(runs.standard_arms(load_scenario("tnbc")))
    assert day0["tumor_volume_mm3"].to_numpy() == pytest.approx(1000.0, rel=1e-3)


@pytest.mark.parametrize("args, words", [
    (["simulate", "--scenario", "tnbc", "--diameter-mm", "150", "--out", "x.csv"], ["--diameter-mm", "1 to 100 mm"]),
    (["simulate", "--scenario", "tnbc", "--diameter-mm", "nan", "--out", "x.csv"], ["--diameter-mm", "got nan"]),
    (["simulate", "--scenario", "tnbc", "--diameter-mm", "15", "--volume-mm3", "100"], ["--diameter-mm", "one way"]),
    (["simulate", "--diameter-mm", "15"], ["--diameter-mm", "needs --scenario"]),
    (["run", "tnbc", "--volume-mm3", "0.1", "--no-claims", "--out", "res"], ["--volume-mm3", "mm³", "got 0.1"]),
])
def test_bad_size_options_are_one_line_exit_2(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, (r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and all(w in lines[0] for w in words), lines
    assert list(tmp_path.iterdir()) == []
