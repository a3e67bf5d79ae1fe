"""The tumor-microenvironment layer: the TME Network and what it knows about itself.

>>> from stat3sim.model import tme
>>> net = tme.default_network()                          # doctest: +SKIP
>>> tme.knockout(net, "myeloid", "STAT3")                # doctest: +SKIP

:func:`tme_network` builds the model (``model.py``: populations, cytokines, niches);
:func:`subtype_network` gives a built network a subtype's parameters, initial cells and
a day-0 size to hold; :func:`knockout` sets a gene's level in a lineage. The readouts a
run reports (:data:`DEFAULT_READOUTS`), the serum ranges shown beside them and the
recruitment a depletion switches off are here too. Turning a scenario and an arm into a
Network and running it is the run layer's job (:mod:`stat3sim.runs`): nothing here
imports the scenarios, the drug layer or the engine.
"""
from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import pandas as pd

from ..network import Evidence, Network, NetworkError
from .lineages import CELL_TYPES, LINEAGES, SUBTYPES, cells_of
from .model import MODULES, initial_cells, tme_network
from .parameters import TME
from .subtypes import SUBTYPES as SUBTYPE_OVERRIDES

#: recruitment parameters zeroed when a cell type is depleted
RECRUITMENT = {
    "tumor": (), "adipocyte": (),
    "macrophage": ("k_mono_rec",), "neutrophil": ("k_neut_rec",), "mdsc": ("k_mdsc_rec",),
    "dc": ("k_dc_rec",), "cd8": ("k_cd8_rec",), "cd4": ("k_cd4_rec",), "caf": ("k_caf_act",),
    "mets_bone": ("met_tropism_bone",), "mets_lung": ("met_tropism_lung",), "mets_liver": ("met_tropism_liver",),
}
#: initial metastatic cells a scenario may set (``cells: {mets_bone: 1e9}``); depleting
#: one stops seeding of that organ
METASTASIS_SITES = ("mets_bone", "mets_lung", "mets_liver")

#: cell volume parameter of each cell type that adds to the tumor volume (adipocytes and
#: metastases do not)
_CELL_VOLUME = {"tumor": "vol_tumor_cell", "macrophage": "vol_macrophage", "neutrophil": "vol_myeloid",
                "mdsc": "vol_myeloid", "dc": "vol_myeloid", "cd8": "vol_t_cell", "cd4": "vol_t_cell",
                "caf": "vol_caf"}


def diameter_to_volume_mm3(diameter_mm: float) -> float:
    """Volume (mm³) of the sphere of that diameter (mm)."""
    return math.pi / 6.0 * float(diameter_mm) ** 3


def volume_to_diameter_mm(volume_mm3: float) -> float:
    """Diameter (mm) of the sphere of that volume (mm³)."""
    return (6.0 * float(volume_mm3) / math.pi) ** (1.0 / 3.0)


def scaled_to(cells: dict[str, float], volume_mm3: float) -> dict[str, float]:
    """``cells`` with the tumor and its stroma and leukocytes scaled together to fill
    ``volume_mm3`` (Σ cells × cell volume / Ve_T + V_T_min, the model's tumor volume):
    the starting point the pre-simulation then settles (metastases keep their counts)."""
    cell_pL = sum(cells[c] * TME[v][0] for c, v in _CELL_VOLUME.items())
    want_pL = max(volume_mm3 * 1e-3 - TME["V_T_min"][0], 0.0) * 1e9 * TME["Ve_T"][0]
    f = want_pL / cell_pL if cell_pL > 0 else 0.0
    return {c: n * f if c not in METASTASIS_SITES else n for c, n in cells.items()}


#: the readouts of a TME run, in order (``<cell>.pSTAT3`` for every cell type follow)
DEFAULT_READOUTS = (
    "tumor_volume_mm3", "tumor_diameter_mm", "tumor_cells", "tumor.pSTAT3", "tumor.EMT_index", "tumor.invasion",
    "tumor.pSTAT3_nuclear_nM",  # absolute, beside the index: nM in the nucleus
    "tumor.PDL1", "M2_fraction", "macrophage_count", "MDSC_count", "neutrophil_count", "CD8_count",
    "CD8_effector_count", "CD8_exhausted_fraction", "CD8_per_mL", "CD4_count", "Th17_fraction", "DC_mature_fraction",
    "adipocyte_count", "serum_IL6_pg_mL", "serum_IL11_pg_mL", "serum_TNFa_pg_mL", "tumor_IL6_pg_mL",
    "tumor_IL11_pg_mL", "tumor_TNFa_pg_mL", "PGE2_nM", "macrophage.COX2", "tumor.CXCR4",
    # metastatic niches (every scenario)
    "mets_bone", "mets_lung", "mets_liver", "lesions_bone", "lesions_lung", "lesions_liver", "metastatic_burden",
    "metastatic_sites", "shed_flux", "shed_survival", "tumor.IL11_signal", "H_niche_bone", "H_niche_lung",
    "H_niche_liver", "bone_osteoclast_count", "bone_osteoblast_count", "bone_mass_pct", "bone_RANKL_OPG_ratio",
    "bone_IL11_pg_mL", "serum_TGFb_pg_mL", "tumor_TGFb_pg_mL", "caf_count", "tumor.IL11_mRNA", "caf.IL11_secretion",
    "tumor.IL11_secretion", "caf.SMAD_activity", "tumor.ATB", "serum_CRP_mg_L", "tumor.proliferation_per_day", "tumor.apoptosis_per_day",
    "tumor.SOCS3_mRNA", "tumor.IL6ST", "tumor.STAT3_total", "tumor.ERa_activity", "tumor.growth_drive", "tumor.NOTCH3", "tumor.CD133_index",
) + tuple(f"{c}.pSTAT3" for c in CELL_TYPES if c != "tumor")

