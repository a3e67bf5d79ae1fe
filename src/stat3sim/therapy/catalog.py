"""The drug catalog: every agent of the therapeutics layer with PK/PD numbers and sources.

The catalog is a YAML file shipped with the package (``data/drugs.yaml``), validated on
load with pydantic: every number carries a unit and a source, units are converted to one
canonical unit per quantity (L, L/day, 1/day, mg/day, µg/mL, h, mg), and names and
synonyms resolve case-insensitively. An unknown name raises :class:`TherapyError` naming
the closest known names.

>>> get_drug("Actemra").name
'tocilizumab'
>>> get_drug("tocilizumab").pk.CL.canonical(), get_drug("tocilizumab").pk.CL.canonical_unit
(0.3, 'L/day')
"""
from __future__ import annotations

import difflib
from functools import lru_cache
from importlib import resources
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class TherapyError(ValueError):
    """A bad drug name, regimen or catalog entry: ``field`` names what is wrong
    (``drug``, ``route``, ``unit``, ``dose`` …), the message says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


CLASSES = ("antibody", "small_molecule", "fusion_protein", "degrader")
MECHANISMS = ("ligand_sequestration", "receptor_blockade", "gp130_interface_inhibition",
              "atp_competitive_kinase_inhibition", "sh2_dimerisation_inhibition", "transcription_inhibition",
              "induced_degradation", "receptor_decoy", "checkpoint_blockade", "cytotoxic", "enzyme_inhibition",
              "hormone_receptor_antagonism", "hormone_receptor_degradation")
ROUTES = ("iv", "po", "sc", "im")

#: unit -> (canonical unit, factor, needs) where needs is "" or "weight" (per kg) or "bsa" (per m²)
_UNITS: dict[str, tuple[str, float, str]] = {
    "L": ("L", 1.0, ""), "mL": ("L", 1e-3, ""), "L/kg": ("L", 1.0, "weight"), "L/m2": ("L", 1.0, "bsa"),
    "L/day": ("L/day", 1.0, ""), "L/h": ("L/day", 24.0, ""), "mL/h": ("L/day", 0.024, ""),
    "mL/min": ("L/day", 1.44, ""), "mL/day": ("L/day", 1e-3, ""), "L/h/m2": ("L/day", 24.0, "bsa"),
    "mL/h/kg": ("L/day", 0.024, "weight"), "L/h/kg": ("L/day", 24.0, "weight"),
    "1/day": ("1/day", 1.0, ""), "1/h": ("1/day", 24.0, ""),
    "mg/day": ("mg/day", 1.0, ""), "mg/h": ("mg/day", 24.0, ""),
    "ug/mL": ("ug/mL", 1.0, ""), "mg/L": ("ug/mL", 1.0, ""), "ng/mL": ("ug/mL", 1e-3, ""),
    "h": ("h", 1.0, ""), "day": ("h", 24.0, ""),
    "mg": ("mg", 1.0, ""), "g": ("mg", 1e3, ""),
    "g/mol": ("g/mol", 1.0, ""), "kDa": ("g/mol", 1e3, ""),
    "nM": ("nM", 1.0, ""), "uM": ("nM", 1e3, ""),
    "1/(nM*min)": ("1/(nM*min)", 1.0, ""), "1/(M*s)": ("1/(nM*min)", 6e-8, ""),
    "dimensionless": ("dimensionless", 1.0, ""),
}
#: the canonical unit each PK field must convert to
_FIELD_UNITS = {"CL": "L/day", "Q": "L/day", "V1": "L", "V2": "L", "Vmax": "mg/day", "Km": "ug/mL",
                "Vmax_transfer": "mg/day", "Km_transfer": "ug/mL", "k_return": "1/day", "Q3": "L/day", "V3": "L",
                "half_life": "h", "mw": "g/mol", "fu": "dimensionless", "max_single_dose": "mg",
                "infusion_h": "h", "iiv_cv": "dimensionless", "kp_tumor": "dimensionless",
                "kp_bone": "dimensionless", "CL_formation": "L/day", "V": "L", "Q_hepatic": "L/day"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Strict):
    """A number with its unit and where it comes from."""

    value: float
    unit: str
    source: str

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, u: str) -> str:
        if u not in _UNITS:
            raise ValueError(f"unknown unit {u!r}; allowed: {', '.join(_UNITS)}")
        return u

    @field_validator("source")
    @classmethod
    def _has_source(cls, s: str) -> str:
        if not s.strip():
            raise ValueError("every number needs a source (a paper, a label, or 'assumed — why')")
        return s

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not (v == v) or v in (float("inf"), float("-inf")) or v < 0:
            raise ValueError(f"must be a finite non-negative number, got {v}")
        return v

    @property
    def canonical_unit(self) -> str:
        return _UNITS[self.unit][0]

    @property
    def scaling(self) -> str:
        """"weight" or "bsa" when the value is per kg / per m² of the patient, else ""."""
        return _UNITS[self.unit][2]

    def canonical(self, weight_kg: float | None = None, bsa_m2: float | None = None) -> float:
        """The value in the canonical unit; per-kg and per-m² values need the patient's size."""
        unit, factor, needs = _UNITS[self.unit]
        v = self.value * factor
        if needs == "weight":
            if weight_kg is None:
                raise TherapyError("weight_kg", f"{self.value:g} {self.unit} needs the body weight")
            v *= weight_kg
        elif needs == "bsa":
            if bsa_m2 is None:
                raise TherapyError("bsa_m2", f"{self.value:g} {self.unit} needs the body surface area")
            v *= bsa_m2
        return v

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumed")


