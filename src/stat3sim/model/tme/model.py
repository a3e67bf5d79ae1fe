"""The tumor-microenvironment network (DESIGN layer 2).

Cell populations are cell-counted species in the tumor compartment; each cell type
carries its own instance of the signaling module (the tumor cell the full module, the
others the reduced one), declared as a :class:`~stat3sim.model.network.Population` so
that its secretion and receptor uptake are weighted by its cell number. Cytokines live
in the tumor interstitial fluid (the signaling modules' ``medium``, whose volume follows
the tumor) and in blood; they are secreted per cell, exchanged, consumed by receptors
and cleared. Phenotype rates read smooth Hill functions of each population's own
signaling state. Population rates are per day; the engine's time is minutes.

Each mechanism is a function ``add_<part>(b)`` that declares what it needs; aggregates
(total cell volume) collect contributions and cross-module effects on tumor killing
are :class:`~stat3sim.model.network.Modifier`s, so the functions can be called in any
order and the next layer (metastatic niches, drugs) adds its own.
"""
from __future__ import annotations

import math

from ..cells import CELL_TYPES as SIGNALING_PRESETS
from ..network import Evidence, Network, NetworkBuilder, hill
from ..signaling import add_cell
from ..signaling.feedback import tx_block
from ..signaling.parameters import LIGANDS, MOLEC_PER_nM
from .parameters import TME

E = Evidence

#: cell type -> (population count expression, reduced-module target genes, needs NF-κB)
MODULES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "tumor": ("tumor_cells", (), True),
    "adipocyte": ("adipocytes", (), False),
    "macrophage": ("macrophage_total", ("PTGS2",), True),
    "neutrophil": ("neutrophils", ("PTGS2",), True),
    "mdsc": ("mdscs", ("PTGS2",), True),
    "dc": ("dc_total", ("PTGS2",), True),
    "cd8": ("cd8_total", (), False),
    "cd4": ("cd4_total", (), False),
    "caf": ("cafs", ("IL6",), True),
}
#: cell types that carry the TGF-β/SMAD → IL-11 module (signaling/tgfb.py): the tumor
#: cell and the CAF, the IL-11 sources of the review's TGF-β → IL-11 axis [70-72, 95, 96]
TGFB_CELLS = ("tumor", "caf")

_LEUKO = {
    "R0_IL6R": (300 / MOLEC_PER_nM, E("blood leukocytes 50–300 IL-6 sites per cell (FACTS: Hansen 2020)")),
    "R0_IL11RA": (0.0, E("assumed: no IL-11RA on myeloid cells and CD8+ T cells (no count found; [97] places host IL-11 action in CD4+ T cells); trans-signaling via sIL-11R remains", (97,))),
    "f_CD45": (1.0, E("CD45 (PTPRC) is expressed on all leukocytes", (26, 27, 28))),
}
#: per-cell-type overrides of the signaling parameters (on top of ``model.cells`` presets)
SIGNALING_OVERRIDES: dict[str, dict] = {
    "tumor": {"R0_IL11RA": (100 / MOLEC_PER_nM, E("assumed, calibrated to TME-6: breast lines express IL-11Rα mRNA (Douglas 1997, FACTS) at an unknown level; tumor IL-11 acts mainly through the host [97]", (97,))),
              "w_alt_LEPR": (0.1, E("assumed, calibrated: plasma leptin (~10 ng/mL) alone keeps the tumor's gp130-independent STAT3 input minor, so IL-6/IL-11 dominate tumor STAT3 as the review describes [4,15]", (4, 15))),
              "k_secretion_IL11": (6.0e2 / 1440.0 / MOLEC_PER_nM, E("assumed, calibrated: ~3,000 IL-11 molecules per tumor cell per day at the IL11 mRNA of the untreated tnbc TME (~5× its no-input level; TNBC lines such as MDA-MB-231 secrete IL-11, FACTS-TME 1; no per-cell rate was found)", (54,))),
              "A_CXCR4": (6.0, E("assumed, calibrated to TME-10: IL-6/STAT3 raises CXCR4 in breast cancer cells [76] (no fold was found, FACTS-TME); twice the other STAT3 targets' amplitude", (76,))),
              "A_IL6_SMAD": (0.0, E("assumed: tumor IL-6 secretion is calibrated at the TME's TGF-β level (k_secretion_IL6), so TGF-β co-induction of tumor IL-6 (Käkönen, FACTS-TME 1) is folded into it; CAFs keep the co-induction")),
              "k_secretion_IL6": (0.0023, E("assumed, calibrated: ~3,000 IL-6 molecules per cell per day at basal IL6 mRNA, a tenth of the culture value; untreated tnbc then has ~0.6–0.7 ng/mL interstitial IL-6 (0.03 nM), about 1/16 of the IL-6R Kd (0.5 nM ≈ 10 ng/mL, koff_IL6_IL6R), so that tumor IL-6R occupancy and STAT3 respond to changes in IL-6 in both directions (tissue IL-6 10–10,690 pg/mg protein, Yamashita 1994, FACTS-TME 1) [18]", (18,)))},
    "adipocyte": {"R0_IL6R": (0.0, E("adipose stromal cells express IL-6 but not IL-6R (Crichton et al., FACTS-TME 1): trans-signaling only"))},
    "macrophage": {**SIGNALING_PRESETS["macrophage"].overrides, "R0_IL11RA": _LEUKO["R0_IL11RA"],
                   "K_tf_PTGS2": (1.0, E("assumed, calibrated to TME-11: macrophage STAT3 represses COX-2 at the low pSTAT3 of the TME [105]", (105,))),
                   "R_PTGS2_stat3": (3.0, E("assumed, calibrated to TME-11: myeloid STAT3 loss raises COX-2 (PNAS 2019, FACTS-TME 6) [105]", (105,)))},
    "neutrophil": dict(_LEUKO),
    "mdsc": dict(_LEUKO),
    "dc": dict(_LEUKO),
    "cd8": {**SIGNALING_PRESETS["t_cell"].overrides, "R0_IL11RA": _LEUKO["R0_IL11RA"]},
    "caf": dict(SIGNALING_PRESETS["caf"].overrides),
    "cd4": {**SIGNALING_PRESETS["t_cell"].overrides,
            "R0_IL11RA": (4000 / MOLEC_PER_nM, E("assumed: CD4+ T cells respond to host IL-11 ([97]: IL-11 signaling in CD4+ T cells suppresses antitumor responses), calibrated to TME-6", (97,)))},
}