#: literature ranges shown next to the model's serum levels: id -> (low, high, source)
SERUM_RANGES = {
    "serum_IL6_pg_mL": (1.0, 50.0, "healthy < 5 pg/mL; raised in metastatic breast cancer (review [62-65]; assumed range)"),
    "serum_IL11_pg_mL": (66.0, 243.0, "controls ~66, bone metastasis ~243 (Ren 2014, FACTS; printed µg/L, read as pg/mL: presumed misprint, see serum_IL11_healthy)"),
    "serum_TNFa_pg_mL": (1.0, 20.0, "assumed: healthy adults a few pg/mL"),
}


def initial_cell_counts(net: Network) -> dict[str, float]:
    """Cells of each type at day 0 in a built Network (the sum over its population states)."""
    from .model import CELL_SPLITS

    init = {s.id: s.initial for s in net.species}
    out = {}
    for cell, splits in CELL_SPLITS.items():
        vals = [init.get(sid) for sid, _ in splits]
        if all(isinstance(v, (int, float)) for v in vals):
            out[cell] = float(sum(vals))
    return out


#: an IL-6 knock-out of the whole organism: every cell type and the host's serum IL-6
IL6_KO_ALL = [f"{c}:IL6" for c in CELL_TYPES] + ["host:IL6"]


@lru_cache(maxsize=1)
def default_network() -> Network:
    """The tnbc network with the default cells (built once per process)."""
    return tme_network()


def subtype_network(base: Network, subtype: str, cells: tuple, size_mm3: float | None = None) -> Network:
    """``base`` (the default network, or one with drugs added) with a subtype's parameters,
    the given initial cells (``((cell, count), ...)``) and the day-0 size held before day 0
    (``size_mm3``; None: the tumor cell count is held); the structure is unchanged, so every
    subtype, composition and size re-uses one compiled model."""
    if subtype not in SUBTYPE_OVERRIDES:
        raise NetworkError(f"unknown subtype {subtype!r}; allowed: {', '.join(SUBTYPES)}")
    ov = SUBTYPE_OVERRIDES[subtype]
    size = {} if size_mm3 is None else {
        "size_hold": (1.0, Evidence("the scenario gives the tumor's day-0 size")),
        "V_T_day0": (size_mm3 * 1e-3, Evidence(f"the scenario's day-0 tumor size: {size_mm3:.6g} mm³ "
                                               f"(a {volume_to_diameter_mm(size_mm3):.4g} mm sphere)"))}
    params = tuple(
        replace(p, value=p.value * ov[p.id][0],
                evidence=Evidence(f"{subtype}: ×{ov[p.id][0]:g} of tnbc — {ov[p.id][1].source}", ov[p.id][1].refs))
        if p.id in ov else replace(p, value=size[p.id][0], evidence=size[p.id][1]) if p.id in size else p
        for p in base.parameters)
    init = initial_cells(dict(cells))
    species = tuple(replace(s, initial=init[s.id]) if s.id in init else s for s in base.species)
    return replace(base, parameters=params, species=species, name=f"stat3sim_tme_{subtype}")


def knockout(net: Network, lineage: str, gene: str, level: float = 0.0) -> Network:
    """Set ``gene``'s level to ``level`` in every cell type of ``lineage`` (``host`` = the
    host's serum production, for IL6; ``bone`` = the bone niche, for IL11RA)."""
    if lineage == "bone":
        pid = f"bone_lvl_{gene.upper()}"
        if pid not in net.parameter_ids:
            raise NetworkError(f"gene {gene!r} is not knockable in the bone niche (knockable: IL11RA)")
        return net.with_parameters({pid: net.parameter(pid).value * level})
    if lineage == "host":
        if gene.upper() != "IL6":
            raise NetworkError("host knock-outs: only IL6 (the host's serum IL-6 production)")
        return net.with_parameters({"serum_IL6_healthy": net.parameter("serum_IL6_healthy").value * level})
    values = {}
    missing = []
    for cell in cells_of(lineage):
        pid = f"{cell}__lvl_{gene.upper()}"
        try:
            values[pid] = net.parameter(pid).value * level
        except KeyError:
            missing.append(cell)
    if missing:
        raise NetworkError(f"gene {gene!r} is not knockable in {', '.join(missing)} (lineage {lineage!r})")
    return net.with_parameters(values)


def parameters_table(net: Network) -> pd.DataFrame:
    """Every parameter of a Network: id, value, unit, source, description."""
    return pd.DataFrame([{"id": p.id, "value": p.value, "unit": p.unit, "source": str(p.evidence),
                          "description": p.description} for p in net.parameters])


__all__ = ["CELL_TYPES", "DEFAULT_READOUTS", "IL6_KO_ALL", "LINEAGES", "METASTASIS_SITES", "MODULES",
           "RECRUITMENT", "SERUM_RANGES", "SUBTYPES", "default_network", "diameter_to_volume_mm3",
           "initial_cell_counts", "knockout", "parameters_table", "scaled_to", "subtype_network", "tme_network",
           "volume_to_diameter_mm"]
