"""An independent evaluation of a Network's own equations with SciPy (no SBML involved).

This is the cross-check for the libRoadRunner engine: it reads the rate-law strings of
the Network directly, so an error in the SBML export (a wrong volume factor, a lost
stoichiometry, a mis-parsed formula) shows up as a difference between the two.

The equations
-------------
For species X in compartment c(X) and reactions r with rate v_r (concentration per
time in compartment c(r), see :mod:`stat3sim.model.network`)::

    d[X]/dt = sum_r  N[X, r] * v_r * V(c(r)) / V(c(X))

``N`` is the stoichiometry matrix (products minus reactants). The volume factor
``V(c(r)) / V(c(X))`` is folded into a constant matrix ``M = N * V_r / V_X`` once, so
the right-hand side is ``M @ v(y)``.

The rate laws are compiled into one generated Python function: ``^`` becomes ``**``,
parameter values and compartment sizes are inlined as literals, and each species is
a local variable. The same function body works on floats (one state) and on numpy
rows (many states at once, ``vectorized=True`` in ``solve_ivp``, which is how the BDF
finite-difference Jacobian is computed in one call). No analytic Jacobian is given:
finite differences on 72 species cost one vectorised call and are accurate enough at
the tolerances used here.

Initial values are numbers or initial-assignment expressions over parameters and
compartments (evaluated with the Network's parameter values, as ``reset()`` does in
libRoadRunner). Observables are evaluated from the state in declaration order (an
observable may read earlier ones).

Protocol (the same as :meth:`stat3sim.engine.roadrunner.Simulator.run`)
--------------------------------------------------------------------------
1. start from the initial values;
2. if ``presimulate``: integrate ``PRESIM_MIN`` minutes without stimulus and take the
   final state (the unstimulated steady state);
3. add each of the Network's stimuli (nM) to its medium species;
4. integrate from 0 to ``t_end`` and report at ``t_eval``.

Events are not supported (none of the signaling modules use them).
"""
from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy.integrate import solve_ivp

from ..model.network import Network
from .roadrunner import PRESIM_MIN

#: tolerances of the reference integration; tighter than libRoadRunner's (RTOL 1e-8)
#: would be pointless and slower, looser would make the comparison test noisy.
REF_RTOL = 1e-8
REF_ATOL = 1e-12

_FUNCS = {"exp": "_exp", "log": "_log", "pow": "_pow", "abs": "_abs"}


def _float_pow(a, b):
    return a ** b


def _np_or_math(fmath, fnp):
    """Use math.* on Python floats (fast) and numpy on arrays (vectorised calls)."""
    def f(x):
        return fmath(x) if isinstance(x, float) else fnp(x)
    return f


_NAMESPACE = {
    "_exp": _np_or_math(math.exp, np.exp),
    "_log": _np_or_math(math.log, np.log),
    "_pow": _float_pow,
    "_abs": _np_or_math(abs, np.abs),
}


def _substitute(expr: str, table: Mapping[str, str]) -> str:
    """Replace identifiers in ``expr`` by ``table`` entries (whole-token, via the tokenizer)."""
    import io
    import tokenize

    out = []
    toks = tokenize.generate_tokens(io.StringIO(expr.replace("^", "**")).readline)
    for tok in toks:
        if tok.type == tokenize.NAME and tok.string in table:
            out.append((tokenize.NAME, table[tok.string]))
        elif tok.type in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER):
            continue
        else:
            out.append((tok.type, tok.string))
    return tokenize.untokenize(out).strip()


