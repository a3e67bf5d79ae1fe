"""Human PK: each agent's model against its label or popPK paper (source in the docstring),
exact dose timing, non-negativity, mass balance, and that the PK adds to any Network.

Tolerances: the published variability (a factor 1 + CV of the mean, or a stated range);
where the source gave none, the tolerance written in the catalog is marked "assumed".
Known mismatches are ``xfail(strict=True)``: they fail the suite if they start agreeing
(then the catalog or this note must change), and they are listed in docs/pharmacokinetics.md.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from stat3sim.model.network import NetworkBuilder
from stat3sim.therapy import Patient, get_drug, parse_regimen
from stat3sim.therapy.pk import (add_pk, dosing_schedule, linear_terminal_half_life_h, markdown_table, measure,
                                 pk_network, simulate_pk)


def check(drug: str, quantity: str, regimen: str | None = None) -> tuple[float, float]:
    d = get_drug(drug)
    pubs = [p for p in d.published if p.quantity == quantity and (regimen is None or p.regimen == regimen)]
    assert len(pubs) == 1, pubs
    pub = pubs[0]
    m = measure(d, pub)
    assert pub.accepts(m), f"{drug} {quantity} ({pub.regimen}): model {m:.3g} vs published {pub.value:g} {pub.unit} ({pub.tolerance_text})"
    return m, pub.value


# ------------------------------------------------------------------ one test per agent
def test_tocilizumab_label_steady_state_and_single_dose():
    """ACTEMRA US label: 8 mg/kg q4w SS Cmax 183 ± 85.6, Cmin 9.74 ± 10.5 µg/mL; 4 mg/kg q4w
    88.3 ± 41.4 / 1.49 ± 2.13 µg/mL; single 10 mg/kg apparent terminal t½ 151 ± 59 h.
    Model: Frey et al. 2010 (CL 0.3 L/d, V1 3.5 L, V2 2.9 L, Q 0.2 L/d, Vmax 7.5 mg/d, Km 2.7 µg/mL)."""
    for reg in ("tocilizumab 8 mg/kg iv q4w", "tocilizumab 4 mg/kg iv q4w"):
        check("tocilizumab", "Cmax_ss", reg)
        check("tocilizumab", "Cmin_ss", reg)
    check("tocilizumab", "t_half")
    # more than dose-proportional trough (label: 6.5-fold Cmin for 2-fold dose): the TMDD term acts
    d = get_drug("tocilizumab")
    hi, lo = (measure(d, p) for p in d.published if p.quantity == "Cmin_ss")  # 8 then 4 mg/kg
    assert hi / lo > 4


@pytest.mark.xfail(strict=True, reason="model effective t½ over a SS interval (7.0 d, from day 2 to trough) is below "
                                       "the label's 8–14 d; the Frey model's terminal phase at SS is not reproduced "
                                       "by this measure (see docs/pharmacokinetics.md)")
def test_tocilizumab_effective_half_life_at_steady_state():
    """Roche Australia PI / Hirabayashi 2012: effective t½ 14 → 8 days within an 8 mg/kg q4w interval."""
    check("tocilizumab", "t_half_ss")


def test_siltuximab_label_and_popPK():
    """SYLVANT label: 11 mg/kg q3w SS Cmax 332 µg/mL (42 % CV), trough 84 µg/mL (78 % CV);
    Nikanjam 2019: t½ 22.2 d (other tumors). Model: Nikanjam 2019 two-compartment linear."""
    check("siltuximab", "Cmax_ss")
    check("siltuximab", "Cmin_ss")
    check("siltuximab", "t_half")


@pytest.mark.parametrize("drug", ["clazakizumab", "olamkicept", "anti-IL-11RA"])
def test_antibodies_without_published_pk_use_an_assumed_igg_proxy(drug):
    """No PK was found for these (FACTS-DRUGS.md 'not found'): the catalog says 'assumed' for every
    disposition parameter and the model is a typical IgG (t½ 2–5 weeks)."""
    d = get_drug(drug)
    assert all(getattr(d.pk, k).assumed for k in ("CL", "V1", "Q", "V2"))
    assert 14 <= linear_terminal_half_life_h(d) / 24 <= 35


def test_anti_il11_half_life_vs_press_release_is_reported_not_tested():
    """9MW3811 press items: t½ > 1 month (low confidence). The IgG proxy gives ~29 d; the figure is
    shown in the table and marked not tested."""
    d = get_drug("anti-IL-11")
    (pub,) = d.published
    assert pub.checked is False
    assert 20 < measure(d, pub) < 30


def test_ruxolitinib_half_life_and_single_dose_cmax():
    """Skyscape drug guide (label): t½ 3 h; label summary: Cmax dose-proportional, 205 nM at 5 mg
    (→ 820 nM at 20 mg). Model: one compartment, Vd 72 L, CL derived from t½ and Vd, F 0.95."""
    check("ruxolitinib", "t_half")
    check("ruxolitinib", "Cmax")


def test_ruxolitinib_free_exposure_is_far_below_cellular_potency():
    """At 20 mg bid the free plasma peak (fu 0.03) stays far below the IL-6 signalling IC50
    281 nM (Blood 115:3109) — the exposure side of THx-5."""
    df = simulate_pk("ruxolitinib 20 mg po bid", days=3, points_per_day=96)
    assert df["ruxolitinib_free_plasma_nM"].max() < 0.1 * 281


def test_baricitinib_half_life():
    """Clin Pharmacol Drug Dev 2020 9:952: t½ 5.7–7.3 h (healthy, 2–10 mg)."""
    check("baricitinib", "t_half")


def test_celecoxib_label_figures():
    """Celebrex label Table 1 (single 200 mg, fasting): Cmax 705 ng/mL (38 % CV), Tmax 2.8 h,
    effective t½ 11.2 h, CL/F 27.7 L/h, Vss/F 429 L. Model: two compartments with the label's CL/F
    and Vss/F; ka, V1 and Q calibrated to Cmax, Tmax and t½, so those agree by construction —
    what this checks is that one set of the label's CL/F and Vss/F reaches all three, and that
    the calibration stays in place."""
    check("celecoxib", "t_half")
    check("celecoxib", "Cmax")
    df = simulate_pk("celecoxib 200 mg po x1", days=1, points_per_day=24 * 20)
    tmax_h = df.time_days[df["celecoxib_plasma_ng_mL"].idxmax()] * 24
    assert tmax_h == pytest.approx(2.8, abs=0.2)
    d = get_drug("celecoxib")
    assert d.pk.V1.value + d.pk.V2.value == pytest.approx(429)


def test_atezolizumab_half_life_and_trough():
    """doi 10.1007/s00280-019-03954-8: terminal t½ 27 d; Tecentriq SC Swiss PI: IV 1200 mg q3w SS
    Ctrough 179 µg/mL (geomean). Model: Swiss PI CL 0.200 L/d, V1 3.28 L, Vss 6.91 L; Q assumed."""
    check("atezolizumab", "t_half")
    check("atezolizumab", "Cmin_ss")


def test_durvalumab_half_life():
    """drugs.com (Lexicomp): t½ ~17 d, CL 8.24 mL/h, Vss 5.6 L (V1/V2 split assumed)."""
    check("durvalumab", "t_half")


def test_pembrolizumab_half_life():
    """Keytruda label: t½ 22 d (32 % CV). Model: Ahamadi 2017 for a 70 kg woman (CL 0.177 L/d, Vc 2.88,
    Q 0.752, Vp 3.88: the reference man's 0.22, 3.48, 0.795, 4.06 scaled by weight and sex), t½ ~28.6 d."""
    check("pembrolizumab", "t_half")


@pytest.mark.xfail(strict=True, reason="Ter Heine 2014 with its liver compartment gives SS Cmax 262 nM, 0.6 % below "
                                       "the assumed ×/÷ 1.4 band around 369 nM (a different cohort: Ter Heine's typical "
                                       "patient against this study's median)")
def test_tamoxifen_steady_state_cmax():
    """PMC4756062 Table 2: tamoxifen SS Cmax ~369 nM at 20 mg qd. Model: Ter Heine 2014 (CL20/F 9.34 L/h,
    V/F 753 L, ka 1.90/h, liver flow Q/F 61.8 L/h)."""
    check("tamoxifen", "Cmax_ss")


@pytest.mark.xfail(strict=True, reason="Ter Heine 2014's one-compartment CL/F and V/F give t½ 2.3 d, not the "
                                       "label's ~7 d (the label's terminal phase is not in that model)")
def test_tamoxifen_half_life():
    """Swiss PI: tamoxifen t½ ~7 days."""
    check("tamoxifen", "t_half")


def test_endoxifen_steady_state_cmax():
    """PMC4756062 Table 2: endoxifen median Cmax 23.1 nM (weak CYP2D6 inhibitor group). Model: Ter Heine
    2014, endoxifen formed in the liver (CL23/F 0.324 L/h), part of it on the dose's first pass: 17 nM."""
    check("tamoxifen", "Cmax_ss_metabolite")


def test_fulvestrant_trough():
    """drugline (old 250 mg label): SS Cmin 7.4 ng/mL at 250 mg monthly. Model: CL 690 mL/min, Vd 4 L/kg,
    IM absorption t½ 40 d (flip-flop, assumed)."""
    check("fulvestrant", "Cmin_ss")


@pytest.mark.xfail(strict=True, reason="the flip-flop one-compartment model is flatter than the label: SS Cmax 11 "
                                       "vs 15.8 ng/mL (Tmax 7 d after IM is not represented). Calibrating ka and V to "
                                       "the label's SS Cmax/Cmin and Tmax needs CL/F 529 mL/min (from its AUC) instead "
                                       "of its 690 mL/min and V/F 30 L/kg against its 3-5 L/kg, and gives t½ 18 d "
                                       "against ~40 d: not adopted")
def test_fulvestrant_cmax():
    """drugline (old 250 mg label): SS Cmax 15.8 ng/mL at 250 mg monthly."""
    check("fulvestrant", "Cmax_ss")


def test_paclitaxel_3h_infusion():
    """Taxol label Table 1 (175 mg/m², 3-h infusion, n = 5): Cmax 3650 ng/mL, AUC 15007 ng·h/mL.
    Model: Crombag 2019's three-compartment model with saturable elimination and saturable
    distribution (Janssen 2023 Table 1), every value published."""
    check("paclitaxel", "Cmax")
    df = simulate_pk("paclitaxel 175 mg/m2 iv x1 over 3h", days=10, points_per_day=96)
    auc = np.trapezoid(df["paclitaxel_plasma_ng_mL"], df.time_days * 24)
    assert auc == pytest.approx(15007, rel=0.15)


def test_paclitaxel_exposure_rises_more_than_the_dose():
    """Taxol label: 135 -> 175 mg/m² (3 h, +30 %) raised Cmax 68 % (saturable distribution and
    elimination). The model's Cmax must rise by more than the dose, by at least a third of the
    label's excess."""
    peak = {}
    for d in (135, 175):
        df = simulate_pk(f"paclitaxel {d} mg/m2 iv x1 over 3h", days=1, points_per_day=24 * 12)
        peak[d] = df["paclitaxel_plasma_ng_mL"].max()
    assert peak[175] / peak[135] > 1.30 + (1.68 - 1.30) / 3


@pytest.mark.xfail(strict=True, reason="Crombag 2019's model declines with t½ 12 h from 12 to 48 h (13.6 h from 48 to "
                                       "120 h) against the label's 20.2 h (n = 5); the older linear model with an "
                                       "assumed V1 and Q gave 22.7 h but a Cmax of 2.3 µg/mL")
def test_paclitaxel_3h_infusion_half_life():
    """Taxol label Table 1 (175 mg/m², 3-h infusion, n = 5): t½ 20.2 h."""
    check("paclitaxel", "t_half")


def _nab_vs_sb(days: float = 14.0):
    """(dose/AUC in L/h, plasma course) of nab-paclitaxel 260 mg/m² over 30 min and paclitaxel
    175 mg/m² over 3 h, the label's comparison, for the reference patient (1.8 m²)."""
    out = {}
    for text, col in (("nab-paclitaxel 260 mg/m2 iv x1", "nab-paclitaxel_plasma_ng_mL"),
                      ("paclitaxel 175 mg/m2 iv x1 over 3h", "paclitaxel_plasma_ng_mL")):
        df = simulate_pk(text, days=days, points_per_day=96)
        auc = np.trapezoid(df[col], df.time_days * 24)  # ng·h/mL
        out[text.split()[0]] = (float(text.split()[1]) * 1.8 / auc * 1e3, df.time_days.to_numpy() * 24, df[col].to_numpy())
    return out


def test_nab_paclitaxel_terminal_half_life_as_paclitaxel():
    """Abraxane label: 260 mg/m² over 30 min vs Taxol 175 mg/m² over 3 h, "no differences in
    terminal half-lives"; Taxol label Table 1: t½ 20.2 h at 175 mg/m² (tolerance ×/÷ 1.5,
    assumed, as the catalog's paclitaxel entry). Model: Chen et al. 2014 (every value
    published; the return from the saturable peripheral first order, see the catalog)."""
    _, t, c = _nab_vs_sb(6.0)["nab-paclitaxel"]
    i, j = int(np.argmin(abs(t - 48))), int(np.argmin(abs(t - 120)))
    th = math.log(2) * (t[j] - t[i]) / math.log(c[i] / c[j])
    assert 20.2 / 1.5 <= th <= 20.2 * 1.5
    assert get_drug("nab-paclitaxel").pk.fu.value > get_drug("paclitaxel").pk.fu.value  # label: 6.2 % vs 2.3 %


def test_nab_paclitaxel_on_the_impassion130_schedule():
    """100 mg/m² on days 1, 8, 15 of 28 (IMpassion130): three 30-min infusions per cycle, each
    cleared to < 1 % of its peak before the next."""
    df = simulate_pk("nab-paclitaxel 100 mg/m2 iv d1,8,15 q28d", days=35, points_per_day=96)
    c, t = df["nab-paclitaxel_plasma_ng_mL"].to_numpy(), df.time_days.to_numpy()
    peaks = [c[(t >= d) & (t < d + 1)].max() for d in (0, 7, 14, 28)]
    assert min(peaks) > 0.9 * max(peaks)
    assert c[(t > 20) & (t < 28)].max() < 0.01 * peaks[0]
    assert c[(t > 21.5) & (t < 27.9)].max() < c[(t > 14) & (t < 15)].max()


@pytest.mark.xfail(strict=True, reason="Chen 2014's model gives nab-paclitaxel 260 mg/m² a dose/AUC 1.14× that of "
                                       "paclitaxel 175 mg/m² 3 h (Crombag 2019's model), against the label's 43 % larger "
                                       "clearance: the two popPK models come from different patients and the label's "
                                       "figure from one comparison study")
def test_nab_paclitaxel_clearance_above_paclitaxel():
    """Abraxane label: clearance 43 % larger for 260 mg/m² nab-paclitaxel (30 min) than for
    175 mg/m² paclitaxel (3 h); tolerance 1.25–1.65× (assumed)."""
    r = _nab_vs_sb()
    ratio = r["nab-paclitaxel"][0] / r["paclitaxel"][0]
    assert 1.25 <= ratio <= 1.65


def test_an_infusion_flows_at_a_constant_rate_for_its_duration():
    """'over 3h' is a zero-order input: the amount in the body grows linearly to the whole
    dose at 3 h (elimination switched off to see it), then stops; the peak of the real model
    is at the end of the infusion."""
    from stat3sim.engine.roadrunner import Simulator

    reg = parse_regimen("paclitaxel 175 mg/m2 iv x1 over 3h")
    b = NetworkBuilder("inf")
    s = add_pk(b, reg)
    net = b.build()
    stim, sched = dosing_schedule(reg, s, 1.0)
    assert stim == {"paclitaxel__infusion": pytest.approx(315.0 * 1e6 / s.mw_g_mol)} and sched == []
    no_elim = {p.id: 0.0 for p in net.parameters
               if p.id in ("paclitaxel__CL", "paclitaxel__CLmax", "paclitaxel__CLmax_transfer", "paclitaxel__Q3")}
    assert len(no_elim) == 4
    minutes = np.array([0.0, 45.0, 90.0, 135.0, 179.0, 182.0, 240.0])
    res = Simulator.for_network(net).run(net, t_end=240.0, times=minutes, stimuli=stim, parameters=no_elim,
                                         presimulate=False)
    V1 = [c.size for c in net.compartments if c.id == "paclitaxel__V1"][0] * 1e-12  # L
    nmol = res["paclitaxel__central"] * V1
    dose = 315.0 * 1e6 / s.mw_g_mol
    # the flow is dose/T × b/(b + K·D): ≤ ~1e-3 below the constant rate before the bag runs dry
    assert nmol[1:5] == pytest.approx(dose * minutes[1:5] / 180.0, rel=1e-3)
    assert nmol[5] == pytest.approx(dose, rel=1e-4) and nmol[6] == pytest.approx(dose, rel=1e-6)
    df = simulate_pk("paclitaxel 175 mg/m2 iv x1 over 3h", days=0.5, points_per_day=24 * 12)
    peak = df.time_days[df["paclitaxel_plasma_ng_mL"].idxmax()] * 24
    assert peak == pytest.approx(3.0, abs=0.1)


def test_vismodegib_linear_model_uses_the_steady_state_tracer_values():
    """14C-IV tracer study (doi 10.1111/j.1365-2125.2012.04281.x): SS CL 78.5 mL/h, V 26.8 L → t½ 9.9 d.
    No published t½/Cmax was read, so only the derivation is checked."""
    assert linear_terminal_half_life_h(get_drug("vismodegib")) / 24 == pytest.approx(
        math.log(2) * 26.8 / 0.0785 / 24, rel=1e-6)


def test_vismodegib_bioavailability_is_the_steady_state_one_paired_with_its_clearance():
    """The tracer study's single-dose F 31.8 % falls 77 % after repeated dosing; the daily
    regimen pairs the steady-state CL and V with F_ss = 0.318 × 0.23 ≈ 0.073, so average Css
    of 150 mg qd is F·dose/(CL·τ) ≈ 5.8 mg/L (the single-dose F with the SS CL gave ~25 mg/L)."""
    pk = get_drug("vismodegib").pk
    f = pk.F["po"].value
    assert f == pytest.approx(0.318 * (1 - 0.77), rel=0.01)
    css = f * 150.0 / pk.CL.canonical()   # mg/day over L/day: mg/L
    assert css == pytest.approx(5.8, rel=0.05)


def test_bazedoxifene_smpc_figures():
    """EU SmPC (rxreasoner.com), 20 mg/day at steady state (n = 23): Cmax 6.2 ± 2.2 ng/mL, tmax
    1.7 h, t½ 28 ± 11 h, CL/F 4.1 ± 1.7 L/h/kg. Model: two compartments with the SmPC's CL/F; ka,
    V1, V2 and Q calibrated to Cmax, tmax and t½ (agree by construction; one point of a
    one-parameter family of exact fits, see the catalog's pk_note)."""
    check("bazedoxifene", "t_half")
    check("bazedoxifene", "Cmax_ss")
    df = simulate_pk("bazedoxifene 20 mg po qd", days=15, points_per_day=24 * 12)
    last = df[df.time_days >= 14]
    tmax_h = (last.time_days[last["bazedoxifene_plasma_ng_mL"].idxmax()] - 14) * 24
    assert tmax_h == pytest.approx(1.7, abs=0.3)


def test_pyrimethamine_half_life_and_steady_state_peak():
    """IV 1 mg/kg in healthy men (abstract): t½ 140 ± 31 h; SmPC (rxreasoner.com): peaks 260–1411
    ng/mL after daily 25 mg. Model: SmPC HIV popPK CL 1.28 L/h, V/F 246 L."""
    check("pyrimethamine", "t_half")
    check("pyrimethamine", "Cmax_ss")


@pytest.mark.xfail(strict=True, reason="the HIV-patient popPK V/F 246 L gives a single-dose Cmax of ~200 ng/mL vs 373 "
                                       "ng/mL in healthy men (healthy V ~2 L/kg = 140 L); the model keeps the popPK "
                                       "pair for patients")
def test_pyrimethamine_single_dose_cmax():
    """Single 50 mg in healthy men of European ancestry (abstract): Cmax 372.7 ng/mL."""
    check("pyrimethamine", "Cmax")


def test_galunisertib_half_life_and_exposure_window():
    """Gueorguieva 2019: t½ 8 h (BSV CL/F 47 %). CL/F is assumed from the targeted exposure window
    3730–8380 ng·h/mL (AACR 2016 abstract 2046), so check that 150 mg bid lands in it."""
    check("galunisertib", "t_half")
    df = simulate_pk("galunisertib 150 mg po bid", days=4, points_per_day=240)
    last = df[df.time_days >= 3.0]
    auc24 = np.trapezoid(last["galunisertib_plasma_ng_mL"], last.time_days * 24)
    assert 3730 <= auc24 <= 8380


def test_galunisertib_intermittent_schedule_washes_out():
    """14 days on / 14 off: no galunisertib left a week into the off period (t½ 8 h)."""
    df = simulate_pk("galunisertib 150 mg po bid 14d on 14d off", days=30, points_per_day=4).set_index("time_days")
    assert df.loc[13.0, "galunisertib_free_plasma_nM"] > 100 * df.loc[21.0, "galunisertib_free_plasma_nM"]
    assert df.loc[29.0, "galunisertib_free_plasma_nM"] > 0


# ------------------------------------------------------------------ constant exposure
def test_constant_exposure_is_a_step_at_the_start_day_and_ends_after_its_duration():
    df = simulate_pk("SD-36 1 uM continuous @day2 for 3d", days=7, times_days=[1.999, 2.0, 4.999, 5.0, 6.0])
    assert df.time_days.to_numpy() == pytest.approx([0.0, 1.999, 2.0, 4.999, 5.0, 6.0])
    c = df.drop(columns="time_days")
    assert list(c.columns) == ["SD-36_exposure_nM", "SD-36_free_plasma_nM", "SD-36_tumor_nM", "SD-36_bone_nM"]
    for col in c.columns:
        assert c[col].to_numpy() == pytest.approx([0.0, 0.0, 1000.0, 1000.0, 0.0, 0.0], abs=1e-9)


def test_add_pk_of_an_exposure_adds_no_pk_compartments():
    b = NetworkBuilder("other")
    s = add_pk(b, parse_regimen("LLY17 300 nM continuous"))
    net = b.build()
    assert set(net.species_ids) == {"LLY17__exposure"}
    assert {r.id for r in net.rules} == {s.free_plasma, s.tumor, s.bone} == {
        "LLY17__free_plasma_nM", "LLY17__tumor_nM", "LLY17__bone_nM"}
    assert "LLY17__exposure_nM" in {p.id for p in net.parameters}
    assert s.is_exposure and s.depot is None and s.peripheral is None
    assert dosing_schedule(parse_regimen("LLY17 300 nM continuous"), s, 10) == ({"LLY17__exposure": 300.0}, [])
    stim, sched = dosing_schedule(parse_regimen("LLY17 300 nM continuous @day3 for 2d"), s, 10)
    assert stim == {} and sched == [(3 * 1440.0, "LLY17__exposure", 300.0), (5 * 1440.0, "LLY17__exposure", -300.0)]
    assert dosing_schedule(parse_regimen("LLY17 300 nM continuous @day30"), s, 10) == ({}, [])


def test_exposure_and_pk_regimens_coexist():
    df = simulate_pk(["curcumin 5 uM continuous", "ruxolitinib 20 mg po bid"], days=1, points_per_day=4)
    assert (df["curcumin_tumor_nM"] == 5000.0).all()
    assert df["ruxolitinib_plasma_ng_mL"].iloc[-1] > 0


# ------------------------------------------------------------------ numerics
def test_dose_at_day_28_jumps_at_day_28_whatever_the_grid():
    """A q4w dose shows as a jump of dose/V1 between just before and just after day 28, on a
    grid that has day 28 and on one that does not."""
    r = parse_regimen("siltuximab 11 mg/kg iv q4w")
    jump = 770.0 / 3.66  # µg/mL
    df = simulate_pk(r, days=40, times_days=[27.999, 28.0, 30.0])
    c = df.set_index("time_days")["siltuximab_plasma_ug_mL"]
    assert c[28.0] - c[27.999] == pytest.approx(jump, rel=1e-3)
    df2 = simulate_pk(r, days=40, times_days=[27.99, 28.01])
    c2 = df2.set_index("time_days")["siltuximab_plasma_ug_mL"]
    assert c2[28.01] - c2[27.99] == pytest.approx(jump, rel=0.01)
    coarse = simulate_pk(r, days=40, points_per_day=1).set_index("time_days")["siltuximab_plasma_ug_mL"]
    assert coarse[28.0] == pytest.approx(c[28.0], rel=1e-6)


def test_concentrations_are_never_negative():
    df = simulate_pk(["tocilizumab 8 mg/kg iv q4w", "ruxolitinib 20 mg po bid", "tamoxifen 20 mg po qd"],
                     days=60, points_per_day=12)
    assert (df.drop(columns="time_days").to_numpy() >= -1e-9).all()


def test_mass_balance_auc_times_clearance_equals_absorbed_dose():
    """Linear drug: AUC(0-∞)·CL = F·dose (baricitinib 4 mg po: F 0.79)."""
    df = simulate_pk("baricitinib 4 mg po x1", days=5, points_per_day=480)
    auc_ng_h_mL = np.trapezoid(df["baricitinib_plasma_ng_mL"], df.time_days * 24)
    CL_L_h = 8.1
    assert auc_ng_h_mL * CL_L_h / 1e3 == pytest.approx(0.79 * 4.0, rel=2e-3)  # mg


def test_site_concentrations_follow_free_plasma():
    df = simulate_pk("ruxolitinib 20 mg po bid", days=1, points_per_day=24)
    total_nM = df["ruxolitinib_plasma_ng_mL"] / 306.4 * 1e3
    assert np.allclose(df["ruxolitinib_free_plasma_nM"], 0.03 * total_nM, rtol=1e-9, atol=1e-12)
    assert np.allclose(df["ruxolitinib_tumor_nM"], df["ruxolitinib_free_plasma_nM"])
    df = simulate_pk("tocilizumab 8 mg/kg iv x1", days=1, points_per_day=4)
    assert np.allclose(df["tocilizumab_tumor_nM"], 0.3 * df["tocilizumab_free_plasma_nM"])


def test_add_pk_adds_to_a_nonempty_builder_and_two_drugs_coexist():
    b = NetworkBuilder("other")
    b.compartment("blood", 5e12, "pL", "blood", "assumed")
    b.species("blood__IL6", "blood", 0.001, "nM", "IL-6")
    p = Patient()
    a = add_pk(b, parse_regimen("tocilizumab 8 mg/kg iv q4w"), p)
    c = add_pk(b, parse_regimen("ruxolitinib 20 mg po bid"), p)
    net = b.build()
    ids = set(net.species_ids)
    assert {"blood__IL6", a.central, a.peripheral, c.central, c.depot} <= ids
    assert {r.id for r in net.rules} >= {a.free_plasma, a.tumor, a.bone, c.tumor}
    stim, sched = dosing_schedule(parse_regimen("tocilizumab 8 mg/kg iv q4w"), a, 60, p)
    assert stim == {a.central: pytest.approx(560 * 1e6 / 148000 / 3.5)}
    assert [t for t, _, _ in sched] == [28 * 1440.0, 56 * 1440.0]


def test_pk_network_carries_its_doses():
    net = pk_network("tocilizumab 8 mg/kg iv q4w", days=60)
    assert list(net.stimuli) == ["tocilizumab__central"]
    assert [t for t, _, _ in net.schedule] == [28 * 1440.0, 56 * 1440.0]


def test_table_lists_every_dosable_agent():
    text = markdown_table()
    for name in ("tocilizumab", "siltuximab", "ruxolitinib", "atezolizumab", "pembrolizumab", "tamoxifen",
                 "bazedoxifene", "pyrimethamine", "galunisertib"):
        assert f"| {name} |" in text


def test_absorption_depots_get_a_tolerance_floor_from_their_largest_dose():
    """tolerance_floors: each oral depot gets DEPOT_ATOL_FRACTION of its largest dose (nM);
    iv drugs (bag, central) keep the model-wide tolerance."""
    from stat3sim.therapy import pk

    b = NetworkBuilder("floors")
    oral = add_pk(b, parse_regimen("ruxolitinib 25 mg po bid"), None, "rux")
    iv = add_pk(b, parse_regimen("tocilizumab 8 mg/kg iv q4w"), Patient(), "toci")
    stim, sched = {}, []
    for reg, sp in ((parse_regimen("ruxolitinib 25 mg po bid"), oral), (parse_regimen("tocilizumab 8 mg/kg iv q4w"), iv)):
        s0, later = dosing_schedule(reg, sp, 30.0, Patient())
        stim.update(s0)
        sched += later
    floors = pk.tolerance_floors([oral, iv], stim, sched)
    assert set(floors) == {oral.depot}
    assert floors[oral.depot] == pytest.approx(pk.DEPOT_ATOL_FRACTION * stim[oral.depot])


def test_the_depot_tolerance_floor_leaves_treated_tme_readouts_unchanged(monkeypatch):
    """A 10-day tnbc run on ruxolitinib 25 mg po bid (20 doses) with and without the depot
    floor: day-10 readouts agree to 1e-6 relative (180 days measured ≤ 3e-8 on the key
    readouts and ≤ 1e-5 on every column against an rtol 1e-9 run)."""
    from stat3sim import runs
    from stat3sim.scenarios import load_scenario
    from stat3sim.therapy import pk

    sc = load_scenario("tnbc")
    arm = runs.Arm("rux", therapies=["ruxolitinib 25 mg po bid"])
    with_floor = runs.simulate(sc, arm, days=10).frame.iloc[-1]
    monkeypatch.setattr(pk, "DEPOT_ATOL_FRACTION", 0.0)
    without = runs.simulate(sc, arm, days=10).frame.iloc[-1]
    for key in ("tumor_volume_mm3", "tumor.pSTAT3", "CD8_count", "MDSC_count", "serum_IL6_pg_mL",
                "ruxolitinib_plasma_nM"):
        assert with_floor[key] == pytest.approx(without[key], rel=1e-6), key


def test_liver_formation_conserves_the_dose_and_adds_first_pass_metabolite():
    """Ter Heine 2014's quasi-steady-state liver: every absorbed molecule ends in the central
    compartment or as metabolite (mass balance over one dose with elimination switched off), and
    with the liver flow a larger share of a dose becomes metabolite early (first pass) than when
    the same formation clearance acts on the circulation only."""
    from stat3sim.engine.roadrunner import Simulator
    from stat3sim.therapy.pk import pk_network

    net = pk_network("tamoxifen 20 mg po x1", days=2.0)
    off = {p.id: 0.0 for p in net.parameters if p.id in ("tamoxifen__CL", "tamoxifen__CL_endoxifen")}
    res = Simulator(net).run(net, t_end=2 * 1440.0, parameters=off, presimulate=False)
    assert res.ok, res.message
    vol = {c.id: c.size for c in net.compartments}
    comp = {s.id: s.compartment for s in net.species}
    amount = {sid: res[sid] * vol[comp[sid]] for sid in ("tamoxifen__depot", "tamoxifen__central",
                                                           "tamoxifen__endoxifen")}
    total = sum(amount.values())
    assert np.allclose(total, total[0], rtol=1e-6)
    early = int(np.argmin(abs(res.time - 120.0)))  # 2 h after the dose
    share = amount["tamoxifen__endoxifen"][early] / total[0]
    q = net.parameter("tamoxifen__Q_hepatic").value
    res2 = Simulator.for_network(net).run(net, t_end=2 * 1440.0, presimulate=False,
                                          parameters={**off, "tamoxifen__Q_hepatic": q * 1e6})
    share_no_first_pass = res2["tamoxifen__endoxifen"][early] * vol[comp["tamoxifen__endoxifen"]] / total[0]
    assert share > 2 * share_no_first_pass > 0
