"""What a run records about itself, so that it can be re-created without the files it
came from: the software (stat3sim version, git commit when the package sits in a git
checkout), the resolved scenario, the arms, the regimens as parsed, the patient, the
initial cells, the solver's tolerances.

``stat3sim run`` writes these into ``summary.json``; ``stat3sim rerun DIR`` reads them
back (:func:`scenario_from_record`, :func:`arms_from_record`). Nothing here fails a run:
without git, or outside a checkout, the commit is ``None``.
"""
from __future__ import annotations

import datetime as _dt
import platform
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Sequence

#: the model has no random numbers: every run of the same inputs gives the same numbers
#: (CVODE is deterministic; worker processes give the serial run's numbers to the last digit)
SEED_NOTE = "none: the model is deterministic (ODEs, no random numbers)"


def git_commit(path: Path | None = None) -> dict[str, Any]:
    """``{"commit": sha, "dirty": bool}`` of the git checkout holding ``path`` (default: this
    package), or ``{"commit": None, "dirty": None}`` without git or outside a checkout."""
    where = Path(path) if path is not None else Path(__file__).resolve().parent
    none = {"commit": None, "dirty": None}

    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.strip() if r.returncode == 0 else None

    sha = git("rev-parse", "HEAD")
    if not sha:
        return none
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": sha, "dirty": None if status is None else bool(status)}


def software() -> dict[str, Any]:
    """stat3sim's version and git commit, and the versions the numbers depend on."""
    from . import __version__

    out: dict[str, Any] = {"stat3sim": __version__, "git_commit": None, "git_dirty": None}
    g = git_commit()
    out["git_commit"], out["git_dirty"] = g["commit"], g["dirty"]
    out["python"] = platform.python_version()
    for mod in ("roadrunner", "numpy", "pandas"):
        try:
            m = __import__(mod)
            out["libroadrunner" if mod == "roadrunner" else mod] = str(getattr(m, "__version__", "unknown"))
        except Exception:  # noqa: BLE001 — a record, not a requirement
            pass
    out["platform"] = platform.platform()
    out["command"] = " ".join(["stat3sim", *sys.argv[1:]]) if sys.argv else ""
    out["created"] = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    return out


def solver() -> dict[str, Any]:
    """The tolerances and settings of ``runs.simulate`` (stat3sim.engine.roadrunner)."""
    from .engine import roadrunner as engine

    return {"integrator": "CVODE (libRoadRunner)", "rtol": engine.POPULATION_RTOL, "atol": engine.POPULATION_ATOL,
            "retry_rtol": engine.RTOL, "retry_atol": engine.ATOL, "presim_rtol": engine.PRESIM_RTOL,
            "presim_polish_min": engine.PRESIM_POLISH_MIN, "presim_min": engine.PRESIM_MIN,
            "max_bdf_order_without_doses": engine.POPULATION_MAX_ORDER, "reduced_network": True,
            "seed": None, "seed_note": SEED_NOTE}


def regimen_record(text: str, patient: tuple[float, float]) -> dict[str, Any]:
    """A regimen as parsed: drug, dose and unit, route, interval, doses, schedule, and one
    dose in mg for ``patient`` (weight kg, BSA m²)."""
    from .therapy.regimen import Patient, parse_regimen

    r = parse_regimen(text)
    out = {"text": text, "drug": r.drug.name, "dose": r.dose, "unit": r.unit, "route": r.route,
           "interval_days": r.interval_days, "n_doses": r.n_doses, "start_day": r.start_day,
           "duration_days": r.duration_days, "infusion_h": r.infusion_h, "exposure_nM": r.exposure_nM,
           "cycle_on_days": r.cycle_on_days, "cycle_off_days": r.cycle_off_days}
    if not r.is_exposure:
        try:
            out["dose_mg"] = r.dose_mg(Patient(*patient))
        except Exception:  # noqa: BLE001
            out["dose_mg"] = None
    return out


def arm_record(arm) -> dict[str, Any]:
    """An arm's name, description and changes (``runs.Arm`` as a dict)."""
    return asdict(arm)


def arms_from_record(items: Iterable[dict]) -> list:
    """``runs.Arm`` objects from :func:`arm_record` dicts (summary.json's ``arms``)."""
    from .runs import Arm

    fields = set(Arm.__dataclass_fields__)
    out = []
    for d in items:
        out.append(Arm(**{k: v for k, v in d.items() if k in fields}))
    return out


def scenario_record(sc) -> dict[str, Any]:
    """The resolved scenario (every field, defaults included) as plain JSON data."""
    return sc.model_dump(mode="json")


def scenario_from_record(data: dict[str, Any]):
    """A Scenario from :func:`scenario_record` data (checked in form; check it against the
    model with ``scenarios.validate``)."""
    from .scenarios import Scenario

    return Scenario.model_validate(data)


def run_record(sc, arms: Sequence, therapy_arms: Sequence, *, net=None, options: dict[str, Any]) -> dict[str, Any]:
    """Everything ``summary.json`` holds to re-create a run: software, the resolved scenario,
    the options, the arms (with their changes), the regimens as parsed, the patient, the
    day-0 cells of the built model, the solver's settings and seed."""
    from . import runs
    from .model import tme

    patient = runs.patient_of(sc)
    texts = list(dict.fromkeys([*getattr(sc, "therapies", ()), *(t for a in therapy_arms for t in a.therapies),
                                *(t for a in arms for t in a.therapies)]))
    regimens = {}
    for t in texts:
        try:
            regimens[t] = regimen_record(t, patient)
        except Exception as e:  # noqa: BLE001 — the run reports the failure; the record goes on
            regimens[t] = {"text": t, "error": " ".join(str(e).split())[:300]}
    cells = None
    if net is not None:
        try:
            cells = tme.initial_cell_counts(net)
        except Exception:  # noqa: BLE001
            cells = None
    return {"software": software(), "scenario": scenario_record(sc), "options": dict(options),
            "arms": [arm_record(a) for a in arms], "therapy_arms": [arm_record(a) for a in therapy_arms],
            "regimens": regimens, "patient": {"weight_kg": patient[0], "bsa_m2": patient[1]},
            "initial_cells": cells, "solver": solver()}


__all__ = ["git_commit", "software", "solver", "regimen_record", "arm_record", "arms_from_record",
           "scenario_record", "scenario_from_record", "run_record", "SEED_NOTE"]
