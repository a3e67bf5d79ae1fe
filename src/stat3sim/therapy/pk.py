"""Human pharmacokinetics as a stat3sim Network: depot, central, peripheral, metabolite.

:func:`add_pk` adds one drug's compartments, reactions, site-concentration rules and
observables to any :class:`~stat3sim.model.network.NetworkBuilder` (empty or not); every
id starts with the drug's identifier (``tocilizumab__central``), so several drugs, and the
tumor-microenvironment model, coexist. Doses are protocol, not model: :func:`dosing_schedule`
gives ``(time_min, species, nM)`` additions that the engine applies between integration
segments, so a dose lands exactly at its time whatever the output grid.

Structure (per drug)::

    depot --ka·F--> central (V1) <--Q--> peripheral (V2)
                      |-- CL (linear) ; Vmax·C/(Km + C) (target-mediated, where published)
                      |-- Vmax_transfer·C/(Km_transfer + C) --> peripheral, back at k_return
                      |   (saturable distribution, in place of V2/Q: paclitaxel)
                      |<--Q3--> second peripheral (V3)
                      '-- CL_formation --> metabolite (V) -- CL_metabolite

With a liver flow ``Q_hepatic`` (tamoxifen, Ter Heine 2014) the metabolite is formed in a
quasi-steady-state liver between gut and circulation: of the absorbed flux ka·A_gut the
fraction Q/(Q + CL_f) reaches the central compartment and CL_f/(Q + CL_f) becomes metabolite
on the first pass, and formation from the circulation runs at CL_f·Q/(Q + CL_f)·C
(``catalog.Metabolite``).

Conventions follow :mod:`stat3sim.model.network` and ``tme.model.add_blood``: volumes in pL,
concentrations nM, time min; a reaction's rate is nM/min in its named compartment (the
engine multiplies by that volume), so transfer between compartments of different volume
conserves amount. Clearances are parameters in mL/day, converted in the rate law by
``pk_pL_min_per_mL_day`` (1e9 pL/mL ÷ 1440 min/day); the Michaelis–Menten term is written
as a clearance ``CLmax = Vmax/Km`` (mL/day) times ``1/(1 + C/Km)``.

Site concentrations are rules (readable by rate laws) and observables, in nM:
``<p>__free_plasma_nM = fu · C``, ``<p>__tumor_nM = kp_tumor · free``,
``<p>__bone_nM = kp_bone · free`` (free-drug distribution at equilibrium; the ratios are
catalog values or class defaults, mostly assumed). Mass concentrations (µg/mL for
antibodies and fusion proteins, ng/mL for small molecules) are computed by
:func:`simulate_pk` from nM and the molar mass, since the model's unit table has no mass
concentrations.

A **constant exposure** (``"SD-36 1 uM continuous"``, for compounds without human PK) adds
no PK compartments: a parameter ``<p>__exposure_nM`` (the regimen's concentration), a species
``<p>__exposure`` (nM) in a nominal 1-L compartment with no reactions, set by the protocol at
the start day (a stimulus at day 0 or a scheduled addition; removed by a scheduled subtraction
at the end of ``for Nd``), and the same rules ``<p>__free_plasma_nM``, ``<p>__tumor_nM``,
``<p>__bone_nM`` (all equal to the species: 0 before the start day). :func:`simulate_pk` writes
``<drug>_exposure_nM`` in place of the plasma mass concentration.

Run as ``python -m stat3sim.therapy.pk --table`` to print the model-vs-published table.
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..model.network import Network, NetworkBuilder
from .catalog import Drug, Published, load_catalog
from .regimen import Patient, Regimen, parse_regimen

#: pL/min per mL/day
_CONV = 1e9 / 1440.0
#: nominal volume of an absorption depot (its concentration has no physical meaning)
DEPOT_L = 1.0
#: an iv infusion's flow halves when this fraction of its dose is left in the bag
#: (numerical; assumed): a 3-h infusion ends ~0.2 min late and delivers all of the dose
INFUSION_K = 1e-4
#: CVODE's absolute tolerance in an absorption depot, as a fraction of the largest single
#: dose put into it (numerical; assumed). At the model-wide 1e-12 nM the solver follows the
#: depot's e^(-ka·t) over its last ~30 e-folds in every dosing interval, though drug below
#: 1e-8 of a dose has nothing left to do. Measured on ruxolitinib 25 mg po bid in `tnbc`
#: (full network): one 12-h interval took 205 CVODE steps at 1e-12 nM and ~135 with a floor
#: of 1e-6; the 180-day run 24 s instead of 32 s of CPU. On the reduced network
#: (``model.reduce``) 1e-6 left day-10 ruxolitinib plasma 6e-6 off an rtol 1e-9 run, so the
#: floor is now 1e-8 (5e-7 off; tumor volume, pSTAT3, CD8 within 4e-8), 30 days in 2.0 s
#: of CPU against 2.8 s without a floor (test in tests/test_therapy_pk.py)
DEPOT_ATOL_FRACTION = 1e-8


@dataclass(frozen=True)
class PKSpecies:
    """What :func:`add_pk` added for one drug: ids to wire PD to, and dose conversion data.

    ``free_plasma``, ``tumor`` and ``bone`` are rule ids (nM, readable in rate laws);
    ``observables`` maps column label (``tocilizumab_plasma_nM``) to observable id.
    For a drug with an active metabolite (tamoxifen -> endoxifen) the ``metabolite_*``
    fields hold the metabolite's ids."""

    drug: str
    prefix: str
    route: str
    central: str
    depot: str | None
    peripheral: str | None
    free_plasma: str
    tumor: str
    bone: str
    mw_g_mol: float
    dose_species: str
    dose_volume_L: float
    bioavailability: float
    observables: dict[str, str] = field(default_factory=dict)
    metabolite: str | None = None
    metabolite_name: str | None = None
    metabolite_mw_g_mol: float | None = None
    metabolite_free_plasma: str | None = None
    metabolite_tumor: str | None = None
    metabolite_bone: str | None = None
    mass_unit: str = "ug/mL"
    exposure_nM: float | None = None

    @property
    def is_exposure(self) -> bool:
        return self.exposure_nM is not None

    @property
    def plasma_column(self) -> str:
        if self.is_exposure:
            return f"{self.drug}_exposure_nM"
        return f"{self.drug}_plasma_{self.mass_unit.replace('/', '_')}"

    def nM_per_mg(self) -> float:
        """Concentration added to the dose species per mg given (after bioavailability)."""
        return self.bioavailability * 1e6 / self.mw_g_mol / self.dose_volume_L

    def to_mass(self, nM: np.ndarray | float) -> np.ndarray | float:
        """nM of the parent drug -> its mass concentration (``mass_unit``)."""
        return np.asarray(nM) * self.mw_g_mol / (1e6 if self.mass_unit == "ug/mL" else 1e3)


