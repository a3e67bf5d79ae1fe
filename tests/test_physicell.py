"""export --physicell: one cell's STAT3 module for PhysiCell's libRoadRunner intracellular.

The check of the issue: the exported SBML, simulated with libRoadRunner for given input
concentrations, follows stat3sim's simulation of the full TME model with the same inputs
held (``physicell.clamped``) to a relative 1e-6, for the tumor cell (full module, a JAK
inhibitor as a drug input) and a reduced module (CD8+ T cell), both from one compiled model.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest
import roadrunner
from typer.testing import CliRunner

from stat3sim import runs
from stat3sim.cli import app
from stat3sim.interop import physicell as pc
from stat3sim.scenarios import load_scenario

THERAPY = "ruxolitinib 300 nM continuous"
RTOL, ATOL = 1e-10, 1e-14
TIMES = np.linspace(0.0, 720.0, 73)  # 12 h, min


@pytest.fixture(scope="module")
def treated():
    sc = load_scenario("tnbc")
    sc = sc.model_copy(update={"therapies": [THERAPY]})
    net = runs.build(sc)
    ths = runs.therapy_network((THERAPY,), *runs.patient_of(sc))[1]
    drugs = pc.drug_inputs(ths)
    mods = {c: pc.build_module(net, c, drugs, "tnbc", (THERAPY,)) for c in ("tumor", "cd8")}
    return net, drugs, mods


def _values(mod, given):
    return {k: given.get(k, 0.0) for k in mod.inputs}


GIVEN = {"IL6": 0.4, "IL11": 0.15, "IL6_sIL6R": 0.03, "IL11_sIL11R": 0.01, "TNFa": 0.02, "TGFb": 0.04,
         "ruxolitinib_nM": 120.0}


@pytest.fixture(scope="module")
def reference(treated):
    """The full model with every input of both modules held (one compile)."""
    from stat3sim.engine.roadrunner import Simulator

    net, drugs, mods = treated
    held = {}
    for mod in mods.values():
        held.update(_values(mod, GIVEN))
    full_ids = {v: k for k, v in drugs.items()}
    sim = Simulator(pc.clamped(net, held, drugs))
    res = sim.run(times=TIMES, t_end=TIMES[-1], presimulate=False, rtol=RTOL, atol=ATOL)
    assert res.ok, res.message
    assert set(full_ids) & set(held)  # the drug is one of the held inputs
    return res


def _run_export(mod, given):
    rr = roadrunner.RoadRunner(mod.sbml)
    for k, v in _values(mod, given).items():
        rr[f"[{k}]"] = v
    rr.integrator.relative_tolerance = RTOL
    rr.integrator.absolute_tolerance = ATOL
    ids = list(rr.model.getFloatingSpeciesIds())
    rr.timeCourseSelections = ["time"] + [f"[{s}]" for s in ids]
    out = np.asarray(rr.simulate(times=TIMES.tolist()))
    return {s: out[:, j + 1] for j, s in enumerate(ids)}


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / (np.max(np.abs(b)) + 1e-12))


@pytest.mark.parametrize("cell", ["tumor", "cd8"])
def test_module_reproduces_the_full_model_cell(treated, reference, cell):
    net, drugs, mods = treated
    mod = mods[cell]
    got = _run_export(mod, GIVEN)
    back = {v: k for k, v in mod.ids.items()}
    states = [s for s in got if s not in mod.inputs and s in back]
    assert len(states) >= 20
    worst = max((_rel(got[s], reference[back[s]]), s) for s in states)
    assert worst[0] < 1e-6, worst
    # inputs stay where the host put them
    for k, v in _values(mod, GIVEN).items():
        assert np.all(got[k] == v)
    # derived outputs equal their formula in the full model
    obs = {o.name: o.id for o in net.observables}
    assert _rel(got["pSTAT3"], reference[obs[f"{cell}.pSTAT3"]]) < 1e-6
    # something happens: the inputs move pSTAT3 and SOCS3 over the 12 h
    assert got["pSTAT3"][-1] > 2 * got["pSTAT3"][0] and got["SOCS3"][-1] > got["SOCS3"][0]


def test_tumor_drives_match_their_formula(treated, reference):
    """proliferation/survival drives (and the rates) are integrated species; they equal the
    TME's rules, read from the full model's states."""
    net, drugs, mods = treated
    mod = mods["tumor"]
    got = _run_export(mod, GIVEN)
    p = {q.id: q.value for q in net.parameters}
    A = p["tumor__A_target"]
    myc = (reference["tumor__MYC_mRNA"] - 1) / A
    u = myc / p["K_S3_prog"] + p["w_GLI1_prog"] * reference["tumor__GLI1"]
    prog = u ** p["n_prog"] / (1 + u ** p["n_prog"])
    bcl = (reference["tumor__BCL2L1_mRNA"] - 1) / A
    surv = bcl / (p["K_S3_prog"] + bcl)
    assert _rel(got["proliferation_drive"], prog) < 1e-6
    assert _rel(got["survival_drive"], surv) < 1e-6
    assert _rel(got["cycle_rate"], p["k_tumor_prolif"] / 1440 * (1 + p["w_MYC_prolif"] * prog)) < 1e-6
    assert _rel(got["apoptosis_rate"], p["k_tumor_apop"] / 1440 / (1 + p["w_BCL_apop"] * surv)) < 1e-6


def test_drug_input_acts(treated):
    """The JAK inhibitor is an input of the module: more drug, less pSTAT3."""
    _, _, mods = treated
    mod = mods["tumor"]
    assert "ruxolitinib_nM" in mod.inputs and list(mod.inputs)[0] == "ruxolitinib_nM"
    lo = _run_export(mod, {**GIVEN, "ruxolitinib_nM": 0.0})["pSTAT3"][-1]
    hi = _run_export(mod, {**GIVEN, "ruxolitinib_nM": 3000.0})["pSTAT3"][-1]
    assert hi < 0.5 * lo


def test_species_can_be_set_as_physicell_does(treated):
    """PhysiCell's addon reads the whole floating-species vector, changes one input and sets
    the whole vector back, then integrates 0.01 min: libRoadRunner must accept that (it
    refuses it when any species is defined by an assignment rule)."""
    mod = treated[2]["tumor"]
    rr = roadrunner.RoadRunner(mod.sbml)
    ids = list(rr.model.getFloatingSpeciesIds())
    assert not rr.model.getBoundarySpeciesIds()
    for o in mod.outputs:
        assert o.id in ids
    v = rr.model.getFloatingSpeciesConcentrations()
    v[ids.index("IL6")] = 0.5
    rr.model.setFloatingSpeciesConcentrations(v)
    rr.simulate(0.0, 0.01, 2)
    assert rr["[IL6]"] == 0.5 and np.isfinite(rr["[pSTAT3]"])
    assert "time" not in mod.sbml.split("<listOfRules>")[-1].split("</listOfRules>")[0].split()


def test_sbml_valid_and_no_time_or_events(treated):
    import libsbml

    for mod in treated[2].values():
        assert pc.sbml_errors(mod.sbml) == []
        doc = libsbml.readSBMLFromString(mod.sbml)
        m = doc.getModel()
        assert m.getNumEvents() == 0
        for i in range(m.getNumRules()):
            assert "time" not in libsbml.formulaToL3String(m.getRule(i).getMath()).split()


def test_every_tme_cell_type_exports(treated):
    net = treated[0]
    assert set(pc.cell_types(net)) >= {"tumor", "macrophage", "cd8", "cd4", "caf"}
    for cell in pc.cell_types(net):
        mod = pc.build_module(net, cell)
        assert {"IL6", "IL11", "IL6_sIL6R"} <= set(mod.inputs)
        assert {"pSTAT3", "SOCS3"} <= {o.id for o in mod.outputs}


def test_block_maps_existing_species(treated):
    mod = treated[2]["tumor"]
    text = pc.intracellular_block(mod, "./config/tumor_stat3.xml")
    root = ET.fromstring(f"<root>{text}</root>")
    block = root.find("intracellular")
    assert block.get("type") == "roadrunner"
    assert block.findtext("sbml_filename") == "./config/tumor_stat3.xml"
    rr = roadrunner.RoadRunner(mod.sbml)  # kept: its model dies with it
    species = set(rr.model.getFloatingSpeciesIds())
    maps = block.findall("map")
    subs = {m.get("PC_substrate") for m in maps if m.get("PC_substrate")}
    assert {"IL6", "IL11", "IL6_sIL6R", "ruxolitinib_nM"} <= subs
    assert {m.get("PC_phenotype"): m.get("sbml_species") for m in maps if m.get("PC_phenotype")} == \
        {"ctr_0_0": "cycle_rate", "da": "apoptosis_rate"}
    assert all(m.get("sbml_species") in species for m in maps)
    custom = [e.tag for e in root if e.tag not in ("intracellular",)]
    assert set(custom) == {o.id for o in mod.outputs}


# ------------------------------------------------------------------ the CLI
def test_cli_writes_the_folder(tmp_path):
    out = tmp_path / "pc"
    r = CliRunner().invoke(app, ["export", "--physicell", "--cell", "cd8", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == ["PhysiCell_intracellular.xml", "README.md", "cd8_stat3.xml"]
    assert "IL6_sIL6R" in (out / "README.md").read_text()
    roadrunner.RoadRunner(str(out / "cd8_stat3.xml"))


@pytest.mark.parametrize("args, field", [
    (["--cell", "hepatocyte"], "--cell"),
    (["--cell", "tumor", "--format", "sbml"], "--format"),
    (["--cell", "tumor", "--omex"], "--omex"),
    (["--cell", "tumor", "--scenario", "no_such"], "--scenario"),
    (["--cell", "tumor", "--therapy", "no_such_drug 1 mg/kg iv q3w"], "--therapy"),
])
def test_cli_bad_input_writes_nothing(tmp_path, args, field):
    out = tmp_path / "pc"
    r = CliRunner().invoke(app, ["export", "--physicell", *args, "--out", str(out)])
    assert r.exit_code == 2
    assert field in r.output and len(r.output.strip().splitlines()) == 1
    assert not out.exists()


def test_cli_out_is_a_file_or_missing(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("keep")
    r = CliRunner().invoke(app, ["export", "--physicell", "--out", str(f)])
    assert r.exit_code == 2 and "--out" in r.output and f.read_text() == "keep"
    r = CliRunner().invoke(app, ["export", "--physicell"])
    assert r.exit_code == 2 and "--out" in r.output
