"""RECIST 1.1 for a trial: target-lesion sums, new lesions, confirmation, best overall
response and progression-free survival with censoring.

The single-lesion reader :mod:`stat3sim.analysis.recist` serves ``stat3sim run``; this one
reads a patient the way a trial's imaging review does (Eisenhauer et al. 2009, Eur J Cancer
45:228, RECIST 1.1):

* **Target lesions** are the lesions measured at baseline (here the primary and every
  metastatic lesion detected at baseline; :func:`select_targets` applies RECIST's own
  choice — measurable ≥ 10 mm, at most 5, at most 2 per organ — for a caller who wants it).
  A lesion chosen at baseline stays a target; a lesion that shrinks below
  ``cr_below_mm`` counts as disappeared.
* **Sum of diameters** of the targets at each scan. **PR**: the sum ≥ 30 % below the
  baseline sum (−30 % exactly is a PR, −29.9 % is not). **PD**: the sum ≥ 20 % above the
  nadir (the smallest sum so far, baseline included) **and** ≥ 5 mm above it, **or** an
  unequivocal new lesion (a metastatic site not detected at baseline becoming detectable).
  **CR**: every target below ``cr_below_mm`` (a simulated lesion never reaches 0 mm; default
  :data:`CR_BELOW_MM`, 1 mm, assumed: below any imaging resolution). **SD**: none of these.
  A scan with an unmeasured target (NaN) is NE unless the measured ones, or a new lesion,
  already show PD. Reading stops at the first PD.
* **Best overall response** (CR > PR > SD > PD > NE), from randomisation to the first PD:
  an SD counts only from :data:`MIN_SD_DAYS` after randomisation (RECIST 1.1 leaves the
  minimum to the protocol, "in general not less than 6–8 weeks"; 42 d here is assumed).
  With ``confirm=True`` (RECIST 1.1 for non-randomised trials where response is the
  primary endpoint) a PR needs a later PR or CR scan ≥ :data:`CONFIRM_DAYS` (28 d) after
  it, a CR a later CR; an unconfirmed one counts as SD (if it meets the SD minimum).
* **PFS**: days from randomisation (day 0) to the first scan showing PD (event). Without
  PD the patient is censored at the last evaluable scan on or before the follow-up end
  (the date of the last adequate tumor assessment: FDA guidance on cancer trial
  endpoints, as recalled — assumed, not read here); without any evaluable post-baseline
  scan, at day 0 (assumed, the same guidance as recalled). The model has no death, so
  PFS events are radiological progressions only; missed scans before a PD are not
  censored (every scheduled scan is read).

:func:`read_patient` reads one patient; :func:`read_trial` a long table (one row per
patient, arm and scan) into one row per patient and arm; :func:`scan_table` gives the
per-scan calls and % changes for spider plots.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Iterator, Sequence

import numpy as np
import pandas as pd

from stat3sim.analysis.recist import CR_BELOW_MM, PD_ABSOLUTE_MM, PD_RISE, PR_DROP

#: a PR/CR is confirmed by a scan at least this many days later (RECIST 1.1: ≥ 4 weeks)
CONFIRM_DAYS = 28.0
#: an SD counts for the best response only from this many days after randomisation (days;
#: assumed — RECIST 1.1 leaves it to the protocol, "in general not less than 6–8 weeks")
MIN_SD_DAYS = 42.0
#: RECIST 1.1 measurable lesion: longest diameter ≥ 10 mm (CT, slice ≤ 5 mm)
MEASURABLE_MM = 10.0
#: RECIST 1.1: at most 5 target lesions in all, 2 per organ
MAX_TARGETS = 5
MAX_TARGETS_PER_ORGAN = 2
#: numerical slack on the thresholds (mm and fraction): −30.000 % is a PR whatever the
#: rounding of 0.7 × baseline
_EPS = 1e-9
RESPONSES = ("CR", "PR", "SD", "PD", "NE")
_RANK = {r: i for i, r in enumerate(RESPONSES)}


class RecistError(ValueError):
    """Input that cannot be read: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class PatientReading:
    """The RECIST 1.1 reading of one patient in one arm."""

    best_response: str  # CR, PR, SD, PD or NE
    best_change_pct: float  # smallest % change of the sum from baseline, up to the first PD (NaN: no scan read)
    pfs_days: float  # days from randomisation to the first PD scan, or to censoring
    pfs_event: bool  # True: progression; False: censored
    baseline_sum_mm: float
    scan_days: tuple[float, ...]  # the post-baseline scans read (to the first PD or the follow-up end)
    sums_mm: tuple[float, ...]  # sum of target diameters at those scans (NaN: not evaluable)
    calls: tuple[str, ...]  # the response at each of those scans
    response_day: float | None  # first scan of the best response (CR/PR), None otherwise
    confirmed: bool  # whether confirmation was required

    @property
    def changes_pct(self) -> tuple[float, ...]:
        return tuple(100.0 * (s / self.baseline_sum_mm - 1.0) for s in self.sums_mm)

    def as_dict(self) -> dict:
        return asdict(self)