def add_pk(b: NetworkBuilder, regimen: Regimen, patient: Patient | None = None,
           prefix: str | None = None) -> PKSpecies:
    """Add one drug's PK (as given by ``regimen``'s route) to builder ``b``.

    >>> from stat3sim.model.network import NetworkBuilder
    >>> b = NetworkBuilder("pk")
    >>> ids = add_pk(b, parse_regimen("tocilizumab 8 mg/kg iv q4w"))
    >>> ids.central, ids.tumor
    ('tocilizumab__central', 'tocilizumab__tumor_nM')
    """
    p_ = patient or Patient()
    drug = regimen.drug
    p = prefix or drug.ident
    if regimen.is_exposure:
        return _add_exposure(b, regimen, p)
    cat = load_catalog()
    pk = drug.pk
    assert pk is not None and pk.dosable, drug.name
    w, a = p_.weight_kg, p_.bsa_m2

    def val(q) -> float:
        return q.canonical(weight_kg=w, bsa_m2=a)

    def par(name: str, q, unit: str, factor: float = 1.0, desc: str = "") -> str:
        return b.parameter(f"{p}__{name}", val(q) * factor, unit, q.source, desc)

    b.parameter("pk_pL_min_per_mL_day", _CONV, "dimensionless", "definition: 1e9 pL/mL / 1440 min/day",
                "converts a clearance in mL/day to pL/min")
    b.parameter("pk_min_per_day", 1440.0, "min/day", "definition", "minutes per day (PK rates per day)")
    V1 = val(pk.V1)
    c1 = b.compartment(f"{p}__V1", V1 * 1e12, "pL", f"{drug.name}: central (plasma) volume", pk.V1.source)
    C = b.species(f"{p}__central", c1, 0.0, "nM", f"{drug.name}: plasma (total)")
    CL = par("CL", pk.CL, "mL/day", 1e3, "linear clearance")
    met = pk.metabolite
    out_of_central = f"{CL}"
    to_central = ""  # the fraction of an absorbed dose that reaches the central compartment
    if met is not None:
        CLf = b.parameter(f"{p}__CL_formation", val(met.CL_formation) * 1e3, "mL/day", met.CL_formation.source,
                          f"formation clearance of {met.name}")
        if met.Q_hepatic is None:
            out_of_central = f"({CL} - {CLf})"
        else:  # formed in a quasi-steady-state liver (see catalog.Metabolite)
            Qh = b.parameter(f"{p}__Q_hepatic", val(met.Q_hepatic) * 1e3, "mL/day", met.Q_hepatic.source,
                             "flow between the liver and the central compartment (apparent)")
            to_central = f"*{Qh}/({Qh} + {CLf})"
    b.reaction(f"{p}__elimination", [C], [], f"{out_of_central}*pk_pL_min_per_mL_day/{c1}*{C}", c1,
               f"{drug.name}: linear elimination" + (f" (other than {met.name} formation)" if to_central else ""),
               pk.CL.source)

    def saturable(tag: str, vmax, km, what: str) -> tuple[str, str]:
        """(CLmax = Vmax/Km in mL/day, Km in nM) parameter ids of a Michaelis-Menten term."""
        mw = val(pk.mw)
        Km = b.parameter(f"{p}__Km{tag}", val(km) * 1e6 / mw, "nM", km.source,  # µg/mL -> nM
                         f"Km{tag} {km.value:g} {km.unit} at MW {mw:g} g/mol")
        CLmax = b.parameter(f"{p}__CLmax{tag}", val(vmax) / val(km) * 1e3, "mL/day", f"Vmax/Km: {vmax.source}",
                            f"{what}: Vmax {vmax.value:g} {vmax.unit} / Km")
        return CLmax, Km

    def linear_peripheral(tag: str, V, Q, what: str) -> str:
        """A peripheral compartment exchanging with the central one at clearance Q."""
        c = b.compartment(f"{p}__V{tag}", val(V) * 1e12, "pL", f"{drug.name}: {what} volume", V.source)
        X = b.species(f"{p}__peripheral{'' if tag == '2' else '2'}", c, 0.0, "nM", f"{drug.name}: {what}")
        q = par(f"Q{'' if tag == '2' else tag}", Q, "mL/day", 1e3, f"clearance central <-> {what}")
        b.reaction(f"{p}__distribution{'' if tag == '2' else '2'}", [C], [X],
                   f"{q}*pk_pL_min_per_mL_day/{c1}*({C} - {X})", c1, f"{drug.name}: central <-> {what}", Q.source)
        return X

    if pk.Vmax is not None:
        CLmax, Km = saturable("", pk.Vmax, pk.Km, "target-mediated elimination")
        b.reaction(f"{p}__tmdd", [C], [], f"{CLmax}*pk_pL_min_per_mL_day/{c1}*{C}/(1 + abs({C})/{Km})", c1,
                   f"{drug.name}: target-mediated (Michaelis-Menten) elimination", pk.Vmax.source)
    P = None
    if pk.V2 is not None:
        P = linear_peripheral("2", pk.V2, pk.Q, "peripheral")
    if pk.Vmax_transfer is not None:  # saturable transfer into an amount compartment (Crombag 2019)
        c2 = b.compartment(f"{p}__V2", DEPOT_L * 1e12, "pL", f"{drug.name}: saturable peripheral compartment "
                           "(nominal volume; only its amount matters)", "assumed — nominal 1 L")
        P = b.species(f"{p}__peripheral", c2, 0.0, "nM", f"{drug.name}: saturable peripheral (amount / 1 L)")
        CLt, Kt = saturable("_transfer", pk.Vmax_transfer, pk.Km_transfer, "saturable distribution")
        kr = par("k_return", pk.k_return, "1/day", 1.0, "first-order return from the saturable peripheral")
        b.reaction(f"{p}__transfer", [C], [P], f"{CLt}*pk_pL_min_per_mL_day/{c1}*{C}/(1 + abs({C})/{Kt})", c1,
                   f"{drug.name}: saturable transfer central -> peripheral", pk.Vmax_transfer.source)
        b.reaction(f"{p}__return", [P], [C], f"{kr}/pk_min_per_day*{P}", c2,
                   f"{drug.name}: return peripheral -> central", pk.k_return.source)
    if pk.V3 is not None:
        linear_peripheral("3", pk.V3, pk.Q3, "second peripheral")
    depot = None
    F = 1.0
    if regimen.route != "iv":
        cd = b.compartment(f"{p}__gut" if regimen.route == "po" else f"{p}__site", DEPOT_L * 1e12, "pL",
                           f"{drug.name}: {regimen.route} absorption depot (nominal volume)",
                           "assumed — nominal 1 L; only its amount matters")
        depot = b.species(f"{p}__depot", cd, 0.0, "nM", f"{drug.name}: {regimen.route} depot")
        ka = par(f"ka_{regimen.route}", pk.ka[regimen.route], "1/day", 1.0, f"{regimen.route} absorption rate")
        b.reaction(f"{p}__absorption", [depot], [C], f"{ka}/pk_min_per_day*{depot}{to_central}", cd,
                   f"{drug.name}: first-order absorption" + (" (past the liver)" if to_central else ""),
                   pk.ka[regimen.route].source)
        F = val(pk.F[regimen.route])
        b.parameter(f"{p}__F_{regimen.route}", F, "dimensionless", pk.F[regimen.route].source,
                    "bioavailability (applied to the amount put into the depot)")
    bag = None
    if regimen.route == "iv" and regimen.infusion_h > 0:
        # zero-order infusion: each dose goes into a bag that empties into the central
        # compartment at dose/T; the Michaelis-Menten form (K = INFUSION_K of a dose) stops
        # the flow smoothly when the bag is empty, one restart per dose instead of an event
        cb = b.compartment(f"{p}__bag", DEPOT_L * 1e12, "pL", f"{drug.name}: infusion bag (nominal volume)",
                           "assumed — nominal 1 L; only its amount matters")
        bag = b.species(f"{p}__infusion", cb, 0.0, "nM", f"{drug.name}: left to infuse")
        T = b.parameter(f"{p}__infusion_min", regimen.infusion_h * 60.0, "min", f"regimen {regimen.describe()!r}",
                        "infusion duration")
        D = b.parameter(f"{p}__infusion_dose_nM", regimen.dose_mg(p_) * 1e6 / val(pk.mw) / DEPOT_L, "nM",
                        f"regimen {regimen.describe()!r}: dose (mg) / MW in the nominal 1-L bag", "one dose in the bag")
        K = b.parameter(f"{p}__infusion_K", INFUSION_K, "dimensionless",
                        "assumed — numerical: the flow halves when this fraction of a dose is left, so the "
                        "infusion ends within ~0.001 of its duration", "fraction of a dose at which the flow halves")
        b.reaction(f"{p}__infusion_flow", [bag], [C], f"{D}/{T}*{bag}/(abs({bag}) + {K}*{D})", cb,
                   f"{drug.name}: zero-order iv infusion over {regimen.infusion_h:g} h", f"regimen {regimen.describe()!r}")
    fu_q, kt_q, kb_q = (cat.default(drug, k) for k in ("fu", "kp_tumor", "kp_bone"))
    fu = b.parameter(f"{p}__fu", fu_q.value if fu_q else 1.0, "dimensionless",
                     fu_q.source if fu_q else "assumed — no binding data", "fraction unbound in plasma")
    kt = b.parameter(f"{p}__kp_tumor", kt_q.value, "dimensionless", kt_q.source,
                     "free tumor interstitial / free plasma")
    kb = b.parameter(f"{p}__kp_bone", kb_q.value, "dimensionless", kb_q.source, "free bone niche / free plasma")
    free = b.rule(f"{p}__free_plasma_nM", f"{fu}*{C}", "nM", f"{drug.name}: free plasma")
    tum = b.rule(f"{p}__tumor_nM", f"{kt}*{free}", "nM", f"{drug.name}: free, tumor interstitium")
    bone = b.rule(f"{p}__bone_nM", f"{kb}*{free}", "nM", f"{drug.name}: free, bone niche")
    obs = {}
    for lab, expr, desc in (("plasma_nM", C, "total plasma concentration"),
                            ("free_plasma_nM", free, "unbound plasma concentration"),
                            ("tumor_nM", tum, "free concentration in the tumor interstitium"),
                            ("bone_nM", bone, "free concentration in the bone niche")):
        obs[f"{drug.name}_{lab}"] = b.observable(f"{p}__obs__{lab}", expr, "nM", f"{drug.name}_{lab}", desc)
    ids = dict(metabolite=None)
    if met is not None:
        cm = b.compartment(f"{p}__Vm", val(met.V) * 1e12, "pL", f"{met.name}: volume", met.V.source)
        M = b.species(f"{p}__{met.name}", cm, 0.0, "nM", f"{met.name} (metabolite of {drug.name}): plasma")
        CLm = b.parameter(f"{p}__CL_{met.name}", val(met.CL) * 1e3, "mL/day", met.CL.source, f"{met.name} clearance")
        b.reaction(f"{p}__formation_{met.name}", [C], [M], f"{p}__CL_formation*pk_pL_min_per_mL_day/{c1}*{C}{to_central}",
                   c1, f"{drug.name} -> {met.name}" + (" (in the liver, from the circulation)" if to_central else ""),
                   met.CL_formation.source)
        if to_central and depot is not None:
            Qh, CLf = f"{p}__Q_hepatic", f"{p}__CL_formation"
            b.reaction(f"{p}__first_pass_{met.name}", [depot], [M],
                       f"{p}__ka_{regimen.route}/pk_min_per_day*{depot}*{CLf}/({Qh} + {CLf})", cd,
                       f"{drug.name} -> {met.name} on the first pass through the liver", met.Q_hepatic.source)
        b.reaction(f"{p}__elimination_{met.name}", [M], [], f"{CLm}*pk_pL_min_per_mL_day/{cm}*{M}", cm,
                   f"{met.name}: elimination", met.CL.source)
        fum = b.parameter(f"{p}__fu_{met.name}", met.fu.value, "dimensionless", met.fu.source,
                          f"{met.name} fraction unbound")
        mfree = b.rule(f"{p}__{met.name}_free_plasma_nM", f"{fum}*{M}", "nM", f"{met.name}: free plasma")
        mt = b.rule(f"{p}__{met.name}_tumor_nM", f"{kt}*{mfree}", "nM", f"{met.name}: free, tumor")
        mb = b.rule(f"{p}__{met.name}_bone_nM", f"{kb}*{mfree}", "nM", f"{met.name}: free, bone niche")
        for lab, expr in (("plasma_nM", M), ("free_plasma_nM", mfree), ("tumor_nM", mt), ("bone_nM", mb)):
            obs[f"{drug.name}_{met.name}_{lab}"] = b.observable(f"{p}__obs__{met.name}_{lab}", expr, "nM",
                                                                f"{drug.name}_{met.name}_{lab}", f"{met.name} {lab}")
        ids = dict(metabolite=M, metabolite_name=met.name, metabolite_mw_g_mol=val(met.mw),
                   metabolite_free_plasma=mfree, metabolite_tumor=mt, metabolite_bone=mb)
    return PKSpecies(drug=drug.name, prefix=p, route=regimen.route, central=C, depot=depot, peripheral=P,
                     free_plasma=free, tumor=tum, bone=bone, mw_g_mol=val(pk.mw),
                     dose_species=depot or bag or C, dose_volume_L=DEPOT_L if (depot or bag) else V1,
                     bioavailability=F,
                     observables=obs, mass_unit="ug/mL" if drug.is_large else "ng/mL", **ids)


