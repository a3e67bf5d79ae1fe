"""The bone-remodeling module (Lemaire 2004 + Komarova 2003 bone mass) on its own, against
the published SBML (BIOMD0000000278, time in days, pM) run with libRoadRunner."""
from __future__ import annotations

import doctest

import libsbml
import numpy as np
import pytest

from conftest import reference_models_dir
from stat3sim.engine.roadrunner import Simulator
from stat3sim.engine.sbml import to_sbml, validation_errors
from stat3sim.model.network import NetworkBuilder
from stat3sim.model.niches import bone
from stat3sim.model.niches.bone import BONE, LEMAIRE_2004, add_bone, bone_network, lemaire_steady_state
from stat3sim.model.tme.parameters import TME

REF = reference_models_dir()
LEMAIRE_FILE = REF / "lemaire2004_rank_rankl_opg_BIOMD0000000278.xml"
KOMAROVA_FILE = REF / "komarova2003_bone_remodeling_BIOMD0000000148.xml"
needs_lemaire = pytest.mark.skipif(not LEMAIRE_FILE.is_file(), reason=f"reference model absent: {LEMAIRE_FILE}")
needs_komarova = pytest.mark.skipif(not KOMAROVA_FILE.is_file(), reason=f"reference model absent: {KOMAROVA_FILE}")

MIN_PER_DAY = 1440.0
#: our species for Lemaire's state variables
IDS = {"R": "bone_osteoblasts_responding", "B": "bone_osteoblasts_active", "C": "bone_osteoclasts_active"}
#: the reference file's initial state (the paper's steady state to 4 digits)
FILE_INITIAL = {"R": 7.734e-4, "B": 7.282e-4, "C": 9.127e-4}
_SS = lemaire_steady_state()
_OPG_PRODUCTION = LEMAIRE_2004["K_O_P"][0] * _SS["R"] / (
    (LEMAIRE_2004["S_P"][0] / LEMAIRE_2004["k_P"][0]) / (LEMAIRE_2004["k6"][0] / LEMAIRE_2004["k5"][0]))
#: the experiments the file encodes through its inputs (continuous administration, as in
#: the paper's Fig. 2), each dose doubling the normal input, and an osteoclast burst
#: (Komarova's standard perturbation, 10 × the normal osteoclasts)
EXPERIMENTS = {
    "steady state": ({}, {}),
    "PTH administration": ({"I_P": LEMAIRE_2004["S_P"][0]}, {}),
    "RANKL administration": ({"I_L": LEMAIRE_2004["r_L"][0]}, {}),
    "OPG administration": ({"I_O": _OPG_PRODUCTION}, {}),
    "osteoclast burst": ({}, {"C": 10 * FILE_INITIAL["C"]}),
}
DAYS = np.linspace(0.0, 300.0, 151)
RTOL_MATCH = 1e-4


@pytest.fixture(scope="module")
def net():
    return bone_network()


@pytest.fixture(scope="module")
def sim(net):
    return Simulator(net, cache=False)


def _reference(params: dict[str, float], initial: dict[str, float], days: np.ndarray = DAYS) -> np.ndarray:
    import roadrunner

    rr = roadrunner.RoadRunner(str(LEMAIRE_FILE))
    rr.integrator.relative_tolerance = 1e-10
    rr.integrator.absolute_tolerance = 1e-16
    for k, v in params.items():
        rr[k] = v
    for k, v in initial.items():
        rr[f"[{k}]"] = v
    return np.asarray(rr.simulate(times=days.tolist(), selections=["time", "[R]", "[B]", "[C]"]))


# ------------------------------------------------------------------ (1) structure
def test_module_validates_and_exports_without_sbml_errors(net):
    assert validation_errors(to_sbml(net)) == []
    assert {c.id for c in net.compartments} == {"bone"}
    for pid in ("bone_f_RANKL_tumor", "bone_f_OPG_tumor", "bone_f_PTH_tumor"):
        assert net.parameter(pid).value == 1.0
    labels = {o.name for o in net.observables}
    assert {"bone_osteoblasts_pM", "bone_osteoclasts_pM", "bone_osteoblast_count", "bone_osteoclast_count",
            "bone_RANKL_OPG_ratio", "bone_mass_pct", "bone_TGFb_release"} <= labels
    assert all("__obs__" in o.id for o in net.observables)


