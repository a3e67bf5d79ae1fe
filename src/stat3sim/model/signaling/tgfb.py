"""TGF-β/SMAD crosstalk: TGF-β → TGFBR1/2 → SMAD2/3·SMAD4 → IL-11 (and IL-6) in one cell.

Opt-in (``add_cell(..., tgfb=True)``); the default networks do not contain it.

* ``TGFb`` (active TGF-β1, nM) in the shared ``medium``; it is read as a quasi-steady
  receptor occupancy ``lvl_TGFBR1 · TGFb/(K_TGFb + TGFb)`` and is not consumed.
* ``SMAD_active_nuc`` (au, 0..1): the fraction of SMAD2/3 in nuclear pSMAD2/3·SMAD4
  complexes, switched on by the occupied receptor (gated by ``lvl_SMAD4``) and off by
  dephosphorylation/export. Nuclear active SMAD follows receptor activity continuously
  (Inman, Nicolás & Hill 2002, Mol Cell 10:283, abstract).
* ``IL11_mRNA`` (au, 1 = no input) follows ``d m/dt = k·f(SMAD, STAT3) − k·D·m``:
  transcription induced by SMAD (TGF-β → IL-11 needs SMAD4: MDA-MB-468 lacks SMAD4 and
  makes no IL-11, FACTS-TME 1; review [70, 71]) and modestly by STAT3; decay ``D`` raised
  by miR-124/204/211/379 (Pollari 2012, Cai 2018; review [74, 75]) and lowered by the
  TGF-β-induced lncRNA ``ATB`` that binds and stabilises IL-11 mRNA (Yuan 2014 Cancer
  Cell, HCC; review [72]). miR-379 also damps SMAD activation (Pollari 2012).
* IL-11 secretion into the medium ∝ IL11 mRNA; where the cell has an IL6 mRNA, SMAD also
  raises IL6 transcription (TGF-β stimulates IL-6 and IL-11 in osteolytic lines,
  Käkönen et al., FACTS-TME 1). The p38 branch of TGF-β → IL-11 (FACTS-TME 1) is not
  modelled separately: it is folded into the SMAD term, so a SMAD4 or TGFBR1 knock-out
  removes the whole TGF-β response.

Transformations: :func:`mimic` (miRNA mimic = its level × fold) and :func:`knock_in`
(any gene level of one cell × fold); knock-outs go through ``Network.knockout`` (genes
TGFBR1, SMAD4, ATB, IL11, MIR124, MIR204, MIR211, MIR379).

>>> net = caf_network()
>>> "caf__SMAD_active_nuc" in net.species_ids
True
"""
from __future__ import annotations

from ..network import Evidence, Network, NetworkBuilder, hill
from .context import CellContext
from .feedback import stat3_tf
from .parameters import MOLEC_PER_nM

E = Evidence

#: the TGF-β ligand in the medium: id, molar mass (kDa), source, name
TGFB_LIGAND = "TGFb"
TGFB_MASS_kDa = 25.0
TGFB_MASS_SOURCE = "mature TGF-β dimer ≈ 25 kDa (FACTS-TME 1: QSP-IO secretion rates converted 'taking 25 kDa')"

#: the miRNAs that target the IL11 3′UTR: gene symbol -> (review reference, source)
MIRNAS: dict[str, tuple[int, str]] = {
    "MIR124": (75, "Cai et al. 2018, Mol Cancer (IL-11 a direct miR-124 target, luciferase; FACTS-TME 6)"),
    "MIR204": (74, "Pollari et al. 2012, PLoS One (IL11 3′UTR target; FACTS-TME 6)"),
    "MIR211": (74, "Pollari et al. 2012, PLoS One (IL11 3′UTR target; FACTS-TME 6)"),
    "MIR379": (74, "Pollari et al. 2012, PLoS One (IL11 3′UTR target; FACTS-TME 6)"),
}

