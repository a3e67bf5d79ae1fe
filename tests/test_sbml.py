"""SBML export: validity, Antimony round trip, and an independent numerical check.

The independent check integrates the Network's own rate laws with SciPy
(``engine.reference.solve_reference``: BDF, rtol 1e-8, atol 1e-12, no SBML involved)
and compares with libRoadRunner running the exported SBML (CVODE, rtol 1e-8,
atol 1e-12), both with the same protocol (pre-simulation, stimuli added to the medium).

Tolerance: for every column (species and observables) over 0..240 min
    max_t |rr - ref| ≤ 1e-5 · max_t |rr| + 1e-9.
Both solvers run at rtol 1e-8; their global errors measured on these conditions are
≤ 2e-7 of each column's scale, so 1e-5 leaves a 50x margin, while any modelling
error in the export (a volume factor, a stoichiometry, an operator precedence) moves
results by far more than 1e-5 — see ``test_reference_check_detects_a_1_percent_change``.
The absolute floor 1e-9 (1000 x atol) covers columns that stay at ~0.
"""
from __future__ import annotations

import antimony
import numpy as np
import pytest

from stat3sim.engine.reference import compile_network, solve_reference
from stat3sim.engine.roadrunner import Simulator
from stat3sim.engine.sbml import to_antimony, to_sbml, validation_errors
from stat3sim.model import signaling_network

REL, ABS = 1e-5, 1e-9
T = np.linspace(0.0, 240.0, 241)


@pytest.fixture(scope="module")
def net():
    return signaling_network("tumor")


@pytest.fixture(scope="module")
def sbml(net):
    return to_sbml(net)


@pytest.fixture(scope="module")
def sim(net):
    return Simulator(net)


def _max_violation(res, ref) -> tuple[float, str]:
    """The largest error / bound ratio over all columns, and its column (≤ 1 passes)."""
    worst, where = 0.0, ""
    for i, col in enumerate(res.columns):
        a, b = res.values[:, i], ref[col]
        ratio = np.max(np.abs(a - b)) / (REL * np.max(np.abs(a)) + ABS)
        if ratio > worst:
            worst, where = float(ratio), col
    return worst, where


# ------------------------------------------------------------------ validity
def test_sbml_has_no_validation_errors(sbml):
    assert validation_errors(sbml) == []


def test_sbml_units_are_consistent(sbml):
    assert validation_errors(sbml, units=True) == []


def test_antimony_export_and_reload(sbml, sim):
    text = to_antimony(sbml)
    assert "tumor__STAT3_cyt" in text and "tumor__obs__pSTAT3" in text
    antimony.clearPreviousLoads()
    assert antimony.loadAntimonyString(text) >= 0, antimony.getLastError()
    sbml2 = antimony.getSBMLString(None)
    assert validation_errors(sbml2) == []
    a = sim.run(stimuli={"IL6": 1.0}, t_end=240, n_points=241)
    b = Simulator.from_sbml(sbml2).run(stimuli={"IL6": 1.0}, t_end=240, n_points=241)
    assert b.ok
    for col in sim.species:  # the reloaded model integrates the same equations
        np.testing.assert_allclose(b[col], a[col], rtol=1e-6, atol=1e-9, err_msg=col)


# ------------------------------------------------------------------ independent check
CONDITIONS = {
    "IL6 1 nM": lambda n: n.with_stimulus({"IL6": 1.0}),
    "IL11 1 nM": lambda n: n.with_stimulus({"IL11": 1.0}),
    "IL6+sIL6R, IL6R KO": lambda n: n.knockout("IL6R").with_stimulus({"IL6": 1.0, "sIL6R": 1.0}),
    "IL6, SOCS3 KO": lambda n: n.knockout("SOCS3").with_stimulus({"IL6": 1.0}),
    "TNFa+IL6": lambda n: n.with_stimulus({"TNFa": 1.0, "IL6": 1.0}),
    "EGF 10 nM": lambda n: n.with_stimulus({"EGF": 10.0}),
}


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_roadrunner_matches_scipy_reference(net, sim, condition):
    n = CONDITIONS[condition](net)
    res = sim.run(n, t_end=240, n_points=241)
    ref = solve_reference(n, t_end=240, t_eval=T, method="BDF", rtol=1e-8, atol=1e-12)
    assert res.ok and ref.ok, (res.message, ref.message)
    assert res.columns == ref.columns
    np.testing.assert_allclose(ref.time, res.time, rtol=0, atol=1e-9)
    worst, col = _max_violation(res, ref)
    assert worst <= 1.0, f"{condition}: {col} differs by {worst:.2f} x the tolerance"
    # both pre-simulations reached the same unstimulated steady state
    assert ref.meta["steady_state_residual_per_min"] < 1e-6