@dataclass
class CompiledNetwork:
    """A Network's equations as numpy/Python callables (see the module docstring)."""

    species: list[str]
    observables: list[str]
    y0: np.ndarray
    matrix: np.ndarray                    # (n_species, n_reactions), volume-scaled
    rates: object                         # rates(y, out) -> out
    obs: object                           # obs(Y) -> (n_obs, n_points)
    source: str = field(repr=False, default="")

    @property
    def n(self) -> int:
        return len(self.species)

    def reaction_rates(self, y: np.ndarray) -> np.ndarray:
        """v(y): shape (n_reactions,) for a state, (n_reactions, k) for k states."""
        y = np.asarray(y, dtype=float)
        if y.ndim == 2 and y.shape[1] == 1:     # scipy's single calls in vectorized mode
            return self.reaction_rates(y[:, 0])[:, None]
        if y.ndim == 1:
            out = np.empty(self.matrix.shape[1])
            try:
                self.rates(y.tolist(), out)
            except (ZeroDivisionError, OverflowError, ValueError):
                # Python floats raise where numpy returns inf/nan; re-evaluate with numpy
                with np.errstate(all="ignore"):
                    self.rates(list(y[:, None]), out[:, None])
            return out
        out = np.empty((self.matrix.shape[1], y.shape[1]))
        with np.errstate(all="ignore"):
            self.rates(list(y), out)
        return out

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:
        """d[X]/dt (vectorised over columns of y)."""
        return self.matrix @ self.reaction_rates(y)

    def observe(self, Y: np.ndarray) -> np.ndarray:
        """Observables for states Y of shape (n_species, n_points) -> (n_obs, n_points)."""
        Y = np.asarray(Y, dtype=float)
        with np.errstate(all="ignore"):
            return self.obs(list(Y))


def compile_network(net: Network) -> CompiledNetwork:
    """Generate and compile the right-hand side, initial values and observables."""
    if net.events:
        raise NotImplementedError("reference solver does not support events")
    species = net.species_ids
    comp_size = {c.id: float(c.size) for c in net.compartments}
    pvals = {p.id: float(p.value) for p in net.parameters}
    literal = {k: repr(v) for k, v in {**comp_size, **pvals}.items()}
    sym = dict(literal)
    sym.update(_FUNCS)
    sym.update({sid: f"y{i}" for i, sid in enumerate(species)})

    # stoichiometry with volume scaling
    sidx = {s: i for i, s in enumerate(species)}
    vol_x = np.array([comp_size[s.compartment] for s in net.species])
    M = np.zeros((len(species), len(net.reactions)))
    for j, r in enumerate(net.reactions):
        for s, st in r.reactants.items():
            M[sidx[s], j] -= st
        for s, st in r.products.items():
            M[sidx[s], j] += st
        M[:, j] *= comp_size[r.compartment]
    M /= vol_x[:, None]

    unpack = f"    ({', '.join(f'y{i}' for i in range(len(species)))},) = y\n" if species else ""
    lines = ["def _rates(y, out):", unpack.rstrip("\n") or "    pass"]
    for j, r in enumerate(net.reactions):
        lines.append(f"    out[{j}] = {_substitute(r.rate, sym)}  # {r.id}")
    lines.append("    return out")

    obs_ids = [o.id for o in net.observables]
    osym = dict(sym)
    olines = ["def _obs(y):", unpack.rstrip("\n") or "    pass", "    _one = 0.0 * y0" if species else "    _one = 0.0"]
    for k, o in enumerate(net.observables):
        olines.append(f"    o{k} = {_substitute(o.expression, osym)} + _one  # {o.id}")
        osym[o.id] = f"o{k}"
    olines.append(f"    return _np.array([{', '.join(f'o{k}' for k in range(len(obs_ids)))}], dtype=float)"
                  if obs_ids else "    return _np.zeros((0, len(_one)))")
    src = "\n".join(lines) + "\n\n" + "\n".join(olines) + "\n"
    ns = dict(_NAMESPACE)
    ns["_np"] = np
    exec(compile(src, f"<reference:{net.name}>", "exec"), ns)

    # initial values: numbers or expressions over parameters/compartments
    y0 = np.empty(len(species))
    for i, s in enumerate(net.species):
        if isinstance(s.initial, str):
            y0[i] = float(eval(_substitute(s.initial, sym), dict(ns)))
        else:
            y0[i] = float(s.initial)
    return CompiledNetwork(species, obs_ids, y0, M, ns["_rates"], ns["_obs"], src)


