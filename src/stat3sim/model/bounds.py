"""The values a model parameter may take, whatever sets it (a scenario's ``parameters:``,
a comparison arm, ``--set``, or a Scenario built in Python).

Every parameter of the model is a rate, a concentration, a count, a weight, a level or
a Hill coefficient: none is signed (no default value is below 0), so every value must be
a finite number ≥ 0. A dimensionless parameter whose description says it is a fraction,
a probability, a share or a proportion (``Ve_T``, ``f_recycle_gp130``, ``met_p_found``,
``w_JAK1`` …), or an on (1) / off (0) switch (``pop_on``), must also be ≤ 1.

>>> from stat3sim.model.network import Evidence, Parameter
>>> p = Parameter("Ve_T", 0.37, "dimensionless", Evidence("assumed"), "fraction of tumor volume occupied by cells")
>>> parameter_range(p)
(0.0, 1.0, 'fraction of tumor volume occupied by cells')
>>> value_problem("Ve_T", 1.5, *parameter_range(p))
'value of Ve_T must be a finite number from 0 to 1 (fraction of tumor volume occupied by cells), got 1.5'
"""
from __future__ import annotations

import math
import re
from typing import Mapping

from .network import Network, Parameter

#: words in a dimensionless parameter's description that make it a number from 0 to 1
_UNIT_INTERVAL = re.compile(r"\bfraction\b|\bprobability\b|\bshare of\b|\bproportion\b|\(0\.\.1\)|\(1\) or",
                            re.IGNORECASE)


def parameter_range(p: Parameter) -> tuple[float, float, str]:
    """``(low, high, what)`` of the values ``p`` may take: ``[0, inf)`` for every parameter
    (``[-inf, inf)`` for one whose default is negative: none in the shipped model), ``[0, 1]``
    for fractions, probabilities and switches; ``what`` is the description when the upper
    bound comes from it."""
    low = 0.0 if p.value >= 0 else -math.inf
    if p.unit == "dimensionless" and 0.0 <= p.value <= 1.0 and _UNIT_INTERVAL.search(p.description or ""):
        return low, 1.0, p.description
    return low, math.inf, ""


def value_problem(pid: str, value: float, low: float, high: float, what: str = "") -> str | None:
    """Why ``value`` cannot be given to parameter ``pid`` of range ``[low, high]``, or None."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return f"value of {pid} must be a number, got {value!r}"
    if math.isfinite(v) and low <= v <= high:
        return None
    if high < math.inf:
        rng = f"from {low:g} to {high:g}" + (f" ({what})" if what else "")
    elif low > -math.inf:
        rng = f"≥ {low:g}"
    else:
        rng = ""
    return f"value of {pid} must be a finite number{' ' + rng if rng else ''}, got {v:g}"


def parameter_problems(net: Network, values: Mapping[str, float]) -> list[str]:
    """Why each of ``values`` (parameter id -> value) cannot be set on ``net``; ids the
    network does not have are left to :meth:`Network.with_parameters`."""
    known = {p.id: p for p in net.parameters}
    out = []
    for pid, v in values.items():
        if pid in known and (problem := value_problem(pid, v, *parameter_range(known[pid]))):
            out.append(problem)
    return out


__all__ = ["parameter_range", "value_problem", "parameter_problems"]