def _add_exposure(b: NetworkBuilder, regimen: Regimen, p: str) -> PKSpecies:
    """A constant free site concentration: no compartments of PK, one protocol-set species."""
    drug = regimen.drug
    c = b.compartment(f"{p}__exposure_V", DEPOT_L * 1e12, "pL", f"{drug.name}: nominal holder of the constant exposure",
                      "assumed — nominal 1 L; the species is a concentration set by the protocol")
    E = b.species(f"{p}__exposure", c, 0.0, "nM", f"{drug.name}: constant free site concentration (0 before the "
                                                   "start day)")
    b.parameter(f"{p}__exposure_nM", regimen.exposure_nM, "nM", f"regimen {regimen.describe()!r}",
                "constant free concentration of the exposure regimen (from its start day)")
    free = b.rule(f"{p}__free_plasma_nM", E, "nM", f"{drug.name}: free plasma (constant exposure)")
    tum = b.rule(f"{p}__tumor_nM", E, "nM", f"{drug.name}: free, tumor interstitium (constant exposure)")
    bone = b.rule(f"{p}__bone_nM", E, "nM", f"{drug.name}: free, bone niche (constant exposure)")
    obs = {}
    for lab, expr, desc in (("exposure_nM", E, "constant exposure"), ("free_plasma_nM", free, "free plasma"),
                            ("tumor_nM", tum, "free, tumor interstitium"), ("bone_nM", bone, "free, bone niche")):
        obs[f"{drug.name}_{lab}"] = b.observable(f"{p}__obs__{lab}", expr, "nM", f"{drug.name}_{lab}", desc)
    mw = drug.pk.mw.canonical() if drug.pk is not None else float("nan")
    return PKSpecies(drug=drug.name, prefix=p, route="continuous", central=E, depot=None, peripheral=None,
                     free_plasma=free, tumor=tum, bone=bone, mw_g_mol=mw, dose_species=E, dose_volume_L=DEPOT_L,
                     bioavailability=1.0, observables=obs, mass_unit="nM", exposure_nM=regimen.exposure_nM)


