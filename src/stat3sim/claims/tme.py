"""Tumor-microenvironment claims TME-1 … TME-12 (populations, days).

Each check runs the ``tnbc`` scenario (or the one it names) for 180 days and compares
day-180 readouts (day 30 for TME-1). "Doubling tumor IL-6" doubles the tumor cells'
IL-6 secretion constant; "doubling tumor IL-11" their IL-11 secretion. Metastasis
readouts come from the niches of :mod:`stat3sim.model.niches.metastasis`.
"""
from __future__ import annotations

from functools import lru_cache

from .registry import claim

DAYS = 180.0


@lru_cache(maxsize=None)
def _scenario(name: str):
    from ..scenarios import load_scenario

    return load_scenario(name)


@lru_cache(maxsize=256)
def _run(name: str, knockouts: tuple = (), depletions: tuple = (), params: tuple = (), cells: tuple = (),
         days: float = DAYS, therapies: tuple = ()):
    from .. import runs

    arm = runs.Arm("claim", "", list(knockouts), list(depletions), dict(params), dict(cells),
                   therapies=list(therapies))
    r = runs.simulate(_scenario(name), arm, days=days)
    if not r.ok:
        raise RuntimeError(f"simulation failed ({name}, {arm}): {r.message}")
    return r


def _x2(name: str, pid: str) -> tuple:
    from .. import runs

    return ((pid, 2.0 * runs.build(_scenario(name)).parameter(pid).value),)


def _v(r) -> float:
    return r.at("tumor_volume_mm3")


@claim("TME-1", "tme", "Tumor pSTAT3 by subtype: TNBC > luminal A > luminal B > HER2-enriched", (58,),
       {s: f"{s} scenario, untreated, day 30" for s in ("tnbc", "luminal_a", "luminal_b", "her2")},
       "tumor.pSTAT3 at day 30", "each step ≥ 10 % (relative)")
def tme1(ctx):
    order = ("tnbc", "luminal_a", "luminal_b", "her2")
    p = {s: _run(s, days=30.0).at("tumor.pSTAT3", 30.0) for s in order}
    steps = {f"{a}>{b}": 1 - p[b] / p[a] for a, b in zip(order, order[1:])}
    return {**{f"pSTAT3_{s}": v for s, v in p.items()}, **{f"step_{k}": v for k, v in steps.items()}}, \
        all(v >= 0.10 for v in steps.values())


@claim("TME-2", "tme", "Adipocyte IL-6 drives EMT and invasion", (18, 85, 86, 87, 88, 89),
       {"adipose": "adipose_coculture", "none": "adipose_coculture without adipocytes",
        "IL6_KO": "adipose_coculture with adipocyte IL-6 knocked out"},
       "tumor.EMT_index and tumor.invasion at day 180",
       "adipocytes raise both ≥ 30 %; adipocyte IL6 KO removes ≥ 70 % of each gain")
def tme2(ctx):
    ad = _run("adipose_coculture")
    no = _run("adipose_coculture", cells=(("adipocyte", 0.0),))
    ko = _run("adipose_coculture", knockouts=("adipocyte:IL6",))
    out, ok = {}, True
    for key in ("tumor.EMT_index", "tumor.invasion"):
        gain = ad.at(key) / no.at(key) - 1
        kept = (ko.at(key) - no.at(key)) / (ad.at(key) - no.at(key)) if ad.at(key) != no.at(key) else float("nan")
        out[f"{key}_gain"] = gain
        out[f"{key}_gain_removed_by_IL6_KO"] = 1 - kept
        ok &= gain >= 0.30 and (1 - kept) >= 0.70
    return out, ok


@claim("TME-3", "tme", "IL-6 drives M2 polarisation; M2 TAMs are a real source of IL-6 and TNFα", (92, 100),
       {"WT": "tnbc", "IL6x2": "tumor IL-6 secretion doubled", "mac_IL6_KO": "macrophage IL6 KO",
        "mac_TNF_KO": "macrophage TNF KO"},
       "M2_fraction, tumor_IL6_pg_mL, tumor_TNFa_pg_mL at day 180",
       "M2 fraction +≥ 25 %; macrophage IL6 KO lowers tumor IL-6 ≥ 20 %; macrophage TNF KO lowers tumor TNFα ≥ 30 %")
