"""Therapy claims THx-1 … THx-7 and THx-9 … THx-13 (PK/PD, weeks to months).

Conventions (../shared/CLAIMS.md): the ``tnbc`` scenario, each drug at its standard
regimen from day 0, tumor volume at day 180; "blocks" = cuts the pSTAT3 rise ≥ 70 %,
"spares" = keeps ≥ 80 % of it; "beats" = tumor volume ≥ 10 % smaller than the comparator.

Signaling blockade (THx-1, THx-3, THx-4) is checked on one tumor cell in culture, as the
cited experiments were: the drug pre-incubated at the free tumor-interstitial
concentration its standard regimen reaches at steady-state trough (days 150–180 of the
PK model), then a stimulus; the pSTAT3 rise at 30 min is compared with the rise without
drug. IL-6 and IL-11 are given at 1 ng/mL (of the order of tumor interstitial IL-6 in the
TME model); trans-signaling is IL-6 1 ng/mL + sIL-6R 1 nM on a tumor cell without
membrane IL-6R. Autocrine IL-6 secretion is off in these cells, so an IL-11 response
does not carry an IL-6 loop that an IL-6 blocker would cut. Compounds without human PK (LLY17, TTI-101, SD-36, curcumin, GANT61) are
given as constant exposures, stated in each claim.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .registry import claim
from .tme import _run as _tme_run
from .tme import _v

DAYS = 180.0
IL6_1NG = 1.0 / 21.0   # nM: 1 ng/mL of 21 kDa IL-6
IL11_1NG = 1.0 / 19.0  # nM: 1 ng/mL of 19 kDa IL-11


# ------------------------------------------------------------------ helpers
@lru_cache(maxsize=None)
def trough_tumor_nM(regimen: str, days: float = DAYS) -> float:
    """Free tumor-interstitial concentration at steady-state trough: the minimum over the
    last 30 days of the PK model (a constant exposure is its own value)."""
    from ..therapy.pk import simulate_pk
    from ..therapy.regimen import parse_regimen

    reg = parse_regimen(regimen)
    if getattr(reg, "is_exposure", False):
        return float(reg.exposure_nM)
    df = simulate_pk([reg], days=days, points_per_day=48)
    col = f"{reg.drug.name}_tumor_nM"
    tail = df[df["time_days"] >= days - 30.0]
    return float(tail[col].min())


@lru_cache(maxsize=None)
def cell_rise(drug: str | None, conc_nM: float, stimulus: tuple = (("IL6", IL6_1NG),), cell: str = "tumor",
              overrides: tuple = (), readout: str = "pSTAT3", minutes: float = 30.0) -> float:
    """Rise of a cell's readout ``minutes`` after ``stimulus`` with ``drug`` pre-incubated at
    ``conc_nM`` (free), over the cell's own pre-stimulus level."""
    from ..engine.roadrunner import Simulator
    from ..therapy.pd import cell_network
    from ..therapy.pk import dosing_schedule
    from ..therapy.regimen import parse_regimen

    regs = [parse_regimen(f"{drug} {conc_nM:.6g} nM continuous")] if drug else []
    ov = {"k_secretion_IL6": (0.0, "autocrine IL-6 off: the rise measures the stimulus' own receptors")}
    ov.update(dict(overrides))
    net, ths = cell_network(cell, regs, ov)
    init = {}
    for th in ths:
        s0, _ = dosing_schedule(th.regimen, th.pk, 1.0)
        init.update(s0)
    r = Simulator.for_network(net).run(net, t_end=minutes, n_points=int(minutes) + 1, stimuli=dict(stimulus),
                                       initial_values=init)
    if not r.ok:
        raise RuntimeError(f"cell simulation failed ({drug}): {r.message}")
    key = f"{cell}__obs__{readout}"
    return r.at(key, minutes) - r.at(key, 0.0)


def _kept(drug: str, conc: float, **kw) -> float:
    """Fraction of the pSTAT3 rise kept with the drug (1 = no effect, 0 = full block)."""
    return cell_rise(drug, conc, **kw) / cell_rise(None, 0.0, **kw)


TRANS = dict(stimulus=(("IL6", IL6_1NG), ("sIL6R", 1.0)), overrides=(("lvl_IL6R", (0.0, "no membrane IL-6R")),))
IL11 = dict(stimulus=(("IL11", IL11_1NG),))


