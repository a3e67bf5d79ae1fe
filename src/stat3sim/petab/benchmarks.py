"""The PEtab benchmark collection (Benchmarking-Initiative/Benchmark-Models-PEtab) on disk,
and reference log-likelihoods to compare with.

The collection is not shipped: :func:`collection_dir` is ``$STAT3SIM_PETAB_BENCHMARKS``
(the repository's root or its ``Benchmark-Models`` folder) or, without it,
``~/.cache/stat3sim/petab-benchmarks``. docs/petab.md says how to fetch it.
"""
from __future__ import annotations

import os
from pathlib import Path

#: log-likelihood of each problem at its nominal parameters, as AMICI computes it
#: (AMICI-dev/AMICI, tests/benchmark_models/benchmark_models.yaml, key ``llh``, read at
#: commit 5c524dd21796d316726fc3b68e6cfbccf3914f4a). The negative log-likelihood is
#: minus these. The collection itself publishes no likelihood values.
AMICI_LLH = {
    "Bachmann_MSB2011": 418.40573341425295,
    "Beer_MolBioSystems2014": 58622.9145631413,
    "Boehm_JProteomeRes2014": -138.22199693517703,
    "Borghans_BiophysChem1997": 83.3237191357272,
    "Brannmark_JBC2010": -141.889113770537,
    "Bruno_JExpBot2016": 46.688176988431806,
    "Chen_MSB2009": -115700.1192629893,
    "Crauste_CellSystems2017": -190.96521897435176,
    "Elowitz_Nature2000": 63.20279991419332,
    "Fiedler_BMCSystBiol2016": 58.58390161681,
    "Fujita_SciSignal2010": 53.08377736998929,
    "Isensee_JCB2018": -3949.375966548649,
    "Lucarelli_CellSystems2018": -1681.6059879426584,
    "Schwen_PONE2014": -943.9992988598723,
    "Smith_BMCSystBiol2013": -888198.436541014,
    "Sneyd_PNAS2002": 319.79177818768756,
    "Weber_BMC2015": -296.2017922646865,
    "Zheng_PNAS2012": 278.33353271001477,
}

DEFAULT_DIR = Path("~/.cache/stat3sim/petab-benchmarks").expanduser()


def collection_dir() -> Path:
    """The ``Benchmark-Models`` folder of the collection (may not exist)."""
    root = Path(os.environ.get("STAT3SIM_PETAB_BENCHMARKS") or DEFAULT_DIR).expanduser()
    return root / "Benchmark-Models" if (root / "Benchmark-Models").is_dir() else root


def problems(folder: Path | None = None) -> list[str]:
    """Names of the collection's problems (folders with a ``<name>.yaml`` or ``problem.yaml``)."""
    folder = folder or collection_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / f"{p.name}.yaml").is_file() or (p / "problem.yaml").is_file())


def problem_yaml(name: str, folder: Path | None = None) -> Path:
    d = (folder or collection_dir()) / name
    return d / f"{name}.yaml" if (d / f"{name}.yaml").is_file() or not (d / "problem.yaml").is_file() else d / "problem.yaml"


def simulated_data(name: str, folder: Path | None = None) -> Path | None:
    """The collection's ``simulatedData_<name>.tsv``, if it has one."""
    d = (folder or collection_dir()) / name
    found = sorted(d.glob("simulatedData*.tsv")) or sorted(d.glob("simulations.tsv"))
    return found[0] if found else None


#: rows of two simulation tables are matched on these and their order among equal keys
#: (not on the overrides: the collection's tables often give their values for the ids)
KEYS = ("observableId", "preequilibrationConditionId", "simulationConditionId", "time")


def _keyed(df):
    import pandas as pd

    df = df.copy()
    for k in KEYS:
        if k not in df.columns:
            df[k] = ""
        if k == "time":  # tables print times to different precision: 6 significant digits
            t = pd.to_numeric(df[k], errors="coerce").astype(float)
            df[k] = t.map(lambda v: f"{v:.6g}")
        else:
            df[k] = df[k].map(lambda v: "" if (v is None or (isinstance(v, float) and v != v)) else str(v).strip())
    df["_n"] = df.groupby(list(KEYS), sort=False).cumcount()
    return df


def relative_errors(ours, reference):
    """|ours − reference| / max(|reference|, floor) for each row of ``reference``'s
    simulation table, rows matched on observable, conditions and time (and their order
    among equal keys), or by position where both tables list the same observables at the
    same times in the same order; floor is 1e-6 × the largest |reference| of the observable,
    so that values that are 0 in the reference are judged on the observable's scale.
    NaN where a row has no match or either value is NaN."""
    import numpy as np

    a, b = _keyed(ours), _keyed(reference)
    on = list(KEYS) + ["_n"]
    merged = b.merge(a[on + ["simulation"]], on=on, how="left", suffixes=("_ref", ""))
    if (merged["simulation"].isna().all() and len(a) == len(b)
            and list(a["observableId"]) == list(b["observableId"]) and list(a["time"]) == list(b["time"])):
        # no row matches, but both list the same observables at the same times in the same
        # order (a reference table that names conditions the problem has since renamed)
        merged = b.copy()
        merged["simulation_ref"] = b["simulation"].to_numpy()
        merged["simulation"] = a["simulation"].to_numpy()
    ref = merged["simulation_ref"].to_numpy(float)
    val = merged["simulation"].to_numpy(float)
    scale = merged.groupby("observableId")["simulation_ref"].transform(lambda s: np.nanmax(np.abs(s)))
    floor = 1e-6 * scale.to_numpy(float)
    with np.errstate(all="ignore"):
        return np.abs(val - ref) / np.maximum(np.abs(ref), floor)
