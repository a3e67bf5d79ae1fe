"""Fit a PEtab (v1) problem: multi-start local optimisation and profile likelihoods with
pyPESTO, the objective simulated by stat3sim's libRoadRunner engine.

* The objective is the negative log-likelihood of ``likelihood.py`` (PEtab v1's; priors
  are not included) as a function of the parameters with ``estimate = 1``, in their
  ``parameterScale`` (lin, log, log10) and within their bounds; the other parameters
  keep their ``nominalValue``.
* Gradients are finite differences of that objective (pyPESTO's ``FD``, central,
  step ``FD_STEP`` in the parameter scale). The ODEs are integrated with CVODE at
  relative/absolute tolerances ``FIT_RTOL``/``FIT_ATOL`` (tighter than those of
  ``simulate --petab``, so that the difference quotients are not dominated by the
  integration error). AMICI's adjoint/forward sensitivities would be exact but AMICI
  did not install here (docs/petab.md).
* Starts: ``n_starts`` points drawn uniformly within the bounds (in the parameter
  scale) by ``numpy.random.default_rng(seed)``; each start is a pyPESTO optimisation
  with scipy's L-BFGS-B, independent of every other, so 1 or K workers give the same
  result for the same seed.
* Profiles (:func:`profile_one`): from the best start, each fitted parameter is walked
  to either side with the others re-optimised at each step (L-BFGS-B, the same
  gradients), one task per parameter; the 95 % confidence interval is where the likelihood ratio
  exp(−(nllh − nllh_best)) falls below exp(−χ²₁(0.95)/2) (≈ 0.1465, i.e. a rise of
  1.92 in nllh). A side on which the profile reaches the bound without crossing it is
  open (the parameter is not identifiable on that side).
* Parallel: pyPESTO tasks (one per start, one per profiled parameter) run on a Dask
  cluster (:class:`DaskEngine`; a local cluster of ``workers`` processes, or the
  scheduler at an address, whose workers must see the problem's files at the same
  path).
"""
from __future__ import annotations

import math
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .likelihood import nllh_terms
from .problem import PetabInputError, Problem, load_problem

#: integration tolerances while fitting (see the module docstring)
FIT_RTOL = 1e-10
FIT_ATOL = 1e-14
#: finite-difference step in the parameter scale (central differences)
FD_STEP = 1e-5
#: L-BFGS-B iterations per start
MAX_ITER = 500
#: L-BFGS-B iterations per profile point (each starts from the previous point)
PROFILE_MAX_ITER = 100
#: the step of a profile is halved while the nllh rises by more than this between points
PROFILE_MAX_RISE = 0.5
#: ... but not below this fraction of the parameter's range
PROFILE_MIN_STEP = 1e-3
#: profile stops where the likelihood ratio falls below this (just past the 95 % level)
PROFILE_RATIO_MIN = 0.1
#: the 95 % threshold of the likelihood ratio: exp(−χ²₁(0.95)/2)
CI_LEVEL = 0.95


def ci_ratio(level: float = CI_LEVEL) -> float:
    from scipy.stats import chi2

    return float(math.exp(-chi2.ppf(level, 1) / 2))


# ------------------------------------------------------------------ scales
def to_linear(x, scale) -> float:
    return float(10.0 ** x if scale == "log10" else math.exp(x) if scale == "log" else x)


def to_scale(v, scale) -> float:
    v = float(v)
    if scale in ("log", "log10"):
        if not v > 0:
            return -math.inf
        return math.log10(v) if scale == "log10" else math.log(v)
    return v


@dataclass
class FitSpec:
    """The fitted parameters of a problem: ids, scales, bounds and nominal values in
    their scale; and the fixed values (linear) of all the others."""

    ids: list[str]
    scales: list[str]
    lb: np.ndarray
    ub: np.ndarray
    nominal: np.ndarray  # scaled; NaN where the table gives none
    fixed: dict[str, float]

    def values(self, x) -> dict[str, float]:
        """All parameter values (linear) at the fitted parameters ``x`` (scaled)."""
        out = dict(self.fixed)
        out.update({p: to_linear(v, s) for p, v, s in zip(self.ids, x, self.scales)})
        return out

    def linear(self, x) -> np.ndarray:
        return np.array([to_linear(v, s) for v, s in zip(x, self.scales)])