#: starting cells of the pre-simulation (runs.simulate), which scales them to the day-0
#: size and lets every population but the tumor settle: 1.2e9 tumor cells (QSP-IO's 2.5 cm
#: initial tumor of cancer cells alone), leukocytes and CAFs at the densities of the
#: untreated tnbc model, so the settling is short
DEFAULT_CELLS: dict[str, float] = {
    "tumor": 1.2e9,
    "adipocyte": 0.0,
    "macrophage": 3.5e7,
    "neutrophil": 4.2e6,
    "mdsc": 5.0e6,
    "dc": 7.0e6,
    "cd8": 4.8e6,
    "cd4": 1.5e7,
    "caf": 2.4e8,
    "mets_bone": 0.0,
    "mets_lung": 0.0,
    "mets_liver": 0.0,
}

#: how a cell type's initial number is split over its population states (the untreated
#: tnbc model's quasi-steady split)
CELL_SPLITS: dict[str, tuple[tuple[str, float], ...]] = {
    "tumor": (("tumor_cells", 1.0),),
    "adipocyte": (("adipocytes", 1.0),),
    "macrophage": (("monocytes", 0.05), ("macrophages_M1", 0.5), ("macrophages_M2", 0.45)),
    "neutrophil": (("neutrophils", 1.0),),
    "mdsc": (("mdscs", 1.0),),
    "dc": (("dcs_immature", 0.85), ("dcs_mature", 0.15)),
    "cd8": (("cd8_effector", 0.77), ("cd8_exhausted", 0.23)),
    "cd4": (("cd4_helper", 0.92), ("cd4_th17", 0.08)),
    "caf": (("cafs", 1.0),),
    # metastatic cells already present at day 0 (a scenario with established metastases)
    "mets_bone": (("mets_bone", 1.0),),
    "mets_lung": (("mets_lung", 1.0),),
    "mets_liver": (("mets_liver", 1.0),),
}


def initial_cells(cells: dict[str, float]) -> dict[str, float]:
    """Initial amount of every population species from cell numbers per cell type."""
    out = {}
    for cell, n in cells.items():
        for sid, frac in CELL_SPLITS[cell]:
            out[sid] = float(n) * frac
    return out


#: exchanged between tumor interstitium and blood: ligand -> healthy serum parameter
EXCHANGED = {"IL6": "serum_IL6_healthy", "IL11": "serum_IL11_healthy", "TNFa": "serum_TNFa_healthy",
             "leptin": "serum_leptin_healthy", "sIL6R": "serum_sIL6R", "sIL11R": "serum_sIL11R",
             "sgp130": "serum_sgp130"}
CLEARANCE = {"IL6": "k_clear_IL6", "IL11": "k_clear_IL11", "TNFa": "k_clear_TNFa", "leptin": "k_clear_leptin",
             "sIL6R": "k_clear_sR", "sIL11R": "k_clear_sR", "sgp130": "k_clear_sR"}


class _P:
    """Declares TME parameters from the table on first use."""

    def __init__(self, b: NetworkBuilder, overrides: dict[str, tuple[float, Evidence]]):
        self.b, self.ov = b, overrides

    def __call__(self, name: str) -> str:
        if not self.b.has(name):
            value, unit, ev, desc = TME[name]
            if name in self.ov:
                value, ev = self.ov[name]
            self.b.parameter(name, value, unit, ev, desc)
        return name


def per_day(expr: str) -> str:
    """A rate given per day, as the engine's per-minute rate, gated by ``pop_on``."""
    return f"({expr})*pop_on/min_per_day"


def tme_network(subtype_overrides: dict[str, tuple[float, Evidence]] | None = None,
                cells: dict[str, float] | None = None, name: str = "stat3sim_tme", extra=None) -> Network:
    """Build the TME network. ``subtype_overrides`` maps TME or signaling parameter ids to
    (value, source); ``cells`` the initial cell numbers per cell type; ``extra(b)`` adds
    more (the drug layer's PK/PD) before the Network is built."""
    ov = dict(subtype_overrides or {})
    b = NetworkBuilder(name)
    P = _P(b, ov)
    init = dict(DEFAULT_CELLS)
    init.update(cells or {})
    for pid in ("min_per_day", "pop_on", "growth_on", "molec_per_zmol"):
        P(pid)
    add_compartments(b, P)
    for cell, (count, genes, nfkb) in MODULES.items():
        sig_ov = dict(SIGNALING_OVERRIDES[cell])
        sig_ov.update({k[len(cell) + 2:]: v for k, v in ov.items() if k.startswith(f"{cell}__")})
        add_cell(b, cell, sig_ov, reduced=(cell != "tumor"), genes=genes, nfkb=nfkb, estrogen=(cell == "tumor"),
                 tgfb=(cell in TGFB_CELLS))
        b.population(cell, count, "medium")
    add_blood(b, P)
    from ..host import add_liver

    add_liver(b)
    add_tumor(b, P, init)
    add_adipocytes(b, P, init)
    add_macrophages(b, P, init)
    add_granulocytes(b, P, init)
    add_dendritic_cells(b, P, init)
    add_t_cells(b, P, init)
    add_cafs(b, P, init)
    add_tgfb(b, P)
    add_pge2(b, P)
    add_observables(b, P)
    from ..niches.metastasis import add_niches  # niches import the TME helpers

    add_niches(b, P)
    if extra is not None:
        extra(b)
    net = b.build()
    unknown = set(ov) - set(net.parameter_ids)
    if unknown:
        raise ValueError(f"unknown parameter(s) in overrides: {sorted(unknown)}")
    return net


# ------------------------------------------------------------------ compartments
def add_compartments(b: NetworkBuilder, P: _P) -> None:
    b.aggregate("cell_volume_pL", "pL", "volume of all cells in the tumor",
                "sum over populations of cells × cell volume")
    b.rule("V_cells_mL", f"cell_volume_pL*1e-9/{P('Ve_T')}", "mL", "tissue volume of the tumor's cells",
           "cell volume over the cellular volume fraction (QSP-IO simbio_init.m); recruitment scales with it, so a "
           "site without cells recruits none")
    b.rule("V_tumor_mL", f"{P('V_T_min')} + V_cells_mL", "mL", "tumor volume",
           "V_T_min (keeps the compartment's volume positive) + the cells' tissue volume")
    b.compartment("tumor", 8.0e9, "pL", "primary tumor (cells are counted in it)",
                  f"volume rule: V_T_min + Σ cells × cell volume / Ve_T", size_rule="V_tumor_mL*1e9")
    b.compartment("medium", 2.4e9, "pL", "tumor interstitial fluid (the signaling modules' medium)",
                  "volume rule: f_interstitial × tumor volume", size_rule=f"{P('f_interstitial')}*V_tumor_mL*1e9")


