"""Signaling claims SIG-1 … SIG-11 (one representative tumor cell, minutes).

Stimuli are nM in the medium, added once the unstimulated steady state is reached.
"pSTAT3" is the activity index (nuclear pY705 STAT3 / total STAT3); "rise" is the peak
over the run minus the unstimulated value.
"""
from __future__ import annotations

from .registry import P, Context, claim, rise

SERUM_sgp130_nM = 3.9  # FACTS: serum sgp130 ~3.9 nM (Dwivedi 2014; Narazaki 1993 390 ng/mL)


@claim("SIG-1", "signaling",
       "IL-6 activates STAT3 through IL-6R + gp130 (classic signaling)", (4, 16),
       {"unstimulated": "wild type, no stimulus", "IL6": "IL-6 1 nM",
        "IL6R_KO+IL6": "IL-6R knock-out, IL-6 1 nM"},
       "peak pSTAT3 over 240 min",
       "peak(IL6)/unstimulated ≥ 5; rise(IL6R KO)/rise(WT) < 0.10")
def sig1(ctx: Context):
    wt = ctx.stim(IL6=1.0)
    ko = ctx.stim(net=ctx.net.knockout("IL6R"), IL6=1.0)
    fold = wt.peak(P) / wt.baseline(P)
    frac = rise(ko) / rise(wt)
    return {"fold_over_unstimulated": fold, "IL6R_KO_rise_fraction": frac,
            "peak_pSTAT3": wt.peak(P), "unstimulated_pSTAT3": wt.baseline(P)}, fold >= 5 and frac < 0.10


@claim("SIG-2", "signaling",
       "IL-11 activates STAT3 through IL-11RA + gp130; IL-11RA knock-out abolishes it while IL-6 still works",
       (4, 16),
       {"IL11": "IL-11 1 nM", "IL11RA_KO+IL11": "IL-11RA knock-out, IL-11 1 nM",
        "IL11RA_KO+IL6": "IL-11RA knock-out, IL-6 1 nM", "IL6": "IL-6 1 nM"},
       "peak pSTAT3",
       "peak(IL11)/unstimulated ≥ 5; rise(IL11RA KO, IL-11) < 0.10 × rise(WT); IL-6 in IL11RA KO ≥ 0.9 × IL-6 in WT")
def sig2(ctx: Context):
    wt = ctx.stim(IL11=1.0)
    ko_net = ctx.net.knockout("IL11RA")
    ko = ctx.stim(net=ko_net, IL11=1.0)
    ko6 = ctx.stim(net=ko_net, IL6=1.0)
    wt6 = ctx.stim(IL6=1.0)
    fold = wt.peak(P) / wt.baseline(P)
    frac = rise(ko) / rise(wt)
    keep6 = rise(ko6) / rise(wt6)
    return ({"fold_over_unstimulated": fold, "IL11RA_KO_rise_fraction": frac, "IL6_response_kept_in_KO": keep6},
            fold >= 5 and frac < 0.10 and keep6 >= 0.9)


@claim("SIG-3", "signaling",
       "Trans-signaling: IL-6 + sIL-6R activates an IL-6R-negative cell; IL-11 + sIL-11R an IL-11RA-negative cell",
       (16, 21, 22, 23),
       {"classic": "WT, IL-6 1 nM (and WT, IL-11 1 nM)",
        "trans": "IL-6R KO, IL-6 + sIL-6R 1 nM each (IL-11RA KO, IL-11 + sIL-11R 1 nM each)",
        "ligand alone": "IL-6R KO, IL-6 1 nM (IL-11RA KO, IL-11 1 nM)"},
       "rise of peak pSTAT3",
       "trans ≥ 0.30 × classic; ligand alone < 0.10 × classic (both IL-6 and IL-11)")
def sig3(ctx: Context):
    obs = {}
    ok = True
    for lig, srec, rec in (("IL6", "sIL6R", "IL6R"), ("IL11", "sIL11R", "IL11RA")):
        classic = rise(ctx.stim(**{lig: 1.0}))
        neg = ctx.net.knockout(rec)
        trans = rise(ctx.stim(net=neg, **{lig: 1.0, srec: 1.0}))
        alone = rise(ctx.stim(net=neg, **{lig: 1.0}))
        obs[f"{lig}_trans_over_classic"] = trans / classic
        obs[f"{lig}_alone_over_classic"] = alone / classic
        ok &= trans / classic >= 0.30 and alone / classic < 0.10
    return obs, ok