class Potency(_Strict):
    value: float
    unit: Literal["nM", "uM", "pM"]
    kind: Literal["Kd", "IC50", "Ki", "DC50", "EC50"]
    assay: str
    context: Literal["cell_free", "cellular", "unspecified"]
    source: str

    @property
    def nM(self) -> float:
        return self.value * {"nM": 1.0, "uM": 1e3, "pM": 1e-3}[self.unit]


#: the canonical unit of each PD field
_PD_UNITS = {"kon": "1/(nM*min)", "hill": "dimensionless", "cell_shift": "dimensionless", "Emax": "1/day",
             "EC50": "nM", "Dmax": "dimensionless", "kdeg_max": "1/day"}
#: built-in PD defaults where neither the drug nor its class gives one
_PD_FALLBACK = {"hill": ("dimensionless", 1.0, "assumed — Hill coefficient 1 (simple occupancy); no slope read")}


class PD(_Strict):
    """What the PD layer needs beyond the potency (all optional; each {value, unit, source}):

    * ``kon`` — association rate of an antibody or decoy (1/(nM·min); ``1/(M*s)`` accepted;
      class default 1e6 1/(M·s) = 0.06 1/(nM·min)); with the Kd it gives koff = Kd·kon;
    * ``hill`` — Hill coefficient of occupancy-based inhibition (default 1);
    * ``cell_shift`` — factor from a cell-free to the cellular potency (ATP competition:
      Cheng–Prusoff 1 + [ATP]cell/Km(ATP)), for kinase inhibitors with only a cell-free IC50;
    * ``Emax`` (1/day) and ``EC50`` (nM) — extra apoptosis rate of a cytotoxic drug;
    * ``Dmax`` (fraction degraded at saturation) and ``kdeg_max`` (maximal induced
      degradation rate, canonical 1/day; given in 1/h) — for a degrader.
    """

    kon: Optional[Quantity] = None
    hill: Optional[Quantity] = None
    cell_shift: Optional[Quantity] = None
    Emax: Optional[Quantity] = None
    EC50: Optional[Quantity] = None
    Dmax: Optional[Quantity] = None
    kdeg_max: Optional[Quantity] = None
    note: str = ""

    @model_validator(mode="after")
    def _units(self) -> "PD":
        for name, want in _PD_UNITS.items():
            q = getattr(self, name)
            if q is not None and q.canonical_unit != want:
                raise ValueError(f"pd.{name} must be in a unit convertible to {want}, got {q.unit!r}")
        if self.Dmax is not None and not (0 < self.Dmax.value <= 1):
            raise ValueError(f"pd.Dmax is a fraction in (0, 1], got {self.Dmax.value:g}")
        if self.cell_shift is not None and self.cell_shift.value < 1:
            raise ValueError(f"pd.cell_shift is ≥ 1 (cells are never more sensitive than the enzyme), got "
                             f"{self.cell_shift.value:g}")
        return self


