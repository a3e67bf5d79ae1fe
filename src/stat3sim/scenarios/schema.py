"""What a scenario file may say: the pydantic models, the model's vocabulary, the error.

A scenario is the tissue at day 0 (``subtype``, ``cells``), what is added (``stimuli``,
``parameters``, ``knockouts``, ``depletions``, ``mimics``, ``therapies`` for every arm,
``patient`` for per-kg and per-m² doses) and what is compared (``comparisons``). Each
comparison is an arm of ``stat3sim run`` with its own changes on top of the scenario's:

* without ``therapies:`` it is an untreated arm, next to the wild type; a scenario's own
  untreated comparisons take the place of the four standard knock-out arms (tumor,
  myeloid, hematopoietic STAT3; IL-6), which run otherwise (``run --no-standard-arms``
  leaves them out; ``comparisons: []`` runs the wild type alone);
* with ``therapies:`` (regimens as a clinician writes them, ``"tocilizumab 8 mg/kg iv
  q4w"``; see docs/drugs.md) it is a treated arm: it runs beside an untreated reference
  ("no treatment") and the standard arms, and gets what ``tnbc``'s shipped therapy arms
  get: the treated-arm time courses (``therapy_timecourses.csv``), the drug-concentration
  figure, and the RECIST 1.1 best response in the report, the console and summary.json.

``"wild type"`` and ``"no treatment"`` are the references' names and cannot be a
comparison's. Example::

    name: my_tnbc_toci
    subtype: tnbc
    days: 112
    comparisons:
      - {name: tocilizumab, therapies: ["tocilizumab 8 mg/kg iv q4w"]}
      - {name: myeloid STAT3 KO + tocilizumab, knockouts: [myeloid:STAT3],
         therapies: ["tocilizumab 8 mg/kg iv q4w"]}

The models check form only (types, signs, misspelt field names); whether a cell type,
gene or parameter exists in the built model is checked by :func:`loader.validate`
against a :class:`Vocabulary`.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from stat3sim.therapy.regimen import Patient as _RegimenPatient


def _not_bool(value: object) -> object:
    """Reject YAML booleans where a number is expected (pydantic would read yes as 1.0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False)]
Count = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, BeforeValidator(_not_bool), Field(gt=0, allow_inf_nan=False)]

#: allowed day-0 tumor diameters (mm; ``initial_diameter_mm``, ``--diameter-mm``): a 1 mm
#: tumor is ~1e5 cells; at 100 mm it nears the Gompertz carrying capacity (K_tumor 1e11
#: cells, a ~110 mm sphere)
DIAMETER_RANGE_MM = (1.0, 100.0)

#: the fold of a miRNA mimic when none is given: 10 × the endogenous level (dimensionless;
#: assumed — no measured fold of a transfected mimic over the endogenous miRNA was found)
DEFAULT_MIMIC_FOLD = 10.0
_MIMIC = re.compile(r"^\s*([^:=\s]+)\s*:\s*([^:=\s]+)\s*(?:=\s*(\S+)\s*)?$")
_MIR = re.compile(r"^(?:hsa-)?mir-?(\d+)$", re.IGNORECASE)


def mir_symbol(name: str) -> str | None:
    """``"miR-124"`` (also ``mir124``, ``MIR124``, ``hsa-miR-124``) -> ``"MIR124"``; None if not a miRNA name."""
    m = _MIR.match(str(name).strip())
    return f"MIR{m.group(1)}" if m else None


def mir_name(symbol: str) -> str:
    """``"MIR124"`` -> ``"miR-124"`` (how people write it)."""
    return f"miR-{symbol[3:]}" if symbol.upper().startswith("MIR") else symbol


def parse_mimic(text: str) -> tuple[str, str, float]:
    """``"tumor:miR-124=5"`` -> ``("tumor", "miR-124", 5.0)``; the fold defaults to
    :data:`DEFAULT_MIMIC_FOLD`. Checks form only (ValueError); whether the cell carries that
    miRNA is checked against the model by ``loader.validate``."""
    m = _MIMIC.match(str(text))
    if not m:
        raise ValueError(f"expected cell:miRNA[=FOLD] (e.g. tumor:miR-124 or tumor:miR-124=5), got {text!r}")
    cell, mir, fold_text = m.groups()
    if fold_text is None:
        return cell, mir, DEFAULT_MIMIC_FOLD
    try:
        fold = float(fold_text)
    except ValueError:
        raise ValueError(f"fold must be a positive number (× endogenous level), got {fold_text!r} in {text!r}") from None
    if not math.isfinite(fold) or fold <= 0:
        raise ValueError(f"fold must be a positive finite number (× endogenous level), got {fold_text} in {text!r}")
    return cell, mir, fold


