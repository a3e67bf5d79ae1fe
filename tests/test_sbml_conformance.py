"""``simulate --sbml`` on other people's SBML: the published reference models, the SBML
Test Suite's output conventions (``--select``, ``--amounts``, ``--settings``), and a
fixed sample of the suite's semantic cases.

The reference models are read from ../shared/reference-models (tests skip when it is
absent); the suite from $STAT3SIM_SBML_TEST_SUITE or the cache folder that
``scripts/sbml_test_suite.py --fetch`` fills (tests skip when it is absent).
"""
from __future__ import annotations

import importlib.util
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import reference_models_dir
from stat3sim.cli import app

REPO = Path(__file__).resolve().parents[1]
REFERENCE_MODELS = reference_models_dir()
MODELS = sorted(REFERENCE_MODELS.rglob("*.xml")) if REFERENCE_MODELS.is_dir() else []


def stat3sim(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The command as users run it (a traceback would show on stderr)."""
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """In-process runs of the app from tmp_path (faster, for the small models): results
    with exit_code, stdout and stderr."""
    monkeypatch.chdir(tmp_path)
    return lambda *args: CliRunner().invoke(app, [str(a) for a in args])


def _one_error_line(r) -> str:
    """The one line of a refused command (a subprocess's or CliRunner's result)."""
    assert "Traceback" not in r.stderr, r.stderr
    exc = getattr(r, "exception", None)
    assert exc is None or isinstance(exc, SystemExit), repr(exc)
    line, = r.stderr.strip().splitlines()
    assert line.startswith("stat3sim simulate: error: "), line
    return line


# ------------------------------------------------------------ reference models
@pytest.mark.skipif(not MODELS, reason="shared/reference-models is not present")
@pytest.mark.parametrize("model", MODELS, ids=[m.stem.split("_")[0] for m in MODELS])
def test_every_reference_model_runs_or_fails_clearly(tmp_path, model):
    """Each published model runs with the defaults (pre-simulation on) or stops with one
    line and exit 2 before writing anything: no traceback, no exit 1."""
    out = tmp_path / "o.csv"
    r = stat3sim("simulate", "--sbml", model, "--minutes", "10", "--out", out, cwd=tmp_path)
    assert r.returncode in (0, 2), r.stderr
    if r.returncode == 2:
        _one_error_line(r)
        assert not out.exists()
        return
    assert "Traceback" not in r.stderr
    df = pd.read_csv(out)
    assert df.columns[0] == "time_min" and len(df) == 11 and df.shape[1] > 1


def _model(name: str) -> Path:
    found = [m for m in MODELS if name in m.name]
    if not found:
        pytest.skip(f"{name} is not among the reference models")
    return found[0]


@pytest.mark.skipif(not MODELS, reason="shared/reference-models is not present")
def test_komarova2003_assignment_rule_species(tmp_path):
    """Komarova 2003 (BIOMD0000000148): x1_bar and x2_bar are species set by assignment
    rules, so libRoadRunner's state vector (5) is shorter than its species (7); the
    steady-state check crashed on that. The ruled species are written too."""
    out = tmp_path / "k.csv"
    r = stat3sim("simulate", "--sbml", _model("BIOMD0000000148"), "--minutes", "20", "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert {"x1", "x2", "z", "x1_bar", "x2_bar"} <= set(df.columns)


@pytest.mark.skipif(not MODELS, reason="shared/reference-models is not present")
def test_nazari2018_has_no_steady_state(tmp_path):
    """Nazari 2018: a growing tumor has no steady state; the default pre-simulation fails,
    and the message says so and what to do. Without it the model runs."""
    model, out = _model("BIOMD0000000819"), tmp_path / "n.csv"
    r = stat3sim("simulate", "--sbml", model, "--minutes", "30", "--out", out, cwd=tmp_path)
    assert r.returncode == 2
    line = _one_error_line(r)
    assert "no steady state" in line and "--no-presimulate" in line
    assert not out.exists()
    r = stat3sim("simulate", "--sbml", model, "--minutes", "30", "--no-presimulate", "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert df.iloc[-1, 1] > df.iloc[0, 1]  # the stem cells grow


@pytest.mark.skipif(not MODELS, reason="shared/reference-models is not present")
def test_model_that_cannot_start_is_refused(tmp_path):
    """The QSP-IO TNBC SimBiology export cannot be integrated from its initial state
    (README of the folder): one line naming the file, exit 2, with or without
    pre-simulation."""
    model = _model("wang2021")
    for extra in ([], ["--no-presimulate"]):
        r = stat3sim("simulate", "--sbml", model, *extra, "--minutes", "5", "--out", tmp_path / "w.csv",
                     cwd=tmp_path)
        assert r.returncode == 2, r.stderr
        line = _one_error_line(r)
        assert "--sbml" in line and "initial state" in line and model.name in line
    assert not (tmp_path / "w.csv").exists()


# ------------------------------------------------------------ output conventions
#: compartment c of size 2; A decays (dA/dt = -k A, A(0) = 2 concentration, 4 amount);
#: B is a boundary species raised by a rate rule (d[B]/dt = 1 from 3); y = 2 [A] an
#: assignment rule; the reaction's rate is c k [A]
RULES_SBML = """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="rules">
    <listOfCompartments><compartment id="c" size="2" spatialDimensions="3" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialAmount="4" hasOnlySubstanceUnits="false"
               boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialConcentration="3" hasOnlySubstanceUnits="false"
               boundaryCondition="true" constant="false"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="k" value="0.5" constant="true"/>
      <parameter id="y" constant="false"/>
    </listOfParameters>
    <listOfRules>
      <assignmentRule variable="y"><math xmlns="http://www.w3.org/1998/Math/MathML">
        <apply><times/><cn> 2 </cn><ci> A </ci></apply></math></assignmentRule>
      <rateRule variable="B"><math xmlns="http://www.w3.org/1998/Math/MathML"><cn> 1 </cn></math></rateRule>
    </listOfRules>
    <listOfReactions>
      <reaction id="decay" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><times/><ci> c </ci><ci> k </ci><ci> A </ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>
"""


@pytest.fixture
def rules_model(tmp_path) -> Path:
    p = tmp_path / "rules.xml"
    p.write_text(RULES_SBML)
    return p


def _exact(t: float) -> dict[str, float]:
    a = 2 * math.exp(-0.5 * t)
    return {"A": a, "B": 3 + t, "c": 2.0, "k": 0.5, "y": 2 * a, "decay": 2 * 0.5 * a}


def test_select_species_compartment_parameter_rule_reaction(tmp_path, rules_model, cli):
    out = tmp_path / "o.csv"
    r = cli("simulate", "--sbml", rules_model, "--no-presimulate", "--minutes", "4", "--steps", "8",
                 "--select", "y,A", "--select", "B,c,k,decay", "--out", out)
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["time_min", "y", "A", "B", "c", "k", "decay"]
    assert df["time_min"].tolist() == pytest.approx([0.5 * i for i in range(9)])
    for _, row in df.iterrows():
        want = _exact(row["time_min"])
        for col in df.columns[1:]:
            assert row[col] == pytest.approx(want[col], rel=1e-6), (col, row["time_min"])


def test_amounts_and_default_outputs(tmp_path, rules_model, cli):
    out = tmp_path / "o.csv"
    r = cli("simulate", "--sbml", rules_model, "--no-presimulate", "--minutes", "2", "--amounts",
                 "--select", "A,B,k", "--out", out)
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out)
    for _, row in df.iterrows():  # amounts = concentration x size 2; parameters unchanged
        want = _exact(row["time_min"])
        assert row["A"] == pytest.approx(2 * want["A"], rel=1e-6)
        assert row["B"] == pytest.approx(2 * want["B"], rel=1e-6)
        assert row["k"] == 0.5
    # without --select: every species, boundary species included, as concentrations
    r = cli("simulate", "--sbml", rules_model, "--no-presimulate", "--minutes", "2", "--out", out)
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["time_min", "A", "B"] and len(df) == 3
    assert df["B"].tolist() == pytest.approx([3.0, 4.0, 5.0], rel=1e-6)


def test_unknown_select_id_is_refused(tmp_path, rules_model, cli):
    out = tmp_path / "o.csv"
    r = cli("simulate", "--sbml", rules_model, "--select", "A,nope", "--out", out)
    assert r.exit_code == 2
    line = _one_error_line(r)
    assert "--select" in line and "'nope'" in line and "A" in line and "decay" in line
    assert not out.exists()
    for args, option in ((["--select", "A,,B"], "--select"), (["--select", "A", "--select", "A"], "--select"),
                         (["--steps", "0"], "--steps")):
        r = cli("simulate", "--sbml", rules_model, *args, "--out", out)
        assert r.exit_code == 2 and option in _one_error_line(r)
    r = cli("simulate", "--select", "tumor.pSTAT3")  # the built-in model
    assert r.exit_code == 2 and "--select" in _one_error_line(r) and "--sbml" in r.stderr


def test_settings_file(tmp_path, rules_model, cli):
    """An SBML Test Suite settings file: time course, variables, amount/concentration."""
    settings, out = tmp_path / "s.txt", tmp_path / "o.csv"
    settings.write_text("start: 0\nduration: 3\nsteps: 6\nvariables: A, B, y\nabsolute: 1e-7\nrelative: 1e-4\n"
                        "amount: A\nconcentration: B\n")
    r = cli("simulate", "--sbml", rules_model, "--settings", settings, "--out", out)
    assert r.exit_code == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["time_min", "A", "B", "y"] and len(df) == 7
    for _, row in df.iterrows():  # no pre-simulation: from the initial state
        want = _exact(row["time_min"])
        assert row["A"] == pytest.approx(2 * want["A"], rel=1e-6)  # amount
        assert row["B"] == pytest.approx(want["B"], rel=1e-6)  # concentration
        assert row["y"] == pytest.approx(want["y"], rel=1e-6)
    out.unlink()
    for args, option in ((["--minutes", "5"], "--minutes"), (["--select", "A"], "--select"),
                         (["--presimulate"], "--presimulate")):
        r = cli("simulate", "--sbml", rules_model, "--settings", settings, *args, "--out", out)
        assert r.exit_code == 2 and option in _one_error_line(r)
    for text, word in (("start: 1\nduration: 3\nsteps: 6\nvariables: A\n", "start"),
                       ("start:\nduration:\nsteps:\nvariables: A\n", "duration"),
                       ("start: 0\nduration: 3\nsteps: 6\nvariables: A, Q\n", "'Q'")):
        settings.write_text(text)
        r = cli("simulate", "--sbml", rules_model, "--settings", settings, "--out", out)
        assert r.exit_code == 2
        line = _one_error_line(r)
        assert "--settings" in line and word in line
    assert not out.exists()


# ------------------------------------------------------------ the SBML Test Suite
def _suite_script():
    spec = importlib.util.spec_from_file_location("sbml_test_suite", REPO / "scripts" / "sbml_test_suite.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SUITE_SCRIPT = _suite_script()
SUITE = SUITE_SCRIPT.default_suite()
#: a fixed sample over the component and test tags, every one a case libRoadRunner passes
#: (docs/sbml-conformance.md has them all): reactions in amounts (1), concentrations in
#: non-unity compartments (374, 1062), assignment rules (30, 971), rate rules (31, 1041,
#: 1783), initial assignments (1097; 950 has inf and NaN values), events without and with
#: delay (26, 71, 1048, 1328, 1335), priorities (964: a parameter called "reset"; 978),
#: events firing at t0 (1699), stoichiometry math (992, 1027), variable compartments (999,
#: 1118), function definitions (1006), boundary species (1020), comp models (1125, 1146
#: nested, 1167 external, 1391), rateOf (1321), conversion factors and local parameters
#: (1650), Avogadro (1664), variables called time, Time and TIME (1820)
SAMPLE = ["00001", "00026", "00030", "00031", "00071", "00374", "00950", "00964", "00971", "00978", "00992",
          "00999", "01006", "01020", "01027", "01041", "01048", "01062", "01097", "01118", "01125", "01146",
          "01167", "01321", "01328", "01335", "01391", "01650", "01664", "01699", "01783", "01820"]


@pytest.mark.skipif(not SUITE_SCRIPT.all_cases(SUITE), reason=f"no SBML Test Suite at {SUITE} "
                    "(python scripts/sbml_test_suite.py --fetch)")
def test_sbml_test_suite_sample():
    """The sample through ``simulate --sbml --settings`` (the CLI's entry point, in this
    process) matches the suite's results within its tolerances."""
    failed = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in SAMPLE:
            rec = SUITE_SCRIPT.run_case(SUITE, case, Path(tmp), roadrunner_too=False)
            if not rec["stat3sim_pass"]:
                failed[case] = rec["stat3sim"]
        # what libRoadRunner cannot run (an algebraic rule) is refused with its reason, exit 2
        refused = SUITE_SCRIPT.run_case(SUITE, "00039", Path(tmp), roadrunner_too=False)
    assert not failed, failed
    assert refused["exit"] == 2 and "algebraic rules" in refused["stat3sim"], refused


def test_suite_comparison_detects_a_small_difference():
    """The comparison fails a value outside absolute + relative x |expected|."""
    want = pd.DataFrame({"time": [0.0, 1.0], "S": [1.0, 2.0]})
    assert SUITE_SCRIPT.compare(want.copy(), want, 1e-7, 1e-4) == ""
    got = want.copy()
    got.loc[1, "S"] = 2.0 * (1 + 3e-4)
    assert "S at t = 1" in SUITE_SCRIPT.compare(got, want, 1e-7, 1e-4)
    nan = pd.DataFrame({"time": [0.0], "S": [float("nan")]})
    assert SUITE_SCRIPT.compare(nan.copy(), nan, 1e-7, 1e-4) == ""
    assert SUITE_SCRIPT.compare(nan.assign(S=1.0), nan, 1e-7, 1e-4) != ""
