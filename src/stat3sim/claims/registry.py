"""The claims framework: each claim of the review as an executable check.

A Claim names the simulations it compares (``simulations``: name -> protocol), the
readout, the expected direction and minimum effect (``expected``, in words and in the
check itself), and the review references. ``check`` runs the simulations and returns
(observed metrics, passed). Claims pass on default parameters; the thresholds are the
minima of ../shared/CLAIMS.md, never tuned down.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable, Mapping

from ..engine.roadrunner import Results, Simulator
from ..model.network import Network

P = "tumor.pSTAT3"


@dataclass(frozen=True)
class Claim:
    id: str
    area: str
    statement: str
    refs: tuple[int, ...]
    simulations: Mapping[str, str]
    readout: str
    expected: str
    check: Callable[["Context"], tuple[dict, bool]] = field(repr=False, compare=False)


#: the statuses of one half of a therapy claim
STATUSES = ("pass", "fail", "reported")


@dataclass
class Half:
    """One half of a therapy claim (../shared/CLAIMS.md, "Therapy"): **mechanism** (the
    drug at the exposure of the study behind the claim) or **clinic** (the labelled human
    regimen with the catalog's PK).

    ``status`` is ``pass`` or ``fail`` where the half is judged, ``reported`` where it is
    not (a clinic half without clinical evidence is a prediction); ``numbers`` are the
    model's; ``exposure`` says, per drug, what was given (for the clinic half also the free
    tumor concentration and target occupancy at trough and peak, repeated in
    ``occupancy``); ``reason`` is the model's reason for a ``fail`` (computed from its
    numbers) or why a half is only reported; ``evidence`` the clinical evidence a judged
    clinic half is held against."""
    status: str
    numbers: dict
    exposure: dict
    expected: str = ""
    reason: str = ""
    evidence: str = ""
    occupancy: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r}: allowed {', '.join(STATUSES)}")

    def as_dict(self) -> dict:
        d = {"status": self.status, "numbers": _clean(self.numbers), "exposure": _clean(self.exposure)}
        for k in ("expected", "reason", "evidence"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        if self.occupancy:
            d["occupancy"] = _clean(self.occupancy)
        return d


@dataclass
class ClaimResult:
    id: str
    area: str
    statement: str
    refs: list[int]
    expected: str
    observed: dict
    passed: bool
    error: str = ""
    mechanism: dict | None = None
    clinic: dict | None = None

    def as_dict(self) -> dict:
        d = asdict(self)
        if not d["error"]:
            d.pop("error")
        for k in ("mechanism", "clinic"):
            if d[k] is None:
                d.pop(k)
        return d


class Context:
    """What a check gets: the default tumor Network and a cached simulator."""

    def __init__(self, cell: str = "tumor"):
        from ..model.signaling import signaling_network

        self.cell = cell
        self.net: Network = signaling_network(cell)
        self.sim = Simulator.for_network(self.net)

    def run(self, net: Network, t_end: float = 240.0) -> Results:
        res = self.sim.run(net, t_end=t_end)
        if not res.ok:
            raise RuntimeError(f"simulation failed: {res.message}")
        return res

    def stim(self, t_end: float = 240.0, net: Network | None = None, **stimuli: float) -> Results:
        """Run ``net`` (default: wild type) with medium stimuli in nM."""
        net = self.net if net is None else net
        return self.run(net.with_stimulus(stimuli), t_end)


REGISTRY: dict[str, Claim] = {}


def claim(id: str, area: str, statement: str, refs: tuple[int, ...], simulations: Mapping[str, str],
          readout: str, expected: str):
    """Decorator registering a check function as a claim."""
    def deco(fn: Callable[[Context], tuple[dict, bool]]):
        if id in REGISTRY:
            raise ValueError(f"claim {id} registered twice")
        REGISTRY[id] = Claim(id, area, statement, refs, dict(simulations), readout, expected, fn)
        return fn
    return deco


def rise(res: Results, key: str = P) -> float:
    """Peak over the run minus the unstimulated value."""
    return res.peak(key) - res.baseline(key)


def _clean(v):
    if isinstance(v, float):
        return round(v, 4) if math.isfinite(v) else str(v)
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    return v


def areas() -> list[str]:
    _load()
    return sorted({c.area for c in REGISTRY.values()})


def _load() -> None:
    from . import cohort, signaling, therapy, tme  # noqa: F401  (registers the SIG, THx, TME and COH claims)


def run_claims(area: str | None = None, ids: list[str] | None = None) -> list[ClaimResult]:
    """Run the registered claims (optionally one area or some ids) on default parameters."""
    _load()
    ctx = Context()
    out = []
    for c in REGISTRY.values():
        if area and c.area != area:
            continue
        if ids and c.id not in ids:
            continue
        try:
            observed, passed = c.check(ctx)
            halves = {k: observed[k] for k in ("mechanism", "clinic") if isinstance(observed.get(k), Half)}
            if halves:  # a therapy claim in two halves: observed holds each half's numbers
                out.append(ClaimResult(c.id, c.area, c.statement, list(c.refs), c.expected,
                                       {k: _clean(h.numbers) for k, h in halves.items()}, bool(passed),
                                       mechanism=halves["mechanism"].as_dict() if "mechanism" in halves else None,
                                       clinic=halves["clinic"].as_dict() if "clinic" in halves else None))
                continue
            out.append(ClaimResult(c.id, c.area, c.statement, list(c.refs), c.expected, _clean(observed), bool(passed)))
        except Exception as e:  # a failing simulation fails the claim, it does not stop the table
            out.append(ClaimResult(c.id, c.area, c.statement, list(c.refs), c.expected, {}, False, f"{type(e).__name__}: {e}"))
    return out
