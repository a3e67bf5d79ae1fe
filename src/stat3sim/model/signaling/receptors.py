"""IL-6 / IL-11 receptors: classic signaling (membrane IL-6R / IL-11RA + gp130),
trans-signaling (soluble sIL-6R / sIL-11R + gp130), sgp130 buffering in the medium,
receptor turnover and ligand-induced internalisation (receptor-mediated ligand
clearance) [4, 16, 21-23]."""
from __future__ import annotations

from .context import CellContext
from .parameters import BASAL_MEDIUM, LIGANDS

#: the ligand-bound signaling complexes: id -> label
COMPLEXES = {
    "C6": "IL-6·IL-6R·gp130 (classic)",
    "T6": "IL-6·sIL-6R·gp130 (trans)",
    "C11": "IL-11·IL-11RA·gp130 (classic)",
    "T11": "IL-11·sIL-11R·gp130 (trans)",
}
#: JAK states of each complex: freshly formed, JAK active, JAK active + SOCS3 bound
STATES = ("", "_pJAK", "_pJAK_SOCS3")


def add_medium(c: CellContext) -> None:
    """Medium species and soluble-phase reactions, shared by all cells."""
    b = c.b
    if b.has("IL6"):
        return
    if not b.has("medium"):  # a population model declares its own (the tumor interstitial fluid)
        b.compartment("medium", 1.0e4, "pL", "extracellular medium (per cell)",
                      "assumed: culture medium per cell at 1e5 cells/mL")
    for lig, (_mass, _src, name) in LIGANDS.items():
        b.species(lig, "medium", BASAL_MEDIUM.get(lig, (0.0, ""))[0], "nM", f"medium: {name}")
    for cplx, name in (("IL6_sIL6R", "IL-6·sIL-6R"), ("IL11_sIL11R", "IL-11·sIL-11R"),
                       ("IL6_sIL6R_sgp130", "IL-6·sIL-6R·sgp130"), ("IL11_sIL11R_sgp130", "IL-11·sIL-11R·sgp130")):
        b.species(cplx, "medium", 0.0, "nM", f"medium: {name}")
    kon6, koff6s = c.g("kon_IL6_IL6R"), c.g("koff_IL6_sIL6R")
    kon11, koff11s = c.g("kon_IL11_IL11RA"), c.g("koff_IL11_sIL11R")
    kg, kgoff = c.g("kon_gp130"), c.g("koff_gp130")
    kdeg = c.g("k_deg_ligand_medium")
    b.reaction("bind_IL6_sIL6R", ["IL6", "sIL6R"], ["IL6_sIL6R"],
               f"{kon6}*IL6*sIL6R - {koff6s}*IL6_sIL6R", "medium", "IL-6 + sIL-6R ⇌ IL-6·sIL-6R",
               "assumed Kd 0.5 nM as membrane IL-6R (Ward et al. 1995 SPR: 20 nM, not used) [16,21]")
    b.reaction("bind_IL11_sIL11R", ["IL11", "sIL11R"], ["IL11_sIL11R"],
               f"{kon11}*IL11*sIL11R - {koff11s}*IL11_sIL11R", "medium", "IL-11 + sIL-11R ⇌ IL-11·sIL-11R",
               "Curtis 1997 (FACTS) [16]")
    b.reaction("bind_IL6_sIL6R_sgp130", ["IL6_sIL6R", "sgp130"], ["IL6_sIL6R_sgp130"],
               f"{kg}*IL6_sIL6R*sgp130 - {kgoff}*IL6_sIL6R_sgp130", "medium",
               "sgp130 buffers IL-6·sIL-6R", "sgp130 binds the complex like membrane gp130 [16,23]")
    b.reaction("bind_IL11_sIL11R_sgp130", ["IL11_sIL11R", "sgp130"], ["IL11_sIL11R_sgp130"],
               f"{kg}*IL11_sIL11R*sgp130 - {kgoff}*IL11_sIL11R_sgp130", "medium",
               "sgp130 buffers IL-11·sIL-11R", "assumed: as for IL-6·sIL-6R [16,23]")
    for sp in ("IL6", "IL11", "IL6_sIL6R", "IL11_sIL11R", "IL6_sIL6R_sgp130", "IL11_sIL11R_sgp130"):
        b.reaction(f"loss_{sp}", [sp], [], f"{kdeg}*{sp}", "medium", f"loss of {sp} from the medium")


