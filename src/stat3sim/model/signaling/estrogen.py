"""ERα signaling of luminal (ER+) tumor cells, and how IL-6/STAT3 lowers ERα dependence.

Opt-in (``add_cell(..., estrogen=True)`` or :func:`estrogen_network`); nothing here is
in the default module.

* **E2 → ERα.** Estradiol (``E2``, nM in the medium) occupies ERα quasi-steadily,
  competing with an ERα blocker input ``I_ER`` (tamoxifen/fulvestrant-like; the drug
  layer sets ``I_ER`` and ``Ki_ER``):
  ``θ = (E2/Kd)/(1 + E2/Kd + I_ER/Ki_ER)``.
  ERα transcriptional activity ``ERa_activity`` (0..1) follows
  ``d a/dt = k_ER (lvl_ESR1 · (b_ER + (1 − b_ER) θ) · g_STAT3 − a)``.
* **ERα targets.** ``GREB1`` and ``PGR`` mRNAs (relative units, 1 = no ERα input) follow
  ``d m/dt = k (1 + A a − m)`` as the STAT3 targets do; the ERα growth drive is the
  ERα-induced part of GREB1, ``(GREB1 − 1)/A_GREB1`` (0..1), GREB1 being the proliferative
  gene whose induction predicts ERα-ligand-driven proliferation of breast cancer cells
  (Nwachukwu et al. 2016, Mol Syst Biol 12:864, PMC4848761, abstract).
* **IL-6/STAT3 lowers ERα dependence**, two mechanisms:

  (a) STAT3 lowers ERα activity, ``g_STAT3 = 1/(1 + R_ER_STAT3 · H(STAT3 activity))``:
  IL-6/STAT3 establishes its own enhancers at ERα sites and drives a program distinct
  from ERα's [93]; ERα expression falls as IL-6 rises in endocrine-resistant disease
  [94]. (ER and STAT3 interact in MCF7, and OSM or IL-1β halve that interaction: Tawara
  2019, FACTS-TME — gp130 cytokines remodel ERα's partnerships; direction only.)
  The strength is assumed, calibrated to TME-12.
  (b) STAT3 drives an ERα-independent growth program: NOTCH3 mRNA (STAT3-induced) and a
  CD133 stemness index (the CD133hi self-renewing share, driven by Notch3) [94]. The
  cell's total ``growth_drive = w_ER · ER_growth_drive + w_stem · CD133_index``, which
  the population layer reads.
* **ERα represses IL6** (c): ERα binds NF-κB and C/EBPβ and keeps them off the IL6
  promoter (Stein & Yang 1995; Galien & Garcia 1997), so the cell's IL6 transcription is
  multiplied by ``1/(1 + R_IL6_ER · a)``. Endocrine therapy (a blocker, ESR1 knock-down)
  lowers ``a`` and de-represses autocrine IL-6, which feeds (a) and (b): the IL-6 → STAT3
  → Notch3 → CD133hi self-renewal loop that hormone therapy induces [94]. STAT3 lowering
  ERα and ERα repressing IL6 make a double-negative (positive) loop. Cells without ERα
  (``lvl_ESR1 = 0``, TNBC, HER2) have ``a = 0`` and an unchanged IL6 rate.

Every number is in :data:`ER_PER_CELL` with its source; the Hill terms of STAT3 activity
use the module's ``K_tf_STAT3`` / ``n_hill_STAT3`` (``parameters.PER_CELL``).
"""
from __future__ import annotations

from ..network import Evidence, Network, NetworkBuilder, hill
from .context import CellContext
from .feedback import stat3_tf

E = Evidence

#: estradiol molar mass, kDa (272.4 g/mol), for ng/mL ↔ nM conversion
E2_MOLAR_MASS_KDA = 0.272
#: medium species id of estradiol
E2 = "E2"

KUIPER = ("Kuiper et al. 1997, Endocrinology 138:863 (abstract): saturation binding of in vitro synthesized "
          "human ERα gives Kd = 0.1 nM for 16α-iodo-17β-estradiol (0.4 nM for ERβ). A biosensor study of the "
          "ERα ligand-binding domain gives 0.9 nM for 17β-estradiol and lists 0.05–15 nM for full-length "
          "ERα in the literature (PNAS 2002;99:8562, doi 10.1073/pnas.142288199, Table 1)")

