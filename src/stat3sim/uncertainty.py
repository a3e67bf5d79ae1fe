"""The uncertainty of calibrated parameters: one file, one distribution per row, seeded draws.

Prediction bands (``stat3sim run --bands``, :mod:`stat3sim.analysis.bands`) and virtual
cohorts (``stat3sim cohort --uncertainty``, :mod:`stat3sim.cohort.population`) draw the
calibrated parameters from the same file. Two kinds of file are read:

* a **parameter-uncertainty table** (TSV; the shipped one is
  ``stat3sim/data/parameter_uncertainty.tsv``): columns ``ids`` (model parameter ids,
  separated by commas, that take ONE shared draw: the same rate in every cell type that
  calibration fitted as one), ``estimate``, ``ci95_low``, ``ci95_high`` (the 95 % CI,
  linear values), ``scale`` (``log`` or ``lin``: the scale in which the estimate is
  normal) and ``source``; other columns are ignored;
* the ``results.json`` that ``stat3sim fit`` writes: each fitted parameter's best value
  and 95 % profile-likelihood CI (``parameters``), in its PEtab scale (``log``/``log10``
  read as ``log``). A side a profile left open (not identifiable on that side) takes the
  fit's bound instead, and says so in the row's source (:func:`load` warns).

**The distribution** of a row, in its scale ``t`` (``ln`` or identity): median
``t(estimate)``; below it a half-normal with σ₋ = (t(estimate) − t(ci95_low)) / 1.95996,
above it one with σ₊ = (t(ci95_high) − t(estimate)) / 1.95996, each half holding half the
mass. So the 2.5 %, 50 % and 97.5 % quantiles are the CI's low end, the estimate and the
CI's high end exactly, and a symmetric CI gives the normal N(t(estimate), σ²). (A split
normal with a continuous density would move the median off the estimate for an
asymmetric CI; this two-piece form keeps both CI ends and the estimate.) The draws are
truncated to the parameters' bounds (:func:`stat3sim.model.bounds.parameter_range`: ≥ 0,
≤ 1 for fractions): a probability ``u`` maps into the kept part of the CDF, so a Latin
hypercube stays stratified.

**Draws** (:func:`draw`): a seeded, scrambled Latin hypercube (``scipy.stats.qmc``) with
one column per row, mapped through each row's inverse CDF; every id of a row gets the
row's value. The same file and seed give the same draws; ``extensions`` add batches that
keep the first draws as they were (as ``population.sample``).

Bad input raises :class:`UncertaintyError`: the file, the line (the header is line 1;
for a JSON file the parameter's index) and the column, and what is allowed.
"""
from __future__ import annotations

import hashlib
import json
import math
import zlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

#: columns a parameter-uncertainty table must have, in this order of mention
COLUMNS = ("ids", "estimate", "ci95_low", "ci95_high", "scale", "source")
SCALES = ("log", "lin")
#: the standard normal's 97.5 % quantile: a 95 % CI spans ±Z95 σ
Z95 = float(stats.norm.ppf(0.975))
#: the shipped table, inside the package
SHIPPED = "data/parameter_uncertainty.tsv"


class UncertaintyError(ValueError):
    """A file that cannot be used: ``file``, ``where`` (``line N``; ``parameters[i]`` in a
    fit's JSON; empty for the file as a whole), ``column`` and ``message``."""

    def __init__(self, file: str, where: str, column: str, message: str):
        self.file, self.where, self.column, self.message = str(file), where, column, message
        loc = ", ".join(x for x in (where, f"column {column}" if column else "") if x)
        super().__init__(f"{self.file}: {loc + ': ' if loc else ''}{message}")


