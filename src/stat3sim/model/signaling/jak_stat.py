"""JAK1/2 activation in ligand-bound gp130 complexes, STAT3 (and STAT1) Y705/Y701
phosphorylation, dimerisation (homo- and STAT1:STAT3 heterodimers), nuclear import /
export and dephosphorylation by cytoplasmic (SHP1, SHP2, TC-PTP, CD45 in myeloid
cells) and nuclear (TC-PTP) phosphatases [3, 26-28, 143-145]."""
from __future__ import annotations

from .context import CellContext
from .receptors import COMPLEXES


def jak_activity(c: CellContext) -> str:
    """Relative kinase activity of gp130-bound JAKs (1 = wild type, no inhibitor).

    Each JAK is inhibited competitively: 1/(1 + I/Ki) [113]."""
    w1, w2 = c.p("w_JAK1"), c.p("w_JAK2")
    i, k1, k2 = c.p("I_JAK"), c.p("Ki_JAK1"), c.p("Ki_JAK2")
    return (f"(({w1}*{c.p('lvl_JAK1')}/(1 + {i}/{k1}) + {w2}*{c.p('lvl_JAK2')}/(1 + {i}/{k2}))"
            f"/({w1} + {w2}))")


def jak_free_fraction(c: CellContext) -> str:
    """Fraction of the cell's gp130-bound JAK activity not occupied by a JAK inhibitor
    (ATP-competitive inhibitors block catalysis by already-active JAKs too) [113]."""
    w1, w2 = c.p("w_JAK1"), c.p("w_JAK2")
    l1, l2 = c.p("lvl_JAK1"), c.p("lvl_JAK2")
    i, k1, k2 = c.p("I_JAK"), c.p("Ki_JAK1"), c.p("Ki_JAK2")
    return (f"(({w1}*{l1}/(1 + {i}/{k1}) + {w2}*{l2}/(1 + {i}/{k2}))"
            f"/({w1}*{l1} + {w2}*{l2} + 1e-12))")


def jak2_activity(c: CellContext) -> str:
    """JAK2 activity alone (the gp130-independent receptors signal through JAK2)."""
    return f"({c.p('lvl_JAK2')}/(1 + {c.p('I_JAK')}/{c.p('Ki_JAK2')}))"


def sh2_free(c: CellContext, stat: str) -> str:
    """Fraction of a STAT's SH2 domain free of an SH2 inhibitor [116-118, 149]."""
    return f"(1/(1 + {c.p('I_STAT3_SH2')}/{c.p('Ki_SH2_' + stat)}))"


