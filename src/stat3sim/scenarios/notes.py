"""Warnings about a scenario that is valid but maybe not what was meant: a dose far below
the labelled range (``stat3sim.therapy.regimen.low_dose_warning``: a single dose below 1/10
of the catalog's standard dose for the scenario's patient). A warning never stops a run;
the commands print each on stderr and ``stat3sim run`` records them in ``summary.json``
(``warnings``).
"""
from __future__ import annotations

from typing import Iterable


def dose_warnings(scenario, arms: Iterable = ()) -> list[str]:
    """One line per low dose in ``scenario.therapies``, in its comparisons' therapies and in
    ``arms`` (objects with ``name`` and ``therapies``, e.g. ``runs.therapy_arms``), each
    regimen once; doses in mg/kg or mg/m² use the scenario's patient (default: the reference
    adult, 70 kg and 1.8 m²). Regimens that do not parse are left to the checks that reject them."""
    from ..therapy import Patient, TherapyError, low_dose_warning, parse_regimen

    p = getattr(scenario, "patient", None)
    patient = Patient() if p is None else Patient(float(p.weight_kg), float(p.bsa_m2))
    where: dict[str, list[str]] = {}
    for text in getattr(scenario, "therapies", ()) or ():
        where.setdefault(text, []).append("")
    for arm in list(getattr(scenario, "comparisons", None) or ()) + list(arms):
        for text in getattr(arm, "therapies", ()) or ():
            where.setdefault(text, []).append(arm.name)
    out = []
    for text, names in where.items():
        try:
            note = low_dose_warning(parse_regimen(text), patient)
        except TherapyError:
            continue
        if note:
            arm_names = [n for n in names if n]
            out.append(note + (f" (arm{'s' if len(arm_names) > 1 else ''} {', '.join(arm_names)})"
                               if arm_names and "" not in names else ""))
    return out


__all__ = ["dose_warnings"]