#: genes whose level parameter ``lvl_<gene>`` this module declares (knock-out / knock-in)
GENES = ("TGFBR1", "SMAD4", "IL11", "ATB", *MIRNAS)

_CAL7, _CAL9 = "calibrated to TME-7", "calibrated to TME-9"

#: per-cell parameters of this module (same tuple format as ``PER_CELL``)
TGFB_PER_CELL: dict[str, tuple[float, str, Evidence, str]] = {
    # --- receptor and SMAD
    "K_TGFb": (0.07, "nM", E("half-maximal TGF-β effect 0.07 nM as coded in QSP-IO TNBC (TGFb_50, parameters_TNBC.m l.1001 @acc8366, citing Robertson-Tessi 2012; shared/ANCHORS-QSP.md), used here as TGFBR occupancy Kd; no TGFBR Kd was read"), "TGF-β half-occupancy of TGFBR1/2"),
    "k_smad_act": (0.1, "1/min", E("assumed: nuclear pSMAD2/3·SMAD4 within ~10–30 min of TGF-β"), "SMAD2/3 activation (phosphorylation, SMAD4 binding, import) per unit receptor occupancy"),
    "k_smad_inact": (0.05, "1/min", E("assumed (t½ ~14 min): nuclear active SMADs continuously follow receptor activity through shuttling and dephosphorylation (Inman, Nicolás & Hill 2002, Mol Cell 10:283, abstract; receptors stay active ≥ 3–4 h)"), "nuclear SMAD2/3 inactivation"),
    "R_MIR379_SMAD": (0.05, "dimensionless", E("assumed: miR-379 also inhibits Smad2/3/4 activity (Pollari 2012, FACTS-TME 6; magnitude not seen)", (74,)), "damping of SMAD activation per unit miR-379 level"),
    "K_SMAD": (0.3, "au", E("assumed: half-maximal promoter activation at 30 % active SMAD"), "SMAD half-activation of target promoters"),
    "n_hill_SMAD": (2.0, "dimensionless", E("assumed: SMAD complexes bind cooperatively (several SBEs)"), "Hill coefficient of SMAD-driven transcription"),
    # --- IL11 mRNA
    "k_mrna_IL11": (0.01, "1/min", E("assumed: as k_mrna (t½ ~70 min); IL-11 mRNA half-life not found"), "IL11 mRNA turnover (transcription scale and basal decay)"),
    "A_IL11_SMAD": (3.0, "dimensionless", E(f"assumed, {_CAL7}: TGF-β induces IL-11 via SMAD (and p38) (FACTS-TME 1: Cancer Biol Ther 2011;11:311; Käkönen et al.)", (70, 71, 95, 96)), "maximal SMAD induction of IL11 transcription"),
    "A_IL11_STAT3": (0.5, "dimensionless", E("assumed: modest STAT3 induction of IL11; review [54] correlates IL-11 expression with grade and recurrence but shows no STAT3 induction, so the value is a placeholder", (54,)), "maximal STAT3 induction of IL11 transcription"),
    "k_secretion_IL11": (3.0e3 / 1440.0 / MOLEC_PER_nM, "nM/au/min", E("assumed: ~3,000 IL-11 molecules per cell per day at IL11 mRNA = 1; no per-cell IL-11 secretion rate was found (FACTS-TME, 'looked for and not found')"), "IL-11 secretion per unit IL11 mRNA"),
    # --- lncRNA-ATB
    "k_ATB": (0.005, "1/min", E("assumed: lncRNA t½ ~2.3 h"), "lncRNA-ATB turnover"),
    "A_ATB_SMAD": (4.0, "dimensionless", E(f"assumed, {_CAL9}: lncRNA-ATB is TGF-β-induced (Yuan 2014 Cancer Cell, HCC; FACTS-TME 6)", (72,)), "maximal SMAD induction of ATB"),
    "S_ATB": (0.15, "dimensionless", E(f"assumed, {_CAL9}: lncRNA-ATB binds and stabilises IL-11 mRNA (Yuan 2014, HCC; FACTS-TME 6; magnitude not seen)", (72,)), "IL11 mRNA stabilisation per unit ATB (relative to basal)"),
    # --- miRNAs (strength = extra IL11 mRNA decay per unit miRNA level, endogenous level 1)
    **{f"R_{m}": (0.2, "dimensionless", E(f"assumed, {_CAL9}: {src}; percent inhibition not seen", (ref,)),
                  f"IL11 mRNA decay added by {m} per unit level")
       for m, (ref, src) in MIRNAS.items()},
    # --- IL-6 (where the cell has IL6 mRNA)
    "A_IL6_SMAD": (1.0, "dimensionless", E("assumed: TGF-β stimulates IL-6 (and IL-11) in osteolytic lines through MAP kinases (Käkönen et al., FACTS-TME 1; fold not seen)"), "maximal SMAD co-induction of IL6 transcription (multiplies the IL6 rule)"),
    # --- gene levels (1 = wild type / endogenous; knock-out 0; mimic or knock-in > 1)
    **{f"lvl_{g}": (1.0, "dimensionless", E("gene level, 1 = wild type"), "") for g in GENES},
}


