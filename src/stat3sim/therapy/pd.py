"""Pharmacodynamics: each drug's free site concentration acts on its node through its mechanism.

:func:`add_therapies` adds, to a tumor-microenvironment builder, every regimen's PK
(:func:`~.pk.add_pk`) and its action. Cells of the primary tumor see the drug's free
tumor-interstitial concentration (``<drug>__tumor_nM``); the bone niche its bone
concentration; blood and the liver the free plasma concentration.

Mechanisms
----------
* **Ligand sequestration** (siltuximab, clazakizumab → IL-6; anti-IL-11 → IL-11) and
  **receptor decoys** (olamkicept, sgp130Fc → IL-6·sIL-6R): binding reactions in the
  interstitium, the bone niche and blood, so the ligand is held in complexes that are
  cleared at the antibody's own (slow) rate — total serum IL-6 rises on siltuximab, as in
  patients. Antibody is in large excess over its pM ligand, so binding does not deplete it.
* **Receptor blockade** (tocilizumab → IL-6R and sIL-6R; anti-IL-11RA → IL-11RA): every
  cell type's membrane receptor binds the antibody (the bound receptor turns over as the
  free one), soluble receptors form complexes cleared at the antibody's rate.
* **Small-molecule inhibition** at occupancy ``C/IC50`` of the free site concentration and
  the *cellular* potency (cell-free potency × the catalog's cell shift, Cheng–Prusoff ATP
  competition, where only a cell-free value exists): JAK inhibitors drive each cell's
  ``I_JAK`` input, SH2/dimerisation inhibitors ``I_STAT3_SH2``, gp130 blockers
  (bazedoxifene) ``I_gp130``, ERα blockers ``I_ER`` — the inputs the signaling module
  already reads (``signaling/jak_stat.py``, ``receptors.py``, ``estrogen.py``), scaled so
  that ``I/Ki`` equals ``C/IC50_cellular``. STAT3 transcription inhibitors lower the
  STAT3 transcriptional activity the target genes read (``I_STAT3_tx``); TGFBR1
  inhibitors SMAD activation, CAF activation and TGF-β suppression of effector T cells
  (``TGFBR1_inhibition``); COX-2 inhibitors macrophage PGE2; SMO/GLI1 inhibitors GLI1
  synthesis.
* **JAK-inhibitor persistence** (every JAK inhibitor, every cell that reads ``I_JAK``):
  under chronic JAK inhibition cells reactivate JAK–STAT signaling without resistance
  mutations — JAK2 activated in trans by JAK1/TYK2 heterodimers, with raised JAK2
  expression — and the change reverses after the drug is withdrawn (Koppikar et al.,
  Nature 2012;489:155, "JAK2 inhibitor persistence"). Each cell carries a persistence
  state ``A`` (0..1) that follows the inhibitors' JAK occupancy ``θ = X/(1 + X)``,
  ``X = Σ C/IC50_cellular``, with a time constant of days: ``dA/dt = k·(θ − A)``. A
  fraction ``φ·A`` of the cell's JAK activity is reactivated in trans and escapes the
  inhibitor (signaling returns at concentrations that abrogate it in naive cells), so the
  JAK activity ``1/(1 + X)`` becomes ``(1 − φA)/(1 + X) + φA``; the drive is the inhibitor
  concentration that gives it, ``I_JAK = Ki·X·(1 − φA)/(1 + φA·X)`` (exact for the JAK1
  term the potency is scaled to). Without drug (``X = 0``) nothing changes. A degrader
  removes STAT3 itself, so nothing upstream restores its targets; non-JAK drugs are
  untouched.
* **Induced degradation** (SD-36): STAT3 protein turnover (basal synthesis balances basal
  degradation, so the untreated state is unchanged) plus drug-induced degradation of every
  STAT3 form, ``Dmax·kdeg_max·C/(DC50 + C)``.
* **ERα degradation** (SERDs: fulvestrant, any ``hormone_receptor_degradation`` agent), on
  top of their competitive antagonism (``I_ER``): the tumor cell's ERα protein ``R``
  (relative, 1 untreated) turns over at its basal rate ``k0`` (synthesis ``k0``, so the
  untreated state is unchanged), and receptor bound by the degrader is turned over faster,
  ``dR/dt = k0 − (k0 + kdeg·φ)·R`` with ``φ = (C/IC50)/(1 + E2/Kd + I_ER/Ki_ER)`` the
  degrader's share of ERα (competing with estradiol and every ER blocker) and ``kdeg`` the
  catalog's extra degradation rate of drug-bound ERα (``pd.kdeg_max``). At steady state
  ``R = k0/(k0 + kdeg·φ)``. ERα activity is multiplied by ``R``, both its E2-driven and its
  ligand-independent (AF-1) parts: degraded receptor has neither, which is what sets a SERD
  apart from a SERM.
* **Checkpoint blockade** (anti-PD-L1/PD-1): receptor occupancy ``C/(C + Kd)`` is the
  fraction of the PD-1/PD-L1 axis blocked (``checkpoint_block``), lifting its brake on
  killing and exhaustion.
* **Cytotoxic** (paclitaxel): extra tumor-cell death ``Emax·C/(EC50 + C)`` per day.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.network import Evidence, NetworkBuilder
from .catalog import Drug, TherapyError, load_catalog
from .pk import PKSpecies, add_pk
from .regimen import Patient, Regimen

E = Evidence

#: class-typical antibody association rate when the catalog gives none: 1e6 M⁻¹s⁻¹
KON_DEFAULT = (0.06, "assumed: class-typical antibody kon 1e6 M⁻¹s⁻¹ = 0.06 nM⁻¹min⁻¹")
#: STAT3 protein turnover added with a degrader (basal synthesis = basal degradation)
K_STAT3_TURNOVER = (0.693 / (24 * 60.0), "assumed: STAT3 protein t½ ~24 h (a long-lived protein; no breast-cell "
                                          "value was read)")
#: basal ERα protein turnover, added with a SERD (basal synthesis = basal degradation)
K_ERA_TURNOVER = (0.693 / (5 * 60.0), "Dauvois et al. 1992, PNAS 89:4037 (PMID 1570330, abstract read): pulse-chase "
                                      "half-life of ERα ~5 h in the presence of estradiol (reduced to < 1 h by the pure "
                                      "antiestrogen ICI 164,384); the tumor cells of the ER+ scenarios see E2, so the "
                                      "liganded value is taken for the untreated receptor")
#: JAK-inhibitor persistence (Koppikar et al. 2012, Nature 489:155; Blood 2011;118(21) ASH abstract 122): time
#: constant (days) of the persistence state's onset and reversal
JAKI_PERSISTENCE_TAU_DAYS = (5.0, "assumed, calibrated to the reversal reported by Koppikar et al.: withdrawal is "
                                  "associated with resensitization (Nature 2012;489:155, abstract) and the ASH 2011 "
                                  "abstract 122 withdrew the drug for 2 weeks (read text truncated after 'led to re…'); "
                                  "τ = 5 days leaves 6 % after 14 days. Onset over days-weeks of chronic exposure (no "
                                  "onset time was read), taken equal to the reversal")
#: fraction of a cell's JAK activity reactivated in trans (escaping the inhibitor) at full persistence
JAKI_PERSISTENCE_ESCAPE = (0.5, "assumed, calibrated to THx-9 (which needs ≳ 0.37 at τ = 5 days): Koppikar et al. "
                                "(Nature 2012;489:155; ASH 2011 abstract 122) report JAK-STAT signaling reactivated, and "
                                "persistent cells proliferating, at inhibitor concentrations that abrogate signaling in "
                                "naive cells; no reactivated fraction was read, half is taken")


@dataclass
class Therapy:
    """One regimen in a Network: its PK ids and what its PD added."""

    regimen: Regimen
    pk: PKSpecies
    potency_nM: float | None = None
    potency_source: str = ""
    acts_on: list[str] = field(default_factory=list)


@dataclass
class _Inputs:
    """Terms summed into the signaling modules' drug inputs (``<cell>__I_JAK`` …)."""

    terms: dict[str, list[str]] = field(default_factory=dict)
    #: inputs that carry JAK-inhibitor persistence (``<cell>__I_JAK`` with a JAK inhibitor)
    persistent: set[str] = field(default_factory=set)

    def add(self, pid: str, term: str) -> None:
        self.terms.setdefault(pid, []).append(term)

    def apply(self, b: NetworkBuilder) -> None:
        for pid, terms in self.terms.items():
            expr = " + ".join(terms)
            if pid in self.persistent:
                expr = _jak_persistence(b, pid, expr)
            b.drive(pid, expr, "free drug at the cell, scaled so I/Ki = C/IC50 (cellular) of each drug")