def _run(name: str, therapies: tuple = (), params: tuple = (), days: float = DAYS):
    """The TME claims' cached run (``claims.tme._run``) with regimens."""
    return _tme_run(name, params=params, days=days, therapies=therapies)


def _std(drug: str) -> str:
    from ..therapy.catalog import get_drug

    return get_drug(drug).pk.regimen


# ------------------------------------------------------------------ claims
@claim("THx-1", "therapy", "Tocilizumab blocks IL-6 classic and trans signaling but spares IL-11; bazedoxifene blocks "
       "IL-6 and IL-11; anti-IL-11/IL-11RA block IL-11 and spare IL-6", (94, 127, 128, 129, 2, 108, 109, 110, 111, 112,
                                                                         135, 136, 137, 138),
       {"cell": "tumor cell, drug pre-incubated at its steady-state trough free tumor concentration",
        "stimuli": "IL-6 1 ng/mL (classic), IL-6 + sIL-6R 1 nM on IL-6R-null cells (trans), IL-11 1 ng/mL"},
       "pSTAT3 rise at 30 min, fraction kept vs no drug",
       "blocks: rise cut ≥ 70 % (kept ≤ 0.30); spares: kept ≥ 0.80")
def thx1(ctx):
    o, ok = {}, True
    checks = {"tocilizumab": (("IL6", "block"), ("IL6_trans", "block"), ("IL11", "spare")),
              "bazedoxifene": (("IL6", "block"), ("IL11", "block")),
              "anti-IL-11": (("IL11", "block"), ("IL6", "spare")),
              "anti-IL-11RA": (("IL11", "block"), ("IL6", "spare"))}
    kw = {"IL6": {}, "IL6_trans": TRANS, "IL11": IL11}
    for drug, tests in checks.items():
        c = trough_tumor_nM(_std(drug))
        o[f"{drug}_trough_tumor_nM"] = c
        for stim, want in tests:
            kept = _kept(drug, c, **kw[stim])
            o[f"{drug}_{stim}_kept"] = kept
            ok &= kept <= 0.30 if want == "block" else kept >= 0.80
    return o, ok


@claim("THx-2", "therapy", "Anti-IL-6 antibodies (siltuximab, clazakizumab) lower tumor pSTAT3, SOCS3 and IL6ST and "
       "shrink the tumor, in TNBC and ER+ settings", (129, 130, 131, 132, 133),
       {"tnbc": "tnbc ± drug, standard regimen", "er": "er_endocrine_resistant ± drug"},
       "tumor.pSTAT3, tumor.SOCS3_mRNA, tumor.IL6ST, tumor_volume_mm3 at day 180",
       "pSTAT3 −≥ 30 %; SOCS3 and IL6ST lower; volume −≥ 10 %")
def thx2(ctx):
    o, ok = {}, True
    for sc in ("tnbc", "er_endocrine_resistant"):
        base = _run(sc)
        for drug in ("siltuximab", "clazakizumab"):
            r = _run(sc, (_std(drug),))
            d = {"pSTAT3_drop": 1 - r.at("tumor.pSTAT3") / base.at("tumor.pSTAT3"),
                 "SOCS3_drop": 1 - r.at("tumor.SOCS3_mRNA") / base.at("tumor.SOCS3_mRNA"),
                 "IL6ST_drop": 1 - r.at("tumor.IL6ST") / base.at("tumor.IL6ST"),
                 "volume_drop": 1 - _v(r) / _v(base)}
            o.update({f"{sc}_{drug}_{k}": v for k, v in d.items()})
            ok &= d["pSTAT3_drop"] >= 0.30 and d["SOCS3_drop"] > 0 and d["IL6ST_drop"] > 0 and d["volume_drop"] >= 0.10
    return o, ok


@claim("THx-3", "therapy", "Olamkicept (sgp130Fc) blocks IL-6 trans-signaling and spares classic signaling", (139,),
       {"cell": "tumor cell, olamkicept at its steady-state trough free tumor concentration"},
       "pSTAT3 rise at 30 min, fraction kept", "trans: kept ≤ 0.30; classic: kept ≥ 0.80")
def thx3(ctx):
    c = trough_tumor_nM(_std("olamkicept"))
    o = {"trough_tumor_nM": c, "trans_kept": _kept("olamkicept", c, **TRANS), "classic_kept": _kept("olamkicept", c)}
    return o, o["trans_kept"] <= 0.30 and o["classic_kept"] >= 0.80


