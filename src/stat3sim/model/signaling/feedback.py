"""SOCS3 negative feedback: STAT3 induces SOCS3 mRNA, SOCS3 protein binds the
JAK-active gp130 complex and blocks its kinase [16, 24, 25, 31]."""
from __future__ import annotations

from ..network import hill
from .context import CellContext
from .receptors import COMPLEXES


def tx_block(p) -> str:
    """The divisor a STAT3 transcription inhibitor (input ``I_STAT3_tx``) puts on STAT3
    transcriptional activity; ``p`` maps a parameter name to the cell's parameter id."""
    return f"/(1 + {p('I_STAT3_tx')}/{p('IC50_STAT3_tx')})"


def stat3_tf(c: CellContext) -> str:
    """STAT3 transcriptional activity (nM): nuclear pSTAT3 dimers + half the STAT1:STAT3
    heterodimers, less what a transcription inhibitor (input ``I_STAT3_tx``) takes away."""
    tx = tx_block(c.p)
    if c.reduced:
        return f"({c.s('STAT3_pY705_dimer_nuc')}{tx})"
    return f"(({c.s('STAT3_pY705_dimer_nuc')} + {c.p('w_heterodimer_tf')}*{c.s('STAT1_STAT3_dimer_nuc')}){tx})"


def stat1_tf(c: CellContext) -> str:
    return f"({c.s('STAT1_pY701_dimer_nuc')} + {c.p('w_heterodimer_tf')}*{c.s('STAT1_STAT3_dimer_nuc')})"


def add(c: CellContext) -> None:
    b, cyt = c.b, c.cyt
    m = c.species("SOCS3_mRNA", "cyt", 1.0, unit="au", label="SOCS3 mRNA (relative)")
    prot = c.species("SOCS3", "cyt", 0.0, label="SOCS3 protein")
    act = hill(stat3_tf(c), c.p("K_tf_STAT3"), c.p("n_hill_STAT3"))
    km = c.p("k_mrna_SOCS3")
    lvl = c.p("lvl_SOCS3")
    b.reaction(f"{m}__transcription", [], [m], f"{km}*{lvl}*(1 + {c.p('A_SOCS3')}*{act})", cyt,
               "STAT3-driven SOCS3 transcription", "[24,25]")
    b.reaction(f"{m}__decay", [m], [], f"{km}*{m}", cyt, "SOCS3 mRNA decay")
    b.reaction(f"{prot}__translation", [], [prot], f"{c.p('k_tl_SOCS3')}*{m}", cyt, "SOCS3 translation")
    b.reaction(f"{prot}__degradation", [prot], [], f"{c.p('k_deg_SOCS3')}*{prot}", cyt, "SOCS3 degradation")
    kon, koff = c.p("kon_SOCS3"), c.p("koff_SOCS3")
    for cx, label in COMPLEXES.items():
        a, i = c.s(f"{cx}_pJAK"), c.s(f"{cx}_pJAK_SOCS3")
        b.reaction(f"{i}__binding", [a, prot], [i], f"{kon}*{a}*{prot} - {koff}*{i}", cyt,
                   f"SOCS3 binds and inhibits {label}", "[24,25,31]")