IL6_REPRESSION = (
    "ERα represses the IL6 promoter, which has no ER binding site, by binding NF-κB (RelA, c-Rel) and C/EBPβ "
    "(NF-IL6) and keeping them off it or inactive (Stein & Yang 1995, Mol Cell Biol 15:4971; Galien & Garcia 1997, "
    "Nucleic Acids Res 25:2424, PMC146754, with MCF7 extracts; Ray et al. 1997, FEBS Lett 409:79; abstracts read). "
    "Magnitude with saturating E2: stimulated IL-6 secretion down to 74 % in ER-high osteoblasts, reversed by ICI "
    "182,780 (= fulvestrant) (Kassem et al. 1996, J Bone Miner Res 11:193); NF-κB p65 + NF-IL6-driven IL6 promoter "
    "−45 % (PMID 9182853); PMA-induced IL6 promoter back to basal in Ishikawa cells (Ray 1997); NF-κB activity −90 % "
    "with ERα + E2 in U2-OS cells, some repression by unliganded ERα, none with the pure antagonist ICI 164,384 "
    "(Endocrinology 2001, '4-hydroxytamoxifen trans-represses NF-κB activity … through ERα'); abstracts read. "
    "So R ≈ 0.35 … 9 at full ERα activity. Value assumed: 4 (5-fold, the module's convention for R_ER_STAT3), "
    "mid-range; hormone therapy inducing IL6hi CD133hi cells is [94] (Sansone et al. 2016, Nat Commun 7:10442)")

#: global (medium) parameters: id -> (value, unit, source, description)
ER_GLOBAL: dict[str, tuple[float, str, Evidence, str]] = {
    "E2_medium0": (0.0, "nM", E("input: estradiol in the medium at rest (0 = charcoal-stripped medium, the "
                                "default protocol of stimulation experiments; premenopausal serum is ~0.1–1 nM)"),
                   "estradiol in the medium before stimulation"),
}

#: per-cell parameters, declared ``<cell>__<name>``; same tuple format as ``PER_CELL``
ER_PER_CELL: dict[str, tuple[float, str, Evidence, str]] = {
    # --- ERα occupancy and activity
    "Kd_E2_ERa": (0.1, "nM", E(KUIPER), "estradiol–ERα dissociation constant"),
    "I_ER": (0.0, "nM", E("input: ERα blocker (tamoxifen/fulvestrant-like) at the cell; the drug layer sets it"),
             "ERα blocker at the cell"),
    "Ki_ER": (1.0, "nM", E("assumed: generic placeholder; the drug layer sets each drug's own value"),
              "ERα blocker inhibition constant (competitive with E2)"),
    "b_ER": (0.05, "dimensionless", E("assumed: 5 % ligand-independent (AF-1) ERα activity"),
             "ligand-independent share of ERα activity"),
    "k_ER": (0.02, "1/min", E("assumed: ERα activity follows E2 within ~35 min (t½)"),
             "ERα activation/inactivation rate"),
    "R_ER_STAT3": (4.0, "dimensionless", E("assumed — calibrated to TME-12 (sustained 1 nM IL-6 lowers ERα activity "
                                           "~32 %, claim ≥ 20 %): up to 5-fold suppression, as R_target for STAT3-"
                                           "repressed genes; direction from [93,94]", (93, 94)),
                   "maximal STAT3 suppression of ERα activity (fold − 1)"),
    # --- ERα represses IL6 transcription (c)
    "R_IL6_ER": (4.0, "dimensionless", E(IL6_REPRESSION, (94,)),
                 "maximal ERα repression of IL6 transcription (fold − 1)"),
    # --- ERα targets
    "A_GREB1": (9.0, "dimensionless", E("assumed: 10-fold maximal GREB1 induction by E2"), "ERα induction of GREB1 (fold − 1)"),
    "A_PGR": (4.0, "dimensionless", E("assumed: 5-fold maximal PGR induction by E2"), "ERα induction of PGR (fold − 1)"),
    # --- STAT3 → Notch3 → CD133hi self-renewal [94]
    "A_NOTCH3": (9.0, "dimensionless", E("assumed — calibrated to TME-12: 10-fold maximal NOTCH3 induction by STAT3 "
                                         "(sustained 1 nM IL-6 gives ~2-fold); direction from [94]", (94,)),
                 "STAT3 induction of NOTCH3 (fold − 1)"),
    "K_CD133_NOTCH3": (2.5, "au", E("assumed — calibrated to TME-12: CD133hi self-renewal needs NOTCH3 above its "
                                    "resting level [94]", (94,)),
                       "NOTCH3 level of half-maximal CD133 stemness index"),
    "n_CD133": (2.0, "dimensionless", E("assumed: cooperative"), "Hill coefficient of Notch3 → CD133 index"),
    "k_CD133": (0.001, "1/min", E("assumed: the CD133hi share follows Notch3 with t½ ~12 h (self-renewal over "
                                  "cell cycles)"), "CD133 stemness index turnover"),
    # --- growth drive
    "w_ER_growth": (1.0, "dimensionless", E("assumed: the ERα growth program at full activity sets the scale (1)"),
                    "weight of the ERα growth drive"),
    "w_stem_growth": (2.0, "dimensionless", E("assumed — calibrated to TME-12: a fully CD133hi (Notch3-driven) "
                                              "cell grows twice as fast as a fully ERα-driven one; with 1 the "
                                              "dependence loss at 0.5–1 nM E2 is 27–32 % (claim ≥ 30 %)", (94,)),
                      "weight of the STAT3/Notch3 (CD133hi) growth drive"),
    # --- gene levels
    "lvl_ESR1": (1.0, "dimensionless", E("gene level, 1 = wild type"), "ESR1 (ERα) expression level"),
    "lvl_NOTCH3": (1.0, "dimensionless", E("gene level, 1 = wild type"), "NOTCH3 expression level"),
}


