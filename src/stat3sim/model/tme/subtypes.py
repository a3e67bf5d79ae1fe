"""Breast cancer subtypes as parameter differences from the TNBC default (TME-1).

Each entry maps a parameter id of the TME network to (factor on the default value,
source). The review [58] reports the highest tumor STAT3 activity in TNBC; ER− lines
secrete IL-6 and express membrane gp130 while ER+ lines mainly soluble IL-6R (Chiu,
Sgagias & Cowan 1996, FACTS-TME 1); luminal tumors grow slower (Ryu 2014 doubling times,
FACTS) and hold fewer neutrophils (TANs: TN 88 %, HER2+ 53 %, HR+ 5 %, FACTS-TME 2).
Not modelled: lower CD8+ infiltration of ER+ tumors (Liu 2012, FACTS-TME 2) — with the
default killing it tipped luminal tumors into regression.
"""
from __future__ import annotations

from ..network import Evidence

E = Evidence
_ER = E("ER+ lines do not secrete IL-6, ER− lines do (Chiu 1996, FACTS-TME 1); magnitude assumed, calibrated to TME-1 ordering [58]", (58,))
_GP = E("gp130 low in MCF-7, high in T47D (Douglas 1997, FACTS); level assumed, calibrated to TME-1 ordering [58]", (58,))
_GR = E("volume doubling TNBC 103 d, HER2+ 162 d, ER+ 241 d (Ryu 2014, FACTS); factor assumed to land in range (model: luminal A 300 d, luminal B 251 d, HER2 157 d with the STAT3/GLI1 growth program, from the settled 25 mm day 0)")
_IMM = E("TANs TN 88 % > HER2+ 53 % > HR+ 5 % of tumors (FACTS-TME 2); factors assumed")

_ERNEG = E("triple-negative tumors lack ERα by definition; HER2-enriched tumors are mostly ER-negative (assumed ER−)")

SUBTYPES: dict[str, dict[str, tuple[float, Evidence]]] = {
    "tnbc": {"tumor__lvl_ESR1": (0.0, _ERNEG)},
    "luminal_a": {
        "tumor__k_secretion_IL6": (0.4, _ER),
        "tumor__R0_gp130": (0.85, _GP),
        "k_tumor_prolif": (1.0, _GR),
        "k_neut_rec": (0.1, _IMM),
    },
    "luminal_b": {
        "tumor__k_secretion_IL6": (0.12, _ER),
        "tumor__R0_gp130": (0.5, _GP),
        "k_tumor_prolif": (1.2, _GR),
        "k_neut_rec": (0.2, _IMM),
    },
    "her2": {
        "tumor__lvl_ESR1": (0.0, _ERNEG),
        "tumor__k_secretion_IL6": (0.015, _ER),
        "tumor__R0_gp130": (0.25, _GP),
        "k_tumor_prolif": (1.4, _GR),
        "k_neut_rec": (0.6, _IMM),
    },
}
