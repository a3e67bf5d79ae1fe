"""Simulate a PEtab (v1) problem with libRoadRunner: one value per measurement row.

The SBML model is compiled once (libRoadRunner, CVODE; the backend and tolerances of
``stat3sim.engine.roadrunner``). Each simulation condition of the measurement table
(a ``simulationConditionId`` with or without a ``preequilibrationConditionId``) is run
as PEtab v1 says:

* the model's parameters take their SBML values, then the parameter table's values
  (``nominalValue`` or ``--parameters``), then the condition table's (a number or a
  parameter table id); compartments in the condition table take their size there;
* the model is reset (initial assignments are evaluated with those values, those of
  parameters too) and species in the condition table start at its value (a
  concentration, or an amount for species with ``hasOnlySubstanceUnits``; an empty
  cell leaves the model's initial value);
* with pre-equilibration, the model is first run under the pre-equilibration
  condition to a steady state; then the simulation condition's parameters are set, its
  species with a value are re-initialised, the others keep their steady-state value,
  and time starts again at 0;
* measurement times are output times of one integration from 0 (SBML events fire in
  it); ``time = inf`` is the steady state reached after the last finite time.

Observable and noise formulas (``petab.v1.math.sympify_petab``) are evaluated for every
measurement row with the row's ``observableParameters`` / ``noiseParameters`` in their
placeholders (so time-point-specific overrides need no flattening). Species in formulas
are concentrations (amounts with ``hasOnlySubstanceUnits``), as in SBML.

A steady state is reached when the weighted RMS of dx/dt, weights 1/(STEADY_ATOL +
STEADY_RTOL·|x|), is below 1 (AMICI's criterion, with its default steady-state
tolerances: 100 × its integration tolerances), integrating in windows of growing length
up to STEADY_MAX_TIME.
"""
from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .problem import PetabInputError, Problem, _row_label

#: integration tolerances (those of the stat3sim engine; AMICI's defaults are 1e-8/1e-16)
RTOL = 1e-8
ATOL = 1e-12
MAX_STEPS = 100_000
#: steady-state criterion (see the module docstring)
STEADY_RTOL = 1e-6
STEADY_ATOL = 1e-14
#: give up looking for a steady state after this much model time
STEADY_MAX_TIME = 1e9

TIME_SYMBOLS = ("time", "t")


@dataclass
class Simulation:
    """A simulation table (the measurement table with ``simulation`` for ``measurement``),
    the noise standard deviation of each row, and the conditions that failed."""

    table: pd.DataFrame
    sigma: np.ndarray
    failed: dict[str, str] = field(default_factory=dict)  # condition -> solver message
    not_steady: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _split(value) -> list:
    from petab.v1.measurements import split_parameter_replacement_list

    return split_parameter_replacement_list(value) if not (isinstance(value, str) and not value.strip()) else []


class _Model:
    """What the SBML model says about each entity, from libsbml."""

    def __init__(self, sbml_model):
        m = sbml_model
        self.species = {s.getId(): s for s in m.getListOfSpecies()}
        self.compartments = {c.getId(): c for c in m.getListOfCompartments()}
        self.parameters = {p.getId(): p for p in m.getListOfParameters()}
        self.reactions = {r.getId() for r in m.getListOfReactions()}
        ruled = {r.getVariable() for r in m.getListOfRules() if r.isAssignment()}
        self.assigned = ruled
        self.rate_ruled = {r.getVariable() for r in m.getListOfRules() if r.isRate()}
        self.initial_assignments = {ia.getSymbol(): ia for ia in m.getListOfInitialAssignments()}

    def is_entity(self, sid: str) -> bool:
        return sid in self.species or sid in self.compartments or sid in self.parameters or sid in self.reactions

    def selection(self, sid: str) -> str:
        """libRoadRunner's selection for the value SBML math means by ``sid``."""
        s = self.species.get(sid)
        if s is not None and not s.getHasOnlySubstanceUnits():
            return f"[{sid}]"
        return sid


