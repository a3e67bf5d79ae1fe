"""Target-gene outputs [3, 29] and the observables a user reads.

Each target mRNA is in relative units (1 = its level with no STAT3 input) and follows
  d m/dt = k (f(TF) − m)
with f built from Hill terms of STAT3 activity (and NF-κB, GLI1, STAT1 where the review
says so). IL6 mRNA drives autocrine IL-6 secretion; S1PR1 mRNA sets S1P sensitivity.
"""
from __future__ import annotations

from ..network import hill
from .context import CellContext
from .feedback import stat1_tf, stat3_tf

#: gene -> (rule, review references, what it is)
#: rules: "up" STAT3-induced; "down" STAT3-repressed; "and_nfkb" needs STAT3 AND NF-κB;
#: "and_gli1" needs STAT3 AND GLI1; special rules are spelled out below.
TARGETS: dict[str, tuple[str, tuple[int, ...], str]] = {
    "MYC": ("up", (3, 29), "proliferation"),
    "VEGFA": ("up", (3, 29), "angiogenesis"),
    "CXCR4": ("up", (3, 76), "bone homing"),
    "BCL2L1": ("up", (3, 29), "BCL-xL, survival"),
    "PTEN": ("down", (3, 29), "tumor suppressor"),
    "TP53": ("down", (3, 29), "tumor suppressor"),
    "PTPN6": ("down", (3, 29), "SHP1 phosphatase"),
    "SNAI1": ("up", (85, 86), "EMT"),
    "TWIST1": ("up", (85, 86), "EMT"),
    "VIM": ("up", (85, 86), "EMT"),
    "CDH2": ("up", (85, 86), "EMT (N-cadherin)"),
    "CDH1": ("down", (85, 86), "epithelial (E-cadherin)"),
    "FSCN1": ("and_nfkb", (33, 34), "fascin, migration"),
    "CD274": ("cd274", (118,), "PD-L1"),
    "IL6": ("il6", (18, 33), "autocrine IL-6"),
    "S1PR1": ("s1pr1", (12,), "S1P receptor 1"),
    "RRAS2": ("and_gli1", (42, 45, 46), "STAT3/GLI1 target"),
    "CEP70": ("and_gli1", (42, 45, 46), "STAT3/GLI1 target"),
    "UPF3A": ("and_gli1", (42, 45, 46), "STAT3/GLI1 target"),
    "PTGS2": ("ptgs2", (105,), "COX-2"),
    "IL6ST": ("up", (129, 130), "gp130 mRNA (a readout: the receptor pool is not fed by it); anti-IL-6 lowers it [130]"),
}


#: STAT3-induced genes with their own amplitude parameter ``A_<gene>`` (default A_target)
OWN_AMPLITUDE = ("CXCR4",)


def _rule(c: CellContext, gene: str, rule: str) -> str:
    tf3 = hill(stat3_tf(c), c.p("K_tf_STAT3"), c.p("n_hill_STAT3"))
    nfkb = hill(c.s("NFkB_nuc"), c.p("K_nfkb"), c.p("n_hill_NFkB"))
    A, R = c.p(f"A_{gene}" if gene in OWN_AMPLITUDE else "A_target"), c.p("R_target")
    if rule == "up":
        return f"(1 + {A}*{tf3})"
    if rule == "down":
        return f"(1/(1 + {R}*{tf3}))"
    if rule == "and_nfkb":
        return f"(1 + {c.p('A_coactivation')}*{tf3}*{nfkb})"
    if rule == "and_gli1":
        return f"(1 + {c.p('A_coactivation')}*{tf3}*{hill(c.s('GLI1'), c.p('K_GLI1'), c.p('n_hill_GLI1'))})"
    if rule == "cd274":
        return f"(1 + {A}*{tf3} + {c.p('A_CD274_stat1')}*{hill(stat1_tf(c), c.p('K_tf_STAT1'), c.p('n_hill_STAT1'))})"
    if rule == "il6":
        return f"(1 + {A}*{tf3} + {c.p('A_IL6_nfkb')}*{nfkb})"
    if rule == "s1pr1":
        return f"(1 + {c.p('A_S1PR1')}*{tf3})"
    if rule == "ptgs2":
        tfp = hill(stat3_tf(c), c.p("K_tf_PTGS2"), c.p("n_hill_STAT3"))
        return (f"((1 + {c.p('A_PTGS2_nfkb')}*{nfkb})*(1 + {c.p('A_PTGS2_stat3')}*{tfp})"
                f"/(1 + {c.p('R_PTGS2_stat3')}*{tfp}))")
    raise ValueError(rule)


