"""Burn-in to diagnosis: each virtual patient grows from a small tumor to its own
diagnosis diameter; the state there is what every arm starts from.

Protocol (:func:`burn_in`): the scenario's network with the tumor held at
:data:`START_DIAMETER_MM` for :data:`SETTLE_DAYS` (signaling and cytokines settle, the
tumor cell count adjusts to the start volume), then growth on, integrated in chunks of
:data:`CHUNK_DAYS` on a :data:`STEP_DAYS` grid until the diameter reaches the patient's
diagnosis diameter; the crossing is found by linear interpolation between grid points and
integrated to exactly from the last point before it. A patient whose tumor does not reach
its diagnosis size within :data:`MAX_DAYS` is rejected ("no diagnosis").

The state at diagnosis is stored under a hash of everything that made it (the scenario,
the patient's parameters and diagnosis diameter, the protocol, the package version and
the model's structure): :class:`BurninCache` keeps it as ``<hash>.npz`` in a folder, so
a resumed cohort or a later trial on the same patients does not pay the burn-in again;
within a cohort every arm of a patient starts from the one state.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..engine.roadrunner import (ATOL, BDF_MAX_ORDER, POPULATION_ATOL, POPULATION_MAX_ORDER, POPULATION_RTOL,
                                 PRESIM_RTOL, RTOL, Simulator)

#: where every patient's tumor starts (mm): QSP-IO TNBC starts from 4.7e6 cancer cells
#: (ANCHORS-TRIALS.md), a 4 mm sphere at this model's packing (2.57 pL/cell, Ve_T 0.37)
START_DIAMETER_MM = 4.0
#: the hold at the start size before growth (days): signaling and cytokines settle within
#: hours and the tumor cell count adjusts in ~1 d (k_size_hold); the slower populations
#: settle during the growth to diagnosis (≥ 100 d, ≥ 2 macrophage turnovers; 250 d for
#: the nominal tnbc patient to 25 mm). 10 d cost as much as 2 d and less than 30 d.
SETTLE_DAYS = 10.0
#: output grid of the growth phase (days) and its chunks (days): output rows cost
#: ~0.25 ms each (every observable is evaluated), so the crossing is bracketed on a coarse
#: grid and then integrated to exactly
STEP_DAYS = 2.0
CHUNK_DAYS = 200.0
#: a tumor that has not reached its diagnosis diameter by then is rejected (days): QSP-IO
#: grew its patients for up to 8,000 d (ANCHORS-TRIALS.md); 10 years is this model's limit
MAX_DAYS = 3650.0
#: the interval over which the doubling time at diagnosis is measured (days): two
#: ultrasound scans 2 months apart (assumed; Ryu 2014 measured between serial scans)
DOUBLING_WINDOW_DAYS = 60.0
#: bump when the burn-in protocol changes (cached states from another protocol are not used)
PROTOCOL_VERSION = 2

#: the readouts recorded at diagnosis (besides doubling_time_days and burnin_days)
BASELINE_READOUTS = ("tumor_diameter_mm", "tumor_volume_mm3", "tumor_cells", "tumor.pSTAT3",
                     "tumor.pSTAT3_nuclear_nM", "tumor.PDL1", "CD8_per_mL", "CD8_exhausted_fraction",
                     "M2_fraction", "Th17_fraction", "serum_IL6_pg_mL", "serum_IL11_pg_mL", "serum_CRP_mg_L",
                     "tumor_IL11_pg_mL",
                     "metastatic_burden", "mets_bone", "mets_lung", "mets_liver")


@dataclass(frozen=True)
class Settings:
    """Solver settings of one attempt: the population settings first, then the safer ones."""

    name: str
    rtol: float
    atol: float
    presim_rtol: float | None
    max_order: int


#: first attempt: the population tolerances of ``runs.simulate``; a patient whose
#: solve fails there is retried once at the engine's default tolerances, BDF order 5 and
#: no loose pre-simulation
POPULATION = Settings("population", POPULATION_RTOL, POPULATION_ATOL, PRESIM_RTOL, POPULATION_MAX_ORDER)
SAFE = Settings("safe", RTOL, ATOL, None, BDF_MAX_ORDER)


class SolverFailed(Exception):
    """A solve failed; the message is the solver's."""


@dataclass
class BurnIn:
    """A patient at diagnosis: the floating species' values, the day diagnosis was
    reached (from the start of growth), and the baseline readouts there."""

    state: dict[str, float]
    days: float
    baseline: dict[str, float]
    reached: bool = True
    from_cache: bool = False
    meta: dict = field(default_factory=dict)


def per_mL(results, row: int, count: str) -> float:
    """A cell count per mL of tumor at one output row."""
    v_mL = float(results["tumor_volume_mm3"][row]) * 1e-3
    return float(results[count][row]) / v_mL if v_mL > 0 else math.nan


def readouts_at(results, row: int, names=BASELINE_READOUTS) -> dict[str, float]:
    """Readouts of one output row, with the immune densities per mL of tumor."""
    out = {k: float(results[k][row]) for k in names}
    out["MDSC_per_mL"] = per_mL(results, row, "MDSC_count")
    out["macrophage_per_mL"] = per_mL(results, row, "macrophage_count")
    return out