@dataclass(frozen=True)
class Uncertain:
    """One row: the ids sharing a draw, the estimate and 95 % CI (linear), the scale, the
    source, and where it came from (``origin``: file and line, for messages)."""

    ids: tuple[str, ...]
    estimate: float
    low: float
    high: float
    scale: str
    source: str
    origin: str = ""
    lower_bound: float = 0.0  # the model's bounds for these ids (set by :func:`check`)
    upper_bound: float = math.inf

    @property
    def name(self) -> str:
        """The row's label: its first id, ``+ N more`` when it has several."""
        return self.ids[0] + (f" (+{len(self.ids) - 1} more)" if len(self.ids) > 1 else "")

    def _t(self, v) -> np.ndarray:
        v = np.asarray(v, dtype=float)
        if self.scale == "lin":
            return v
        with np.errstate(divide="ignore"):
            return np.log(v)

    def _inv(self, x) -> np.ndarray:
        return np.exp(x) if self.scale == "log" else np.asarray(x, dtype=float)

    @property
    def sigmas(self) -> tuple[float, float]:
        """(σ below the estimate, σ above it) in the row's scale."""
        m = float(self._t(self.estimate))
        return (m - float(self._t(self.low))) / Z95, (float(self._t(self.high)) - m) / Z95

    def cdf(self, v) -> np.ndarray:
        """The untruncated two-piece normal's CDF at linear values ``v``."""
        m = float(self._t(self.estimate))
        s_lo, s_hi = self.sigmas
        x = self._t(v)
        z = np.where(x < m, (x - m) / s_lo if s_lo > 0 else -np.inf, (x - m) / s_hi if s_hi > 0 else np.inf)
        return stats.norm.cdf(np.where(x == m, 0.0, z))

    def ppf(self, u) -> np.ndarray:
        """Linear values at probabilities ``u`` (0–1) of the distribution truncated to
        [lower_bound, upper_bound]."""
        u = np.asarray(u, dtype=float)
        lo = float(self.cdf(self.lower_bound)) if self.lower_bound > -math.inf else 0.0
        hi = float(self.cdf(self.upper_bound)) if self.upper_bound < math.inf else 1.0
        p = np.clip(lo + u * (hi - lo), 1e-300, 1.0 - 1e-16)
        m = float(self._t(self.estimate))
        s_lo, s_hi = self.sigmas
        z = stats.norm.ppf(p)
        x = m + np.where(z < 0, s_lo, s_hi) * z
        return np.clip(self._inv(x), self.lower_bound, self.upper_bound)

    def describe(self) -> str:
        cut = "" if (self.lower_bound <= 0.0 and self.upper_bound == math.inf) else \
            f", truncated to [{self.lower_bound:g}, {self.upper_bound:g}]"
        return (f"{'log-' if self.scale == 'log' else ''}normal two-piece, median {self.estimate:.4g}, "
                f"95 % CI {self.low:.4g}–{self.high:.4g}{cut}")

    def record(self) -> dict:
        return {"ids": list(self.ids), "estimate": self.estimate, "ci95_low": self.low, "ci95_high": self.high,
                "scale": self.scale, "source": self.source,
                "bounds": [self.lower_bound, None if math.isinf(self.upper_bound) else self.upper_bound]}


# ------------------------------------------------------------------ reading
def shipped_path() -> Path | None:
    """The shipped table, or None when this installation has none."""
    p = resources.files("stat3sim").joinpath(SHIPPED)
    return Path(str(p)) if p.is_file() else None


def _number(text, file: str, where: str, column: str) -> float:
    try:
        v = float(str(text).strip())
    except (TypeError, ValueError):
        raise UncertaintyError(file, where, column, f"must be a number, got {text!r}") from None
    if not math.isfinite(v):
        raise UncertaintyError(file, where, column, f"must be a finite number, got {text!r}")
    return v


def _row(raw: dict, file: str, where: str) -> Uncertain:
    ids_text = str(raw.get("ids") or "").strip()
    ids = tuple(s.strip() for s in ids_text.split(","))
    if not ids_text or any(not s for s in ids):
        raise UncertaintyError(file, where, "ids", f"must be parameter ids separated by commas, got {ids_text!r}")
    if len(set(ids)) != len(ids):
        raise UncertaintyError(file, where, "ids", "an id is given twice in the row")
    est, low, high = (_number(raw.get(c), file, where, c) for c in ("estimate", "ci95_low", "ci95_high"))
    scale = str(raw.get("scale") or "").strip().lower()
    if scale not in SCALES:
        raise UncertaintyError(file, where, "scale", f"must be one of {', '.join(SCALES)}, got {raw.get('scale')!r}")
    if not low < high:
        raise UncertaintyError(file, where, "ci95_high", f"must be above ci95_low ({low:g}), got {high:g}")
    if not low <= est <= high:
        raise UncertaintyError(file, where, "estimate", f"must lie within the CI [{low:g}, {high:g}], got {est:g}")
    if scale == "log" and low <= 0:
        raise UncertaintyError(file, where, "ci95_low", f"must be > 0 in log scale, got {low:g}")
    source = str(raw.get("source") or "").strip()
    if not source or source.lower() == "nan":
        raise UncertaintyError(file, where, "source", "must say where the CI comes from (a fit, a paper)")
    return Uncertain(ids, est, low, high, scale, source, f"{file}: {where}")


