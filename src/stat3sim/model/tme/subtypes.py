"""Breast cancer subtypes as parameter differences from the TNBC default (TME-1).

Each entry maps a parameter id of the TME network to (factor on the default value,
source). The review [58] reports the highest tumor STAT3 activity in TNBC; ER− lines
secrete IL-6 and express membrane gp130 while ER+ lines mainly soluble IL-6R (Chiu,
Sgagias & Cowan 1996, FACTS-TME 1); luminal tumors grow slower (Ryu 2014 doubling times,
FACTS) and are less infiltrated (Liu 2012 CD8+ TILs associated with ER−, FACTS-TME 2;
TANs: TN 88 %, HER2+ 53 %, HR+ 5 %, FACTS-TME 2).
"""
from __future__ import annotations

from ..network import Evidence

E = Evidence
_ER = E("ER+ lines do not secrete IL-6, ER− lines do (Chiu 1996, FACTS-TME 1); magnitude assumed, calibrated to TME-1 ordering [58]", (58,))
_GP = E("gp130 low in MCF-7, high in T47D (Douglas 1997, FACTS); level assumed, calibrated to TME-1 ordering [58]", (58,))
_GR = E("volume doubling TNBC 103 d, HER2+ 162 d, ER+ 241 d (Ryu 2014, FACTS); factor assumed to land in range")
_IMM = E("CD8+ TILs associated with ER− (Liu 2012, FACTS-TME 2); TANs TN 88 % > HER2+ 53 % > HR+ 5 % (FACTS-TME 2); factors assumed")

SUBTYPES: dict[str, dict[str, tuple[float, Evidence]]] = {
    "tnbc": {},
    "luminal_a": {
        "tumor__k_secretion_IL6": (0.35, _ER),
        "tumor__R0_gp130": (0.85, _GP),
        "k_tumor_prolif": (0.45, _GR),
        "k_neut_rec": (0.1, _IMM),
        "k_cd8_rec": (0.5, _IMM),
    },
    "luminal_b": {
        "tumor__k_secretion_IL6": (0.3, _ER),
        "tumor__R0_gp130": (0.75, _GP),
        "k_tumor_prolif": (0.6, _GR),
        "k_neut_rec": (0.2, _IMM),
        "k_cd8_rec": (0.6, _IMM),
    },
    "her2": {
        "tumor__k_secretion_IL6": (0.25, _ER),
        "tumor__R0_gp130": (0.6, _GP),
        "k_tumor_prolif": (0.7, _GR),
        "k_neut_rec": (0.6, _IMM),
        "k_cd8_rec": (0.8, _IMM),
    },
}