class PetabSimulator:
    """One compiled model for one PEtab problem; :meth:`simulate` at any parameter values."""

    def __init__(self, problem: Problem):
        import roadrunner
        import sympy as sp
        from petab.v1.math import sympify_petab

        from ..engine import roadrunner as _engine  # noqa: F401  (the engine's JIT backend and logging)

        self.problem = problem
        self.model = _Model(problem.sbml_model)
        mdf = problem.measurement_df.copy()
        for col in ("preequilibrationConditionId", "observableParameters", "noiseParameters"):
            if col not in mdf.columns:
                mdf[col] = ""
        mdf["preequilibrationConditionId"] = mdf["preequilibrationConditionId"].fillna("").astype(str)
        self.mdf = mdf
        self.cdf = problem.condition_df
        self.odf = problem.observable_df
        self.parameter_ids = set(map(str, problem.parameter_df.index))
        t0 = _time.perf_counter()
        try:
            self.rr = roadrunner.RoadRunner(problem.sbml_text)
        except Exception as e:
            raise PetabInputError([f"{problem.files['sbml'][0].name}: libRoadRunner cannot load the model: "
                                   f"{' '.join(str(e).split())[:300]}"]) from None
        self.compile_seconds = _time.perf_counter() - t0
        integ = self.rr.integrator
        integ.relative_tolerance = RTOL
        integ.absolute_tolerance = ATOL
        integ.maximum_num_steps = MAX_STEPS
        m = self.model
        # settable values as compiled (SBML), restored before each condition
        self._base = {p: self.rr[p] for p in m.parameters if p not in m.assigned}
        self._base.update({c: self.rr[c] for c in m.compartments if c not in m.assigned})
        self._current = dict(self._base)
        self._event_targets = {ea.getVariable() for ev in problem.sbml_model.getListOfEvents()
                               for ea in ev.getListOfEventAssignments()}
        self._param_ia = {p: ia for p, ia in m.initial_assignments.items()
                          if (p in m.parameters or p in m.compartments) and p not in m.assigned}
        self._param_ia_fns = {}
        for p, ia in self._param_ia.items():
            import libsbml
            expr = sympify_petab(libsbml.formulaToL3String(ia.getMath()).replace("&&", "&").replace("||", "|"))
            names = sorted(str(s) for s in expr.free_symbols)
            self._param_ia_fns[p] = (names, sp.lambdify([sp.Symbol(n, real=True) for n in names], expr, "numpy"))

        # formulas: compiled once; every model entity they read becomes a selection
        self._formulas: dict[tuple[str, str], tuple[list[str], object]] = {}
        selections: list[str] = []
        errors = []
        obs_file = problem.files["observable"][0].name if problem.files["observable"] else "observables"
        cond_columns = set(map(str, self.cdf.columns))
        for pos, (oid, row) in enumerate(self.odf.iterrows()):
            for col in ("observableFormula", "noiseFormula"):
                text = row.get(col, np.nan)
                if col == "noiseFormula" and (not isinstance(text, str) and (text is None or pd.isna(text))):
                    text = "1"  # petab: a missing noise formula is an error of lint; keep going
                try:
                    expr = sympify_petab(text)
                except Exception as e:
                    errors.append(f"{obs_file} {_row_label(self.odf, pos)}: {col} {text!r}: {e}")
                    continue
                names = sorted(str(s) for s in expr.free_symbols)
                for n in names:
                    if m.is_entity(n):
                        sel = m.selection(n)
                        if sel not in selections:
                            selections.append(sel)
                    elif not (n in self.parameter_ids or n in TIME_SYMBOLS or n in cond_columns
                              or n.startswith(("observableParameter", "noiseParameter")) or n == oid):
                        errors.append(f"{obs_file} {_row_label(self.odf, pos)}: {col} uses {n!r}, which is "
                                      "neither a model entity, a parameter table id nor a placeholder")
                fn = sp.lambdify([sp.Symbol(n, real=True) for n in names], expr, "numpy")
                self._formulas[(str(oid), col)] = (names, fn)
        if errors:
            raise PetabInputError(errors)
        self._selections = ["time"] + selections
        self.rr.timeCourseSelections = self._selections
        self._col = {s: i for i, s in enumerate(self._selections)}
        self._state_ids: list[str] | None = None

    # ------------------------------------------------------------ noise checks
    def noise_errors(self, values: dict[str, float], sim: "Simulation | None" = None) -> list[str]:
        """Measurement rows whose noise standard deviation is not a number > 0: before a
        simulation (``sim`` None) those whose noiseFormula reads no model value, after it
        the others (rows of failed conditions are not judged)."""
        mdf = self.mdf
        bad_rows = []
        obs = mdf["observableId"].to_numpy()
        for oid in pd.unique(obs):
            names, _ = self._formulas[(str(oid), "noiseFormula")]
            dynamic = any(self.model.is_entity(n) or n in TIME_SYMBOLS or n == oid for n in names)
            rows = np.nonzero(obs == oid)[0]
            if sim is None:
                if dynamic:
                    continue
                out = np.zeros((len(rows), len(self._selections)))
                conds = mdf["simulationConditionId"].to_numpy()[rows]
                s = np.empty(len(rows))
                for c in pd.unique(conds):
                    k = np.nonzero(conds == c)[0]
                    s[k] = self._evaluate(str(oid), "noiseFormula", rows[k], out[k], self._condition(str(c), values),
                                          values, None)
            elif dynamic:
                s = sim.sigma[rows]
                ok = np.isfinite(sim.table["simulation"].to_numpy(float)[rows])
                rows, s = rows[ok], s[ok]
            else:
                continue
            for r, v in zip(rows, s):
                if not (np.isfinite(v) and v > 0):
                    bad_rows.append((int(r), float(v)))
        bad_rows.sort()
        lines = [f"{self.problem.measurement_row(r)}: the noise standard deviation of observable "
                 f"{mdf['observableId'].iloc[r]} is {v:g} (noiseFormula "
                 f"{self.odf.loc[mdf['observableId'].iloc[r]].get('noiseFormula')!s}, noiseParameters "
                 f"{mdf['noiseParameters'].iloc[r]!s}); it must be a number > 0" for r, v in bad_rows[:5]]
        if len(bad_rows) > 5:
            lines.append(f"{len(bad_rows) - 5} more rows with a noise standard deviation that is not > 0")
        return lines

    # ------------------------------------------------------------- conditions
    def _value(self, v, values: dict[str, float]) -> float:
        """A condition-table cell: a number, or a parameter table id."""
        if isinstance(v, str):
            v = v.strip()
            try:
                return float(v)
            except ValueError:
                return values[v]
        return float(v)

    def _condition(self, cid: str, values: dict[str, float]) -> dict[str, float]:
        if not cid:
            return {}
        row = self.cdf.loc[cid]
        out = {}
        for col, v in row.items():
            if col == "conditionName":
                continue
            if isinstance(v, float) and math.isnan(v):
                out[str(col)] = math.nan
            else:
                out[str(col)] = self._value(v, values)
        return out

    def _set_parameters(self, cond: dict[str, float], values: dict[str, float]) -> set[str]:
        """Parameters and compartments for a condition; returns the compartments whose size
        differs from the model's."""
        m = self.model
        target = dict(self._base)
        target.update({k: v for k, v in values.items() if k in target})
        target.update({k: v for k, v in cond.items()
                       if (k in m.parameters or k in m.compartments) and k in target and not math.isnan(v)})
        # parameters (and compartments) with initial assignments that nobody overrides
        fixed = set(values) | set(cond)
        for _ in range(len(self._param_ia)):
            changed = False
            for p, (names, fn) in self._param_ia_fns.items():
                if p in fixed:
                    continue
                args = [target.get(n, self.rr[n] if m.is_entity(n) else math.nan) for n in names]
                v = float(fn(*args))
                if target.get(p) != v:
                    target[p], changed = v, True
            if not changed:
                break
        for k, v in target.items():
            if self._current.get(k) != v or k in self._event_targets:
                self.rr[k] = v
                self._current[k] = v
        return {c for c in m.compartments if c in target and target[c] != self._base.get(c)}

    def _set_species(self, cond: dict[str, float]) -> None:
        for k, v in cond.items():
            if k in self.model.species and not math.isnan(v):
                self.rr[self.model.selection(k)] = v

    def _start(self, cid: str, values: dict[str, float]) -> None:
        """The model at t = 0 under condition ``cid``."""
        cond = self._condition(cid, values)
        resized = self._set_parameters(cond, values)
        self.rr.reset()
        if resized:  # libRoadRunner keeps initial amounts; SBML keeps initial concentrations
            for sid, s in self.model.species.items():
                if (s.getCompartment() in resized and s.isSetInitialConcentration()
                        and sid not in self.model.initial_assignments and not s.getHasOnlySubstanceUnits()):
                    self.rr[f"[{sid}]"] = s.getInitialConcentration()
        self._set_species(cond)

    # ---------------------------------------------------------- steady states
    def _state(self) -> tuple[np.ndarray, np.ndarray]:
        """The state (rate-rule variables, floating species amounts) and its rate."""
        rates = self.rr.getRatesOfChangeNamedArray()
        if self._state_ids is None:
            self._state_ids = [c[:-1] if c.endswith("'") else c for c in rates.colnames]
        x = np.array([self.rr[i] for i in self._state_ids], float)
        return x, np.asarray(rates, float).reshape(-1)

    def _wrms(self) -> float:
        x, dx = self._state()
        if x.size == 0:
            return 0.0
        w = dx / (STEADY_ATOL + STEADY_RTOL * np.abs(x))
        return float(np.sqrt(np.mean(w * w)))

    def _steady(self) -> bool:
        """Integrate to a steady state from the current state; False if none is reached."""
        t = float(self.rr.model.getTime())
        if self._wrms() < 1:
            return True
        dt = 1.0
        while dt <= STEADY_MAX_TIME:
            self.rr.simulate(times=[t, t + dt])
            t += dt
            if self._wrms() < 1:
                return True
            dt *= 4
        return False

    def _now(self) -> np.ndarray:
        vals = [float(self.rr.model.getTime())] + [float(self.rr[s]) for s in self._selections[1:]]
        return np.asarray(vals)

    # -------------------------------------------------------------- simulate
    def _run_condition(self, preeq: str, sim: str, times: np.ndarray, values: dict[str, float]
                       ) -> tuple[np.ndarray, bool]:
        """Output rows at ``times`` (inf: steady state); and whether every steady state
        asked for was reached."""
        steady_ok = True
        if preeq:
            self._start(preeq, values)
            steady_ok &= self._steady()
            cond = self._condition(sim, values)
            self._set_parameters(cond, values)
            self._set_species(cond)
        else:
            self._start(sim, values)
        finite = np.unique(times[np.isfinite(times)])
        grid = np.unique(np.concatenate([[0.0], finite]))
        rows = {}
        if len(grid) == 1:
            out = self._now()[None, :]
            out[0, 0] = 0.0
        else:
            out = np.asarray(self.rr.simulate(times=grid.tolist()), float)
        for i, tt in enumerate(grid):
            rows[float(tt)] = out[i]
        if np.isinf(times).any():
            steady_ok &= self._steady()
            rows[math.inf] = self._now()
        return np.array([rows[float(t)] for t in times]), steady_ok

    def simulate(self, values: dict[str, float]) -> Simulation:
        """The simulation table at parameter ``values`` (parameter table ids, linear)."""
        t0 = _time.perf_counter()
        mdf = self.mdf
        sim, sigma, failed, not_steady = self.simulate_rows(values)
        table = mdf.drop(columns=[c for c in mdf.columns if c not in self.problem.measurement_df.columns])
        pos = list(table.columns).index("measurement")
        table = table.drop(columns=["measurement"])
        table.insert(pos, "simulation", sim)
        return Simulation(table=table, sigma=sigma, failed=failed, not_steady=not_steady,
                          seconds=_time.perf_counter() - t0)

    def simulate_rows(self, values: dict[str, float]) -> tuple[np.ndarray, np.ndarray, dict[str, str], list[str]]:
        """(simulation, noise standard deviation) of each measurement row, the failed
        conditions and those without a steady state; no table (the objective of a fit
        calls this many times)."""
        mdf = self.mdf
        sim = np.full(len(mdf), np.nan)
        sigma = np.full(len(mdf), np.nan)
        failed: dict[str, str] = {}
        not_steady: list[str] = []
        if getattr(self, "_groups", None) is None:
            self._groups = mdf.groupby(["preequilibrationConditionId", "simulationConditionId"], sort=False).indices
            self._times = mdf["time"].to_numpy(float)
        for (preeq, cid), idx in self._groups.items():
            label = f"{preeq}:{cid}" if preeq else str(cid)
            times = self._times[idx]
            try:
                out, ok = self._run_condition(str(preeq), str(cid), times, values)
            except Exception as e:  # CVODE failure: the rows of this condition stay NaN
                failed[label] = " ".join(str(e).split())[:300]
                continue
            if not ok:
                not_steady.append(label)
            cond = self._condition(str(cid), values)
            self._observe(idx, out, cond, values, sim, sigma)
        return sim, sigma, failed, not_steady

    def _observe(self, idx: np.ndarray, out: np.ndarray, cond: dict[str, float], values: dict[str, float],
                 sim: np.ndarray, sigma: np.ndarray) -> None:
        mdf = self.mdf
        obs = mdf["observableId"].to_numpy()[idx]
        for oid in pd.unique(obs):
            sel = np.nonzero(obs == oid)[0]
            rows = idx[sel]
            y = self._evaluate(str(oid), "observableFormula", rows, out[sel], cond, values, None)
            s = self._evaluate(str(oid), "noiseFormula", rows, out[sel], cond, values, y)
            sim[rows] = y
            sigma[rows] = s

    def _evaluate(self, oid: str, col: str, rows: np.ndarray, out: np.ndarray, cond: dict[str, float],
                  values: dict[str, float], y: np.ndarray | None) -> np.ndarray:
        names, fn = self._formulas[(oid, col)]
        n = len(rows)
        overrides: dict[str, list] = {}
        args = []
        for name in names:
            # placeholders: a noise formula may use its observable's observableParameters too
            prefix = next((p for p in ("observableParameter", "noiseParameter") if name.startswith(p)), None)
            if prefix is not None and name.endswith(f"_{oid}") and name[len(prefix):-len(oid) - 1].isdigit():
                if prefix not in overrides:  # parsed once per rows (a fit simulates many times)
                    cache = self.__dict__.setdefault("_override_cache", {})
                    key = (prefix, rows.tobytes())
                    if key not in cache:
                        src = self.mdf[prefix + "s"]
                        cache[key] = [_split(v) for v in src.to_numpy()[rows]]
                    overrides[prefix] = cache[key]
                k = int(name[len(prefix):-len(oid) - 1]) - 1
                args.append(np.array([self._value(o[k], values) if k < len(o) else np.nan
                                      for o in overrides[prefix]]))
            elif self.model.is_entity(name):
                args.append(out[:, self._col[self.model.selection(name)]])
            elif name in TIME_SYMBOLS:
                args.append(out[:, 0])
            elif name == oid and y is not None:
                args.append(y)
            elif name in cond:
                args.append(np.full(n, cond[name]))
            else:
                args.append(np.full(n, values[name]))
        with np.errstate(all="ignore"):
            v = fn(*args)
        return np.broadcast_to(np.asarray(v, float), (n,)).copy()
