"""stat3sim's own model and a measurement CSV as a PEtab (v1) problem.

``stat3sim export --petab --scenario NAME --data FILE.csv --out DIR [--estimate ID,...]``:

* ``model.xml`` — the scenario's TME model as ``export --omex`` writes it
  (:func:`stat3sim.interop.omex.build_archive`): SBML L3V2, time in minutes, the
  pre-simulation first (day 0 of the run is model time ``DAY0_MIN``), the scenario's
  doses and stimuli as events.
* ``conditions.tsv`` — one condition per arm the CSV names (``condition``): the
  untreated reference ("wild type" / "no treatment") and the arms that change only
  parameter values (the knock-outs, parameter overrides), each with those values.
  Arms that change the model's structure (a drug's PK/PD, cells, depletions) cannot
  share PEtab v1's one model and are refused.
* ``observables.tsv`` — one observable per readout the CSV names (a model observable,
  e.g. ``tumor_volume_mm3``, ``tumor.pSTAT3``, ``serum_IL6_pg_mL``), normal noise with
  the standard deviation of each row (``noiseParameter1``).
* ``measurements.tsv`` — the CSV's rows; ``time`` (days after day 0) becomes model
  minutes: DAY0_MIN + 1440 · time.
* ``parameters.tsv`` — the ``--estimate`` parameters (model parameter ids), log10 scale,
  bounds a factor ``BOUND_FOLD`` either side of their value in the model, nominal value
  the model's; and ``problem.yaml``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: bounds of an estimated parameter: its model value ÷ and × this
BOUND_FOLD = 10.0
CSV_COLUMNS = ("time", "readout", "value", "sd", "condition")


class ExportError(ValueError):
    """Bad export input: ``field`` is the option, ``message`` says what is allowed."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass
class PetabFiles:
    sbml: str
    tables: dict[str, pd.DataFrame]  # file name -> table
    yaml: str


def petab_id(name: str) -> str:
    """A PEtab/SBML identifier from an arm or readout name."""
    s = re.sub(r"[^A-Za-z0-9_]", "_", name.strip())
    return s if re.match(r"[A-Za-z_]", s) else f"c_{s}"


def read_data(path: Path) -> pd.DataFrame:
    """The measurement CSV, checked: the columns, numbers, sd > 0, time ≥ 0."""
    if not path.is_file():
        raise ExportError("--data", f"no such file: {path}")
    try:
        df = pd.read_csv(path)
    except Exception as e:  # noqa: BLE001
        raise ExportError("--data", f"{path.name}: cannot read as CSV: {' '.join(str(e).split())[:200]}") from None
    missing = [c for c in CSV_COLUMNS if c not in df.columns]
    if missing:
        raise ExportError("--data", f"{path.name}: missing column(s) {', '.join(missing)}; needs "
                                    f"{', '.join(CSV_COLUMNS)}")
    if not len(df):
        raise ExportError("--data", f"{path.name}: no rows")
    for col in ("time", "value", "sd"):
        v = pd.to_numeric(df[col], errors="coerce")
        bad_rows = [i for i, x in enumerate(v) if not math.isfinite(x)
                    or (col == "sd" and not x > 0) or (col == "time" and x < 0)]
        if bad_rows:
            i = bad_rows[0]
            want = {"time": "a number of days ≥ 0", "value": "a finite number", "sd": "a number > 0"}[col]
            raise ExportError("--data", f"{path.name} row {i + 1} (line {i + 2}): {col} {df[col].iloc[i]!r} must "
                                        f"be {want}")
        df[col] = v.astype(float)
    for col in ("readout", "condition"):
        df[col] = df[col].astype(str).str.strip()
    return df