def _check_units(obj, what: str = "") -> None:
    """Each of ``obj``'s quantities named in _FIELD_UNITS converts to its canonical unit."""
    for name, want in _FIELD_UNITS.items():
        q = getattr(obj, name, None)
        if isinstance(q, Quantity) and q.canonical_unit != want:
            raise ValueError(f"{what}{name} must be in a unit convertible to {want}, got {q.unit!r}")


class Metabolite(_Strict):
    """An active metabolite formed from the parent at ``CL_formation``, with its own ``CL``
    and ``V``. Without ``Q_hepatic`` it is formed from the central compartment and the
    parent's ``CL`` includes its formation. With ``Q_hepatic`` (Ter Heine 2014's structure)
    it is formed in a liver at quasi-steady state that takes the absorbed dose and exchanges
    with the central compartment at ``Q_hepatic``: ``C_liver = (ka·A_gut + Q·C)/(Q + CL_f)``,
    so part of each dose is converted on its first pass; the parent's ``CL`` is then its
    elimination other than this formation."""

    name: str
    mw: Quantity
    CL_formation: Quantity
    CL: Quantity
    V: Quantity
    fu: Quantity
    Q_hepatic: Optional[Quantity] = None
    active: bool = False

    @model_validator(mode="after")
    def _check(self) -> "Metabolite":
        _check_units(self, "metabolite ")
        return self


class PK(_Strict):
    """Human PK of the standard patient. Structure: optional depot (first-order ``ka`` with
    bioavailability ``F`` per route), central ``V1`` with linear ``CL`` and, where given,
    Michaelis–Menten ``Vmax``/``Km``; peripheral ``V2`` with ``Q``; optional metabolite.
    Paclitaxel-type models (Henningsson 2001, Crombag 2019) add a saturable transfer into
    a first peripheral compartment (``Vmax_transfer``/``Km_transfer``, amount back at
    ``k_return``; it replaces ``V2``/``Q``) and a second, linear peripheral ``V3`` with
    ``Q3``."""

    routes: tuple[str, ...]
    regimen: str
    mw: Quantity
    CL: Optional[Quantity] = None
    V1: Optional[Quantity] = None
    Q: Optional[Quantity] = None
    V2: Optional[Quantity] = None
    Vmax: Optional[Quantity] = None
    Km: Optional[Quantity] = None
    Vmax_transfer: Optional[Quantity] = None
    Km_transfer: Optional[Quantity] = None
    k_return: Optional[Quantity] = None
    Q3: Optional[Quantity] = None
    V3: Optional[Quantity] = None
    F: dict[str, Quantity] = Field(default_factory=dict)
    ka: dict[str, Quantity] = Field(default_factory=dict)
    fu: Optional[Quantity] = None
    half_life: Optional[Quantity] = None
    max_single_dose: Optional[Quantity] = None
    infusion_h: Optional[Quantity] = None
    iiv_cv: Optional[Quantity] = None
    kp_tumor: Optional[Quantity] = None
    kp_bone: Optional[Quantity] = None
    metabolite: Optional[Metabolite] = None

    @model_validator(mode="after")
    def _check(self) -> "PK":
        for r in self.routes:
            if r not in ROUTES:
                raise ValueError(f"unknown route {r!r}; allowed: {', '.join(ROUTES)}")
        _check_units(self)
        for table, want in ((self.F, "dimensionless"), (self.ka, "1/day")):
            for route, q in table.items():
                if route not in self.routes:
                    raise ValueError(f"F/ka given for route {route!r} not in routes {list(self.routes)}")
                if q.canonical_unit != want:
                    raise ValueError(f"{route}: unit {q.unit!r} is not convertible to {want}")
        if (self.Q is None) != (self.V2 is None):
            raise ValueError("Q and V2 go together (a peripheral compartment needs both)")
        if (self.Vmax is None) != (self.Km is None):
            raise ValueError("Vmax and Km go together")
        saturable = (self.Vmax_transfer, self.Km_transfer, self.k_return)
        if any(q is None for q in saturable) != all(q is None for q in saturable):
            raise ValueError("Vmax_transfer, Km_transfer and k_return go together (a saturable peripheral compartment)")
        if self.Vmax_transfer is not None and self.V2 is not None:
            raise ValueError("a saturable peripheral compartment (Vmax_transfer) replaces V2/Q; give one or the other")
        if (self.Q3 is None) != (self.V3 is None):
            raise ValueError("Q3 and V3 go together (a second peripheral compartment needs both)")
        if self.dosable and self.CL.value == 0 and self.Vmax is None:
            raise ValueError("a drug needs a clearance: CL > 0, or Vmax/Km")
        if self.dosable:
            for r in self.routes:
                if r != "iv" and (r not in self.F or r not in self.ka):
                    raise ValueError(f"route {r!r} needs F and ka to be dosable")
        return self

    @property
    def dosable(self) -> bool:
        """Whether concentrations can be computed: a clearance and a volume are known."""
        return self.CL is not None and self.V1 is not None


