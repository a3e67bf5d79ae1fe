"""Metastatic niches: seeding from the primary tumor, colonisation of bone, lung and liver,
and the bone vicious cycle (DESIGN layer 2, issue 6 — in progress).

What is here
------------
* **Seeding.** The primary sheds viable, colonisation-competent cells at a rate per
  tumor cell raised by its invasion index (EMT + FSCN1) and by CXCR4 (STAT3 target,
  homing to CXCL12) [76]; each organ receives a share set by its CXCL12 tropism weight.
  Shed cells are not subtracted from the primary (a negligible fraction of it).
* **Colonisation per niche**, each organ a compartment with its own metastatic
  population (cells) and lesion count: metastatic cells grow (logistic per organ)
  at a rate raised by the niche milieu — bone: IL-11 in the bone niche and TGF-β released
  by resorbing osteoclasts [55, 66-71]; lung: systemic neutrophil/MDSC mobilisation (the
  primary's neutrophil + MDSC density as its proxy) [90, 91]; liver: serum IL-6 [65].
* **Bone vicious cycle.** The Lemaire 2004 bone module (:mod:`.bone`) sits in the bone
  niche. Bone metastatic cells secrete IL-11 and PTHrP into it; IL-11 (through IL-11RA
  in the niche) and PTHrP raise osteoblast RANKL and lower OPG; PTHrP acts on the PTH
  receptor; osteoclasts resorb bone and release TGF-β, which raises the metastatic
  cells' IL-11 secretion [55, 66-72]. ``bone_lvl_IL11RA`` (the niche's IL-11RA) is a
  knock-out target.

Readouts: ``mets_bone``, ``mets_lung``, ``mets_liver`` (cells), ``lesions_<organ>``,
``metastatic_burden`` (cells), ``metastatic_sites`` (organs whose burden is above the
detection threshold, a smooth count), ``bone_IL11_pg_mL`` and the bone module's
readouts (``bone_osteoclast_count``, ``bone_osteoblast_count``, ``bone_mass_pct``,
``bone_RANKL_OPG_ratio``, ``bone_TGFb_release``).

Not yet here (issue 6 goes on): CAFs and TGF-β → IL-11 in the primary, the organ
tropism of CXCR4 per niche ligand, the claims TME-7 … TME-10 and TME-12.
"""
from __future__ import annotations

from ..network import Evidence, NetworkBuilder
from ..signaling.parameters import LIGANDS

E = Evidence
ORGANS = ("bone", "lung", "liver")

