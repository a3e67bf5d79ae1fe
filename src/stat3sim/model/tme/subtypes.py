"""Breast cancer subtypes as parameter differences from the TNBC default (TME-1).

Each entry maps a parameter id of the TME network to (factor on the default value,
source). The review [58] reports the highest tumor STAT3 activity in TNBC; ER− lines
secrete IL-6 and express membrane gp130 while ER+ lines mainly soluble IL-6R (Chiu,
Sgagias & Cowan 1996, FACTS-TME 1); luminal tumors grow slower (Ryu 2014 doubling times,
FACTS) and hold fewer neutrophils (TANs: TN 88 %, HER2+ 53 %, HR+ 5 %, FACTS-TME 2).
Not modelled: lower CD8+ infiltration of ER+ tumors (Liu 2012, FACTS-TME 2) — with the
default killing it tipped luminal tumors into regression. Metastatic seeding weights
follow the subtype groups of Savci-Heijink 2015 (bone and visceral shares, FACTS-TME 4).
"""
from __future__ import annotations

from ..network import Evidence

E = Evidence
_ER = E("ER+ lines do not secrete IL-6, ER− lines do (Chiu 1996, FACTS-TME 1); magnitude assumed, calibrated to TME-1 ordering [58]", (58,))
_GP = E("gp130 low in MCF-7, high in T47D (Douglas 1997, FACTS); level assumed, calibrated to TME-1 ordering [58]", (58,))
_GR = E("volume doubling TNBC 103 d, HER2+ 162 d, ER+ 241 d (Ryu 2014, FACTS); factor assumed to land in range (model: luminal A 305 d, luminal B 255 d, HER2 159 d with the STAT3/GLI1 growth program, from the settled 25 mm day 0)")
_IMM = E("TANs TN 88 % > HER2+ 53 % > HR+ 5 % of tumors (FACTS-TME 2); factors assumed")

_ERNEG = E("triple-negative tumors lack ERα by definition; HER2-enriched tumors are mostly ER-negative (assumed ER−)")


def _met(group: str, pct: float, default_pct: float, site: str) -> Evidence:
    return E(f"{site} metastases in {pct:g} % of {group} vs {default_pct:g} % of ER−/HER2− patients with distant "
             f"metastases (Savci-Heijink 2015, FACTS-TME 4); mapping of the subtype to the paper's group assumed")


# Savci-Heijink 2015 (263 patients with distant metastases): bone / any visceral, %
_SH = {"ER−/HER2−": (55.2, 81.0), "ER+/HER2−/Ki67-low": (73.1, 76.9), "ER+/HER2−/Ki67-high": (87.8, 75.7),
       "HER2+": (69.8, 77.4)}


def _tropism(group: str) -> dict[str, tuple[float, Evidence]]:
    """Tropism factors of a subtype relative to tnbc (ER−/HER2−): bone by the bone share,
    liver and lung both by the visceral share (the liver/lung split stays that of tnbc)."""
    (b0, v0), (b, v) = _SH["ER−/HER2−"], _SH[group]
    return {"met_tropism_bone": (b / b0, _met(group, b, b0, "bone")),
            "met_tropism_liver": (v / v0, _met(group, v, v0, "visceral")),
            "met_tropism_lung": (v / v0, _met(group, v, v0, "visceral"))}


SUBTYPES: dict[str, dict[str, tuple[float, Evidence]]] = {
    "tnbc": {"tumor__lvl_ESR1": (0.0, _ERNEG)},
    "luminal_a": {
        "tumor__k_secretion_IL6": (0.4, _ER),
        "tumor__R0_gp130": (0.85, _GP),
        "k_tumor_prolif": (1.085, _GR),
        "k_neut_rec": (0.1, _IMM),
        **_tropism("ER+/HER2−/Ki67-low"),
    },
    "luminal_b": {
        "tumor__k_secretion_IL6": (0.12, _ER),
        "tumor__R0_gp130": (0.5, _GP),
        "k_tumor_prolif": (1.3, _GR),
        "k_neut_rec": (0.2, _IMM),
        **_tropism("ER+/HER2−/Ki67-high"),
    },
    "her2": {
        "tumor__lvl_ESR1": (0.0, _ERNEG),
        "tumor__k_secretion_IL6": (0.015, _ER),
        "tumor__R0_gp130": (0.25, _GP),
        "k_tumor_prolif": (1.51, _GR),
        "k_neut_rec": (0.6, _IMM),
        **_tropism("HER2+"),
    },
}