def tme3(ctx):
    wt = _run("tnbc")
    x2 = _run("tnbc", params=_x2("tnbc", "tumor__k_secretion_IL6"))
    k6 = _run("tnbc", knockouts=("macrophage:IL6",))
    kt = _run("tnbc", knockouts=("macrophage:TNF",))
    m2 = x2.at("M2_fraction") / wt.at("M2_fraction") - 1
    d6 = 1 - k6.at("tumor_IL6_pg_mL") / wt.at("tumor_IL6_pg_mL")
    dt = 1 - kt.at("tumor_TNFa_pg_mL") / wt.at("tumor_TNFa_pg_mL")
    return ({"M2_fraction_WT": wt.at("M2_fraction"), "M2_fraction_gain": m2, "tumor_IL6_drop_mac_IL6_KO": d6,
             "tumor_TNFa_drop_mac_TNF_KO": dt}, m2 >= 0.25 and d6 >= 0.20 and dt >= 0.30)


@claim("TME-4", "tme", "IL-6/NF-κB recruit neutrophils and MDSCs and promote lung metastasis", (90, 91),
       {"WT": "tnbc", "IL6_KO": "tumor IL6 KO", "RELA_KO": "tumor RELA KO"},
       "neutrophil_count, MDSC_count, mets_lung at day 180",
       "tumor IL6 KO (or RELA KO) lowers neutrophils, MDSCs and lung metastatic burden ≥ 30 % each")
def tme4(ctx):
    wt = _run("tnbc")
    out, ok = {}, False
    for gene in ("IL6", "RELA"):
        ko = _run("tnbc", knockouts=(f"tumor:{gene}",))
        drops = {key: 1 - ko.at(key) / wt.at(key) for key in ("neutrophil_count", "MDSC_count", "mets_lung")}
        out.update({f"{key}_drop_{gene}_KO": v for key, v in drops.items()})
        ok |= all(v >= 0.30 for v in drops.values())
    return out, ok


@claim("TME-5", "tme", "STAT3 drives MDSC expansion; hematopoietic STAT3 deletion shrinks the tumor and its "
       "metastases, with more mature DCs and CD8+ T cells", (99, 100),
       {"WT": "tnbc", "myeloid": "myeloid STAT3 KO", "hematopoietic": "hematopoietic STAT3 KO (Mx1-cre-like)"},
       "MDSC_count, tumor_volume_mm3, DC_mature_fraction, CD8_count, metastatic_burden at day 180",
       "myeloid KO: MDSC −≥ 30 %; hematopoietic KO: volume −≥ 20 %, mature DC fraction and CD8 +≥ 20 % each, "
       "total metastatic burden −≥ 20 %")
def tme5(ctx):
    wt = _run("tnbc")
    my = _run("tnbc", knockouts=("myeloid:STAT3",))
    he = _run("tnbc", knockouts=("hematopoietic:STAT3",))
    o = {"MDSC_drop_myeloid_KO": 1 - my.at("MDSC_count") / wt.at("MDSC_count"),
         "volume_drop_hematopoietic_KO": 1 - _v(he) / _v(wt),
         "DC_mature_fraction_gain": he.at("DC_mature_fraction") / wt.at("DC_mature_fraction") - 1,
         "CD8_gain": he.at("CD8_count") / wt.at("CD8_count") - 1,
         "metastatic_burden_drop": 1 - he.at("metastatic_burden") / wt.at("metastatic_burden")}
    return o, (o["MDSC_drop_myeloid_KO"] >= 0.30 and o["volume_drop_hematopoietic_KO"] >= 0.20
               and o["DC_mature_fraction_gain"] >= 0.20 and o["CD8_gain"] >= 0.20
               and o["metastatic_burden_drop"] >= 0.20)


@claim("TME-6", "tme", "T-cell STAT3 lowers effector accumulation; IL-6/STAT3 polarises CD4+ to Th17; IL-11 drives "
       "CD4-dependent immune evasion", (3, 97, 98),
       {"WT": "tnbc", "T_KO": "T-cell STAT3 KO", "IL6x2": "tumor IL-6 secretion doubled",
        "IL11x2": "tumor IL-11 secretion doubled", "noCD4": "CD4+ T cells depleted (± IL-11 doubled)"},
       "CD8_effector_count, Th17_fraction, tumor_volume_mm3 at day 180",
       "T KO: effector CD8 +≥ 20 %; Th17 fraction ≥ 1.3×; IL-11×2: volume +≥ 10 %, ≥ 70 % of the gain gone without CD4+")
