"""What a trial design file may say, and its loader; every failure is one DesignError line.

A design is a YAML file (shipped ones in ``data/<name>.yaml``)::

    name: tnbc_first_line_chemo_io
    title: IMpassion130 ...
    description: one line
    source: "the real trial, with its reference"
    scenario: tnbc                     # a shipped scenario (stat3sim scenarios)
    inclusion:                         # on baseline readouts at diagnosis (all must hold)
      - {readout: serum_CRP_mg_L, op: ">", value: 10, unit: mg/L}
      - {readout: tumor.pSTAT3, op: ">=", quantile: 0.5}   # ≥ the screened population's median
    subgroups:                         # boolean columns of the analysis, same form
      - {name: pdl1_positive, readout: tumor.PDL1, op: ">=", quantile: 0.592, note: ...}
    arms:
      - {name: placebo + nab-paclitaxel, regimens: ["nab-paclitaxel 100 mg/m2 iv d1,8,15 q28d"]}
      - {name: atezolizumab + nab-paclitaxel, regimens: [...]}
    control: placebo + nab-paclitaxel  # null for a single-arm trial
    randomisation: {placebo + nab-paclitaxel: 1, atezolizumab + nab-paclitaxel: 1}
    n_per_arm: 100                     # default virtual patients per arm (--n overrides)
    imaging_every_weeks: 8
    followup_days: 365
    confirmation: true                 # PR/CR confirmed ≥ 28 d later (RECIST 1.1)
    endpoints: [orr, pfs, subgroups]
    published:                         # the real trial's outcomes, each with its source
      - {arm: ..., population: ITT, role: calibration, median_pfs_months: 5.5, source: ..., tag: read}

``role``: ``calibration`` (a control arm's outcome that the model may be fitted to),
``prediction`` (an experimental arm's outcome: compared with, never fitted to), or
``reference`` (context from another disease or endpoint: neither). ``population`` is
``ITT`` or a subgroup's name.

Readouts are checked against :data:`READOUT_UNITS` — the readouts the cohort records at
diagnosis (``stat3sim.cohort.burnin.BASELINE_READOUTS`` and the doubling time), with
their units from docs/observables.md — or a list passed to :func:`load_design`.
A ``quantile`` threshold is the readout's quantile among the screened (for inclusion) or
enrolled (for subgroups) patients, pooled over arms; :func:`eligible` and
:func:`subgroup_flags` apply them to a baseline table.
"""
from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Annotated, Iterator, Literal, Mapping, Sequence

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

if TYPE_CHECKING:  # numpy and pandas load where a design is applied to patients, not to read one
    import pandas as pd

from stat3sim.scenarios.loader import _path, _short, _type_message, _unknown, parse_mapping, read_source

_DATA = "data"

#: the readouts an inclusion criterion or subgroup may use, with their units: what the
#: cohort records at diagnosis (stat3sim.cohort.burnin.BASELINE_READOUTS, units from
#: docs/observables.md) and the doubling time measured there
READOUT_UNITS: dict[str, str] = {
    "tumor_diameter_mm": "mm", "tumor_volume_mm3": "mm3", "tumor_cells": "cell",
    "tumor.pSTAT3": "dimensionless", "tumor.pSTAT3_nuclear_nM": "nM", "tumor.PDL1": "au",
    "CD8_per_mL": "cell/mL", "CD8_exhausted_fraction": "dimensionless", "M2_fraction": "dimensionless",
    "Th17_fraction": "dimensionless", "serum_IL6_pg_mL": "pg/mL", "serum_IL11_pg_mL": "pg/mL",
    "serum_CRP_mg_L": "mg/L", "tumor_IL11_pg_mL": "pg/mL", "metastatic_burden": "cell",
    "mets_bone": "cell", "mets_lung": "cell", "mets_liver": "cell", "doubling_time_days": "day",
}
ENDPOINTS = ("orr", "pfs", "subgroups")
OPS = (">", ">=", "<", "<=")
ROLES = ("calibration", "prediction", "reference")
TAGS = ("read", "recalled")


def _not_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False)]
Positive = Annotated[float, BeforeValidator(_not_bool), Field(gt=0, allow_inf_nan=False)]
Fraction = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, le=1, allow_inf_nan=False)]
PositiveInt = Annotated[int, BeforeValidator(_not_bool), Field(gt=0)]
Interval = tuple[Number, Number]