def add(c: CellContext) -> None:
    add_medium(c)
    b, cyt = c.b, c.cyt
    turn = c.p("k_receptor_turnover")
    kint = c.p("k_internalisation")
    for rec, lvl, label in (("IL6R", "lvl_IL6R", "IL-6R(α)"), ("IL11RA", "lvl_IL11RA", "IL-11RA"),
                            ("gp130", "lvl_IL6ST", "gp130·JAK")):
        r0, lv = c.p(f"R0_{rec}"), c.p(lvl)
        sid = c.species(rec, "cyt", f"{r0}*{lv}", label=f"{label} (membrane)")
        b.reaction(f"{c.cell}__synth_{rec}", [], [sid], f"{turn}*{r0}*{lv}", cyt, f"{label} synthesis",
                   "basal turnover, Dwivedi 2014")
        b.reaction(f"{c.cell}__deg_{rec}", [sid], [], f"{turn}*{sid}", cyt, f"{label} basal degradation")
    IL6R, IL11RA, gp130 = c.s("IL6R"), c.s("IL11RA"), c.s("gp130")
    kon6, koff6 = c.g("kon_IL6_IL6R"), c.g("koff_IL6_IL6R")
    kon11, koff11 = c.g("kon_IL11_IL11RA"), c.g("koff_IL11_IL11RA")
    kg, kgoff = c.g("kon_gp130"), c.g("koff_gp130")
    fg, fa = c.p("f_recycle_gp130"), c.p("f_recycle_alpha")
    block = f"(1/(1 + {c.p('I_gp130')}/{c.p('IC50_gp130')}))"

    a6 = c.species("IL6_IL6R", "cyt", 0.0, label="IL-6·IL-6R (membrane)")
    a11 = c.species("IL11_IL11RA", "cyt", 0.0, label="IL-11·IL-11RA (membrane)")
    b.reaction(f"{c.cell}__bind_IL6_IL6R", ["IL6", IL6R], [a6], f"{kon6}*IL6*{IL6R} - {koff6}*{a6}", cyt,
               "IL-6 binds membrane IL-6R (classic)", "[4,16]")
    b.reaction(f"{c.cell}__bind_IL11_IL11RA", ["IL11", IL11RA], [a11], f"{kon11}*IL11*{IL11RA} - {koff11}*{a11}", cyt,
               "IL-11 binds membrane IL-11RA (classic)", "[4,16]")
    # the alpha-receptor-ligand complex also turns over and is internalised
    for a, alpha in ((a6, IL6R), (a11, IL11RA)):
        b.reaction(f"{a}__internalise", [a], [], f"{kint}*{a}", cyt, "internalisation of ligand·α-receptor")
        b.reaction(f"{a}__recycle_alpha", [], [alpha], f"{fa}*{kint}*{a}", cyt, "α-receptor recycled")

    # what each complex is assembled from, besides gp130
    partners = {"C6": a6, "C11": a11, "T6": "IL6_sIL6R", "T11": "IL11_sIL11R"}
    for cx, label in COMPLEXES.items():
        for st in STATES:
            c.species(f"{cx}{st}", "cyt", 0.0, label=f"{label}{' JAK-active' if st else ''}{' +SOCS3' if 'SOCS3' in st else ''}")
        src = partners[cx]
        cid = c.s(cx)
        # gp130 recruitment; a gp130 blocker (bazedoxifene-like) lowers the on-rate [108-112]
        b.reaction(f"{cid}__assemble", [src, gp130], [cid], f"{kg}*{block}*{src}*{gp130} - {kgoff}*{cid}", cyt,
                   f"assembly of {label}", "Dwivedi 2014 gp130 constants [16]")
        # ligand-induced internalisation of every state: the ligand (and soluble receptor,
        # and SOCS3) is degraded, membrane receptors partly recycle to the surface
        alpha = {"C6": IL6R, "C11": IL11RA}.get(cx)
        for st in STATES:
            sid = c.s(f"{cx}{st}")
            b.reaction(f"{sid}__internalise", [sid], [], f"{kint}*{sid}", cyt,
                       f"internalisation of {label}", "receptor-mediated ligand clearance [16]")
            b.reaction(f"{sid}__recycle_gp130", [], [gp130], f"{fg}*{kint}*{sid}", cyt,
                       f"gp130 recycled after internalisation of {label}")
            if alpha:
                b.reaction(f"{sid}__recycle_alpha", [], [alpha], f"{fa}*{kint}*{sid}", cyt,
                           f"α-receptor recycled after internalisation of {label}")