def dosing_schedule(regimen: Regimen, species: PKSpecies, days: float,
                    patient: Patient | None = None) -> tuple[dict[str, float], list[tuple[float, str, float]]]:
    """The doses of ``regimen`` before ``days`` as the engine's protocol: ``(stimuli at t = 0
    {species: nM}, schedule [(time_min, species, nM)])``. Amounts are mg × F → nmol → nM in
    the dose compartment (central for iv, the depot otherwise)."""
    stim: dict[str, float] = {}
    sched: list[tuple[float, str, float]] = []
    if regimen.is_exposure:
        w = regimen.exposure_window_days(days)
        if w is not None:
            c = regimen.exposure_nM
            if w[0] == 0:
                stim[species.dose_species] = c
            else:
                sched.append((w[0] * 1440.0, species.dose_species, c))
            if w[1] < days:
                sched.append((w[1] * 1440.0, species.dose_species, -c))
        return stim, sched
    k = species.nM_per_mg()
    for t_day, mg in regimen.doses(days, patient):
        if t_day == 0:
            stim[species.dose_species] = stim.get(species.dose_species, 0.0) + mg * k
        else:
            sched.append((t_day * 1440.0, species.dose_species, mg * k))
    return stim, sched


def tolerance_floors(species: Iterable[PKSpecies], stimuli: Mapping[str, float],
                     schedule: Iterable[tuple[float, str, float]]) -> dict[str, float]:
    """Absolute-tolerance floors (nM) for the engine (``Simulator.run(atol_floor=…)``):
    each absorption depot gets DEPOT_ATOL_FRACTION of the largest dose put into it."""
    depots = {s.depot for s in species if s.depot is not None}
    largest: dict[str, float] = {}
    for sid, nM in [*stimuli.items(), *((sid, v) for _, sid, v in schedule)]:
        if sid in depots and nM > 0:
            largest[sid] = max(largest.get(sid, 0.0), float(nM))
    return {sid: DEPOT_ATOL_FRACTION * v for sid, v in largest.items()}