@claim("SIG-4", "signaling",
       "sgp130 at serum level blocks trans- but not classic signaling", (16, 23),
       {"trans": "IL-6R KO, IL-6 + sIL-6R 1 nM each, ± sgp130 3.9 nM (serum level)",
        "classic": "WT, IL-6 1 nM, ± sgp130 3.9 nM"},
       "rise of peak pSTAT3",
       "sgp130 (3.9 nM, serum level ≥ 2 nM) cuts the trans response ≥ 70 % and the classic response ≤ 20 %")
def sig4(ctx: Context):
    neg = ctx.net.knockout("IL6R")
    trans = rise(ctx.stim(net=neg, IL6=1.0, sIL6R=1.0))
    trans_s = rise(ctx.stim(net=neg, IL6=1.0, sIL6R=1.0, sgp130=SERUM_sgp130_nM))
    trans_2 = rise(ctx.stim(net=neg, IL6=1.0, sIL6R=1.0, sgp130=2.0))
    classic = rise(ctx.stim(IL6=1.0))
    classic_s = rise(ctx.stim(IL6=1.0, sgp130=SERUM_sgp130_nM))
    cut_t = 1 - trans_s / trans
    cut_c = 1 - classic_s / classic
    return ({"trans_cut": cut_t, "classic_cut": cut_c, "trans_cut_at_2nM_sgp130": 1 - trans_2 / trans},
            cut_t >= 0.70 and cut_c <= 0.20)


@claim("SIG-5", "signaling",
       "SOCS3 feedback makes the IL-6 response transient", (16, 24, 25, 31),
       {"IL6": "WT, IL-6 1 nM", "SOCS3_KO+IL6": "SOCS3 knock-out, IL-6 1 nM"},
       "pSTAT3 and SOCS3 mRNA time courses",
       "pSTAT3 peaks at 10–45 min and is ≤ 50 % of peak at 120 min; SOCS3 mRNA peaks at 30–90 min; "
       "SOCS3 KO keeps pSTAT3(120 min) ≥ 70 % of its peak")
def sig5(ctx: Context):
    wt = ctx.stim(IL6=1.0)
    ko = ctx.stim(net=ctx.net.knockout("SOCS3"), IL6=1.0)
    tp = wt.peak_time(P)
    r120 = wt.at(P, 120) / wt.peak(P)
    ts = wt.peak_time("tumor.SOCS3_mRNA")
    k120 = ko.at(P, 120) / ko.peak(P)
    return ({"pSTAT3_peak_min": tp, "pSTAT3_120_over_peak": r120, "SOCS3_mRNA_peak_min": ts,
             "SOCS3_KO_120_over_peak": k120},
            10 <= tp <= 45 and r120 <= 0.5 and 30 <= ts <= 90 and k120 >= 0.7)


@claim("SIG-6", "signaling",
       "Phosphatases (TC-PTP, SHP1/2) limit pSTAT3", (26, 27, 28),
       {"IL6": "WT, IL-6 1 nM",
        "PTP_kd+IL6": "PTPN2 (TC-PTP), PTPN6 (SHP1), PTPN11 (SHP2) activity × 0.2, IL-6 1 nM"},
       "peak pSTAT3", "peak(knock-down)/peak(WT) ≥ 1.3")
def sig6(ctx: Context):
    kd = ctx.net
    for g in ("PTPN2", "PTPN6", "PTPN11"):
        kd = kd.knockdown(g, 0.2)
    ratio = ctx.stim(net=kd, IL6=1.0).peak(P) / ctx.stim(IL6=1.0).peak(P)
    return {"peak_ratio": ratio}, ratio >= 1.3


@claim("SIG-7", "signaling",
       "STAT3 → NF-κB positive loop; FSCN1 needs STAT3 AND NF-κB", (33, 34),
       {"IL6": "WT, IL-6 1 nM", "TNFa": "WT, TNFα 1 nM", "IL6+TNFa": "WT, both",
        "STAT3_KO+IL6": "STAT3 knock-out, IL-6 1 nM", "RELA_KO+IL6": "RELA (NF-κB) knock-out, IL-6 1 nM"},
       "NF-κB activity (peak); FSCN1 mRNA at 240 min",
       "IL-6 raises peak NF-κB ≥ 1.2×; blocking STAT3 or NF-κB each cuts IL-6-induced FSCN1 ≥ 70 %; "
       "FSCN1(IL-6 + TNFα) > FSCN1 with either alone")