def p(c: CellContext, name: str) -> str:
    """Parameter id of this cell, declared from :data:`TGFB_PER_CELL` on first use
    (mirrors :meth:`CellContext.p`; ``c.overrides`` wins over the table)."""
    if name.startswith("lvl_"):
        value, unit, ev, _ = TGFB_PER_CELL[name]
        return c.p(name, {name: (value, unit, ev, f"{name[4:]} expression level in {c.cell}")})
    return c.p(name, TGFB_PER_CELL)


def add_ligand(b: NetworkBuilder) -> str:
    """The TGF-β species in the shared medium (declared once; no medium loss: in culture
    it is the stimulus, a population model adds its own clearance)."""
    if not b.has("medium"):
        b.compartment("medium", 1.0e4, "pL", "extracellular medium (per cell)",
                      "assumed: culture medium per cell at 1e5 cells/mL")
    if not b.has(TGFB_LIGAND):
        b.species(TGFB_LIGAND, "medium", 0.0, "nM", "medium: transforming growth factor β1 (active)")
    return TGFB_LIGAND


def il11_decay_factor(par, atb: str) -> str:
    """IL11 mRNA decay relative to basal: raised by the miRNAs (``R_<mir>`` per unit level
    ``lvl_<mir>``, 1 = endogenous), lowered by lncRNA-ATB (``S_ATB`` per unit ``atb``, 1 =
    basal). ``par(name)`` gives the parameter id of this cell."""
    r_all = " + ".join(par(f"R_{mi}") for mi in MIRNAS)
    r_lvl = " + ".join(f"{par(f'R_{mi}')}*{par(f'lvl_{mi}')}" for mi in MIRNAS)
    sa = par("S_ATB")
    return f"(((1 + {r_lvl})/(1 + {r_all}))*((1 + {sa})/(1 + {sa}*{atb})))"


def smad_activity(c: CellContext) -> str:
    """Hill activation (0..1) of SMAD target promoters."""
    return hill(c.s("SMAD_active_nuc"), p(c, "K_SMAD"), p(c, "n_hill_SMAD"))