def _p(c: CellContext, name: str) -> str:
    """Per-cell parameter of this module (mirrors :meth:`CellContext.p`); the cell's
    overrides (``name -> (value, Evidence)``) win over the table."""
    return c.p(name, ER_PER_CELL if name in ER_PER_CELL else None)


def _g(b: NetworkBuilder, name: str) -> str:
    if not b.has(name):
        value, unit, ev, desc = ER_GLOBAL[name]
        b.parameter(name, value, unit, ev, desc)
    return name


def add_medium(b: NetworkBuilder) -> None:
    """Estradiol in the medium (no loss: assumed stable over the runs; lipophilic, so the
    free intracellular level is taken equal to the medium's)."""
    if b.has(E2):
        return
    if not b.has("medium"):
        b.compartment("medium", 1.0e4, "pL", "extracellular medium (per cell)",
                      "assumed: culture medium per cell at 1e5 cells/mL")
    b.species(E2, "medium", _g(b, "E2_medium0"), "nM", "medium: 17β-estradiol")


def add(c: CellContext) -> None:
    """Add ERα signaling, its targets, the STAT3/Notch3/CD133 program and the growth
    readouts to cell ``c`` (its STAT3 module must be there already)."""
    b, cyt, nuc = c.b, c.cyt, c.nuc
    add_medium(b)
    P = lambda n: _p(c, n)  # noqa: E731
    tf3 = hill(stat3_tf(c), c.p("K_tf_STAT3"), c.p("n_hill_STAT3"))

    # --- ERα: quasi-steady E2 occupancy competing with a blocker, STAT3 suppression (a)
    x = f"({E2}/{P('Kd_E2_ERa')})"
    theta = f"({x}/(1 + {x} + {P('I_ER')}/{P('Ki_ER')}))"
    g3 = f"(1/(1 + {P('R_ER_STAT3')}*{tf3}))"
    a = c.species("ERa_activity", "nuc", 0.0, unit="au", label="ERα transcriptional activity (0..1)")
    b.reaction(f"{a}__activation", [], [a],
               f"{P('k_ER')}*{P('lvl_ESR1')}*({P('b_ER')} + (1 - {P('b_ER')})*{theta})*{g3}", nuc,
               "ERα activation by E2 (competitive blocker; STAT3 lowers it)",
               E("E2–ERα occupancy (Kuiper 1997); STAT3 redirects ERα enhancers [93] and lowers ERα [94]", (93, 94)))
    b.reaction(f"{a}__inactivation", [a], [], f"{P('k_ER')}*{a}", nuc, "ERα inactivation")

    # --- (c) ERα represses IL6 transcription: ERα blockade de-represses autocrine IL-6, the
    # IL-6 → STAT3 → Notch3 → CD133hi loop that hormone therapy induces [94]
    if b.has(c.s("IL6_mRNA")):
        b.modifier(f"{c.s('IL6_mRNA')}__transcription", f"(1/(1 + {P('R_IL6_ER')}*{a}))", E(IL6_REPRESSION, (94,)),
                   "ERα represses the IL6 promoter (NF-κB/C/EBPβ interference)")

    # --- ERα target mRNAs
    k = c.p("k_mrna")
    for gene, what in (("GREB1", "ERα proliferative target"), ("PGR", "progesterone receptor, ERα target")):
        m = c.species(f"{gene}_mRNA", "cyt", 1.0, unit="au", label=f"{gene} mRNA (relative; {what})")
        b.reaction(f"{m}__transcription", [], [m], f"{k}*(1 + {P('A_' + gene)}*{a})", cyt,
                   f"{gene} transcription (ERα)", E("assumed: canonical E2/ERα target"))
        b.reaction(f"{m}__decay", [m], [], f"{k}*{m}", cyt, f"{gene} mRNA decay")

    # --- (b) STAT3 → NOTCH3 → CD133hi self-renewal [94]
    n3 = c.species("NOTCH3_mRNA", "cyt", 1.0, unit="au", label="NOTCH3 mRNA (relative; STAT3 target)")
    b.reaction(f"{n3}__transcription", [], [n3], f"{k}*{P('lvl_NOTCH3')}*(1 + {P('A_NOTCH3')}*{tf3})", cyt,
               "NOTCH3 transcription (STAT3)", E("IL-6/STAT3 induces Notch3 [94]", (94,)))
    b.reaction(f"{n3}__decay", [n3], [], f"{k}*{n3}", cyt, "NOTCH3 mRNA decay")
    cd = c.species("CD133_index", "cyt", 0.0, unit="au", label="CD133 stemness index (CD133hi share, 0..1)")
    b.reaction(f"{cd}__gain", [], [cd],
               f"{P('k_CD133')}*{hill(n3, P('K_CD133_NOTCH3'), P('n_CD133'))}", cyt,
               "Notch3-driven self-renewal of CD133hi cells", E("IL6/Notch3 self-renewal of CD133hi cells [94]", (94,)))
    b.reaction(f"{cd}__loss", [cd], [], f"{P('k_CD133')}*{cd}", cyt, "CD133hi cells differentiate")

    # --- genes and readouts
    b.gene("ESR1", P("lvl_ESR1"), description=f"ESR1 (ERα) level in {c.cell}")
    b.gene("NOTCH3", P("lvl_NOTCH3"), description=f"NOTCH3 level in {c.cell}")
    o = lambda name, expr, unit, desc: b.observable(f"{c.cell}__obs__{name}", expr, unit, f"{c.cell}.{name}", desc)  # noqa: E731
    o("ERa_activity", a, "au", "ERα transcriptional activity (0..1)")
    o("GREB1", c.s("GREB1_mRNA"), "au", "GREB1 mRNA relative to no ERα input")
    o("PGR", c.s("PGR_mRNA"), "au", "PGR mRNA relative to no ERα input")
    o("ER_growth_drive", f"({c.s('GREB1_mRNA')} - 1)/{P('A_GREB1')}", "dimensionless",
      "ERα growth drive: the ERα-induced share of GREB1 (0..1)")
    o("NOTCH3", n3, "au", "NOTCH3 mRNA relative to no STAT3 input")
    o("CD133_index", cd, "au", "CD133 stemness index (CD133hi self-renewing share, 0..1)")
    o("growth_drive", f"{P('w_ER_growth')}*{c.cell}__obs__ER_growth_drive + {P('w_stem_growth')}*{cd}",
      "dimensionless", "total growth drive: ERα part + STAT3/Notch3 (CD133hi) part")


def estrogen_network(cell: str = "tumor", overrides: dict | None = None, *, e2: float | None = None) -> Network:
    """A luminal (ER+) tumor cell: the full signaling module of ``cell`` plus ERα signaling.

    ``overrides`` maps PER_CELL or :data:`ER_PER_CELL` names to ``(value, Evidence)``;
    ``e2`` (nM) sets estradiol in the medium at rest (default: none, as in stimulation
    experiments in stripped medium).
    """
    from ..cells import cell_type
    from . import add_cell

    ov = dict(cell_type(cell).overrides)
    ov.update(overrides or {})
    b = NetworkBuilder(f"stat3sim_estrogen_{cell}")
    if e2 is not None:
        _, unit, _, desc = ER_GLOBAL["E2_medium0"]
        b.parameter("E2_medium0", float(e2), unit, E("input: estradiol in the medium at rest, set by the caller"), desc)
    add_cell(b, cell, ov, estrogen=True)
    return b.build()