def fit_spec(problem: Problem) -> FitSpec:
    """The fitted parameters (``estimate`` = 1) of ``problem``; :class:`PetabInputError`
    when there are none or a bound is not usable in its scale."""
    pdf = problem.parameter_df
    name = problem.files["parameter"][0].name
    est = pdf["estimate"].astype(int) == 1 if "estimate" in pdf.columns else np.ones(len(pdf), bool)
    ids, scales, lb, ub, nom, errors = [], [], [], [], [], []
    fixed: dict[str, float] = {}
    for pos, (pid, row) in enumerate(pdf.iterrows()):
        pid = str(pid)
        nominal = float(row["nominalValue"]) if "nominalValue" in row and row["nominalValue"] == row["nominalValue"] \
            else math.nan
        if not est.iloc[pos]:
            if not math.isfinite(nominal):
                errors.append(f"{name} row {pos + 1} (line {pos + 2}): parameter {pid} is not estimated and has "
                              "no finite nominalValue")
            fixed[pid] = nominal
            continue
        scale = str(row.get("parameterScale", "lin") or "lin").strip() or "lin"
        lo, hi = to_scale(row["lowerBound"], scale), to_scale(row["upperBound"], scale)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            errors.append(f"{name} row {pos + 1} (line {pos + 2}): parameter {pid}: lowerBound {row['lowerBound']} "
                          f"and upperBound {row['upperBound']} must be finite, lower < upper, and > 0 on the "
                          f"{scale} scale")
            continue
        ids.append(pid)
        scales.append(scale)
        lb.append(lo)
        ub.append(hi)
        nom.append(to_scale(nominal, scale) if math.isfinite(nominal) else math.nan)
    if errors:
        raise PetabInputError(errors[:10])
    if not ids:
        raise PetabInputError([f"{name}: no parameter has estimate = 1; nothing to fit"])
    return FitSpec(ids, scales, np.array(lb), np.array(ub), np.array(nom), fixed)


# --------------------------------------------------------------- objective
#: the loaded and compiled problem of this process (copies and unpickled copies of an
#: :class:`Nllh` share it: pyPESTO copies its objective for each start)
_LOADED: dict[str, tuple] = {}


class Nllh:
    """The negative log-likelihood of a PEtab problem at the fitted parameters (scaled).

    Picklable: only the problem's path travels; each process loads and compiles the
    problem once, on its first call. Failed simulations (CVODE errors, a noise standard
    deviation ≤ 0, NaN) give +inf."""

    def __init__(self, yaml_path: str | Path):
        self.yaml_path = str(Path(yaml_path).resolve())
        self._state = None
        self.calls = 0

    def __getstate__(self):
        return {"yaml_path": self.yaml_path, "calls": 0}

    def __setstate__(self, state):
        self.yaml_path = state["yaml_path"]
        self.calls = state.get("calls", 0)
        self._state = None

    def _load(self):
        if self._state is None:
            self._state = _LOADED.get(self.yaml_path)
        if self._state is None:
            from .simulate import PetabSimulator

            problem = load_problem(self.yaml_path)
            sim = PetabSimulator(problem)
            integ = sim.rr.integrator
            integ.relative_tolerance = FIT_RTOL
            integ.absolute_tolerance = FIT_ATOL
            obs = problem.measurement_df["observableId"].to_numpy()
            odf = problem.observable_df

            def per_row(col: str, default: str) -> np.ndarray:
                if col not in odf.columns:
                    return np.full(len(obs), default, dtype=object)
                v = odf[col].fillna(default).astype(str).str.strip().replace("", default)
                return v.reindex(obs).to_numpy(dtype=object)

            rows = (problem.measurement_df["measurement"].to_numpy(float),
                    per_row("observableTransformation", "lin"), per_row("noiseDistribution", "normal"))
            self._state = (problem, fit_spec(problem), sim, rows)
            _LOADED.clear()  # one problem per process at a time
            _LOADED[self.yaml_path] = self._state
        return self._state

    @property
    def spec(self) -> FitSpec:
        return self._load()[1]

    def simulate(self, x):
        """The :class:`~.simulate.Simulation` (with its table) at ``x`` (scaled)."""
        problem, spec, sim, _ = self._load()
        return sim.simulate(spec.values(x))

    def __call__(self, x) -> float:
        problem, spec, simulator, (m, tr, dist) = self._load()
        self.calls += 1
        try:
            y, s, failed, _ = simulator.simulate_rows(spec.values(x))
        except Exception:  # noqa: BLE001 — a failed simulation is a bad point, not an error
            return math.inf
        if failed or not np.all(np.isfinite(s) & (s > 0)):
            return math.inf
        nllh = float(np.sum(nllh_terms(m, y, s, tr, dist)))
        return nllh if math.isfinite(nllh) else math.inf


