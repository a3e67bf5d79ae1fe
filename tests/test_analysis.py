"""stat3sim.analysis: the 4PL fit and the synergy scores on exact, hand-computed cases;
then a few short simulations (few concentrations, a 2 × 2 grid, 20 days)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from stat3sim.analysis import (AnalysisError, bliss_excess, combo_matrix, dose_response, fit_log_logistic,
                               fit_single_agent, hsa_excess, loewe_excess)
from stat3sim.analysis.dose_response import four_pl, parse_stimuli
from stat3sim.analysis.synergy import SingleAgentFit, check_grid, scale_regimen

# ------------------------------------------------------------------ 4PL fit


def test_fit_recovers_exact_log_logistic():
    c = np.logspace(-2, 3, 10)
    y = four_pl(c, 0.05, 1.0, np.log10(7.0), 1.6)
    f = fit_log_logistic(c, y)
    assert f.status == "fitted"
    assert f.ic50_nM == pytest.approx(7.0, rel=1e-5) and f.hill == pytest.approx(1.6, rel=1e-5)
    # exact data: the interval shrinks to the point
    assert f.ic50_ci_nM[0] == pytest.approx(7.0, rel=1e-3) and f.ic50_ci_nM[1] == pytest.approx(7.0, rel=1e-3)


def test_fit_interval_is_symmetric_in_log10_and_covers_truth_with_noise():
    rng = np.random.default_rng(1)
    c = np.logspace(-2, 3, 12)
    y = four_pl(c, 0.0, 1.0, 1.0, 1.0) + rng.normal(0, 0.02, c.size)
    f = fit_log_logistic(c, y)
    lo, hi = f.ic50_ci_nM
    assert lo < 10.0 < hi
    assert math.log10(f.ic50_nM) - math.log10(lo) == pytest.approx(math.log10(hi) - math.log10(f.ic50_nM))
    assert f.hill_ci[0] < 1.0 < f.hill_ci[1]


def test_not_reached_and_failed_fits_are_reported():
    c = np.logspace(-2, 2, 8)
    f = fit_log_logistic(c, four_pl(c, 0.7, 1.0, 0.0, 1.0))
    assert f.status == "not reached" and "never falls below 0.5" in f.message
    f = fit_log_logistic(c, np.ones_like(c))
    assert f.status == "not reached" and "flat response" in f.message and math.isnan(f.ic50_nM)
    f = fit_log_logistic([1, 2, 3], [1, 0.5, 0.2])
    assert f.status == "fit failed" and not f.ok and math.isnan(f.ic50_nM)
    assert f.to_dict()["ic50_nM"] is None


def test_stimulus_parsing():
    assert parse_stimuli("IL6=1ng/mL") == {"IL6": pytest.approx(1 / 21)}
    assert parse_stimuli(["il6=1nM", "IL11=50pM"]) == {"IL6": 1.0, "IL11": pytest.approx(0.05)}
    for bad in ("IL6", "XX=1nM", "IL6=1mg", "IL6=-1nM"):
        with pytest.raises(AnalysisError) as e:
            parse_stimuli(bad)
        assert e.value.field == "stimulus"


# --------------------------------------------------------- synergy scores
def _matrix(a, b, inter=None):
    """Effects with single agents ``a`` (rows) and ``b`` (columns); combinations given."""
    E = np.zeros((len(a), len(b)))
    E[:, 0], E[0, :] = a, b
    if inter is not None:
        E[1:, 1:] = inter
    return E


def test_bliss_and_hsa_hand_computed():
    # A alone 0.2, 0.4; B alone 0.1, 0.3. Bliss expected at (1,1): 0.2 + 0.1 − 0.02 = 0.28
    E = _matrix([0, 0.2, 0.4], [0, 0.1, 0.3], [[0.30, 0.44], [0.46, 0.50]])
    exp, ex = bliss_excess(E)
    assert exp[1, 1] == pytest.approx(0.28) and ex[1, 1] == pytest.approx(0.02)
    assert exp[2, 2] == pytest.approx(0.4 + 0.3 - 0.12) and ex[2, 2] == pytest.approx(0.50 - 0.58)
    assert np.isnan(ex[0]).all() and np.isnan(ex[:, 0]).all()
    hexp, hex_ = hsa_excess(E)
    assert hexp[1, 2] == pytest.approx(0.3) and hex_[1, 2] == pytest.approx(0.14)
    assert hex_[2, 1] == pytest.approx(0.46 - 0.4)


def test_loewe_sham_combination_is_additive():
    """A drug combined with itself (same Hill curve): E(a, b) = E(a + b), Loewe excess 0."""
    fit = SingleAgentFit(True, "", 0.9, 0.7, 1.5)
    g = np.array([0, 0.25, 0.5, 1, 2])
    E = fit.effect(g[:, None] + g[None, :])
    exp, ex, fa, fb, msg = loewe_excess(E, g, g)
    assert msg == "" and fa.emax == pytest.approx(0.9, rel=1e-4) and fb.hill == pytest.approx(1.5, rel=1e-3)
    assert np.nanmax(np.abs(ex)) < 1e-5


def test_loewe_hand_computed_linear_isoboles():
    """Hill slope 1, Emax 1: D(E) = D50·E/(1 − E). With D50_A = 1, D50_B = 2 at a = b = 1:
    1/D_A + 1/D_B = 1 → (1 − E)/E · (1 + 1/2) = 1 → E = 0.6."""
    fa, fb = SingleAgentFit(True, "", 1.0, 1.0, 1.0), SingleAgentFit(True, "", 1.0, 2.0, 1.0)
    g = np.array([0.0, 1.0])
    E = np.array([[0, fb.effect(1.0)], [fa.effect(1.0), 0.7]])
    exp, ex, *_ = loewe_excess(E, g, g, fa, fb)
    assert exp[1, 1] == pytest.approx(0.6) and ex[1, 1] == pytest.approx(0.1)


def test_loewe_not_computable_is_explained():
    E = _matrix([0, 0.3], [0, 0.2], [[0.5]])
    exp, ex, *_, msg = loewe_excess(E, [0, 1], [0, 1])
    assert np.isnan(ex).all() and "≥ 3 non-zero doses" in msg


def test_single_agent_fit_recovers_hill():
    d = np.array([0, 0.25, 0.5, 1, 2, 4])
    f = fit_single_agent(d, 0.8 * d ** 2 / (0.6 ** 2 + d ** 2))
    assert f.ok and (f.emax, f.d50, f.hill) == pytest.approx((0.8, 0.6, 2.0), rel=1e-4)


def test_scores_agree_with_synergy_package():
    """Cross-check with ``synergy`` (Wooten & Albert 2020; GPL, so a test-only dependency):
    its models take E as the fraction remaining (1 untreated) and report reference − E."""
    syn = pytest.importorskip("synergy.combination")
    from synergy.single import Hill

    g = np.array([0, 0.5, 1, 2])
    fa, fb = SingleAgentFit(True, "", 0.8, 1.0, 1.2), SingleAgentFit(True, "", 0.6, 0.8, 2.0)
    E = np.zeros((4, 4))
    E[:, 0], E[0, :] = fa.effect(g), fb.effect(g)
    E[1:, 1:] = 1 - (1 - E[1:, [0]]) * (1 - E[[0], 1:]) * 0.9  # 10 % extra kill on top of Bliss
    d1, d2 = (x.ravel() for x in np.meshgrid(g, g, indexing="ij"))
    remaining = (1 - E).ravel()
    m = syn.Bliss()
    m.fit(d1, d2, remaining)
    assert np.allclose(np.asarray(m.synergy).reshape(4, 4)[1:, 1:], bliss_excess(E)[1][1:, 1:], atol=1e-9)
    m = syn.HSA()
    m.fit(d1, d2, remaining)
    assert np.allclose(np.asarray(m.synergy).reshape(4, 4)[1:, 1:], hsa_excess(E)[1][1:, 1:], atol=1e-9)
    # Loewe with the same Hill curves given to both (no fitting): combinations below both Emax
    h1 = Hill(E0=1.0, Emax=1 - fa.emax, h=fa.hill, C=fa.d50)
    h2 = Hill(E0=1.0, Emax=1 - fb.emax, h=fb.hill, C=fb.d50)
    m = syn.Loewe(mode="delta_weakest", drug1_model=h1, drug2_model=h2)
    m.fit(d1, d2, remaining)
    ours = loewe_excess(E, g, g, fa, fb)[1]
    theirs = np.asarray(m.synergy).reshape(4, 4)
    ref = np.asarray(m.reference).reshape(4, 4)
    below = (1 - ref[1:, 1:]) < min(fa.emax, fb.emax) - 1e-3  # where the two conventions coincide
    assert below.sum() >= 3
    assert np.allclose(theirs[1:, 1:][below], ours[1:, 1:][below], atol=1e-4)


def test_grid_and_regimen_scaling():
    assert check_grid([2, 1, 0.5]) == [0.0, 0.5, 1.0, 2.0]
    assert scale_regimen("tocilizumab 8 mg/kg iv q4w", 0.5) == "tocilizumab 4 mg/kg iv q4w"
    assert scale_regimen("TTI-101 3 uM continuous", 2) == "TTI-101 6 uM continuous"
    for bad in ([0], [-1, 1], ["a"], list(range(12))):
        with pytest.raises(AnalysisError) as e:
            check_grid(bad)
        assert e.value.field == "grid"
    with pytest.raises(AnalysisError, match="limit"):
        scale_regimen("tocilizumab 8 mg/kg iv q4w", 20)


# -------------------------------------------------------------- simulated
def test_ruxolitinib_dose_response_on_tumor_pstat3():
    dr = dose_response("ruxolitinib", concentrations=[1, 10, 50, 150, 500, 2000, 20000])
    r = dr.table.response.to_numpy()
    assert r[0] == 1.0 and np.all(np.diff(r) < 0)  # monotone inhibition
    f = dr.fit
    assert f.status == "fitted" and 30 < f.ic50_nM < 1000 and f.ic50_ci_nM[0] < f.ic50_nM < f.ic50_ci_nM[1]
    assert dr.to_dict()["fit"]["ci_method"].startswith("Wald")


@pytest.mark.parametrize("kw,field", [
    ({"drug": "ruxolitinb"}, "drug"), ({"drug": "ruxolitinib", "cell": "neuron"}, "cell"),
    ({"drug": "ruxolitinib", "readout": "pSTAT9"}, "readout"), ({"drug": "ruxolitinib", "minutes": 0}, "minutes"),
    ({"drug": "celecoxib"}, "drug"), ({"drug": "ruxolitinib", "concentrations": [0, 1]}, "concentrations"),
])
def test_dose_response_bad_input(kw, field):
    with pytest.raises(AnalysisError) as e:
        dose_response(**kw)
    assert e.value.field == field


def test_unknown_drug_names_closest():
    with pytest.raises(AnalysisError, match="did you mean ruxolitinib"):
        dose_response("ruxolitinb")


def test_cell_combination_matrix():
    r = combo_matrix(["ruxolitinib 150 nM continuous", "SD-36 2 nM continuous"], cell="tumor", grid=[0, 0.5, 1, 2])
    assert r.effect.shape == (4, 4) and r.effect[0, 0] == 0
    assert np.all(r.effect[1:, 1:] > r.effect[1:, [0]])  # adding SD-36 always adds inhibition
    assert np.isfinite(r.bliss[1:, 1:]).all() and np.isfinite(r.loewe[1:, 1:]).all()
    assert r.to_dict()["summary"]["bliss"]["mean"] == pytest.approx(np.nanmean(r.bliss))


def test_tme_combination_2x2_short():
    r = combo_matrix(["tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"], scenario="tnbc", days=20,
                     grid=[0, 1])
    assert r.value.shape == (2, 2) and np.isfinite(r.value).all() and r.at == "day 20"
    assert r.effect[0, 0] == 0
    assert r.bliss[1, 1] == pytest.approx(r.effect[1, 1] - (r.effect[1, 0] + r.effect[0, 1]
                                                            - r.effect[1, 0] * r.effect[0, 1]))
    assert "≥ 3 non-zero doses" in r.loewe_message
    assert list(r.frame().columns[:5]) == ["fraction_a", "fraction_b", "regimen_a", "regimen_b", "tumor_volume_mm3"]
    # the same matrix in two worker processes: the same numbers, to the last digit
    par = combo_matrix(["tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"], scenario="tnbc", days=20,
                       grid=[0, 1], jobs=2)
    assert np.array_equal(par.value, r.value) and par.readout_unit == r.readout_unit and par.failed == r.failed


@pytest.mark.parametrize("kw,field", [
    ({"therapies": ["tocilizumab 8 mg/kg iv q4w"], "scenario": "tnbc"}, "therapy"),
    ({"therapies": ["tocilizumab 8 mg/kg iv q4w"] * 2, "scenario": "tnbc"}, "therapy"),
    ({"therapies": ["tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"], "scenario": "nope"}, "scenario"),
    ({"therapies": ["tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"], "scenario": "tnbc",
      "readout": "tumour_volume"}, "readout"),
    ({"therapies": ["tocilizumab 8 mg/kg iv q4w", "siltuximab 11 mg/kg iv q3w"], "cell": "tumor"}, "therapy"),
])
def test_combo_bad_input(kw, field):
    therapies = kw.pop("therapies")
    with pytest.raises(AnalysisError) as e:
        combo_matrix(therapies, **kw)
    assert e.value.field == field