def _jak_persistence(b: NetworkBuilder, pid: str, expr: str) -> str:
    """A cell's JAK-inhibitor persistence (module docstring): the state ``A`` follows the
    JAK occupancy of the inhibitors over days; returns the ``I_JAK`` expression under which
    a fraction ``φ·A`` of the JAK activity escapes the inhibitors."""
    cell = pid[: -len("__I_JAK")]
    tau, tau_src = JAKI_PERSISTENCE_TAU_DAYS
    phi, phi_src = JAKI_PERSISTENCE_ESCAPE
    k = b.parameter("k_JAKi_persistence", 1.0 / (tau * 1440.0), "1/min", E(tau_src),
                    "onset and reversal rate of JAK-inhibitor persistence (1/τ)")
    f = b.parameter("JAKi_persistence_escape", phi, "dimensionless", E(phi_src),
                    "fraction of a cell's JAK activity that escapes JAK inhibitors at full persistence")
    ki = f"{cell}__Ki_JAK1"
    x = f"(({expr})/{ki})"  # Σ C/IC50_cellular of the JAK inhibitors at this cell
    occ = b.rule(f"{cell}__JAKi_occupancy", f"{x}/(1 + {x})", "dimensionless", f"{cell}: JAK occupancy by inhibitors",
                 "fraction of the cell's JAKs bound by JAK inhibitors, Σ C/IC50 / (1 + Σ C/IC50)")
    a = b.species(f"{cell}__JAKi_persistence", f"{cell}__cytoplasm", 0.0, "au",
                  f"{cell}: JAK-inhibitor persistence (0..1; JAK2 trans-activation by JAK1/TYK2)")
    src = E("Koppikar et al. 2012 Nature 489:155 (JAK2 inhibitor persistence, reversible)")
    b.reaction(f"{a}__onset", [], [a], f"{k}*{occ}", f"{cell}__cytoplasm",
               "persistence builds under chronic JAK occupancy", src)
    b.reaction(f"{a}__reversal", [a], [], f"{k}*{a}", f"{cell}__cytoplasm",
               "persistence reverses (drug withdrawn: resensitization)", src)
    return f"({expr})*(1 - {f}*{a})/(1 + {f}*{a}*{x})"