def read_table(path: str | Path) -> list[Uncertain]:
    """The rows of a parameter-uncertainty TSV, checked in form (not yet against a model)."""
    file = str(path)
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, comment=None)
    except FileNotFoundError:
        raise UncertaintyError(file, "", "", "no such file") from None
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise UncertaintyError(file, "", "", f"not a readable tab-separated table ({' '.join(str(e).split())[:200]})") \
            from None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise UncertaintyError(file, "line 1", missing[0], f"missing; a table needs the columns {', '.join(COLUMNS)} "
                                                           "(tab-separated)")
    if df.empty:
        raise UncertaintyError(file, "", "", "has no rows")
    out = [_row(rec, file, f"line {i + 2}") for i, rec in enumerate(df.to_dict("records"))]
    _no_repeats(out)
    return out


def read_fit(path: str | Path) -> tuple[list[Uncertain], list[str]]:
    """The fitted parameters of a ``stat3sim fit`` results.json as rows, and a note for each
    CI side a profile left open (the fit's bound stands in for it)."""
    file = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UncertaintyError(file, "", "", "no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UncertaintyError(file, "", "", f"not readable JSON ({' '.join(str(e).split())[:200]})") from None
    params = data.get("parameters") if isinstance(data, dict) else None
    if not isinstance(params, list) or not params:
        raise UncertaintyError(file, "", "parameters", "a results.json of `stat3sim fit` has a non-empty list "
                                                       "`parameters` (id, scale, estimate, 95 % CI)")
    problem = str(data.get("problem") or file)
    out, notes = [], []
    for i, p in enumerate(params):
        where = f"parameters[{i}]"
        if not isinstance(p, dict):
            raise UncertaintyError(file, where, "", "must be an object")
        for key in ("parameterId", "parameterScale", "estimate", "lowerBound", "upperBound"):
            if p.get(key) is None:
                raise UncertaintyError(file, where, key, "missing")
        scale = str(p["parameterScale"]).strip()
        if scale not in ("lin", "log", "log10"):
            raise UncertaintyError(file, where, "parameterScale", f"must be lin, log or log10, got {scale!r}")
        est = _number(p["estimate"], file, where, "estimate")
        sides, open_side = [], False
        for key, bound in (("ci95_lower", "lowerBound"), ("ci95_upper", "upperBound")):
            v = p.get(key)
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                sides.append(_number(p[bound], file, where, bound))
                open_side = True
                notes.append(f"{file}: {p['parameterId']}: the profile is open on the "
                             f"{'lower' if key == 'ci95_lower' else 'upper'} side; the fit's {bound} "
                             f"({sides[-1]:g}) stands in for the CI's end")
            else:
                sides.append(_number(v, file, where, key))
        raw = {"ids": p["parameterId"], "estimate": est, "ci95_low": sides[0], "ci95_high": sides[1],
               "scale": "lin" if scale == "lin" else "log",
               "source": f"stat3sim fit of {problem}: best value, 95 % profile-likelihood CI"
                         + (" (open side: the fit's bound)" if open_side else "")}
        out.append(_row(raw, file, where))
    _no_repeats(out)
    return out, notes


def _no_repeats(rows: Sequence[Uncertain]) -> None:
    seen: dict[str, str] = {}
    for r in rows:
        for pid in r.ids:
            if pid in seen:
                file, _, where = r.origin.rpartition(": ")
                raise UncertaintyError(file, where, "ids", f"{pid} is also in {seen[pid]}; give each parameter "
                                                           "in one row")
            seen[pid] = r.origin.rpartition(": ")[2]


def load(path: str | Path) -> tuple[list[Uncertain], list[str]]:
    """Rows and notes of a table (``.tsv``/``.txt``/``.tab``) or a fit's ``.json``."""
    if str(path).lower().endswith(".json"):
        return read_fit(path)
    return read_table(path), []


def check(rows: Sequence[Uncertain], network, held: Iterable[str] = (), *, pinned: bool = False) -> list[Uncertain]:
    """``rows`` against ``network``: every id a parameter of it, the estimate within each
    id's range; each row's bounds set to the narrowest range of its ids. ``held``: ids the
    scenario sets itself (an error: the scenario's value would be overridden).
    ``pinned``: ``network`` is reduced and runs unreduced again (a cohort): a row may not
    vary a parameter the reduction holds at 0, and a folded copy's parameter must share
    its row with its leader's."""
    from .model.bounds import parameter_range

    known = {p.id: p for p in network.parameters}
    held = set(held)
    rules = dict(network.pinned) if pinned else {}
    out = []
    for r in rows:
        file, _, where = r.origin.rpartition(": ")
        lo, hi = -math.inf, math.inf
        for pid in r.ids:
            if pid not in known:
                raise UncertaintyError(file, where, "ids", f"{pid} is not a parameter of the model "
                                                           "(ids: `stat3sim describe --scenario NAME`)")
            if pid in held:
                raise UncertaintyError(file, where, "ids", f"{pid} is set by the scenario itself; its uncertainty "
                                                           "cannot be drawn in this scenario")
            low, high, _ = parameter_range(known[pid])
            lo, hi = max(lo, low), min(hi, high)
            kind = rules.get(pid)
            if kind == "zero":
                raise UncertaintyError(file, where, "ids", f"{pid} cannot be varied: the model's reduction relies on "
                                                           "it staying 0 (model.reduce)")
            if kind and kind.startswith("=") and kind[1:] not in r.ids:
                raise UncertaintyError(file, where, "ids", f"{pid} is a folded copy of {kind[1:]} (model.reduce); "
                                                           f"give both in one row")
        for pid, kind in rules.items():  # a leader varied without its folded copies
            if kind.startswith("=") and kind[1:] in r.ids and pid not in r.ids:
                raise UncertaintyError(file, where, "ids", f"{kind[1:]} has a folded copy {pid} (model.reduce); "
                                                           "give both in one row")
        if not lo <= r.estimate <= hi:
            raise UncertaintyError(file, where, "estimate", f"{r.estimate:g} is outside the range of {r.ids[0]} "
                                                            f"([{lo:g}, {hi:g}])")
        out.append(Uncertain(r.ids, r.estimate, r.low, r.high, r.scale, r.source, r.origin, lo, hi))
    return out


def differences(rows: Sequence[Uncertain], network, rtol: float = 1e-6) -> list[str]:
    """One line for each row whose estimate is not the model's value of one of its ids (the
    draws centre on the estimate; a nominal run uses the model's value)."""
    out = []
    for r in rows:
        for pid in r.ids:
            v = network.parameter(pid).value
            if abs(v - r.estimate) > rtol * max(abs(v), abs(r.estimate)):
                out.append(f"{pid}: model value {v:g}, the file's estimate {r.estimate:g}")
    return out


# ------------------------------------------------------------------ drawing
def _stream(seed: int, batch: int) -> np.random.Generator:
    """The draws' own stream: the cohort's keyed batch stream (:func:`stat3sim.cohort.population._stream`)
    under the key of this file's draws, so that a cohort's other columns do not move when a
    file is added; batch k > 0 of an extended sample a stream of its own."""
    from .cohort.population import _stream as keyed_stream

    return keyed_stream(seed, batch, zlib.crc32(b"parameter_uncertainty"))


def draw(rows: Sequence[Uncertain], n: int, seed: int, extensions: tuple[int, ...] = ()) -> pd.DataFrame:
    """``n`` (+ extensions) draws, one column per parameter id (the ids of a row share its
    value), rows in draw order; a seeded Latin hypercube per batch."""
    if isinstance(n, bool) or int(n) != n or n <= 0 or any(e <= 0 for e in extensions):
        raise ValueError("n and every extension must be positive whole numbers")
    from .cohort.population import batches

    parts = []
    for b, (_, size) in enumerate(batches(int(n), tuple(map(int, extensions)))):
        u = qmc.LatinHypercube(d=len(rows), rng=_stream(seed, b)).random(size)
        part = {}
        for j, r in enumerate(rows):
            v = r.ppf(u[:, j])
            for pid in r.ids:
                part[pid] = v
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def file_hash(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


__all__ = ["COLUMNS", "SCALES", "SHIPPED", "Uncertain", "UncertaintyError", "Z95", "check", "differences", "draw",
           "file_hash", "load", "read_fit", "read_table", "shipped_path"]