def _as_regimens(regimens: Regimen | str | Iterable[Regimen | str]) -> list[Regimen]:
    if isinstance(regimens, (Regimen, str)):
        regimens = [regimens]
    return [r if isinstance(r, Regimen) else parse_regimen(r) for r in regimens]


def _build(regs: list[Regimen], patient: Patient | None) -> tuple[NetworkBuilder, list[PKSpecies]]:
    b = NetworkBuilder("stat3sim_pk")
    used: dict[str, int] = {}
    out = []
    for r in regs:
        ident = r.drug.ident
        used[ident] = used.get(ident, 0) + 1
        prefix = ident if used[ident] == 1 else f"{ident}_{used[ident]}"
        out.append(add_pk(b, r, patient, prefix))
    return b, out


def pk_network(regimens: Regimen | str | Iterable[Regimen | str], patient: Patient | None = None,
               days: float | None = None) -> Network:
    """A stand-alone Network with only the PK of these regimens; with ``days``, its
    protocol holds their doses over that many days."""
    regs = _as_regimens(regimens)
    b, ids = _build(regs, patient)
    net = b.build()
    if days is not None:
        for r, s in zip(regs, ids):
            stim, sched = dosing_schedule(r, s, days, patient)
            for sid, v in stim.items():
                net = net.with_stimulus({sid: v})
            for t, sid, v in sched:
                net = net.with_stimulus({sid: v}, at=t)
    return net


