"""The host's acute-phase response: hepatocyte IL-6 (and IL-11) signaling → serum CRP.

Hepatocytes sense serum cytokines: the hepatocyte signal is the occupancy of their
IL-6R by free serum IL-6 (Kd of the signaling module's IL-6·IL-6R) plus a small IL-11
term (hepatocyte IL-11RA is low: assumed weight ``w_hep_IL11``), less what drugs take
away — receptor antibodies occupy hepatocyte IL-6R/IL-11RA at their free plasma
concentration (``liver_IL6R_blocked``, ``liver_IL11RA_blocked``) and kinase inhibitors
cut the signal (``liver_JAK_block``: Σ C/IC50). CRP is made in proportion to an
IL-6-independent part plus the hepatocyte signal, normalised to the healthy state, and
cleared with its constant plasma half-life:

    dCRP/dt = k_CRP · CRP_healthy · (f_basal + (1 − f_basal) · S/S_healthy) − k_CRP · CRP

so a healthy host (serum IL-6 2 pg/mL, IL-11 66 pg/mL) sits at ``CRP_healthy``. CRP is
"the marker clinicians watch on tocilizumab" (issue 7): global IL-6 blockade lowers it,
IL-11 targeting barely does (THx-12) [3, 141].
"""
from __future__ import annotations

from .network import Evidence, NetworkBuilder
from .signaling.parameters import GLOBAL, LIGANDS

E = Evidence

#: CRP pentamer molar mass (kDa)
CRP_kDa = 115.0

HOST: dict[str, tuple[float, str, Evidence, str]] = {
    "CRP_healthy": (0.8, "mg/L", E("median serum CRP of 468 healthy blood donors 0.8 mg/L (0.58 in 153 donors; "
                                   "'Rapid automated high-sensitivity enzyme immunoassay of C-reactive protein', "
                                   "Clin Chem abstract)"), "serum CRP of the healthy host"),
    "k_CRP": (0.693 / (19.0 * 60.0), "1/min", E("CRP plasma t½ ~19 h, independent of concentration and constant in "
                                                "all conditions (same abstract)"), "CRP clearance"),
    "f_CRP_basal": (0.1, "dimensionless", E("assumed: ~10 % of healthy CRP synthesis does not depend on IL-6 "
                                            "(tocilizumab normalises CRP while free drug ≥ 1 µg/mL, FACTS-DRUGS)"),
                    "IL-6-independent share of healthy CRP synthesis"),
    "w_hep_IL11": (0.1, "dimensionless", E("assumed: hepatocyte IL-11RA signaling is a tenth of IL-6R signaling "
                                           "per unit occupancy (IL-11 is a weak acute-phase inducer in humans)"),
                   "weight of IL-11 in the hepatocyte signal"),
    "serum_IL6_ref": (2.0, "pg/mL", E("the TME layer's healthy serum IL-6 (serum_IL6_healthy)"),
                      "serum IL-6 of the healthy reference state"),
    "serum_IL11_ref": (66.0, "pg/mL", E("the TME layer's healthy serum IL-11 (serum_IL11_healthy; Ren 2014, printed µg/L, read as pg/mL: presumed misprint)"),
                       "serum IL-11 of the healthy reference state"),
}


def add_liver(b: NetworkBuilder) -> None:
    """Hepatocyte signal and serum CRP, reading ``blood__IL6`` and ``blood__IL11``."""
    def H(name: str) -> str:
        pid = f"host_{name}"
        if not b.has(pid):
            v, unit, ev, desc = HOST[name]
            b.parameter(pid, v, unit, ev, desc)
        return pid

    for name, (v, unit, ev, desc) in (("kon_IL6_IL6R", GLOBAL["kon_IL6_IL6R"]), ("koff_IL6_IL6R", GLOBAL["koff_IL6_IL6R"]),
                                      ("kon_IL11_IL11RA", GLOBAL["kon_IL11_IL11RA"]),
                                      ("koff_IL11_IL11RA", GLOBAL["koff_IL11_IL11RA"])):
        if not b.has(name):
            b.parameter(name, v, unit, ev, desc)
    for agg, desc in (("liver_IL6R_blocked", "hepatocyte IL-6R occupied by drugs (0..1)"),
                      ("liver_IL11RA_blocked", "hepatocyte IL-11RA occupied by drugs (0..1)"),
                      ("liver_JAK_block", "kinase inhibition in hepatocytes, Σ C/IC50 (0 untreated)")):
        b.aggregate(agg, "dimensionless", desc)
        b.contribute(agg, "0")
    kd6, kd11 = "(koff_IL6_IL6R/kon_IL6_IL6R)", "(koff_IL11_IL11RA/kon_IL11_IL11RA)"
    m6, m11 = LIGANDS["IL6"][0] * 1000, LIGANDS["IL11"][0] * 1000
    ref6, ref11 = f"({H('serum_IL6_ref')}/{m6!r})", f"({H('serum_IL11_ref')}/{m11!r})"
    w = H("w_hep_IL11")
    sig = (f"(blood__IL6/({kd6} + blood__IL6)*(1 - liver_IL6R_blocked)"
           f" + {w}*blood__IL11/({kd11} + blood__IL11)*(1 - liver_IL11RA_blocked))/(1 + liver_JAK_block)")
    ref = f"({ref6}/({kd6} + {ref6}) + {w}*{ref11}/({kd11} + {ref11}))"
    b.rule("liver_IL6_signal", f"{sig}/{ref}", "dimensionless",
           "hepatocyte IL-6/IL-11 receptor signal relative to the healthy host")
    crp_nM = f"({H('CRP_healthy')}/{CRP_kDa * 1000!r}*1e6)"  # mg/L -> nM (g/mol = kDa × 1000)
    b.species("serum_CRP", "blood", crp_nM, "nM", "serum C-reactive protein (pentamer)")
    f = H("f_CRP_basal")
    kc = H("k_CRP")
    b.reaction("CRP_synthesis", [], ["serum_CRP"], f"{kc}*{crp_nM}*({f} + (1 - {f})*liver_IL6_signal)", "blood",
               "hepatocyte CRP synthesis (IL-6/STAT3 acute-phase response)",
               E("CRP is made by hepatocytes, chiefly under IL-6 (same abstract) [3,141]", (3, 141)))
    b.reaction("CRP_clearance", ["serum_CRP"], [], f"{kc}*serum_CRP", "blood", "CRP clearance", HOST["k_CRP"][2])
    b.observable("host__obs__serum_CRP_mg_L", f"serum_CRP*{CRP_kDa * 1000!r}*1e-6", "mg/L", "serum_CRP_mg_L",
                 "serum C-reactive protein")
    b.observable("host__obs__liver_IL6_signal", "liver_IL6_signal", "dimensionless", "liver.IL6_signal",
                 "hepatocyte IL-6/IL-11 signal relative to the healthy host")