def build(scenario, data: pd.DataFrame, data_name: str, estimate: list[str]) -> PetabFiles:
    """The PEtab files of ``scenario`` and the checked ``data``; :class:`ExportError` on
    an unknown readout, arm or parameter."""
    from .. import runs
    from ..interop import omex

    arms = omex.arm_names(scenario)
    base = runs.build(scenario)
    observables = {o.name: o for o in base.observables}
    for i, r in enumerate(data["readout"]):
        if r not in observables:
            raise ExportError("--data", f"{data_name} row {i + 1} (line {i + 2}): unknown readout {r!r}; allowed: "
                                        f"{', '.join(sorted(observables))}")
    conditions: dict[str, dict[str, float]] = {}
    names: dict[str, str] = {}
    for i, c in enumerate(data["condition"]):
        if c in conditions:
            continue
        if c not in arms:
            raise ExportError("--data", f"{data_name} row {i + 1} (line {i + 2}): unknown condition {c!r}; allowed: "
                                        f"the arms of {scenario.name}: {', '.join(arms)}")
        arm = omex.find_arm(scenario, c)
        if arm is None:
            conditions[c] = {}
        else:
            changes = None
            if not runs.therapies_of(scenario, arm)[len(runs.therapies_of(scenario)):]:
                changes = omex._parameter_changes(base, runs.build(scenario, arm))
            if changes is None or "growth_on" in changes:
                raise ExportError("--data", f"{data_name} row {i + 1} (line {i + 2}): arm {c!r} changes the model's "
                                            "structure (a drug, cells or a protocol), which PEtab v1's single model "
                                            "cannot hold per condition; allowed: the untreated arm and the arms that "
                                            "only change parameter values (knock-outs)")
            conditions[c] = changes
        names[c] = petab_id(c)
    params = {p.id: p for p in base.parameters}
    for pid in estimate:
        if pid not in params:
            close = [p for p in params if pid.lower() in p.lower()][:5]
            raise ExportError("--estimate", f"{pid!r} is not a parameter of the {scenario.name} model"
                                            + (f"; similar: {', '.join(close)}" if close else ""))
        v = float(params[pid].value)
        if not (math.isfinite(v) and v > 0):
            raise ExportError("--estimate", f"{pid} is {v:g} in the model; only parameters > 0 can be estimated "
                                            "on the log10 scale")
        for c, ch in conditions.items():
            if pid in ch:
                raise ExportError("--estimate", f"{pid} is set by the arm {c!r}; it cannot also be estimated")
    archive = omex.build_archive(scenario, None, max(1.0, math.ceil(float(data["time"].max())) or 1.0))
    sbml_ids = {name: o.id for name, o in observables.items()}
    # condition table: every parameter an arm changes, each arm's value (the model's where it keeps it)
    cols = sorted({p for ch in conditions.values() for p in ch})
    cond_rows = []
    for c, ch in conditions.items():
        row = {"conditionId": names[c], "conditionName": c}
        row.update({p: ch.get(p, float(params[p].value)) for p in cols})
        cond_rows.append(row)
    cond_df = pd.DataFrame(cond_rows)
    obs_ids = {r: "obs_" + petab_id(r) for r in pd.unique(data["readout"])}
    obs_df = pd.DataFrame([{"observableId": obs_ids[r], "observableName": r, "observableFormula": sbml_ids[r],
                            "observableTransformation": "lin",
                            "noiseFormula": f"noiseParameter1_{obs_ids[r]}", "noiseDistribution": "normal"}
                           for r in obs_ids])
    meas_df = pd.DataFrame({"observableId": [obs_ids[r] for r in data["readout"]],
                            "simulationConditionId": [names[c] for c in data["condition"]],
                            "time": omex.DAY0_MIN + omex.MINUTES_PER_DAY * data["time"].to_numpy(float),
                            "measurement": data["value"].to_numpy(float),
                            "noiseParameters": data["sd"].to_numpy(float)})
    par_df = pd.DataFrame([{"parameterId": p, "parameterName": p, "parameterScale": "log10",
                            "lowerBound": float(params[p].value) / BOUND_FOLD,
                            "upperBound": float(params[p].value) * BOUND_FOLD,
                            "nominalValue": float(params[p].value), "estimate": 1} for p in estimate],
                          columns=["parameterId", "parameterName", "parameterScale", "lowerBound", "upperBound",
                                   "nominalValue", "estimate"])
    yaml = ("format_version: 1\nparameter_file: parameters.tsv\nproblems:\n- condition_files: [conditions.tsv]\n"
            "  measurement_files: [measurements.tsv]\n  observable_files: [observables.tsv]\n"
            "  sbml_files: [model.xml]\n")
    return PetabFiles(archive.sbml, {"conditions.tsv": cond_df, "observables.tsv": obs_df,
                                     "measurements.tsv": meas_df, "parameters.tsv": par_df}, yaml)


def lint(folder: Path) -> list[str]:
    """petab's own checks (``petablint``) of the written problem: its error messages."""
    from .problem import PetabInputError, load_problem

    try:
        load_problem(folder / "problem.yaml")
    except PetabInputError as e:
        return e.lines
    return []
