"""Cell-type presets for the signaling module: receptor levels and cell-specific
parameters. Every override carries its source. Only the tumor epithelial cell is used
by the claims of the signaling layer; the others are the starting points of the TME
layer, where each cell type runs a reduced form of the module."""
from __future__ import annotations

from dataclasses import dataclass, field

from .network import Evidence
from .signaling.parameters import CAL, MOLEC_PER_nM

E = Evidence


@dataclass(frozen=True)
class CellType:
    name: str
    description: str
    overrides: dict = field(default_factory=dict)


def _n(copies: float) -> float:
    return copies / MOLEC_PER_nM


CELL_TYPES: dict[str, CellType] = {
    "tumor": CellType("tumor", "breast cancer epithelial cell (IL-6R+, IL-11RA+, gp130+)"),
    "caf": CellType("caf", "cancer-associated fibroblast (IL-11RA-high, IL-11 source)", {
        "R0_IL11RA": (_n(4000), E("assumed: CAFs respond strongly to IL-11 (review [95,96])", (95, 96))),
    }),
    "macrophage": CellType("macrophage", "tumor-associated macrophage (CD45+, COX-2 repressed by STAT3)", {
        "R0_IL6R": (_n(300), E("blood leukocytes 50–300 IL-6 sites per cell (FACTS: Hansen 2020)")),
        "f_CD45": (1.0, E("CD45 dephosphorylates JAK/STAT in myeloid cells", (26, 27, 28))),
        "A_PTGS2_stat3": (0.0, E("assumed: no epithelial STAT3 co-induction of COX-2 in macrophages")),
        "R_PTGS2_stat3": (2.0, E("assumed: myeloid STAT3 represses COX-2 (myeloid STAT3 deletion raises COX-2)", (105,))),
    }),
    "t_cell": CellType("t_cell", "CD4+/CD8+ T cell (IL-6R+, CD45+)", {
        "R0_IL6R": (_n(300), E("blood leukocytes 50–300 IL-6 sites per cell (FACTS: Hansen 2020)")),
        "f_CD45": (1.0, E("CD45 is expressed on all leukocytes", (26, 27, 28))),
    }),
    "hepatocyte": CellType("hepatocyte", "primary hepatocyte, calibrated to Sobotta 2017's IL-6 data (docs/calibration.md)", {
        "R0_IL6R": (_n(4500), E("rat hepatocytes ~4,500 high-affinity IL-6 sites (FACTS)")),
        # the cell-specific amounts of the calibration (the shared rates are in signaling.parameters)
        "R0_gp130": (4.91, E(f"{CAL}, 95 % profile CI [3.33, 7.34] nM (4,440 [3,010, 6,630] gp130·JAK1 per cell)")),
        "k_tl_SOCS3": (0.124, E(f"{CAL}, 95 % profile CI [0.0593, 0.193] nM/au/min (SOCS3 protein ~3 nM in Sobotta's "
                                "12.67 pL at 40 min)")),
        "K_tf_STAT3": (75.0, E(f"{CAL}, 95 % profile CI [39.2, 119] nM")),
        # not determined by the data: the best fit's values (the optima of equally good starts span 20–350×)
        "k_stat3_phos": (0.119, E("assumed: the best fit of the same calibration; not determined by the data (optima "
                                  "within 10 of the best nllh span 0.11–2.1 /(nM·min))")),
        "k_dephos_cyt": (0.152, E("assumed: the best fit of the same calibration; not determined by the data (optima "
                                  "within 10 of the best nllh span 0.0026–0.154 /min)")),
        "kon_SOCS3": (0.043, E("assumed: the best fit of the same calibration; not determined by the data (optima "
                               "within 10 of the best nllh span 0.042–14.6 /(nM·min))")),
    }),
}


def cell_type(name: str) -> CellType:
    try:
        return CELL_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown cell type {name!r}; allowed: {', '.join(CELL_TYPES)}") from None