def cells_of(b: NetworkBuilder) -> list[str]:
    """The cell types whose signaling module is in the builder (in the order added)."""
    return [rid[: -len("__STAT3_phos")] for rid in b._rxns if rid.endswith("__STAT3_phos")]


def potency(drug: Drug, kinds: tuple[str, ...] = ("IC50", "Ki", "Kd", "EC50", "DC50")) -> tuple[float, str]:
    """The drug's potency at the cell (nM, free drug) and where it comes from: a cellular
    value if the catalog has one, else a cell-free one × the catalog's ``cell_shift``."""
    pots = [p for p in drug.potency if p.kind in kinds]
    cellular = [p for p in pots if p.context == "cellular"]
    if cellular:
        p = cellular[0]
        return p.nM, f"{p.kind} {p.value:g} {p.unit}, cellular ({p.assay}): {p.source}"
    if pots:
        p = pots[0]
        shift = load_catalog().pd_param(drug, "cell_shift")
        if p.context == "cell_free" and shift is not None and drug.class_ not in ("antibody", "fusion_protein"):
            return p.nM * shift.canonical(), (f"{p.kind} {p.value:g} {p.unit}, cell-free ({p.assay}) × cell shift "
                                              f"{shift.canonical():g} ({shift.source}): {p.source}")
        return p.nM, f"{p.kind} {p.value:g} {p.unit}, {p.context} ({p.assay}): {p.source}"
    raise TherapyError("drug", f"{drug.name}: the catalog has no potency ({', '.join(kinds)}), so it cannot act")


def _value(drug: Drug, key: str, default: tuple[float, str]) -> tuple[float, str]:
    """A PD constant in the catalog's canonical unit (``Catalog.pd_param``: the drug's own,
    its class default, a built-in one), else ``default``."""
    q = load_catalog().pd_param(drug, key)
    if q is None:
        return default
    return float(q.canonical()), str(q.source)


def add_therapies(b: NetworkBuilder, regimens: list[Regimen], patient: Patient | None = None) -> list[Therapy]:
    """Add every regimen's PK and PD to a TME builder; returns what was added."""
    inputs = _Inputs()
    out = []
    seen = set()
    for reg in regimens:
        if reg.drug.name in seen:
            raise TherapyError("therapy", f"{reg.drug.name} is given twice; write one regimen per drug")
        seen.add(reg.drug.name)
        th = Therapy(reg, add_pk(b, reg, patient))
        _MECHANISMS[_mechanism_key(reg.drug)](b, th, inputs)
        _mass_observables(b, th)
        out.append(th)
    inputs.apply(b)
    return out


def _mechanism_key(drug: Drug) -> str:
    t = drug.target.upper()
    if drug.mechanism == "atp_competitive_kinase_inhibition":
        return "tgfbr1" if "TGFBR" in t or "ALK5" in t else "jak"
    if drug.mechanism == "transcription_inhibition":
        return "gli1" if "GLI" in t else "stat3_transcription"
    if drug.mechanism == "receptor_blockade":
        if t in ("SMO",):
            return "gli1"
        return "receptor"
    if drug.mechanism in ("hormone_receptor_antagonism", "hormone_receptor_degradation"):
        return "er"
    return drug.mechanism


# ------------------------------------------------------------------ helpers
def _par(b: NetworkBuilder, th: Therapy, name: str, value: float, unit: str, source: str, desc: str) -> str:
    return b.parameter(f"{th.pk.prefix}__{name}", value, unit, E(source), desc)


def _potency_par(b: NetworkBuilder, th: Therapy, kinds=("IC50", "Ki", "Kd", "EC50", "DC50")) -> str:
    v, src = potency(th.regimen.drug, kinds)
    th.potency_nM, th.potency_source = v, src
    return _par(b, th, "IC50_cell", v, "nM", src, "potency at the cell (free drug)")