def pypesto_problem(yaml_path: str | Path, spec: FitSpec):
    """The pyPESTO problem: our objective with finite-difference gradients, the fitted
    parameters in their scale and bounds."""
    import pypesto
    from pypesto.objective import FD

    obj = pypesto.Objective(fun=Nllh(yaml_path), x_names=list(spec.ids))
    fd = FD(obj, grad=True, hess=False, sres=False, delta_fun=FD_STEP, delta_grad=FD_STEP, method=FD.CENTRAL,
            x_names=list(spec.ids))
    return pypesto.Problem(objective=fd, lb=spec.lb, ub=spec.ub, x_names=list(spec.ids),
                           x_scales=list(spec.scales), copy_objective=False)


# ------------------------------------------------------------------ engine
def _work(pickled: bytes):
    import cloudpickle

    return cloudpickle.loads(pickled).execute()


class DaskEngine:
    """A pyPESTO engine that runs its tasks on a dask.distributed client, results in
    task order."""

    def __init__(self, client):
        self.client = client

    def execute(self, tasks, progress_bar: bool | None = None) -> list[Any]:
        import cloudpickle

        futures = self.client.map(_work, [cloudpickle.dumps(t) for t in tasks], pure=False)
        return self.client.gather(futures)


def engine_for(client):
    from pypesto.engine import Engine, SingleCoreEngine

    if client is None:
        return SingleCoreEngine()

    class _E(DaskEngine, Engine):  # pyPESTO checks isinstance(engine, Engine)
        pass

    return _E(client)


# ------------------------------------------------------------------ fitting
@dataclass
class StartResult:
    id: str
    x0: list[float]
    x: list[float]
    fval: float
    fval0: float
    n_fval: int
    n_grad: int
    seconds: float
    message: str
    exitflag: int | None


@dataclass
class ProfileResult:
    id: str
    x: list[float]  # the profiled parameter (scaled) along the path, ascending
    nllh: list[float]
    ratio: list[float]
    lower: float | None  # 95 % CI (scaled); None: open on that side
    upper: float | None
    seconds: float


@dataclass
class FitResult:
    spec: FitSpec
    starts: list[StartResult]
    profiles: list[ProfileResult] = field(default_factory=list)
    seconds: float = 0.0
    profile_seconds: float = 0.0

    @property
    def best(self) -> StartResult:
        ok = [s for s in self.starts if math.isfinite(s.fval)]
        return min(ok, key=lambda s: s.fval) if ok else self.starts[0]


