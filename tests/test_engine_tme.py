"""The engine on the TME model: JIT backend, the on-disk cache of compiled models, and
the exported SBML of a scenario network in plain libRoadRunner.

Each test runs 30 simulated days at most (a tnbc compile is ~3 s cold)."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import roadrunner

from stat3sim import runs
from stat3sim.engine import roadrunner as engine
from stat3sim.engine.roadrunner import ATOL, PRESIM_MIN, RTOL, Simulator, structure_key
from stat3sim.engine.sbml import to_sbml, validation_errors
from stat3sim.model import tme
from stat3sim.model.network import NetworkBuilder
from stat3sim.model.signaling import signaling_network
from stat3sim.scenarios import load_scenario

DAYS = 30
KEY_READOUTS = ("tumor_volume_mm3", "tumor.pSTAT3")


@pytest.fixture(scope="module")
def tnbc():
    return runs.build(load_scenario("tnbc"))


def _tme_run(sim: Simulator, net, days: float = DAYS):
    times = np.arange(days + 1) * 1440.0
    return sim.run(net, t_end=times[-1], times=times, parameters={"pop_on": 0.0},
                   after_presim={"pop_on": net.parameter("pop_on").value})


def _integrator_settings(rr) -> dict:
    integ = rr.integrator
    return {k: integ.getValue(k) for k in integ.getSettings()}


# --------------------------------------------------------------------------- backend
def test_mcjit_is_the_process_wide_backend():
    C = roadrunner.Config
    want = C.LLJIT if engine.JIT == "lljit" else C.MCJIT
    assert C.getValue(C.LLVM_BACKEND) == want
    assert engine.backend_name().startswith(engine.JIT if engine.JIT == "lljit" else "mcjit")


_OTHER_SCRIPT = """
import json, sys
import numpy as np
import roadrunner
from stat3sim.engine.roadrunner import Simulator
C = roadrunner.Config
from stat3sim.model.network import NetworkBuilder
from stat3sim.model.signaling import signaling_network
net = signaling_network("tumor").with_stimulus({"IL6": 1.0})
sim = Simulator(net, cache=False)
assert C.getValue(C.LLVM_BACKEND) == C.LLJIT
res = sim.run(net, t_end=240.0, n_points=241)
np.save(sys.argv[1], res.values)
"""


def test_lljit_and_mcjit_give_identical_results(tmp_path):
    """The backend changes how the model is compiled, not the numbers: the tumor
    module's IL-6 time course agrees to 1e-10 (relative to each readout's range) with
    LLJIT (STAT3SIM_JIT=lljit), compiled in a fresh process (libRoadRunner keeps compiled
    models per process)."""
    out = tmp_path / "lljit.npy"
    env = dict(os.environ, STAT3SIM_CACHE="off", STAT3SIM_JIT="lljit")
    proc = subprocess.run([sys.executable, "-c", _OTHER_SCRIPT, str(out)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lljit = np.load(out)
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})
    mcjit = Simulator(net, cache=False).run(net, t_end=240.0, n_points=241).values
    assert lljit.shape == mcjit.shape
    scale = np.maximum(np.max(np.abs(mcjit), axis=0), 1e-300)
    assert np.max(np.abs(lljit - mcjit) / scale) <= 1e-10


# ------------------------------------------------------------------------ disk cache
def test_compiled_model_round_trips_through_the_disk_cache(tnbc, tmp_path, monkeypatch):
    """A second Simulator of the same structure loads the saved state: same selections,
    tolerances, ids, parameter and initial values, and the same results as the
    freshly compiled one (to the last bit)."""
    monkeypatch.setenv("STAT3SIM_CACHE", str(tmp_path))
    fresh = Simulator(tnbc)
    assert fresh.origin == "compiled"
    files = list((tmp_path / "models").glob("*.rrstate"))
    assert len(files) == 1 and files[0].stat().st_size > 0
    assert not [p for p in (tmp_path / "models").iterdir() if p.suffix == ".tmp"]  # no temp files left

    loaded = Simulator(tnbc)
    assert loaded.origin == "disk cache"
    assert loaded._sbml is None  # no SBML export when the compiled model was on disk
    for attr in ("species", "observables", "columns", "_selections", "_amount", "_origin", "_init_origin",
                 "_current"):
        assert getattr(loaded, attr) == getattr(fresh, attr), attr
    assert list(loaded.rr.timeCourseSelections) == list(fresh.rr.timeCourseSelections)
    assert _integrator_settings(loaded.rr) == _integrator_settings(fresh.rr)
    assert loaded.rr.integrator.getName() == "cvode"
    assert loaded.rr.integrator.relative_tolerance == RTOL and loaded.rr.integrator.absolute_tolerance == ATOL
    m_fresh, m_loaded = fresh.rr.model, loaded.rr.model
    assert list(m_loaded.getGlobalParameterIds()) == list(m_fresh.getGlobalParameterIds())
    assert list(m_loaded.getFloatingSpeciesIds()) == list(m_fresh.getFloatingSpeciesIds())
    assert list(m_loaded.getReactionIds()) == list(m_fresh.getReactionIds())

    a, b = _tme_run(fresh, tnbc), _tme_run(loaded, tnbc)
    assert a.ok and b.ok
    assert np.array_equal(a.values, b.values)
    # a knock-out arm through the loaded model too (parameters set on the loaded state)
    arm = next(x for x in runs.standard_arms(load_scenario("tnbc")) if x.name == "myeloid STAT3 KO")
    ko = runs.build(load_scenario("tnbc"), arm)
    assert structure_key(ko) == loaded.key
    assert np.array_equal(_tme_run(fresh, ko, 10).values, _tme_run(loaded, ko, 10).values)
    # the SBML text is still there when asked for
    assert loaded.sbml == fresh.sbml


def test_a_cached_model_takes_the_values_of_the_network_that_asks(tmp_path, monkeypatch):
    """The cache file is keyed by structure: a knock-out variant (same structure, other
    parameter and initial values) loads the wild type's compiled model, which is given
    the variant's values — its ``rr`` and results are those of a fresh compile."""
    monkeypatch.setenv("STAT3SIM_CACHE", str(tmp_path))
    from dataclasses import replace

    wt = signaling_network("tumor")
    ko = wt.knockout("SOCS3").with_parameters({"tumor__k_internalisation": 0.0}).with_stimulus({"IL6": 1.0})
    moved = next(s for s in ko.species if not isinstance(s.initial, str) and s.initial > 0)
    ko = replace(ko, species=tuple(replace(s, initial=s.initial * 1.5) if s is moved else s for s in ko.species))
    assert structure_key(ko) == structure_key(wt)
    assert Simulator(wt).origin == "compiled"
    loaded = Simulator(ko)
    assert loaded.origin == "disk cache"
    fresh = Simulator(ko, cache=False)
    changed = [p for p in ko.parameters if p.value != wt.parameter(p.id).value]
    assert changed
    for p in changed:
        assert loaded.rr[p.id] == p.value
    assert loaded._origin == pytest.approx(fresh._origin, rel=1e-14)
    assert loaded._init_origin == pytest.approx(fresh._init_origin, rel=1e-14)
    assert loaded._init_origin[moved.id] == pytest.approx(moved.initial * 1.5, rel=1e-14)
    assert np.array_equal(loaded.run(ko, t_end=120.0).values, fresh.run(ko, t_end=120.0).values)


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "header"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(damage, tmp_path, monkeypatch):
    monkeypatch.setenv("STAT3SIM_CACHE", str(tmp_path))
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})
    first = Simulator(net)
    expected = first.run(net, t_end=60.0, n_points=61).values
    (path,) = (tmp_path / "models").glob("*.rrstate")
    blob = path.read_bytes()
    if damage == "truncated":  # libRoadRunner itself loads a truncated state without complaint
        path.write_bytes(blob[: len(blob) // 2])
    elif damage == "flipped":
        b = bytearray(blob)
        b[len(b) // 2] ^= 0xFF
        path.write_bytes(bytes(b))
    elif damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a valid payload under a header from another version
        head_end = blob.index(b"\n", len(engine._MAGIC))
        head = json.loads(blob[len(engine._MAGIC):head_end])
        head["roadrunner"] = "0.0.0"
        path.write_bytes(engine._MAGIC + json.dumps(head).encode() + blob[head_end:])
    again = Simulator(net)
    assert again.origin == "compiled"
    assert np.array_equal(again.run(net, t_end=60.0, n_points=61).values, expected)
    assert Simulator(net).origin == "disk cache"  # rewritten, loadable


def test_an_unusable_cache_location_only_costs_the_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("STAT3SIM_CACHE", str(blocker))
    net = signaling_network("tumor")
    sim = Simulator(net)
    assert sim.origin == "compiled" and sim.run(net, t_end=10.0).ok
    monkeypatch.setenv("STAT3SIM_CACHE", "off")
    assert engine.cache_dir() is None
    assert Simulator(net).origin == "compiled"


def test_a_simulator_pickles_without_its_sbml(tmp_path, monkeypatch):
    """Workers get the Network (and load the compiled model from the disk cache)."""
    import pickle

    monkeypatch.setenv("STAT3SIM_CACHE", str(tmp_path))
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})
    Simulator(net)
    sim = Simulator(net)
    assert sim.origin == "disk cache"
    again = pickle.loads(pickle.dumps(sim))
    assert again.origin == "disk cache" and again._sbml is None
    assert np.array_equal(again.run(net, t_end=30.0).values, sim.run(net, t_end=30.0).values)


# ------------------------------------------------------------------- tolerances, presim
def test_population_tolerances_agree_with_the_default_ones(tnbc):
    """The looser population setting changes the key readouts by < 1e-3 relative (it
    measured ~1e-6) and is reported in the result's meta."""
    sim = Simulator.for_network(tnbc)
    tight = _tme_run(sim, tnbc)
    times = np.arange(DAYS + 1) * 1440.0
    loose = sim.run(tnbc, t_end=times[-1], times=times, parameters={"pop_on": 0.0},
                    after_presim={"pop_on": 1.0}, rtol=engine.POPULATION_RTOL, atol=engine.POPULATION_ATOL)
    assert tight.ok and loose.ok
    assert loose.meta["tolerances"] == [engine.POPULATION_RTOL, engine.POPULATION_ATOL]
    assert tight.meta["tolerances"] == [RTOL, ATOL]
    for key in KEY_READOUTS + ("MDSC_count", "CD8_count", "M2_fraction", "serum_IL6_pg_mL"):
        assert loose[key][-1] == pytest.approx(tight[key][-1], rel=1e-4), key
    # the next default run is not affected by the previous setting
    assert np.array_equal(_tme_run(sim, tnbc).values, tight.values)


def test_absolute_tolerances_are_fixed_from_each_runs_own_state(tnbc):
    """Simulator.run fixes CVODE's absolute tolerances as a vector (libRoadRunner's scaling
    by amount, at the run's own state after reset and again after the pre-simulation), so a
    run does not depend on what ran before, and at the population tolerances its 180-day
    readouts, metastases included, stay within 1e-4 of an rtol 1e-9 run (measured: ≤ 6e-5
    over every scenario and standard arm, as with the scalar setting)."""
    sim = Simulator.for_network(tnbc)
    times = np.arange(181.0) * 1440.0

    def run(rtol=engine.POPULATION_RTOL, atol=engine.POPULATION_ATOL, **params):
        return sim.run(tnbc, t_end=times[-1], times=times, parameters={"pop_on": 0.0, **params},
                       after_presim={"pop_on": 1.0}, rtol=rtol, atol=atol)

    first = run()
    assert isinstance(sim.rr.integrator.getValue("absolute_tolerance"), list)
    other = run(tumor__k_secretion_IL6=0.0)  # another state, another tolerance vector
    assert other.ok and not np.array_equal(other.values, first.values)
    assert np.array_equal(run().values, first.values)
    ref = run(rtol=1e-9, atol=1e-14)
    for key in KEY_READOUTS + ("MDSC_count", "CD8_count", "serum_IL6_pg_mL", "mets_bone", "mets_lung", "mets_liver"):
        assert first[key][-1] == pytest.approx(ref[key][-1], rel=1e-4), key


def test_tme_presimulation_settles_in_one_window(tnbc):
    """The steady-state test uses the mean rate over the last STEADY_PROBE_MIN minutes:
    the tnbc model settles in the first window (the instantaneous dy/dt there is
    dominated by the error of the fastest modes and needed up to 4 windows)."""
    res = _tme_run(Simulator.for_network(tnbc), tnbc, 2)
    assert res.ok and res.meta["steady_state_reached"]
    assert res.meta["presimulated_min"] == PRESIM_MIN
    assert res.meta["steady_state_residual_per_min"] < engine.STEADY_TOL


# ------------------------------------------------------------------- SBML of a scenario
def test_tnbc_sbml_validates_and_runs_in_plain_roadrunner(tnbc):
    """The exported SBML has no libsbml errors, and plain libRoadRunner with the same
    protocol (pop_on = 0 while pre-simulating, then pop_on = 1, 30 days, same tolerances)
    gives the tumor volume and tumor pSTAT3 of the Simulator to 1e-6."""
    sbml = to_sbml(tnbc)
    assert validation_errors(sbml) == []
    # at the signaling tolerances on both sides (runs.simulate's looser population
    # tolerances differ from them by ~1e-6, the size of rtol)
    res = _tme_run(Simulator.for_network(tnbc), tnbc, DAYS)
    assert res.ok and res.meta["presimulated_min"] == PRESIM_MIN

    rr = roadrunner.RoadRunner(sbml)
    rr.integrator.relative_tolerance = RTOL
    rr.integrator.absolute_tolerance = ATOL
    rr.integrator.maximum_num_steps = 50000
    obs = {o.name: o.id for o in tnbc.observables}
    rr.timeCourseSelections = ["time"] + [obs[k] for k in KEY_READOUTS]
    rr.reset()
    rr["pop_on"] = 0.0
    rr.simulate(-PRESIM_MIN, 0.0, 2)
    rr["pop_on"] = 1.0
    out = np.asarray(rr.simulate(times=(np.arange(DAYS + 1) * 1440.0).tolist()))
    for j, key in enumerate(KEY_READOUTS, start=1):
        ours = res[key]
        assert out[:, j] == pytest.approx(ours, rel=1e-6, abs=1e-12 * np.max(np.abs(ours))), key


def test_the_cache_keeps_the_most_recently_used_files(tmp_path, monkeypatch):
    monkeypatch.setenv("STAT3SIM_CACHE", str(tmp_path))
    monkeypatch.setattr(engine, "CACHE_MAX_FILES", 2)
    from stat3sim.model.network import NetworkBuilder

    def decay(name):
        b = NetworkBuilder(name)
        b.compartment("medium", 1.0)
        b.parameter("k", 0.1, "1/min", "test")
        b.species(name, "medium", 1.0)
        b.reaction("loss", [name], [], f"k*{name}", "medium")
        return b.build()

    nets = [decay(n) for n in ("A", "B", "C")]
    assert len({structure_key(n) for n in nets}) == 3
    Simulator(nets[0])
    Simulator(nets[1])
    os.utime(next(iter(sorted((tmp_path / "models").glob("*.rrstate"), key=lambda f: f.stat().st_mtime))),
             (1, 1))  # the oldest file goes first
    Simulator(nets[2])
    assert len(list((tmp_path / "models").glob("*.rrstate"))) == 2
    monkeypatch.setenv("STAT3SIM_CACHE_MAX_FILES", "1")  # the user's number wins
    Simulator(decay("D"))
    assert len(list((tmp_path / "models").glob("*.rrstate"))) == 1
    monkeypatch.setenv("STAT3SIM_CACHE_MAX_FILES", "many")  # not a number: the default
    assert engine.cache_max_files() == 2


def test_a_run_that_fails_at_loose_tolerances_is_repeated_at_the_simulators_own(monkeypatch):
    net = signaling_network("tumor").with_stimulus({"IL6": 1.0})
    sim = Simulator.for_network(net)
    expected = sim.run(net, t_end=60.0, n_points=61)
    real = sim._attempt

    def failing_when_loose(tol, *args):
        if tol != (RTOL, ATOL):
            return engine.Results(np.zeros(0), np.zeros((0, len(sim.columns))), sim.columns, sim._labels(),
                                  sim._unit_list(), ok=False, message="CV_TOO_MUCH_WORK")
        return real(tol, *args)

    monkeypatch.setattr(sim, "_attempt", failing_when_loose)
    res = sim.run(net, t_end=60.0, n_points=61, rtol=engine.POPULATION_RTOL, atol=engine.POPULATION_ATOL)
    assert res.ok and res.meta["retried_at_tolerances"] == [RTOL, ATOL]
    assert res.meta["failed_at_tolerances"] == [engine.POPULATION_RTOL, engine.POPULATION_ATOL]
    assert np.array_equal(res.values, expected.values)


def test_a_simulator_compiled_from_another_composition_starts_at_this_networks_concentrations():
    """Regression: libRoadRunner restores *amounts* on reset(), computed with the compartment
    volume of the Network it was compiled from. A simulator compiled from a tumor-free
    Network (300 pL of interstitium) then run for er_endocrine_resistant (3 mL) started with
    estradiol diluted 1e7-fold. Concentrations in rule-sized compartments are now written
    after the initial cell numbers."""
    from stat3sim.engine import roadrunner as R

    er = runs.build(load_scenario("er_endocrine_resistant"))

    def start():
        r = R.Simulator.for_network(er).run(er, t_end=1.0, n_points=2, parameters={"pop_on": 0.0})
        return dict(zip(r.columns, r.values[0]))

    saved = dict(R._CACHE)
    try:
        R._CACHE.clear()
        fresh = start()
        R._CACHE.clear()
        free = runs.build(load_scenario("tnbc").model_copy(update={"cells": {c: 0.0 for c in tme.CELL_TYPES}}))
        R.Simulator.for_network(free).run(free, t_end=1440.0, n_points=2)
        reused = start()
    finally:
        R._CACHE.clear()
        R._CACHE.update(saved)
    assert reused["E2"] == pytest.approx(fresh["E2"], rel=1e-9)
    assert reused["tumor__ERa_activity"] == pytest.approx(fresh["tumor__ERa_activity"], rel=1e-6)


def test_an_absolute_tolerance_floor_raises_only_the_named_species():
    """Simulator.run(atol_floor={species: nM}) raises those entries of CVODE's absolute
    tolerance vector to nM × compartment volume and leaves the others; an unknown species
    or a negative floor is a ValueError."""
    b = NetworkBuilder("floor")
    c = b.compartment("c", 2.0, "pL", "a compartment")
    a = b.species("A", c, 10.0, "nM", "decays")
    b2 = b.species("B", c, 0.0, "nM", "made")
    b.parameter("k", 0.1, "1/min", "rate", "assumed")
    b.reaction("decay", [a], [b2], "k*A", c)
    net = b.build()
    sim = Simulator(net, cache=False)
    sim.run(net, t_end=10, presimulate=False, atol_floor={"A": 1e-3})
    v = np.asarray(sim.rr.integrator.getValue("absolute_tolerance"))
    ia, ib = sim.species.index("A"), sim.species.index("B")
    assert v[ia] == pytest.approx(1e-3 * 2.0)
    assert v[ib] < 1e-9
    with pytest.raises(ValueError, match="lacks: Z"):
        sim.run(net, t_end=10, atol_floor={"Z": 1.0})
    with pytest.raises(ValueError, match=">= 0"):
        sim.run(net, t_end=10, atol_floor={"A": -1.0})


def _population_run(net, **kw):
    """A DAYS-day run at the population tolerances, populations frozen in the pre-simulation."""
    times = np.arange(DAYS + 1) * 1440.0
    return Simulator.for_network(net).run(net, t_end=times[-1], times=times, parameters={"pop_on": 0.0},
                                          after_presim={"pop_on": 1.0}, rtol=engine.POPULATION_RTOL,
                                          atol=engine.POPULATION_ATOL, **kw)


def test_a_loose_first_presimulation_window_ends_in_the_same_steady_state(tnbc):
    """presim_rtol: the approach to the steady state at a loose tolerance, the last
    PRESIM_POLISH_MIN at the run's own. The 30-day readouts agree with a pre-simulation
    wholly at the run's rtol to 1e-5 (over every scenario and standard arm at day 180 the
    worst key readout moved 3e-5, as much as the reference setting moves against rtol 1e-9);
    a presim_rtol not in (0, 1) is a ValueError."""
    def run(**kw):
        return _population_run(tnbc, **kw)

    strict, loose = run(), run(presim_rtol=engine.PRESIM_RTOL)
    assert strict.ok and loose.ok and loose.meta["steady_state_reached"]
    assert not np.array_equal(strict.values, loose.values)  # the option did something
    for key in KEY_READOUTS + ("MDSC_count", "CD8_count", "serum_IL6_pg_mL", "M2_fraction"):
        assert loose[key][-1] == pytest.approx(strict[key][-1], rel=1e-5), key
    assert np.array_equal(run(presim_rtol=engine.PRESIM_RTOL).values, loose.values)  # reproducible
    for bad in (0.0, 1.0, float("nan")):
        with pytest.raises(ValueError, match="presim_rtol"):
            run(presim_rtol=bad)


def test_a_failed_loose_presimulation_leaves_the_runs_own_rtol_behind():
    """If the loose first window fails, the integrator is back at the run's rtol, so the
    retry at the simulator's own tolerances (and any later run) is not run loose."""
    b = NetworkBuilder("loose")
    c = b.compartment("c", 1.0, "pL", "a compartment")
    a = b.species("A", c, 10.0, "nM", "decays")
    b.parameter("k", 0.1, "1/min", "rate", "assumed")
    b.reaction("decay", [a], [], "k*A", c)
    net = b.build()
    sim = Simulator(net, cache=False)
    real = sim.rr.simulate
    seen = []

    def flaky(*args, **kw):
        seen.append(sim.rr.integrator.relative_tolerance)
        if sim.rr.integrator.relative_tolerance == 1e-3:
            raise RuntimeError("CVODE: too much work")
        return real(*args, **kw)

    sim.rr.simulate = flaky
    res = sim.run(net, t_end=10, rtol=1e-6, atol=1e-12, presim_rtol=1e-3)
    assert res.ok and res.meta["retried_at_tolerances"] == [RTOL, ATOL]
    assert seen[0] == 1e-3 and all(r != 1e-3 for r in seen[1:])
    assert sim.rr.integrator.relative_tolerance == RTOL


def test_population_max_order_caps_the_bdf_order_for_that_run_only(tnbc):
    """max_order (POPULATION_MAX_ORDER for runs.simulate): the 30-day readouts agree with
    order 5 to the tolerance's own error, the setting is CVODE's for that run only, and a
    value outside 1..5 is a ValueError before anything runs."""
    def run(**kw):
        return _population_run(tnbc, **kw)

    sim = Simulator.for_network(tnbc)
    five, capped = run(), run(max_order=engine.POPULATION_MAX_ORDER)
    assert sim.rr.integrator.maximum_bdf_order == engine.POPULATION_MAX_ORDER
    assert five.ok and capped.ok and not np.array_equal(five.values, capped.values)
    for key in KEY_READOUTS + ("MDSC_count", "CD8_count", "serum_IL6_pg_mL", "M2_fraction"):
        assert capped[key][-1] == pytest.approx(five[key][-1], rel=1e-4), key
    assert np.array_equal(run().values, five.values)  # back at order 5
    assert sim.rr.integrator.maximum_bdf_order == 5
    for bad in (0, 6, 2.5, True):
        with pytest.raises(ValueError, match="max_order"):
            run(max_order=bad)