class DesignError(ValueError):
    """A design that cannot be used; ``str()`` is one line: ``<file>: <field>: <message>``."""

    def __init__(self, file: str, field: str, message: str, problems: list[tuple[str, str]] | None = None):
        self.file, self.field = str(file), field
        self.message = " ".join(str(message).split())
        self.problems = list(problems) if problems else [(field, self.message)]
        super().__init__(f"{self.file}: {self.field}: {self.message}")

    @classmethod
    def of(cls, file: str, problems: list[tuple[str, str]]) -> "DesignError":
        (field, message), rest = problems[0], problems[1:]
        return cls(file, field, message + "".join(f"; also {f}: {m}" for f, m in rest), problems)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Criterion(_Strict):
    """``readout op value unit`` (an absolute threshold) or ``readout op quantile`` (the
    readout's quantile in the screened / enrolled population)."""

    readout: str
    op: Literal[">", ">=", "<", "<="]
    value: Number | None = None
    unit: str | None = None
    quantile: Fraction | None = None
    note: str = ""


class Subgroup(Criterion):
    """A named boolean column of the analysis (``pdl1_positive``), defined like a criterion."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class Arm(_Strict):
    """One arm: its regimens in the catalog's language (none: placebo / best supportive care)."""

    name: str
    regimens: list[str] = []
    description: str = ""


class Published(_Strict):
    """One published outcome of one arm (or of a comparison, with ``versus``) in one population."""

    arm: str
    population: str = "ITT"
    role: Literal["calibration", "prediction", "reference"]
    n: PositiveInt | None = None
    orr: Fraction | None = None
    orr_ci95: Interval | None = None
    orr_confirmed: bool | None = None
    median_pfs_months: Positive | None = None
    median_pfs_ci95_months: Interval | None = None
    median_os_months: Positive | None = None
    versus: str | None = None
    hazard_ratio: Positive | None = None
    hazard_ratio_ci95: Interval | None = None
    hazard_ratio_endpoint: Literal["pfs", "os"] | None = None
    statement: str = ""
    source: str
    tag: Literal["read", "recalled"]
    note: str = ""

    @field_validator("source")
    @classmethod
    def _has_source(cls, s: str) -> str:
        if not s.strip():
            raise ValueError("every published number needs its source")
        return s


class Design(_Strict):
    """A virtual trial: population, arms, schedule of scans, endpoints, published outcomes."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str = ""
    source: str
    scenario: str
    inclusion: list[Criterion] = []
    subgroups: list[Subgroup] = []
    arms: list[Arm] = Field(min_length=1)
    control: str | None = None
    randomisation: dict[str, PositiveInt] = {}
    n_per_arm: PositiveInt
    trial_n_per_arm: dict[str, PositiveInt] = {}
    imaging_every_weeks: Positive = 8
    followup_days: Positive
    confirmation: bool = False
    endpoints: list[str] = ["orr", "pfs"]
    published: list[Published] = []
    published_note: str = ""
    notes: list[str] = []
    path: str = ""

    @field_validator("description")
    @classmethod
    def _one_line(cls, text: str) -> str:
        text = text.strip()
        if "\n" in text:
            raise ValueError("must be one line")
        return text

    @field_validator("endpoints")
    @classmethod
    def _endpoints(cls, eps: list[str]) -> list[str]:
        for e in eps:
            if e not in ENDPOINTS:
                raise ValueError(_unknown("endpoint", e, ENDPOINTS))
        if len(set(eps)) != len(eps):
            raise ValueError("repeated endpoint")
        return eps

    @property
    def arm_names(self) -> list[str]:
        return [a.name for a in self.arms]

    @property
    def imaging_days(self) -> float:
        return 7.0 * self.imaging_every_weeks

    def scan_days(self) -> list[float]:
        """Scheduled scans, days from randomisation: baseline (0) then every k weeks to the follow-up end."""
        step = self.imaging_days
        return [0.0] + [step * k for k in range(1, int(self.followup_days // step + 1e-9) + 1)]

    def ratio(self, arm: str) -> int:
        return self.randomisation.get(arm, 1)


# --- loading ---------------------------------------------------------------------------

def _shipped():
    return resources.files("stat3sim.trial") / _DATA


def list_designs() -> list[str]:
    """The shipped designs' names."""
    return sorted(f.name.rsplit(".", 1)[0] for f in _shipped().iterdir() if f.name.endswith(".yaml"))