@dataclass
class ReferenceResults:
    """Time course keyed like :class:`~stat3sim.engine.roadrunner.Results` columns."""

    time: np.ndarray
    values: np.ndarray          # (n_points, n_columns)
    columns: list[str]
    ok: bool = True
    message: str = ""
    meta: dict = field(default_factory=dict)

    def __getitem__(self, key: str) -> np.ndarray:
        return self.values[:, self.columns.index(key)]

    def as_dict(self) -> dict[str, np.ndarray]:
        d = {"time": self.time}
        d.update({c: self.values[:, i] for i, c in enumerate(self.columns)})
        return d


def solve_reference(net: Network, t_end: float = 240.0, t_eval: Sequence[float] | None = None, *,
                    presimulate: bool = True, method: str = "BDF",
                    rtol: float = REF_RTOL, atol: float = REF_ATOL,
                    compiled: CompiledNetwork | None = None) -> ReferenceResults:
    """Integrate a Network's own equations with ``scipy.integrate.solve_ivp``.

    Same protocol as ``Simulator.run``: pre-simulate ``PRESIM_MIN`` minutes, add the
    Network's stimuli to their (medium) species, integrate ``t_end`` minutes.
    ``t_eval`` defaults to one point per minute. ``compiled`` may be passed to reuse
    the generated functions (it must come from a Network with the same parameters).
    Columns: species ids then observable ids.
    """
    if net.schedule:
        raise NotImplementedError("solve_reference does not apply scheduled stimuli; use Simulator.run")
    cn = compiled or compile_network(net)
    if t_eval is None:
        t_eval = np.linspace(0.0, float(t_end), int(round(t_end)) + 1)
    t_eval = np.asarray(t_eval, dtype=float)
    vec = method in ("BDF", "Radau", "LSODA")
    kw = dict(method=method, rtol=rtol, atol=atol)
    if vec and method != "LSODA":
        kw["vectorized"] = True
    t0 = _time.perf_counter()
    y = cn.y0.copy()
    nfev = 0
    residual = 0.0
    if presimulate:
        pre = solve_ivp(cn.rhs, (0.0, PRESIM_MIN), y, t_eval=[PRESIM_MIN], **kw)
        nfev += pre.nfev
        if not pre.success:
            return ReferenceResults(np.zeros(0), np.zeros((0, 0)), [], ok=False,
                                    message=f"pre-simulation failed: {pre.message}")
        y = pre.y[:, -1].copy()
        dy = cn.rhs(0.0, y)
        residual = float(np.max(np.abs(dy) / np.maximum(np.abs(y), 1.0))) if y.size else 0.0
    idx = {s: i for i, s in enumerate(cn.species)}
    for sid, add in net.stimuli.items():
        y[idx[sid]] += add
    sol = solve_ivp(cn.rhs, (0.0, float(t_end)), y, t_eval=t_eval, **kw)
    nfev += sol.nfev
    if not sol.success:
        return ReferenceResults(np.zeros(0), np.zeros((0, 0)), [], ok=False, message=str(sol.message))
    Y = sol.y
    O = cn.observe(Y) if cn.observables else np.zeros((0, Y.shape[1]))
    values = np.vstack([Y, O]).T
    return ReferenceResults(sol.t.copy(), values, cn.species + cn.observables,
                            meta={"steady_state_residual_per_min": residual, "nfev": nfev,
                                  "njev": sol.njev, "wall_s": _time.perf_counter() - t0,
                                  "stimuli_nM": dict(net.stimuli), "method": method,
                                  "rtol": rtol, "atol": atol})


__all__ = ["CompiledNetwork", "ReferenceResults", "compile_network", "solve_reference", "REF_RTOL", "REF_ATOL"]