def select_targets(baseline_mm: Sequence[float], organs: Sequence[str] | None = None, *,
                   measurable_mm: float = MEASURABLE_MM, max_total: int = MAX_TARGETS,
                   max_per_organ: int = MAX_TARGETS_PER_ORGAN) -> list[int]:
    """Indices of RECIST 1.1 target lesions among the baseline lesions: measurable
    (≥ ``measurable_mm``), the largest first, at most ``max_per_organ`` per organ and
    ``max_total`` in all. ``organs`` (one label per lesion) defaults to one organ each."""
    d = np.asarray(baseline_mm, dtype=float)
    org = list(organs) if organs is not None else [str(i) for i in range(len(d))]
    if len(org) != len(d):
        raise RecistError("organs", f"one organ per lesion: {len(d)} lesions, {len(org)} organs")
    chosen, per = [], {}
    for i in sorted(range(len(d)), key=lambda k: -d[k] if np.isfinite(d[k]) else math.inf):
        if not (np.isfinite(d[i]) and d[i] >= measurable_mm) or len(chosen) >= max_total:
            continue
        if per.get(org[i], 0) >= max_per_organ:
            continue
        per[org[i]] = per.get(org[i], 0) + 1
        chosen.append(i)
    return sorted(chosen)


def _call(lesions: np.ndarray, total: float, base: float, nadir: float, new: bool, cr_below_mm: float) -> str:
    if new:
        return "PD"
    rise = total - nadir
    if rise >= PD_RISE * nadir - _EPS and rise >= PD_ABSOLUTE_MM - _EPS:
        return "PD"  # the measured lesions alone show PD, even with one unmeasured
    if np.isnan(lesions).any():
        return "NE"
    if np.all(lesions < cr_below_mm):
        return "CR"
    if total / base - 1.0 <= -PR_DROP + _EPS:
        return "PR"
    return "SD"