#: id -> (value, unit, source, description); rates per day
METASTASIS: dict[str, tuple[float, str, Evidence, str]] = {
    "k_shed": (2.0e-6, "1/day", E("assumed: viable, colonisation-competent cells shed per tumor cell per day at "
                                  "invasion index 1 (most shed cells die in the circulation)"),
               "seeding rate per primary tumor cell at full invasion"),
    "b_shed": (0.1, "dimensionless", E("assumed: shedding without EMT/invasion, relative to full invasion"),
               "basal shedding"),
    "w_CXCR4_home": (1.0, "dimensionless", E("assumed: CXCR4 (STAT3 target) doubles homing to CXCL12 niches at "
                                             "full induction [76]", (76,)), "CXCR4 gain on homing"),
    "b_surv": (0.2, "dimensionless", E("assumed: survival of shed cells without IL-11/STAT3 signaling, relative to "
                                       "the untreated tnbc tumor"), "IL-11-independent survival of shed cells"),
    "K_surv_IL11": (3.4e-3, "nM", E("assumed, calibrated: the IL-11 receptor signal of the untreated tnbc "
                                 "tumor, so survival is ~1 there; TGF-β-stimulated CAF IL-11 → tumor gp130/STAT3 → "
                                 "metastatic outgrowth (Calon 2012 via review [95,96])", (95, 96)),
                    "tumor IL-11 receptor signal of unit survival"),
    # ER−/HER2− (the tnbc default) from Savci-Heijink 2015; the other subtypes scale these
    # by their own groups of the same cohort (model.tme.subtypes)
    "tropism_bone": (0.552, "dimensionless", E("bone in 55.2 % of ER−/HER2− patients with distant metastases "
                                               "(Savci-Heijink 2015, BCRT 150:547, PMC4383810; FACTS-TME 4; all "
                                               "263 patients: 70.6 %), used as a relative seeding weight (assumed)")),
    "tropism_liver": (0.575, "dimensionless", E("assumed split: ER−/HER2− visceral metastases in 81 % (Savci-Heijink "
                                                "2015, FACTS-TME 4), shared between liver and lung as in the whole "
                                                "cohort (liver 54.5 %, lung 31.4 %, any visceral 76.8 %): "
                                                "54.5 % × 81/76.8; the paper's liver and lung by subtype were not read, "
                                                "and another cohort puts TN liver below lung (27.5 vs 41.4 %, "
                                                "PMC5040895, FACTS-TME 4); a relative seeding weight")),
    "tropism_lung": (0.331, "dimensionless", E("assumed split, as tropism_liver: 31.4 % × 81/76.8 (ER−/HER2− "
                                               "visceral 81 %, Savci-Heijink 2015, FACTS-TME 4); a relative seeding "
                                               "weight")),
    "p_found": (0.01, "dimensionless", E("assumed: 1 in 100 arriving cells founds a lesion"),
                "probability that an arriving cell founds a lesion"),
    "k_lesion_loss": (0.01, "1/day", E("assumed: dormant lesions are cleared in ~100 d"), "lesion loss"),
    "k_met_prolif": (0.0128, "1/day", E("assumed, calibrated: metastatic cells in an unsupportive niche stay dormant "
                                        "(proliferation = loss); a half-supportive niche (lung, H ≈ 0.5) doubles them "
                                        "in ~110 d, like the primary (103 ± 43 d, Ryu 2014, FACTS), a fully supportive "
                                        "bone niche in ~55 d"),
                     "proliferation of metastatic cells (logistic)"),
    "K_met": (1.0e10, "cell", E("assumed: an organ holds at most ~1e10 metastatic cells"), "logistic capacity per organ"),
    "k_met_death": (0.0128, "1/day", E("assumed: equal to proliferation outside a supportive niche (dormancy)"),
                    "metastatic cell loss"),
    "w_niche": (1.0, "dimensionless", E("assumed: a fully supportive niche doubles metastatic proliferation"),
                "maximal niche support of metastatic growth"),
    "K_bone_IL11": (3.0, "nM", E("assumed, calibrated to TME-8/9: half-maximal support at ~57 ng/mL IL-11 in the bone "
                                 "niche, the order metastatic secretion gives there [55,66]", (55, 66))),
    "K_bone_TGFb": (1.0, "au", E("assumed: half-maximal support at twice normal TGF-β release (Lemaire TGF-β ∝ "
                                 "osteoclasts; osteoclasts release active TGF-β, Oreffo 1989, FACTS-TME 5)")),
    "K_lung_myeloid": (1.0e6, "cell/mL", E("assumed: half-maximal lung support at 1e6 neutrophils + MDSCs per mL "
                                           "of primary tumor [90,91]", (90, 91))),
    "K_liver_IL6": (10.0, "pg/mL", E("assumed: half-maximal liver support at serum IL-6 10 pg/mL [65]", (65,))),
    "V_bone_if": (1.0e9, "pL", E("assumed: 1 mL of bone-marrow interstitium around the metastatic site"),
                  "bone niche fluid volume"),
    "sec_IL11_met": (2.0e4, "1/cell/day", E("assumed, calibrated to serum IL-11 with bone metastasis ~243 vs ~86 pg/mL "
                                            "without (Ren 2014, FACTS; printed µg/L, read as pg/mL as for "
                                            "serum_IL11_healthy: a presumed misprint; low confidence): ~7× the "
                                            "primary's 3,000 per cell per day, as bone-seeking MDA-MB-231 sublines make more IL-11 than the parental "
                                            "line (Cancer Biol Ther 2011, FACTS-TME 1)"),
                     "IL-11 secretion per bone metastatic cell without TGF-β"),
    "A_IL11_TGFb": (3.0, "dimensionless", E("assumed: TGF-β raises tumor IL-11 (Käkönen; Cancer Biol Ther 2011; "
                                            "FACTS-TME 1) [70,71]", (70, 71)), "TGF-β induction of metastatic IL-11"),
    "k_IL11_bone_loss": (0.01, "1/min", E("assumed: IL-11 exchanges with plasma in ~70 min (as k_exchange)")),
    "sec_PTHrP_met": (3377.0, "1/cell/day", E("assumed: taken from a different parameterisation — the PyDREAM "
                                              "posterior k_tumor_PTHrP 3377.06 d⁻¹ (fM PTHrP per fM tumor) of a "
                                              "mouse intratibial MDA-MB-231 fit (TIBD_microenvironment @0e21303 "
                                              "MODELS/fit_params_BONE.csv, FACTS), read here as molecules per cell "
                                              "per day. There it is multiplied by π_C ≤ 1 (Harris2024.py: IP = "
                                              "IP_const + k_tumor_PTHrP·π_C·Tumor) and cleared with Lemaire's "
                                              "constants refitted (kP 2783 d⁻¹, SP 5256, Cs 10.9); here PTHrP is "
                                              "cleared at Lemaire's kP 86 d⁻¹ (met_k_PTHrP_loss), so the niche PTHrP "
                                              "per metastatic cell is ~32× the fitted model's before π_C "
                                              "(reviews/tme-drug-parameter-sources.md, item 13)")),
    "k_PTHrP_loss": (0.06, "1/min", E("assumed: PTHrP cleared like PTH (Lemaire k_P 86 d⁻¹ ≈ 0.06 min⁻¹)")),
    "A_RANKL_tumor": (3.0, "dimensionless", E("assumed: tumor IL-11 and PTHrP raise osteoblast RANKL up to 4× "
                                              "(Ohshiba 2003, FACTS-TME 5; fold not in the abstract) [67,68]", (67, 68))),
    "R_OPG_tumor": (1.0, "dimensionless", E("assumed: ... and lower OPG up to 2× (serum OPG lower with bone "
                                            "metastasis, FACTS-TME 5)")),
    "K_bone_IL11_RANKL": (8.0, "nM", E("assumed, calibrated to TME-8/9: IL-11 half-maximal on osteoblast RANKL at ~150 ng/mL, above the "
                                       "niche IL-11 metastatic secretion gives")),
    "bone_lvl_IL11RA": (1.0, "dimensionless", E("gene level, 1 = wild type"), "IL-11RA in the bone niche"),
    "M_bone_niche": (0.03, "kg", E("assumed: ~30 g of bone around the metastatic site (a lumbar vertebral body)"),
                     "bone mass of the metastatic niche at 100 %"),
    "TGFb_bone_store": (200.0, "ug/kg", E("bone holds ~200 µg TGF-β per kg tissue (Bonewald & Mundy, FACTS-TME 1)"),
                        "TGF-β stored in bone matrix"),
    "detect_cells": (9.0e6, "cell", E("assumed: a lesion of ~5 mm (65 mm³ at 1.4e8 cells/mL) is detectable")),
}