def add(c: CellContext) -> None:
    b, cyt = c.b, c.cyt
    k = c.p("k_mrna")
    for gene, (rule, refs, what) in TARGETS.items():
        m = c.species(f"{gene}_mRNA", "cyt", 1.0, unit="au", label=f"{gene} mRNA (relative; {what})")
        lvl = c.p(f"lvl_{gene}") if f"lvl_{gene}" in ("lvl_IL6", "lvl_S1PR1", "lvl_PTGS2") else "1"
        b.reaction(f"{m}__transcription", [], [m], f"{k}*{lvl}*{_rule(c, gene, rule)}", cyt,
                   f"{gene} transcription ({rule})", f"[{','.join(map(str, refs))}]")
        b.reaction(f"{m}__decay", [m], [], f"{k}*{m}", cyt, f"{gene} mRNA decay")
    # autocrine IL-6: the cell's IL6 expression secretes IL-6 into the medium [18,33]
    b.reaction(f"{c.cell}__IL6_secretion", [], ["IL6"], f"{c.p('k_secretion_IL6')}*{c.s('IL6_mRNA')}", cyt,
               "autocrine IL-6 secretion", "[18,33]")


def add_observables(c: CellContext) -> None:
    """Readouts (SBML assignment rules). ``pSTAT3`` is the review's activity index:
    nuclear Y705-phosphorylated STAT3 over total STAT3 in the cell (0..1)."""
    b = c.b
    Vc, Vn = c.cyt, c.nuc
    s = c.s
    nuc_p3 = f"(2*{s('STAT3_pY705_dimer_nuc')} + {s('STAT1_STAT3_dimer_nuc')})"
    cyt_stat3 = (f"({s('STAT3_cyt')} + {s('STAT3_pY705_cyt')} + 2*{s('STAT3_pY705_dimer_cyt')} "
                 f"+ {s('STAT1_STAT3_dimer_cyt')})")
    nuc_stat3 = f"({s('STAT3_nuc')} + {nuc_p3})"
    total3 = f"({Vc}*{cyt_stat3} + {Vn}*{nuc_stat3})"
    nuc_p1 = f"(2*{s('STAT1_pY701_dimer_nuc')} + {s('STAT1_STAT3_dimer_nuc')})"
    cyt_stat1 = (f"({s('STAT1_cyt')} + {s('STAT1_pY701_cyt')} + 2*{s('STAT1_pY701_dimer_cyt')} "
                 f"+ {s('STAT1_STAT3_dimer_cyt')})")
    total1 = f"({Vc}*{cyt_stat1} + {Vn}*({s('STAT1_nuc')} + {nuc_p1}))"
    eps = "1e-12"  # keeps the index defined in a STAT3 knock-out (0/0)
    o = lambda name, expr, unit, desc: b.observable(f"{c.cell}__obs__{name}", expr, unit, f"{c.cell}.{name}", desc)
    o("pSTAT3", f"{Vn}*{nuc_p3}/({total3} + {eps})", "dimensionless",
      "STAT3 activity index: nuclear pY705 STAT3 / total STAT3 (0..1)")
    o("pSTAT3_total", f"({Vc}*({s('STAT3_pY705_cyt')} + 2*{s('STAT3_pY705_dimer_cyt')} + {s('STAT1_STAT3_dimer_cyt')}) + {Vn}*{nuc_p3})/({total3} + {eps})",
      "dimensionless", "all pY705 STAT3 / total STAT3 (a western-blot-like readout)")
    o("STAT3_total", f"{total3}/({Vc} + {Vn})", "nM", "total STAT3 per cell volume")
    o("STAT1_activity", f"{Vn}*{nuc_p1}/({total1} + {eps})", "dimensionless", "nuclear pY701 STAT1 / total STAT1")
    o("STAT1_STAT3_heterodimer", f"{s('STAT1_STAT3_dimer_cyt')}*{Vc}/({Vc}+{Vn}) + {s('STAT1_STAT3_dimer_nuc')}*{Vn}/({Vc}+{Vn})",
      "nM", "pSTAT1:pSTAT3 heterodimers per cell volume")
    o("SOCS3_mRNA", s("SOCS3_mRNA"), "au", "SOCS3 mRNA, relative to no STAT3 input")
    o("SOCS3_protein", s("SOCS3"), "nM", "SOCS3 protein")
    o("NFkB", s("NFkB_nuc"), "au", "NF-κB activity (nuclear RelA fraction)")
    o("GLI1", s("GLI1"), "au", "GLI1 activity relative to basal")
    active = " + ".join(s(f"{cx}_pJAK") for cx in ("C6", "T6", "C11", "T11"))
    o("active_receptor", f"({active})", "nM", "JAK-active, SOCS3-free gp130 complexes")
    for gene in TARGETS:
        if gene != "SOCS3":
            o(gene, s(f"{gene}_mRNA"), "au", f"{gene} mRNA relative to no STAT3 input")