def add(c: CellContext) -> None:
    """Add the TGF-β/SMAD → IL-11 module to one cell (after its STAT3 module)."""
    b, cyt, nuc, s = c.b, c.cyt, c.nuc, c.s
    tgf = add_ligand(b)
    # --- receptor occupancy and SMAD2/3·SMAD4
    occ = f"({p(c, 'lvl_TGFBR1')}*{tgf}/({p(c, 'K_TGFb')} + {tgf}))"
    smad = c.species("SMAD_active_nuc", "nuc", 0.0, unit="au",
                     label="active SMAD (nuclear pSMAD2/3·SMAD4, fraction of SMAD2/3)")
    m379 = f"((1 + {p(c, 'R_MIR379_SMAD')})/(1 + {p(c, 'R_MIR379_SMAD')}*{p(c, 'lvl_MIR379')}))"
    b.reaction(f"{smad}__activation", [], [smad],
               f"{p(c, 'k_smad_act')}*{occ}*{p(c, 'lvl_SMAD4')}*{m379}*(1 - {smad})", nuc,
               "TGFBR1 phosphorylates SMAD2/3, which enter the nucleus with SMAD4",
               E("Inman 2002 (abstract); SMAD4 needed for TGF-β → IL-11 (FACTS-TME 1)", (70, 71)))
    b.reaction(f"{smad}__inactivation", [smad], [], f"{p(c, 'k_smad_inact')}*{smad}", nuc,
               "nuclear SMAD dephosphorylation and export")
    act = smad_activity(c)
    # --- lncRNA-ATB
    atb = c.species("ATB", "cyt", 1.0, unit="au", label="lncRNA-ATB (relative to basal)")
    ka = p(c, "k_ATB")
    b.reaction(f"{atb}__transcription", [], [atb], f"{ka}*{p(c, 'lvl_ATB')}*(1 + {p(c, 'A_ATB_SMAD')}*{act})", cyt,
               "TGF-β/SMAD-induced lncRNA-ATB", E("Yuan 2014 Cancer Cell (FACTS-TME 6)", (72,)))
    b.reaction(f"{atb}__decay", [atb], [], f"{ka}*{atb}", cyt, "lncRNA-ATB decay")
    # --- IL11 mRNA
    m = c.species("IL11_mRNA", "cyt", 1.0, unit="au", label="IL11 mRNA (relative to no input)")
    km = p(c, "k_mrna_IL11")
    tf3 = hill(stat3_tf(c), c.p("K_tf_STAT3"), c.p("n_hill_STAT3"))
    b.reaction(f"{m}__transcription", [], [m],
               f"{km}*{p(c, 'lvl_IL11')}*(1 + {p(c, 'A_IL11_SMAD')}*{act} + {p(c, 'A_IL11_STAT3')}*{tf3})", cyt,
               "IL11 transcription by SMAD (and STAT3)", E("FACTS-TME 1", (70, 71, 54)))
    decay = il11_decay_factor(lambda name: p(c, name), atb)
    b.reaction(f"{m}__decay", [m], [], f"{km}*{decay}*{m}", cyt,
               "IL11 mRNA decay: raised by miR-124/204/211/379, lowered by lncRNA-ATB",
               E("Pollari 2012; Cai 2018; Yuan 2014 (FACTS-TME 6)", (72, 74, 75)))
    ksec = p(c, "k_secretion_IL11")
    b.reaction(f"{c.cell}__IL11_secretion", [], ["IL11"], f"{ksec}*{m}", cyt, "IL-11 secretion into the medium",
               E("assumed: secretion ∝ IL11 mRNA", (95, 96)))
    # --- IL-6 co-induction where the cell makes IL6 mRNA
    if b.has(s("IL6_mRNA")):
        b.modifier(f"{s('IL6_mRNA')}__transcription", f"(1 + {p(c, 'A_IL6_SMAD')}*{act})",
                   E("assumed: Käkönen et al. (FACTS-TME 1)"), "TGF-β/SMAD co-induces IL6")
    # --- genes and readouts
    for g in GENES:
        b.gene(g, p(c, f"lvl_{g}"), description=f"{g} level in {c.cell}")
    o = lambda name, expr, unit, desc: b.observable(f"{c.cell}__obs__{name}", expr, unit, f"{c.cell}.{name}", desc)
    o("IL11_mRNA", m, "au", "IL11 mRNA relative to no input")
    o("SMAD_activity", smad, "dimensionless", "nuclear active SMAD2/3·SMAD4, fraction of SMAD2/3 (0..1)")
    o("ATB", atb, "au", "lncRNA-ATB relative to basal")
    # nM·pL = zmol = 602.214 molecules; 1440 min per day
    o("IL11_secretion", f"{ksec}*{m}*{cyt}*602.214*1440", "1/cell/day", "IL-11 secreted per cell per day")


