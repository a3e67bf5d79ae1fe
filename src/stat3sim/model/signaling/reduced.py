"""The reduced signaling module for the non-tumor cells of the TME layer.

Derived from the full module, not written beside it: it calls the same receptor
module (IL-6 / IL-11 classic and trans signaling, sgp130, internalisation), the same
SOCS3 feedback and the same rate-law helpers and parameters (``PER_CELL`` with the cell
type's overrides), and leaves out what a non-tumor cell's phenotype does not read:
STAT1 and STAT1:STAT3 heterodimers, GLI1, and the gp130-independent kinase pool.
NF-κB and target genes are added only where the cell type needs them. A test compares
each reduced module with the full module of the same cell type over IL-6 and IL-11
doses (peak and 24 h pSTAT3, ``tests/test_reduced.py``).
"""
from __future__ import annotations

from . import crosstalk, feedback, receptors
from .context import CellContext
from .jak_stat import jak_free_fraction, sh2_free
from .receptors import COMPLEXES
from .targets import TARGETS, _rule

#: target rules the reduced module can express (they read only STAT3 and NF-κB)
REDUCED_RULES = ("up", "down", "and_nfkb", "il6", "ptgs2")


def add(c: CellContext, genes: tuple[str, ...] = (), nfkb: bool = False) -> None:
    """Add the reduced module of one cell type to ``c.b``."""
    receptors.add(c)
    if nfkb or any(TARGETS[g][0] in ("and_nfkb", "il6", "ptgs2") for g in genes):
        crosstalk.add_nfkb(c)
    _add_stat3(c)
    feedback.add(c)
    _add_targets(c, genes)
    _add_observables(c, genes)


def _add_stat3(c: CellContext) -> None:
    """STAT3 phosphorylation by the JAK-active gp130 complexes, dimerisation, shuttling and
    dephosphorylation: the STAT3 half of :func:`jak_stat.add`, same rate laws."""
    b, cyt, nuc = c.b, c.cyt, c.nuc
    kin = "(" + " + ".join(c.s(f"{cx}_pJAK") for cx in COMPLEXES) + ")"
    s3tot = f"{c.p('STAT3_total0')}*{c.p('lvl_STAT3')}"
    S3c = c.species("STAT3_cyt", "cyt", f"0.9*{s3tot}", label="STAT3 (cytoplasmic)")
    S3n = c.species("STAT3_nuc", "nuc", f"0.1*{s3tot}*{c.cyt}/{c.nuc}", label="STAT3 (nuclear)")
    p3c = c.species("STAT3_pY705_cyt", "cyt", label="pSTAT3 monomer (cytoplasmic)")
    d33c = c.species("STAT3_pY705_dimer_cyt", "cyt", label="pSTAT3 dimer (cytoplasmic)")
    d33n = c.species("STAT3_pY705_dimer_nuc", "nuc", label="pSTAT3 dimer (nuclear)")
    jact = f"{c.p('k_jak_activation')}"
    jak = ("((" f"{c.p('w_JAK1')}*{c.p('lvl_JAK1')}/(1 + {c.p('I_JAK')}/{c.p('Ki_JAK1')}) + "
           f"{c.p('w_JAK2')}*{c.p('lvl_JAK2')}/(1 + {c.p('I_JAK')}/{c.p('Ki_JAK2')}))/({c.p('w_JAK1')} + {c.p('w_JAK2')}))")
    for cx, label in COMPLEXES.items():
        s0, s1 = c.s(cx), c.s(f"{cx}_pJAK")
        b.reaction(f"{s0}__jak_activation", [s0], [s1], f"{jact}*{jak}*{s0}", cyt, f"JAK1/2 activation in {label}", "[3]")
        b.reaction(f"{s1}__dephos", [s1], [s0], f"{c.p('k_receptor_dephos')}*{c.p('lvl_PTPN11')}*{s1}", cyt,
                   f"receptor dephosphorylation of {label}", "as in the full module [26,27]")
    f3 = sh2_free(c, "STAT3")
    b.reaction(f"{c.cell}__STAT3_phos", [S3c], [p3c],
               f"{c.p('k_stat3_phos')}*{kin}*{jak_free_fraction(c)}*{f3}*{S3c}", cyt,
               "STAT3 Y705 phosphorylation by gp130/JAK", "[3]")
    phc = f"{c.p('k_dephos_cyt')}*({c.p('lvl_PTPN6')} + {c.p('lvl_PTPN2')} + {c.p('lvl_PTPRC')}*{c.p('f_CD45')})/2"
    b.reaction(f"{c.cell}__STAT3_dephos_cyt", [p3c], [S3c], f"{phc}*{p3c}", cyt,
               "cytoplasmic pSTAT3 dephosphorylation (SHP1, TC-PTP, CD45)", "[26-28]")
    b.reaction(f"{c.cell}__dimer33_cyt", {p3c: 2}, [d33c],
               f"{c.p('k_dimer')}*{f3}*{f3}*{p3c}^2 - {c.p('k_undimer')}*{d33c}", cyt, "pSTAT3 homodimerisation", "[3]")
    b.reaction(f"{d33c}__import", [d33c], [d33n], f"{c.p('k_import_dimer')}*{d33c}", cyt, "nuclear import of pSTAT3 dimer")
    b.reaction(f"{S3c}__import", [S3c], [S3n], f"{c.p('k_import')}*{S3c}", cyt, "nuclear import of STAT3")
    b.reaction(f"{S3n}__export", [S3n], [S3c], f"{c.p('k_export')}*{S3n}", nuc, "nuclear export of STAT3")
    fo = c.p("f_nuc_dephos_other")
    phn = f"{c.p('k_dephos_nuc')}*((1 - {fo})*{c.p('lvl_PTPN2')} + {fo}*{c.p('lvl_PTPN11')})"
    b.reaction(f"{d33n}__dephos", [d33n], {S3n: 2}, f"{phn}*{d33n}", nuc,
               "nuclear TC-PTP dephosphorylates pSTAT3 dimers", "[26,28]")