def burn_in(sim: Simulator, net, theta: dict[str, float], diameter_mm: float, settings: Settings = POPULATION) -> BurnIn:
    """Grow one patient (``theta``: its model parameters) on ``sim`` (compiled from ``net``,
    the scenario held at :data:`START_DIAMETER_MM`) to ``diameter_mm``. Raises
    :class:`SolverFailed` with the solver's message."""
    step = STEP_DAYS * 1440.0
    grid = np.arange(0.0, CHUNK_DAYS * 1440.0 + step / 2, step)
    res = sim.run(net, times=grid, parameters={**theta, "growth_on": 0.0}, presimulate=False,
                  settle=({}, SETTLE_DAYS * 1440.0), after_presim={"growth_on": 1.0}, rtol=settings.rtol,
                  atol=settings.atol, presim_rtol=settings.presim_rtol, max_order=settings.max_order)
    if not res.ok:
        raise SolverFailed(res.message)
    times, vols = [res.time], [res["tumor_volume_mm3"]]
    while True:
        d = res["tumor_diameter_mm"]
        hit = np.nonzero(d >= diameter_mm)[0]
        if hit.size:
            i = int(hit[0])
            break
        if res.time[-1] >= MAX_DAYS * 1440.0:
            return BurnIn({}, float(res.time[-1] / 1440.0), {"tumor_diameter_mm": float(d[-1])}, reached=False)
        res = sim.advance(res.time[-1] + grid)
        if not res.ok:
            raise SolverFailed(res.message)
        times.append(res.time[1:])
        vols.append(res["tumor_volume_mm3"][1:])
    if i == 0:  # only possible at the very start: the start size is already the diagnosis size
        raise SolverFailed(f"diagnosis diameter {diameter_mm:g} mm is not above the start ({START_DIAMETER_MM:g} mm)")
    d0, d1 = float(d[i - 1]), float(d[i])
    a, b = float(res.time[i - 1]), float(res.time[i])
    t_hit = a + (diameter_mm - d0) / (d1 - d0) * (b - a) if d1 > d0 else b
    last = sim.run_from_state(sim.state(res, i - 1), net, times=[0.0, t_hit - a],
                              parameters={**theta, "growth_on": 1.0}, rtol=settings.rtol, atol=settings.atol,
                              max_order=settings.max_order)
    if not last.ok:
        raise SolverFailed(last.message)
    baseline = readouts_at(last, -1)
    t_all, v_all = np.concatenate(times), np.concatenate(vols)
    keep = t_all < a + 1e-9
    t_all = np.append(t_all[keep], t_hit)
    v_all = np.append(v_all[keep], baseline["tumor_volume_mm3"])
    t_back = max(t_hit - DOUBLING_WINDOW_DAYS * 1440.0, 0.0)
    v_back = float(np.exp(np.interp(t_back, t_all, np.log(v_all))))
    growth = math.log(baseline["tumor_volume_mm3"] / v_back) if v_back > 0 else math.nan
    baseline["doubling_time_days"] = (t_hit - t_back) / 1440.0 * math.log(2) / growth if growth > 0 else math.inf
    baseline["burnin_days"] = t_hit / 1440.0
    return BurnIn(sim.state(last, -1), t_hit / 1440.0, baseline, meta={"settings": settings.name})


def full_state(net, state: dict[str, float]) -> dict[str, float]:
    """``state`` of a reduced Network completed for every species of the model: a folded
    module copy takes its leader's value, a species reduced to a constant 0 is 0 (so an
    arm whose network was reduced differently can start from it)."""
    out = dict(state)
    for sid in net.reduced:
        out.setdefault(sid, 0.0)
    pending = list(net.folded)
    for _ in range(len(pending) + 1):
        left = []
        for follower, leader in pending:
            if leader in out:
                out.setdefault(follower, out[leader])
            else:
                left.append((follower, leader))
        if not left:
            break
        pending = left
    return out


def burnin_key(scenario_json: str, theta: dict[str, float], diameter_mm: float, structure: str, version: str) -> str:
    """The hash a patient's state at diagnosis is stored under."""
    blob = json.dumps({"scenario": scenario_json, "theta": {k: repr(float(v)) for k, v in sorted(theta.items())},
                       "diameter_mm": repr(float(diameter_mm)), "structure": structure, "version": version,
                       "protocol": [PROTOCOL_VERSION, START_DIAMETER_MM, SETTLE_DAYS, STEP_DAYS, CHUNK_DAYS, MAX_DAYS,
                                    DOUBLING_WINDOW_DAYS]}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class BurninCache:
    """States at diagnosis on disk, one ``<key>.npz`` each (written atomically); ``folder``
    None keeps nothing."""

    def __init__(self, folder: str | os.PathLike | None):
        self.folder = Path(folder) if folder is not None else None

    def get(self, key: str) -> BurnIn | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.npz"
        try:
            with np.load(path, allow_pickle=False) as z:
                ids = [str(s) for s in z["ids"]]
                vals = z["values"]
                meta = json.loads(str(z["meta"]))
        except (OSError, KeyError, ValueError):
            return None
        return BurnIn(dict(zip(ids, vals.tolist())), float(meta["days"]), meta["baseline"], bool(meta["reached"]),
                      from_cache=True, meta=meta.get("meta", {}))

    def put(self, key: str, b: BurnIn) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".burnin-", suffix=".npz")
        os.close(fd)
        try:
            meta = json.dumps({"days": b.days, "baseline": b.baseline, "reached": b.reached, "meta": b.meta})
            np.savez(tmp, ids=np.array(list(b.state), dtype=str), values=np.array(list(b.state.values()), float),
                     meta=np.array(meta))
            os.replace(tmp, self.folder / f"{key}.npz")
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