def start_points(spec: FitSpec, n: int, seed: int) -> np.ndarray:
    """``n`` starts drawn uniformly in the bounds (scaled) by ``default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    return rng.uniform(spec.lb, spec.ub, size=(n, len(spec.ids)))


def optimizer(max_iter: int = MAX_ITER):
    import pypesto.optimize as optimize

    return optimize.ScipyOptimizer(method="L-BFGS-B", options={"maxiter": max_iter, "ftol": 1e-12,
                                                                 "gtol": 1e-6})


def _quiet_pypesto() -> None:
    import logging
    import warnings

    logging.getLogger("pypesto").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="pypesto")


def multistart(yaml_path: str | Path, spec: FitSpec, n_starts: int, seed: int, client=None,
               max_iter: int = MAX_ITER):
    """pyPESTO multi-start optimisation; (pyPESTO result, problem, our start results in
    start order)."""
    import pypesto.optimize as optimize

    _quiet_pypesto()
    problem = pypesto_problem(yaml_path, spec)
    x0 = start_points(spec, n_starts, seed)
    problem.set_x_guesses(x0)
    ids = [str(i) for i in range(n_starts)]
    result = optimize.minimize(problem=problem, optimizer=optimizer(max_iter), n_starts=n_starts, ids=ids,
                               engine=engine_for(client), progress_bar=False)
    starts = []
    for r in result.optimize_result.list:
        i = int(r.id)
        fval = float(r.fval) if r.fval is not None and np.isfinite(r.fval) else math.inf
        fval0 = float(r.fval0) if r.fval0 is not None and np.isfinite(r.fval0) else math.inf
        x = list(map(float, r.x)) if r.x is not None else [math.nan] * len(spec.ids)
        starts.append(StartResult(id=r.id, x0=list(map(float, x0[i])), x=x, fval=fval, fval0=fval0,
                                  n_fval=int(r.n_fval or 0), n_grad=int(r.n_grad or 0),
                                  seconds=float(r.time or 0.0), message=str(r.message or ""),
                                  exitflag=None if r.exitflag is None else int(r.exitflag)))
    starts.sort(key=lambda s: int(s.id))
    return result, problem, starts


def _fd_grad(f, x: np.ndarray, f0: float | None = None) -> np.ndarray:
    """Central differences, step FD_STEP (pyPESTO's FD, as in the multi-start)."""
    g = np.empty_like(x)
    for k in range(len(x)):
        e = np.zeros_like(x)
        e[k] = FD_STEP
        g[k] = (f(x + e) - f(x - e)) / (2 * FD_STEP)
    return g


def profile_one(yaml_path: str, spec: FitSpec, x_best: list[float], f_best: float, i: int,
                max_iter: int = PROFILE_MAX_ITER) -> ProfileResult:
    """The profile of fitted parameter ``i`` from the best fit: walk it in each direction
    from its best value, re-optimising the others (L-BFGS-B, central-difference
    gradients, warm-started from the previous point) at each step, until the likelihood
    ratio falls below PROFILE_RATIO_MIN or the bound is reached. The step (scaled units)
    starts at 1 % of the range and adapts: halved while the nllh rises by more than
    PROFILE_MAX_RISE between points, grown ×1.5 (up to 10 % of the range) while it rises
    by less than a quarter of that."""
    from scipy.optimize import minimize

    t0 = _time.perf_counter()
    nllh = Nllh(yaml_path)
    lb, ub = np.asarray(spec.lb), np.asarray(spec.ub)
    others = [k for k in range(len(spec.ids)) if k != i]
    span = ub[i] - lb[i]
    stop = f_best - math.log(PROFILE_RATIO_MIN)
    xb = np.asarray(x_best, float)

    def reopt(v: float, start: np.ndarray) -> tuple[np.ndarray, float]:
        if not others:
            x = xb.copy()
            x[i] = v
            return x, nllh(x)

        def f(z):
            x = xb.copy()
            x[i] = v
            x[others] = z
            return nllh(x)

        z0 = np.clip(start[others], lb[others], ub[others])
        r = minimize(lambda z: (f(z), _fd_grad(f, z)), z0, jac=True, method="L-BFGS-B",
                     bounds=list(zip(lb[others], ub[others])), options={"maxiter": max_iter, "ftol": 1e-10})
        x = xb.copy()
        x[i] = v
        x[others] = r.x
        return x, float(r.fun)

    xs, fs = [float(xb[i])], [float(f_best)]
    for direction in (-1, 1):
        h = 0.01 * span
        x_prev, f_prev = xb.copy(), float(f_best)
        while True:
            v = float(np.clip(x_prev[i] + direction * h, lb[i], ub[i]))
            if v == x_prev[i]:
                break
            x_new, f_new = reopt(v, x_prev)
            rise = f_new - f_prev
            if math.isfinite(f_new) and rise > PROFILE_MAX_RISE and h > PROFILE_MIN_STEP * span:
                h /= 2
                continue
            xs.append(v)
            fs.append(f_new)
            if not math.isfinite(f_new) or f_new > stop:
                break
            x_prev, f_prev = x_new, f_new
            if rise < PROFILE_MAX_RISE / 4:
                h = min(h * 1.5, 0.1 * span)
    order = np.argsort(xs, kind="stable")
    xs_a, fs_a = np.asarray(xs)[order], np.asarray(fs)[order]
    fmin = min(float(f_best), float(np.nanmin(fs_a)))  # a profile may find a lower point
    ratio = np.exp(-(fs_a - fmin))
    lo, hi = ci_bounds(xs_a, ratio, ci_ratio(), lb[i], ub[i])
    return ProfileResult(id=spec.ids[i], x=xs_a.tolist(), nllh=fs_a.tolist(), ratio=ratio.tolist(), lower=lo,
                         upper=hi, seconds=_time.perf_counter() - t0)


def profiles(yaml_path: str | Path, spec: FitSpec, x_best, f_best: float, client=None,
             indices: list[int] | None = None) -> tuple[list[ProfileResult], float]:
    """The profile of each fitted parameter (or of ``indices``), one task per parameter
    (on the Dask ``client`` when given); (profiles, seconds)."""
    indices = list(range(len(spec.ids))) if indices is None else list(indices)
    args = [(str(yaml_path), spec, list(map(float, x_best)), float(f_best), i) for i in indices]
    t0 = _time.perf_counter()
    if client is None:
        out = [profile_one(*a) for a in args]
    else:
        out = client.gather(client.map(profile_one, *zip(*args), pure=False))
    return out, _time.perf_counter() - t0


def ci_bounds(xs: np.ndarray, ratio: np.ndarray, level: float, lb: float, ub: float
              ) -> tuple[float | None, float | None]:
    """Where the profile (``xs`` ascending, likelihood ratio ``ratio``) crosses ``level``
    on either side of its maximum (linear interpolation); None on a side where it does
    not (the profile stays above ``level`` to its end)."""
    if len(xs) == 0:
        return None, None
    k = int(np.nanargmax(ratio))
    lo = hi = None
    for j in range(k, 0, -1):
        if ratio[j - 1] < level <= ratio[j]:
            lo = float(np.interp(level, [ratio[j - 1], ratio[j]], [xs[j - 1], xs[j]]))
            break
    for j in range(k, len(xs) - 1):
        if ratio[j + 1] < level <= ratio[j]:
            hi = float(np.interp(level, [ratio[j + 1], ratio[j]], [xs[j + 1], xs[j]]))
            break
    return lo, hi


def fit(yaml_path: str | Path, n_starts: int, seed: int = 0, client=None, profile: bool = True,
        max_iter: int = MAX_ITER, progress: Callable[[str], None] | None = None) -> FitResult:
    """Load, multi-start, profile. ``client``: a dask.distributed Client or None (in
    this process)."""
    problem = load_problem(yaml_path)
    spec = fit_spec(problem)
    t0 = _time.perf_counter()
    result, pproblem, starts = multistart(yaml_path, spec, n_starts, seed, client, max_iter)
    out = FitResult(spec=spec, starts=starts, seconds=_time.perf_counter() - t0)
    if progress:
        progress(f"{n_starts} starts in {out.seconds:.1f} s; best negative log-likelihood {out.best.fval:.6g}")
    if profile and math.isfinite(out.best.fval):
        out.profiles, out.profile_seconds = profiles(yaml_path, spec, out.best.x, out.best.fval, client)
        if progress:
            progress(f"profiles of {len(spec.ids)} parameters in {out.profile_seconds:.1f} s")
    return out