@lru_cache(maxsize=None)
def _ic50(drug: str, overrides: tuple = ()) -> tuple[float, float]:
    """IC50 (nM) and Hill slope of a drug on the tumor cell's pSTAT3 rise (IL-6 1 ng/mL),
    from a 4-parameter log-logistic fit over 13 concentrations."""
    from ..analysis.dose_response import fit_log_logistic
    from ..therapy.catalog import get_drug
    from ..therapy.pd import potency

    p0, _ = potency(get_drug(drug))
    conc = p0 * np.logspace(-2.5, 2.5, 13)
    y = np.array([_kept(drug, float(c), overrides=overrides) for c in conc])
    fit = fit_log_logistic(conc, y)
    return float(fit.ic50_nM), float(fit.hill)


@claim("THx-4", "therapy", "JAK1/2 inhibitors lower pSTAT3 with a cellular IC50 set by potency and exposure; "
       "JAK2-amplified TNBC loses more proliferation at equal exposure", (113, 114),
       {"cell": "tumor cell, IL-6 1 ng/mL, ruxolitinib/baricitinib 13 concentrations",
        "tme": "tnbc ± JAK2 ×3, ruxolitinib at a constant exposure of its cellular IC50"},
       "pSTAT3 rise (cell); tumor.proliferation_per_day at day 30 (TME)",
       "ruxolitinib IC50 between 10 nM and 3 µM; JAK2-amplified loses ≥ 1.3× more proliferation")
def thx4(ctx):
    o = {}
    for drug in ("ruxolitinib", "baricitinib"):
        ic, h = _ic50(drug)
        o[f"{drug}_IC50_nM"], o[f"{drug}_hill"] = ic, h
    from ..therapy.catalog import get_drug
    from ..therapy.pd import potency

    c = potency(get_drug("ruxolitinib"))[0]
    rux = (f"ruxolitinib {c:.6g} nM continuous",)
    amp = (("tumor__lvl_JAK2", 3.0),)
    loss = {}
    for name, params in (("normal", ()), ("JAK2_x3", amp)):
        base = _run("tnbc", (), params, days=30.0).at("tumor.proliferation_per_day")
        treated = _run("tnbc", rux, params, days=30.0).at("tumor.proliferation_per_day")
        loss[name] = base - treated
        o[f"proliferation_loss_{name}_per_day"] = loss[name]
    o["loss_ratio_JAK2_amplified"] = loss["JAK2_x3"] / loss["normal"] if loss["normal"] > 0 else float("nan")
    return o, 10 <= o["ruxolitinib_IC50_nM"] <= 3000 and o["loss_ratio_JAK2_amplified"] >= 1.3


RUX_TRIAL = "ruxolitinib 25 mg po bid"  # phase II metastatic TNBC, 15–25 mg bid (review [115], CLAIMS.md)


@claim("THx-5", "therapy", "Ruxolitinib at the phase II regimen does not inhibit tumor STAT3 enough for a response",
       (115,), {"WT": "tnbc", "rux": f"tnbc + {RUX_TRIAL}"},
       "tumor.pSTAT3 at the last trough; the primary's diameter on 8-weekly scans (RECIST 1.1 reading)",
       "pSTAT3 at trough ≥ 50 % of untreated; best response not PR or CR (diameter never ≥ 30 % below "
       "baseline on a scan); and the model says why")
def thx5(ctx):
    from ..analysis.recist import recist_of
    from ..therapy.catalog import get_drug
    from ..therapy.pd import potency

    base, rux = _run("tnbc"), _run("tnbc", (RUX_TRIAL,))
    ic = potency(get_drug("ruxolitinib"))[0]
    c = trough_tumor_nM(RUX_TRIAL)
    from ..therapy.pk import simulate_pk

    pk = simulate_pk([RUX_TRIAL], days=DAYS, points_per_day=96)
    peak = float(pk[pk["time_days"] >= DAYS - 30]["ruxolitinib_plasma_ng_mL"].max())
    d0, d1 = rux.at("tumor_diameter_mm", 0.0), rux.at("tumor_diameter_mm")
    read = recist_of(rux.frame)
    o = {"pSTAT3_fraction_of_untreated": rux.at("tumor.pSTAT3") / base.at("tumor.pSTAT3"),
         "diameter_change": d1 / d0 - 1, "best_response": read.best, "best_diameter_change": read.best_change,
         "progression_day": read.progression_day,
         "free_trough_tumor_nM": c, "cellular_IC50_nM": ic, "occupancy_at_trough": c / (c + ic),
         "plasma_peak_ng_mL_ss": peak,
         # the rest of tumor STAT3 comes from outside gp130 (leptin, S1P/AT1R/TLR via ALT kinase):
         "why": (f"free tumor ruxolitinib at trough {c:.3g} nM vs cellular IC50 {ic:.3g} nM: "
                 f"JAK occupancy {100 * c / (c + ic):.1f} % — exposure far below cellular potency "
                 "(97 % plasma protein binding, ATP competition)")}
    return o, o["pSTAT3_fraction_of_untreated"] >= 0.5 and read.best not in ("PR", "CR")


