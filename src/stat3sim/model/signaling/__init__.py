"""The signaling module (DESIGN layer 1), instantiable for any cell type.

>>> from stat3sim.model.signaling import signaling_network
>>> net = signaling_network("tumor")
>>> "tumor__STAT3_pY705_dimer_nuc" in net.species_ids
True
"""
from __future__ import annotations

from ..network import Network, NetworkBuilder
from . import crosstalk, feedback, jak_stat, receptors, targets
from .context import CellContext
from .parameters import GLOBAL, LIGANDS, PER_CELL

def add_cell(b: NetworkBuilder, cell: str, overrides: dict | None = None, *,
             reduced: bool = False, genes: tuple[str, ...] = (), nfkb: bool = False,
             estrogen: bool = False, tgfb: bool = False) -> None:
    """Add one cell's signaling module to a builder (species/parameters prefixed ``<cell>__``).

    ``reduced`` adds the reduced module of :mod:`.reduced` (receptors → JAK → STAT3 with
    SOCS3 feedback, the target ``genes`` listed, NF-κB if ``nfkb``) instead of the full one.
    """
    c = CellContext(b, cell, dict(overrides or {}), reduced=reduced)
    b.compartment(c.cyt, 1.5, "pL", f"{cell}: cytoplasm (membrane receptors are counted per this volume)",
                  "assumed: cytoplasm of a ~2 pL epithelial cell")
    b.compartment(c.nuc, 0.5, "pL", f"{cell}: nucleus", "assumed: nucleus ~25 % of cell volume")
    if reduced:
        from . import reduced as red
        red.add(c, genes=genes, nfkb=nfkb)
    else:
        receptors.add(c)
        crosstalk.add(c)
        jak_stat.add(c)
        feedback.add(c)
        targets.add(c)
        targets.add_observables(c)
    if estrogen:  # ERα signaling of luminal cells (opt-in, see .estrogen)
        from . import estrogen as er
        er.add(c)
    if tgfb:  # TGF-β/SMAD → IL-11 crosstalk (opt-in, see .tgfb)
        from . import tgfb as tg
        tg.add(c)
    for name in PER_CELL:
        # a reduced module knocks out only the genes it has
        if name.startswith("lvl_") and (not reduced or b.has(f"{cell}__{name}")):
            gene = name[4:]
            b.gene(gene, c.p(name), description=f"{gene} level in {cell}")
    b.cells.append(cell)


def signaling_network(cell: str = "tumor", overrides: dict | None = None) -> Network:
    """The full signaling module for one cell type.

    ``cell`` names a preset in :mod:`stat3sim.model.cells` (its receptor levels and
    cell-specific parameters); ``overrides`` maps PER_CELL parameter names to
    ``(value, Evidence)`` and wins over the preset.
    """
    from ..cells import cell_type

    ct = cell_type(cell)
    ov = dict(ct.overrides)
    ov.update(overrides or {})
    b = NetworkBuilder(f"stat3sim_signaling_{cell}")
    add_cell(b, cell, ov)
    return b.build()


__all__ = ["signaling_network", "add_cell", "GLOBAL", "PER_CELL", "LIGANDS"]