def read_patient(scan_days, diameters_mm, new_lesion=None, *, followup_days: float = math.inf,
                 confirm: bool = False, cr_below_mm: float = CR_BELOW_MM,
                 min_sd_days: float = MIN_SD_DAYS, confirm_days: float = CONFIRM_DAYS) -> PatientReading:
    """Read one patient's scans.

    ``scan_days``: days from randomisation, increasing; the first is the baseline scan (day
    ≤ 0). ``diameters_mm``: ``[n_scans, n_lesions]`` (a 1-D array is one lesion) of the
    target lesions' longest diameters, mm (NaN: not measured at that scan). ``new_lesion``:
    per scan, whether an unequivocal new lesion is seen (default none). Scans after
    ``followup_days`` are not read. Raises :class:`RecistError` on malformed input."""
    t = np.asarray(scan_days, dtype=float)
    d = np.asarray(diameters_mm, dtype=float)
    if d.ndim == 1:
        d = d[:, None]
    if t.ndim != 1 or len(t) < 1:
        raise RecistError("scan_days", "expected a 1-D array with the baseline scan first")
    if d.ndim != 2 or d.shape[0] != len(t) or d.shape[1] < 1:
        raise RecistError("diameters_mm", f"expected [n_scans={len(t)}, n_lesions ≥ 1], got shape {d.shape}")
    new = np.zeros(len(t), bool) if new_lesion is None else np.asarray(new_lesion, dtype=bool)
    if new.shape != t.shape:
        raise RecistError("new_lesion", f"one flag per scan: {len(t)} scans, got shape {new.shape}")
    if not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise RecistError("scan_days", "scan days must be finite and increasing")
    if t[0] > 0:
        raise RecistError("scan_days", f"the first scan is the baseline, at day ≤ 0; got day {t[0]:g}")
    if not np.all(np.isfinite(d[0])) or np.any(d[0] <= 0):
        raise RecistError("diameters_mm", "every target lesion must be measured (> 0 mm) at baseline")
    if np.any(d[np.isfinite(d)] < 0):
        raise RecistError("diameters_mm", "diameters must be ≥ 0 mm")
    if not (followup_days >= 0):
        raise RecistError("followup_days", f"must be ≥ 0, got {followup_days}")
    base = float(d[0].sum())
    nadir = base
    days, sums, calls = [], [], []
    for i in range(1, len(t)):
        if t[i] > followup_days + _EPS:
            break
        les = d[i]
        total = float(np.nansum(les))
        c = _call(les, total, base, nadir, bool(new[i]), cr_below_mm)
        days.append(float(t[i]))
        sums.append(total if not np.isnan(les).any() else math.nan)
        calls.append(c)
        if c == "PD":
            break
        if not np.isnan(les).any():
            nadir = min(nadir, total)
    best, response_day = _best(days, calls, confirm, min_sd_days, confirm_days)
    evaluable = [day for day, c in zip(days, calls) if c != "NE"]
    if calls and calls[-1] == "PD":
        pfs, event = days[-1], True
    else:
        pfs, event = (evaluable[-1] if evaluable else 0.0), False
    changes = [s / base - 1.0 for s in sums if not math.isnan(s)]
    if calls and calls[-1] == "PD" and math.isnan(sums[-1]):
        changes.append(float(np.nansum(d[len(days)])) / base - 1.0)
    best_change = 100.0 * min(changes) if changes else math.nan
    return PatientReading(best, best_change, float(pfs), event, base, tuple(days), tuple(sums), tuple(calls),
                          response_day, confirm)


def _best(days: list[float], calls: list[str], confirm: bool, min_sd_days: float,
          confirm_days: float) -> tuple[str, float | None]:
    """Best overall response and the day of its first scan (CR/PR only)."""
    best, when = "NE", None
    for i, c in enumerate(calls):
        got = c
        if c in ("CR", "PR") and confirm:
            later = [calls[j] for j in range(i + 1, len(calls)) if days[j] - days[i] >= confirm_days - _EPS]
            if c == "CR" and "CR" in later:
                got = "CR"
            elif any(x in ("CR", "PR") for x in later):
                got = "PR"
            else:
                got = "SD"  # unconfirmed: stable disease at best
        if got == "SD" and days[i] < min_sd_days - _EPS:
            got = "NE"  # too early for SD to count
        if _RANK[got] < _RANK[best]:
            best, when = got, (days[i] if got in ("CR", "PR") else None)
    if best == "NE" and "PD" in calls:
        best = "PD"
    return best, when


#: the columns of :func:`read_trial`'s result
RESULT_COLUMNS = ("best_response", "best_change_pct", "pfs_days", "pfs_event", "baseline_sum_mm", "n_scans",
                  "response_day", "calls")


def _lesion_columns(df: pd.DataFrame, lesion_columns: Sequence[str] | None, prefix: str) -> list[str]:
    cols = list(lesion_columns) if lesion_columns is not None else [c for c in df.columns if str(c).startswith(prefix)]
    if not cols:
        raise RecistError("lesion_columns", f"no lesion diameter columns (none named {prefix}*); give lesion_columns")
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise RecistError("lesion_columns", f"not in the table: {', '.join(map(str, missing))}")
    return cols


