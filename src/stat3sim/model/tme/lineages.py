"""Cell types of the tumor-microenvironment layer and the lineages knock-outs name.

Every population carries its own instance of the signaling module (the tumor cell the
full one, the others the reduced one). A knock-out is written ``<lineage>:<GENE>``:
``myeloid:STAT3`` deletes STAT3 in every myeloid cell type (LysM-/c-fms-cre-like),
``hematopoietic:STAT3`` in every leukocyte (Mx1-cre-like), ``t_cell:STAT3`` in CD4+
and CD8+ T cells; a cell type's own name is a lineage of one.
"""
from __future__ import annotations

#: cell type -> one-line description (the signaling module instance of that type has
#: ids prefixed ``<cell type>__``)
CELL_TYPES: dict[str, str] = {
    "tumor": "breast cancer epithelial cells (full signaling module)",
    "adipocyte": "adipocytes / adipose stromal cells: IL-6 and leptin sources",
    "macrophage": "tumor-associated macrophages, M1 and M2 states (monocyte-derived)",
    "neutrophil": "tumor-associated neutrophils",
    "mdsc": "myeloid-derived suppressor cells",
    "dc": "dendritic cells, immature and mature",
    "cd8": "CD8+ T cells, effector and exhausted",
    "cd4": "CD4+ T cells, with a Th17 fraction",
    "caf": "cancer-associated fibroblasts: TGF-β-activated, IL-11 and IL-6 sources",
}

#: lineage -> the cell types it covers
LINEAGES: dict[str, tuple[str, ...]] = {
    "tumor": ("tumor",),
    "adipocyte": ("adipocyte",),
    "macrophage": ("macrophage",),
    "neutrophil": ("neutrophil",),
    "mdsc": ("mdsc",),
    "dc": ("dc",),
    "cd8": ("cd8",),
    "cd4": ("cd4",),
    "caf": ("caf",),
    "stroma": ("caf", "adipocyte"),
    "myeloid": ("macrophage", "mdsc", "neutrophil", "dc"),
    "t_cell": ("cd8", "cd4"),
    "hematopoietic": ("macrophage", "mdsc", "neutrophil", "dc", "cd8", "cd4"),
}

SUBTYPES: tuple[str, ...] = ("tnbc", "luminal_a", "luminal_b", "her2")


def cells_of(lineage: str) -> tuple[str, ...]:
    try:
        return LINEAGES[lineage]
    except KeyError:
        raise ValueError(f"unknown lineage {lineage!r}; allowed: {', '.join(LINEAGES)}") from None