class Patient(BaseModel):
    """Body size for per-kg and per-m² doses (defaults: ``stat3sim.therapy.regimen.Patient``,
    an assumed reference adult of 70 kg and 1.8 m²)."""

    model_config = ConfigDict(extra="forbid")

    weight_kg: Positive = _RegimenPatient.weight_kg
    bsa_m2: Positive = _RegimenPatient.bsa_m2

    def regimen_patient(self) -> _RegimenPatient:
        """The therapy package's Patient (raises ``TherapyError`` outside its plausible range)."""
        return _RegimenPatient(self.weight_kg, self.bsa_m2)


class Stimulus(BaseModel):
    """A ligand added to the medium: ``{species: IL6, value: "20 ng/mL", day: 0}``."""

    model_config = ConfigDict(extra="forbid")

    species: str
    value: str
    day: Annotated[float, BeforeValidator(_not_bool), Field(ge=0, allow_inf_nan=False)] = 0


class Arm(BaseModel):
    """One arm of a comparison: perturbations applied on top of the scenario's own; with
    ``therapies`` a treated arm (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    knockouts: list[str] = []
    depletions: list[str] = []
    parameters: dict[str, Number] = {}
    cells: dict[str, Count] = {}
    mimics: list[str] = []
    therapies: list[str] = []


class Scenario(BaseModel):
    """A tumor-microenvironment simulation: the starting tissue, what is added, what is read."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str = ""
    subtype: str = "tnbc"
    days: Annotated[float, BeforeValidator(_not_bool), Field(gt=0, allow_inf_nan=False)] = 180
    cells: dict[str, Count] = {}
    initial_diameter_mm: Positive | None = None
    initial_volume_mm3: Positive | None = None
    stimuli: list[Stimulus] = []
    parameters: dict[str, Number] = {}
    knockouts: list[str] = []
    depletions: list[str] = []
    mimics: list[str] = []
    therapies: list[str] = []
    patient: Patient | None = None
    detection_threshold_cells: Positive | None = None
    readouts: list[str] = []
    comparisons: list[Arm] | None = None
    source: str = ""

    @field_validator("description")
    @classmethod
    def _one_line(cls, text: str) -> str:
        """Optional; when given, one line."""
        text = text.strip()
        if "\n" in text:
            raise ValueError("must be one line")
        return text

    @field_validator("comparisons")
    @classmethod
    def _unique_arms(cls, arms: list[Arm] | None) -> list[Arm] | None:
        names = [arm.name for arm in arms or []]
        reserved = sorted({n for n in names if n.strip().lower() in ("wild type", "no treatment")})
        if reserved:
            raise ValueError(f"{', '.join(repr(n) for n in reserved)}: the name of a reference arm of "
                             "`stat3sim run`; give the comparison another name")
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise ValueError(f"arm names must be unique; repeated: {', '.join(dups)}")
        return arms


@dataclass(frozen=True)
class Vocabulary:
    """The names a scenario may use, taken from the built model."""

    cell_types: tuple[str, ...]
    lineages: dict[str, tuple[str, ...]]
    subtypes: tuple[str, ...]
    genes: dict[str, frozenset[str]]  # cell type -> knockable gene symbols (MIR<n>: miRNAs a mimic may raise)
    parameters: frozenset[str]
    observables: tuple[str, ...]
    stimulus_species: dict[str, float | None]  # species -> molar mass in kDa (None: no mass units)
    sites: tuple[str, ...] = ()  # organs with a metastatic niche (bone, lung, liver); cells are mets_<site>
    niches: tuple[str, ...] = ()  # knock-out "lineages" that are not cell types (bone niche, host)
    #: parameter -> (low, high, what): the values it may take (``stat3sim.model.bounds``)
    parameter_ranges: dict[str, tuple[float, float, str]] = field(default_factory=dict)

    def mirna_cells(self) -> dict[str, tuple[str, ...]]:
        """cell type -> the miRNAs (``MIR124`` …) it carries, for cells that carry any."""
        return {c: tuple(sorted(g for g in genes if g.startswith("MIR")))
                for c, genes in self.genes.items() if any(g.startswith("MIR") for g in genes)}


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is one line: ``<file>: <field>: <message>``.

    A file with several problems is one error: ``field`` and the start of ``message`` are the
    first problem's, the others follow in ``message`` as ``; also <field>: <message>``;
    ``problems`` lists every (field, message)."""

    def __init__(self, file: str, field: str, message: str, problems: list[tuple[str, str]] | None = None):
        self.file = str(file)
        self.field = field
        self.message = " ".join(str(message).split())  # one line, whatever came in
        self.problems = list(problems) if problems else [(field, self.message)]
        super().__init__(f"{self.file}: {self.field}: {self.message}")

    @classmethod
    def of(cls, file: str, problems: list[tuple[str, str]]) -> "ScenarioError":
        """One error listing every ``(field, message)`` of ``problems`` (at least one)."""
        (field, message), rest = problems[0], problems[1:]
        text = message + "".join(f"; also {f}: {m}" for f, m in rest)
        return cls(file, field, text, problems)