def _clearance_rate(th: Therapy, b: NetworkBuilder | None = None) -> str:
    """The antibody's linear elimination rate constant (1/min): CL/V1. A constant exposure
    has no PK compartments, so the rate is the catalog's CL/V1 (70-kg patient) as a number."""
    p = th.pk.prefix
    if not getattr(th.regimen, "is_exposure", False):
        return f"{p}__CL*pk_pL_min_per_mL_day/{p}__V1"
    pk = th.regimen.drug.pk
    if pk is None or pk.CL is None or pk.V1 is None:
        raise TherapyError("drug", f"{th.regimen.drug.name}: a constant exposure of a ligand- or receptor-binding "
                                   "drug needs the catalog's CL and V1 to clear its complexes in blood")
    k = pk.CL.canonical(weight_kg=70.0, bsa_m2=1.8) / pk.V1.canonical(weight_kg=70.0, bsa_m2=1.8) / 1440.0
    return b.parameter(f"{p}__k_complex_clear", k, "1/min", f"CL/V1 of the catalog ({pk.CL.source}; {pk.V1.source}), "
                       "70-kg patient", "clearance of drug·target complexes in blood (the antibody's CL/V1)")


def _kon_koff(b: NetworkBuilder, th: Therapy, soluble: bool = False) -> tuple[str, str]:
    """kon and koff (= kon·Kd) of an antibody or decoy; ``soluble``: the catalog's Kd
    measured on the soluble receptor if it has one (tocilizumab: sIL-6R 0.71 nM)."""
    drug = th.regimen.drug
    kon_v, kon_src = _value(drug, "kon", KON_DEFAULT)
    kon = _par(b, th, "kon", kon_v, "1/(nM*min)", kon_src, "association rate to its target")
    sol = [p for p in drug.potency if p.kind == "Kd" and ("sIL" in p.assay or "soluble" in p.assay.lower())]
    if soluble and sol:
        p = sol[0]
        kd = _par(b, th, "Kd_soluble", p.nM, "nM", p.source, f"Kd for the soluble receptor ({p.assay})")
        return kon, f"{kon}*{kd}"
    kd = _potency_par(b, th, ("Kd", "Ki", "IC50"))
    return kon, f"{kon}*{kd}"


def _bind(b: NetworkBuilder, th: Therapy, rid: str, target: str, complex_: str, drug_conc: str, comp: str,
          kon: str, koff: str, what: str) -> None:
    b.reaction(rid, [target], [complex_], f"{kon}*{drug_conc}*{target} - {koff}*{complex_}", comp,
               f"{th.regimen.drug.name} binds {what}", E(th.potency_source or "catalog potency"))


def _soluble_complexes(b: NetworkBuilder, th: Therapy, target: str, blood_target: str, kon: str, koff: str,
                       what: str, bone_target: str | None = None, bone_exchange: str | None = None) -> tuple[str, str]:
    """Drug·target complexes in the interstitium (exchanging with blood), in blood (cleared
    at the antibody's rate) and, if given, in the bone niche."""
    p = th.pk.prefix
    cm = b.species(f"{p}__{target}_medium", "medium", 0.0, "nM", f"{th.regimen.drug.name}·{what} (interstitium)")
    _bind(b, th, f"{p}__bind_{target}_medium", target, cm, th.pk.tumor, "medium", kon, koff, f"{what} (interstitium)")
    th.acts_on.append(what)
    if not b.has("blood"):  # a cell in culture: the complex stays in the medium
        return cm, cm
    cb = b.species(f"{p}__{target}_blood", "blood", 0.0, "nM", f"{th.regimen.drug.name}·{what} (blood)")
    _bind(b, th, f"{p}__bind_{target}_blood", blood_target, cb, th.pk.free_plasma, "blood", kon, koff, f"{what} (blood)")
    b.reaction(f"{p}__exchange_{target}", [cm], [cb], f"k_exchange*({cm} - {cb})", "medium",
               f"{th.regimen.drug.name}·{what} exchange interstitium ⇄ blood", E("as the free ligand (k_exchange)"))
    b.reaction(f"{p}__clear_{target}", [cb], [], f"{_clearance_rate(th, b)}*{cb}", "blood",
               f"{th.regimen.drug.name}·{what} cleared with the antibody (CL/V1)",
               E("immune complexes of a ligand with an IgG follow the IgG's clearance (assumed)"))
    if bone_target is not None:
        cx = b.species(f"{p}__{target}_bone", "bone_if", 0.0, "nM", f"{th.regimen.drug.name}·{what} (bone niche)")
        _bind(b, th, f"{p}__bind_{target}_bone", bone_target, cx, th.pk.bone, "bone_if", kon, koff,
              f"{what} (bone niche)")
        b.reaction(f"{p}__exchange_{target}_bone", [cx], [cb], f"{bone_exchange}*({cx} - {cb})", "bone_if",
                   f"{th.regimen.drug.name}·{what} bone niche ⇄ blood", E("as the free ligand"))
    return cm, cb