def tme6(ctx):
    wt = _run("tnbc")
    tk = _run("tnbc", knockouts=("t_cell:STAT3",))
    x6 = _run("tnbc", params=_x2("tnbc", "tumor__k_secretion_IL6"))
    p11 = _x2("tnbc", "tumor__k_secretion_IL11")
    x11 = _run("tnbc", params=p11)
    n = _run("tnbc", depletions=("cd4",))
    n11 = _run("tnbc", depletions=("cd4",), params=p11)
    gain = _v(x11) / _v(wt) - 1
    gain_no_cd4 = _v(n11) / _v(n) - 1
    o = {"CD8_effector_gain_T_KO": tk.at("CD8_effector_count") / wt.at("CD8_effector_count") - 1,
         "Th17_fraction_ratio_IL6x2": x6.at("Th17_fraction") / wt.at("Th17_fraction"),
         "volume_gain_IL11x2": gain, "volume_gain_IL11x2_without_CD4": gain_no_cd4,
         "gain_gone_without_CD4": 1 - gain_no_cd4 / gain if gain else float("nan")}
    return o, (o["CD8_effector_gain_T_KO"] >= 0.20 and o["Th17_fraction_ratio_IL6x2"] >= 1.3
               and gain >= 0.10 and o["gain_gone_without_CD4"] >= 0.70)


@claim("TME-11", "tme", "Myeloid STAT3 deletion raises mammary tumor growth through macrophage COX-2", (105,),
       {"WT": "tnbc", "myeloid": "myeloid STAT3 KO (c-fms-iCre-like)", "myeloid+PTGS2": "myeloid STAT3 and PTGS2 KO"},
       "macrophage.COX2, tumor_volume_mm3 at day 180",
       "COX-2 ≥ 2×; volume +≥ 10 %; with myeloid PTGS2 KO too, ≥ 70 % of the gain gone")
def tme11(ctx):
    wt = _run("tnbc")
    my = _run("tnbc", knockouts=("myeloid:STAT3",))
    my2 = _run("tnbc", knockouts=("myeloid:STAT3", "myeloid:PTGS2"))
    gain = _v(my) - _v(wt)
    o = {"macrophage_COX2_ratio": my.at("macrophage.COX2") / wt.at("macrophage.COX2"),
         "volume_gain": _v(my) / _v(wt) - 1,
         "gain_gone_with_PTGS2_KO": (_v(my) - _v(my2)) / gain if gain > 0 else float("nan")}
    return o, o["macrophage_COX2_ratio"] >= 2 and o["volume_gain"] >= 0.10 and o["gain_gone_with_PTGS2_KO"] >= 0.70


@claim("TME-10", "tme", "IL-6 → CXCR4 via STAT3 → bone homing; higher serum IL-6 goes with more metastatic sites "
       "and liver metastasis", (65, 76),
       {"WT": "tnbc", "IL6_KO": "IL-6 KO in every cell and the host", "STAT3_KO": "tumor STAT3 KO (± IL-6 KO)",
        "IL6x2": "tumor IL-6 secretion doubled"},
       "tumor.CXCR4, lesions_bone, serum_IL6_pg_mL, metastatic_sites, mets_liver at day 180",
       "IL-6 raises tumor CXCR4 ≥ 1.3× (WT vs IL-6 KO), ≥ 70 % of that lost with tumor STAT3 KO; bone seeding "
       "(lesions founded) +≥ 20 %; tumor IL-6 ×2 raises serum IL-6, metastatic sites and liver metastasis +≥ 20 %")
def tme10(ctx):
    from ..model.tme import IL6_KO_ALL

    wt = _run("tnbc")
    no6 = _run("tnbc", knockouts=tuple(IL6_KO_ALL))
    s3 = _run("tnbc", knockouts=("tumor:STAT3",))
    s3no6 = _run("tnbc", knockouts=("tumor:STAT3",) + tuple(IL6_KO_ALL))
    x2 = _run("tnbc", params=_x2("tnbc", "tumor__k_secretion_IL6"))
    rise = wt.at("tumor.CXCR4") - no6.at("tumor.CXCR4")
    o = {"CXCR4_ratio_IL6": wt.at("tumor.CXCR4") / no6.at("tumor.CXCR4"),
         "CXCR4_rise_lost_STAT3_KO": 1 - (s3.at("tumor.CXCR4") - s3no6.at("tumor.CXCR4")) / rise if rise else float("nan"),
         "bone_seeding_gain": wt.at("lesions_bone") / no6.at("lesions_bone") - 1,
         "serum_IL6_ratio_IL6x2": x2.at("serum_IL6_pg_mL") / wt.at("serum_IL6_pg_mL"),
         "metastatic_sites_WT": wt.at("metastatic_sites"), "metastatic_sites_IL6x2": x2.at("metastatic_sites"),
         "liver_metastasis_gain_IL6x2": x2.at("mets_liver") / wt.at("mets_liver") - 1}
    return o, (o["CXCR4_ratio_IL6"] >= 1.3 and o["CXCR4_rise_lost_STAT3_KO"] >= 0.70 and o["bone_seeding_gain"] >= 0.20
               and o["serum_IL6_ratio_IL6x2"] > 1 and o["metastatic_sites_IL6x2"] > o["metastatic_sites_WT"]
               and o["liver_metastasis_gain_IL6x2"] >= 0.20)