def test_reference_check_detects_a_1_percent_change(net, sim):
    """The tolerance is tight enough to catch a small modelling difference."""
    n = net.with_stimulus({"IL6": 1.0})
    res = sim.run(n, t_end=240, n_points=241)
    p = "tumor__k_stat3_phos"
    ref = solve_reference(n.with_parameters({p: 1.01 * n.parameter(p).value}), t_end=240, t_eval=T)
    worst, _ = _max_violation(res, ref)
    assert worst > 10.0


def test_reference_initial_values_and_observables(net, sim):
    """Initial assignments and observables of the reference agree with libRoadRunner at t = 0."""
    kd = net.knockdown("STAT3", 0.5).knockdown("IL6R", 0.3)
    cn = compile_network(kd)
    res = sim.run(kd, t_end=1.0, n_points=2, presimulate=False)
    y0 = np.array([res[s][0] for s in cn.species])
    np.testing.assert_allclose(cn.y0, y0, rtol=1e-12, atol=0)
    obs = cn.observe(y0[:, None])[:, 0]
    np.testing.assert_allclose(obs, [res[o][0] for o in cn.observables], rtol=1e-10, atol=1e-15)
    # and the right-hand side agrees with libRoadRunner's rates of change
    sim.rr.reset()
    rates = dict(zip(sim.rr.model.getFloatingSpeciesIds(), sim.rr.model.getFloatingSpeciesConcentrationRates()))
    dy = cn.rhs(0.0, cn.y0)
    np.testing.assert_allclose(dy, [rates[s] for s in cn.species], rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------ engine behaviour
def test_from_sbml_gives_the_same_results(net, sbml, sim):
    n = net.with_stimulus({"IL6": 1.0})
    a = sim.run(n, t_end=240, n_points=241)
    b = Simulator.from_sbml(sbml).run(stimuli={"IL6": 1.0}, t_end=240, n_points=241)
    assert b.ok
    # Same SBML, but parameter values round-trip through SBML text (libsbml writes ~15
    # significant digits). A last-digit change can change CVODE's step sequence, so the
    # two agree to the global integration error (~100 × rtol = 1e-6), not bit for bit.
    for col in b.columns:
        np.testing.assert_allclose(b[col], a[col], rtol=1e-6, atol=1e-12, err_msg=col)


def test_rerun_with_new_parameters_does_not_recompile(net):
    sim = Simulator(net)
    rr = sim.rr
    base = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=240, n_points=241)
    variants = [
        net.knockout("SOCS3").with_stimulus({"IL6": 1.0}),
        net.knockdown("STAT3", 0.5).with_stimulus({"IL6": 1.0}),  # changes initial assignments too
        net.with_parameters({"tumor__k_jak_activation": 1.0}).with_stimulus({"IL11": 2.0}),
    ]
    for v in variants:
        res = sim.run(v, t_end=240, n_points=241)
        assert sim.rr is rr  # same compiled model
        fresh = Simulator(v).run(v, t_end=240, n_points=241)
        np.testing.assert_allclose(res.values, fresh.values, rtol=1e-10, atol=1e-14)
        assert not np.allclose(res.values, base.values, rtol=1e-3)
    # and back to the original parameters: the first result again
    again = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=240, n_points=241)
    np.testing.assert_allclose(again.values, base.values, rtol=1e-10, atol=1e-14)