def _secrete(b: NetworkBuilder, P: _P, rid: str, ligand: str, cells: str, per_cell: str, name: str, ev: Evidence | str) -> None:
    """Secretion of ``per_cell`` molecules/cell/day by ``cells`` into the interstitium."""
    b.reaction(rid, [], [ligand], f"({cells})*({per_cell})/(molec_per_zmol*min_per_day)/medium", "medium", name, ev)


def add_blood(b: NetworkBuilder, P: _P) -> None:
    """Blood: host production (to the healthy serum level), clearance, and exchange of
    free cytokines and soluble receptors with the tumor interstitium."""
    b.compartment("blood", TME["V_blood"][0] * 1e9, "pL", "blood", TME["V_blood"][2])
    P("k_exchange")
    for lig, level in EXCHANGED.items():
        bid = f"blood__{lig}"
        mass = LIGANDS[lig][0]
        lvl = P(level)
        nM = f"{lvl}/({mass}*1000)" if TME[level][1] == "pg/mL" else lvl
        b.species(bid, "blood", f"{nM}", "nM", f"blood: {LIGANDS[lig][2]}")
        kc = P(CLEARANCE[lig])
        b.reaction(f"{bid}__host", [], [bid], f"{kc}*{nM}", "blood", f"host production of {lig} (sets the healthy level)",
                   TME[level][2])
        b.reaction(f"{bid}__clearance", [bid], [], f"{kc}*{bid}", "blood", f"clearance of {lig} (renal/hepatic)",
                   TME[CLEARANCE[lig]][2])
        b.reaction(f"exchange_{lig}", [lig], [bid], f"k_exchange*({lig} - {bid})", "medium",
                   f"{lig} exchange tumor interstitium ⇄ blood", TME["k_exchange"][2])


# ------------------------------------------------------------------ populations
def _pop(b: NetworkBuilder, sid: str, initial: float, label: str, vol: str, P: _P) -> str:
    """A cell-counted population in the tumor. Fewer than half a cell is none: a
    state-triggered event sets it to 0 (as QSP-IO cancer_module.m resets C < 0.5 cell),
    so a population that dies out is not carried as a negative remnant by the solver."""
    b.species(sid, "tumor", float(initial), "cell", label)
    b.contribute("cell_volume_pL", f"{sid}*{P(vol)}")
    b.event(f"{sid}_extinct", 0.0, {sid: 0.0}, trigger=f"{sid} < 0.5")
    return sid


def _dens(x: str) -> str:
    return f"({x})/V_tumor_mL"


def _stat3(cell: str) -> str:
    """A population's STAT3 transcriptional activity: nuclear pSTAT3 dimer (nM) of its module,
    less what a STAT3 transcription inhibitor takes away (signaling/feedback.stat3_tf)."""
    return f"({cell}__STAT3_pY705_dimer_nuc{tx_block(lambda name: f'{cell}__{name}')})"