def add(c: CellContext) -> None:
    b, cyt, nuc = c.b, c.cyt, c.nuc
    jak = jak_activity(c)
    kact, kdp = c.p("k_jak_activation"), c.p("k_receptor_dephos")
    shp2 = c.p("lvl_PTPN11")
    for cx, label in COMPLEXES.items():
        s0, s1 = c.s(cx), c.s(f"{cx}_pJAK")
        b.reaction(f"{s0}__jak_activation", [s0], [s1], f"{kact}*{jak}*{s0}", cyt,
                   f"JAK1/2 activation in {label}", "[3]")
        b.reaction(f"{s1}__dephos", [s1], [s0], f"{kdp}*{shp2}*{s1}", cyt,
                   f"SHP2 dephosphorylates {label}",
                   "assumed SHP2 (PTPN11) [26,27]; rate from Sobotta 2017's generic receptor dephosphorylation")

    # total active gp130 kinase (nM): the JAK-active, SOCS3-free complexes
    kin = "(" + " + ".join(c.s(f"{cx}_pJAK") for cx in COMPLEXES) + ")"

    s3tot = f"{c.p('STAT3_total0')}*{c.p('lvl_STAT3')}"
    s1tot = f"{c.p('STAT1_total0')}*{c.p('lvl_STAT1')}"
    # starting split only (90 % cytoplasmic): pre-simulation sets the real one; totals are
    # per cytoplasmic volume, so STAT3 amount = STAT3_total0 × lvl × V_cyt exactly
    S3c = c.species("STAT3_cyt", "cyt", f"0.9*{s3tot}", label="STAT3 (cytoplasmic)")
    S3n = c.species("STAT3_nuc", "nuc", f"0.1*{s3tot}*{c.cyt}/{c.nuc}", label="STAT3 (nuclear)")
    S1c = c.species("STAT1_cyt", "cyt", f"0.9*{s1tot}", label="STAT1 (cytoplasmic)")
    S1n = c.species("STAT1_nuc", "nuc", f"0.1*{s1tot}*{c.cyt}/{c.nuc}", label="STAT1 (nuclear)")
    p3c = c.species("STAT3_pY705_cyt", "cyt", label="pSTAT3 monomer (cytoplasmic)")
    p1c = c.species("STAT1_pY701_cyt", "cyt", label="pSTAT1 monomer (cytoplasmic)")
    d33c = c.species("STAT3_pY705_dimer_cyt", "cyt", label="pSTAT3 dimer (cytoplasmic)")
    d11c = c.species("STAT1_pY701_dimer_cyt", "cyt", label="pSTAT1 dimer (cytoplasmic)")
    d13c = c.species("STAT1_STAT3_dimer_cyt", "cyt", label="pSTAT1:pSTAT3 heterodimer (cytoplasmic)")
    d33n = c.species("STAT3_pY705_dimer_nuc", "nuc", label="pSTAT3 dimer (nuclear)")
    d11n = c.species("STAT1_pY701_dimer_nuc", "nuc", label="pSTAT1 dimer (nuclear)")
    d13n = c.species("STAT1_STAT3_dimer_nuc", "nuc", label="pSTAT1:pSTAT3 heterodimer (nuclear)")

    f3, f1 = sh2_free(c, "STAT3"), sh2_free(c, "STAT1")
    kp = c.p("k_stat3_phos")
    alt = c.s("ALT_kinase")  # declared in crosstalk.py
    kalt = c.p("k_alt_phos")
    jak2 = jak2_activity(c)
    jfree = jak_free_fraction(c)
    # STAT3 recruitment to pY-gp130 needs its SH2 domain; the kinase is the JAK-active
    # complex, minus the share a JAK inhibitor occupies
    b.reaction(f"{c.cell}__STAT3_phos", [S3c], [p3c],
               f"({kp}*{kin}*{jfree} + {kalt}*{alt}*{jak2})*{f3}*{S3c}", cyt,
               "STAT3 Y705 phosphorylation by gp130/JAK and by gp130-independent receptors via JAK2",
               "[3,9-15]")
    ifng = f"({c.p('lvl_IFNGR1')}*IFNg/({c.g('K_IFNg')} + IFNg))"
    b.reaction(f"{c.cell}__STAT1_phos", [S1c], [p1c],
               f"({c.p('f_stat1_phos_gp130')}*({kp}*{kin}*{jfree} + {kalt}*{alt}*{jak2}) + {c.p('k_stat1_phos_ifngr')}*{ifng}*{jak})*{f1}*{S1c}",
               cyt, "STAT1 Y701 phosphorylation (gp130 weakly; IFN-γ receptor strongly)", "[143,144]")
    # cytoplasmic phosphatases: SHP1 (PTPN6), TC-PTP (PTPN2), CD45 (PTPRC, myeloid only)
    phc = f"{c.p('k_dephos_cyt')}*({c.p('lvl_PTPN6')} + {c.p('lvl_PTPN2')} + {c.p('lvl_PTPRC')}*{c.p('f_CD45')})/2"
    b.reaction(f"{c.cell}__STAT3_dephos_cyt", [p3c], [S3c], f"{phc}*{p3c}", cyt,
               "cytoplasmic pSTAT3 dephosphorylation (SHP1, TC-PTP, CD45)", "[26-28]")
    b.reaction(f"{c.cell}__STAT1_dephos_cyt", [p1c], [S1c], f"{phc}*{p1c}", cyt,
               "cytoplasmic pSTAT1 dephosphorylation", "[26-28]")
    kd, ku = c.p("k_dimer"), c.p("k_undimer")
    b.reaction(f"{c.cell}__dimer33_cyt", {p3c: 2}, [d33c], f"{kd}*{f3}*{f3}*{p3c}^2 - {ku}*{d33c}", cyt,
               "pSTAT3 homodimerisation (SH2–pY705)", "[3]")
    b.reaction(f"{c.cell}__dimer11_cyt", {p1c: 2}, [d11c], f"{kd}*{f1}*{f1}*{p1c}^2 - {ku}*{d11c}", cyt,
               "pSTAT1 homodimerisation")
    b.reaction(f"{c.cell}__dimer13_cyt", [p1c, p3c], [d13c], f"2*{kd}*{f1}*{f3}*{p1c}*{p3c} - {ku}*{d13c}", cyt,
               "pSTAT1:pSTAT3 heterodimerisation", "[143-145]")
    ki, ke, kid = c.p("k_import"), c.p("k_export"), c.p("k_import_dimer")
    for cy, nu, label in ((d33c, d33n, "pSTAT3 dimer"), (d11c, d11n, "pSTAT1 dimer"), (d13c, d13n, "heterodimer")):
        b.reaction(f"{cy}__import", [cy], [nu], f"{kid}*{cy}", cyt, f"nuclear import of {label}",
                   "assumed 1.0 min⁻¹, calibrated to Sobotta 2017 peak time (Singh 2006: 0.3 min⁻¹)")
    for cy, nu, label in ((S3c, S3n, "STAT3"), (S1c, S1n, "STAT1")):
        b.reaction(f"{cy}__import", [cy], [nu], f"{ki}*{cy}", cyt, f"nuclear import of {label}",
                   "constitutive, Y705-independent shuttling (Cimica 2011)")
        b.reaction(f"{nu}__export", [nu], [cy], f"{ke}*{nu}", nuc, f"nuclear export of {label}")
    # in the nucleus TC-PTP (PTPN2) dephosphorylates the dimers, which fall apart into
    # unphosphorylated monomers that are exported [26,28] (as in Singh 2006)
    # TC-PTP does most of it; a minor share (SHP2 in the nucleus and other PTPs) keeps a
    # TC-PTP-null cell from trapping all its STAT3 as nuclear pY705 dimers
    fo = c.p("f_nuc_dephos_other")
    phn = f"{c.p('k_dephos_nuc')}*((1 - {fo})*{c.p('lvl_PTPN2')} + {fo}*{c.p('lvl_PTPN11')})"
    b.reaction(f"{d33n}__dephos", [d33n], {S3n: 2}, f"{phn}*{d33n}", nuc,
               "nuclear TC-PTP dephosphorylates pSTAT3 dimers", "[26,28]")
    b.reaction(f"{d11n}__dephos", [d11n], {S1n: 2}, f"{phn}*{d11n}", nuc,
               "nuclear TC-PTP dephosphorylates pSTAT1 dimers", "[26,28]")
    b.reaction(f"{d13n}__dephos", [d13n], [S1n, S3n], f"{phn}*{d13n}", nuc,
               "nuclear TC-PTP dephosphorylates heterodimers", "[26,28]")
