"""The tumor-microenvironment layer: build a scenario's Network, simulate it in days.

>>> from stat3sim.scenarios import load_scenario
>>> from stat3sim.model.tme import simulate
>>> run = simulate(load_scenario("tnbc"), days=30)       # doctest: +SKIP
>>> run.frame[["time_days", "tumor_volume_mm3"]].tail(1)  # doctest: +SKIP

A scenario (``stat3sim.scenarios.Scenario``) names a subtype, initial cells, parameter
overrides, lineage knock-outs (``myeloid:STAT3``), depletions and stimuli; an ``Arm``
(a standard comparison) adds its own on top. :func:`build` turns both into a Network;
:func:`simulate` holds the tumor at its day-0 size (``initial_diameter_mm``, ``initial_volume_mm3``
or a tumor cell count; 25 mm by default) while the other populations, dead cells, signaling
and cytokines settle around it, then runs ``days`` of dynamics and returns daily readouts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from ..network import Evidence, Network, NetworkError
from ..signaling.parameters import LIGANDS
from .lineages import CELL_TYPES, LINEAGES, SUBTYPES, cells_of
from .model import DEFAULT_CELLS, MODULES, initial_cells, tme_network
from .parameters import TME
from .subtypes import SUBTYPES as SUBTYPE_OVERRIDES

#: recruitment parameters zeroed when a cell type is depleted
RECRUITMENT = {
    "tumor": (), "adipocyte": (),
    "macrophage": ("k_mono_rec",), "neutrophil": ("k_neut_rec",), "mdsc": ("k_mdsc_rec",),
    "dc": ("k_dc_rec",), "cd8": ("k_cd8_rec",), "cd4": ("k_cd4_rec",), "caf": ("k_caf_act",),
    "mets_bone": ("met_tropism_bone",), "mets_lung": ("met_tropism_lung",), "mets_liver": ("met_tropism_liver",),
}
#: initial metastatic cells a scenario may set (``cells: {mets_bone: 1e9}``); depleting
#: one stops seeding of that organ
METASTASIS_SITES = ("mets_bone", "mets_lung", "mets_liver")

#: the tumor's day-0 diameter when a scenario gives neither its size nor its cell count (mm):
#: QSP-IO TNBC's initial diameter, 2.5 cm (ANCHORS-QSP.md)
DEFAULT_DIAMETER_MM = 25.0
#: before day 0, populations settle around the held tumor for this long (days): ≥ 10
#: time constants of the slowest population turnover (macrophages, k_mac_death 0.02/day)
SETTLE_DAYS = 600.0
#: cell volume parameter of each cell type that adds to the tumor volume (adipocytes and
#: metastases do not)
_CELL_VOLUME = {"tumor": "vol_tumor_cell", "macrophage": "vol_macrophage", "neutrophil": "vol_myeloid",
                "mdsc": "vol_myeloid", "dc": "vol_myeloid", "cd8": "vol_t_cell", "cd4": "vol_t_cell",
                "caf": "vol_caf"}


def diameter_to_volume_mm3(diameter_mm: float) -> float:
    """Volume (mm³) of the sphere of that diameter (mm)."""
    return math.pi / 6.0 * float(diameter_mm) ** 3


def volume_to_diameter_mm(volume_mm3: float) -> float:
    """Diameter (mm) of the sphere of that volume (mm³)."""
    return (6.0 * float(volume_mm3) / math.pi) ** (1.0 / 3.0)


def day0_size_mm3(scenario, arm=None) -> float | None:
    """The tumor volume (mm³) a run holds before day 0, or None when it holds the tumor cell
    count instead (``cells: {tumor: N}`` in the scenario or the arm, or a tumor depletion).
    A scenario's ``initial_volume_mm3`` or ``initial_diameter_mm``, else
    :data:`DEFAULT_DIAMETER_MM`."""
    depl = list(getattr(scenario, "depletions", ())) + (list(arm.depletions) if arm else [])
    if "tumor" in depl or "tumor" in (arm.cells if arm else {}) or "tumor" in scenario.cells:
        return None
    vol = getattr(scenario, "initial_volume_mm3", None)
    if vol is not None:
        return float(vol)
    diameter = getattr(scenario, "initial_diameter_mm", None)
    return diameter_to_volume_mm3(DEFAULT_DIAMETER_MM if diameter is None else diameter)


def _scaled_to(cells: dict[str, float], volume_mm3: float) -> dict[str, float]:
    """``cells`` with the tumor and its stroma and leukocytes scaled together to fill
    ``volume_mm3`` (Σ cells × cell volume / Ve_T + V_T_min, the model's tumor volume):
    the starting point the pre-simulation then settles (metastases keep their counts)."""
    cell_pL = sum(cells[c] * TME[v][0] for c, v in _CELL_VOLUME.items())
    want_pL = max(volume_mm3 * 1e-3 - TME["V_T_min"][0], 0.0) * 1e9 * TME["Ve_T"][0]
    f = want_pL / cell_pL if cell_pL > 0 else 0.0
    return {c: n * f if c not in METASTASIS_SITES else n for c, n in cells.items()}


#: the readouts of a TME run, in order (``<cell>.pSTAT3`` for every cell type follow)
DEFAULT_READOUTS = (
    "tumor_volume_mm3", "tumor_diameter_mm", "tumor_cells", "tumor.pSTAT3", "tumor.EMT_index", "tumor.invasion",
    "tumor.pSTAT3_nuclear_nM",  # absolute, beside the index: nM in the nucleus
    "tumor.PDL1", "M2_fraction", "macrophage_count", "MDSC_count", "neutrophil_count", "CD8_count",
    "CD8_effector_count", "CD8_exhausted_fraction", "CD8_per_mL", "CD4_count", "Th17_fraction", "DC_mature_fraction",
    "adipocyte_count", "serum_IL6_pg_mL", "serum_IL11_pg_mL", "serum_TNFa_pg_mL", "tumor_IL6_pg_mL",
    "tumor_IL11_pg_mL", "tumor_TNFa_pg_mL", "PGE2_nM", "macrophage.COX2", "tumor.CXCR4",
    # metastatic niches (every scenario)
    "mets_bone", "mets_lung", "mets_liver", "lesions_bone", "lesions_lung", "lesions_liver", "metastatic_burden",
    "metastatic_sites", "shed_flux", "shed_survival", "tumor.IL11_signal", "H_niche_bone", "H_niche_lung",
    "H_niche_liver", "bone_osteoclast_count", "bone_osteoblast_count", "bone_mass_pct", "bone_RANKL_OPG_ratio",
    "bone_IL11_pg_mL", "serum_TGFb_pg_mL", "tumor_TGFb_pg_mL", "caf_count", "tumor.IL11_mRNA", "caf.IL11_secretion",
    "tumor.IL11_secretion", "caf.SMAD_activity", "tumor.ATB", "serum_CRP_mg_L", "tumor.proliferation_per_day", "tumor.apoptosis_per_day",
    "tumor.SOCS3_mRNA", "tumor.IL6ST", "tumor.STAT3_total", "tumor.ERa_activity", "tumor.growth_drive", "tumor.NOTCH3", "tumor.CD133_index",
) + tuple(f"{c}.pSTAT3" for c in CELL_TYPES if c != "tumor")

#: literature ranges shown next to the model's serum levels: id -> (low, high, source)
SERUM_RANGES = {
    "serum_IL6_pg_mL": (1.0, 50.0, "healthy < 5 pg/mL; raised in metastatic breast cancer (review [62-65]; assumed range)"),
    "serum_IL11_pg_mL": (66.0, 243.0, "controls ~66, bone metastasis ~243 (Ren 2014, FACTS; unit unclear)"),
    "serum_TNFa_pg_mL": (1.0, 20.0, "assumed: healthy adults a few pg/mL"),
}


@dataclass
class Arm:
    """One simulated condition: a name and what it changes relative to the scenario."""

    name: str
    description: str = ""
    knockouts: list[str] = field(default_factory=list)
    depletions: list[str] = field(default_factory=list)
    parameters: dict[str, float] = field(default_factory=dict)
    cells: dict[str, float] = field(default_factory=dict)
    mimics: list[str] = field(default_factory=list)  # "cell:miR-124[=fold]"
    therapies: list[str] = field(default_factory=list)  # regimens, "tocilizumab 8 mg/kg iv q4w"


def _arm(a) -> Arm:
    """A scenario file's comparison (``scenarios.Arm``) as a simulation :class:`Arm`."""
    return Arm(a.name, a.description, list(a.knockouts), list(a.depletions), dict(a.parameters), dict(a.cells),
               list(a.mimics), list(a.therapies))


#: the four comparisons ``stat3sim run`` adds to a scenario without comparisons of its own
#: (``--no-standard-arms`` leaves them out)
STANDARD_ARM_NAMES = ("tumor STAT3 KO", "myeloid STAT3 KO", "hematopoietic STAT3 KO", "IL-6 KO")
#: arm names ``run`` gives its references; a scenario's comparison may not take them
RESERVED_ARM_NAMES = ("wild type", "no treatment")


def standard_arms(scenario, standard: bool = True) -> list[Arm]:
    """The untreated arms of ``stat3sim run``, wild type first: the scenario's comparisons
    that give no therapy, or, when it has none, the four standard knock-outs (tumor,
    myeloid, hematopoietic STAT3; IL-6 everywhere; none with ``standard=False``, nor for
    ``comparisons: []``, which asks for the wild type alone). Comparisons that give a
    therapy are treated arms (:func:`therapy_arms`) and do not take the standard arms' place."""
    arms = [Arm("wild type", "the scenario as written")]
    own = [_arm(a) for a in (scenario.comparisons or ()) if not a.therapies]
    if own:
        return arms + own
    if not standard or scenario.comparisons == []:
        return arms
    return arms + [
        Arm("tumor STAT3 KO", "STAT3 deleted in tumor cells", ["tumor:STAT3"]),
        Arm("myeloid STAT3 KO", "STAT3 deleted in macrophages, MDSCs, neutrophils, DCs (c-fms-iCre/LysM-cre-like)",
            ["myeloid:STAT3"]),
        Arm("hematopoietic STAT3 KO", "STAT3 deleted in all leukocytes (Mx1-cre-like)", ["hematopoietic:STAT3"]),
        Arm("IL-6 KO", "IL-6 knocked out in every cell and the host", IL6_KO_ALL),
    ]


#: the standard therapy arms of ``stat3sim run`` (regimens as in ``therapy/data/drugs.yaml``;
#: each source there); scenarios not listed have none
THERAPY_ARMS = {
    "tnbc": [
        ("no treatment", "untreated reference", []),
        ("tocilizumab", "anti-IL-6R, label regimen", ["tocilizumab 8 mg/kg iv q4w"]),
        ("siltuximab", "anti-IL-6, label regimen", ["siltuximab 11 mg/kg iv q3w"]),
        ("bazedoxifene", "gp130 blocker (approved SERM dose)", ["bazedoxifene 20 mg po qd"]),
        ("olamkicept", "sgp130Fc, IL-6 trans-signaling decoy (phase II dose)", ["olamkicept 600 mg iv q2w"]),
        ("ruxolitinib", "JAK1/2 inhibitor at 25 mg bid: labelled maximum and RP2D in breast cancer (Kearney 2021), "
                        "the regimen of claim THx-5; the phase II TNBC trial's own dose (NCT01562873) is not in "
                        "FACTS-DRUGS.md", ["ruxolitinib 25 mg po bid"]),
        ("ruxolitinib + celecoxib", "JAK inhibition with COX-2 inhibition (claim THx-6)",
         ["ruxolitinib 25 mg po bid", "celecoxib 200 mg po bid"]),
        ("pyrimethamine", "direct STAT3 inhibitor with human PK (TTI-101 has none in the catalog)",
         ["pyrimethamine 50 mg po qd"]),
        ("SD-36", "STAT3 degrader, no human PK: constant free exposure 3× its DC50 (assumed 10 nM), as in claim THx-9",
         ["SD-36 30 nM continuous"]),
        ("atezolizumab", "anti-PD-L1, label regimen", ["atezolizumab 1200 mg iv q3w"]),
        ("atezolizumab + galunisertib", "anti-PD-L1 with TGFBR1 inhibition",
         ["atezolizumab 1200 mg iv q3w", "galunisertib 150 mg po bid 14d on 14d off"]),
    ],
}


def therapy_arms(scenario) -> list[Arm]:
    """The treated arms of ``stat3sim run``, the untreated reference ("no treatment") first:
    the shipped ones of the scenario's name (only ``tnbc`` has them: eleven regimens, 5–60 s
    each), then the scenario's own comparisons that give a therapy (``comparisons:`` with
    ``therapies:``; one of the same name as a shipped arm takes its place). Empty when
    there are neither."""
    name = getattr(scenario, "name", "")
    shipped = [Arm(n, d, therapies=list(t)) for n, d, t in THERAPY_ARMS.get(name, [])]
    own = [_arm(a) for a in (getattr(scenario, "comparisons", None) or ()) if a.therapies]
    if not own:
        return shipped
    if not shipped:
        return [Arm("no treatment", "untreated reference")] + own
    names = {a.name for a in own}
    return [a for a in shipped if a.name not in names] + own


def initial_cell_counts(net: Network) -> dict[str, float]:
    """Cells of each type at day 0 in a built Network (the sum over its population states)."""
    from .model import CELL_SPLITS

    init = {s.id: s.initial for s in net.species}
    out = {}
    for cell, splits in CELL_SPLITS.items():
        vals = [init.get(sid) for sid, _ in splits]
        if all(isinstance(v, (int, float)) for v in vals):
            out[cell] = float(sum(vals))
    return out


#: an IL-6 knock-out of the whole organism: every cell type and the host's serum IL-6
IL6_KO_ALL = [f"{c}:IL6" for c in CELL_TYPES] + ["host:IL6"]


@lru_cache(maxsize=1)
def default_network() -> Network:
    """The tnbc network with the default cells (built once per process)."""
    return tme_network()


@lru_cache(maxsize=32)
def therapy_network(therapies: tuple[str, ...], weight_kg: float = 70.0, bsa_m2: float = 1.8):
    """The default network with the regimens' PK and PD added (``therapy/pd.py``), and the
    :class:`~stat3sim.therapy.pd.Therapy` records (cached per regimen set and patient;
    regimens of the same drugs and routes share one compiled structure)."""
    from ...therapy.pd import add_therapies
    from ...therapy.regimen import Patient, parse_regimen

    patient = Patient(weight_kg, bsa_m2)
    regs = [parse_regimen(t) for t in therapies]
    added: list = []
    net = tme_network(extra=lambda b: added.extend(add_therapies(b, regs, patient)),
                      name="stat3sim_tme_treated")
    return net, tuple(added)


def _therapy_texts(scenario, arm) -> tuple[str, ...]:
    return tuple(getattr(scenario, "therapies", ()) or ()) + (tuple(arm.therapies) if arm else ())


def _patient(scenario) -> tuple[float, float]:
    p = getattr(scenario, "patient", None)
    if p is None:
        return (70.0, 1.8)
    return (float(p.weight_kg), float(p.bsa_m2))


def _base(subtype: str, cells: tuple, therapies: tuple[str, ...] = (), patient: tuple[float, float] = (70.0, 1.8),
          size_mm3: float | None = None) -> Network:
    """The default network with a subtype's parameters, the given initial cells and the
    day-0 size held before day 0 (``size_mm3``; None: the tumor cell count is held); the
    structure is unchanged, so every subtype, composition and size re-uses one compiled
    model (one per set of drugs when ``therapies`` are given)."""
    if subtype not in SUBTYPE_OVERRIDES:
        raise NetworkError(f"unknown subtype {subtype!r}; allowed: {', '.join(SUBTYPES)}")
    base = therapy_network(therapies, *patient)[0] if therapies else default_network()
    ov = SUBTYPE_OVERRIDES[subtype]
    size = {} if size_mm3 is None else {
        "size_hold": (1.0, Evidence("the scenario gives the tumor's day-0 size")),
        "V_T_day0": (size_mm3 * 1e-3, Evidence(f"the scenario's day-0 tumor size: {size_mm3:.6g} mm³ "
                                               f"(a {volume_to_diameter_mm(size_mm3):.4g} mm sphere)"))}
    params = tuple(
        replace(p, value=p.value * ov[p.id][0],
                evidence=Evidence(f"{subtype}: ×{ov[p.id][0]:g} of tnbc — {ov[p.id][1].source}", ov[p.id][1].refs))
        if p.id in ov else replace(p, value=size[p.id][0], evidence=size[p.id][1]) if p.id in size else p
        for p in base.parameters)
    init = initial_cells(dict(cells))
    species = tuple(replace(s, initial=init[s.id]) if s.id in init else s for s in base.species)
    return replace(base, parameters=params, species=species, name=f"stat3sim_tme_{subtype}")


def knockout(net: Network, lineage: str, gene: str, level: float = 0.0) -> Network:
    """Set ``gene``'s level to ``level`` in every cell type of ``lineage`` (``host`` = the
    host's serum production, for IL6; ``bone`` = the bone niche, for IL11RA)."""
    if lineage == "bone":
        pid = f"bone_lvl_{gene.upper()}"
        if pid not in net.parameter_ids:
            raise NetworkError(f"gene {gene!r} is not knockable in the bone niche (knockable: IL11RA)")
        return net.with_parameters({pid: net.parameter(pid).value * level})
    if lineage == "host":
        if gene.upper() != "IL6":
            raise NetworkError("host knock-outs: only IL6 (the host's serum IL-6 production)")
        return net.with_parameters({"serum_IL6_healthy": net.parameter("serum_IL6_healthy").value * level})
    values = {}
    missing = []
    for cell in cells_of(lineage):
        pid = f"{cell}__lvl_{gene.upper()}"
        try:
            values[pid] = net.parameter(pid).value * level
        except KeyError:
            missing.append(cell)
    if missing:
        raise NetworkError(f"gene {gene!r} is not knockable in {', '.join(missing)} (lineage {lineage!r})")
    return net.with_parameters(values)


def build(scenario, arm: Arm | None = None) -> Network:
    """The Network of a scenario (and arm): subtype, cells, depletions, parameters (the
    scenario's detection threshold after its own parameters, the arm's after both),
    knock-outs, then miRNA mimics (``tumor:miR-124=5``: ``tumor__lvl_MIR124`` × 5). With a
    day-0 size (:func:`day0_size_mm3`) the tumor and its stroma and leukocytes start scaled
    to it, and the pre-simulation holds the tumor's volume there (``size_hold``,
    ``V_T_day0``); otherwise it holds the tumor cell count."""
    cells = dict(DEFAULT_CELLS)
    cells.update(scenario.cells)
    depl = list(scenario.depletions) + (list(arm.depletions) if arm else [])
    if arm:
        cells.update(arm.cells)
    for c in depl:
        cells[c] = 0.0
    size = day0_size_mm3(scenario, arm)
    if size is not None:
        cells = _scaled_to(cells, size)
    net = _base(scenario.subtype, tuple(sorted(cells.items())), _therapy_texts(scenario, arm), _patient(scenario),
                size)
    params = dict(scenario.parameters)
    threshold = getattr(scenario, "detection_threshold_cells", None)
    if threshold is not None:
        params["met_detect_cells"] = float(threshold)
    if arm:
        params.update(arm.parameters)
    for c in depl:
        for pid in RECRUITMENT[c]:
            params[pid] = 0.0
    if params:
        from ..bounds import parameter_problems

        if problems := parameter_problems(net, params):  # the CLI checks first; this is for Python callers
            raise NetworkError("; ".join(problems))
        net = net.with_parameters(params)
    for ko in list(scenario.knockouts) + (list(arm.knockouts) if arm else []):
        lineage, _, gene = ko.partition(":")
        net = knockout(net, lineage, gene)
    mimics = list(getattr(scenario, "mimics", ())) + (list(arm.mimics) if arm else [])
    if mimics:
        from ...scenarios import mir_symbol, parse_mimic
        from ..signaling.tgfb import knock_in

        for text in mimics:
            cell, mir, fold = parse_mimic(text)
            symbol = mir_symbol(mir)
            if symbol is None:
                raise NetworkError(f"unknown miRNA {mir!r} in mimic {text!r}")
            try:
                net = knock_in(net, cell, symbol, fold)
            except ValueError as exc:
                raise NetworkError(f"mimic {text!r}: {exc}") from None
    return net


def vocabulary():
    """What scenario files may name, from the built model (for ``scenarios.validate``)."""
    from ...scenarios import Vocabulary

    net = _base("tnbc", tuple(sorted(DEFAULT_CELLS.items())))
    genes = {c: frozenset(p.id.split("__lvl_")[1] for p in net.parameters if p.id.startswith(f"{c}__lvl_"))
             for c in CELL_TYPES}
    obs = tuple(o.name for o in net.observables)
    stim = {lig: LIGANDS[lig][0] for lig in LIGANDS}
    stim.update({"PGE2": None})
    lineages = dict(LINEAGES)
    genes.update({m: frozenset() for m in METASTASIS_SITES})
    # the bone niche's own genes (``bone:IL11RA``)
    genes["bone"] = frozenset(p.id.split("bone_lvl_")[1] for p in net.parameters if p.id.startswith("bone_lvl_"))
    lineages["bone"] = ("bone",)
    # the host's serum IL-6 production (``host:IL6``, part of the IL-6 KO arm)
    genes["host"] = frozenset({"IL6"})
    lineages["host"] = ("host",)
    from ..bounds import parameter_range

    return Vocabulary(tuple(CELL_TYPES) + METASTASIS_SITES, lineages, tuple(SUBTYPES), genes,
                      frozenset(net.parameter_ids), obs, stim,
                      sites=tuple(m.removeprefix("mets_") for m in METASTASIS_SITES), niches=("bone", "host"),
                      parameter_ranges={p.id: parameter_range(p) for p in net.parameters})


@dataclass
class TMERun:
    """A TME time course: ``frame`` has ``time_days`` then one column per readout."""

    frame: pd.DataFrame
    ok: bool
    message: str
    network: Network
    meta: dict = field(default_factory=dict)

    def at(self, key: str, day: float | None = None) -> float:
        col = self.frame[key].to_numpy()
        if day is None:
            return float(col[-1])
        return float(np.interp(day, self.frame["time_days"].to_numpy(), col))


#: the most output points per day ``simulate`` takes (one a minute)
MAX_POINTS_PER_DAY = 1440


def output_days(days: float, points_per_day: int = 1) -> np.ndarray:
    """Output times in days: every ``1/points_per_day`` day from 0, and ``days`` itself."""
    if isinstance(points_per_day, bool) or int(points_per_day) != points_per_day \
            or not (1 <= points_per_day <= MAX_POINTS_PER_DAY):
        raise ValueError(f"points_per_day must be a whole number from 1 to {MAX_POINTS_PER_DAY}, "
                         f"got {points_per_day!r}")
    n = int(np.floor(days * points_per_day + 1e-9))
    return np.unique(np.append(np.arange(n + 1, dtype=float) / int(points_per_day), days))


def simulate(scenario, arm: Arm | None = None, days: float | None = None, readouts=None,
             all_observables: bool = False, reduce: bool = True, points_per_day: int = 1) -> TMERun:
    """Run a scenario (and arm) for ``days`` (default: the scenario's) with daily output
    (``points_per_day`` > 1: that many points a day, e.g. 24 to see a drug's infusion peaks;
    doses are exact in time whatever the output grid).

    Before day 0 the tumor is held at its day-0 size (``growth_on = 0``: its cell count, or
    its volume when the scenario gives a size; metastases and bone mass frozen) for
    :data:`SETTLE_DAYS` while the other populations, dead tumor cells, signaling and
    cytokines settle around it, so day 0 starts without a start-up transient; then
    everything runs. Stimuli and doses are added at their day. A solver failure is
    returned as data.

    ``reduce`` (default): species proved to stay zero in this run (ligands nobody makes,
    receptor branches of cells that do not express the receptor, absent cells: 40 of 325
    in `tnbc`) become constants, and species proved equal to another cell module's at all
    times (leukocyte modules sharing parameters: 83) become rules reading them, before
    compiling (:func:`stat3sim.model.reduce.reduce_network`); the trajectories are those
    of the full model, at ~40 % of the cost. The returned network is the model as built;
    ``meta["reduction"]`` gives the states the solver carried and what was reduced."""
    from ...engine import roadrunner as engine
    from ...engine.roadrunner import POPULATION_ATOL, POPULATION_RTOL, Simulator
    from ...scenarios.loader import parse_concentration
    from ..reduce import reduce_network

    days = float(days if days is not None else scenario.days)
    times = output_days(days, points_per_day) * 1440.0
    net = build(scenario, arm)
    stim0, sched = {}, []
    texts = _therapy_texts(scenario, arm)
    therapies = therapy_network(texts, *_patient(scenario))[1] if texts else ()
    floors: dict[str, float] = {}
    notes: list[str] = []  # doses far below the label (therapy.regimen.low_dose_warning): meta["warnings"]
    if therapies:  # the doses: exact in time, the solver restarts at each
        from ...therapy.pk import dosing_schedule, tolerance_floors
        from ...therapy.regimen import Patient, low_dose_warning

        patient = Patient(*_patient(scenario))
        notes = [w for th in therapies if (w := low_dose_warning(th.regimen, patient))]
        for th in therapies:
            s0, later = dosing_schedule(th.regimen, th.pk, days, patient)
            for sid, v in s0.items():
                stim0[sid] = stim0.get(sid, 0.0) + v
            sched.extend(later)
        floors = tolerance_floors([th.pk for th in therapies], stim0, sched)
    for st in scenario.stimuli:
        nM = parse_concentration(st.value, LIGANDS.get(st.species, (None,))[0])
        if st.day == 0:
            stim0[st.species] = stim0.get(st.species, 0.0) + nM
        else:
            sched.append((st.day * 1440.0, st.species, nM))
    model = net  # what the run documents (parameters, observables): the network as built
    if reduce:  # species that stay zero, and copies of a cell module, leave the state (model.reduce)
        net = reduce_network(net, keep={*stim0, *(sid for _, sid, _ in sched)})
    sim = Simulator.for_network(net)
    # population runs use looser tolerances (day-180 readouts within 1e-5 of rtol 1e-8,
    # 2-3x faster; see POPULATION_RTOL); a run that fails there is retried at the default
    res = sim.run(net, t_end=float(times[-1]), times=times, parameters={"growth_on": 0.0}, presimulate=False,
                  settle=({}, SETTLE_DAYS * 1440.0),
                  after_presim={"growth_on": net.parameter("growth_on").value}, stimuli=stim0, schedule=tuple(sched),
                  rtol=POPULATION_RTOL, atol=POPULATION_ATOL, atol_floor=floors, presim_rtol=engine.PRESIM_RTOL,
                  max_order=None if sched else engine.POPULATION_MAX_ORDER)
    res.meta["reduction"] = {"states": len(net.species), "species": len(model.species),
                             "zero": len(net.reduced), "module_copies": len(net.folded)}
    res.meta["warnings"] = notes
    if not res.ok:
        return TMERun(pd.DataFrame({"time_days": []}), False, res.message, model, res.meta)
    wanted = list(readouts or scenario.readouts or DEFAULT_READOUTS)
    if therapies and not readouts:  # drug concentrations and PD readouts of the treated run
        prefixes = {t.pk.prefix for t in therapies}
        wanted += [lab for lab, col in zip(res.labels, res.columns)
                   if col.partition("__obs__")[0] in prefixes and "__obs__" in col and lab not in wanted]
    if all_observables:
        wanted = [lab for lab, col in zip(res.labels, res.columns) if "__obs__" in col]
    data = {"time_days": res.time / 1440.0}
    for key in wanted:
        data[key] = res[key]
    return TMERun(pd.DataFrame(data), True, "", model, res.meta)


def parameters_table(net: Network) -> pd.DataFrame:
    """Every parameter of a Network: id, value, unit, source, description."""
    return pd.DataFrame([{"id": p.id, "value": p.value, "unit": p.unit, "source": str(p.evidence),
                          "description": p.description} for p in net.parameters])


__all__ = ["Arm", "TMERun", "build", "simulate", "standard_arms", "therapy_arms", "THERAPY_ARMS", "knockout", "vocabulary", "parameters_table",
           "tme_network", "DEFAULT_READOUTS", "SERUM_RANGES", "CELL_TYPES", "LINEAGES", "SUBTYPES", "MODULES",
           "IL6_KO_ALL"]
__all__ += ["output_days", "MAX_POINTS_PER_DAY", "STANDARD_ARM_NAMES", "RESERVED_ARM_NAMES",
            "initial_cell_counts"]