def _mass_observables(b: NetworkBuilder, th: Therapy) -> None:
    pk = th.pk
    if getattr(th.regimen, "is_exposure", False) or not (pk.mw_g_mol > 0):  # a set concentration: no plasma
        return
    scale = 1e6 if pk.mass_unit == "ug/mL" else 1e3
    unit = pk.mass_unit
    b.observable(f"{pk.prefix}__obs__plasma_mass", f"{pk.central}*{pk.mw_g_mol!r}/{scale!r}", unit,
                 pk.plasma_column, f"{th.regimen.drug.name}: total plasma concentration")


# ------------------------------------------------------------------ mechanisms
def _ligand(b: NetworkBuilder, th: Therapy, inputs: _Inputs) -> None:
    from ..model.signaling.parameters import LIGANDS

    lig = th.regimen.drug.target.replace("-", "").upper()
    lig = {"IL6": "IL6", "IL11": "IL11"}.get(lig)
    if lig is None:
        raise TherapyError("drug", f"{th.regimen.drug.name}: ligand target {th.regimen.drug.target!r} is not modelled")
    kon, koff = _kon_koff(b, th)
    bone = ("bone_IL11", "met_k_IL11_bone_loss") if lig == "IL11" and b.has("bone_IL11") else (None, None)
    _, cb = _soluble_complexes(b, th, lig, f"blood__{lig}", kon, koff, lig, *bone)
    if not b.has("blood"):
        return
    k = LIGANDS[lig][0] * 1000
    b.observable(f"{th.pk.prefix}__obs__serum_{lig}_total", f"(blood__{lig} + {cb})*{k!r}", "pg/mL",
                 f"serum_{lig}_total_pg_mL", f"serum {lig}, free + bound to {th.regimen.drug.name} (what an assay "
                 "that sees complexes measures)")


def _receptor(b: NetworkBuilder, th: Therapy, inputs: _Inputs) -> None:
    t = th.regimen.drug.target.replace("-", "").upper()
    rec = {"IL6R": "IL6R", "IL11RA": "IL11RA", "IL11R": "IL11RA"}.get(t)
    if rec is None:
        raise TherapyError("drug", f"{th.regimen.drug.name}: receptor {th.regimen.drug.target!r} is not modelled")
    kon, koff = _kon_koff(b, th)
    p = th.pk.prefix
    for cell in cells_of(b):
        r = f"{cell}__{rec}"
        if not b.has(r):
            continue
        rb = b.species(f"{cell}__{rec}_{p}", f"{cell}__cytoplasm", 0.0, "nM",
                       f"{cell}: {rec} bound by {th.regimen.drug.name}")
        _bind(b, th, f"{cell}__{rec}__bind_{p}", r, rb, th.pk.tumor, f"{cell}__cytoplasm", kon, koff,
              f"membrane {rec} of {cell}")
        b.reaction(f"{rb}__turnover", [rb], [], f"{cell}__k_receptor_turnover*{rb}", f"{cell}__cytoplasm",
                   f"{rec}·{th.regimen.drug.name} turns over like the free receptor", E("assumed"))
    liver = {"IL6R": "liver_IL6R_blocked", "IL11RA": "liver_IL11RA_blocked"}[rec]
    if b.has(liver):  # hepatocytes see the free plasma concentration
        b.contribute(liver, f"{th.pk.free_plasma}/({th.pk.free_plasma} + {koff}/{kon})")
        th.acts_on.append(f"hepatocyte {rec}")
    sol = {"IL6R": "sIL6R", "IL11RA": "sIL11R"}[rec]
    kon_s, koff_s = _kon_koff(b, th, soluble=True)
    if b.has(sol):
        _soluble_complexes(b, th, sol, f"blood__{sol}", kon_s, koff_s, f"soluble {rec}")
    th.acts_on.append(f"membrane {rec} (every cell type)")
    if rec == "IL11RA" and b.has("bone_IL11RA_free"):
        b.contribute("bone_IL11RA_blocked", f"{th.pk.bone}/({th.pk.bone} + {koff}/{kon})")
        th.acts_on.append("bone-niche IL-11RA")


def _decoy(b: NetworkBuilder, th: Therapy, inputs: _Inputs) -> None:
    """IL-6·sIL-6R (the trans-signaling complex) exists in the interstitium only: the decoy
    binds it there; the complex leaves with the interstitial fluid (k_exchange) into blood,
    where it is cleared."""
    kon, koff = _kon_koff(b, th)
    p = th.pk.prefix
    cm = b.species(f"{p}__IL6_sIL6R_medium", "medium", 0.0, "nM", f"{th.regimen.drug.name}·IL-6·sIL-6R")
    _bind(b, th, f"{p}__bind_IL6_sIL6R_medium", "IL6_sIL6R", cm, th.pk.tumor, "medium", kon, koff, "IL-6·sIL-6R")
    if b.has("k_exchange"):
        b.reaction(f"{p}__drain_IL6_sIL6R", [cm], [], f"k_exchange*{cm}", "medium",
                   f"{th.regimen.drug.name}·IL-6·sIL-6R drains to blood and is cleared there", E("assumed"))
    th.acts_on.append("IL-6·sIL-6R (trans-signaling)")