def _read(name_or_path: str) -> tuple[str, str]:
    return read_source(name_or_path, _shipped(), list_designs(), "design", DesignError)


def _model_at(loc: tuple) -> type[BaseModel]:
    names = [p for p in loc[:-1] if isinstance(p, str)]
    return {"inclusion": Criterion, "subgroups": Subgroup, "arms": Arm, "published": Published}.get(
        names[-1] if names else "", Design)


def _error_from(source: str, exc: ValidationError) -> DesignError:
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = [f for f in _model_at(loc).model_fields if f != "path"]
            message = _unknown("field", str(loc[-1]), allowed)
        elif err["type"] == "literal_error":
            message = f"must be {err['msg'].removeprefix('Input should be ')}, got {_short(err.get('input'))}"
        elif err["type"] == "too_short" and loc and loc[-1] == "arms":
            message = "a trial needs at least one arm"
        elif err["type"] in ("int_parsing", "int_type", "int_from_float"):
            message = f"expected a whole number, got {_short(err.get('input'))}"
        else:
            message = _type_message(err)
        problems.append((_path(loc) or "(top level)", message))
    return DesignError.of(source, problems)


def load_design(name_or_path: str, readouts: Mapping[str, str] | Sequence[str] | None = None,
                scenarios: Sequence[str] | None = None) -> Design:
    """A shipped design by name or a user's YAML file, checked: form (types, signs, field
    names), regimens (parsed with the therapy catalog), arm names, readouts (against
    ``readouts``: names, or name -> unit; default :data:`READOUT_UNITS`) and the scenario
    (against ``scenarios``; default the shipped ones). Raises :class:`DesignError` only."""
    source, text = _read(name_or_path)
    data = parse_mapping(source, text, DesignError, "name, title, scenario, arms", "path")
    try:
        design = Design.model_validate({**data, "path": source})
    except ValidationError as exc:
        raise _error_from(source, exc) from None
    if problems := list(_problems(design, readouts, scenarios)):
        raise DesignError.of(source, problems)
    return design


def _units(readouts) -> dict[str, str | None]:
    if readouts is None:
        return dict(READOUT_UNITS)
    if isinstance(readouts, Mapping):
        return dict(readouts)
    return {r: None for r in readouts}


def _criterion_problems(c: Criterion, where: str, units: dict[str, str | None]) -> Iterator[tuple[str, str]]:
    if c.readout not in units:
        yield f"{where}.readout", _unknown("readout", c.readout, sorted(units))
        return
    if (c.value is None) == (c.quantile is None):
        yield where, "give a threshold as value (with its unit) or as quantile (0-1 of the population), one of them"
        return
    if c.quantile is not None and c.unit is not None:
        yield f"{where}.unit", "a quantile threshold has no unit; remove unit or give value"
    want = units[c.readout]
    if c.value is not None and want is not None:
        got = c.unit if c.unit is not None else ("dimensionless" if want == "dimensionless" else None)
        if got is None:
            yield f"{where}.unit", f"{c.readout} is in {want}; give unit: {want}"
        elif got != want:
            yield f"{where}.unit", f"{c.readout} is in {want}, not {got!r}"