def test_every_parameter_is_sourced_with_unit(net):
    for p in net.parameters:
        assert p.unit and p.evidence.source.strip(), p.id
    for key, (_v, unit, ev, _d) in LEMAIRE_2004.items():
        assert str(ev) == f"Lemaire et al. 2004, BIOMD0000000278: {key}"
        assert net.parameter(f"bone_{key}").unit == unit
    assert set(BONE) == {p.id[len("bone_"):] for p in net.parameters if p.id.startswith("bone_")}


def test_time_constants_are_the_tme_ones():
    """min_per_day, pop_on and molec_per_zmol are declared as the TME layer does, so the
    module merges into the TME network; a builder that has them already is reused."""
    net = bone_network()
    for pid in ("min_per_day", "pop_on", "molec_per_zmol"):
        p = net.parameter(pid)
        assert (p.value, p.unit, p.evidence) == TME[pid][:3]
    b = NetworkBuilder("with_tme_constants")
    for pid in ("min_per_day", "pop_on"):
        value, unit, ev, desc = TME[pid]
        b.parameter(pid, value, unit, ev, desc)
    add_bone(b)
    assert b.build().parameter("min_per_day").value == 1440.0


def test_prefix_names_a_second_site():
    b = NetworkBuilder("two_sites")
    add_bone(b)
    add_bone(b, prefix="spine")
    net = b.build()
    assert {c.id for c in net.compartments} == {"bone", "spine"}
    assert "spine_f_RANKL_tumor" in net.parameter_ids
    assert validation_errors(to_sbml(net)) == []


def test_doctests():
    assert doctest.testmod(bone).failed == 0


@needs_lemaire
def test_parameter_values_are_the_files():
    """Every constant parameter of BIOMD0000000278 is in the table with the file's value,
    and every non-constant one (an assignment rule there) is a rule here."""
    m = libsbml.readSBML(str(LEMAIRE_FILE)).getModel()
    constant = {p.getId(): p.getValue() for p in m.getListOfParameters() if p.getConstant()}
    assert set(constant) == set(LEMAIRE_2004)
    for key, value in constant.items():
        assert LEMAIRE_2004[key][0] == value, key
    ruled = {r.getVariable() for r in m.getListOfRules() if r.isAssignment()}
    ours = {"Phi_C": "bone_pi_C", "D_B": "bone_D_B", "Phi_L": "bone_pi_L", "Phi_P": "bone_pi_P",
            "Pbar": "bone_P_bar", "P_O": "bone_P_0", "P_S": "bone_P_s"}
    assert set(ours) == ruled
    rules = {r.id for r in bone_network().rules}
    assert set(ours.values()) <= rules
    assert {s.getId() for s in m.getListOfSpecies()} == set(IDS)


@needs_komarova
def test_bone_mass_rates_are_komarovas():
    import roadrunner

    rr = roadrunner.RoadRunner(str(KOMAROVA_FILE))
    assert BONE["k_res"][0] == rr["k1"] and BONE["k_form"][0] == rr["k2"]
    assert BONE["x1_bar"][0] == pytest.approx(rr["x1_bar"], rel=1e-12)
    assert BONE["x2_bar"][0] == pytest.approx(rr["x2_bar"], rel=1e-12)