class Published(_Strict):
    """A published comparison figure for the PK model at a given regimen."""

    quantity: Literal["t_half", "t_half_ss", "Cmax", "Cmax_ss", "Cmin_ss", "Cmax_ss_metabolite"]
    regimen: str
    value: float
    unit: Literal["h", "day", "ug/mL", "ng/mL", "nM"]
    source: str
    cv: Optional[float] = None
    sd: Optional[float] = None
    range: Optional[tuple[float, float]] = None
    bound: Optional[Literal["lower", "upper"]] = None
    window_days: Optional[tuple[float, float]] = None
    note: str = ""
    checked: bool = True

    @property
    def spread(self) -> float | None:
        """Relative variability (CV) as stated: ``cv``, or ``sd/value``."""
        if self.cv is not None:
            return self.cv
        if self.sd is not None and self.value > 0:
            return self.sd / self.value
        return None

    def accepts(self, model_value: float) -> bool:
        """Whether a model value agrees within the stated variability: a stated range, a
        bound, or within a factor (1 + CV) of the published mean (log-symmetric, since a
        concentration cannot go below 0 however large its SD)."""
        if self.range is not None:
            return self.range[0] <= model_value <= self.range[1]
        if self.bound == "lower":
            return model_value >= self.value
        if self.bound == "upper":
            return model_value <= self.value
        s = self.spread
        if s is None:
            raise TherapyError("published", f"{self.quantity} of {self.regimen!r} states no variability")
        return self.value / (1 + s) <= model_value <= self.value * (1 + s)

    @property
    def tolerance_text(self) -> str:
        if self.range is not None:
            return f"range {self.range[0]:g}–{self.range[1]:g}"
        if self.bound:
            return f"{'≥' if self.bound == 'lower' else '≤'} {self.value:g}"
        s = self.spread
        return f"×/÷ {1 + s:.2f}" if s is not None else ""