@claim("THx-6", "therapy", "Ruxolitinib raises macrophage COX-2; ruxolitinib + celecoxib beats ruxolitinib alone",
       (105,), {"rux": f"tnbc + {RUX_TRIAL}", "rux+cel": "… + celecoxib 200 mg po bid"},
       "macrophage.COX2, tumor_volume_mm3 at day 180", "COX-2 ≥ 1.5×; combination volume ≥ 10 % smaller")
def thx6(ctx):
    base, rux = _run("tnbc"), _run("tnbc", (RUX_TRIAL,))
    combo = _run("tnbc", (RUX_TRIAL, _std("celecoxib")))
    o = {"macrophage_COX2_fold": rux.at("macrophage.COX2") / base.at("macrophage.COX2"),
         "combo_volume_vs_rux": _v(combo) / _v(rux) - 1}
    return o, o["macrophage_COX2_fold"] >= 1.5 and o["combo_volume_vs_rux"] <= -0.10


def _exposure(drug: str, fold: float = 3.0) -> str:
    """A constant exposure of ``fold`` × the drug's cellular potency (no human PK)."""
    from ..therapy.catalog import get_drug
    from ..therapy.pd import potency

    return f"{drug} {fold * potency(get_drug(drug))[0]:.6g} nM continuous"


@claim("THx-7", "therapy", "Direct STAT3 inhibitors cut proliferation and raise apoptosis; pyrimethamine raises CD8+ "
       "infiltration; STAT3 + STAT1 inhibition lowers PD-L1 more than STAT3 alone", (116, 117, 118),
       {"LLY17, TTI-101": "constant exposure 3× cellular potency (no human PK)",
        "pyrimethamine": "50 mg po qd", "STAT1": "SH2 inhibitor with and without STAT1 binding"},
       "tumor.proliferation_per_day, tumor.apoptosis_per_day, CD8_per_mL, tumor.PDL1 at day 30",
       "proliferation −≥ 30 %, apoptosis ≥ 1.3×; pyrimethamine CD8 +≥ 20 %; PD-L1 ≥ 20 % lower with STAT1 too")
def thx7(ctx):
    base = _run("tnbc", days=30.0)
    o, ok = {}, True
    for name, reg in (("LLY17", _exposure("LLY17")), ("TTI-101", _exposure("TTI-101")),
                      ("pyrimethamine", _std("pyrimethamine"))):
        r = _run("tnbc", (reg,), days=30.0)
        o[f"{name}_proliferation_drop"] = 1 - r.at("tumor.proliferation_per_day") / base.at("tumor.proliferation_per_day")
        o[f"{name}_apoptosis_fold"] = r.at("tumor.apoptosis_per_day") / base.at("tumor.apoptosis_per_day")
        ok &= o[f"{name}_proliferation_drop"] >= 0.30 and o[f"{name}_apoptosis_fold"] >= 1.3
        if name == "pyrimethamine":
            # infiltration = density (cells per mL tumor), as [117] scored it; a count also scales with size
            o["pyrimethamine_CD8_gain"] = r.at("CD8_per_mL") / base.at("CD8_per_mL") - 1
            ok &= o["pyrimethamine_CD8_gain"] >= 0.20
    tti = (_exposure("TTI-101"),)
    both = _run("tnbc", tti, days=30.0)
    only3 = _run("tnbc", tti, (("tumor__Ki_SH2_STAT1", 1e12),), days=30.0)
    o["PDL1_STAT3_only"] = only3.at("tumor.PDL1")
    o["PDL1_STAT3_and_STAT1"] = both.at("tumor.PDL1")
    o["PDL1_extra_drop_with_STAT1"] = 1 - (both.at("tumor.PDL1") - 1) / (only3.at("tumor.PDL1") - 1) \
        if only3.at("tumor.PDL1") > 1 else float("nan")
    return o, ok and o["PDL1_extra_drop_with_STAT1"] >= 0.20


