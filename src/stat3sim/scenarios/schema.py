"""What a scenario file may say: the pydantic models, the model's vocabulary, the error.

The models check form only (types, signs, misspelt field names); whether a cell type,
gene or parameter exists in the built model is checked by :func:`loader.validate`
against a :class:`Vocabulary`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


def _not_bool(value: object) -> object:
    """Reject YAML booleans where a number is expected (pydantic would read yes as 1.0)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return value


Number = Annotated[float, BeforeValidator(_not_bool), Field(allow_inf_nan=False)]
Count = Annotated[float, BeforeValidator(_not_bool), Field(ge=0, allow_inf_nan=False)]


class Stimulus(BaseModel):
    """A ligand added to the medium: ``{species: IL6, value: "20 ng/mL", day: 0}``."""

    model_config = ConfigDict(extra="forbid")

    species: str
    value: str
    day: Annotated[float, BeforeValidator(_not_bool), Field(ge=0, allow_inf_nan=False)] = 0


class Arm(BaseModel):
    """One arm of a comparison: perturbations applied on top of the scenario's own."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    knockouts: list[str] = []
    depletions: list[str] = []
    parameters: dict[str, Number] = {}
    cells: dict[str, Count] = {}


class Scenario(BaseModel):
    """A tumor-microenvironment simulation: the starting tissue, what is added, what is read."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    description: str
    subtype: str = "tnbc"
    days: Annotated[float, BeforeValidator(_not_bool), Field(gt=0, allow_inf_nan=False)] = 180
    cells: dict[str, Count] = {}
    stimuli: list[Stimulus] = []
    parameters: dict[str, Number] = {}
    knockouts: list[str] = []
    depletions: list[str] = []
    readouts: list[str] = []
    comparisons: list[Arm] | None = None
    source: str = ""

    @field_validator("description")
    @classmethod
    def _one_line(cls, text: str) -> str:
        text = text.strip()
        if not text or "\n" in text:
            raise ValueError("must be one non-empty line")
        return text

    @field_validator("comparisons")
    @classmethod
    def _unique_arms(cls, arms: list[Arm] | None) -> list[Arm] | None:
        names = [arm.name for arm in arms or []]
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
    genes: dict[str, frozenset[str]]  # cell type -> knockable gene symbols
    parameters: frozenset[str]
    observables: tuple[str, ...]
    stimulus_species: dict[str, float | None]  # species -> molar mass in kDa (None: no mass units)


class ScenarioError(ValueError):
    """A scenario that cannot be used; ``str()`` is one line: ``<file>: <field>: <message>``."""

    def __init__(self, file: str, field: str, message: str):
        self.file = str(file)
        self.field = field
        self.message = " ".join(str(message).split())  # one line, whatever came in
        super().__init__(f"{self.file}: {self.field}: {self.message}")
