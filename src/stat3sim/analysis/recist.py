"""RECIST 1.1-style response of the simulated primary tumor.

Clinicians judge a regimen by the change in tumor size on scheduled scans, not by the
volume ratio to an untreated twin. :func:`recist` reads a simulated diameter time
course the way a trial reads CT scans (Eisenhauer et al. 2009, Eur J Cancer 45:228,
RECIST 1.1):

* baseline: the diameter at day 0; scans every ``scan_every_days`` (default 56 d, every
  8 weeks — assumed, a common schedule in metastatic breast cancer trials);
* progressive disease (PD): the diameter at a scan is ≥ 20 % above the smallest one so far
  (baseline included) *and* at least 5 mm above it;
* partial response (PR): ≥ 30 % below baseline; complete response (CR): the tumor has
  disappeared (here: an equivalent-sphere diameter below ``cr_below_mm``, default 1 mm —
  assumed, below any imaging resolution);
* stable disease (SD): neither;
* best overall response: the best response recorded before progression (CR > PR > SD >
  PD). Confirmation scans and the minimum SD duration are not applied (one scan is
  enough), and the primary is the only target lesion: metastatic lesions are not summed.

The same function serves the therapy claims (THx-5 "no RECIST partial response") and
the therapy-arm table of ``stat3sim run``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

#: days between scans (assumed: every 8 weeks)
SCAN_EVERY_DAYS = 56.0
#: PR: diameter at least this fraction below baseline (RECIST 1.1)
PR_DROP = 0.30
#: PD: at least this fraction above the nadir … (RECIST 1.1)
PD_RISE = 0.20
#: … and at least this many mm above it (RECIST 1.1)
PD_ABSOLUTE_MM = 5.0
#: CR: the equivalent-sphere diameter below this (mm; assumed)
CR_BELOW_MM = 1.0
_RANK = {"CR": 0, "PR": 1, "SD": 2, "PD": 3}


@dataclass(frozen=True)
class Response:
    """The RECIST reading of one time course."""

    best: str  # best overall response: CR, PR, SD or PD ("NE" when no scan fell in the run)
    best_change: float  # diameter change from baseline at the best scan (fraction, −0.3 = −30 %)
    progression_day: float | None  # day of the scan that first showed PD, None if none did
    baseline_mm: float
    scans_days: tuple[float, ...]
    scans: tuple[str, ...]  # the response at each scan, up to and including the first PD

    def as_dict(self) -> dict:
        return asdict(self)


def recist(time_days, diameter_mm, *, scan_every_days: float = SCAN_EVERY_DAYS,
           cr_below_mm: float = CR_BELOW_MM) -> Response:
    """Read a diameter course (mm, on days ``time_days`` from 0) as RECIST 1.1 would.

    Diameters at scan days are interpolated linearly between output points."""
    t = np.asarray(time_days, dtype=float)
    d = np.asarray(diameter_mm, dtype=float)
    if t.ndim != 1 or t.shape != d.shape or len(t) < 2:
        raise ValueError("time_days and diameter_mm must be 1-D arrays of the same length (at least 2 points)")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(d))):
        raise ValueError("time_days and diameter_mm must be finite")
    if np.any(np.diff(t) <= 0):
        raise ValueError("time_days must increase")
    if not scan_every_days > 0:
        raise ValueError(f"scan_every_days must be > 0 (got {scan_every_days})")
    base = float(np.interp(0.0, t, d))
    days = np.arange(scan_every_days, t[-1] + 1e-9, scan_every_days)
    nadir, calls, best, best_change, progression = base, [], "NE", float("nan"), None
    for day in days:
        x = float(np.interp(day, t, d))
        if x - nadir >= PD_RISE * nadir and x - nadir >= PD_ABSOLUTE_MM:
            call = "PD"
        elif x < cr_below_mm:
            call = "CR"
        elif x <= (1.0 - PR_DROP) * base:
            call = "PR"
        else:
            call = "SD"
        calls.append(call)
        if best == "NE" or _RANK[call] < _RANK[best] or (call == best and x / base - 1 < best_change):
            best, best_change = call, x / base - 1
        if call == "PD":
            progression = float(day)
            break
        nadir = min(nadir, x)
    return Response(best, best_change, progression, base, tuple(float(x) for x in days[:len(calls)]), tuple(calls))


def recist_of(frame) -> Response | None:
    """The reading of a simulated run's frame (columns ``time_days`` and
    ``tumor_diameter_mm``), or None when it has no diameter course."""
    if "tumor_diameter_mm" not in frame.columns or "time_days" not in frame.columns or len(frame) < 2:
        return None
    return recist(frame["time_days"].to_numpy(), frame["tumor_diameter_mm"].to_numpy())


__all__ = ["CR_BELOW_MM", "PD_ABSOLUTE_MM", "PD_RISE", "PR_DROP", "Response", "SCAN_EVERY_DAYS", "recist",
           "recist_of"]