# ------------------------------------------------------------------ (2) reproduction
@needs_lemaire
@pytest.mark.parametrize("experiment", list(EXPERIMENTS))
def test_reproduces_reference_time_courses(net, sim, experiment):
    """Osteoblasts (R, B) and osteoclasts (C) over 300 days from the file's initial state
    match libRoadRunner on the file within 1e-4 relative (the engine runs in minutes)."""
    params, perturbed = EXPERIMENTS[experiment]
    initial = {**FILE_INITIAL, **perturbed}
    ref = _reference(params, initial)
    run_net = net.with_parameters({f"bone_{k}": v for k, v in params.items()})
    res = sim.run(run_net, t_end=DAYS[-1] * MIN_PER_DAY, times=DAYS * MIN_PER_DAY, presimulate=False,
                  initial_values={IDS[k]: v for k, v in initial.items()})
    assert res.ok, res.message
    np.testing.assert_allclose(res.time, ref[:, 0] * MIN_PER_DAY)
    for j, k in enumerate("RBC"):
        np.testing.assert_allclose(res[IDS[k]], ref[:, 1 + j], rtol=RTOL_MATCH, atol=0, err_msg=f"{experiment}: {k}")
    if params:  # the experiment moves the cells, so the comparison means something
        assert abs(ref[-1, 3] / ref[0, 3] - 1) > 0.05


# ------------------------------------------------------------------ (3) steady state
@needs_lemaire
def test_reference_steady_state_is_ours(net, sim):
    import roadrunner

    rr = roadrunner.RoadRunner(str(LEMAIRE_FILE))
    rr.steadyState()
    for k in "RBC":
        assert net.species_by_id(IDS[k]).initial == pytest.approx(rr[f"[{k}]"], rel=1e-9), k
        assert FILE_INITIAL[k] == pytest.approx(rr[f"[{k}]"], rel=2e-4)  # the file starts there, to 4 digits
    days = np.array([0.0, 1000.0])
    res = sim.run(net, t_end=days[-1] * MIN_PER_DAY, times=days * MIN_PER_DAY, presimulate=False)
    assert res.ok, res.message
    for k in "RBC":
        assert res[IDS[k]][-1] == pytest.approx(rr[f"[{k}]"], rel=1e-7), k
    assert res["bone_mass_pct"][-1] == pytest.approx(100.0, abs=1e-6)
    assert res["bone_TGFb_release"][-1] == pytest.approx(1.0, rel=1e-7)
    assert res["bone_osteoclasts_pct"][-1] == pytest.approx(100.0, rel=1e-7)


# ------------------------------------------------------------------ (4) coupling hooks
@pytest.mark.parametrize("hook", [{"bone_f_RANKL_tumor": 2.0}, {"bone_f_OPG_tumor": 0.5}, {"bone_f_PTH_tumor": 2.0}])
def test_tumor_hooks_raise_osteoclasts_and_lose_bone(net, sim, hook):
    days = np.linspace(0.0, 180.0, 19)
    base = sim.run(net, t_end=days[-1] * MIN_PER_DAY, times=days * MIN_PER_DAY, presimulate=False)
    res = sim.run(net.with_parameters(hook), t_end=days[-1] * MIN_PER_DAY, times=days * MIN_PER_DAY, presimulate=False)
    assert base.ok and res.ok
    assert res["bone_osteoclasts_pM"][-1] > 1.2 * base["bone_osteoclasts_pM"][-1]
    assert res["bone_TGFb_release"][-1] > 1.2
    assert res["bone_mass_pct"][-1] < base["bone_mass_pct"][-1] - 2.0
    assert np.all(np.diff(res["bone_mass_pct"]) <= 1e-9)  # resorption only ever wins
    assert res["bone_RANKL_OPG_ratio"][1] > base["bone_RANKL_OPG_ratio"][1]


def test_bone_mass_is_komarova_thresholded(net, sim):
    """Fewer osteoclasts than normal resorb nothing (Komarova: only cells above steady
    state act): OPG administration leaves bone mass at 100 % or above."""
    days = np.linspace(0.0, 180.0, 19)
    res = sim.run(net.with_parameters({"bone_I_O": 2 * _OPG_PRODUCTION}), t_end=days[-1] * MIN_PER_DAY,
                  times=days * MIN_PER_DAY, presimulate=False)
    assert res.ok
    assert res["bone_osteoclasts_pct"][-1] < 95.0
    assert res["bone_mass_pct"][-1] >= 100.0 - 1e-9