@claim("TME-7", "tme", "TGF-β-stimulated CAFs secrete IL-11 → gp130/STAT3 in the TME → metastatic outgrowth", (95, 96),
       {"WT": "tnbc", "CAF_TGFBR1_KO": "TGFBR1 KO in CAFs (no TGF-β response)", "CAF_IL11_KO": "IL11 KO in CAFs",
        "TGFBR1_KO": "TGFBR1 KO in CAFs and tumor cells (receptor block; galunisertib once drugs exist)"},
       "caf.IL11_secretion, metastatic_burden at day 180",
       "TGF-β raises CAF IL-11 secretion ≥ 2× (WT vs CAF TGFBR1 KO); CAF IL11 KO lowers metastatic burden ≥ 30 %; "
       "TGFBR1 KO lowers it by ≥ 50 % of that")
def tme7(ctx):
    wt = _run("tnbc")
    ct = _run("tnbc", knockouts=("caf:TGFBR1",))
    c11 = _run("tnbc", knockouts=("caf:IL11",))
    tb = _run("tnbc", knockouts=("caf:TGFBR1", "tumor:TGFBR1"))
    drop = 1 - c11.at("metastatic_burden") / wt.at("metastatic_burden")
    drop_t = 1 - tb.at("metastatic_burden") / wt.at("metastatic_burden")
    o = {"CAF_IL11_secretion_per_cell": wt.at("caf.IL11_secretion"),
         "CAF_IL11_secretion_fold_TGFb": wt.at("caf.IL11_secretion") / ct.at("caf.IL11_secretion"),
         "CAF_IL11_share_of_tumor_IL11": 1 - c11.at("tumor_IL11_pg_mL") / wt.at("tumor_IL11_pg_mL"),
         "metastatic_burden_drop_CAF_IL11_KO": drop, "metastatic_burden_drop_TGFBR1_KO": drop_t,
         "TGFBR1_KO_drop_relative_to_CAF_IL11_KO": drop_t / drop if drop else float("nan")}
    return o, (o["CAF_IL11_secretion_fold_TGFb"] >= 2 and drop >= 0.30 and drop_t >= 0.5 * drop)


@claim("TME-9", "tme", "IL-11 regulators: miR-124/204/211/379 mimics lower tumor IL-11 and bone loss; lncRNA-ATB "
       "stabilises IL-11 mRNA", (72, 74, 75),
       {"WT": "tnbc_bone_metastasis", "mimic": "each miRNA mimic at 10× its endogenous level in tumor cells",
        "ATB_KO": "tnbc with lncRNA-ATB knocked out in tumor cells"},
       "tumor.IL11_secretion, bone_mass_pct at day 180; tumor.IL11_mRNA",
       "every mimic lowers tumor-cell IL-11 secretion ≥ 30 % and bone loss (100 − bone mass %) ≥ 20 %; lncRNA-ATB "
       "raises IL11 mRNA ≥ 1.3× (WT vs ATB KO)")
def tme9(ctx):
    from ..model.signaling.tgfb import MIRNAS

    name = "tnbc_bone_metastasis"
    wt = _run(name)
    loss = 100 - wt.at("bone_mass_pct")
    o, ok = {"bone_loss_pct_WT": loss}, True
    for mir in MIRNAS:
        m = _run(name, params=((f"tumor__lvl_{mir}", 10.0),))
        il11 = 1 - m.at("tumor.IL11_secretion") / wt.at("tumor.IL11_secretion")
        bone = 1 - (100 - m.at("bone_mass_pct")) / loss if loss > 0 else float("nan")
        o[f"tumor_IL11_drop_{mir}"] = il11
        o[f"bone_loss_drop_{mir}"] = bone
        ok &= il11 >= 0.30 and bone >= 0.20
    base, atb = _run("tnbc"), _run("tnbc", knockouts=("tumor:ATB",))
    o["IL11_mRNA_ratio_ATB"] = base.at("tumor.IL11_mRNA") / atb.at("tumor.IL11_mRNA")
    return o, ok and o["IL11_mRNA_ratio_ATB"] >= 1.3