def simulate_pk(regimens: Regimen | str | Iterable[Regimen | str], days: float, patient: Patient | None = None,
                points_per_day: int = 24, times_days: Sequence[float] | None = None) -> pd.DataFrame:
    """Concentration time course: ``time_days``, then per drug ``<drug>_plasma_ug_mL`` (antibodies,
    fusion proteins) or ``<drug>_plasma_ng_mL`` (small molecules) — ``<drug>_exposure_nM`` for a
    constant exposure — then ``<drug>_free_plasma_nM``,
    ``<drug>_tumor_nM``, ``<drug>_bone_nM`` (and the metabolite's, e.g.
    ``tamoxifen_endoxifen_plasma_nM``). Doses land exactly at their times; a grid point at a
    dose time shows the state just after the dose.

    >>> df = simulate_pk("siltuximab 11 mg/kg iv q3w", days=42, points_per_day=1)
    >>> list(df.columns)[:2]
    ['time_days', 'siltuximab_plasma_ug_mL']
    """
    from ..engine.roadrunner import Simulator

    if not (days > 0):
        raise ValueError(f"days must be > 0, got {days}")
    regs = _as_regimens(regimens)
    b, ids = _build(regs, patient)
    net = b.build()
    stim: dict[str, float] = {}
    sched: list[tuple[float, str, float]] = []
    for r, s in zip(regs, ids):
        st, sc = dosing_schedule(r, s, days, patient)
        for k, v in st.items():
            stim[k] = stim.get(k, 0.0) + v
        sched += sc
    if times_days is None:
        n = int(round(days * points_per_day))
        grid = np.linspace(0.0, float(days), n + 1)
    else:
        grid = np.unique(np.asarray(times_days, float))
        if grid[0] != 0.0:
            grid = np.concatenate([[0.0], grid])
    sim = Simulator.for_network(net)
    res = sim.run(net, t_end=float(grid[-1]) * 1440.0, times=grid * 1440.0, stimuli=stim, schedule=tuple(sched),
                  presimulate=False)
    if not res.ok:
        raise RuntimeError(f"PK simulation failed: {res.message}")
    data: dict[str, np.ndarray] = {"time_days": res.time / 1440.0}
    for s in ids:
        tag = s.drug if s.prefix == regs[0].drug.ident or s.prefix == _ident(s.drug) else s.prefix
        if s.is_exposure:
            data[f"{tag}_exposure_nM"] = res[f"{s.prefix}__obs__exposure_nM"]
        else:
            data[f"{tag}_plasma_{s.mass_unit.replace('/', '_')}"] = s.to_mass(res[f"{s.prefix}__central"])
        for lab in ("free_plasma_nM", "tumor_nM", "bone_nM"):
            data[f"{tag}_{lab}"] = res[f"{s.prefix}__obs__{lab}"]
        if s.metabolite:
            for lab in ("plasma_nM", "free_plasma_nM", "tumor_nM", "bone_nM"):
                data[f"{tag}_{s.metabolite_name}_{lab}"] = res[f"{s.prefix}__obs__{s.metabolite_name}_{lab}"]
    return pd.DataFrame(data)


def _ident(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name)


# ------------------------------------------------------------------ model vs published
def _conc(df: pd.DataFrame, drug: Drug, unit: str, metabolite: bool = False) -> np.ndarray:
    """The parent's (or metabolite's) plasma concentration of ``df`` in ``unit``."""
    if metabolite:
        met = drug.pk.metabolite.name
        nM = df[f"{drug.name}_{met}_plasma_nM"].to_numpy()
        mw = drug.pk.metabolite.mw.canonical()
    else:
        col = [c for c in df.columns if c.startswith(f"{drug.name}_plasma_")][0]
        mass = df[col].to_numpy()
        mw = drug.pk.mw.canonical()
        nM = mass * (1e6 if col.endswith("ug_mL") else 1e3) / mw
    return {"nM": nM, "ug/mL": nM * mw / 1e6, "ng/mL": nM * mw / 1e3}[unit]


