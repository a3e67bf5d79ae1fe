"""The run layer: a scenario, an arm and a patient's regimens → a Network → the engine → a frame.

>>> from stat3sim import runs
>>> from stat3sim.scenarios import load_scenario
>>> run = runs.simulate(load_scenario("tnbc"), runs.Arm("toci", therapies=["tocilizumab 8 mg/kg iv q4w"]),
...                     days=30)                           # doctest: +SKIP
>>> run.frame[["time_days", "tumor_volume_mm3"]].tail(1)  # doctest: +SKIP

A scenario (``stat3sim.scenarios.Scenario``) names a subtype, initial cells, parameter
overrides, lineage knock-outs (``myeloid:STAT3``), depletions, stimuli, regimens and a
patient; an :class:`Arm` (a comparison) adds its own on top. This module is where they
meet the model, the drug layer and the engine, so that the model layer below
(``stat3sim.model``) imports nothing above itself:

* :func:`build` — the scenario's (and arm's) Network: the TME model of
  :mod:`stat3sim.model.tme` with the regimens' PK and PD (:func:`therapy_network`);
* :func:`dosing` — the regimens' doses as the engine's protocol (stimuli at day 0, a
  schedule, tolerance floors);
* :func:`simulate` — holds the tumor at its day-0 size (:func:`day0_size_mm3`) for
  :data:`SETTLE_DAYS` while the rest settles, then runs ``days`` of dynamics and returns
  the readouts as a :class:`TMERun`;
* :func:`standard_arms`, :func:`therapy_arms` — the arms ``stat3sim run`` compares;
* :func:`vocabulary` — what a scenario file may name, from the built model.

``stat3sim run``, ``simulate --scenario``, ``scan``, ``rerun``, the claims, the analyses
and cohorts (:mod:`stat3sim.cohort`, whose burn-in starts from :func:`build` and
:func:`dosing`) all go through it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .model.network import Network, NetworkError
from .model.signaling.parameters import LIGANDS
from .model.tme import (CELL_TYPES, DEFAULT_READOUTS, IL6_KO_ALL, LINEAGES, METASTASIS_SITES, RECRUITMENT,
                        SUBTYPES, default_network, diameter_to_volume_mm3, knockout, scaled_to, subtype_network)
from .model.tme.model import DEFAULT_CELLS, tme_network

#: the tumor's day-0 diameter when a scenario gives neither its size nor its cell count (mm):
#: QSP-IO TNBC's initial diameter, 2.5 cm (ANCHORS-QSP.md)
DEFAULT_DIAMETER_MM = 25.0
#: before day 0, populations settle around the held tumor for this long (days): ≥ 10
#: time constants of the slowest population turnover (macrophages, k_mac_death 0.02/day)
SETTLE_DAYS = 600.0
from .limits import MAX_POINTS_PER_DAY  # noqa: E402,F401  (the most output points per day; re-exported)


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


def day0_size_mm3(scenario, arm: Arm | None = None) -> float | None:
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


def therapies_of(scenario, arm: Arm | None = None) -> tuple[str, ...]:
    """The regimens a run gives: the scenario's, then the arm's."""
    return tuple(getattr(scenario, "therapies", ()) or ()) + (tuple(arm.therapies) if arm else ())


def patient_of(scenario) -> tuple[float, float]:
    """The scenario's patient as (weight kg, BSA m²); the reference adult (70 kg, 1.8 m²)
    when it names none."""
    p = getattr(scenario, "patient", None)
    if p is None:
        return (70.0, 1.8)
    return (float(p.weight_kg), float(p.bsa_m2))


@lru_cache(maxsize=32)
def therapy_network(therapies: tuple[str, ...], weight_kg: float = 70.0, bsa_m2: float = 1.8):
    """The default network with the regimens' PK and PD added (``therapy/pd.py``), and the
    :class:`~stat3sim.therapy.pd.Therapy` records (cached per regimen set and patient;
    regimens of the same drugs and routes share one compiled structure)."""
    from .therapy.pd import add_therapies
    from .therapy.regimen import Patient, parse_regimen

    patient = Patient(weight_kg, bsa_m2)
    regs = [parse_regimen(t) for t in therapies]
    added: list = []
    net = tme_network(extra=lambda b: added.extend(add_therapies(b, regs, patient)),
                      name="stat3sim_tme_treated")
    return net, tuple(added)


def _base(subtype: str, cells: tuple, therapies: tuple[str, ...] = (), patient: tuple[float, float] = (70.0, 1.8),
          size_mm3: float | None = None) -> Network:
    """The default network (with the regimens' PK and PD when ``therapies`` are given) with a
    subtype's parameters, the given initial cells and the day-0 size held before day 0
    (:func:`stat3sim.model.tme.subtype_network`); every subtype, composition and size
    re-uses one compiled model (one per set of drugs)."""
    base = therapy_network(therapies, *patient)[0] if therapies else default_network()
    return subtype_network(base, subtype, cells, size_mm3)


def build(scenario, arm: Arm | None = None) -> Network:
    """The Network of a scenario (and arm): subtype, cells, depletions, parameters (the
    scenario's detection threshold after its own parameters, the arm's after both),
    knock-outs, then miRNA mimics (``tumor:miR-124=5``: ``tumor__lvl_MIR124`` × 5), and the
    regimens' PK and PD. With a day-0 size (:func:`day0_size_mm3`) the tumor and its stroma
    and leukocytes start scaled to it, and the pre-simulation holds the tumor's volume there
    (``size_hold``, ``V_T_day0``); otherwise it holds the tumor cell count."""
    cells = dict(DEFAULT_CELLS)
    cells.update(scenario.cells)
    depl = list(scenario.depletions) + (list(arm.depletions) if arm else [])
    if arm:
        cells.update(arm.cells)
    for c in depl:
        cells[c] = 0.0
    size = day0_size_mm3(scenario, arm)
    if size is not None:
        cells = scaled_to(cells, size)
    net = _base(scenario.subtype, tuple(sorted(cells.items())), therapies_of(scenario, arm), patient_of(scenario),
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
        from .model.bounds import parameter_problems

        if problems := parameter_problems(net, params):  # the CLI checks first; this is for Python callers
            raise NetworkError("; ".join(problems))
        net = net.with_parameters(params)
    for ko in list(scenario.knockouts) + (list(arm.knockouts) if arm else []):
        lineage, _, gene = ko.partition(":")
        net = knockout(net, lineage, gene)
    mimics = list(getattr(scenario, "mimics", ())) + (list(arm.mimics) if arm else [])
    if mimics:
        from .model.signaling.tgfb import knock_in
        from .scenarios import mir_symbol, parse_mimic

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
    from .model.bounds import parameter_range
    from .scenarios import Vocabulary

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

    return Vocabulary(tuple(CELL_TYPES) + METASTASIS_SITES, lineages, tuple(SUBTYPES), genes,
                      frozenset(net.parameter_ids), obs, stim,
                      sites=tuple(m.removeprefix("mets_") for m in METASTASIS_SITES), niches=("bone", "host"),
                      parameter_ranges={p.id: parameter_range(p) for p in net.parameters})


@dataclass
class Dosing:
    """A run's regimens as the engine's protocol: amounts put in at day 0 (``{species: nM}``),
    the later doses (``(time_min, species, nM)``), absolute-tolerance floors (nM) of the
    absorption depots, the :class:`~stat3sim.therapy.pd.Therapy` records, and the one-line
    warnings of doses far below the label (``therapy.regimen.low_dose_warning``)."""

    stimuli: dict[str, float] = field(default_factory=dict)
    schedule: list = field(default_factory=list)
    floors: dict[str, float] = field(default_factory=dict)
    therapies: tuple = ()
    warnings: list[str] = field(default_factory=list)


def dosing(scenario, arm: Arm | None, days: float) -> Dosing:
    """The doses of the scenario's and the arm's regimens (:func:`therapies_of`) before
    ``days``, for the scenario's patient (:func:`patient_of`): exact in time, the solver
    restarts at each. Empty without regimens."""
    texts = therapies_of(scenario, arm)
    if not texts:
        return Dosing()
    from .therapy.pk import dosing_schedule, tolerance_floors
    from .therapy.regimen import Patient, low_dose_warning

    weight_bsa = patient_of(scenario)
    therapies = therapy_network(texts, *weight_bsa)[1]
    out = Dosing(therapies=therapies)
    patient = Patient(*weight_bsa)
    out.warnings = [w for th in therapies if (w := low_dose_warning(th.regimen, patient))]
    for th in therapies:
        s0, later = dosing_schedule(th.regimen, th.pk, days, patient)
        for sid, v in s0.items():
            out.stimuli[sid] = out.stimuli.get(sid, 0.0) + v
        out.schedule.extend(later)
    out.floors = tolerance_floors([th.pk for th in therapies], out.stimuli, out.schedule)
    return out


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


def output_days(days: float, points_per_day: int = 1) -> np.ndarray:
    """Output times in days: every ``1/points_per_day`` day from 0, and ``days`` itself."""
    if isinstance(points_per_day, bool) or int(points_per_day) != points_per_day \
            or not (1 <= points_per_day <= MAX_POINTS_PER_DAY):
        raise ValueError(f"points_per_day must be a whole number from 1 to {MAX_POINTS_PER_DAY}, "
                         f"got {points_per_day!r}")
    n = int(np.floor(days * points_per_day + 1e-9))
    return np.unique(np.append(np.arange(n + 1, dtype=float) / int(points_per_day), days))


def simulate(scenario, arm: Arm | None = None, days: float | None = None, readouts=None,
             all_observables: bool = False, reduce: bool = True, points_per_day: int = 1,
             rtol: float | None = None) -> TMERun:
    """Run a scenario (and arm) for ``days`` (default: the scenario's) with daily output
    (``points_per_day`` > 1: that many points a day, e.g. 24 to see a drug's infusion peaks;
    doses are exact in time whatever the output grid).

    Before day 0 the tumor is held at its day-0 size (``growth_on = 0``: its cell count, or
    its volume when the scenario gives a size; metastases and bone mass frozen) for
    :data:`SETTLE_DAYS` while the other populations, dead tumor cells, signaling and
    cytokines settle around it, so day 0 starts without a start-up transient; then
    everything runs. Stimuli and doses (:func:`dosing`) are added at their day. A solver
    failure is returned as data.

    ``reduce`` (default): species proved to stay zero in this run (ligands nobody makes,
    receptor branches of cells that do not express the receptor, absent cells: 40 of 325
    in `tnbc`) become constants, and species proved equal to another cell module's at all
    times (leukocyte modules sharing parameters: 83) become rules reading them, before
    compiling (:func:`stat3sim.model.reduce.reduce_network`); the trajectories are those
    of the full model, at ~40 % of the cost. The returned network is the model as built;
    ``meta["reduction"]`` gives the states the solver carried and what was reduced.

    ``rtol``: CVODE's relative tolerance for the settle and the run (default: the
    engine's ``POPULATION_RTOL``, the settle's approach at ``PRESIM_RTOL``); given, the
    whole run is at that tolerance (``export --omex`` compares its archive with such a run)."""
    from .engine import roadrunner as engine
    from .engine.roadrunner import POPULATION_ATOL, POPULATION_RTOL, Simulator
    from .model.reduce import reduce_network
    from .scenarios.loader import parse_concentration

    days = float(days if days is not None else scenario.days)
    times = output_days(days, points_per_day) * 1440.0
    net = build(scenario, arm)
    doses = dosing(scenario, arm, days)
    stim0, sched, therapies = doses.stimuli, doses.schedule, doses.therapies
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
                  rtol=POPULATION_RTOL if rtol is None else rtol, atol=POPULATION_ATOL, atol_floor=doses.floors,
                  presim_rtol=engine.PRESIM_RTOL if rtol is None else None, max_order=None if sched else engine.POPULATION_MAX_ORDER)
    res.meta["reduction"] = {"states": len(net.species), "species": len(model.species),
                             "zero": len(net.reduced), "module_copies": len(net.folded)}
    res.meta["warnings"] = doses.warnings
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


__all__ = ["Arm", "DEFAULT_DIAMETER_MM", "Dosing", "MAX_POINTS_PER_DAY", "RESERVED_ARM_NAMES", "SETTLE_DAYS",
           "STANDARD_ARM_NAMES", "THERAPY_ARMS", "TMERun", "build", "day0_size_mm3", "dosing", "output_days",
           "patient_of", "simulate", "standard_arms", "therapies_of", "therapy_arms", "therapy_network",
           "vocabulary"]