class Drug(_Strict):
    name: str
    synonyms: tuple[str, ...] = ()
    class_: str = Field(alias="class")
    target: str
    mechanism: str
    description: str = ""
    potency: tuple[Potency, ...] = ()
    potency_note: str = ""
    pd: PD = Field(default_factory=PD)
    pk: Optional[PK] = None
    pk_note: str = ""
    published: tuple[Published, ...] = ()
    status: str
    trials: tuple[str, ...] = ()
    trial_note: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("class_")
    @classmethod
    def _class(cls, v: str) -> str:
        if v not in CLASSES:
            raise ValueError(f"unknown class {v!r}; allowed: {', '.join(CLASSES)}")
        return v

    @field_validator("mechanism")
    @classmethod
    def _mechanism(cls, v: str) -> str:
        if v not in MECHANISMS:
            raise ValueError(f"unknown mechanism {v!r}; allowed: {', '.join(MECHANISMS)}")
        return v

    @field_validator("trials")
    @classmethod
    def _nct(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for t in v:
            if not (t.startswith("NCT") and len(t) == 11 and t[3:].isdigit()):
                raise ValueError(f"trial id {t!r} is not an NCT number (NCT + 8 digits)")
        return v

    @property
    def pd_potency(self) -> Potency | None:
        """The potency the PD layer uses on the drug's node: the first ``potency`` entry
        (cellular where a cellular value exists; for tamoxifen it applies to endoxifen)."""
        return self.potency[0] if self.potency else None

    @property
    def drug_class(self) -> str:
        return self.class_

    @property
    def dosable(self) -> bool:
        return self.pk is not None and self.pk.dosable

    @property
    def is_large(self) -> bool:
        """Antibodies and fusion proteins: plasma in µg/mL; small molecules in ng/mL."""
        return self.class_ in ("antibody", "fusion_protein")

    @property
    def ident(self) -> str:
        """The drug's name as an identifier prefix (``anti-IL-11`` -> ``anti_IL_11``)."""
        return "".join(c if c.isalnum() else "_" for c in self.name)


_DEFAULT_KEYS = ("fu", "kp_tumor", "kp_bone", "kon", "hill")


class Catalog(_Strict):
    defaults: dict[str, dict[str, Quantity]]
    drugs: tuple[Drug, ...]

    @model_validator(mode="after")
    def _unique(self) -> "Catalog":
        seen: dict[str, str] = {}
        for d in self.drugs:
            for n in (d.name, *d.synonyms):
                k = n.lower()
                if k in seen and seen[k] != d.name:
                    raise ValueError(f"name {n!r} is used by {seen[k]!r} and {d.name!r}")
                seen[k] = d.name
        for cls_name, table in self.defaults.items():
            if cls_name not in CLASSES:
                raise ValueError(f"defaults for unknown class {cls_name!r}")
            for k in table:
                if k not in _DEFAULT_KEYS:
                    raise ValueError(f"defaults.{cls_name}: unknown key {k!r}; allowed: {', '.join(_DEFAULT_KEYS)}")
        return self

    def names(self) -> list[str]:
        return [d.name for d in self.drugs]

    def get(self, name: str) -> Drug:
        key = name.strip().lower()
        for d in self.drugs:
            if key == d.name.lower() or key in (s.lower() for s in d.synonyms):
                return d
        pool = {n.lower(): d.name for d in self.drugs for n in (d.name, *d.synonyms)}
        close = difflib.get_close_matches(key, list(pool), n=5, cutoff=0.6)
        hint = list(dict.fromkeys(pool[c] for c in close))
        msg = f"unknown drug {name!r}"
        if hint:
            msg += f"; did you mean {', '.join(hint)}?"
        msg += f" Known: {', '.join(self.names())}"
        raise TherapyError("drug", msg)

    def pd_param(self, drug: Drug, key: str) -> Quantity | None:
        """A drug's PD parameter (``kon``, ``hill``, ``cell_shift``, ``Emax``, ``EC50``, ``Dmax``,
        ``kdeg_max``): its own, else its class default, else a built-in default (``hill`` = 1),
        else None.

        >>> load_catalog().pd_param(get_drug("siltuximab"), "kon").canonical()
        0.06
        """
        if key not in _PD_UNITS:
            raise TherapyError("pd", f"unknown PD parameter {key!r}; known: {', '.join(_PD_UNITS)}")
        own = getattr(drug.pd, key)
        if own is not None:
            return own
        cls = self.defaults.get(drug.class_, {}).get(key)
        if cls is not None:
            return cls
        if key in _PD_FALLBACK:
            unit, value, source = _PD_FALLBACK[key]
            return Quantity(value=value, unit=unit, source=source)
        return None

    def default(self, drug: Drug, key: str) -> Quantity | None:
        """A drug's own fu/kp_tumor/kp_bone, else its class default."""
        own = getattr(drug.pk, key, None) if drug.pk is not None else None
        return own if own is not None else self.defaults.get(drug.class_, {}).get(key)


def _format_errors(e: ValidationError) -> str:
    first = e.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{loc}: {first['msg']}"


def parse_catalog(text: str, where: str = "catalog") -> Catalog:
    """Validate catalog YAML text (used by :func:`load_catalog` and tests of bad catalogs)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise TherapyError(where, f"not valid YAML: {str(e).splitlines()[0]}") from None
    try:
        return Catalog.model_validate(raw)
    except ValidationError as e:
        raise TherapyError(where, _format_errors(e)) from None


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The shipped catalog (validated once per process)."""
    text = resources.files("stat3sim.therapy").joinpath("data/drugs.yaml").read_text(encoding="utf-8")
    return parse_catalog(text, "drugs.yaml")


def get_drug(name: str) -> Drug:
    """A drug by name or synonym (case-insensitive); unknown names raise :class:`TherapyError`
    with the closest known names."""
    return load_catalog().get(name)