def sig7(ctx: Context):
    F = "tumor.FSCN1"
    il6 = ctx.stim(IL6=1.0)
    nf_fold = il6.peak("tumor.NFkB") / il6.baseline("tumor.NFkB")

    def induced(net):
        return ctx.stim(net=net, IL6=1.0).late(F) - ctx.run(net).late(F)

    wt = induced(ctx.net)
    cut_stat3 = 1 - induced(ctx.net.knockout("STAT3")) / wt
    cut_nfkb = 1 - induced(ctx.net.knockout("RELA")) / wt
    both = ctx.stim(IL6=1.0, TNFa=1.0).late(F)
    either = max(il6.late(F), ctx.stim(TNFa=1.0).late(F))
    return ({"NFkB_peak_fold": nf_fold, "FSCN1_cut_STAT3_KO": cut_stat3, "FSCN1_cut_RELA_KO": cut_nfkb,
             "FSCN1_both_over_best_single": both / either},
            nf_fold >= 1.2 and cut_stat3 >= 0.7 and cut_nfkb >= 0.7 and both > either)


SIG8_UP = ("MYC", "VEGFA", "CXCR4", "BCL2L1")
SIG8_DOWN = ("PTEN", "TP53", "PTPN6")


@claim("SIG-8", "signaling",
       "Sustained STAT3 activity raises MYC, VEGFA, CXCR4, BCL-xL and lowers PTEN, TP53, PTPN6", (3, 29),
       {"unstimulated": "WT, 24 h", "IL6": "WT, IL-6 1 nM, 24 h (sustained plateau)"},
       "target mRNA at 24 h, IL-6 / unstimulated",
       "each of MYC, VEGFA, CXCR4, BCL2L1 ≥ 1.2×; each of PTEN, TP53, PTPN6 ≤ 0.8×")
def sig8(ctx: Context):
    il6 = ctx.stim(t_end=1440.0, IL6=1.0)
    base = ctx.run(ctx.net, 1440.0)
    ratio = {g: il6.late(f"tumor.{g}") / base.late(f"tumor.{g}") for g in SIG8_UP + SIG8_DOWN}
    ok = all(ratio[g] >= 1.2 for g in SIG8_UP) and all(ratio[g] <= 0.8 for g in SIG8_DOWN)
    return {**ratio, "pSTAT3_24h": il6.late(P)}, ok


SIG9_INPUTS = {"EGF": 10.0, "LPS": 10.0, "CpG": 1000.0, "S1P": 1000.0, "AngII": 100.0, "leptin": 10.0}


@claim("SIG-9", "signaling",
       "gp130-independent activators (EGFR, TLR4/9, S1PR1, AT1R, leptin R) raise pSTAT3 without IL-6/IL-11; "
       "gp130-targeted drugs do not block that route, JAK or STAT3 inhibitors do; STAT3 induces S1PR1, which "
       "sustains STAT3 activity", (3, 9, 10, 11, 12, 13, 14, 15),
       {"ligand": "WT with EGF 10 nM, LPS 10 nM, CpG 1 µM, S1P 1 µM, AngII 100 nM or leptin 10 nM",
        "gp130 blocker": "same + gp130 blocker at 10 × IC50",
        "JAK inhibitor": "same + JAK1/2 inhibitor 1 µM", "SH2 inhibitor": "same + STAT3 SH2 inhibitor 1 µM",
        "S1PR1": "IL-6 1 nM + S1P 100 nM for 24 h, WT vs S1PR1 knock-out",
        "no IL-6": "IL6 (autocrine) knock-out, EGF 10 nM"},
       "rise of peak pSTAT3; pSTAT3 and S1PR1 mRNA at 24 h",
       "each ligand: peak ≥ 2× unstimulated; without autocrine IL-6 (IL6 KO) EGF keeps ≥ 80 % of its rise; gp130 blocker keeps ≥ 80 % of the rise; JAK and STAT3 inhibitors "
       "each cut it ≥ 50 %; IL-6 raises S1PR1 ≥ 1.2×; pSTAT3(24 h) WT ≥ 1.2 × S1PR1 KO")