def _add_targets(c: CellContext, genes: tuple[str, ...]) -> None:
    b, cyt = c.b, c.cyt
    for gene in genes:
        rule, refs, what = TARGETS[gene]
        if rule not in REDUCED_RULES:
            raise ValueError(f"target {gene} ({rule}) needs a factor the reduced module lacks")
        m = c.species(f"{gene}_mRNA", "cyt", 1.0, unit="au", label=f"{gene} mRNA (relative; {what})")
        lvl = c.p(f"lvl_{gene}") if f"lvl_{gene}" in ("lvl_IL6", "lvl_PTGS2") else "1"
        b.reaction(f"{m}__transcription", [], [m], f"{c.p('k_mrna')}*{lvl}*{_rule(c, gene, rule)}", cyt,
                   f"{gene} transcription ({rule})", f"[{','.join(map(str, refs))}]")
        b.reaction(f"{m}__decay", [m], [], f"{c.p('k_mrna')}*{m}", cyt, f"{gene} mRNA decay")


def _add_observables(c: CellContext, genes: tuple[str, ...]) -> None:
    b, s, Vc, Vn = c.b, c.s, c.cyt, c.nuc
    total = (f"({Vc}*({s('STAT3_cyt')} + {s('STAT3_pY705_cyt')} + 2*{s('STAT3_pY705_dimer_cyt')}) "
             f"+ {Vn}*({s('STAT3_nuc')} + 2*{s('STAT3_pY705_dimer_nuc')}))")
    o = lambda name, expr, unit, desc: b.observable(f"{c.cell}__obs__{name}", expr, unit, f"{c.cell}.{name}", desc)
    o("pSTAT3", f"{Vn}*2*{s('STAT3_pY705_dimer_nuc')}/({total} + 1e-12)", "dimensionless",
      "STAT3 activity index: nuclear pY705 STAT3 / total STAT3 (0..1)")
    o("SOCS3_mRNA", s("SOCS3_mRNA"), "au", "SOCS3 mRNA, relative to no STAT3 input")
    if b.has(s("NFkB_nuc")):
        o("NFkB", s("NFkB_nuc"), "au", "NF-κB activity (nuclear RelA fraction)")
    for gene in genes:
        o(gene, s(f"{gene}_mRNA"), "au", f"{gene} mRNA relative to no STAT3 input")
