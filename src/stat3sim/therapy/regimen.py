"""Regimens written as a clinician writes them, turned into exact dose times and amounts.

Grammar (case-insensitive, tokens separated by spaces)::

    <drug> <dose><unit> <route> [<frequency>] [x<N>] [over <T>h|min] [<N>d on <M>d off] [@day<D>] [for <T>d|w]
    <drug> <dose><unit> <route> d<a>,<b>,... q<L>d|q<L>w [...]
    <drug> <conc> nM|uM continuous [@day<D>] [for <T>d|w]

* units: ``mg``, ``g``, ``ug``/``µg``/``mcg``, ``mg/kg``, ``mg/m2`` (``mg/m²``);
* routes: ``iv``, ``po``, ``sc``, ``im``;
* frequency: ``qd``/``od``/``daily``, ``bid``, ``tid``, ``qid``, ``qw``/``weekly``, ``q2w``,
  ``q3w``, ``q4w`` (``qNw``), ``qNd``, ``qNh`` (``q12h``, ``q8h``); none, or ``x1``: one dose;
* ``xN``: N doses; ``over 3h``: a zero-order infusion (the dose flows into the central
  compartment at a constant rate for 3 h; see :func:`stat3sim.therapy.pk.add_pk`);
* ``@day14`` (or ``start_day=``): the first dose, in days from the start of the run;
* ``for 28d`` / ``for 4w`` (or ``duration_days=``): no dose after that long from the start;
* ``14d on 14d off``: intermittent cycles (galunisertib's label schedule), doses only in the
  first 14 days of every 28;
* ``d1,8,15 q28d``: doses on the named days of every cycle of the given length (days
  counted from 1, as protocols write them: IMpassion130's nab-paclitaxel 100 mg/m² on
  days 1, 8 and 15 of each 28-day cycle); ``xN`` then counts doses, not cycles;
* a **constant exposure** — ``"SD-36 1 uM continuous"`` — is a constant free concentration at
  the sites (tumor, bone, free plasma) from the start day (to the end of the run or of ``for``),
  for compounds without human PK (preclinical use); any catalog drug may be given so. The
  concentration must be > 0 and at most 1 mM (``MAX_EXPOSURE_NM``).

>>> r = parse_regimen("tocilizumab 8 mg/kg iv q4w")
>>> r.dose_mg(Patient()), r.dose_times_days(60)
(560.0, [0.0, 28.0, 56.0])
>>> parse_regimen("paclitaxel 80 mg/m2 iv qw x12").n_doses
12
>>> parse_regimen("paclitaxel 90 mg/m2 iv d1,8,15 q28d").dose_times_days(60)
[0.0, 7.0, 14.0, 28.0, 35.0, 42.0, 56.0]

Patient size defaults to an assumed reference adult, 70 kg and 1.8 m² (the BSA of the
Frey 2010 tocilizumab reference patient). An IV dose without ``over`` is a bolus into
the central compartment (a 1-h infusion is short against antibody half-lives of weeks);
the catalog may give a default infusion time (paclitaxel: 3 h).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .catalog import ROUTES, Drug, TherapyError, get_drug, load_catalog

UNITS = ("mg", "g", "ug", "µg", "mcg", "mg/kg", "mg/m2", "mg/m²")
#: concentration units of a constant-exposure regimen (``<drug> <conc> nM|uM continuous``)
EXPOSURE_UNITS = {"nm": 1.0, "um": 1e3, "µm": 1e3}
#: a constant exposure above this (nM; 1 mM) is rejected as absurd
MAX_EXPOSURE_NM = 1e6
FREQUENCIES = ("qd", "od", "daily", "bid", "tid", "qid", "qw", "weekly", "q2w", "q3w", "q4w", "qNw", "qNd",
               "qNh", "x1", "once")
#: cycle days: ``d1,8,15`` (days of each cycle, counted from 1; the cycle length is the frequency)
_CYCLE_DAYS = re.compile(r"d(\d+(?:,\d+)*)")
_NAMED = {"qd": 1.0, "od": 1.0, "daily": 1.0, "bid": 0.5, "tid": 1 / 3, "qid": 0.25, "qw": 7.0, "weekly": 7.0,
          "qod": 2.0}
#: a dose above this many mg/kg or mg/m² is rejected as absurd
MAX_MG_PER_KG = 100.0
MAX_MG_PER_M2 = 2000.0
#: ... and a dose above this multiple of the catalog's largest labelled (or standard) single dose
MAX_FOLD_OVER_LABEL = 10.0
#: a single dose below this fraction of the catalog's standard single dose (its ``pk.regimen``:
#: the labelled dose where the drug has a label), both in mg for the same patient (mg/kg and
#: mg/m² converted with the run's body weight and surface area), is "far below the labelled
#: range": a warning (:func:`low_dose_warning`), not an error — low-dose studies are legitimate,
#: but a dropped ``/kg`` (``tocilizumab 8 mg``, 1/70 of 8 mg/kg) is the usual cause
LOW_DOSE_FRACTION = 0.1

_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


@dataclass(frozen=True)
class Patient:
    """Body size for per-kg and per-m² doses and size-scaled PK. Defaults: an assumed
    reference adult (70 kg; 1.8 m², the BSA of Frey 2010's tocilizumab reference patient)."""

    weight_kg: float = 70.0
    bsa_m2: float = 1.8

    def __post_init__(self) -> None:
        if not (20.0 <= self.weight_kg <= 300.0):
            raise TherapyError("weight_kg", f"body weight must be 20–300 kg, got {self.weight_kg:g}")
        if not (0.5 <= self.bsa_m2 <= 3.5):
            raise TherapyError("bsa_m2", f"body surface area must be 0.5–3.5 m², got {self.bsa_m2:g}")


@dataclass(frozen=True)
class Regimen:
    """One drug's schedule. ``interval_days`` is None for a single dose; ``n_doses`` None
    means "until the end of the run (or of ``duration_days``)"."""

    drug: Drug
    dose: float
    unit: str
    route: str
    interval_days: float | None
    n_doses: int | None
    start_day: float = 0.0
    duration_days: float | None = None
    infusion_h: float = 0.0
    text: str = ""
    exposure_nM: float | None = None
    cycle_on_days: float | None = None
    cycle_off_days: float | None = None
    #: ``d1,8,15 q28d``: the dose days within each cycle as offsets from its start (days; 0 =
    #: day 1); ``interval_days`` is then the cycle length
    cycle_days: tuple[float, ...] | None = None

    @property
    def is_exposure(self) -> bool:
        """A constant free site concentration (``... nM|uM continuous``), not doses."""
        return self.exposure_nM is not None

    def exposure_window_days(self, days: float) -> tuple[float, float] | None:
        """``(start, end)`` of a constant exposure within [0, ``days``), or None if it starts later."""
        if not self.is_exposure or self.start_day >= days:
            return None
        end = days if self.duration_days is None else min(days, self.start_day + self.duration_days)
        return (self.start_day, end)

    def dose_mg(self, patient: Patient | None = None) -> float:
        """One dose in mg for this patient."""
        if self.is_exposure:
            raise TherapyError("dose", f"{self.describe()!r} is a constant concentration, not a dose in mg")
        p = patient or Patient()
        return _to_mg(self.dose, self.unit, p)

    def dose_times_days(self, days: float) -> list[float]:
        """Start times of the doses that fall in [0, ``days``) (days from the start of the run)."""
        if self.is_exposure:
            w = self.exposure_window_days(days)
            return [w[0]] if w else []
        out: list[float] = []
        end = days if self.duration_days is None else min(days, self.start_day + self.duration_days)
        if self.cycle_days is not None:
            k = 0
            while True:
                for off in self.cycle_days:
                    t = self.start_day + k * self.interval_days + off
                    if t >= end - 1e-12 or (self.n_doses is not None and len(out) >= self.n_doses):
                        return out
                    out.append(round(t, 12))
                k += 1
        cycle = (self.cycle_on_days + self.cycle_off_days) if self.cycle_on_days else None
        k = 0
        while True:
            t = self.start_day + (k * self.interval_days if self.interval_days else 0.0)
            if t >= end - 1e-12 or (self.n_doses is not None and len(out) >= self.n_doses):
                break
            k += 1
            if cycle is None or ((t - self.start_day) % cycle) < self.cycle_on_days - 1e-9:
                out.append(round(t, 12))
            if self.interval_days is None:
                break
        return out

    def doses(self, days: float, patient: Patient | None = None) -> list[tuple[float, float]]:
        """``(time_days, mg)`` of every dose started before ``days`` (an infusion: its start)."""
        if self.is_exposure:
            return []
        mg = self.dose_mg(patient)
        return [(t, mg) for t in self.dose_times_days(days)]

    def describe(self) -> str:
        if self.text:
            return self.text
        if self.is_exposure:
            return f"{self.drug.name} {self.exposure_nM:g} nM continuous"
        return f"{self.drug.name} {self.dose:g} {self.unit} {self.route}"


def _to_mg(dose: float, unit: str, p: Patient) -> float:
    u = unit.replace("µg", "ug").replace("mcg", "ug").replace("m²", "m2")
    return {"mg": dose, "g": dose * 1e3, "ug": dose * 1e-3, "mg/kg": dose * p.weight_kg,
            "mg/m2": dose * p.bsa_m2}[u]


def _frequency(tok: str) -> float | None:
    """Interval in days for a frequency token, or None if it is not one."""
    if tok in _NAMED:
        return _NAMED[tok]
    m = re.fullmatch(r"q(" + _NUM + r")([hdw])", tok)
    if m:
        n = float(m.group(1))
        if n <= 0:
            raise TherapyError("frequency", f"interval must be positive, got {tok!r}")
        return n * {"h": 1 / 24, "d": 1.0, "w": 7.0}[m.group(2)]
    return None


def _label_max_mg(drug: Drug) -> tuple[float, str]:
    """The reference single dose for the absurd-dose limit: the labelled maximum, else the
    catalog's standard regimen for the reference patient."""
    pk = drug.pk
    if pk is not None and pk.max_single_dose is not None:
        return pk.max_single_dose.canonical(), "labelled maximum single dose"
    if pk is not None:
        std = _parse(pk.regimen, check_limits=False)
        return std.dose_mg(Patient()), f"standard dose ({pk.regimen})"
    return float("inf"), ""


def low_dose_warning(reg: Regimen, patient: Patient | None = None) -> str | None:
    """One line if ``reg``'s single dose is below :data:`LOW_DOSE_FRACTION` of the catalog's
    standard single dose for ``patient`` (default: the reference adult), else None; a
    constant exposure or a drug without a standard regimen has no reference (None).

    >>> low_dose_warning(parse_regimen("tocilizumab 8 mg iv q4w"))[:60]
    'tocilizumab 8 mg iv q4w: 8 mg per dose is 1/70 of the catalo'
    >>> low_dose_warning(parse_regimen("tocilizumab 4 mg/kg iv q4w")) is None
    True
    """
    pk = reg.drug.pk
    if reg.is_exposure or pk is None or not pk.dosable or not pk.regimen:
        return None
    p = patient or Patient()
    std = _parse(pk.regimen, check_limits=False)
    ref, mg = std.dose_mg(p), reg.dose_mg(p)
    if not (ref > 0) or mg >= LOW_DOSE_FRACTION * ref:
        return None
    size = {"mg/kg": f" for {p.weight_kg:g} kg",
            "mg/m2": f" for {p.bsa_m2:g} m²"}.get(std.unit.replace("m²", "m2"), "")
    hint = ""
    if std.unit != reg.unit and reg.unit in ("mg", "g", "ug", "µg", "mcg"):
        # the number as typed, read in the standard's per-kg / per-m² unit, near the standard?
        per = _to_mg(reg.dose, std.unit, p)
        if LOW_DOSE_FRACTION * ref <= per <= MAX_FOLD_OVER_LABEL * ref:
            hint = f"; did you mean {reg.dose:g} {std.unit}?"
    return (f"{reg.describe()}: {mg:.3g} mg per dose is 1/{ref / mg:.3g} of the catalog's standard (labelled) "
            f"dose, {pk.regimen} = {ref:.3g} mg{size}; far below it (< {LOW_DOSE_FRACTION:g}×){hint}")


def parse_regimen(text: str, start_day: float | None = None, duration_days: float | None = None,
                  n_doses: int | None = None) -> Regimen:
    """A :class:`Regimen` from clinician's text; bad input raises :class:`TherapyError`
    with the field (``drug``, ``dose``, ``unit``, ``route``, ``frequency``, ``schedule``)."""
    r = _parse(text)
    changes = {}
    if start_day is not None:
        changes["start_day"] = float(start_day)
    if duration_days is not None:
        changes["duration_days"] = float(duration_days)
    if n_doses is not None:
        changes["n_doses"] = int(n_doses)
    if changes:
        from dataclasses import replace
        r = replace(r, **changes)
    _check_schedule(r)
    return r


def _check_schedule(r: Regimen) -> None:
    if not (r.start_day >= 0) or math.isinf(r.start_day):
        raise TherapyError("schedule", f"start day must be ≥ 0, got {r.start_day:g}")
    if r.duration_days is not None and not (r.duration_days > 0):
        raise TherapyError("schedule", f"duration must be > 0 days, got {r.duration_days:g}")
    if r.n_doses is not None and r.n_doses < 1:
        raise TherapyError("schedule", f"number of doses must be ≥ 1, got x{r.n_doses}")
    if r.interval_days is not None and r.interval_days * 24 < 1:
        raise TherapyError("frequency", f"dosing interval {r.interval_days * 24:g} h is shorter than 1 h")
    if r.cycle_days is not None:
        if r.interval_days is None:
            raise TherapyError("schedule", "cycle days (d1,8,15) need the cycle length as a frequency, e.g. "
                                           "'d1,8,15 q28d'")
        if r.cycle_on_days is not None:
            raise TherapyError("schedule", "give cycle days (d1,8,15 q28d) or 'Nd on Md off', not both")
        last = r.cycle_days[-1] + 1
        if last > r.interval_days + 1e-9:
            raise TherapyError("schedule", f"cycle day {last:g} is beyond the cycle of {r.interval_days:g} days")
    if r.cycle_on_days is not None:
        if r.interval_days is None:
            raise TherapyError("schedule", "'Nd on Md off' cycles need a dosing frequency (e.g. bid)")
        if not (r.cycle_on_days > 0 and r.cycle_off_days > 0):
            raise TherapyError("schedule", f"cycle days must be > 0, got {r.cycle_on_days:g}d on "
                                           f"{r.cycle_off_days:g}d off")
    if r.interval_days is not None and r.infusion_h / 24 > r.interval_days:
        raise TherapyError("schedule", f"an infusion of {r.infusion_h:g} h is longer than the dosing interval")


def _parse(text: str, check_limits: bool = True) -> Regimen:
    if not isinstance(text, str) or not text.strip():
        raise TherapyError("regimen", "empty regimen; write e.g. 'tocilizumab 8 mg/kg iv q4w'")
    s = " ".join(text.strip().split())
    # the dose is the first number that follows the drug name
    m = re.match(r"^(.*?)\s+(-?" + _NUM + r")\s*([^\s\d][^\s]*)?(?:\s+(.*))?$", s)
    if not m or not m.group(1):
        raise TherapyError("regimen", f"cannot read {text!r}; write '<drug> <dose> <unit> <route> [frequency] [xN]', "
                                      "e.g. 'ruxolitinib 20 mg po bid'")
    drug = get_drug(m.group(1))
    dose = float(m.group(2))
    unit = (m.group(3) or "").lower().replace("μ", "µ")
    rest = (m.group(4) or "").lower().split()
    if unit in EXPOSURE_UNITS:
        return _parse_exposure(drug, float(m.group(2)), unit, rest, text, s)
    if unit not in UNITS:
        raise TherapyError("unit", f"unknown dose unit {m.group(3) or '(none)'!r} in {text!r}; allowed: {', '.join(UNITS)}"
                                   ", or nM/uM with 'continuous' for a constant exposure")
    if not (dose > 0) or math.isinf(dose):
        raise TherapyError("dose", f"dose must be a positive number, got {m.group(2)} {unit}")
    route = None
    interval: float | None = None
    n: int | None = None
    start = 0.0
    infusion: float | None = None
    duration: float | None = None
    cycle: tuple[float, float] | None = None
    cycle_days: tuple[float, ...] | None = None
    i = 0
    while i < len(rest):
        tok = rest[i]
        if tok == "continuous":
            raise TherapyError("unit", f"'continuous' is for a constant concentration (nM or uM), not {unit}: "
                                       f"write e.g. '{drug.name} 1 uM continuous'")
        if tok in ROUTES:
            if route is not None:
                raise TherapyError("route", f"two routes in {text!r}")
            route = tok
        elif tok in ("x1", "once"):
            n = 1
        elif re.fullmatch(r"x-?\d+", tok):
            n = int(tok[1:])
            if n < 1:
                raise TherapyError("schedule", f"number of doses must be ≥ 1, got {tok!r}")
        elif tok == "over" and i + 1 < len(rest):
            mm = re.fullmatch(r"(" + _NUM + r")(h|min)", rest[i + 1])
            if not mm:
                raise TherapyError("schedule", f"infusion time {rest[i + 1]!r}: write e.g. 'over 3h' or 'over 30min'")
            infusion = float(mm.group(1)) / (60.0 if mm.group(2) == "min" else 1.0)
            i += 1
        elif re.fullmatch(r"@?day-?" + _NUM, tok):
            start = float(tok.lstrip("@")[3:])
        elif tok == "for":
            duration = _duration(rest, i, text)
            i += 1
        elif re.fullmatch(_NUM + r"d", tok) and rest[i + 1:i + 2] == ["on"]:
            mm = re.fullmatch(r"(" + _NUM + r")d", rest[i + 2]) if len(rest) > i + 3 and rest[i + 3] == "off" else None
            if not mm:
                raise TherapyError("schedule", f"cycle in {text!r}: write e.g. '14d on 14d off'")
            cycle = (float(tok[:-1]), float(mm.group(1)))
            i += 3
        elif _CYCLE_DAYS.fullmatch(tok):
            if cycle_days is not None:
                raise TherapyError("schedule", f"two lists of cycle days in {text!r}")
            cycle_days = _cycle_days(tok, text)
        elif _frequency(tok) is not None:
            if interval is not None:
                raise TherapyError("frequency", f"two frequencies in {text!r}")
            interval = _frequency(tok)
        elif route is None and re.fullmatch(r"[a-z]{2,3}", tok) and not tok.startswith("q"):
            raise TherapyError("route", f"unknown route {tok!r}; allowed: {', '.join(ROUTES)}")
        else:
            raise TherapyError("frequency", f"unknown frequency or token {tok!r}; allowed: {', '.join(FREQUENCIES)}, "
                                            "xN, over Nh, Nd on Md off, d1,8,15 (cycle days), @dayN, for Nd")
        i += 1
    if route is None:
        raise TherapyError("route", f"no route in {text!r}; allowed: {', '.join(ROUTES)}")
    if drug.pk is None or not drug.pk.dosable:
        why = drug.pk_note or (drug.pk.pk_note if drug.pk is not None else "") or "no human PK in the catalog"
        raise TherapyError("drug", f"{drug.name} cannot be dosed: {why}; give a constant exposure instead, e.g. "
                                   f"'{drug.name} 1 uM continuous'. Dosable: "
                                   f"{', '.join(d.name for d in load_catalog().drugs if d.dosable)}")
    if route not in drug.pk.routes:
        raise TherapyError("route", f"{drug.name} is not given {route}; its routes: {', '.join(drug.pk.routes)}")
    if n == 1 and interval is None:
        interval = None
    if infusion is None:
        infusion = drug.pk.infusion_h.canonical() if (route == "iv" and drug.pk.infusion_h is not None) else 0.0
    if route != "iv" and infusion:
        raise TherapyError("schedule", f"an infusion time applies to iv doses only, not {route}")
    reg = Regimen(drug, dose, unit, route, interval, n, start, duration, infusion, s,
                  cycle_on_days=cycle[0] if cycle else None, cycle_off_days=cycle[1] if cycle else None,
                  cycle_days=cycle_days)
    if check_limits:
        _check_dose(reg)
    _check_schedule(reg)
    return reg


def _cycle_days(tok: str, text: str) -> tuple[float, ...]:
    """``d1,8,15`` -> ``(0.0, 7.0, 14.0)``: the dose days of a cycle as offsets from its start."""
    days = [int(x) for x in tok[1:].split(",")]
    if days[0] < 1:
        raise TherapyError("schedule", f"cycle days count from day 1, got {tok!r} in {text!r}")
    if any(b <= a for a, b in zip(days, days[1:])):
        raise TherapyError("schedule", f"cycle days must increase without repeats, got {tok!r} in {text!r}")
    return tuple(float(d - 1) for d in days)


def _duration(rest: list[str], i: int, text: str) -> float:
    """The duration after ``for`` at ``rest[i]``: ``28d``, ``4w`` or ``28 days``."""
    nxt = rest[i + 1] if i + 1 < len(rest) else ""
    mm = re.fullmatch(r"(-?" + _NUM + r")(d|w)", nxt)
    if not mm:
        raise TherapyError("schedule", f"duration in {text!r}: write e.g. 'for 28d' or 'for 4w'")
    return float(mm.group(1)) * (7.0 if mm.group(2) == "w" else 1.0)


def _parse_exposure(drug: Drug, conc: float, unit: str, rest: list[str], text: str, s: str) -> Regimen:
    """``<drug> <conc> nM|uM continuous [@dayN] [for Nd]``: a constant free site concentration."""
    shown = {"nm": "nM", "um": "uM", "µm": "uM"}[unit]
    if not (conc > 0) or math.isinf(conc):
        raise TherapyError("dose", f"concentration must be a positive number, got {conc:g} {shown}")
    nM = conc * EXPOSURE_UNITS[unit]
    if nM > MAX_EXPOSURE_NM:
        raise TherapyError("dose", f"{conc:g} {shown} is above the limit of 1 mM for a constant exposure")
    start, duration, continuous = 0.0, None, False
    i = 0
    while i < len(rest):
        tok = rest[i]
        if tok == "continuous":
            continuous = True
        elif re.fullmatch(r"@?day-?" + _NUM, tok):
            start = float(tok.lstrip("@")[3:])
        elif tok == "for":
            duration = _duration(rest, i, text)
            i += 1
        else:
            raise TherapyError("schedule", f"a constant exposure takes only 'continuous', '@dayN' and 'for Nd', "
                                           f"not {tok!r} (in {text!r})")
        i += 1
    if not continuous:
        raise TherapyError("route", f"a concentration ({shown}) is a constant exposure: write "
                                    f"'{drug.name} {conc:g} {shown} continuous'")
    reg = Regimen(drug, conc, shown, "continuous", None, None, start, duration, 0.0, s, exposure_nM=nM)
    _check_schedule(reg)
    return reg


def _check_dose(r: Regimen) -> None:
    u = r.unit.replace("m²", "m2")
    if u == "mg/kg" and r.dose > MAX_MG_PER_KG:
        raise TherapyError("dose", f"{r.dose:g} mg/kg is above the limit of {MAX_MG_PER_KG:g} mg/kg")
    if u == "mg/m2" and r.dose > MAX_MG_PER_M2:
        raise TherapyError("dose", f"{r.dose:g} mg/m2 is above the limit of {MAX_MG_PER_M2:g} mg/m2")
    ref, what = _label_max_mg(r.drug)
    mg = r.dose_mg(Patient())
    if mg > MAX_FOLD_OVER_LABEL * ref:
        raise TherapyError("dose", f"{mg:g} mg (reference patient) is more than {MAX_FOLD_OVER_LABEL:g}× the "
                                   f"{what} of {r.drug.name}, {ref:g} mg (limit {MAX_FOLD_OVER_LABEL * ref:g} mg)")