def sig9(ctx: Context):
    obs: dict = {}
    ok = True
    gp = ctx.net.with_parameters({"tumor__I_gp130": 10 * ctx.net.parameter("tumor__IC50_gp130").value})
    jak = ctx.net.with_parameters({"tumor__I_JAK": 1000.0})
    sh2 = ctx.net.with_parameters({"tumor__I_STAT3_SH2": 1000.0})
    for lig, conc in SIG9_INPUTS.items():
        r = ctx.stim(**{lig: conc})
        fold = r.peak(P) / r.baseline(P)
        keep = {name: rise(ctx.stim(net=n, **{lig: conc})) / rise(r) for name, n in
                (("gp130_blocker", gp), ("JAK_inhibitor", jak), ("SH2_inhibitor", sh2))}
        obs[lig] = {"fold": fold, **{f"{k}_keeps": v for k, v in keep.items()}}
        ok &= fold >= 2 and keep["gp130_blocker"] >= 0.8 and keep["JAK_inhibitor"] <= 0.5 and keep["SH2_inhibitor"] <= 0.5
    # without any IL-6 at all: the autocrine IL6 gene knocked out
    no_il6 = ctx.stim(net=ctx.net.knockout("IL6"), EGF=SIG9_INPUTS["EGF"])
    obs["EGF_rise_in_IL6_KO_over_WT"] = rise(no_il6) / rise(ctx.stim(EGF=SIG9_INPUTS["EGF"]))
    ok &= obs["EGF_rise_in_IL6_KO_over_WT"] >= 0.8
    wt = ctx.stim(t_end=1440.0, IL6=1.0, S1P=100.0)
    ko = ctx.stim(t_end=1440.0, net=ctx.net.knockout("S1PR1"), IL6=1.0, S1P=100.0)
    s1pr1_up = ctx.stim(t_end=1440.0, IL6=1.0).late("tumor.S1PR1") / ctx.run(ctx.net, 1440.0).late("tumor.S1PR1")
    sustain = wt.late(P) / ko.late(P)
    obs["S1PR1_induction_by_IL6"] = s1pr1_up
    obs["pSTAT3_24h_WT_over_S1PR1_KO"] = sustain
    return obs, ok and s1pr1_up >= 1.2 and sustain >= 1.2


SIG10_GENES = ("RRAS2", "CEP70", "UPF3A")


@claim("SIG-10", "signaling",
       "STAT3/GLI1 co-activation: RRAS2, CEP70 and UPF3A rise only when both STAT3 and GLI1 are active",
       (42, 45, 46),
       {"IL6": "IL-6 1 nM, 8 h", "SHH": "SHH 10 nM (GLI1 up), 8 h", "IL6+SHH": "both, 8 h",
        "unstimulated": "8 h"},
       "mRNA rise over unstimulated at 480 min",
       "rise(both) ≥ 2 × the larger single-stimulus rise, for each gene")
def sig10(ctx: Context):
    T = 480.0
    base = ctx.run(ctx.net, T)
    a, h, both = ctx.stim(T, IL6=1.0), ctx.stim(T, SHH=10.0), ctx.stim(T, IL6=1.0, SHH=10.0)
    obs, ok = {}, True
    for g in SIG10_GENES:
        k = f"tumor.{g}"
        r = {n: res.late(k) - base.late(k) for n, res in (("IL6", a), ("SHH", h), ("both", both))}
        ratio = r["both"] / max(r["IL6"], r["SHH"], 1e-12)
        obs[g] = {"rise_IL6": r["IL6"], "rise_SHH": r["SHH"], "rise_both": r["both"], "ratio": ratio}
        ok &= ratio >= 2
    return obs, ok


@claim("SIG-11", "signaling",
       "STAT1 and STAT3 form heterodimers; a STAT3 inhibitor binding the conserved SH2 region also lowers "
       "STAT1 activity", (143, 144, 145, 149, 150),
       {"IL6": "IL-6 1 nM", "IL6+IFNg": "IL-6 1 nM + IFN-γ 0.1 nM",
        "IL6+IFNg+SH2i": "same + STAT3 SH2 inhibitor 300 nM (STAT1 cross-reactivity 3-fold weaker)"},
       "STAT1:STAT3 heterodimers (peak); STAT1 activity (nuclear pY701 STAT1 / total, peak)",
       "IL-6 raises heterodimers ≥ 2×; the SH2 inhibitor lowers peak STAT1 activity ≥ 20 % (and pSTAT3 ≥ 50 %)")
def sig11(ctx: Context):
    H = "tumor.STAT1_STAT3_heterodimer"
    il6 = ctx.stim(IL6=1.0)
    het = il6.peak(H) / il6.baseline(H)
    ctl = ctx.stim(IL6=1.0, IFNg=0.1)
    inh = ctx.stim(net=ctx.net.with_parameters({"tumor__I_STAT3_SH2": 300.0}), IL6=1.0, IFNg=0.1)
    s1 = 1 - inh.peak("tumor.STAT1_activity") / ctl.peak("tumor.STAT1_activity")
    s3 = 1 - inh.peak(P) / ctl.peak(P)
    return ({"heterodimer_fold": het, "STAT1_activity_cut": s1, "pSTAT3_cut": s3},
            het >= 2 and s1 >= 0.2 and s3 >= 0.5)