def _problems(d: Design, readouts, scenarios) -> Iterator[tuple[str, str]]:
    """(field, message) of each problem pydantic cannot see."""
    from stat3sim.therapy import TherapyError, parse_regimen

    known = list(scenarios) if scenarios is not None else _shipped_scenarios()
    if d.scenario not in known:
        yield "scenario", _unknown("scenario", d.scenario, known)
    units = _units(readouts)
    for i, c in enumerate(d.inclusion):
        yield from _criterion_problems(c, f"inclusion[{i}]", units)
    names = [s.name for s in d.subgroups]
    for i, s in enumerate(d.subgroups):
        yield from _criterion_problems(s, f"subgroups[{i}]", units)
        if names.count(s.name) > 1 and names.index(s.name) == i:
            yield f"subgroups[{i}].name", f"repeated subgroup name {s.name!r}"
    arms = d.arm_names
    dups = sorted({a for a in arms if arms.count(a) > 1})
    if dups:
        yield "arms", f"arm names must be unique; repeated: {', '.join(dups)}"
    for i, arm in enumerate(d.arms):
        if not arm.name.strip():
            yield f"arms[{i}].name", "an arm needs a name"
        for j, text in enumerate(arm.regimens):
            try:
                parse_regimen(text)
            except TherapyError as exc:
                yield f"arms[{i}].regimens[{j}]", f"{exc.field}: {exc.message}"
    if d.control is not None and d.control not in arms:
        yield "control", _unknown("arm", d.control, arms)
    if d.control is None and len(arms) > 1:
        yield "control", f"a trial with {len(arms)} arms names its control arm; arms: {', '.join(arms)}"
    for key, where in ((d.randomisation, "randomisation"), (d.trial_n_per_arm, "trial_n_per_arm")):
        for arm in key:
            if arm not in arms:
                yield f"{where}.{arm}", _unknown("arm", arm, arms)
    if "subgroups" in d.endpoints and not d.subgroups:
        yield "endpoints", "'subgroups' needs subgroups: defined"
    if d.imaging_days > d.followup_days:
        yield "imaging_every_weeks", (f"the first scan ({d.imaging_days:g} d) is after the follow-up end "
                                      f"({d.followup_days:g} d)")
    populations = ["ITT"] + names
    for i, p in enumerate(d.published):
        where = f"published[{i}]"
        if p.arm not in arms:
            yield f"{where}.arm", _unknown("arm", p.arm, arms)
        if p.population not in populations:
            yield f"{where}.population", _unknown("population", p.population, populations)
        if p.versus is not None and p.versus not in arms:
            yield f"{where}.versus", _unknown("arm", p.versus, arms)
        if p.role == "calibration" and p.arm != d.control:
            yield f"{where}.role", (f"only the control arm ({d.control}) may be a calibration target; "
                                    f"{p.arm!r} is a prediction")
        if p.hazard_ratio is not None and (p.versus is None or p.hazard_ratio_endpoint is None):
            yield f"{where}.hazard_ratio", "a hazard ratio needs versus (the comparator arm) and hazard_ratio_endpoint"
        for name in ("orr_ci95", "median_pfs_ci95_months", "hazard_ratio_ci95"):
            ci = getattr(p, name)
            if ci is not None and not ci[0] <= ci[1]:
                yield f"{where}.{name}", f"lower bound above upper: {list(ci)}"


def _shipped_scenarios() -> list[str]:
    from stat3sim.scenarios.loader import _shipped_names

    return _shipped_names()


# --- applying criteria ----------------------------------------------------------------------

def _threshold(c: Criterion, values: pd.Series) -> float:
    import numpy as np

    if c.value is not None:
        return float(c.value)
    return float(np.nanquantile(values.to_numpy(float), c.quantile))


def _holds(c: Criterion, values: pd.Series) -> pd.Series:
    t = _threshold(c, values)
    op = {">": values.gt, ">=": values.ge, "<": values.lt, "<=": values.le}[c.op]
    return op(t) & values.notna()


def eligible(design: Design, baseline: pd.DataFrame) -> pd.Series:
    """Which screened patients (rows of ``baseline``, one column per readout) meet every
    inclusion criterion; a quantile is taken over all rows given."""
    import pandas as pd

    ok = pd.Series(True, index=baseline.index)
    for c in design.inclusion:
        if c.readout not in baseline.columns:
            raise KeyError(f"baseline table has no column {c.readout!r}")
        ok &= _holds(c, baseline[c.readout])
    return ok


def subgroup_flags(design: Design, baseline: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per subgroup for the enrolled patients (rows of ``baseline``); a
    quantile is taken over all rows given (pool the arms' patients before calling)."""
    import pandas as pd

    out = pd.DataFrame(index=baseline.index)
    for s in design.subgroups:
        if s.readout not in baseline.columns:
            raise KeyError(f"baseline table has no column {s.readout!r}")
        out[s.name] = _holds(s, baseline[s.readout])
    return out


__all__ = ["Arm", "Criterion", "Design", "DesignError", "ENDPOINTS", "Published", "READOUT_UNITS", "Subgroup",
           "eligible", "list_designs", "load_design", "subgroup_flags"]
