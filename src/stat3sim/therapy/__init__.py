"""Therapeutics: the drug catalog, regimens and human pharmacokinetics.

* :mod:`.catalog` — every agent with potency, PK and sources (``load_catalog``, ``get_drug``);
* :mod:`.regimen` — clinician's regimen text -> exact dose times and amounts (``parse_regimen``);
* :mod:`.pk` — PK compartments added to a Network (``add_pk``), a PK-only Network
  (``pk_network``) and its time course (``simulate_pk``).
"""
from .catalog import Drug, TherapyError, get_drug, load_catalog
from .regimen import Patient, Regimen, low_dose_warning, parse_regimen

__all__ = ["Drug", "TherapyError", "get_drug", "load_catalog", "Patient", "Regimen", "parse_regimen",
           "PKSpecies", "add_pk", "pk_network", "simulate_pk", "dosing_schedule"]
__all__ += ["low_dose_warning"]


def __getattr__(name):  # the PK module imports the engine; load it on first use
    if name in ("PKSpecies", "add_pk", "pk_network", "simulate_pk", "dosing_schedule"):
        from . import pk
        return getattr(pk, name)
    raise AttributeError(name)
