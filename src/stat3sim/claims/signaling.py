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