def linear_terminal_half_life_h(drug: Drug, route: str = "iv", patient: Patient | None = None) -> float:
    """Slowest disposition (or absorption) half-life of the linear part of the model (h)."""
    p = patient or Patient()
    pk = drug.pk
    v = lambda q: q.canonical(weight_kg=p.weight_kg, bsa_m2=p.bsa_m2)
    V1, CL = v(pk.V1), v(pk.CL)
    if CL == 0 and pk.Vmax is not None:  # elimination only saturable: its low-concentration limit
        CL = v(pk.Vmax) / v(pk.Km)
    # rate constants (1/day) of the linear (low-concentration) limit: central, peripherals
    A = [[-CL / V1]]

    def add(k_out: float, k_back: float) -> None:
        for row in A:
            row.append(0.0)
        A[0][0] -= k_out
        A[0][-1] = k_back
        A.append([0.0] * len(A[0]))
        A[-1][0], A[-1][-1] = k_out, -k_back
    if pk.V2 is not None:
        add(v(pk.Q) / V1, v(pk.Q) / v(pk.V2))
    if pk.Vmax_transfer is not None:
        add(v(pk.Vmax_transfer) / v(pk.Km_transfer) / V1, v(pk.k_return))
    if pk.V3 is not None:
        add(v(pk.Q3) / V1, v(pk.Q3) / v(pk.V3))
    lam = min(abs(np.linalg.eigvals(np.array(A))))
    if route != "iv":
        lam = min(lam, v(pk.ka[route]))
    return math.log(2) / lam * 24.0


def measure(drug: Drug, pub: Published, patient: Patient | None = None) -> float:
    """The model's value of a published figure, in the figure's unit.

    * ``t_half``: ln2·Δt / ln(C(t0)/C(t1)) over ``window_days`` after a single dose;
    * ``t_half_ss``: the same over the last dosing interval at steady state (from 2 days
      after the dose to the trough);
    * ``Cmax``: peak after a single dose; ``Cmax_ss``/``Cmin_ss``: peak and pre-dose trough
      of the last of enough intervals to reach steady state (≥ 10 intervals and ≥ 6 slowest
      half-lives; ≥ 10 of the parent's or metabolite's, whichever is slower, with a
      metabolite); ``Cmax_ss_metabolite``: the active metabolite's peak there.
    """
    reg = parse_regimen(pub.regimen)
    unit = pub.unit
    if pub.quantity in ("t_half",):
        t0, t1 = pub.window_days or (0.0, 1.0)
        step = min(0.01, (t1 - t0) / 50)
        df = simulate_pk(reg, days=t1 + step, patient=patient, times_days=np.array([t0, t1]))
        c = _conc(df, drug, "nM")
        i0, i1 = int(np.argmin(abs(df.time_days - t0))), int(np.argmin(abs(df.time_days - t1)))
        th = math.log(2) * (t1 - t0) / math.log(c[i0] / c[i1])
        return th * (24.0 if unit == "h" else 1.0)
    tau = reg.interval_days
    if pub.quantity == "Cmax":
        days = 3.0 if tau is None else tau
        th = linear_terminal_half_life_h(drug, reg.route, patient) / 24.0
        days = max(days, min(3 * th, 60.0))
        df = simulate_pk(reg, days=days, patient=patient, times_days=np.linspace(0, days, 2001))
        return float(np.max(_conc(df, drug, unit)))
    th = linear_terminal_half_life_h(drug, reg.route, patient) / 24.0
    met = drug.pk.metabolite
    if met is None:
        n = max(10, math.ceil(6 * th / tau))
    else:
        # parent -> metabolite is a chain: with equal half-lives (tamoxifen -> endoxifen,
        # both ~2.3 days) it is still (1 + λt)·e^(−λt) = 8 % short of steady state after 6
        # half-lives, 0.8 % after 10
        p_ = patient or Patient()
        th_m = math.log(2) * met.V.canonical(weight_kg=p_.weight_kg, bsa_m2=p_.bsa_m2) / \
            met.CL.canonical(weight_kg=p_.weight_kg, bsa_m2=p_.bsa_m2)
        n = max(10, math.ceil(10 * max(th, th_m) / tau))
    days = n * tau
    grid = np.concatenate([np.linspace(0, (n - 1) * tau, 200, endpoint=False),
                           np.linspace((n - 1) * tau, days, 1001)])
    df = simulate_pk(reg, days=days, patient=patient, times_days=grid)
    last = df.time_days.to_numpy() >= (n - 1) * tau - 1e-9
    if pub.quantity == "Cmax_ss_metabolite":
        return float(np.max(_conc(df, drug, unit, metabolite=True)[last]))
    c = _conc(df, drug, "nM" if unit in ("h", "day") else unit)
    if pub.quantity == "Cmax_ss":
        return float(np.max(c[last]))
    if pub.quantity == "Cmin_ss":
        return float(c[-1])
    if pub.quantity == "t_half_ss":
        t = df.time_days.to_numpy()
        a = int(np.argmin(abs(t - ((n - 1) * tau + 2.0))))
        th = math.log(2) * (t[-1] - t[a]) / math.log(c[a] / c[-1])
        return th * (24.0 if unit == "h" else 1.0)
    raise ValueError(pub.quantity)