def add_tumor(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Tumor cells: Gompertz proliferation raised by MYC (STAT3) and PGE2, apoptosis
    lowered by BCL-xL, killing by effector CD8+ T cells; dead cells are cleared.
    IL-6 and IL-11 secretion come from the signaling module (IL6 and IL11 mRNA)."""
    C = _pop(b, "tumor_cells", init["tumor"], "tumor cells", "vol_tumor_cell", P)
    D = _pop(b, "tumor_dead", 0.0, "dead tumor cells", "vol_tumor_cell", P)
    A = "tumor__A_target"
    b.rule("tumor_MYC_drive", f"(tumor__MYC_mRNA - 1)/{A}", "dimensionless", "MYC induction (0..1)")
    b.rule("tumor_BCL_drive", f"(tumor__BCL2L1_mRNA - 1)/{A}", "dimensionless", "BCL-xL induction (0..1)")
    # the mitogenic program: cyclin D1/MYC input from STAT3 (the MYC drive, in units of
    # K_S3_prog) and from GLI1 (relative activity × w_GLI1_prog), read through a switch-like
    # G1/S response (restriction point; Hill n_prog) [3,29,42,43]
    b.rule("tumor_mitogen_input", f"tumor_MYC_drive/{P('K_S3_prog')} + {P('w_GLI1_prog')}*tumor__GLI1",
           "dimensionless", "STAT3 + GLI1 input to the cyclin D1/MYC program (1 = half-maximal)")
    b.rule("tumor_mitogen_program", f"tumor_mitogen_input^{P('n_prog')}/(1 + tumor_mitogen_input^{P('n_prog')})",
           "dimensionless", "cyclin D1/MYC program occupancy (0..1)")
    b.rule("tumor_survival_program", f"tumor_BCL_drive/({P('K_S3_prog')} + tumor_BCL_drive)", "dimensionless",
           "BCL-xL/survivin program occupancy (0..1; STAT3)")
    b.reaction("tumor_proliferation", [], [C],
               # C/(C + 1e-3): the solver's ~1e-18-cell residue around an empty population must
               # not grow into a tumor (a real population, ≥ 1 cell, sees a factor ≥ 0.999)
               per_day(f"{P('k_tumor_prolif')}*(1 + {P('w_MYC_prolif')}*tumor_mitogen_program)*{C}*log({P('K_tumor')}/({C} + 1))"
                       f"*{C}/({C} + 1e-3)"),
               "tumor", "tumor-cell proliferation (Gompertz; cyclin D1/MYC program of STAT3 and GLI1)",
               E("Gompertz form as QSP-IO cancer_module.m; STAT3 → MYC/cyclin D1 [3,29]; STAT3 and GLI1 co-drive "
                 "TNBC growth, JAK2 + SMO inhibition synergistic [42,43]", (3, 29, 42, 43)))
    b.reaction("tumor_apoptosis", [C], [D],
               per_day(f"{P('k_tumor_apop')}*{C}/(1 + {P('w_BCL_apop')}*tumor_survival_program)"), "tumor",
               "tumor-cell apoptosis (BCL-xL protects)", E("STAT3 → BCL-xL [3,29]", (3, 29)))
    b.reaction("tumor_killing", [C], [D],
               per_day(f"{P('k_kill')}*{C}*cd8_effector/({P('K_T_C')}*{C} + cd8_effector + 1)"), "tumor",
               "killing by effector CD8+ T cells", E("QSP-IO Teff_module.m form (Robertson-Tessi 2012)"))
    # ER+ disease: the ERα growth program and the IL-6/STAT3 → Notch3 → CD133 self-renewal
    # program of the tumor cell (signaling/estrogen.py) feed proliferation where
    # w_ER_prolif > 0 (the ER+ scenarios); 0 leaves TNBC growth as calibrated
    b.rule("tumor_growth_drive", "tumor__w_ER_growth*(tumor__GREB1_mRNA - 1)/tumor__A_GREB1"
           " + tumor__w_stem_growth*tumor__CD133_index", "dimensionless",
           "ERα (GREB1) + Notch3/CD133 growth drive of the tumor cell [93,94]")
    b.modifier("tumor_proliferation", f"(1 + {P('w_ER_prolif')}*tumor_growth_drive)",
               E("ERα drives luminal growth; IL-6/STAT3 lowers ERα dependence through Notch3/CD133 self-renewal "
                 "[93,94]", (93, 94)), "ER+ growth program")
    b.reaction("tumor_dead_clearance", [D], [], per_day(f"{P('k_dead_clear')}*{D}"), "tumor", "clearance of dead cells")
    # before day 0 (growth_on = 0) the tumor is held at its day-0 size while the other
    # populations, dead cells and signaling settle around it: this flux cancels the net
    # growth (so the cell count stays), and with size_hold = 1 moves the cell count until
    # the tumor's volume is V_T_day0 (cells needed for the missing volume, in ~1/k_size_hold
    # days); 0 after day 0
    b.rule("tumor_size_adjust", f"{P('size_hold')}*{P('k_size_hold')}*({P('V_T_day0')} - V_tumor_mL)"
                                f"*{P('Ve_T')}*1e9/{P('vol_tumor_cell')}", "cell/day",
           "tumor cells added (removed) before day 0 to reach the day-0 volume (0 with size_hold = 0)")
    b.reaction("tumor_size_hold", [], [C],
               "(1 - growth_on)*(tumor_apoptosis + tumor_killing - tumor_proliferation + "
               + per_day("tumor_size_adjust") + ")", "tumor",
               "tumor held at its day-0 size before day 0 (cell count, or volume when the size is given)",
               E("protocol: the pre-simulation lets the other populations settle for the day-0 tumor (issue 21)"))
    # checkpoint blockade (the drug layer) contributes the fraction of PD-1/PD-L1 it blocks
    b.aggregate("checkpoint_block", "dimensionless", "PD-1/PD-L1 axis blocked by drugs (0..1)",
                "sum of the checkpoint antibodies' occupancies (0 untreated)")
    b.contribute("checkpoint_block", "0")
    b.rule("H_PDL1", f"tumor__CD274_mRNA/({P('K_PDL1')} + tumor__CD274_mRNA)*(1 - checkpoint_block)", "dimensionless",
           "PD-L1 engagement of CD8+ T cells (0..1), less what checkpoint antibodies block")
    b.modifier("tumor_killing", f"(1 - {P('w_PDL1_kill')}*H_PDL1)",
               E("tumor PD-L1 (CD274, STAT3/STAT1 target) inhibits killing [118]", (118,)), "PD-1/PD-L1 checkpoint")
    # tumor IL-11 comes from the TGF-β/SMAD module of the tumor cell (IL11 mRNA, miRNAs,
    # lncRNA-ATB; signaling/tgfb.py), population-weighted like its IL-6


def add_adipocytes(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Adipocytes / adipose stromal cells secreting IL-6 and leptin (the adipose_coculture
    scenario) [18, 85-89]. They are a share of the tumor region's cells, so they keep their
    ratio to tumor cells as the tumor grows or shrinks (a fixed count would be diluted by
    tumor growth, most where adipocyte IL-6 speeds it)."""
    A = b.species("adipocytes", "tumor", float(init["adipocyte"]), "cell", "adipocytes / adipose stromal cells")
    b.reaction("adipocyte_tracking", [], [A],
               f"{A}*(growth_on*(tumor_proliferation - tumor_apoptosis - tumor_killing)"
               f" + (1 - growth_on)*{per_day('tumor_size_adjust')})/(tumor_cells + 1e-12)", "tumor",
               "adipose cells keep their share of the tumor region (follow net tumor growth)",
               E("assumed: adipose stromal cells are a constant share (~15 %) of tumor-region cells "
                 "(adipose_coculture scenario)"))
    _secrete(b, P, "adipocyte_IL6_secretion", "IL6", A, f"{P('sec_IL6_adipocyte')}*adipocyte__lvl_IL6",
             "IL-6 secretion by adipose stromal cells", TME["sec_IL6_adipocyte"][2])
    b.parameter("adipocyte__lvl_LEP", 1.0, "dimensionless", E("gene level, 1 = wild type"), "LEP expression level in adipocyte")
    b.gene("LEP", "adipocyte__lvl_LEP", description="leptin level in adipocyte")
    _secrete(b, P, "adipocyte_leptin_secretion", "leptin", A, f"{P('sec_leptin_adipocyte')}*adipocyte__lvl_LEP",
             "leptin secretion by adipose cells", TME["sec_leptin_adipocyte"][2])
    _ensure_level(b, "adipocyte", "IL6")


def _ensure_level(b: NetworkBuilder, cell: str, gene: str) -> str:
    pid = f"{cell}__lvl_{gene}"
    if not b.has(pid):
        b.parameter(pid, 1.0, "dimensionless", E("gene level, 1 = wild type"), f"{gene} expression level in {cell}")
        b.gene(gene, pid, description=f"{gene} level in {cell}")
    return pid


def _recruitment_drive(b: NetworkBuilder, P: _P) -> None:
    if b.has("H_IL6_rec"):
        return
    # IL-6 recruits through its receptors (classic and trans) on myeloid cells, so a drug
    # that blocks the receptor (tocilizumab) or JAK removes the drive even when free IL-6
    # rises, as it does on receptor blockade
    b.rule("myeloid_IL6_signal", "macrophage__C6_pJAK + macrophage__T6_pJAK", "nM",
           "IL-6 receptor signal of myeloid cells (JAK-active IL-6 complexes per cell)")
    b.rule("H_IL6_rec", hill("myeloid_IL6_signal", P("K_IL6_rec")), "dimensionless",
           "IL-6 receptor-signal drive of recruitment (0..1)")
    b.rule("myeloid_drive", f"1 + {P('w_IL6_rec')}*H_IL6_rec + {P('w_NFkB_rec')}*tumor__NFkB_nuc", "dimensionless",
           "IL-6 and tumor NF-κB drive of neutrophil/MDSC recruitment (1 = basal)")


def add_macrophages(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Monocytes recruited by IL-6 differentiate into macrophages (M1); IL-6/STAT3 in the
    macrophage drives M1 → M2 [92]; M2 (and M1) secrete IL-6 and TNFα [100]; macrophage
    COX-2 (repressed by STAT3 [105]) makes PGE2 (see :func:`add_pge2`)."""
    _recruitment_drive(b, P)
    ic = initial_cells(init)
    Mo = _pop(b, "monocytes", ic["monocytes"], "monocytes", "vol_macrophage", P)
    M1 = _pop(b, "macrophages_M1", ic["macrophages_M1"], "M1 macrophages", "vol_macrophage", P)
    M2 = _pop(b, "macrophages_M2", ic["macrophages_M2"], "M2 macrophages", "vol_macrophage", P)
    b.rule("macrophage_total", f"{Mo} + {M1} + {M2}", "cell", "monocytes and macrophages")
    b.reaction("monocyte_recruitment", [], [Mo],
               per_day(f"{P('k_mono_rec')}*V_cells_mL*(1 + {P('w_IL6_rec')}*H_IL6_rec)"), "tumor",
               "monocyte recruitment (IL-6, CCL2)", E("IL-6 recruits immune cells [19,20]", (19, 20)))
    b.reaction("monocyte_differentiation", [Mo], [M1], per_day(f"{P('k_mono_diff')}*{Mo}"), "tumor",
               "monocyte → macrophage")
    b.reaction("monocyte_death", [Mo], [], per_day(f"{P('k_mono_death')}*{Mo}"), "tumor", "monocyte death")
    b.rule("H_STAT3_macrophage", hill(_stat3("macrophage"), P("K_STAT3_mac"), P("n_M2")), "dimensionless",
           "macrophage STAT3 activity (0..1)")
    b.reaction("M2_polarisation", [M1], [M2],
               per_day(f"{P('k_M2_pol')}*({P('b_M2')} + H_STAT3_macrophage)*{M1}"), "tumor",
               "M1 → M2 polarisation driven by IL-6/STAT3", E("IL-6 → M2 [92]; Mauer 2014 (FACTS-TME 6)", (92,)))
    b.reaction("M1_repolarisation", [M2], [M1], per_day(f"{P('k_M1_pol')}*{M2}"), "tumor", "M2 → M1")
    for M in (M1, M2):
        b.reaction(f"{M}_death", [M], [], per_day(f"{P('k_mac_death')}*{M}"), "tumor", "macrophage death")
    il6, tnf = _ensure_level(b, "macrophage", "IL6"), _ensure_level(b, "macrophage", "TNF")
    _secrete(b, P, "macrophage_IL6_secretion", "IL6", "1",
             f"({P('sec_IL6_M1')}*{M1} + {P('sec_IL6_M2')}*{M2})*{il6}", "IL-6 secretion by macrophages",
             E("M2 TAMs secrete IL-6 [100]", (100,)))
    _secrete(b, P, "macrophage_TNFa_secretion", "TNFa", "1",
             f"({P('sec_TNF_M1')}*{M1} + {P('sec_TNF_M2')}*{M2})*{tnf}", "TNFα secretion by macrophages",
             E("M2 TAMs secrete TNFα [100]", (100,)))


def add_granulocytes(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Neutrophils and MDSCs recruited by IL-6 and tumor NF-κB [90, 91]; STAT3 keeps MDSCs
    alive (its loss raises their apoptosis) [99]; MDSCs suppress T-cell killing."""
    _recruitment_drive(b, P)
    N = _pop(b, "neutrophils", init["neutrophil"], "neutrophils", "vol_myeloid", P)
    M = _pop(b, "mdscs", init["mdsc"], "MDSCs", "vol_myeloid", P)
    ev = E("IL-6/NF-κB recruit neutrophils and MDSCs [90,91]", (90, 91))
    b.reaction("neutrophil_recruitment", [], [N], per_day(f"{P('k_neut_rec')}*V_cells_mL*myeloid_drive"), "tumor",
               "neutrophil recruitment", ev)
    b.reaction("neutrophil_death", [N], [], per_day(f"{P('k_neut_death')}*{N}"), "tumor", "neutrophil death")
    b.reaction("mdsc_recruitment", [], [M], per_day(f"{P('k_mdsc_rec')}*V_cells_mL*myeloid_drive"), "tumor",
               "MDSC recruitment", ev)
    b.rule("H_STAT3_mdsc", hill(_stat3("mdsc"), P("K_STAT3_mdsc")), "dimensionless", "MDSC STAT3 activity (0..1)")
    b.reaction("mdsc_death", [M], [],
               per_day(f"{P('k_mdsc_death')}*(1 + {P('w_mdsc_apop')}*(1 - H_STAT3_mdsc))*{M}"), "tumor",
               "MDSC death (STAT3 protects)", E("STAT3 drives MDSC expansion [99]; STAT3 inhibition → Bax-dependent MDSC apoptosis (FACTS-TME 6)", (99,)))
    b.rule("H_MDSC", hill(_dens(M), P("K_MDSC_supp")), "dimensionless", "MDSC suppression (0..1)")
    b.modifier("tumor_killing", f"(1 - {P('w_MDSC_supp')}*H_MDSC)",
               E(f"MDSCs suppress T cells (QSP-IO MDSC_module.m (1 - H_MDSC)) [99]", (99,)), "MDSC suppression")
    _secrete(b, P, "mdsc_IL6_secretion", "IL6", M, f"{P('sec_IL6_mdsc')}*{_ensure_level(b, 'mdsc', 'IL6')}",
             "IL-6 secretion by MDSCs", TME["sec_IL6_mdsc"][2])
    _ensure_level(b, "neutrophil", "IL6")


def add_dendritic_cells(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Immature DCs mature unless STAT3 (or PGE2) holds them back [100]."""
    ic = initial_cells(init)
    Di = _pop(b, "dcs_immature", ic["dcs_immature"], "immature dendritic cells", "vol_myeloid", P)
    Dm = _pop(b, "dcs_mature", ic["dcs_mature"], "mature dendritic cells", "vol_myeloid", P)
    b.rule("dc_total", f"{Di} + {Dm}", "cell", "dendritic cells")
    b.reaction("dc_recruitment", [], [Di], per_day(f"{P('k_dc_rec')}*V_cells_mL"), "tumor", "DC recruitment")
    b.rule("H_STAT3_dc", hill(_stat3("dc"), P("K_STAT3_dc")), "dimensionless", "DC STAT3 activity (0..1)")
    b.reaction("dc_maturation", [Di], [Dm],
               per_day(f"{P('k_dc_mat')}*{Di}/((1 + {P('w_STAT3_dc')}*H_STAT3_dc)*(1 + {P('w_PGE2_dc')}*H_PGE2))"),
               "tumor", "DC maturation (STAT3 and PGE2 suppress it)", E("STAT3 suppresses DC maturation [100]", (100,)))
    b.reaction("dc_death", [Di], [], per_day(f"{P('k_dc_death')}*{Di}"), "tumor", "immature DC death")
    b.reaction("dcm_loss", [Dm], [], per_day(f"{P('k_dcm_death')}*{Dm}"), "tumor", "mature DC migration/death")
    _ensure_level(b, "dc", "IL6")


def add_t_cells(b: NetworkBuilder, P: _P, init: dict) -> None:
    """CD8+ effectors primed by mature DCs, held back by their own STAT3 [3], exhausted by
    PD-L1; CD4+ T cells hold tumor proliferation back unless the IL-11-driven share of their
    STAT3 turns them off [97], and the IL-6-driven share polarises them to Th17 [98]."""
    ic = initial_cells(init)
    T8 = _pop(b, "cd8_effector", ic["cd8_effector"], "effector CD8+ T cells", "vol_t_cell", P)
    T8x = _pop(b, "cd8_exhausted", ic["cd8_exhausted"], "exhausted CD8+ T cells", "vol_t_cell", P)
    T4 = _pop(b, "cd4_helper", ic["cd4_helper"], "CD4+ T cells (non-Th17)", "vol_t_cell", P)
    T17 = _pop(b, "cd4_th17", ic["cd4_th17"], "Th17 CD4+ T cells", "vol_t_cell", P)
    b.rule("cd8_total", f"{T8} + {T8x}", "cell", "CD8+ T cells")
    b.rule("cd4_total", f"{T4} + {T17}", "cell", "CD4+ T cells")
    b.rule("H_priming", f"{P('b_prime')} + {hill(_dens('dcs_mature'), P('K_dcm'))}", "dimensionless",
           "priming by mature DCs (basal + Hill)")
    b.rule("H_STAT3_cd8", hill(_stat3("cd8"), P("K_STAT3_T")), "dimensionless", "CD8+ STAT3 activity (0..1)")
    b.rule("H_STAT3_cd4", hill(_stat3("cd4"), P("K_STAT3_T")), "dimensionless", "CD4+ STAT3 activity (0..1)")
    b.reaction("cd8_recruitment", [], [T8],
               per_day(f"{P('k_cd8_rec')}*V_cells_mL*H_priming/(1 + {P('w_STAT3_T')}*H_STAT3_cd8)"), "tumor",
               "effector CD8+ accumulation (DC priming; T-cell STAT3 lowers it)",
               E("STAT3 in T cells lowers effector accumulation [3]; DCs prime [100]", (3, 100)))
    b.reaction("cd8_death", [T8], [], per_day(f"{P('k_cd8_death')}*{T8}"), "tumor", "effector CD8+ death")
    # QSP-IO Teff_module.m: k_Tcell*T*C_total/(C_total + T + cell)*H_PD1_C1, with the PD-1
    # engagement H_PDL1 of the killing term (tumor PD-L1, less what checkpoint antibodies block)
    b.reaction("cd8_exhaustion", [T8], [T8x],
               per_day(f"{P('k_cd8_exh')}*{T8}*tumor_cells/(tumor_cells + {T8} + 1)*H_PDL1"), "tumor",
               "exhaustion through PD-1/PD-L1 engagement by tumor cells",
               E("QSP-IO Teff_module.m form (T-cell exhaustion by cancer cells × PD-1 engagement); PD-L1 (CD274) [118]",
                 (118,)))
    b.reaction("cd8_exhausted_death", [T8x], [], per_day(f"{P('k_exh_death')}*{T8x}"), "tumor", "exhausted CD8+ death")
    b.reaction("cd4_recruitment", [], [T4], per_day(f"{P('k_cd4_rec')}*V_cells_mL*H_priming"), "tumor",
               "CD4+ recruitment (DC priming)")
    b.reaction("cd4_death", [T4], [], per_day(f"{P('k_cd4_death')}*{T4}"), "tumor", "CD4+ death")
    # the IL-6 and IL-11 shares of the CD4+ cell's STAT3 activity: nuclear pSTAT3 dimer
    # apportioned by the JAK-active receptor complexes of each ligand
    act6, act11 = "(cd4__C6_pJAK + cd4__T6_pJAK)", "(cd4__C11_pJAK + cd4__T11_pJAK)"
    b.rule("cd4_STAT3_IL6", f"{_stat3('cd4')}*{act6}/({act6} + {act11} + 1e-12)", "nM",
           "IL-6-driven STAT3 activity of CD4+ T cells")
    b.rule("cd4_STAT3_IL11", f"{_stat3('cd4')}*{act11}/({act6} + {act11} + 1e-12)", "nM",
           "IL-11-driven STAT3 activity of CD4+ T cells")
    b.reaction("th17_polarisation", [T4], [T17],
               per_day(f"{P('k_th17')}*{hill('cd4_STAT3_IL6', P('K_IL6_STAT3_th17'), P('n_th17'))}*{T4}"),
               "tumor", "Th17 polarisation by IL-6/STAT3 signaling",
               E("IL-6/STAT3 → Th17 [98]; IL-6 or IL-21 + TGF-β induce RORγt (Manel 2008, FACTS-TME 6)", (98,)))
    b.reaction("th17_reversion", [T17], [T4], per_day(f"{P('k_th17_rev')}*{T17}"), "tumor", "Th17 plasticity")
    b.reaction("th17_death", [T17], [], per_day(f"{P('k_cd4_death')}*{T17}"), "tumor", "Th17 death")
    il11 = hill("cd4_STAT3_IL11", P("K_IL11_STAT3_help"))
    b.rule("H_help", f"{_dens(T4)}*(1 - {P('f_IL11_help')}*{il11})/{P('K_help')}", "dimensionless",
           "CD4+ help (helper density over K_help), lowered by IL-11/STAT3 signaling in CD4+ T cells")
    b.modifier("tumor_proliferation", f"1/(1 + {P('w_help')}*H_help)",
               E("CD4+ T cells mediate antitumor responses that host IL-11 signaling suppresses [97]; written as "
                 "cytostasis (Th1/IFN-γ growth arrest), assumed", (97,)), "CD4+ antitumor help (cytostatic)")
    for cell in ("cd8", "cd4"):
        _ensure_level(b, cell, "IL6")


#: molar mass of TGF-β1 (kDa) and its source (it is not a gp130 ligand of LIGANDS)
TGFB_kDa = 25.0


def add_cafs(b: NetworkBuilder, P: _P, init: dict) -> None:
    """Cancer-associated fibroblasts: resident fibroblasts activated by TGF-β [95, 96];
    their module (reduced gp130/STAT3 with NF-κB and the TGF-β/SMAD → IL-11 branch)
    secretes IL-11 (population-weighted, signaling/tgfb.py) and IL-6 here."""
    F = _pop(b, "cafs", init["caf"], "cancer-associated fibroblasts", "vol_caf", P)
    b.rule("H_TGFb_caf", hill("TGFb", "caf__K_TGFb"), "dimensionless", "TGF-β occupancy of CAF TGFBR (0..1)")
    b.reaction("caf_activation", [], [F],
               per_day(f"{P('k_caf_act')}*V_cells_mL*(1 + {P('w_TGFb_caf')}*caf__lvl_TGFBR1*H_TGFb_caf)"), "tumor",
               "fibroblast → CAF activation (TGF-β)",
               E("TGF-β-stimulated CAFs [95,96]; TGF-β activates fibroblasts to myofibroblasts (assumed form)", (95, 96)))
    b.reaction("caf_death", [F], [], per_day(f"{P('k_caf_death')}*{F}"), "tumor", "CAF death / deactivation")
    _secrete(b, P, "caf_IL6_secretion", "IL6", F, f"{P('sec_IL6_caf')}*caf__IL6_mRNA*{_ensure_level(b, 'caf', 'IL6')}",
             "IL-6 secretion by CAFs (IL6 mRNA: STAT3, NF-κB, TGF-β/SMAD)", TME["sec_IL6_caf"][2])


def add_tgfb(b: NetworkBuilder, P: _P) -> None:
    """Active TGF-β1 in the tumor interstitium (``TGFb``, declared by the tumor cell's
    TGF-β module) and in blood: secreted by tumor cells, CAFs and M2 macrophages,
    degraded in the tumor, exchanged with blood, where the host keeps it at the healthy
    plasma level."""
    k = TGFB_kDa * 1000
    bid = "blood__TGFb"
    nM = f"{P('serum_TGFb_healthy')}/{k!r}"
    b.species(bid, "blood", nM, "nM", "blood: transforming growth factor β1")
    kc = P("k_clear_TGFb")
    b.reaction(f"{bid}__host", [], [bid], f"{kc}*{nM}", "blood", "host production of TGF-β1 (platelets; sets the "
               "healthy level)", TME["serum_TGFb_healthy"][2])
    b.reaction(f"{bid}__clearance", [bid], [], f"{kc}*{bid}", "blood", "TGF-β1 clearance (mostly hepatic)",
               TME["k_clear_TGFb"][2])
    b.reaction("exchange_TGFb", ["TGFb"], [bid], "k_exchange*(TGFb - blood__TGFb)", "medium",
               "TGF-β exchange tumor interstitium ⇄ blood", TME["k_exchange"][2])
    b.reaction("TGFb_degradation", ["TGFb"], [], f"{P('k_TGFb_deg')}*TGFb", "medium", "TGF-β degradation in the tumor",
               TME["k_TGFb_deg"][2])
    _secrete(b, P, "tumor_TGFb_secretion", "TGFb", "tumor_cells", P("sec_TGFb_tumor"), "TGF-β secretion by tumor cells",
             TME["sec_TGFb_tumor"][2])
    _secrete(b, P, "caf_TGFb_secretion", "TGFb", "cafs", P("sec_TGFb_caf"), "TGF-β secretion by CAFs",
             TME["sec_TGFb_caf"][2])
    _secrete(b, P, "macrophage_TGFb_secretion", "TGFb", "macrophages_M2", P("sec_TGFb_M2"),
             "TGF-β secretion by M2 macrophages", TME["sec_TGFb_M2"][2])
    # TGF-β holds back effector T-cell killing (QSP-IO Teff_module.m: × (1 − H_TGFb_Teff));
    # TGFBR1 kinase inhibitors (the drug layer) add C/IC50 terms to TGFBR1_inhibition
    b.aggregate("TGFBR1_inhibition", "dimensionless", "TGFBR1 kinase inhibition by drugs",
                "sum of C/IC50 of the TGFBR1 inhibitors at the tumor (0 untreated)")
    b.contribute("TGFBR1_inhibition", "0")
    b.rule("H_TGFb_Teff", f"TGFb/(TGFb + {P('TGFb_50_Teff')})/(1 + TGFBR1_inhibition)", "dimensionless",
           "TGF-β signaling in effector T cells (0..1), less what TGFBR1 inhibitors block")
    # TGF-β signaling in CAFs keeps CD8+ T cells out of the tumor parenchyma, in the
    # peritumoral stroma (Mariathasan 2018; Tauriello 2018 [95]): CD8+ entry falls with
    # the CAFs' SMAD activity, which TGFBR1 inhibitors lower (therapy/pd._tgfbr1)
    if b.has("caf__SMAD_active_nuc") and b.has("cd8_recruitment"):
        b.rule("H_TGFb_stroma", hill("caf__SMAD_active_nuc", "caf__K_SMAD", "caf__n_hill_SMAD"), "dimensionless",
               "TGF-β/SMAD signaling in CAFs: SMAD target-promoter activity (0..1)")
        b.modifier("cd8_recruitment", f"1/(1 + {P('w_TGFb_excl')}*H_TGFb_stroma)",
                   E("TGF-β signaling in fibroblasts excludes CD8+ T cells from the tumor parenchyma; TGF-β blockade "
                     "with anti-PD-L1 lets them into the tumor centre (Mariathasan 2018 Nature 554:544, EMT6 mammary "
                     "tumors; Tauriello 2018 [95]); strength assumed", (95,)),
                   "CD8+ exclusion by stromal TGF-β")
    b.modifier("tumor_killing", "(1 - H_TGFb_Teff)",
               E("TGF-β suppresses effector T-cell killing (QSP-IO Teff_module.m @acc8366, TGFb_50_Teff from "
                 "Robertson-Tessi 2012); TGF-β drives immune evasion and its blockade unleashes T cells against metastases [95]", (95,)),
               "TGF-β suppression of CD8+ killing")


def add_pge2(b: NetworkBuilder, P: _P) -> None:
    """PGE2 from macrophage COX-2 [105]: promotes tumor proliferation, holds back DC maturation."""
    b.species("PGE2", "medium", 0.0, "nM", "prostaglandin E2 (interstitial)")
    _secrete(b, P, "macrophage_PGE2_release", "PGE2", "macrophage_total",
             f"{P('k_PGE2_sec')}*macrophage__PTGS2_mRNA", "PGE2 release by macrophage COX-2",
             E("myeloid STAT3 loss raises COX-2 → mammary tumor growth [105]", (105,)))
    b.reaction("PGE2_degradation", ["PGE2"], [], f"{P('k_PGE2_deg')}*PGE2", "medium", "PGE2 degradation (15-PGDH)")
    b.rule("H_PGE2", hill("PGE2", P("K_PGE2")), "dimensionless", "PGE2 effect (0..1)")
    b.modifier("tumor_proliferation", f"(1 + {P('w_PGE2_prolif')}*H_PGE2)",
               E("macrophage COX-2/PGE2 promotes mammary tumor growth [105]", (105,)), "PGE2 (EP2/EP4)")


# ------------------------------------------------------------------ observables
UP = ("SNAI1", "TWIST1", "VIM", "CDH2")


def add_observables(b: NetworkBuilder, P: _P) -> None:
    def o(id: str, expr: str, unit: str, desc: str) -> None:
        b.observable(f"tme__obs__{id.replace('.', '__')}", expr, unit, id, desc)

    A, R = "tumor__A_target", "tumor__R_target"
    up = " + ".join(f"(tumor__{g}_mRNA - 1)/{A}" for g in UP)
    down = f"(1 - tumor__CDH1_mRNA)*(1 + {R})/{R}"
    # rules, so the metastasis layer's seeding reads the same invasion index users see
    b.rule("tumor_EMT_index", f"({up} + {down})/5", "dimensionless",
           "EMT index 0..1: mean induction of SNAI1, TWIST1, VIM, CDH2 and repression of CDH1")
    b.rule("tumor_invasion", "0.5*tumor_EMT_index + 0.5*(tumor__FSCN1_mRNA - 1)/tumor__A_coactivation",
           "dimensionless", "invasion index 0..1: EMT index and FSCN1 (STAT3 AND NF-κB) [34,35]")
    o("tumor_volume_mm3", "V_tumor_mL*1000", "mm3", "tumor volume (cells / Ve_T)")
    o("tumor_diameter_mm", f"2*(3*V_tumor_mL*1000/(4*{math.pi!r}))^(1/3)", "mm", "diameter of the equivalent sphere")
    o("tumor_cells", "tumor_cells", "cell", "live tumor cells")
    o("tumor.EMT_index", "tumor_EMT_index", "dimensionless",
      "EMT index 0..1: mean induction of SNAI1, TWIST1, VIM, CDH2 and repression of CDH1")
    o("tumor.invasion", "tumor_invasion", "dimensionless",
      "invasion index 0..1: EMT index and FSCN1 (STAT3 AND NF-κB) [34,35]")
    o("tumor.PDL1", "tumor__CD274_mRNA", "au", "tumor PD-L1 (CD274) expression relative to no STAT input")
    o("tumor.pSTAT3_nuclear_nM", "2*tumor__STAT3_pY705_dimer_nuc + tumor__STAT1_STAT3_dimer_nuc", "nM",
      "nuclear pY705 STAT3 in tumor cells, nM in the nucleus (what drives STAT3 target genes; tumor.pSTAT3 is "
      "its amount as a fraction of all the cell's STAT3, which a degrader lowers)")
    o("macrophage_count", "macrophages_M1 + macrophages_M2", "cell", "tumor-associated macrophages")
    o("monocyte_count", "monocytes", "cell", "monocytes in the tumor")
    o("M2_fraction", "macrophages_M2/(macrophages_M1 + macrophages_M2 + 1e-12)", "dimensionless", "M2 / all macrophages")
    o("MDSC_count", "mdscs", "cell", "MDSCs")
    o("neutrophil_count", "neutrophils", "cell", "tumor-associated neutrophils")
    o("CD8_count", "cd8_total", "cell", "CD8+ T cells (effector + exhausted)")
    o("CD8_effector_count", "cd8_effector", "cell", "effector CD8+ T cells")
    o("CD8_exhausted_fraction", "cd8_exhausted/(cd8_total + 1e-12)", "dimensionless", "exhausted / all CD8+")
    o("CD4_count", "cd4_total", "cell", "CD4+ T cells")
    o("Th17_fraction", "cd4_th17/(cd4_total + 1e-12)", "dimensionless", "Th17 / all CD4+")
    o("DC_count", "dc_total", "cell", "dendritic cells")
    o("DC_mature_fraction", "dcs_mature/(dc_total + 1e-12)", "dimensionless", "mature / all DCs")
    o("adipocyte_count", "adipocytes", "cell", "adipocytes / adipose stromal cells")
    for name, sid in (("macrophage", "macrophage_count"), ("MDSC", "mdscs"), ("CD8", "cd8_total"),
                      ("neutrophil", "neutrophils"), ("DC", "dc_total"), ("CD4", "cd4_total")):
        expr = "(macrophages_M1 + macrophages_M2)" if name == "macrophage" else sid
        o(f"{name}_per_mL", f"{expr}/V_tumor_mL", "cell/mL", f"{name} density in the tumor")
    for lig in ("IL6", "IL11", "TNFa", "leptin"):
        k = LIGANDS[lig][0] * 1000
        o(f"serum_{lig}_pg_mL", f"blood__{lig}*{k!r}", "pg/mL", f"serum {LIGANDS[lig][2]}")
        o(f"tumor_{lig}_pg_mL", f"{lig}*{k!r}", "pg/mL", f"free {LIGANDS[lig][2]} in tumor interstitial fluid")
    o("serum_TGFb_pg_mL", f"blood__TGFb*{TGFB_kDa * 1000!r}", "pg/mL", "plasma TGF-β1 (active)")
    o("tumor_TGFb_pg_mL", f"TGFb*{TGFB_kDa * 1000!r}", "pg/mL", "active TGF-β1 in tumor interstitial fluid")
    o("caf_count", "cafs", "cell", "cancer-associated fibroblasts")
    o("PGE2_nM", "PGE2", "nM", "interstitial PGE2")
    # per-cell phenotype rates, read from the reactions themselves (modifiers included)
    o("tumor.proliferation_per_day", "tumor_proliferation/(tumor_cells + 1e-12)*min_per_day", "1/day",
      "tumor-cell division rate per cell (Gompertz × MYC, ER, PGE2, CD4 help, drugs)")
    o("tumor.apoptosis_per_day", "tumor_apoptosis/(tumor_cells + 1e-12)*min_per_day", "1/day",
      "tumor-cell apoptosis rate per cell (BCL-xL, drugs)")
    o("tumor.killing_per_day", "tumor_killing/(tumor_cells + 1e-12)*min_per_day", "1/day",
      "tumor cells killed by CD8+ T cells, per tumor cell per day")
    o("macrophage.COX2", "macrophage__PTGS2_mRNA", "au", "macrophage COX-2 (PTGS2) mRNA, relative")