@claim("THx-9", "therapy", "The degrader SD-36 lowers total STAT3 and, at equal day-1 target engagement, keeps its "
       "targets down longer than a phosphorylation inhibitor", (142, 147, 148, 149, 150, 151),
       {"SD-36": "constant exposure 3× DC50 (no human PK)",
        "JAK inhibitor": "ruxolitinib constant exposure matched to SD-36's day-1 SOCS3 suppression"},
       "tumor.STAT3_total, tumor.SOCS3_mRNA at day 1 and day 28",
       "total STAT3 −≥ 80 %; day-28 suppression of SOCS3 ≥ 1.3× that of the phosphorylation inhibitor")
def thx9(ctx):
    from scipy.optimize import brentq

    base = _run("tnbc", days=28.0)
    sd = _run("tnbc", (_exposure("SD-36"),), days=28.0)

    def supp(r, day):
        return 1 - r.at("tumor.SOCS3_mRNA", day) / base.at("tumor.SOCS3_mRNA", day)

    target = supp(sd, 1.0)

    def gap(logc):
        return supp(_run("tnbc", (f"ruxolitinib {10 ** logc:.6g} nM continuous",), days=28.0), 1.0) - target

    logc = brentq(gap, 0.0, 6.0, xtol=0.01)
    jak = _run("tnbc", (f"ruxolitinib {10 ** logc:.6g} nM continuous",), days=28.0)
    o = {"STAT3_total_drop": 1 - sd.at("tumor.STAT3_total") / base.at("tumor.STAT3_total"),
         "SOCS3_suppression_day1_SD36": target, "SOCS3_suppression_day1_JAKi": supp(jak, 1.0),
         "matched_ruxolitinib_nM": 10 ** logc,
         "SOCS3_suppression_day28_SD36": supp(sd, 28.0), "SOCS3_suppression_day28_JAKi": supp(jak, 28.0)}
    o["day28_ratio"] = o["SOCS3_suppression_day28_SD36"] / o["SOCS3_suppression_day28_JAKi"] \
        if o["SOCS3_suppression_day28_JAKi"] > 0 else float("inf")
    return o, o["STAT3_total_drop"] >= 0.80 and o["day28_ratio"] >= 1.3


@claim("THx-10", "therapy", "Tocilizumab + endocrine therapy beats either alone in endocrine-resistant ER+ disease",
       (94,), {"endo": "er_endocrine_resistant + fulvestrant 500 mg im q4w", "toci": "+ tocilizumab 8 mg/kg iv q4w",
               "both": "both"},
       "tumor_volume_mm3, tumor.pSTAT3, tumor.NOTCH3, tumor.CD133_index at day 180",
       "combination volume ≥ 10 % smaller than each; pSTAT3, NOTCH3, CD133 −≥ 20 % vs endocrine alone")
def thx10(ctx):
    sc = "er_endocrine_resistant"
    endo, toci = _std("fulvestrant"), _std("tocilizumab")
    e, t, b = _run(sc, (endo,)), _run(sc, (toci,)), _run(sc, (endo, toci))
    o = {"volume_vs_endocrine": _v(b) / _v(e) - 1, "volume_vs_tocilizumab": _v(b) / _v(t) - 1}
    for k in ("tumor.pSTAT3", "tumor.NOTCH3", "tumor.CD133_index"):
        o[f"{k}_drop_vs_endocrine"] = 1 - b.at(k) / e.at(k)
    return o, (o["volume_vs_endocrine"] <= -0.10 and o["volume_vs_tocilizumab"] <= -0.10
               and all(o[f"{k}_drop_vs_endocrine"] >= 0.20 for k in ("tumor.pSTAT3", "tumor.NOTCH3", "tumor.CD133_index")))