def _drive_input(b: NetworkBuilder, th: Therapy, inputs: _Inputs, name: str, ref: str, kinds=("IC50", "Ki", "Kd"),
                 cells: list[str] | None = None, conc: str | None = None) -> None:
    ic = _potency_par(b, th, kinds)
    for cell in cells or cells_of(b):
        pid = f"{cell}__{name}"
        if b.has(pid):
            inputs.add(pid, f"{conc or th.pk.tumor}*{cell}__{ref}/{ic}")
            th.acts_on.append(f"{cell}: {name}")


def _jak(b, th, inputs):
    _drive_input(b, th, inputs, "I_JAK", "Ki_JAK1")
    inputs.persistent.update(f"{c}__I_JAK" for c in cells_of(b) if b.has(f"{c}__I_JAK"))
    if b.has("liver_JAK_block"):
        b.contribute("liver_JAK_block", f"{th.pk.free_plasma}/{th.pk.prefix}__IC50_cell")
        th.acts_on.append("hepatocyte JAK")


def _sh2(b, th, inputs):
    _drive_input(b, th, inputs, "I_STAT3_SH2", "Ki_SH2_STAT3")


def _gp130(b, th, inputs):
    _drive_input(b, th, inputs, "I_gp130", "IC50_gp130")


def _er(b, th, inputs):
    pk = th.pk
    parent = [p for p in th.regimen.drug.potency if "parent" in p.assay.lower()]
    if pk.metabolite_tumor and parent:  # the parent's own potency (tamoxifen ~100× weaker than endoxifen)
        p0 = parent[0]
        ic = _par(b, th, "IC50_cell", p0.nM, "nM", p0.source, f"potency of the parent drug ({p0.assay})")
        th.potency_nM, th.potency_source = p0.nM, p0.source
        inputs.add("tumor__I_ER", f"{pk.tumor}*tumor__Ki_ER/{ic}")
        th.acts_on.append("tumor: I_ER")
    else:
        _drive_input(b, th, inputs, "I_ER", "Ki_ER", cells=["tumor"])
    if pk.metabolite_tumor:  # tamoxifen's endoxifen: the catalog's metabolite potency if given
        drug = th.regimen.drug
        met = [p for p in drug.potency if pk.metabolite_name and pk.metabolite_name.lower() in p.assay.lower()]
        if met:
            m = _par(b, th, f"IC50_{pk.metabolite_name}", met[0].nM, "nM", met[0].source, f"{pk.metabolite_name} potency")
        else:
            m = f"{pk.prefix}__IC50_cell"
        inputs.add("tumor__I_ER", f"{pk.metabolite_tumor}*tumor__Ki_ER/{m}")
    if th.regimen.drug.mechanism == "hormone_receptor_degradation":
        _er_degradation(b, th)


def _er_degradation(b: NetworkBuilder, th: Therapy) -> None:
    """A SERD's occupancy-driven ERα degradation in the tumor cell (module docstring)."""
    a = "tumor__ERa_activity"
    if not b.has(a):  # a cell without the ERα module (TNBC presets, single-cell checks)
        return
    drug = th.regimen.drug
    kd_v, kd_src = _value(drug, "kdeg_max", (0.55 * 24, "assumed: drug-bound ERα t½ ~1 h vs ~5 h basal "
                                                         "(Dauvois 1992, ICI 164,384)"))
    kdeg = _par(b, th, "kdeg_ERa", kd_v / 1440.0, "1/min", kd_src,
                "extra degradation rate of ERα bound by the degrader (over basal turnover)")
    r = "tumor__ERa_protein"
    if not b.has(r):
        k0 = b.parameter("k_ERa_turnover", K_ERA_TURNOVER[0], "1/min", E(K_ERA_TURNOVER[1]),
                         "basal ERα protein synthesis/degradation rate (added with a SERD)")
        b.species(r, "tumor__nucleus", 1.0, "au", "tumor: ERα protein (relative to untreated)")
        b.reaction(f"{r}__synthesis", [], [r], k0, "tumor__nucleus", "ERα synthesis (balances basal turnover)",
                   E(K_ERA_TURNOVER[1]))
        b.reaction(f"{r}__degradation", [r], [], f"{k0}*{r}", "tumor__nucleus", "ERα basal turnover",
                   E(K_ERA_TURNOVER[1]))
        b.modifier(f"{a}__activation", r, E("degraded ERα has neither E2-driven nor ligand-independent activity"),
                   "ERα protein left (SERD-induced degradation)")
        # under the first SERD's prefix, so treated runs report it with the drug's readouts
        b.observable(f"{th.pk.prefix}__obs__tumor_ERa_protein", r, "au", "tumor.ERa_protein",
                     "tumor ERα protein relative to untreated (SERD-induced degradation)")
    ic = f"{th.pk.prefix}__IC50_cell"
    occ = b.rule(f"{th.pk.prefix}__ERa_occupancy",
                 f"({th.pk.tumor}/{ic})/(1 + E2/tumor__Kd_E2_ERa + tumor__I_ER/tumor__Ki_ER)", "dimensionless",
                 f"tumor: ERα share bound by {drug.name}",
                 "the degrader's share of ERα, competing with estradiol and every ER blocker at the cell")
    b.observable(f"{th.pk.prefix}__obs__ERa_occupancy", occ, "dimensionless", f"{drug.name}_ERa_occupancy",
                 f"tumor ERα share bound by {drug.name}")
    b.reaction(f"{r}__degradation_{th.pk.prefix}", [r], [], f"{kdeg}*{occ}*{r}", "tumor__nucleus",
               f"{drug.name}-bound ERα is turned over faster", E(kd_src))
    th.acts_on.append("tumor: ERα protein (degradation)")