@claim("TME-8", "tme", "Bone vicious cycle: tumor IL-11/PTHrP → RANKL up, OPG down → osteoclasts → resorption → "
       "TGF-β → more tumor IL-11", (55, 66, 67, 68, 69, 70, 71),
       {"bone_mets": "tnbc_bone_metastasis", "niche_IL11RA_KO": "tnbc_bone_metastasis, IL-11RA lost in the niche",
        "tumor_free_bone": "tnbc_bone_metastasis without the bone lesion"},
       "bone_RANKL_OPG_ratio, bone_osteoclast_count, bone_mass_pct, serum IL-11 at day 180 (serum TGF-β reported, "
       "not judged)",
       "RANKL/OPG ≥ 2× and osteoclasts ≥ 2× tumor-free bone; bone mass −≥ 10 %; niche IL-11RA loss cuts the "
       "osteoclast rise ≥ 30 %; serum IL-11 ≥ 1.3× that without bone disease")
def tme8(ctx):
    name = "tnbc_bone_metastasis"
    met = _run(name)
    ko = _run(name, knockouts=("bone:IL11RA",))
    free = _run(name, cells=(("mets_bone", 0.0),))
    rise = met.at("bone_osteoclast_count") - free.at("bone_osteoclast_count")
    o = {"RANKL_OPG_ratio_fold": met.at("bone_RANKL_OPG_ratio") / free.at("bone_RANKL_OPG_ratio"),
         "osteoclast_fold": met.at("bone_osteoclast_count") / free.at("bone_osteoclast_count"),
         "bone_mass_pct": met.at("bone_mass_pct"),
         "osteoclast_rise_cut_IL11RA_KO": 1 - (ko.at("bone_osteoclast_count") - free.at("bone_osteoclast_count")) / rise
         if rise > 0 else float("nan"),
         "serum_IL11_fold": met.at("serum_IL11_pg_mL") / free.at("serum_IL11_pg_mL"),
         "serum_TGFb_fold": met.at("serum_TGFb_pg_mL") / free.at("serum_TGFb_pg_mL")}
    return o, (o["RANKL_OPG_ratio_fold"] >= 2 and o["osteoclast_fold"] >= 2 and o["bone_mass_pct"] <= 90
               and o["osteoclast_rise_cut_IL11RA_KO"] >= 0.30 and o["serum_IL11_fold"] >= 1.3)


@claim("TME-12", "tme", "Endocrine resistance: IL-6/STAT3 lowers ERα activity and the growth inhibition by ERα "
       "blockade", (93, 94),
       {"WT": "er_endocrine_resistant", "ESR1_KD": "ESR1 knock-down to 20 % (endocrine therapy stand-in)",
        "IL6_high": "tumor IL-6 secretion at the tnbc level", "IL6_high+ESR1_KD": "both"},
       "tumor.ERa_activity and tumor_volume_mm3 at day 180",
       "raising IL-6 lowers ERα activity ≥ 20 %; the growth inhibition by ESR1 knock-down (1 − V_KD/V) falls ≥ 30 %")
def tme12(ctx):
    name = "er_endocrine_resistant"
    kd = (("tumor__lvl_ESR1", 0.2),)
    # the tnbc tumor's IL-6 secretion constant (8× the luminal B value)
    il6 = (("tumor__k_secretion_IL6", _x2("tnbc", "tumor__k_secretion_IL6")[0][1] / 2.0),)
    wt, k = _run(name), _run(name, params=kd)
    hi, hik = _run(name, params=il6), _run(name, params=il6 + kd)
    inh, inh6 = 1 - _v(k) / _v(wt), 1 - _v(hik) / _v(hi)
    o = {"ERa_activity_drop_IL6": 1 - hi.at("tumor.ERa_activity") / wt.at("tumor.ERa_activity"),
         "growth_inhibition_ESR1_KD": inh, "growth_inhibition_ESR1_KD_IL6_high": inh6,
         "inhibition_fall": (inh - inh6) / inh if inh > 0 else float("nan")}
    return o, o["ERa_activity_drop_IL6"] >= 0.20 and o["inhibition_fall"] >= 0.30