@claim("THx-11", "therapy", "Galunisertib + anti-PD-L1 beats either alone on CD8+ T cells and metastasis; JAK2 + "
       "SMO/GLI1 inhibition is synergistic", (95, 43),
       {"gal": "tnbc + galunisertib 150 mg po bid 14d on 14d off", "pdl1": "+ atezolizumab 1200 mg iv q3w", "both": "both",
        "JAK2+GLI1": "ruxolitinib and GANT61 at their cellular potency (constant exposures), alone and together"},
       "CD8_per_mL, metastatic_burden at day 180; tumor.proliferation_per_day at day 30",
       "combination CD8 +≥ 20 % and metastatic burden −≥ 20 % vs each; Bliss excess ≥ 0.1 on proliferation")
def thx11(ctx):
    g, a = _std("galunisertib"), _std("atezolizumab")
    rg, ra, rb = _run("tnbc", (g,)), _run("tnbc", (a,)), _run("tnbc", (g, a))
    o = {}
    for name, r in (("galunisertib", rg), ("atezolizumab", ra)):
        # CD8+ infiltration = density: a combination that shrinks the tumor holds fewer cells in all
        o[f"CD8_gain_vs_{name}"] = rb.at("CD8_per_mL") / r.at("CD8_per_mL") - 1
        o[f"metastatic_burden_drop_vs_{name}"] = 1 - rb.at("metastatic_burden") / r.at("metastatic_burden")
    base = _run("tnbc", days=30.0).at("tumor.proliferation_per_day")
    j, s = _exposure("ruxolitinib", 1.0), _exposure("GANT61", 1.0)
    fa = 1 - _run("tnbc", (j,), days=30.0).at("tumor.proliferation_per_day") / base
    fb = 1 - _run("tnbc", (s,), days=30.0).at("tumor.proliferation_per_day") / base
    fab = 1 - _run("tnbc", (j, s), days=30.0).at("tumor.proliferation_per_day") / base
    o.update({"inhibition_JAK": fa, "inhibition_GLI1": fb, "inhibition_both": fab,
              "bliss_excess": fab - (fa + fb - fa * fb)})
    ok = all(v >= 0.20 for k, v in o.items() if k.startswith(("CD8_gain", "metastatic_burden_drop")))
    return o, ok and o["bliss_excess"] >= 0.1


@claim("THx-12", "therapy", "Global IL-6 blockade costs host defence: tocilizumab or siltuximab lowers serum CRP; "
       "IL-11 targeting spares it", (3, 141),
       {"toci": "tnbc + tocilizumab", "silt": "+ siltuximab", "anti-IL-11": "+ anti-IL-11", "anti-IL-11RA": "+ anti-IL-11RA"},
       "serum_CRP_mg_L at day 180", "tocilizumab or siltuximab −≥ 50 %; IL-11 agents keep ≥ 80 %")
def thx12(ctx):
    base = _run("tnbc").at("serum_CRP_mg_L")
    o = {"CRP_untreated_mg_L": base}
    for drug in ("tocilizumab", "siltuximab", "anti-IL-11", "anti-IL-11RA"):
        o[f"CRP_kept_{drug}"] = _run("tnbc", (_std(drug),)).at("serum_CRP_mg_L") / base
    ok = min(o["CRP_kept_tocilizumab"], o["CRP_kept_siltuximab"]) <= 0.50
    return o, ok and o["CRP_kept_anti-IL-11"] >= 0.80 and o["CRP_kept_anti-IL-11RA"] >= 0.80


@claim("THx-13", "therapy", "STAT3 inhibition + anti-PD-1: curcumin-like multi-target inhibition plus anti-PD-1 beats "
       "either alone", (52, 53),
       {"cur": "tnbc + curcumin at 3× its cellular potency (constant exposure: free curcumin is not measurable in "
               "patients)", "pd1": "+ pembrolizumab 200 mg iv q3w", "both": "both"},
       "tumor_volume_mm3 at day 180", "combination volume ≥ 10 % smaller than each")
def thx13(ctx):
    c, p = _exposure("curcumin"), _std("pembrolizumab")
    rc, rp, rb = _run("tnbc", (c,)), _run("tnbc", (p,)), _run("tnbc", (c, p))
    o = {"volume_vs_curcumin": _v(rb) / _v(rc) - 1, "volume_vs_pembrolizumab": _v(rb) / _v(rp) - 1,
         "volume_drop_curcumin": 1 - _v(rc) / _v(_run("tnbc")), "volume_drop_pembrolizumab": 1 - _v(rp) / _v(_run("tnbc"))}
    return o, o["volume_vs_curcumin"] <= -0.10 and o["volume_vs_pembrolizumab"] <= -0.10
