"""Crosstalk: the STAT3 → NF-κB positive loop (with TNFα input) [33, 34], Hedgehog →
GLI1 co-activation [42, 45, 46], and the gp130-independent receptors that phosphorylate
STAT3 through JAK2 — EGFR, TLR4, TLR9, S1PR1, AT1R, leptin receptor [3, 9-15]."""
from __future__ import annotations

from ..network import hill
from .context import CellContext
from .feedback import stat3_tf

#: gp130-independent inputs: medium ligand -> (receptor gene, affinity parameter, weight parameter)
ALT_INPUTS = {
    "EGF": ("EGFR", "K_EGF", "w_alt_EGFR"),
    "LPS": ("TLR4", "K_LPS", "w_alt_TLR4"),
    "CpG": ("TLR9", "K_CpG", "w_alt_TLR9"),
    "S1P": ("S1PR1", "K_S1P", "w_alt_S1PR1"),
    "AngII": ("AGTR1", "K_AngII", "w_alt_AT1R"),
    "leptin": ("LEPR", "K_leptin", "w_alt_LEPR"),
}


def add(c: CellContext) -> None:
    add_nfkb(c)
    add_gli1(c)
    add_alt_kinase(c)


def add_nfkb(c: CellContext) -> None:
    """NF-κB (RelA) nuclear activity, 0..lvl_RELA, driven by TNFα and by STAT3 [33, 34]."""
    b, nuc = c.b, c.nuc
    tf = stat3_tf(c)
    nf = c.species("NFkB_nuc", "nuc", 0.0, unit="au", label="NF-κB activity (nuclear RelA fraction)")
    tnf = f"({c.p('lvl_TNFRSF1A')}*TNFa/({c.g('K_TNFa')} + TNFa))"
    drive = (f"({c.p('b_nfkb')} + {c.p('w_nfkb_TNF')}*{tnf} + "
             f"{c.p('w_nfkb_STAT3')}*{hill(tf, c.p('K_tf_STAT3'), c.p('n_hill_STAT3'))})")
    b.reaction(f"{nf}__activation", [], [nf], f"{c.p('k_nfkb_act')}*{drive}*({c.p('lvl_RELA')} - {nf})", nuc,
               "NF-κB activation by TNFα and by STAT3", "[33,34]")
    b.reaction(f"{nf}__inactivation", [nf], [], f"{c.p('k_nfkb_inact')}*{nf}", nuc, "NF-κB inactivation (IκBα)")


def add_gli1(c: CellContext) -> None:
    """Hedgehog → GLI1 (nuclear, relative to its basal level) [42, 45]."""
    b, nuc = c.b, c.nuc
    gli = c.species("GLI1", "nuc", 1.0, unit="au", label="GLI1 activity (relative)")
    shh = f"(SHH/({c.g('K_SHH')} + SHH))"
    kg = c.p("k_gli1")
    b.reaction(f"{gli}__synthesis", [], [gli], f"{kg}*{c.p('lvl_GLI1')}*(1 + {c.p('A_GLI1_SHH')}*{shh})", nuc,
               "Hedgehog/SMO-driven GLI1", "[42,45]")
    b.reaction(f"{gli}__decay", [gli], [], f"{kg}*{gli}", nuc, "GLI1 turnover")


def add_alt_kinase(c: CellContext) -> None:
    """The gp130-independent kinase pool (fraction active, 0..1) [3, 9-15]."""
    b, cyt = c.b, c.cyt
    alt = c.species("ALT_kinase", "cyt", 0.0, unit="au", label="gp130-independent receptor kinase (active fraction)")
    terms = []
    for lig, (gene, K, w) in ALT_INPUTS.items():
        level = c.s("S1PR1_mRNA") if gene == "S1PR1" else "1"
        terms.append(f"{c.p(w)}*{c.p('lvl_' + gene)}*{level}*{lig}/({c.g(K)} + {lig})")
    d = "(" + " + ".join(terms) + ")"
    b.reaction(f"{alt}__activation", [], [alt], f"{c.p('k_alt_on')}*{d}*(1 - {alt})", cyt,
               "activation by EGFR, TLR4/9, S1PR1, AT1R, leptin R", "[3,9-15]")
    b.reaction(f"{alt}__inactivation", [alt], [], f"{c.p('k_alt_off')}*{alt}", cyt, "inactivation")
