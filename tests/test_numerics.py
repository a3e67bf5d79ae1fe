"""Numerics against exact answers.

The engine integrates with CVODE at RTOL = 1e-8, ATOL = 1e-12 (engine.roadrunner).
The global error of such a run is typically 10-100x the local tolerance, so the
tolerances below are written as "≤ 1e-6 relative" (about 100x RTOL) unless stated
otherwise; each assertion says what it compares against.
"""
from __future__ import annotations

import numpy as np
import pytest

from stat3sim.engine.roadrunner import ATOL, PRESIM_MIN, RTOL, STEADY_TOL, Simulator
from stat3sim.model import NetworkBuilder, signaling_network

#: relative tolerance for comparisons with closed-form solutions (100 x RTOL)
REL = 1e-6


def _close(a, b, rel=REL, abs_=1e-10):
    """max |a - b| ≤ rel * max|b| + abs_ (abs_ is 100x ATOL scale, for values near 0)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.max(np.abs(a - b))
    bound = rel * np.max(np.abs(b)) + abs_
    assert err <= bound, f"max error {err:.3e} > bound {bound:.3e}"


def test_engine_tolerances_are_tight():
    assert RTOL <= 1e-8 and ATOL <= 1e-12


# ------------------------------------------------------------------ tiny networks
def test_first_order_decay():
    k = 0.3
    b = NetworkBuilder("decay")
    b.compartment("cell", 1.0)
    b.parameter("k", k, "1/min", "test")
    b.species("A", "cell", 2.0)
    b.reaction("decay", ["A"], [], "k*A", "cell")
    net = b.build()
    res = Simulator(net).run(net, t_end=20.0, n_points=201, presimulate=False)
    assert res.ok
    assert res.time[0] == 0.0 and res.time[-1] == pytest.approx(20.0)
    # A(t) = A0 exp(-k t), to 1e-6 relative of A0
    _close(res["A"], 2.0 * np.exp(-k * res.time))


def test_stimulus_after_presimulation_decays_exactly():
    """The protocol: pre-simulate to steady state (A = 0), add the stimulus, then A = s e^{-kt}."""
    k = 0.05
    b = NetworkBuilder("ligand")
    b.compartment("medium", 100.0)
    b.parameter("k", k, "1/min", "test")
    b.species("L", "medium", 0.0)
    b.reaction("loss", ["L"], [], "k*L", "medium")
    net = b.build().with_stimulus({"L": 1.5})
    res = Simulator(net).run(net, t_end=60.0, n_points=61)
    assert res.meta["presimulated_min"] == PRESIM_MIN
    _close(res["L"], 1.5 * np.exp(-k * res.time))


def test_binding_equilibrium_quadratic():
    kon, koff, A0, B0 = 1.0, 0.5, 2.0, 1.0
    Kd = koff / kon
    b = NetworkBuilder("binding")
    b.compartment("cell", 1.0)
    b.parameter("kon", kon, "1/(nM*min)", "test")
    b.parameter("koff", koff, "1/min", "test")
    b.species("A", "cell", A0)
    b.species("B", "cell", B0)
    b.species("C", "cell", 0.0)
    b.reaction("bind", ["A", "B"], ["C"], "kon*A*B - koff*C", "cell")
    net = b.build()
    # relaxation rate ≥ koff + kon*(A_eq + B_eq) > 1.5/min, so 50 min is > 75 time constants
    res = Simulator(net).run(net, t_end=50.0, n_points=101, presimulate=False)
    s = A0 + B0 + Kd
    C_eq = (s - np.sqrt(s * s - 4 * A0 * B0)) / 2  # root of C^2 - sC + A0 B0 = 0 below min(A0, B0)
    assert res.late("C") == pytest.approx(C_eq, rel=REL)
    assert res.late("A") == pytest.approx(A0 - C_eq, rel=REL)
    # mass action holds at equilibrium: A*B = Kd*C
    assert res.late("A") * res.late("B") == pytest.approx(Kd * res.late("C"), rel=1e-5)
    # conservation throughout: A + C = A0, B + C = B0
    _close(res["A"] + res["C"], np.full_like(res.time, A0))
    _close(res["B"] + res["C"], np.full_like(res.time, B0))


def test_transport_between_compartments_of_different_volume():
    V1, V2, kin, kout = 10.0, 2.0, 0.2, 0.5
    b = NetworkBuilder("transport")
    b.compartment("outside", V1)
    b.compartment("inside", V2)
    b.parameter("kin", kin, "1/min", "test")
    b.parameter("kout", kout, "1/min", "test")
    b.species("X_out", "outside", 1.0)
    b.species("X_in", "inside", 0.0)
    # rates are concentration/time in the reaction's compartment
    b.reaction("uptake", ["X_out"], ["X_in"], "kin*X_out", "outside")
    b.reaction("efflux", ["X_in"], ["X_out"], "kout*X_in", "inside")
    net = b.build()
    res = Simulator(net).run(net, t_end=30.0, n_points=301, presimulate=False)
    a_out, a_in = V1 * res["X_out"], V2 * res["X_in"]
    total = V1 * 1.0
    # amount is conserved (1e-6 relative), although concentrations are not
    _close(a_out + a_in, np.full_like(res.time, total))
    assert res.late("X_out") + res.late("X_in") != pytest.approx(1.0, rel=1e-3)
    # exact: d a_out/dt = -kin a_out + kout a_in  =>  a_out = a* + (a0 - a*) e^{-(kin+kout) t}
    a_star = total * kout / (kin + kout)
    _close(a_out, a_star + (total - a_star) * np.exp(-(kin + kout) * res.time))


# ------------------------------------------------------------------ the tumor model
@pytest.fixture(scope="module")
def tumor():
    net = signaling_network("tumor")
    return net, Simulator(net)


def _pv(net, pid):
    return net.parameter(pid).value


def _species_total(res, net, parts: dict[str, float]) -> np.ndarray:
    """Σ multiplicity × concentration × compartment volume (amount, zmol)."""
    vol = {c.id: c.size for c in net.compartments}
    comp = {s.id: s.compartment for s in net.species}
    return sum(m * res[sid] * vol[comp[sid]] for sid, m in parts.items())


STAT3_PARTS = {"STAT3_cyt": 1, "STAT3_pY705_cyt": 1, "STAT3_pY705_dimer_cyt": 2, "STAT1_STAT3_dimer_cyt": 1,
               "STAT3_nuc": 1, "STAT3_pY705_dimer_nuc": 2, "STAT1_STAT3_dimer_nuc": 1}
STAT1_PARTS = {"STAT1_cyt": 1, "STAT1_pY701_cyt": 1, "STAT1_pY701_dimer_cyt": 2, "STAT1_STAT3_dimer_cyt": 1,
               "STAT1_nuc": 1, "STAT1_pY701_dimer_nuc": 2, "STAT1_STAT3_dimer_nuc": 1}


def test_total_stat3_and_stat1_conserved(tumor):
    net, sim = tumor
    res = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=240, n_points=241)
    assert res.ok
    Vc, Vn = 1.5, 0.5
    assert {c.id: c.size for c in net.compartments}["tumor__cytoplasm"] == Vc
    # the signal is real: phosphorylated STAT3 moves (otherwise conservation is trivial)
    assert res.peak("tumor.pSTAT3") > 10 * res.baseline("tumor.pSTAT3")
    for stat, parts in (("STAT3", STAT3_PARTS), ("STAT1", STAT1_PARTS)):
        amount = _species_total(res, net, {f"tumor__{k}": v for k, v in parts.items()})
        # initial assignments put total0*lvl per cytoplasmic volume: amount = total0*lvl*Vc
        expected = _pv(net, f"tumor__{stat}_total0") * _pv(net, f"tumor__lvl_{stat}") * Vc
        _close(amount, np.full_like(amount, expected))  # 1e-6 relative over the whole run
    # the observable says the same (per cell volume)
    obs = res["tumor__obs__STAT3_total"]
    expected = _pv(net, "tumor__STAT3_total0") * Vc / (Vc + Vn)
    _close(obs, np.full_like(obs, expected))


def test_receptor_conservation_without_turnover(tumor):
    net, sim = tumor
    frozen = net.with_parameters({"tumor__k_receptor_turnover": 0.0, "tumor__k_internalisation": 0.0})
    res = sim.run(frozen.with_stimulus({"IL6": 1.0, "IL11": 1.0, "sIL6R": 1.0}), t_end=240, n_points=241)
    assert res.ok
    complexes = [f"tumor__{cx}{st}" for cx in ("C6", "T6", "C11", "T11") for st in ("", "_pJAK", "_pJAK_SOCS3")]
    gp130 = res["tumor__gp130"] + sum(res[c] for c in complexes)  # all in the cytoplasm
    # without synthesis, degradation or internalisation, gp130 stays at its initial R0*lvl (1e-6 rel)
    expected = _pv(net, "tumor__R0_gp130") * _pv(net, "tumor__lvl_IL6ST")
    _close(gp130, np.full_like(gp130, expected))
    # and the signal engaged the receptor (otherwise the check is trivial)
    assert np.max(sum(res[c] for c in complexes)) > 0.05 * expected
    # IL-6R: free + IL-6·IL-6R + classic IL-6 complexes
    il6r = res["tumor__IL6R"] + res["tumor__IL6_IL6R"] + sum(res[f"tumor__C6{st}"] for st in ("", "_pJAK", "_pJAK_SOCS3"))
    expected = _pv(net, "tumor__R0_IL6R") * _pv(net, "tumor__lvl_IL6R")
    _close(il6r, np.full_like(il6r, expected))


def test_receptor_not_conserved_with_turnover(tumor):
    """Control for the test above: with internalisation the gp130 total does change."""
    net, sim = tumor
    res = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=240, n_points=241)
    complexes = [f"tumor__{cx}{st}" for cx in ("C6", "T6", "C11", "T11") for st in ("", "_pJAK", "_pJAK_SOCS3")]
    gp130 = res["tumor__gp130"] + sum(res[c] for c in complexes)
    assert np.max(np.abs(gp130 - gp130[0])) > 1e-3 * gp130[0]


def test_steady_state_after_presimulation(tumor):
    net, sim = tumor
    for n in (net, net.knockout("SOCS3"), net.with_parameters({"tumor__k_receptor_turnover": 0.0,
                                                                "tumor__k_internalisation": 0.0})):
        res = sim.run(n.with_stimulus({"IL6": 1.0}), t_end=10, n_points=11)
        # max |dy/dt| / max(|y|, 1) at the end of pre-simulation, 1/min
        assert res.meta["steady_state_residual_per_min"] < STEADY_TOL


def test_cvode_step_count_bounded():
    """Work of a 240-min IL-6 run, counted as CVODE steps (independent of wall time).

    With ``variable_step_size`` libRoadRunner returns one row per internal step. In
    libroadrunner 2.10 at RTOL 1e-8 the run took ~465 steps and the 3e4-min
    pre-simulation ~410; the bound (2000 each) catches a several-fold regression
    (stiffness, tolerance or model changes) without being fragile.
    """
    net = signaling_network("tumor")
    sim = Simulator(net)  # its own instance: the integrator setting is changed below
    rr = sim.rr
    rr.integrator.variable_step_size = True
    rr.reset()
    pre = rr.simulate(0.0, PRESIM_MIN)
    rr["[IL6]"] = rr["[IL6]"] + 1.0
    out = rr.simulate(0.0, 240.0)
    n_pre, n_run = len(pre) - 1, len(out) - 1
    assert 10 < n_run <= 2000, n_run
    assert n_pre <= 2000, n_pre
    assert float(np.asarray(out)[-1, 0]) == pytest.approx(240.0)