# ---------------------------------------------------------------- networks
def tgfb_network(cell: str = "tumor", overrides: dict | None = None, *, reduced: bool = False,
                 genes: tuple[str, ...] = (), nfkb: bool = False) -> Network:
    """A one-cell signaling network with the TGF-β/SMAD module (``cell`` a preset of
    :mod:`stat3sim.model.cells`; ``overrides`` win over the preset)."""
    from ..cells import cell_type
    from . import add_cell

    ov = dict(cell_type(cell).overrides)
    ov.update(overrides or {})
    b = NetworkBuilder(f"stat3sim_signaling_{cell}_tgfb")
    add_cell(b, cell, ov, reduced=reduced, genes=genes, nfkb=nfkb, tgfb=True)
    c = CellContext(b, cell, ov, reduced=reduced)
    m6 = c.s("IL6_mRNA")
    if b.has(m6):
        # the reduced module has IL6 mRNA but leaves secretion to the TME layer; a
        # one-cell network secretes it here as the full module does [18, 33]
        ksec = c.p("k_secretion_IL6")
        if not b.has(f"{cell}__IL6_secretion"):
            b.reaction(f"{cell}__IL6_secretion", [], ["IL6"], f"{ksec}*{m6}", c.cyt,
                       "IL-6 secretion", "[18,33]")
        b.observable(f"{cell}__obs__IL6_secretion", f"{ksec}*{m6}*{c.cyt}*602.214*1440", "1/cell/day",
                     f"{cell}.IL6_secretion", "IL-6 secreted per cell per day")
    return b.build()


def caf_network(overrides: dict | None = None) -> Network:
    """A cancer-associated fibroblast: the reduced signaling module (gp130/STAT3, SOCS3,
    NF-κB, IL6 mRNA) with TGF-β/SMAD → IL-11 and IL-6 secretion (review [95, 96])."""
    return tgfb_network("caf", overrides, reduced=True, genes=("IL6",), nfkb=True)


# ---------------------------------------------------------------- transformations
def _mir_symbol(mir: str) -> str:
    """'miR-124', 'mir124', 'MIR124' or '124' -> 'MIR124'."""
    digits = "".join(ch for ch in str(mir) if ch.isdigit())
    sym = f"MIR{digits}"
    if sym not in MIRNAS:
        raise ValueError(f"unknown miRNA {mir!r}; known: {', '.join(MIRNAS)}")
    return sym


def knock_in(net: Network, cell: str, gene: str, fold: float) -> Network:
    """A new Network with ``cell``'s ``lvl_<gene>`` multiplied by ``fold`` (> 1 knock-in,
    < 1 knock-down, 0 knock-out of that cell only)."""
    if fold < 0:
        raise ValueError(f"fold must be ≥ 0, got {fold}")
    pid = f"{cell}__lvl_{gene}"
    try:
        value = net.parameter(pid).value
    except KeyError:
        raise ValueError(f"{cell!r} has no level parameter for {gene!r} ({pid})") from None
    return net.with_parameters({pid: value * fold})


def mimic(net: Network, cell: str, mir: str, fold: float = 10.0) -> Network:
    """A new Network in which ``cell`` carries a miRNA mimic: that miRNA's level is
    ``fold`` × endogenous (default 10)."""
    return knock_in(net, cell, _mir_symbol(mir), fold)


__all__ = ["add", "add_ligand", "il11_decay_factor", "caf_network", "tgfb_network", "mimic", "knock_in", "TGFB_PER_CELL",
           "TGFB_LIGAND", "TGFB_MASS_kDa", "MIRNAS", "GENES"]