def _modify(b: NetworkBuilder, th: Therapy, targets: list[str], conc: str, kinds=("IC50", "Ki", "Kd", "EC50")) -> str:
    """Multiply each target reaction by ``1/(1 + C/IC50)``; returns the potency parameter."""
    ic = _potency_par(b, th, kinds)
    for rid in targets:
        b.modifier(rid, f"1/(1 + {conc}/{ic})", E(th.potency_source), f"{th.regimen.drug.name} inhibition")
        th.acts_on.append(rid)
    return ic


def _stat3_transcription(b, th, inputs):
    # downstream of DNA binding: pY705, nuclear import and DNA binding are untouched
    # (pyrimethamine; Heppler et al. 2021 J Biol Chem), so the drug lowers the STAT3
    # transcriptional activity every target gene reads (signaling/feedback.stat3_tf)
    _drive_input(b, th, inputs, "I_STAT3_tx", "IC50_STAT3_tx")


def _tgfbr1(b, th, inputs):
    targets = [f"{c}__SMAD_active_nuc__activation" for c in ("tumor", "caf") if b.has(f"{c}__SMAD_active_nuc")]
    ic = _modify(b, th, targets + (["caf_activation"] if b.has("caf_activation") else []), th.pk.tumor)
    if b.has("TGFBR1_inhibition"):  # TGF-β signaling in effector T cells (tme/model.add_tgfb)
        b.contribute("TGFBR1_inhibition", f"{th.pk.tumor}/{ic}")
        th.acts_on.append("effector T-cell TGFBR1")


def _cox2(b, th, inputs):
    _modify(b, th, ["macrophage_PGE2_release"], th.pk.tumor)


def _gli1(b, th, inputs):
    _modify(b, th, ["tumor__GLI1__synthesis"], th.pk.tumor)


def _checkpoint(b, th, inputs):
    kd = _potency_par(b, th, ("Kd", "IC50", "EC50"))
    b.contribute("checkpoint_block", f"{th.pk.tumor}/({th.pk.tumor} + {kd})")
    th.acts_on.append("PD-1/PD-L1 axis (checkpoint_block)")


#: acquired resistance of a cytotoxic drug (1/day at full occupancy): assumed, calibrated so
#: that the nominal tnbc patient on IMpassion130's control arm (nab-paclitaxel 100 mg/m2
#: d1,8,15 q28d) progresses by RECIST at the 24-week scan (168 d, 5.5 months: the arm's
#: median PFS, FACTS-TRIALS.md), together with nab-paclitaxel's Emax (catalog);
#: examples/calibrate_chemo_resistance.py
K_RESISTANCE = (0.6, "assumed, calibrated: IMpassion130 control arm median PFS 5.5 months (FACTS-TRIALS.md) "
                     "for the nominal tnbc patient; examples/calibrate_chemo_resistance.py")