def _readings(df: pd.DataFrame, lesion_columns: Sequence[str] | None, lesion_prefix: str, followup_days: float,
              **options) -> Iterator[tuple[dict, pd.DataFrame, PatientReading]]:
    """(keys, the patient's scans, its reading) per patient (and arm) of a long table:
    grouped by patient (and arm), sorted by scan day, the target lesions those measured at
    baseline, follow-up per patient where the table gives it."""
    if "patient" not in df.columns or "scan_day" not in df.columns:
        raise RecistError("table", "needs columns patient and scan_day")
    cols = _lesion_columns(df, lesion_columns, lesion_prefix)
    keys = ["patient", "arm"] if "arm" in df.columns else ["patient"]
    for key, g in df.sort_values(keys + ["scan_day"]).groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        d = g[cols].to_numpy(dtype=float)
        targets = np.isfinite(d[0])
        if not targets.any():
            raise RecistError("lesion_columns", f"patient {key[0]!r}: no target lesion measured at baseline")
        fu = float(g["followup_days"].iloc[0]) if "followup_days" in g.columns else followup_days
        new = g["new_lesion"].fillna(False).to_numpy(dtype=bool) if "new_lesion" in g.columns else None
        try:
            r = read_patient(g["scan_day"].to_numpy(dtype=float), d[:, targets], new, followup_days=fu, **options)
        except RecistError as exc:
            raise RecistError(exc.field, f"patient {key[0]!r}: {exc.message}") from None
        yield dict(zip(keys, key)), g, r


def _keys(df: pd.DataFrame) -> list[str]:
    return ["patient", "arm"] if "arm" in df.columns else ["patient"]


def read_trial(df: pd.DataFrame, *, lesion_columns: Sequence[str] | None = None, lesion_prefix: str = "lesion_",
               followup_days: float = math.inf, confirm: bool = False, cr_below_mm: float = CR_BELOW_MM,
               min_sd_days: float = MIN_SD_DAYS, confirm_days: float = CONFIRM_DAYS) -> pd.DataFrame:
    """One row per patient and arm from a long table with columns ``patient``, ``arm``
    (optional), ``scan_day``, the target-lesion diameters (``lesion_*``, mm; NaN for a
    lesion that is not a target of that patient: a column all-NaN at baseline is dropped
    for that patient), ``new_lesion`` (optional, bool) and ``followup_days`` (optional,
    per patient; else the argument). Columns: patient, arm, :data:`RESULT_COLUMNS`."""
    rows = []
    for base, _, r in _readings(df, lesion_columns, lesion_prefix, followup_days, confirm=confirm,
                                cr_below_mm=cr_below_mm, min_sd_days=min_sd_days, confirm_days=confirm_days):
        rows.append(base | {
            "best_response": r.best_response, "best_change_pct": r.best_change_pct, "pfs_days": r.pfs_days,
            "pfs_event": r.pfs_event, "baseline_sum_mm": r.baseline_sum_mm, "n_scans": len(r.calls),
            "response_day": r.response_day if r.response_day is not None else math.nan, "calls": ",".join(r.calls)})
    return pd.DataFrame(rows, columns=_keys(df) + list(RESULT_COLUMNS))


def scan_table(df: pd.DataFrame, *, lesion_columns: Sequence[str] | None = None, lesion_prefix: str = "lesion_",
               followup_days: float = math.inf, cr_below_mm: float = CR_BELOW_MM) -> pd.DataFrame:
    """Per-scan rows (patient, arm, scan_day, sum_mm, change_pct, call) up to each patient's
    first PD, the baseline (day ≤ 0, change 0, call "BL") included: what a spider plot draws."""
    out = []
    for base, g, r in _readings(df, lesion_columns, lesion_prefix, followup_days, cr_below_mm=cr_below_mm):
        out.append(base | {"scan_day": float(g["scan_day"].iloc[0]), "sum_mm": r.baseline_sum_mm,
                           "change_pct": 0.0, "call": "BL"})
        for day, s, c in zip(r.scan_days, r.sums_mm, r.calls):
            out.append(base | {"scan_day": day, "sum_mm": s, "change_pct": 100.0 * (s / r.baseline_sum_mm - 1.0),
                               "call": c})
    return pd.DataFrame(out, columns=_keys(df) + ["scan_day", "sum_mm", "change_pct", "call"])


__all__ = ["CONFIRM_DAYS", "CR_BELOW_MM", "MEASURABLE_MM", "MIN_SD_DAYS", "PD_ABSOLUTE_MM", "PD_RISE", "PR_DROP",
           "PatientReading", "RESPONSES", "RESULT_COLUMNS", "RecistError", "read_patient", "read_trial",
           "scan_table", "select_targets"]
