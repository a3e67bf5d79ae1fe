"""The units stat3sim knows, and how each maps onto SBML base units.

Inside the signaling layer concentrations are nM, volumes pL and time min, so an
amount (nM x pL) is a zeptomole (1e-21 mol). Every Species and Parameter must carry
one of the unit strings below; anything else is rejected when a Network is built.
"""
from __future__ import annotations

# unit string -> list of (SBML kind, exponent, scale, multiplier)
# scale is the SBML power-of-ten, multiplier the extra factor (60 for minutes).
_MOLE_nM = ("mole", 1, -9, 1.0)
_PER_LITRE = ("litre", -1, 0, 1.0)
_PER_MIN = ("second", -1, 0, 60.0)
_MIN = ("second", 1, 0, 60.0)

UNITS: dict[str, list[tuple[str, int, int, float]]] = {
    "dimensionless": [("dimensionless", 1, 0, 1.0)],
    # relative expression / activity, 1 = the cell's own reference level
    "au": [("dimensionless", 1, 0, 1.0)],
    "nM": [_MOLE_nM, _PER_LITRE],
    "1/nM": [("mole", -1, -9, 1.0), ("litre", 1, 0, 1.0)],
    "pL": [("litre", 1, -12, 1.0)],
    "min": [_MIN],
    "1/min": [_PER_MIN],
    "nM/min": [_MOLE_nM, _PER_LITRE, _PER_MIN],
    "au/min": [_PER_MIN],
    "1/(nM*min)": [("mole", -1, -9, 1.0), ("litre", 1, 0, 1.0), _PER_MIN],
    "nM/au/min": [_MOLE_nM, _PER_LITRE, _PER_MIN],
    "au/nM/min": [("mole", -1, -9, 1.0), ("litre", 1, 0, 1.0), _PER_MIN],
    "zmol": [("mole", 1, -21, 1.0)],
    # --- population layer (cells counted as SBML items; rates given per day)
    "cell": [("item", 1, 0, 1.0)],
    "1/cell": [("item", -1, 0, 1.0)],
    "1/day": [("second", -1, 0, 86400.0)],
    "day": [("second", 1, 0, 86400.0)],
    "cell/day": [("item", 1, 0, 1.0), ("second", -1, 0, 86400.0)],
    "cell/mL": [("item", 1, 0, 1.0), ("litre", -1, -3, 1.0)],
    "cell/mL/day": [("item", 1, 0, 1.0), ("litre", -1, -3, 1.0), ("second", -1, 0, 86400.0)],
    "mL": [("litre", 1, -3, 1.0)],
    "mL/day": [("litre", 1, -3, 1.0), ("second", -1, 0, 86400.0)],
    "pL/cell": [("litre", 1, -12, 1.0), ("item", -1, 0, 1.0)],
    "mm3": [("metre", 3, -3, 1.0)],
    "mm": [("metre", 1, -3, 1.0)],
    "pg/mL": [("gram", 1, -12, 1.0), ("litre", -1, -3, 1.0)],
    "kDa": [("gram", 1, 3, 1.0), ("mole", -1, 0, 1.0)],
    "zmol/cell/day": [("mole", 1, -21, 1.0), ("item", -1, 0, 1.0), ("second", -1, 0, 86400.0)],
    "1/cell/day": [("item", -1, 0, 1.0), ("second", -1, 0, 86400.0)],
    #: minutes per day as a pure scale factor: a rate in 1/day divided by it is in 1/min
    "min/day": [("dimensionless", 1, 0, 1.0 / 1440.0)],
    # --- bone niche (Lemaire et al. 2004: cells and proteins in pM, rates per day)
    "pM": [("mole", 1, -12, 1.0), _PER_LITRE],
    "pM/day": [("mole", 1, -12, 1.0), _PER_LITRE, ("second", -1, 0, 86400.0)],
    "1/(pM*day)": [("mole", -1, -12, 1.0), ("litre", 1, 0, 1.0), ("second", -1, 0, 86400.0)],
    "kg": [("kilogram", 1, 0, 1.0)],
    "ug/mL": [("gram", 1, -6, 1.0), ("litre", -1, -3, 1.0)],
    "ng/mL": [("gram", 1, -9, 1.0), ("litre", -1, -3, 1.0)],
    "mg/L": [("gram", 1, -3, 1.0), ("litre", -1, 0, 1.0)],
    "ug/kg": [("dimensionless", 1, -9, 1.0)],
}

#: concentration units accepted on the command line, with their factor to nM.
#: ng/mL needs a molecular mass and is handled by :func:`to_nM`.
CONC_FACTORS_TO_nM = {"pM": 1e-3, "nM": 1.0, "uM": 1e3, "µM": 1e3}


def sbml_id(unit: str) -> str:
    """A valid SBML UnitDefinition id for a unit string (``1/(nM*min)`` -> ``per_nM_per_min``)."""
    table = {
        "dimensionless": "dimensionless",
        "au": "arbitrary_unit",
        "nM": "nM",
        "1/nM": "per_nM",
        "pL": "pL",
        "min": "min",
        "1/min": "per_min",
        "nM/min": "nM_per_min",
        "au/min": "au_per_min",
        "1/(nM*min)": "per_nM_per_min",
        "nM/au/min": "nM_per_au_per_min",
        "au/nM/min": "au_per_nM_per_min",
        "zmol": "zmol",
    }
    if unit in table:
        return table[unit]
    return (unit.replace("1/", "per_").replace("/", "_per_").replace("*", "_").replace("(", "").replace(")", ""))


def is_known(unit: str) -> bool:
    return unit in UNITS


def to_nM(value: float, unit: str, molar_mass_kDa: float | None = None) -> float:
    """Convert a concentration to nM.

    ``ng/mL`` needs the molecule's mass: c[nM] = c[ng/mL] / M[kDa]
    (1 ng/mL of a 21 kDa protein is 1e-6 g/L / 21e3 g/mol = 0.0476 nM).

    >>> round(to_nM(21.0, "ng/mL", 21.0), 6)
    1.0
    """
    if unit in CONC_FACTORS_TO_nM:
        return value * CONC_FACTORS_TO_nM[unit]
    if unit in ("ng/mL", "ng/ml"):
        if not molar_mass_kDa:
            raise ValueError("ng/mL needs the molecule's molar mass")
        return value / molar_mass_kDa
    if unit in ("pg/mL", "pg/ml"):
        if not molar_mass_kDa:
            raise ValueError("pg/mL needs the molecule's molar mass")
        return value * 1e-3 / molar_mass_kDa
    raise ValueError(f"unknown concentration unit {unit!r}")