def comparison_rows(patient: Patient | None = None) -> list[dict]:
    """Model vs published for every dosable drug: one row per published figure (and one
    row with the model's linear terminal t½ for drugs without published figures)."""
    rows = []
    for d in load_catalog().drugs:
        if not d.dosable:
            continue
        th = linear_terminal_half_life_h(d, "iv", patient)
        if not d.published:
            rows.append(dict(agent=d.name, regimen=d.pk.regimen, quantity="t½ (linear terminal)",
                             model=th / 24.0, unit="day", published=None, tolerance="", agrees=None,
                             source="no published figure read"))
        for pub in d.published:
            m = measure(d, pub, patient)
            rows.append(dict(agent=d.name, regimen=pub.regimen, quantity=pub.quantity, model=m, unit=pub.unit,
                             published=pub.value, tolerance=pub.tolerance_text,
                             agrees=pub.accepts(m), checked=pub.checked, source=pub.source))
    return rows


def markdown_table(patient: Patient | None = None) -> str:
    """The PK comparison as Markdown (docs/pharmacokinetics.md)."""
    p = patient or Patient()
    names = {"t_half": "t½ (single dose)", "t_half_ss": "effective t½ at SS", "Cmax": "Cmax (single dose)",
             "Cmax_ss": "Cmax at SS", "Cmin_ss": "Cmin (trough) at SS",
             "Cmax_ss_metabolite": "active metabolite Cmax at SS"}
    lines = [
        "# Pharmacokinetics: model vs published",
        "",
        "Generated by `python -m stat3sim.therapy.pk --table > docs/pharmacokinetics.md`; do not edit by hand.",
        f"Reference patient (assumed): {p.weight_kg:g} kg, {p.bsa_m2:g} m². Agreement: within the stated",
        "variability (a factor 1 + CV of the published mean, a stated range or bound); tolerances marked",
        "\"assumed\" in the source had no variability in the source read. Agents without a clearance and a",
        "volume in a source read (napabucasin, curcumin, LLY17, TTI-101, STX-0119, SD-36, GANT61) are not",
        "dosable and not listed; they can be given as a constant exposure (`\"SD-36 1 uM continuous\"`).",
        "Galunisertib's CL/F is assumed (from its targeted exposure window), so its t½ agrees by construction;",
        "celecoxib's and bazedoxifene's ka and volumes are calibrated (two compartments, with the label's CL/F)",
        "to their labels' Cmax, Tmax and t½, so those rows agree by construction.",
        "",
        "| agent | regimen | quantity | model | published | tolerance | agrees | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in comparison_rows(p):
        pubv = "—" if r["published"] is None else f"{r['published']:.3g} {r['unit']}"
        agrees = "—" if r["agrees"] is None else ("yes" if r["agrees"] else "**no**")
        if r.get("checked") is False and r["agrees"] is not None:
            agrees += " (not tested: low confidence)"
        lines.append(f"| {r['agent']} | `{r['regimen']}` | {names.get(r['quantity'], r['quantity'])} | "
                     f"{r['model']:.3g} {r['unit']} | {pubv} | {r['tolerance']} | {agrees} | {r['source']} |")
    lines += [
        "",
        "## Potency used by the PD layer",
        "",
        "The first `potency` entry of each agent (`Drug.pd_potency`), acting on the free site concentration;",
        "\"assumed\" marks a value whose source was not read (with its basis). PD extras (`pd:` block): kon",
        "defaults to 1e6 1/(M·s) = 0.06 1/(nM·min) for antibodies and decoys, Hill 1 unless given.",
        "",
        "| agent | kind | value | context | assay | source |",
        "|---|---|---|---|---|---|",
    ]
    for d in load_catalog().drugs:
        q = d.pd_potency
        if q is not None:
            lines.append(f"| {d.name} | {q.kind} | {q.value:g} {q.unit} | {q.context} | {q.assay} | {q.source} |")
    lines += [
        "",
        "## Constant exposure (agents without human PK)",
        "",
        "`\"<drug> <conc> nM|uM continuous [@dayN] [for Nd]\"` (e.g. `\"SD-36 1 uM continuous @day7\"`) holds the",
        "free tumor, bone and plasma concentration at `conc` from the start day (0 before; limit 1 mM). No PK",
        "compartments are added: a parameter `<p>__exposure_nM`, a protocol-set species `<p>__exposure` and the",
        "rules `<p>__free_plasma_nM`, `<p>__tumor_nM`, `<p>__bone_nM`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    if "--table" in sys.argv[1:]:
        sys.stdout.write(markdown_table())
    else:
        print("usage: python -m stat3sim.therapy.pk --table", file=sys.stderr)
        sys.exit(2)
