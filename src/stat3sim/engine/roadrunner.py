"""Compile a Network once with libRoadRunner (CVODE, LLVM JIT) and re-run it.

A :class:`Simulator` holds one compiled model. Every run that changes only parameter
values, stimuli or initial values re-uses it: parameters are set, ``reset()``
re-evaluates the initial assignments (knock-outs scale initial amounts through them),
the model is pre-simulated to its unstimulated steady state, stimuli are added to the
medium and the time course is integrated. ``Simulator.from_sbml`` recreates a
simulator from SBML text alone, which is how worker processes get one.

Failures are data: a run whose solver fails returns a :class:`Results` with
``ok = False`` and the solver's message.

Compiling: libRoadRunner's MCJIT backend is used process-wide (``STAT3SIM_JIT=lljit``
picks LLJIT, ~2x faster to compile with the same numbers, but it crashed in processes
that compile many models; see :data:`JIT`). A compiled model
is also kept on disk (``$STAT3SIM_CACHE``, default ``~/.cache/stat3sim``; ``off``
disables it; ``$STAT3SIM_CACHE_MAX_FILES`` files at most, default 160) as a
libRoadRunner saved state, keyed by the Network's structure, the
libRoadRunner version, the backend and the exporter's source: a later process loads it
instead of exporting SBML and compiling (tnbc TME model: ~3 s -> ~0.2 s). A cache file
that cannot be read or fails its checksum is ignored and rewritten.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import roadrunner

from ..model.network import Network, structure_key
from .sbml import to_sbml

roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)

_Config = roadrunner.Config
#: libRoadRunner's Python wrapper adds each model's ids as attributes of the RoadRunner
#: class and deletes them again when the next model loads: a model with a parameter
#: called ``reset`` or ``simulate`` (SBML Test Suite case 00964 has ``reset``) replaces that
#: method, and the next model removes it for every RoadRunner in the process. stat3sim
#: reads and sets values by selection (``rr["[S]"]``), never by attribute.
_Config.setValue(_Config.ROADRUNNER_DISABLE_PYTHON_DYNAMIC_PROPERTIES, True)
#: JIT backend for every model compiled in this process. LLJIT without optimisation
#: passes compiles the 724-reaction TME model in ~3 s (MCJIT ~12 s) and gives results
#: identical to MCJIT (tests/test_engine_tme.py); higher LLJIT optimisation levels
#: (1-3) took 2-3x longer to compile, changed results in the 8th digit and did not make
#: runs measurably faster (the right-hand side is ~15 % of a run; CVODE's dense LU
#: dominates). LLJIT_NUM_THREADS made no difference (the compile is one module).
#: But with libroadrunner 2.10.0, LLJIT crashed (SIGSEGV in RoadRunner()) once one process
#: had compiled ~25 TME-sized models (THx-11 + THx-2 + THx-4 with an empty disk cache:
#: reproducible, 2.6 GB RSS, ~900 memory maps; unique model ids did not help), and once
#: in ~8 runs of the translation table even with at most 12 models alive; MCJIT ran the
#: same 28 compiles without a crash (5.3 s against 2.4 s for the tnbc compile here, the
#: same run time). So MCJIT is the default; ``STAT3SIM_JIT=lljit`` picks LLJIT-O0 for the
#: faster compile where a process compiles few models. The disk cache keeps compiled
#: models per backend, so a cold compile is paid once per structure either way.
JIT = os.environ.get("STAT3SIM_JIT", "mcjit").strip().lower()
if JIT == "lljit":
    _Config.setValue(_Config.LLVM_BACKEND, _Config.LLJIT)
    _Config.setValue(_Config.LLJIT_OPTIMIZATION_LEVEL, _Config.NONE)
else:
    _Config.setValue(_Config.LLVM_BACKEND, _Config.MCJIT)

#: CVODE tolerances; the defaults of libRoadRunner (1e-6 / 1e-12 scaled) are too loose
#: for this stiff model and gave wrong steady states in testing. libRoadRunner scales a
#: scalar absolute tolerance by each species' amount when the integration (re)starts
#: (by its compartment volume where the amount is 0).
RTOL = 1e-8
ATOL = 1e-12
#: tolerances for population (TME) runs: ``Simulator.run(..., rtol=POPULATION_RTOL,
#: atol=POPULATION_ATOL)``. Over every shipped scenario and standard arm (23 runs of 180
#: days) the readouts tumor_volume_mm3, tumor.pSTAT3, MDSC_count, CD8_count, M2_fraction
#: and serum_IL6_pg_mL at day 180 differ from an RTOL/ATOL run by < 1e-5 relative (serum
#: IL-6 under an IL-6 knock-out, ~1e-18 pg/mL, only to ~1e-17 absolute); the 23 runs took
#: 16,750 instead of 31,445 CVODE steps and 2,389 instead of 3,089 dense LU
#: factorisations (the dominant cost). rtol 1e-5 was not faster (more error-test
#: failures); atol 1e-10 was no faster overall and once failed (too much work) in an
#: IL-6 knock-out. A run that fails at these tolerances is repeated at the simulator's
#: own. Not for the signaling layer, whose tests compare with SciPy at 2e-7.
POPULATION_RTOL = 1e-6
POPULATION_ATOL = 1e-12
#: highest BDF order for population (TME) runs without doses (``Simulator.run(max_order=…)``;
#: CVODE's default is 5). Over days to weeks the signaling states sit on a slow manifold;
#: at order 5 CVODE can take large steps, fail its error test, fall back and start again,
#: with SOCS3 and the receptor complexes zig-zagging from step to step (seen), the mark
#: of fast modes near the imaginary axis, where BDF orders 3–5 are not A-stable. In
#: `tnbc` (reduced network, ``model.reduce``)
#: 321 to 1,958 steps for rtol 0.9–1.1e-6 where order 3 takes 213–273. CVODE's own
#: remedy, stability limit detection, is not exposed by libRoadRunner. Instructions
#: executed in CVODE (callgrind, pre-simulation and 180-day run, rtol 1e-6 and 0.95e-6):
#: full network at order 5 2.35 / 2.06 G, reduced at order 5 3.46 / 1.88 G, reduced at
#: order 3 1.73 / 1.70 G. With the module copies folded too (202 states), the median CPU of
#: the 180-day run over rtol 0.9–1.1e-6 was lower at order 3 in all five scenarios tried
#: (README, speed). A run whose doses restart the integrator every few hours or
#: weeks is better off at order 5 (tocilizumab q4w, reduced: 11.3 G at order 5, 12.7 G
#: at order 3), so ``runs.simulate`` caps the order only when nothing is scheduled after
#: t = 0.
POPULATION_MAX_ORDER = 3
#: CVODE's default highest BDF order
BDF_MAX_ORDER = 5
#: pre-equilibration horizon (min): ≥ 10 time constants of the slowest process
#: (medium ligand loss, 0.001 min⁻¹)
PRESIM_MIN = 3.0e4
#: after pre-simulation, concentrations smaller than this (|y| < ATOL × 1e-12) are set to
#: exactly 0. Such values (1e-47 nM seen for pSTAT3 in a receptor knock-out) carry no
#: meaning, but CVODE's finite-difference Jacobian scales its increment with |y|, so a
#: stimulus on top of them can make the first step fail ("error test failed repeatedly").
FLUSH_BELOW = ATOL * 1e-12
#: population runs (``runs.simulate``) pre-simulate their first window at this relative
#: tolerance, then polish its last PRESIM_POLISH_MIN minutes at the run's own
#: (``Simulator.run(..., presim_rtol=…)``): the path to the steady state need not be
#: accurate, only the state it ends in, and the polish brings that back to the run's
#: tolerance. Over every shipped scenario and standard arm (36 runs of 180 days) this took
#: 13.6 s instead of 17.9 s of CPU, and the day-180 readouts (tumor volume, pSTAT3, MDSC,
#: CD8, M2, serum IL-6, metastases) stayed as close to an rtol 1e-9 run as before (worst
#: 6.6e-6 on volume, 3.4e-5 on metastases); 1e-3 was no faster (15.6 s)
PRESIM_RTOL = 1e-4
PRESIM_POLISH_MIN = 3.0e3
#: at most this many pre-simulation windows before giving up (the run goes on and
#: ``Results.meta["steady_state_reached"]`` says False)
MAX_PRESIM_WINDOWS = 4
#: a state counts as steady when max |dy/dt| / max(|y|, 1) is below this (1/min)
STEADY_TOL = 1e-6
#: the rate of change is also measured as the mean over the last STEADY_PROBE_MIN
#: minutes of each pre-simulation window (an extra output point, same integration).
#: The instantaneous dy/dt at an interpolated output is dominated, in a stiff model, by
#: the integration error of its fastest modes (TME: 1e-8 relative error in blood sIL-6R
#: reads as 20 /min), which made the TME model pre-simulate 4 windows for a state that
#: was settled after the first to 1e-8; the mean over 1,000 min filters those modes out
#: and still sees any slow drift.
STEADY_PROBE_MIN = 1.0e3
#: bump when the cache file layout or what goes into a compiled model changes
CACHE_FORMAT = 1
#: compiled models kept on disk (~2.6 MB each for the TME model, so ~400 MB at most);
#: the least recently used beyond this are removed when a new one is stored.
#: ``$STAT3SIM_CACHE_MAX_FILES`` overrides it (see :func:`cache_max_files`)
CACHE_MAX_FILES = 160
_MAGIC = b"stat3sim-rrstate\n"


@dataclass
class Results:
    """A time course: wide arrays with units, and tidy/wide DataFrame views.

    ``columns`` are engine ids (species and observables); ``labels`` the names shown
    to users (``tumor.pSTAT3``); time is in minutes.
    """

    time: np.ndarray
    values: np.ndarray
    columns: list[str]
    labels: list[str]
    units: list[str]
    ok: bool = True
    message: str = ""
    meta: dict = field(default_factory=dict)

    def _index(self, key: str) -> int:
        for seq in (self.labels, self.columns):
            if key in seq:
                return seq.index(key)
        raise KeyError(f"no readout {key!r}; available: {', '.join(self.labels[:8])}, …")

    def __getitem__(self, key: str) -> np.ndarray:
        return self.values[:, self._index(key)]

    def peak(self, key: str) -> float:
        return float(np.max(self[key]))

    def peak_time(self, key: str) -> float:
        return float(self.time[int(np.argmax(self[key]))])

    def at(self, key: str, t: float) -> float:
        return float(np.interp(t, self.time, self[key]))

    def late(self, key: str) -> float:
        return float(self[key][-1])

    def baseline(self, key: str) -> float:
        return float(self[key][0])

    def most_changing(self, n: int) -> list[int]:
        """Column indices of the ``n`` readouts whose relative range (max − min over
        max |value|) is largest, in column order."""
        v = self.values
        if v.size == 0:
            return []
        with np.errstate(all="ignore"):
            span = np.nanmax(v, axis=0) - np.nanmin(v, axis=0)
            rel = span / np.maximum(np.nanmax(np.abs(v), axis=0), 1e-300)
        rel = np.where(np.isfinite(rel), rel, 0.0)
        order = sorted(range(v.shape[1]), key=lambda i: (-rel[i], i))
        return sorted(order[:n])

    def wide(self, observables_only: bool = True) -> pd.DataFrame:
        """One column per readout: ``time_min`` then ``<cell>.<observable>`` (or species ids)."""
        idx = [i for i, c in enumerate(self.columns) if ("__obs__" in c) or not observables_only]
        df = pd.DataFrame(self.values[:, idx], columns=[self.labels[i] for i in idx])
        df.insert(0, "time_min", self.time)
        return df

    def tidy(self) -> pd.DataFrame:
        """Long format: time_min, id, name, value, unit."""
        n_t, n_c = self.values.shape
        return pd.DataFrame({
            "time_min": np.repeat(self.time, n_c),
            "id": np.tile(self.columns, n_t),
            "name": np.tile(self.labels, n_t),
            "value": self.values.reshape(-1),
            "unit": np.tile(self.units, n_t),
        })


class Simulator:
    """One compiled model, re-used across runs.

    >>> from stat3sim.model import signaling_network
    >>> net = signaling_network("tumor")
    >>> sim = Simulator(net)
    >>> res = sim.run(net.with_stimulus({"IL6": 1.0}), t_end=240)
    >>> res.peak("tumor.pSTAT3") > 5 * res.baseline("tumor.pSTAT3")
    True
    """

    def __init__(self, network: Network | None = None, *, sbml: str | None = None,
                 rtol: float = RTOL, atol: float = ATOL, cache: bool = True):
        if (network is None) == (sbml is None):
            raise ValueError("give a Network or SBML text")
        self.network = network
        self._sbml = sbml
        self.key = structure_key(network) if network is not None else None
        #: how the model was obtained ("compiled" or "disk cache"), the seconds it took
        #: and their parts (sbml_export, compile, cache_save or cache_load)
        self.origin, self.setup_seconds, self.timings = "compiled", 0.0, {}
        self.rr = self._compile(cache)
        self.rtol, self.atol = float(rtol), float(atol)
        self._tolerances = (self.rtol, self.atol)
        self.rr.integrator.relative_tolerance = self.rtol
        self.rr.integrator.absolute_tolerance = self.atol
        self.rr.integrator.maximum_num_steps = MAX_NUM_STEPS  # a normal run takes < 1,000 steps
        self._max_order = BDF_MAX_ORDER
        m = self.rr.model
        self.species = list(m.getFloatingSpeciesIds())
        self.observables = [p for p in m.getGlobalParameterIds() if "__obs__" in p]
        ruled = {r.id for r in network.rules} if network is not None else _initially_assigned(self.sbml)
        #: cell-counted species are read and set as amounts (cells), the others as concentrations
        self._amount = {s.id for s in network.species if s.is_amount} if network is not None else set()
        if network is not None:
            units = {s.id: s.unit for s in network.species}
            units.update({o.id: o.unit for o in network.observables})
            names = {o.id: o.name for o in network.observables}
            self._units = units
            self._names = names
        else:
            self._units, self._names = {}, {}
        self.columns = self.species + self.observables
        self._selections = ["time"] + [self._sel(s) for s in self.species] + self.observables
        self.rr.timeCourseSelections = self._selections
        self._state_index = self._state_map()
        #: an SBML model as loaded, not yet run: libRoadRunner's reset() fires events whose
        #: trigger holds at t = 0 again without resetting the parameters they assigned (SBML
        #: Test Suite case 01699: P1 = P1 + 2 gave 6, not 4), so its first run skips the
        #: reset when no parameter was changed
        self._as_loaded = network is None
        self._current: dict[str, float] = {p: self.rr[p] for p in self.rr.model.getGlobalParameterIds()
                                          if p not in self.observables and p not in ruled}
        self._origin = dict(self._current)
        # numeric initial concentrations (species without an initial assignment)
        if network is not None:
            numeric = [sp.id for sp in network.species if not isinstance(sp.initial, str)]
        else:
            assigned = _initially_assigned(self.sbml)
            numeric = [sid for sid in self.species if sid not in assigned]
        self._init_origin: dict[str, float] = {sid: self.rr[f"init({self._sel(sid)})"] for sid in numeric}
        #: concentration species in compartments whose volume is a rule, with their initial
        #: value (number or expression): libRoadRunner restores their *amounts* on reset(),
        #: computed with the volume of the Network it was compiled from, so a Network of
        #: the same structure with other cell numbers (another volume) would start at the
        #: wrong concentration; they are written again after each reset()
        self._in_variable_volume: dict[str, object] = {}
        if network is not None:
            ruled_comps = {c.id for c in network.compartments if c.size_rule}
            self._in_variable_volume = {
                sp.id: compile(sp.initial.replace("^", "**"), sp.id, "eval") if isinstance(sp.initial, str)
                else sp.initial for sp in network.species if sp.compartment in ruled_comps and not sp.is_amount}

    @property
    def sbml(self) -> str:
        """The SBML text of the model (exported on first use when the model came from
        the disk cache)."""
        if self._sbml is None:
            self._sbml = to_sbml(self.network)
        return self._sbml

    def _compile(self, cache: bool) -> roadrunner.RoadRunner:
        """The compiled model: loaded from the disk cache when there, else compiled (and stored)."""
        t0 = time.perf_counter()
        path = _cache_path(self.key if self.network is not None else "sbml:" + _sha1(self._sbml)) if cache else None
        values = _values_hash(self.network) if self.network is not None else ""
        if path is not None:
            loaded = _load_state(path)
            if loaded is not None:
                rr, head = loaded
                t1 = time.perf_counter()
                if head.get("values") != values:
                    self._align_values(rr)
                self.origin, self.setup_seconds = "disk cache", time.perf_counter() - t0
                self.timings = {"cache_load": t1 - t0, "align_values": time.perf_counter() - t1}
                return rr
        t1 = time.perf_counter()
        sbml = self.sbml
        t2 = time.perf_counter()
        rr = roadrunner.RoadRunner(sbml)
        t3 = time.perf_counter()
        if path is not None:
            _save_state(rr, path, values)
        t4 = time.perf_counter()
        self.origin, self.setup_seconds = "compiled", t4 - t0
        self.timings = {"cache_lookup": t1 - t0, "sbml_export": t2 - t1, "compile": t3 - t2, "cache_save": t4 - t3}
        return rr

    def _align_values(self, rr: roadrunner.RoadRunner) -> None:
        """Give a model loaded from the disk cache this Network's parameter values and
        numeric initial values (the cached one may come from a Network of the same
        structure with other values), so that ``rr`` describes this Network."""
        net = self.network
        m = rr.model
        ids = set(m.getGlobalParameterIds())
        ruled = {r.id for r in net.rules}
        for p in net.parameters:
            if p.id in ids and p.id not in ruled and rr[p.id] != p.value:
                rr[p.id] = p.value
        index = {sid: i for i, sid in enumerate(m.getFloatingSpeciesIds())}
        for sp in net.species:
            if isinstance(sp.initial, str) or sp.id not in index:
                continue
            v = float(sp.initial)
            if sp.is_amount:
                if rr[f"init({sp.id})"] != v:
                    m.setFloatingSpeciesInitAmounts([index[sp.id]], [v])
            elif rr[f"init([{sp.id}])"] != v:
                m.setFloatingSpeciesInitConcentrations([index[sp.id]], [v])
        rr.reset()

    def _sel(self, sid: str) -> str:
        return sid if sid in self._amount else f"[{sid}]"

    def record(self, selections: list[str]) -> list[int]:
        """Record these libRoadRunner selections too (``[S]`` a species' concentration,
        ``S`` its amount, a compartment's size, a parameter's value) in every later run,
        after the species and observables; their column in ``Results.values``, in order.
        A selection already recorded keeps its column; a new one's column id is the
        selection itself. libRoadRunner refuses an unknown one (RuntimeError)."""
        index = {sel: i for i, sel in enumerate(self._selections[1:])}
        new = [sel for sel in dict.fromkeys(selections) if sel not in index]
        if new:
            self.rr.timeCourseSelections = self._selections + new
            self._selections = self._selections + new
            index.update({sel: len(self.columns) + i for i, sel in enumerate(new)})
            self.columns = self.columns + new  # a new list: earlier Results keep theirs
        return [index[sel] for sel in selections]

    def _finite(self, arr: np.ndarray) -> bool:
        """Whether a solution is finite: time, species and observables. A selection added by
        :meth:`record` may be infinite or NaN by the model's own math (a parameter set to
        1/0 by an initial assignment: SBML Test Suite case 00950) and is returned as it is."""
        return bool(np.all(np.isfinite(arr[:, :1 + len(self.species) + len(self.observables)])))

    def _state_map(self) -> tuple[np.ndarray, list[str]] | None:
        """How the entries of ``getRatesOfChange()`` (libRoadRunner's state vector) map to
        values: None where they are the floating species in order (every Network), else
        (index of each entry among the floating species or -1, its id). An SBML model's
        state vector leaves out species set by assignment rules and includes variables of
        rate rules (parameters, compartments)."""
        ids = [c.rstrip("'") for c in self.rr.getRatesOfChangeNamedArray().colnames]
        if ids == self.species:
            return None
        where = {sid: i for i, sid in enumerate(self.species)}
        return np.array([where.get(sid, -1) for sid in ids], dtype=int), ids

    def __reduce__(self):
        # a compiled model cannot be pickled; a worker loads it from the disk cache or
        # recompiles it (from the Network, or from the SBML text)
        return (_rebuild_simulator, (self.network, self._sbml if self.network is None else None,
                                     self.rtol, self.atol))

    @classmethod
    def from_sbml(cls, sbml: str, **kw) -> "Simulator":
        """A simulator for any SBML model (a user's file, or ours in a worker process)."""
        return cls(sbml=sbml, **kw)

    @classmethod
    def for_network(cls, net: Network) -> "Simulator":
        """A cached simulator for this Network's structure (compiled once per process)."""
        key = structure_key(net)
        sim = _CACHE.pop(key, None)
        if sim is None:
            while len(_CACHE) >= MAX_COMPILED:  # least recently used first (dicts keep insertion order)
                _CACHE.pop(next(iter(_CACHE)))
            sim = cls(net)
        _CACHE[key] = sim
        return sim

    # ------------------------------------------------------------------ running
    def _same_structure(self, net: Network) -> bool:
        # fast path: transformations (dataclasses.replace) keep the element tuples
        ref = self.network
        if ref is not None and all(getattr(net, a) is getattr(ref, a) for a in
                                   ("species", "reactions", "observables", "compartments", "events")):
            return True
        return structure_key(net) == self.key

    def _set_parameters(self, values: Mapping[str, float]) -> bool:
        """Set the parameters that differ from the model's; whether any did."""
        changed = False
        for pid, v in values.items():
            if self._current.get(pid) != v:
                self.rr[pid] = v
                self._current[pid] = v
                changed = True
        return changed

    def _initial_overrides(self, values: Mapping[str, float]) -> dict[str, float]:
        """Initial values that differ from the compiled ones. They are written into the
        state after ``reset()`` — setting libRoadRunner's ``init(...)`` would regenerate
        the model (~0.4 s) and reset its selections."""
        out = {}
        for sid, v in values.items():
            if sid not in self._init_origin:
                raise ValueError(f"no settable initial value for {sid!r} (unknown species, or set by an initial assignment)")
            if self._init_origin[sid] != v:
                out[sid] = float(v)
        return out

    def run(self, network: Network | None = None, *, t_end: float = 240.0, n_points: int | None = None,
            parameters: Mapping[str, float] | None = None, stimuli: Mapping[str, float] | None = None,
            initial_values: Mapping[str, float] | None = None,
            schedule: tuple[tuple[float, str, float], ...] = (), presimulate: bool = True,
            after_presim: Mapping[str, float] | None = None, times: np.ndarray | None = None,
            rtol: float | None = None, atol: float | None = None,
            atol_floor: Mapping[str, float] | None = None, presim_rtol: float | None = None,
            max_order: int | None = None, settle: tuple[Mapping[str, float], float] | None = None) -> Results:
        """Simulate ``t_end`` minutes after the stimuli (default: the Network's own).

        ``network`` must have this simulator's structure (same species, reactions,
        rate laws); its parameter values, numeric initial values, stimuli and scheduled
        stimuli are used without recompiling. ``parameters``, ``initial_values`` (nM),
        ``stimuli`` (nM added at t = 0) and ``schedule`` ((time, species, nM) added
        later) override or extend them. ``after_presim`` parameters are set once the
        pre-simulation is done (population models freeze their cell numbers while the
        signaling and cytokines settle, then switch population dynamics on). ``times``
        (min) replaces the even output grid. ``rtol``/``atol`` change CVODE's tolerances
        for this run (default: the simulator's; see ``POPULATION_RTOL``). ``atol_floor``
        ({species: nM}) raises those species' absolute tolerances, for the whole run, to at
        least that concentration (the therapy layer uses it for absorption depots: see
        ``stat3sim.therapy.pk.tolerance_floors``). ``presim_rtol`` (looser than the run's
        rtol) integrates the first pre-simulation window at that tolerance up to
        PRESIM_POLISH_MIN before its end, and the rest at the run's own. ``max_order`` caps
        CVODE's BDF order (1–5; default 5; population runs use ``POPULATION_MAX_ORDER``).
        ``settle`` = (parameters, minutes): after the pre-simulation, set these parameters and
        integrate ``minutes`` more before time 0 (population models: the populations settle
        around a tumor held at its day-0 size), at ``presim_rtol`` up to PRESIM_POLISH_MIN
        before its end as the first pre-simulation window; ``after_presim`` follows it.
        """
        source, params, stim, sched = self._inputs(network, parameters, stimuli, schedule)
        init: dict[str, float] = dict(self._init_origin)
        if source is not None:
            init.update({sp.id: float(sp.initial) for sp in source.species if sp.id in init})
        init.update(initial_values or {})
        if settle is not None and not (np.isfinite(settle[1]) and settle[1] > 0):
            raise ValueError(f"settle minutes must be finite and > 0, got {settle[1]!r}")
        self._check_reduced(source, params, after_presim, stim, sched, settle[0] if settle else None)
        n = int(n_points or (int(round(t_end)) + 1))
        grid = np.asarray(times, float) if times is not None else np.linspace(0.0, float(t_end), n)
        tol = (self.rtol if rtol is None else float(rtol), self.atol if atol is None else float(atol))
        floor = self._floor_indices(atol_floor or {})
        if presim_rtol is not None and not (np.isfinite(presim_rtol) and 0 < presim_rtol < 1):
            raise ValueError(f"presim_rtol must be in (0, 1), got {presim_rtol!r}")
        loose = float(presim_rtol) if presim_rtol is not None and presim_rtol > tol[0] else None
        order = BDF_MAX_ORDER if max_order is None else max_order
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= BDF_MAX_ORDER:
            raise ValueError(f"max_order must be an integer from 1 to {BDF_MAX_ORDER}, got {max_order!r}")
        if order != self._max_order:
            self.rr.integrator.maximum_bdf_order = order
            self._max_order = order
        res = self._attempt(tol, params, init, stim, sched, grid, t_end, presimulate, after_presim, floor, loose, settle)
        if not res.ok and tol != (self.rtol, self.atol):
            # a looser setting that fails (too much work, non-finite values) is not an
            # answer: the run is repeated at the simulator's own tolerances
            res = self._attempt((self.rtol, self.atol), params, init, stim, sched, grid, t_end, presimulate,
                                after_presim, floor, None, settle)
            res.meta["retried_at_tolerances"] = [self.rtol, self.atol]
            res.meta["failed_at_tolerances"] = list(tol)
        return res

    # ------------------------------------------------------- saved states (cohorts)
    def state(self, results: Results | None = None, row: int = -1) -> dict[str, float]:
        """The floating species' values (cells for cell-counted species, nM otherwise):
        of the model now, or of one output row of ``results`` of this simulator. Species
        a reduced Network made constants or rules are not states and not included."""
        if results is not None:
            vals = np.asarray(results.values[row, :len(self.species)], dtype=float)
        else:
            m = self.rr.model
            amounts = np.asarray(m.getFloatingSpeciesAmounts(), dtype=float)
            conc = np.asarray(m.getFloatingSpeciesConcentrations(), dtype=float)
            vals = np.array([amounts[i] if s in self._amount else conc[i] for i, s in enumerate(self.species)])
        return dict(zip(self.species, vals.tolist()))

    def advance(self, times) -> Results:
        """Go on integrating from the model's current state and time over ``times`` (min;
        the first is the current time) with the run's settings: no reset, no
        pre-simulation. A solver failure is returned as data (``ok = False``)."""
        grid = np.asarray(times, dtype=float)
        try:
            arr = np.asarray(self.rr.simulate(times=grid.tolist()))
        except RuntimeError as e:
            return Results(np.zeros(0), np.zeros((0, len(self.columns))), self.columns, self._labels(),
                           self._unit_list(), ok=False, message=str(e).strip().splitlines()[0][:500])
        ok = self._finite(arr)
        return Results(arr[:, 0].copy(), arr[:, 1:].copy(), self.columns, self._labels(), self._unit_list(),
                       ok=ok, message="" if ok else "non-finite values in the solution")

    def run_from_state(self, state: Mapping[str, float], network: Network | None = None, *, times,
                       parameters: Mapping[str, float] | None = None, stimuli: Mapping[str, float] | None = None,
                       schedule: tuple[tuple[float, str, float], ...] = (), rtol: float | None = None,
                       atol: float | None = None, atol_floor: Mapping[str, float] | None = None,
                       max_order: int | None = None) -> Results:
        """Run from a saved state (:meth:`state`, e.g. a virtual patient at diagnosis) at
        time 0 over ``times`` (min): parameters set, ``reset()``, then every floating
        species this model has and ``state`` names is written (cell counts first: they set
        the compartment volumes the concentrations live in); species ``state`` lacks (a
        drug's PK compartments) keep their initial values. No pre-simulation: the state is
        the start. ``stimuli`` are added at 0, ``schedule`` later, as in :meth:`run`; no
        retry at other tolerances (the caller decides)."""
        source, params, stim, sched = self._inputs(network, parameters, stimuli, schedule)
        self._check_reduced(source, params, None, stim, sched)
        grid = np.asarray(times, dtype=float)
        tol = (self.rtol if rtol is None else float(rtol), self.atol if atol is None else float(atol))
        floor = self._floor_indices(atol_floor or {})
        order = BDF_MAX_ORDER if max_order is None else max_order
        if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= BDF_MAX_ORDER:
            raise ValueError(f"max_order must be an integer from 1 to {BDF_MAX_ORDER}, got {max_order!r}")
        if order != self._max_order:
            self.rr.integrator.maximum_bdf_order = order
            self._max_order = order
        try:
            self._set_tolerances(*tol)
            self._set_parameters(params)
            self.rr.reset()
            self._as_loaded = False
            m = self.rr.model
            amt = [(i, float(state[s])) for i, s in enumerate(self.species) if s in self._amount and s in state]
            if amt:
                m.setFloatingSpeciesAmounts([i for i, _ in amt], [v for _, v in amt])
            conc = [(i, float(state[s])) for i, s in enumerate(self.species) if s not in self._amount and s in state]
            if conc:
                m.setFloatingSpeciesConcentrations([i for i, _ in conc], [v for _, v in conc])
            self._fix_absolute_tolerance(floor)
            self._add(stim.items())
            arr = self._solve(grid, sched)
        except RuntimeError as e:
            return self._failed(e, tol)
        return self._results(arr, meta={"stimuli_nM": stim, "schedule": [list(e) for e in sched],
                                        "tolerances": list(tol)})

    def _inputs(self, network: Network | None, parameters, stimuli, schedule):
        """(source Network, parameter values, stimuli, dose schedule sorted by time) of a run:
        the compiled model's, then ``network``'s, then the call's own."""
        params: dict[str, float] = dict(self._origin)
        stim: dict[str, float] = {}
        sched: list[tuple[float, str, float]] = []
        source = network if network is not None else self.network
        if network is not None and self.key is not None and not self._same_structure(network):
            raise ValueError("this Network's structure differs from the compiled one; use Simulator.for_network")
        if source is not None:
            params.update({p.id: p.value for p in source.parameters})
            stim.update(source.stimuli)
            sched.extend(source.schedule)
        params.update(parameters or {})
        stim.update(stimuli or {})
        return source, params, stim, sorted(sched + list(schedule), key=lambda e: e[0])

    def _solve(self, grid: np.ndarray, sched: list[tuple[float, str, float]]) -> np.ndarray:
        """Integrate over ``grid`` (one call, or segments between the doses of ``sched``)."""
        if not any(0 < t < float(grid[-1]) for t, _, _ in sched):
            return np.asarray(self.rr.simulate(times=grid.tolist()))
        return self._segments(grid, sched)

    def _failed(self, e: Exception, tol) -> "Results":
        return Results(np.zeros(0), np.zeros((0, len(self.columns))), self.columns, self._labels(),
                       self._unit_list(), ok=False, message=str(e).strip().splitlines()[0][:500],
                       meta={"tolerances": list(tol)})

    def _results(self, arr: np.ndarray, meta: dict) -> "Results":
        ok = self._finite(arr)
        return Results(arr[:, 0].copy(), arr[:, 1:].copy(), self.columns, self._labels(), self._unit_list(),
                       ok=ok, message="" if ok else "non-finite values in the solution", meta=meta)

    @staticmethod
    def _check_reduced(source: Network | None, params: Mapping[str, float], after_presim: Mapping[str, float] | None,
                       stim: Mapping[str, float], sched: list[tuple[float, str, float]],
                       settle: Mapping[str, float] | None = None) -> None:
        """A reduced Network (``model.reduce``) is exact only while the parameters it pinned
        stay 0, > 0 or equal to their leader's, and nothing is added to a reduced or folded
        species: a run that breaks either is refused."""
        if source is None or not (source.pinned or source.reduced or source.folded):
            return
        gone = set(source.reduced) | {f for f, _ in source.folded}
        added = sorted(gone & ({*stim} | {sid for _, sid, _ in sched}))
        if added:
            raise ValueError(f"{', '.join(added)}: reduced to a constant or to another module's copy in this Network "
                             "(stat3sim.model.reduce); reduce the Network with these species in `keep`")
        conditions = [*source.pinned, *((sid, "zero") for sid in source.reduced)]
        stages = (params, {**params, **(settle or {})}, {**params, **(settle or {}), **(after_presim or {})})
        for values in stages:
            for pid, kind in conditions:
                v = values.get(pid)
                if v is None:
                    continue
                if kind.startswith("="):
                    ok, want = v == values.get(kind[1:], v), f"equal to {kind[1:]}"
                else:
                    ok, want = (v == 0, "0") if kind == "zero" else (v > 0, "> 0")
                if not ok:
                    raise ValueError(f"parameter {pid} = {v:g}: this Network was reduced on the condition that it "
                                     f"stays {want} (stat3sim.model.reduce); set it on the Network before reducing it")

    def _attempt(self, tol: tuple[float, float], params: dict[str, float], init: dict[str, float],
                 stim: dict[str, float], sched: list[tuple[float, str, float]], grid: np.ndarray, t_end: float,
                 presimulate: bool, after_presim: Mapping[str, float] | None,
                 floor: tuple[np.ndarray, np.ndarray] | None = None, presim_rtol: float | None = None,
                 settle: tuple[Mapping[str, float], float] | None = None) -> Results:
        phase = "start"
        try:
            self._set_tolerances(*tol)
            overrides = self._initial_overrides(init)
            if self._set_parameters(params) or not self._as_loaded:
                self.rr.reset()
            self._as_loaded = False
            for sid, v in overrides.items():
                self.rr[self._sel(sid)] = v
            # after the overrides: cell numbers set the volume these concentrations live in
            for sid, v in self._variable_volume_initials(init, params).items():
                self.rr[self._sel(sid)] = v
            self._fix_absolute_tolerance(floor)
            residual, presimulated = 0.0, 0.0
            if presimulate:
                phase = "presimulation"
                # pre-simulate over negative time, so events timed at t > 0 fire only in the run;
                # a model still moving after one window gets up to MAX_PRESIM_WINDOWS
                probe = [-PRESIM_MIN, -min(STEADY_PROBE_MIN, PRESIM_MIN / 2), 0.0]
                for window in range(MAX_PRESIM_WINDOWS):
                    if window == 0 and presim_rtol is not None:
                        # the approach at a loose tolerance, the last PRESIM_POLISH_MIN at the run's
                        self.rr.integrator.relative_tolerance = presim_rtol
                        try:
                            self.rr.simulate(times=[-PRESIM_MIN, -PRESIM_POLISH_MIN])
                        finally:  # a failure must not leave the loose setting to the next run
                            self.rr.integrator.relative_tolerance = tol[0]
                        out = np.asarray(self.rr.simulate(times=[-PRESIM_POLISH_MIN, *probe[1:]]))
                    else:
                        out = np.asarray(self.rr.simulate(times=probe))
                    presimulated += PRESIM_MIN
                    if not np.all(np.isfinite(out)):
                        raise RuntimeError("non-finite values in the pre-simulation")
                    residual = min(self.steady_residual(), self._mean_rate(out))
                    if residual < STEADY_TOL:
                        break
                self._flush_tiny()
            settled = 0.0
            if settle is not None:
                phase = "settle"
                values, minutes = settle
                for pid, v in values.items():
                    self.rr[pid] = v
                    self._current[pid] = v
                polish = min(PRESIM_POLISH_MIN, minutes / 2)
                if presim_rtol is not None:
                    self.rr.integrator.relative_tolerance = presim_rtol
                    try:
                        self.rr.simulate(times=[-minutes, -polish])
                    finally:
                        self.rr.integrator.relative_tolerance = tol[0]
                    out = np.asarray(self.rr.simulate(times=[-polish, -min(STEADY_PROBE_MIN, polish / 2), 0.0]))
                else:
                    out = np.asarray(self.rr.simulate(times=[-minutes, -min(STEADY_PROBE_MIN, minutes / 2), 0.0]))
                settled = float(minutes)
                residual = self._mean_rate(out)
                self._flush_tiny()
            if after_presim:
                for pid, v in after_presim.items():
                    self.rr[pid] = v
                    self._current[pid] = v
            self._add(stim.items())
            self._fix_absolute_tolerance(floor)
            phase = "run"
            arr = self._solve(grid, sched)
        except RuntimeError as e:
            res = self._failed(e, tol)
            res.meta["failed_in"] = phase  # start, presimulation, settle or run
            res.meta["failed_at_time"] = float(self.rr.model.getTime())  # the solver's time when it stopped
            return res
        return self._results(arr, meta={"steady_state_residual_per_min": residual, "stimuli_nM": stim,
                             "schedule": [list(e) for e in sched], "presimulated_min": presimulated,
                             "settled_min": settled,
                             "steady_state_reached": (residual < STEADY_TOL) if presimulate or settle else None,
                             "tolerances": list(tol)})

    def _variable_volume_initials(self, init: Mapping[str, float], params: Mapping[str, float]) -> dict[str, float]:
        """Initial concentrations of the species in rule-sized compartments (see __init__)."""
        out = {}
        for sid, initial in self._in_variable_volume.items():
            if not isinstance(initial, (int, float)):  # an expression, compiled once in __init__
                out[sid] = float(eval(initial, {"__builtins__": {}}, _Lookup(params, self.rr)))  # noqa: S307
            else:
                out[sid] = float(init.get(sid, initial))
        return out

    def _set_tolerances(self, rtol: float, atol: float) -> None:
        if rtol != self._tolerances[0]:
            self.rr.integrator.relative_tolerance = rtol
        # the scalar, always: a run leaves a fixed vector behind (_fix_absolute_tolerance)
        self.rr.integrator.absolute_tolerance = atol
        self._tolerances = (rtol, atol)

    def _floor_indices(self, atol_floor: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray] | None:
        """(state indices, nM) of an ``atol_floor``; unknown species are an error."""
        if not atol_floor:
            return None
        index = {sid: i for i, sid in enumerate(self.species)}
        unknown = sorted(set(atol_floor) - set(index))
        if unknown:
            raise ValueError(f"atol_floor names species this model lacks: {', '.join(unknown)}")
        bad = {k: v for k, v in atol_floor.items() if not (np.isfinite(v) and v >= 0)}
        if bad:
            raise ValueError(f"atol_floor values must be finite and >= 0 nM: {bad}")
        ids = sorted(atol_floor, key=index.__getitem__)
        return (np.array([index[k] for k in ids], dtype=int), np.array([float(atol_floor[k]) for k in ids]))

    def _fix_absolute_tolerance(self, floor: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Fix CVODE's absolute tolerances at the current state, as a vector: the scalar
        ATOL scaled by each species' amount (by its compartment volume where the amount is
        0), which is libRoadRunner's own scaling. Done before the pre-simulation and again
        before the run (after the stimuli). Left as a scalar, libRoadRunner rescales it
        within a run from the amounts of the moment; fixed, the TME model's 180-day `tnbc`
        run took ~0.14 s instead of ~0.22 s of CVODE time (pre-simulation ~0.15 s instead of
        ~0.2 s), with day-180 readouts as close to an rtol 1e-9 run as before: ≤ 6e-5
        relative over every scenario and standard arm, metastases included (test:
        test_absolute_tolerances_are_fixed_from_each_runs_own_state)."""
        v = np.asarray(self.rr.integrator.getAbsoluteToleranceVector(), dtype=float)
        if v.size and floor is not None:
            # the vector is in amounts: a floor in nM times the species' compartment volume
            idx, nM = floor
            m = self.rr.model
            vol = np.asarray(m.getCompartmentVolumes(), dtype=float)
            comp = np.array([m.getCompartmentIndexForFloatingSpecies(int(i)) for i in idx], dtype=int)
            amount_floor = nM * vol[comp]
            amount_floor = np.where(np.array([self.species[i] in self._amount for i in idx]), nM, amount_floor)
            v[idx] = np.maximum(v[idx], amount_floor)
        if v.size:
            self.rr.integrator.setValue("absolute_tolerance", v.tolist())

    def _mean_rate(self, out: np.ndarray) -> float:
        """max |Δy/Δt| / max(|y|, 1) between the last two rows of a pre-simulation (1/min)."""
        n = len(self.species)
        if n == 0 or len(out) < 2:
            return 0.0
        a, b = out[-2, 1:1 + n], out[-1, 1:1 + n]
        return float(np.max(np.abs(b - a) / np.maximum(np.abs(b), 1.0)) / (out[-1, 0] - out[-2, 0]))

    def _add(self, additions) -> None:
        for sid, amount in additions:
            key = self._sel(sid)
            self.rr[key] = self.rr[key] + amount

    def _segments(self, grid: np.ndarray, sched: list[tuple[float, str, float]]) -> np.ndarray:
        """Integrate between scheduled additions; rows on the output grid, a grid point at a
        dose time shows the state just after the dose."""
        t_end = float(grid[-1])
        n = len(grid)
        doses: dict[float, list[tuple[str, float]]] = {}
        for t, sid, amount in sched:
            if 0 < t < t_end:
                doses.setdefault(t, []).append((sid, amount))
        edges = [0.0, *sorted(doses), t_end]
        rows = np.empty((n, 1 + len(self.columns)))
        for a, b in zip(edges[:-1], edges[1:]):
            if a > 0:
                self._add(doses[a])
            inside = np.nonzero((grid >= a) & (grid <= b))[0]
            times = sorted({a, b, *grid[inside].tolist()})
            out = np.asarray(self.rr.simulate(times=times))
            pos = {t: i for i, t in enumerate(times)}
            for j in inside:
                rows[j] = out[pos[grid[j]]]
                rows[j, 0] = grid[j]
        return rows

    def _flush_tiny(self) -> None:
        y = np.asarray(self.rr.model.getFloatingSpeciesConcentrations())
        tiny = (y != 0.0) & (np.abs(y) < FLUSH_BELOW)
        if tiny.any():
            self.rr.model.setFloatingSpeciesConcentrations(np.where(tiny, 0.0, y))

    def steady_residual(self) -> float:
        """max |dy/dt| / max(|y|, 1) over floating species at the current state (1/min)."""
        rates = np.asarray(self.rr.getRatesOfChange())
        y = np.asarray(self.rr.model.getFloatingSpeciesConcentrations())
        if rates.size == 0:
            return 0.0
        if self._state_index is not None:  # an SBML model with rules: value of each state entry
            where, ids = self._state_index
            y = np.array([y[i] if i >= 0 else self.rr[sid] for i, sid in zip(where, ids)], dtype=float)
        return float(np.max(np.abs(rates) / np.maximum(np.abs(y), 1.0)))

    def _labels(self) -> list[str]:
        return [self._names.get(c, c) for c in self.columns]

    def _unit_list(self) -> list[str]:
        return [self._units.get(c, "") for c in self.columns]


_CACHE: dict[str, Simulator] = {}
#: the most CVODE steps per output interval of a simulator made in this process (a normal
#: run takes < 1,000 steps in all); :func:`step_limit` lowers it for a while
MAX_NUM_STEPS = 50000


@contextmanager
def step_limit(steps: int):
    """Within the block, every simulator of this process (cached ones and new ones) stops
    after ``steps`` CVODE steps per output interval, so that a parameter set on which the
    solver crawls (step sizes near 1e-13) fails in seconds instead of running for hours:
    sensitivity analyses vary hundreds of parameters at once. Restored on exit."""
    global MAX_NUM_STEPS
    before = MAX_NUM_STEPS
    MAX_NUM_STEPS = int(steps)
    for sim in _CACHE.values():
        sim.rr.integrator.maximum_num_steps = MAX_NUM_STEPS
    try:
        yield
    finally:
        MAX_NUM_STEPS = before
        for sim in _CACHE.values():
            sim.rr.integrator.maximum_num_steps = before
#: compiled models kept per process (least recently used dropped first): libRoadRunner's
#: LLVM JIT crashes (SIGSEGV in RoadRunner()) once a process holds ~25 compiled TME-sized
#: models (seen with libroadrunner 2.10.0 at 2.6 GB RSS, far from memory and map-count
#: limits); a dropped model comes back from the disk cache in ~0.1 s
MAX_COMPILED = 12


class _Lookup(dict):
    """Names in an initial-value expression: parameter values of the run, else the model's."""

    def __init__(self, params: Mapping[str, float], rr):
        super().__init__()
        self.params, self.rr = params, rr

    def __missing__(self, key: str) -> float:
        if key in self.params:
            return self.params[key]
        return self.rr[key]


def _rebuild_simulator(network: Network | None, sbml: str | None, rtol: float, atol: float) -> Simulator:
    if network is not None:
        return Simulator(network, rtol=rtol, atol=atol)
    return Simulator(sbml=sbml, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- on-disk model cache
def cache_dir() -> Path | None:
    """Where compiled models are kept: ``$STAT3SIM_CACHE`` (``off``, ``0`` or empty:
    no disk cache), else ``$XDG_CACHE_HOME/stat3sim`` or ``~/.cache/stat3sim``."""
    env = os.environ.get("STAT3SIM_CACHE")
    if env is not None:
        if env.strip().lower() in ("", "0", "off", "no", "false", "none"):
            return None
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "stat3sim"


def backend_name() -> str:
    """The JIT backend and LLJIT optimisation level new models are compiled with."""
    be = "lljit" if _Config.getValue(_Config.LLVM_BACKEND) == _Config.LLJIT else "mcjit"
    return f"{be}-O{_Config.getValue(_Config.LLJIT_OPTIMIZATION_LEVEL)}" if be == "lljit" else be


_SOURCE_HASH: str | None = None


def _exporter_hash() -> str:
    """Hash of the code that turns a Network into the compiled model (a change to the
    exporter must not serve stale compiled models)."""
    global _SOURCE_HASH
    if _SOURCE_HASH is None:
        from ..model import network as network_module
        from ..model import units as units_module
        from . import sbml as sbml_module

        h = hashlib.sha1()
        for mod in (sbml_module, network_module, units_module):
            h.update(Path(mod.__file__).read_bytes())
        _SOURCE_HASH = h.hexdigest()
    return _SOURCE_HASH


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _values_hash(net: Network) -> str:
    """Hash of what a structure key leaves out: parameter values and numeric initial values."""
    h = hashlib.sha1()
    for p in net.parameters:
        h.update(f"{p.id}={p.value!r};".encode())
    for sp in net.species:
        if not isinstance(sp.initial, str):
            h.update(f"{sp.id}={float(sp.initial)!r};".encode())
    return h.hexdigest()


def cache_key(structure: str) -> str:
    """The file key of a compiled model: structure (or SBML hash), libRoadRunner version,
    backend, exporter source, cache format."""
    return _sha1("|".join([structure, roadrunner.__version__, backend_name(), _exporter_hash(), str(CACHE_FORMAT)]))


def _cache_path(structure: str) -> Path | None:
    d = cache_dir()
    if d is None:
        return None
    return d / "models" / f"{cache_key(structure)}.rrstate"


def _load_state(path: Path) -> tuple[roadrunner.RoadRunner, dict] | None:
    """A RoadRunner restored from a cache file and the file's header, or None (absent,
    unreadable, wrong checksum or version, or libRoadRunner refused it)."""
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        if not blob.startswith(_MAGIC):
            raise ValueError("not a stat3sim cache file")
        head_end = blob.index(b"\n", len(_MAGIC))
        head = json.loads(blob[len(_MAGIC):head_end])
        payload = blob[head_end + 1:]
        if (head.get("format") != CACHE_FORMAT or head.get("roadrunner") != roadrunner.__version__
                or head.get("backend") != backend_name() or head.get("size") != len(payload)
                or head.get("sha256") != hashlib.sha256(payload).hexdigest()):
            raise ValueError("stale or damaged cache file")
        fd, tmp = tempfile.mkstemp(prefix="stat3sim-", suffix=".rrstate")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
            rr = roadrunner.RoadRunner()
            rr.loadState(tmp)
        finally:
            os.unlink(tmp)
        if rr.model is None or rr.getIntegrator() is None:
            raise ValueError("no model in the saved state")
        try:
            os.utime(path)  # recently used: kept when the cache is pruned
        except OSError:
            pass
        return rr, head
    except Exception:  # noqa: BLE001 - any failure means: compile afresh (and overwrite)
        try:
            path.unlink()
        except OSError:
            pass
        return None


def _save_state(rr: roadrunner.RoadRunner, path: Path, values: str = "") -> None:
    """Store a freshly compiled model (temp file, then an atomic rename). Failures only
    cost the cache."""
    tmp_state = tmp_file = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_state = tempfile.mkstemp(dir=path.parent, prefix=".state-", suffix=".tmp")
        os.close(fd)
        rr.saveState(tmp_state)
        payload = Path(tmp_state).read_bytes()
        head = {"format": CACHE_FORMAT, "roadrunner": roadrunner.__version__, "backend": backend_name(),
                "values": values, "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
        fd, tmp_file = tempfile.mkstemp(dir=path.parent, prefix=".cache-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(_MAGIC + json.dumps(head).encode() + b"\n" + payload)
        os.replace(tmp_file, path)
        tmp_file = None
        _prune(path.parent)
    except Exception:  # noqa: BLE001 - a read-only or full disk must not stop a simulation
        pass
    finally:
        for t in (tmp_state, tmp_file):
            if t is not None:
                try:
                    os.unlink(t)
                except OSError:
                    pass


def cache_max_files() -> int:
    """How many compiled models the disk cache keeps: ``$STAT3SIM_CACHE_MAX_FILES`` (a
    positive integer) or :data:`CACHE_MAX_FILES`; an unreadable value is ignored."""
    env = os.environ.get("STAT3SIM_CACHE_MAX_FILES", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return CACHE_MAX_FILES


def _prune(folder: Path, keep: int | None = None) -> None:
    """Remove the least recently used cache files beyond ``keep`` (:func:`cache_max_files`)."""
    keep = cache_max_files() if keep is None else keep
    files = []
    for f in folder.glob("*.rrstate"):
        try:
            files.append((f.stat().st_mtime, f))
        except OSError:
            pass
    for _, f in sorted(files, reverse=True)[keep:]:
        try:
            f.unlink()
        except OSError:
            pass


def _initially_assigned(sbml: str) -> set[str]:
    """Symbols set by initial assignments or rules in an SBML text (their init values are derived)."""
    import libsbml

    m = libsbml.readSBMLFromString(sbml).getModel()
    if m is None:
        return set()
    out = {m.getInitialAssignment(i).getSymbol() for i in range(m.getNumInitialAssignments())}
    out |= {m.getRule(i).getVariable() for i in range(m.getNumRules())}
    return out


def simulate(network: Network, t_end: float = 240.0, n_points: int | None = None) -> Results:
    """Simulate a Network (compiled once per structure and process)."""
    return Simulator.for_network(network).run(network, t_end=t_end, n_points=n_points)