def _cytotoxic(b, th, inputs):
    """Extra tumor-cell apoptosis ``Emax·C/(EC50 + C)`` per day (the catalog's Emax, 1/day)."""
    drug = th.regimen.drug
    ec = _potency_par(b, th, ("EC50", "IC50"))
    emax_v, emax_src = _value(drug, "Emax", (0.5, "assumed: maximal extra tumor apoptosis 0.5/day at saturating "
                                                  "exposure"))
    emax = _par(b, th, "Emax", emax_v, "1/day", emax_src, "maximal extra tumor apoptosis rate")
    C = th.pk.tumor
    p = th.pk.prefix
    # acquired resistance: the kill decays as exp(-R), R accumulating with the drug's
    # occupancy (the Claret 2009 tumor-growth-inhibition form, KD·exp(−λt), with time
    # on drug replaced by time at full occupancy, so drug holidays do not add to it)
    k_res = _par(b, th, "k_resistance", K_RESISTANCE[0], "1/day", K_RESISTANCE[1],
                 "acquired resistance per day at full occupancy")
    pdc = b.compartment(f"{p}__pd_state", 1.0, "pL", f"{drug.name}: bookkeeping of PD states (fixed volume)",
                        "definition")
    R = b.species(f"{p}__resistance", pdc, 0.0, "dimensionless", f"{drug.name}: acquired resistance (kill × exp(−R))")
    b.reaction(f"{p}__resistance_gain", [], [R], f"{k_res}*{C}/({ec} + {C})*pop_on/min_per_day", pdc,
               f"{drug.name}: resistance accumulates with occupancy", E(K_RESISTANCE[1]))
    b.reaction(f"{p}__tumor_kill", ["tumor_cells"], ["tumor_dead"],
               f"({emax}*{C}/({ec} + {C}))*exp(-{R})*tumor_cells*pop_on/min_per_day", "tumor",
               f"{drug.name}: cytotoxic tumor-cell death", E(th.potency_source))
    th.acts_on.append("tumor-cell death")


def _degrader(b, th, inputs):
    drug = th.regimen.drug
    dc = _potency_par(b, th, ("DC50", "IC50", "Kd"))
    dmax_v, dmax_src = _value(drug, "Dmax", (0.95, "assumed: near-complete degradation at saturating exposure"))
    kd_v, kd_src = _value(drug, "kdeg_max", (12.0, "assumed: drug-induced STAT3 degradation up to 0.5 h⁻¹"))
    unit_kd = 1.0 / 1440.0  # the catalog's canonical 1/day -> 1/min
    dmax = _par(b, th, "Dmax", dmax_v, "dimensionless", dmax_src, "maximal degraded fraction")
    kdeg = _par(b, th, "kdeg_max", kd_v * unit_kd, "1/min", kd_src, "maximal drug-induced STAT3 degradation rate")
    kt = b.parameter("k_STAT3_turnover", K_STAT3_TURNOVER[0], "1/min", E(K_STAT3_TURNOVER[1]),
                     "STAT3 protein synthesis/degradation (added with a degrader)")
    C = th.pk.tumor
    # the degradation rate that leaves (1 − Dmax) of STAT3 at saturation balances synthesis
    drug_rate = f"{kdeg}*{dmax}*{C}/({dc} + {C})"
    for cell in cells_of(b):
        b.reaction(f"{cell}__STAT3_synthesis", [], [f"{cell}__STAT3_cyt"],
                   f"{kt}*{cell}__STAT3_total0*{cell}__lvl_STAT3", f"{cell}__cytoplasm", "STAT3 synthesis",
                   E(K_STAT3_TURNOVER[1]))
        for sp in _stat3_forms(b, cell):
            comp = b._species[sp].compartment
            b.reaction(f"{sp}__degradation_{th.pk.prefix}", [sp], [], f"({kt} + {drug_rate})*{sp}", comp,
                       f"STAT3 turnover + {drug.name}-induced degradation", E(th.potency_source))
        th.acts_on.append(f"{cell}: STAT3 protein")


def _stat3_forms(b: NetworkBuilder, cell: str) -> list[str]:
    return [sid for sid in b._species if sid.startswith(f"{cell}__STAT3") and "mRNA" not in sid
            and "STAT1_STAT3" not in sid] + [sid for sid in b._species if sid.startswith(f"{cell}__STAT1_STAT3")]


_MECHANISMS = {
    "ligand_sequestration": _ligand, "receptor": _receptor, "receptor_decoy": _decoy, "jak": _jak,
    "sh2_dimerisation_inhibition": _sh2, "gp130_interface_inhibition": _gp130, "er": _er,
    "stat3_transcription": _stat3_transcription, "tgfbr1": _tgfbr1, "enzyme_inhibition": _cox2, "gli1": _gli1,
    "checkpoint_blockade": _checkpoint, "cytotoxic": _cytotoxic, "induced_degradation": _degrader,
}


def cell_network(cell: str, regimens: list[Regimen], overrides: dict | None = None):
    """One cell of a signaling preset (``stat3sim.model.cells``) in culture medium with the
    regimens' drugs (constant-exposure regimens, ``"ruxolitinib 300 nM continuous"``, are the
    natural choice here): returns (Network, therapies)."""
    from ..model.cells import cell_type
    from ..model.signaling import add_cell

    ov = dict(cell_type(cell).overrides)
    ov.update(overrides or {})
    b = NetworkBuilder(f"stat3sim_{cell}_treated")
    add_cell(b, cell, ov, nfkb=True)
    ths = add_therapies(b, regimens)
    return b.build(), ths


__all__ = ["add_therapies", "cell_network", "Therapy", "potency"]