def add_niches(b: NetworkBuilder, P) -> None:
    """Add the three niches, seeding, colonisation and the coupled bone module.
    ``P`` is the TME layer's parameter declarer (reads the TME table); this module's
    parameters are declared from :data:`METASTASIS`."""
    from ..tme.model import per_day
    from .bone import _max0, add_bone

    def M(name: str) -> str:
        pid = name if name.startswith("bone_") else f"met_{name}"
        if not b.has(pid):
            value, unit, ev, *desc = METASTASIS[name]
            b.parameter(pid, value, unit, ev, desc[0] if desc else name)
        return pid

    # metastatic seeding, growth and loss run from day 0 (growth_on = 1): before it the
    # lesions a scenario starts with are held while the primary's surroundings settle
    # --- seeding from the primary (its invasion index: the rule tme.model declares); shed
    # cells survive to colonise in proportion to the IL-11 receptor signal of the tumor
    # cell (TGF-β-stimulated CAF IL-11 → gp130/STAT3 in tumor cells → metastatic
    # outgrowth [95, 96]): its JAK-active IL-11 complexes (classic and trans), upstream of
    # STAT3 — the tumor's STAT3 activity itself is dominated by IL-6 at its low IL-11RA
    b.rule("tumor_IL11_signal", "tumor__C11_pJAK + tumor__T11_pJAK", "nM",
           "IL-11 receptor signal of tumor cells (JAK-active IL-11 complexes)")
    b.rule("shed_survival", f"{M('b_surv')} + tumor_IL11_signal/{M('K_surv_IL11')}", "dimensionless",
           "survival of shed cells to colonisation (IL-11/gp130 [95,96]; 1 + b_surv in the untreated tnbc tumor)")
    b.rule("shed_flux", f"{M('k_shed')}*tumor_cells*({M('b_shed')} + tumor_invasion)"
           f"*(1 + {M('w_CXCR4_home')}*(tumor__CXCR4_mRNA - 1)/tumor__A_CXCR4)*shed_survival", "cell/day",
           "viable cells shed by the primary per day (invasion, CXCR4, IL-11/STAT3 survival)")
    tot = " + ".join(M(f"tropism_{o}") for o in ORGANS)
    # --- niche support (0..1 each)
    b.compartment("bone_if", METASTASIS["V_bone_if"][0], "pL", "bone-marrow interstitial fluid at the metastatic site",
                  METASTASIS["V_bone_if"][2])
    b.species("bone_IL11", "bone_if", 0.0, "nM", "IL-11 in the bone niche")
    b.species("bone_PTHrP", "bone_if", 0.0, "nM", "PTHrP in the bone niche")
    b.rule("bone_TGFb_drive", _max0("bone_osteoclasts_active/bone_C_ref - 1"), "au",
           "TGF-β released by osteoclasts above normal (Lemaire: ∝ active osteoclasts)")
    # the niche's free IL-11RA: its gene level less what receptor antibodies occupy (the
    # drug layer contributes its occupancy to bone_IL11RA_blocked; 0 untreated)
    b.aggregate("bone_IL11RA_blocked", "dimensionless", "bone-niche IL-11RA occupied by drugs (0..1)")
    b.contribute("bone_IL11RA_blocked", "0")
    b.rule("bone_IL11RA_free", f"{M('bone_lvl_IL11RA')}*(1 - bone_IL11RA_blocked)", "dimensionless",
           "free IL-11RA of the bone niche (gene level × unoccupied fraction)")
    b.rule("H_niche_bone", f"0.5*bone_IL11*bone_IL11RA_free/({M('K_bone_IL11')} + bone_IL11)"
           f" + 0.5*bone_TGFb_drive/({M('K_bone_TGFb')} + bone_TGFb_drive)", "dimensionless",
           "bone niche support: IL-11 (through niche IL-11RA) and osteoclast TGF-β")
    b.rule("H_niche_lung", f"((neutrophils + mdscs)/V_tumor_mL)/({M('K_lung_myeloid')} + (neutrophils + mdscs)/V_tumor_mL)",
           "dimensionless", "lung niche support: neutrophil/MDSC mobilisation")
    il6 = f"blood__IL6*{LIGANDS['IL6'][0] * 1000!r}"
    b.rule("H_niche_liver", f"{il6}/({M('K_liver_IL6')} + {il6})", "dimensionless", "liver niche support: serum IL-6")
    b.aggregate("metastatic_burden", "cell", "metastatic cells in all organs")
    for organ in ORGANS:
        met, les = f"mets_{organ}", f"lesions_{organ}"
        b.compartment(f"{organ}_niche", 1.0e9, "pL", f"{organ} metastatic niche (cells counted in it)",
                      "assumed: 1 mL of organ tissue around the lesions")
        b.species(met, f"{organ}_niche", 0.0, "cell", f"metastatic tumor cells in {organ}")
        b.species(les, f"{organ}_niche", 0.0, "cell", f"metastatic lesions in {organ} (count)")
        b.contribute("metastatic_burden", met)
        share = f"{M(f'tropism_{organ}')}/({tot})"
        b.reaction(f"{organ}_seeding", [], [met], per_day(f"growth_on*shed_flux*{share}"), f"{organ}_niche",
                   f"cells arriving in {organ} (CXCL12 tropism)", E("IL-6 → CXCR4 → homing [76]", (76,)))
        b.reaction(f"{organ}_lesion_founding", [], [les], per_day(f"growth_on*{M('p_found')}*shed_flux*{share}"),
                   f"{organ}_niche", f"new lesions in {organ}")
        b.reaction(f"{organ}_lesion_loss", [les], [], per_day(f"growth_on*{M('k_lesion_loss')}*{les}*(1 - H_niche_{organ})"),
                   f"{organ}_niche", f"dormant lesions cleared in {organ}")
        b.reaction(f"{organ}_met_growth", [], [met],
                   per_day(f"growth_on*{M('k_met_prolif')}*(1 + {M('w_niche')}*H_niche_{organ})*{met}*(1 - {met}/{M('K_met')})"),
                   f"{organ}_niche", f"metastatic growth in {organ} (niche-supported, logistic: a deposit grows "
                   f"exponentially until its organ fills, so the burden keeps the seeding's differences)")
        b.reaction(f"{organ}_met_death", [met], [], per_day(f"growth_on*{M('k_met_death')}*{met}"), f"{organ}_niche",
                   f"metastatic cell loss in {organ}")
        b.event(f"{met}_extinct", 0.0, {met: 0.0}, trigger=f"{met} < 0.5")
    # --- bone vicious cycle: metastatic IL-11 and PTHrP into the bone niche
    molec = "(molec_per_zmol*min_per_day)"
    # bone metastatic cells carry the primary's IL-11 regulation (signaling/tgfb.py) in
    # quasi-steady form: osteoclast TGF-β drives SMAD (through the tumor's TGFBR1 and
    # SMAD4), SMAD raises IL11 transcription and lncRNA-ATB, ATB stabilises IL11 mRNA,
    # miR-124/204/211/379 destabilise it — so a miRNA mimic or ATB loss given to the
    # tumor cells acts in their bone metastases too [72, 74, 75]
    from ..signaling.tgfb import il11_decay_factor

    b.rule("bone_met_SMAD", f"tumor__lvl_TGFBR1*tumor__lvl_SMAD4*bone_TGFb_drive/(1 + bone_TGFb_drive)",
           "dimensionless", "SMAD activation of bone metastatic cells by osteoclast TGF-β (0..1)")
    b.rule("bone_met_ATB", "tumor__lvl_ATB*(1 + tumor__A_ATB_SMAD*bone_met_SMAD)", "au",
           "lncRNA-ATB of bone metastatic cells (quasi-steady, relative to basal)")
    decay = il11_decay_factor(lambda name: f"tumor__{name}", "bone_met_ATB")
    b.rule("bone_met_IL11_mRNA", f"tumor__lvl_IL11*(1 + {M('A_IL11_TGFb')}*bone_met_SMAD)/{decay}", "au",
           "IL11 mRNA of bone metastatic cells (quasi-steady, relative to no TGF-β)")
    b.reaction("bone_met_IL11_secretion", [], ["bone_IL11"],
               f"mets_bone*{M('sec_IL11_met')}*bone_met_IL11_mRNA/{molec}/bone_if",
               "bone_if", "IL-11 secretion by bone metastatic cells (raised by osteoclast TGF-β)",
               E("TGF-β → tumor IL-11 [70,71]; IL-11 in bone metastasis [55,66]; miRNAs and lncRNA-ATB [72,74,75]",
                 (55, 66, 70, 71, 72, 74, 75)))
    b.reaction("bone_IL11_exchange", ["bone_IL11"], ["blood__IL11"], f"{M('k_IL11_bone_loss')}*(bone_IL11 - blood__IL11)",
               "bone_if", "bone-niche IL-11 ⇄ blood")
    b.reaction("bone_met_PTHrP_secretion", [], ["bone_PTHrP"], f"mets_bone*{M('sec_PTHrP_met')}/{molec}/bone_if",
               "bone_if", "PTHrP secretion by bone metastatic cells", E("PTHrP in 92 % of bone metastases (FACTS) [67,69]", (67, 69)))
    b.reaction("bone_PTHrP_loss", ["bone_PTHrP"], [], f"{M('k_PTHrP_loss')}*bone_PTHrP", "bone_if", "PTHrP clearance")
    # IL-11 (through niche IL-11RA) raises osteoblast RANKL and lowers OPG; PTHrP acts on
    # the PTH receptor, which in Lemaire's equations does both itself
    # the drive is the metastatic excess of niche IL-11 over serum: host IL-11 belongs to
    # normal remodeling ([69]: IL-11R signaling is required for it), which Lemaire's normal
    # steady state already contains
    exc = _max0("bone_IL11 - blood__IL11")
    b.rule("bone_IL11_excess", exc, "nM", "IL-11 in the bone niche above serum (from metastatic cells)")
    drive = f"(bone_IL11_excess*bone_IL11RA_free/({M('K_bone_IL11_RANKL')} + bone_IL11_excess))"
    add_bone(b, "bone", coupling={
        "f_RANKL_tumor": f"1 + {M('A_RANKL_tumor')}*{drive}",
        "f_OPG_tumor": f"1/(1 + {M('R_OPG_tumor')}*{drive})",
        "f_PTH_tumor": f"1 + 1000*bone_PTHrP*bone_k_P/bone_S_P",
    })
    b.gene("IL11RA", "bone_lvl_IL11RA", description="IL-11RA in the bone niche")
    # resorption above normal frees the matrix's TGF-β (osteoclasts activate it, Oreffo
    # 1989, FACTS-TME 5); all of it is counted into plasma, an upper bound on what bone
    # metastasis adds to serum TGF-β (%/day × kg × µg/kg → zmol/min over the blood volume)
    from ..tme.model import TGFB_kDa

    res = per_day("bone_k_res*bone_y_C*bone_mass/100")
    b.reaction("bone_TGFb_release", [], ["blood__TGFb"],
               f"{res}/100*{M('M_bone_niche')}*{M('TGFb_bone_store')}*1e-6/{TGFB_kDa * 1000!r}*1e21/blood", "blood",
               "TGF-β released by osteolytic resorption into plasma (upper bound: none lost on the way)",
               E("bone TGF-β store 200 µg/kg (Bonewald & Mundy, FACTS-TME 1); osteoclasts release active TGF-β "
                 "(Oreffo 1989, FACTS-TME 5) [55,70]", (55, 70)))

    def o(id_: str, expr: str, unit: str, desc: str) -> None:
        b.observable(f"niche__obs__{id_.replace('.', '__')}", expr, unit, id_, desc)

    det = M("detect_cells")
    for organ in ORGANS:
        o(f"mets_{organ}", f"mets_{organ}", "cell", f"metastatic tumor cells in {organ}")
        o(f"lesions_{organ}", f"lesions_{organ}", "cell", f"metastatic lesions in {organ} (count)")
    o("shed_flux", "shed_flux", "cell/day", "viable, colonisation-competent cells shed by the primary per day")
    o("shed_survival", "shed_survival", "dimensionless", "survival of shed cells to colonisation (IL-11/STAT3)")
    o("tumor.IL11_signal", "tumor_IL11_signal", "nM", "JAK-active IL-11 receptor complexes of tumor cells")
    for organ in ORGANS:
        o(f"H_niche_{organ}", f"H_niche_{organ}", "dimensionless", f"{organ} niche support of metastatic growth (0..1)")
    o("metastatic_burden", "metastatic_burden", "cell", "metastatic tumor cells, all organs")
    o("metastatic_sites", " + ".join(f"(mets_{g}^4/({det}^4 + mets_{g}^4))" for g in ORGANS), "dimensionless",
      "organs with a burden above the detection threshold (~5 mm lesion; smooth count 0..3)")
    o("bone_IL11_pg_mL", f"bone_IL11*{LIGANDS['IL11'][0] * 1000!r}", "pg/mL", "IL-11 in the bone niche")
