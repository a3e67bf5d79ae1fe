"""Compile a Network once with libRoadRunner (CVODE, LLVM JIT) and re-run it.

A :class:`Simulator` holds one compiled model. Every run that changes only parameter
values, stimuli or initial values re-uses it: parameters are set, ``reset()``
re-evaluates the initial assignments (knock-outs scale initial amounts through them),
the model is pre-simulated to its unstimulated steady state, stimuli are added to the
medium and the time course is integrated. ``Simulator.from_sbml`` recreates a
simulator from SBML text alone, which is how worker processes get one.

Failures are data: a run whose solver fails returns a :class:`Results` with
``ok = False`` and the solver's message.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd
import roadrunner

from ..model.network import Network
from .sbml import to_sbml

roadrunner.Logger.setLevel(roadrunner.Logger.LOG_ERROR)

#: CVODE tolerances; the defaults of libRoadRunner (1e-6 / 1e-12 scaled) are too loose
#: for this stiff model and gave wrong steady states in testing.
RTOL = 1e-8
ATOL = 1e-12
#: pre-equilibration horizon (min): ≥ 10 time constants of the slowest process
#: (medium ligand loss, 0.001 min⁻¹)
PRESIM_MIN = 3.0e4
#: after pre-simulation, concentrations smaller than this (|y| < ATOL × 1e-12) are set to
#: exactly 0. Such values (1e-47 nM seen for pSTAT3 in a receptor knock-out) carry no
#: meaning, but CVODE's finite-difference Jacobian scales its increment with |y|, so a
#: stimulus on top of them can make the first step fail ("error test failed repeatedly").
FLUSH_BELOW = ATOL * 1e-12
#: at most this many pre-simulation windows before giving up (the run goes on and
#: ``Results.meta["steady_state_reached"]`` says False)
MAX_PRESIM_WINDOWS = 4
#: a state counts as steady when max |dy/dt| / max(|y|, 1) is below this (1/min)
STEADY_TOL = 1e-6


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


def structure_key(net: Network) -> str:
    """Hash of everything that needs a recompile (not parameter values or stimuli)."""
    h = hashlib.sha1()
    for s in net.species:
        h.update(f"S{s.id}|{s.compartment}|{s.initial if isinstance(s.initial, str) else ''}".encode())
    for r in net.reactions:
        h.update(f"R{r.id}|{sorted(r.reactants.items())}|{sorted(r.products.items())}|{r.rate}|{r.compartment}".encode())
    for o in net.observables:
        h.update(f"O{o.id}|{o.expression}".encode())
    for c in net.compartments:
        h.update(f"C{c.id}|{c.size}|{c.size_rule}".encode())
    for ru in net.rules:
        h.update(f"U{ru.id}|{ru.expression}".encode())
    for s in net.species:
        h.update(f"A{s.id}|{s.unit}".encode())
    for e in net.events:
        h.update(f"E{e.id}|{e.time}|{e.trigger}|{sorted((k, str(v)) for k, v in e.assignments.items())}".encode())
    h.update("|".join(p.id for p in net.parameters).encode())
    return h.hexdigest()


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
                 rtol: float = RTOL, atol: float = ATOL):
        if (network is None) == (sbml is None):
            raise ValueError("give a Network or SBML text")
        self.network = network
        self.sbml = sbml if sbml is not None else to_sbml(network)
        self.key = structure_key(network) if network is not None else None
        self.rr = roadrunner.RoadRunner(self.sbml)
        self.rr.integrator.relative_tolerance = rtol
        self.rr.integrator.absolute_tolerance = atol
        self.rr.integrator.maximum_num_steps = 50000  # a normal run takes < 1,000 steps
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

    def _sel(self, sid: str) -> str:
        return sid if sid in self._amount else f"[{sid}]"

    def __reduce__(self):
        # a compiled model cannot be pickled; a worker recompiles from the SBML text
        return (_rebuild_simulator, (self.network, self.sbml, self.rr.integrator.relative_tolerance,
                                     self.rr.integrator.absolute_tolerance))

    @classmethod
    def from_sbml(cls, sbml: str, **kw) -> "Simulator":
        """A simulator for any SBML model (a user's file, or ours in a worker process)."""
        return cls(sbml=sbml, **kw)

    @classmethod
    def for_network(cls, net: Network) -> "Simulator":
        """A cached simulator for this Network's structure (compiled once per process)."""
        key = structure_key(net)
        sim = _CACHE.get(key)
        if sim is None:
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

    def _set_parameters(self, values: Mapping[str, float]) -> None:
        for pid, v in values.items():
            if self._current.get(pid) != v:
                self.rr[pid] = v
                self._current[pid] = v

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
            after_presim: Mapping[str, float] | None = None, times: np.ndarray | None = None) -> Results:
        """Simulate ``t_end`` minutes after the stimuli (default: the Network's own).

        ``network`` must have this simulator's structure (same species, reactions,
        rate laws); its parameter values, numeric initial values, stimuli and scheduled
        stimuli are used without recompiling. ``parameters``, ``initial_values`` (nM),
        ``stimuli`` (nM added at t = 0) and ``schedule`` ((time, species, nM) added
        later) override or extend them. ``after_presim`` parameters are set once the
        pre-simulation is done (population models freeze their cell numbers while the
        signaling and cytokines settle, then switch population dynamics on). ``times``
        (min) replaces the even output grid.
        """
        params: dict[str, float] = dict(self._origin)
        init: dict[str, float] = dict(self._init_origin)
        stim: dict[str, float] = {}
        sched: list[tuple[float, str, float]] = []
        source = network if network is not None else self.network
        if network is not None and self.key is not None and not self._same_structure(network):
            raise ValueError("this Network's structure differs from the compiled one; use Simulator.for_network")
        if source is not None:
            params.update({p.id: p.value for p in source.parameters})
            init.update({sp.id: float(sp.initial) for sp in source.species if sp.id in init})
            stim.update(source.stimuli)
            sched.extend(source.schedule)
        params.update(parameters or {})
        init.update(initial_values or {})
        stim.update(stimuli or {})
        sched = sorted(sched + list(schedule), key=lambda e: e[0])
        n = int(n_points or (int(round(t_end)) + 1))
        try:
            overrides = self._initial_overrides(init)
            self._set_parameters(params)
            self.rr.reset()
            for sid, v in overrides.items():
                self.rr[self._sel(sid)] = v
            residual, presimulated = 0.0, 0.0
            if presimulate:
                # pre-simulate over negative time, so events timed at t > 0 fire only in the run;
                # a model still moving after one window gets up to MAX_PRESIM_WINDOWS
                for _ in range(MAX_PRESIM_WINDOWS):
                    self.rr.simulate(-PRESIM_MIN, 0.0, 2)
                    presimulated += PRESIM_MIN
                    residual = self.steady_residual()
                    if residual < STEADY_TOL:
                        break
                self._flush_tiny()
            if after_presim:
                for pid, v in after_presim.items():
                    self.rr[pid] = v
                    self._current[pid] = v
            self._add(stim.items())
            grid = np.asarray(times, float) if times is not None else np.linspace(0.0, float(t_end), n)
            if not any(0 < t < t_end for t, _, _ in sched):
                arr = np.asarray(self.rr.simulate(times=grid.tolist()))
            else:
                arr = self._segments(grid, sched)
        except RuntimeError as e:
            return Results(np.zeros(0), np.zeros((0, len(self.columns))), self.columns, self._labels(),
                           self._unit_list(), ok=False, message=str(e).strip().splitlines()[0][:500])
        ok = bool(np.all(np.isfinite(arr)))
        return Results(arr[:, 0].copy(), arr[:, 1:].copy(), self.columns, self._labels(), self._unit_list(),
                       ok=ok, message="" if ok else "non-finite values in the solution",
                       meta={"steady_state_residual_per_min": residual, "stimuli_nM": stim,
                             "schedule": [list(e) for e in sched], "presimulated_min": presimulated,
                             "steady_state_reached": (residual < STEADY_TOL) if presimulate else None})

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
        return float(np.max(np.abs(rates) / np.maximum(np.abs(y), 1.0)))

    def _labels(self) -> list[str]:
        return [self._names.get(c, c) for c in self.columns]

    def _unit_list(self) -> list[str]:
        return [self._units.get(c, "") for c in self.columns]


_CACHE: dict[str, Simulator] = {}


def _rebuild_simulator(network: Network | None, sbml: str, rtol: float, atol: float) -> Simulator:
    if network is not None:
        return Simulator(network, rtol=rtol, atol=atol)
    return Simulator(sbml=sbml, rtol=rtol, atol=atol)


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

