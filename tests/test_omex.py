"""``stat3sim export --omex``: the COMBINE archive of a run is valid under libSEDML/libCombine,
an arm's parameter changes are SED-ML changes that give the arm's model, bad inputs write
nothing, and tellurium's SED-ML runner executing the archive repeats stat3sim's time course."""
from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from stat3sim import runs
from stat3sim.cli import app
from stat3sim.engine.sbml import validation_errors
from stat3sim.interop import omex
from stat3sim.scenarios import load_scenario

DAYS = 30
#: max |archive - stat3sim| / range of the stat3sim time course, per reported readout
TOLERANCE = 1e-4

pytest.importorskip("libsedml")
pytest.importorskip("libcombine")


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def tnbc_archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("omex") / "run.omex"
    res = invoke("export", "--omex", "--scenario", "tnbc", "--days", DAYS, "--out", path)
    assert res.exit_code == 0, res.output
    return path


def test_archive_is_valid(tnbc_archive):
    files = omex.read_archive(tnbc_archive)
    assert files["(master)"] == files["(sedml)"] == omex.SEDML_FILE
    assert omex.sedml_errors(files[omex.SEDML_FILE]) == []
    assert validation_errors(files[omex.MODEL_FILE]) == []
    sedml = files[omex.SEDML_FILE]
    for label in ("time_days", *omex.READOUTS):
        assert f'label="{label}"' in sedml
    assert 'initialTime="0"' in sedml and f'outputStartTime="{omex.DAY0_MIN:g}"' in sedml


def test_arm_is_sedml_changes():
    """A knock-out arm: the scenario's model with changeAttribute changes that are exactly the
    parameter values the arm's own build has."""
    import libsedml

    sc = load_scenario("tnbc")
    arm = omex.find_arm(sc, "IL-6 KO")
    archive = omex.build_archive(sc, arm, DAYS)
    assert not archive.baked and archive.changes
    doc = libsedml.readSedMLFromString(archive.sedml)
    got = {c.getTarget().split("@id='")[1].split("'")[0]: float(c.getNewValue())
           for c in doc.getModel("model").getListOfChanges()}
    base, armed = runs.build(sc), runs.build(sc, arm)
    expected = {p.id: armed.parameter(p.id).value for p in base.parameters
                if armed.parameter(p.id).value != p.value}
    assert got == expected and "serum_IL6_healthy" in got
    treated = omex.build_archive(sc, omex.find_arm(sc, "tocilizumab"), DAYS)
    assert treated.baked and not treated.changes and "dose_" in treated.sbml


@pytest.mark.parametrize("args, option", [
    (("--arm", "nope"), "--arm"),
    (("--days", "2.5"), "--days"),
    (("--format", "sbml"), "--format"),
    (("--therapy", "tocilizumab 8 mg/kg iv q4w"), "--therapy"),
])
def test_bad_input_writes_nothing(tmp_path, args, option):
    out = tmp_path / "run.omex"
    res = invoke("export", "--omex", "--scenario", "tnbc", *args, "--out", out)
    assert res.exit_code == 2
    assert f"error: {option}:" in res.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_tellurium_reproduces_the_run(tnbc_archive):
    """The archive executed by tellurium's SED-ML runner against ``runs.simulate`` at the
    archive's tolerance (rtol ``omex.RTOL``): every reported readout within 1e-4 of its range."""
    pytest.importorskip("tellurium")
    from tellurium.sedml.tesedml import executeCombineArchive

    out = executeCombineArchive(str(tnbc_archive), printPython=False, createOutputs=False, saveOutputs=False)
    (result,) = out.values()
    gens = result["dataGenerators"]
    run = runs.simulate(load_scenario("tnbc"), days=DAYS, readouts=list(omex.READOUTS), rtol=omex.RTOL)
    assert run.ok, run.message
    np.testing.assert_allclose(np.ravel(gens["time_days"]), run.frame["time_days"], atol=1e-9)
    for k, label in enumerate(omex.READOUTS):
        theirs = np.ravel(gens[f"readout_{k + 1}"])
        ours = run.frame[label].to_numpy()
        span = ours.max() - ours.min()
        assert span > 0
        assert np.max(np.abs(theirs - ours)) / span <= TOLERANCE, label
