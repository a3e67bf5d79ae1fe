"""The model definition layer: immutable elements and the Network that holds them.

A Network is data. Building one validates it (unknown symbols in rate laws, duplicate
ids, missing units or sources, negative initial amounts) and never runs anything;
transformations (knock-out, knock-down, parameter override, stimulus) return a new
Network and leave the original untouched.

Conventions
-----------
* Concentrations in nM, volumes in pL, time in min (signaling layer).
* A Reaction's ``rate`` is written in concentration per time (nM/min) *in the
  compartment named by the reaction*; the SBML kinetic law is that compartment's
  volume times the rate, so transport between compartments of different volume is
  exact (amount leaving one = amount entering the other).
* Rate laws use ``+ - * / ^`` and parentheses over species, parameter, compartment
  and rule ids. Species ids are ``<cell>__<molecule>[_<state>]``.

Population models (the tumor-microenvironment layer) add these declared features:

* **Rules** (:class:`Rule`): named quantities computed from the state (SBML assignment
  rules) that rate laws may read — Hill terms, and **aggregates** whose expression is
  the sum of the contributions modules declare (``b.aggregate("C_total", "cell")``,
  ``b.contribute("C_total", "tumor_cells")``), so no module edits another's formula.
* **Cell-counted species** (unit ``cell``): amounts, not concentrations. A reaction
  among them has its rate in cells/min and no volume factor; a reaction may not mix
  them with concentration species.
* **Variable compartments**: ``Compartment.size_rule`` makes the volume a rule (the
  tumor interstitium follows its cells); concentrations in it then follow the volume
  and amounts are what is conserved.
* **Modifiers** (:class:`Modifier`): a factor that multiplies a named reaction's rate,
  declared by the module that causes it (MDSC suppression of T-cell killing), checked
  at build (the target must exist) and listed by ``describe``.
* **Populations** (:class:`Population`): a representative cell's module stands for
  ``count`` cells. Reactions of that cell that also move species of the shared
  extracellular compartment are split at build: the cell side keeps the per-cell rate,
  the extracellular side is weighted by ``count × V(cell compartment) / V(exchange)``,
  so secretion and receptor uptake conserve mass across populations.
* **State-triggered events**: ``Event.trigger`` (an expression) instead of a time.
"""
from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType
from typing import Iterable, Mapping

from .units import is_known

_ID_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class NetworkError(ValueError):
    """A Network element is malformed; the message names the element."""


@dataclass(frozen=True)
class Evidence:
    """Where a number or a mechanism comes from.

    ``refs`` are reference numbers of the review (To et al., Cancers 2022);
    ``source`` is free text: a paper, a label, a model file, or "assumed — calibrated
    to …". A value whose source has not been read is "assumed".
    """

    source: str
    refs: tuple[int, ...] = ()

    def __str__(self) -> str:
        r = f" [review {', '.join(map(str, self.refs))}]" if self.refs else ""
        return f"{self.source}{r}"

    @property
    def assumed(self) -> bool:
        return self.source.lower().startswith("assumed")


def _ev(e: Evidence | str) -> Evidence:
    return e if isinstance(e, Evidence) else Evidence(e)


@dataclass(frozen=True)
class Compartment:
    id: str
    size: float
    unit: str = "pL"
    name: str = ""
    evidence: Evidence = field(default_factory=lambda: Evidence("assumed"))
    #: an expression for the volume (an SBML assignment rule); ``size`` is then only the
    #: nominal value shown in tables
    size_rule: str | None = None


@dataclass(frozen=True)
class Species:
    """A molecular species. ``initial`` is a number or an expression over parameters
    (an SBML initial assignment, re-evaluated when parameters change)."""

    id: str
    compartment: str
    initial: float | str = 0.0
    unit: str = "nM"
    name: str = ""
    constant: bool = False

    @property
    def is_amount(self) -> bool:
        """Counted (cells), not a concentration."""
        return self.unit == "cell"


@dataclass(frozen=True)
class Parameter:
    id: str
    value: float
    unit: str
    evidence: Evidence
    description: str = ""

    @property
    def source(self) -> str:
        return str(self.evidence)


@dataclass(frozen=True)
class Reaction:
    """``reactants``/``products`` map species id -> stoichiometry; ``rate`` is in
    ``<species unit>/min`` in ``compartment``; ``modifiers`` are species read by the
    rate law that the reaction does not consume or produce."""

    id: str
    reactants: Mapping[str, float]
    products: Mapping[str, float]
    rate: str
    compartment: str
    name: str = ""
    evidence: Evidence = field(default_factory=lambda: Evidence("assumed"))


@dataclass(frozen=True)
class Observable:
    """A named readout computed from the state (an SBML assignment rule)."""

    id: str
    expression: str
    unit: str
    name: str = ""
    description: str = ""


@dataclass(frozen=True)
class Rule:
    """A quantity computed from the state that rate laws may read (an SBML assignment
    rule). ``contributors`` is set for aggregates: the expression is their sum."""

    id: str
    expression: str
    unit: str
    name: str = ""
    description: str = ""
    contributors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Modifier:
    """A factor multiplying the rate of reaction ``target`` (e.g. ``(1 - H_MDSC)`` on T-cell
    killing), declared by the module whose mechanism it is."""

    target: str
    factor: str
    evidence: Evidence
    description: str = ""


@dataclass(frozen=True)
class Population:
    """``count`` (a cell-counted species or a rule) cells share the module of ``cell``;
    their exchange with ``exchange`` (a compartment) is population-weighted."""

    cell: str
    count: str
    exchange: str


@dataclass(frozen=True)
class Event:
    """A change at ``time`` (min) or, if ``trigger`` is given, whenever that condition
    becomes true: set each target to its value/expression."""

    id: str
    time: float
    assignments: Mapping[str, float | str]
    trigger: str | None = None


@dataclass(frozen=True)
class Gene:
    """What knocking out a gene means in this Network: the parameters (levels,
    1 = wild type) that scale its expression or activity."""

    symbol: str
    level_parameters: tuple[str, ...]
    description: str = ""


@lru_cache(maxsize=None)
def symbols(expr: str) -> frozenset[str]:
    """The identifiers an expression reads (``^`` is power). Cached: every transformation
    of a Network (a knock-out, a parameter override, a subtype) re-validates the same rate
    laws, and parsing them was most of the time it took to build a scenario's Network.

    >>> sorted(symbols("k*A^2/(K + B)"))
    ['A', 'B', 'K', 'k']
    """
    try:
        tree = ast.parse(expr.replace("^", "**"), mode="eval")
    except SyntaxError as e:
        raise NetworkError(f"cannot parse expression {expr!r}: {e.msg}") from None
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in ALLOWED_FUNCTIONS:
                raise NetworkError(f"expression {expr!r} calls an unsupported function")
    return frozenset(out - set(ALLOWED_FUNCTIONS))


ALLOWED_FUNCTIONS = ("exp", "log", "pow", "abs")


@dataclass(frozen=True)
class Network:
    """A flat, validated, unit-annotated reaction network.

    ``stimuli`` (species id -> concentration) are added once the unstimulated steady
    state is reached (t = 0); ``schedule`` holds later additions ``(time_min, species id,
    concentration)`` — repeated doses, a second cytokine — which the engine applies
    between integration segments, so changing them never recompiles the model. Both are
    protocol, not model, and do not appear in the SBML.
    """

    name: str
    compartments: tuple[Compartment, ...]
    species: tuple[Species, ...]
    parameters: tuple[Parameter, ...]
    reactions: tuple[Reaction, ...]
    observables: tuple[Observable, ...] = ()
    events: tuple[Event, ...] = ()
    genes: tuple[Gene, ...] = ()
    stimuli: Mapping[str, float] = field(default_factory=dict)
    cells: tuple[str, ...] = ()
    schedule: tuple[tuple[float, str, float], ...] = ()
    rules: tuple[Rule, ...] = ()
    modifiers: tuple[Modifier, ...] = ()
    populations: tuple[Population, ...] = ()
    #: species turned into constants by ``model.reduce.without_zeros`` (zero at all times)
    reduced: tuple[str, ...] = ()
    #: species turned into assignment rules equal to another cell module's species
    #: (follower, leader) by ``model.reduce.without_copies``
    folded: tuple[tuple[str, str], ...] = ()
    #: (parameter, "zero" | "positive" | "=<parameter>") conditions that reduction relied
    #: on; runs must keep them
    pinned: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "stimuli", MappingProxyType(dict(self.stimuli)))
        self._validate()

    def unchecked_replace(self, **changes) -> "Network":
        """``dataclasses.replace`` without validation, for transformations that keep a
        validated Network valid by construction (``model.reduce``)."""
        new = object.__new__(Network)
        new.__dict__.update({k: v for k, v in self.__dict__.items() if k != "_structure_key"})
        new.__dict__.update(changes)
        return new

    # pickling (worker processes): a mappingproxy cannot be pickled, a dict can
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["stimuli"] = dict(self.stimuli)
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        state["stimuli"] = MappingProxyType(dict(state["stimuli"]))
        self.__dict__.update(state)

    # ---------------------------------------------------------------- lookups
    @property
    def species_ids(self) -> list[str]:
        return [s.id for s in self.species]

    @property
    def parameter_ids(self) -> list[str]:
        return [p.id for p in self.parameters]

    def parameter(self, pid: str) -> Parameter:
        for p in self.parameters:
            if p.id == pid:
                return p
        raise KeyError(f"no parameter {pid!r}")

    def species_by_id(self, sid: str) -> Species:
        for s in self.species:
            if s.id == sid:
                return s
        raise KeyError(f"no species {sid!r}")

    def gene(self, symbol: str) -> Gene:
        for g in self.genes:
            if g.symbol.upper() == symbol.upper():
                return g
        raise KeyError(symbol)

    @property
    def stimulus_species(self) -> list[str]:
        """Species that can be set as a stimulus: the extracellular (medium) ones."""
        return [s.id for s in self.species if s.compartment == "medium"]

    # ------------------------------------------------------------- validation
    def _validate(self) -> None:
        seen: dict[str, str] = {}
        groups = (
            ("compartment", self.compartments),
            ("species", self.species),
            ("parameter", self.parameters),
            ("reaction", self.reactions),
            ("observable", self.observables),
            ("event", self.events),
            ("rule", self.rules),
        )
        for kind, elems in groups:
            for e in elems:
                if not _ID_RE.match(e.id):
                    raise NetworkError(f"{kind} id {e.id!r} is not a valid identifier")
                if e.id in seen:
                    raise NetworkError(f"duplicate id {e.id!r} ({seen[e.id]} and {kind})")
                seen[e.id] = kind
        comps = {c.id for c in self.compartments}
        for c in self.compartments:
            if not (c.size > 0):
                raise NetworkError(f"compartment {c.id!r} must have a positive size, got {c.size}")
            if not is_known(c.unit):
                raise NetworkError(f"compartment {c.id!r} has unknown unit {c.unit!r}")
        params = {p.id for p in self.parameters}
        for p in self.parameters:
            if not p.unit or not is_known(p.unit):
                raise NetworkError(f"parameter {p.id!r} has a missing or unknown unit {p.unit!r}")
            if not p.evidence or not p.evidence.source.strip():
                raise NetworkError(f"parameter {p.id!r} has no source")
            if not isinstance(p.value, (int, float)) or p.value != p.value:
                raise NetworkError(f"parameter {p.id!r} has a non-numeric value {p.value!r}")
        for s in self.species:
            if s.compartment not in comps:
                raise NetworkError(f"species {s.id!r} is in unknown compartment {s.compartment!r}")
            if not is_known(s.unit):
                raise NetworkError(f"species {s.id!r} has a missing or unknown unit {s.unit!r}")
            if isinstance(s.initial, str):
                unknown = symbols(s.initial) - params - comps
                if unknown:
                    raise NetworkError(
                        f"initial value of species {s.id!r} reads unknown symbol(s) {sorted(unknown)}"
                    )
            elif s.initial < 0:
                raise NetworkError(f"species {s.id!r} has a negative initial amount {s.initial}")
        sids = {s.id for s in self.species}
        rule_ids = {r.id for r in self.rules}
        readable = sids | params | comps | rule_ids
        for ru in self.rules:
            if not is_known(ru.unit):
                raise NetworkError(f"rule {ru.id!r} has unknown unit {ru.unit!r}")
            unknown = symbols(ru.expression) - readable
            if unknown:
                raise NetworkError(f"rule {ru.id!r} reads unknown symbol(s) {sorted(unknown)}")
        self._check_rule_cycles()
        for c in self.compartments:
            if c.size_rule is not None:
                unknown = symbols(c.size_rule) - readable
                if unknown:
                    raise NetworkError(f"volume rule of compartment {c.id!r} reads unknown symbol(s) {sorted(unknown)}")
        amount = {s.id for s in self.species if s.is_amount}
        all_rxn = {r.id for r in self.reactions}
        plain_rxn = {r.id for r in self.reactions if not symbols(r.rate) & all_rxn}
        for r in self.reactions:
            moved = set(r.reactants) | set(r.products)
            if moved & amount and moved - amount:
                raise NetworkError(f"reaction {r.id!r} mixes cell-counted and concentration species "
                                   f"({sorted(moved & amount)} with {sorted(moved - amount)})")
            if r.compartment not in comps:
                raise NetworkError(f"reaction {r.id!r} is in unknown compartment {r.compartment!r}")
            for sp in list(r.reactants) + list(r.products):
                if sp not in sids:
                    raise NetworkError(f"reaction {r.id!r} names unknown species {sp!r}")
            # a rate law may read other reactions' rates (SBML), if those read none themselves
            unknown = symbols(r.rate) - readable - (plain_rxn - {r.id})
            if unknown:
                raise NetworkError(f"rate law of reaction {r.id!r} reads unknown symbol(s) {sorted(unknown)}")
        obs_ids: set[str] = set()
        rxn_ids = {r.id for r in self.reactions}  # an observable may read a reaction's rate (SBML)
        for o in self.observables:
            unknown = symbols(o.expression) - readable - obs_ids - rxn_ids
            if unknown:
                raise NetworkError(f"observable {o.id!r} reads unknown symbol(s) {sorted(unknown)}")
            if not is_known(o.unit):
                raise NetworkError(f"observable {o.id!r} has unknown unit {o.unit!r}")
            obs_ids.add(o.id)
        rids = {r.id for r in self.reactions}
        for m in self.modifiers:
            if m.target not in rids:
                raise NetworkError(f"modifier {m.factor!r} targets unknown reaction {m.target!r}")
            unknown = symbols(m.factor) - readable
            if unknown:
                raise NetworkError(f"modifier on {m.target!r} reads unknown symbol(s) {sorted(unknown)}")
        for pop in self.populations:
            if pop.count not in sids | rule_ids | params:  # a parameter: a population reduced to 0
                raise NetworkError(f"population of {pop.cell!r} counts unknown species or rule {pop.count!r}")
            if pop.exchange not in comps:
                raise NetworkError(f"population of {pop.cell!r} exchanges with unknown compartment {pop.exchange!r}")
        for ev in self.events:
            if ev.trigger is not None:
                unknown = symbols(ev.trigger) - readable
                if unknown:
                    raise NetworkError(f"event {ev.id!r} trigger reads unknown symbol(s) {sorted(unknown)}")
            if ev.time < 0:
                raise NetworkError(f"event {ev.id!r} has a negative time")
            for tgt, val in ev.assignments.items():
                if tgt not in sids | params:
                    raise NetworkError(f"event {ev.id!r} assigns unknown target {tgt!r}")
                if isinstance(val, str) and symbols(val) - readable:
                    raise NetworkError(f"event {ev.id!r} reads unknown symbol(s) {sorted(symbols(val) - readable)}")
        for g in self.genes:
            for pid in g.level_parameters:
                if pid not in params:
                    raise NetworkError(f"gene {g.symbol!r} names unknown parameter {pid!r}")
        for sid, val in self.stimuli.items():
            if sid not in sids:
                raise NetworkError(f"stimulus names unknown species {sid!r}")
            if not (val >= 0) or val == float("inf"):
                raise NetworkError(f"stimulus {sid!r} must be a finite non-negative concentration, got {val}")
        for t, sid, val in self.schedule:
            if sid not in sids:
                raise NetworkError(f"scheduled stimulus names unknown species {sid!r}")
            if not (t > 0) or t == float("inf"):
                raise NetworkError(f"scheduled stimulus {sid!r} needs a finite time > 0 min, got {t}")
            if not (val >= 0) or val == float("inf"):
                raise NetworkError(f"scheduled stimulus {sid!r} must be a finite non-negative concentration, got {val}")

    def _check_rule_cycles(self) -> None:
        deps = {r.id: symbols(r.expression) for r in self.rules}
        state: dict[str, int] = {}

        def visit(n: str, path: tuple[str, ...]) -> None:
            if state.get(n) == 2:
                return
            if state.get(n) == 1:
                raise NetworkError(f"rules form a cycle: {' -> '.join(path + (n,))}")
            state[n] = 1
            for d in deps[n]:
                if d in deps:
                    visit(d, path + (n,))
            state[n] = 2

        for rid in deps:
            visit(rid, ())

    def rules_in_order(self) -> list[Rule]:
        """Rules sorted so that each comes after the rules it reads."""
        by_id = {r.id: r for r in self.rules}
        out: list[Rule] = []
        done: set[str] = set()

        def visit(r: Rule) -> None:
            if r.id in done:
                return
            done.add(r.id)
            for d in sorted(symbols(r.expression)):
                if d in by_id:
                    visit(by_id[d])
            out.append(r)

        for r in self.rules:
            visit(r)
        return out

    # -------------------------------------------------------- transformations
    def with_parameters(self, values: Mapping[str, float]) -> "Network":
        """A new Network with some parameter values replaced (sources kept, marked overridden)."""
        known = set(self.parameter_ids)
        for k in values:
            if k not in known:
                raise NetworkError(f"unknown parameter {k!r}")
        params = tuple(
            replace(p, value=float(values[p.id]),
                    evidence=Evidence(f"override (was {p.value:g}: {p.evidence})", p.evidence.refs))
            if p.id in values else p
            for p in self.parameters
        )
        return replace(self, parameters=params)

    def knockdown(self, symbol: str, level: float) -> "Network":
        """Scale a gene's expression/activity to ``level`` (0 = knock-out, 1 = wild type)."""
        if level < 0:
            raise NetworkError(f"knock-down level must be ≥ 0, got {level}")
        try:
            g = self.gene(symbol)
        except KeyError:
            raise NetworkError(
                f"unknown gene {symbol!r}; knockable genes: {', '.join(sorted({g.symbol for g in self.genes}))}"
            ) from None
        return self.with_parameters({pid: self.parameter(pid).value * level for pid in g.level_parameters})

    def knockout(self, symbol: str) -> "Network":
        return self.knockdown(symbol, 0.0)

    def with_stimulus(self, stimuli: Mapping[str, float], at: float = 0.0) -> "Network":
        """A new Network whose protocol adds these concentrations (nM) to their species at
        ``at`` minutes after the unstimulated steady state (0 = the start of the run).

        >>> from stat3sim.model.signaling import signaling_network
        >>> two_doses = signaling_network().with_stimulus({"IL6": 1.0}).with_stimulus({"IL6": 1.0}, at=60)
        >>> two_doses.schedule
        ((60.0, 'IL6', 1.0),)
        """
        if at == 0:
            merged = dict(self.stimuli)
            merged.update({k: float(v) for k, v in stimuli.items()})
            return replace(self, stimuli=merged)
        added = tuple((float(at), k, float(v)) for k, v in stimuli.items())
        return replace(self, schedule=tuple(sorted(self.schedule + added, key=lambda e: e[0])))

    def merge(self, other: "Network", name: str | None = None) -> "Network":
        """Union of two Networks; shared compartments/parameters must be identical."""
        def union(a: Iterable, b: Iterable):
            out = {e.id: e for e in a}
            for e in b:
                if e.id in out and out[e.id] != e:
                    raise NetworkError(f"cannot merge: {e.id!r} differs between the two networks")
                out[e.id] = e
            return tuple(out.values())
        genes = {g.symbol: g for g in self.genes}
        for g in other.genes:
            if g.symbol in genes:
                genes[g.symbol] = Gene(g.symbol, genes[g.symbol].level_parameters + g.level_parameters, g.description)
            else:
                genes[g.symbol] = g
        return Network(
            name=name or f"{self.name}+{other.name}",
            compartments=union(self.compartments, other.compartments),
            species=union(self.species, other.species),
            parameters=union(self.parameters, other.parameters),
            reactions=union(self.reactions, other.reactions),
            observables=union(self.observables, other.observables),
            events=union(self.events, other.events),
            genes=tuple(genes.values()),
            stimuli={**self.stimuli, **other.stimuli},
            schedule=tuple(sorted(self.schedule + other.schedule, key=lambda e: e[0])),
            cells=tuple(dict.fromkeys(self.cells + other.cells)),
            rules=union(self.rules, other.rules),
            modifiers=tuple(dict.fromkeys(self.modifiers + other.modifiers)),
            populations=tuple(dict.fromkeys(self.populations + other.populations)),
            reduced=tuple(dict.fromkeys(self.reduced + other.reduced)),
            folded=tuple(dict.fromkeys(self.folded + other.folded)),
            pinned=tuple(sorted(dict(self.pinned + other.pinned).items())),
        )


class NetworkBuilder:
    """Mutable accumulator used by model modules; ``build()`` returns a validated Network."""

    def __init__(self, name: str):
        self.name = name
        self._comps: dict[str, Compartment] = {}
        self._species: dict[str, Species] = {}
        self._params: dict[str, Parameter] = {}
        self._rxns: dict[str, Reaction] = {}
        self._obs: dict[str, Observable] = {}
        self._events: dict[str, Event] = {}
        self._genes: dict[str, Gene] = {}
        self._rules: dict[str, Rule] = {}
        self._aggregates: dict[str, tuple[str, str, str]] = {}
        self._contrib: dict[str, list[str]] = {}
        self._modifiers: list[Modifier] = []
        self._populations: dict[str, Population] = {}
        self.cells: list[str] = []

    def _put(self, table: dict, elem) -> str:
        if elem.id in table and table[elem.id] != elem:
            raise NetworkError(f"duplicate id {elem.id!r} with a different definition")
        table[elem.id] = elem
        return elem.id

    def compartment(self, id: str, size: float, unit: str = "pL", name: str = "", source: Evidence | str = "assumed",
                    size_rule: str | None = None) -> str:
        return self._put(self._comps, Compartment(id, size, unit, name, _ev(source), size_rule))

    def rule(self, id: str, expression: str, unit: str, name: str = "", description: str = "") -> str:
        """A named quantity computed from the state that rate laws may read."""
        return self._put(self._rules, Rule(id, expression, unit, name, description))

    def aggregate(self, id: str, unit: str, name: str = "", description: str = "") -> str:
        """Declare a sum whose terms modules add with :meth:`contribute`."""
        if id in self._aggregates and self._aggregates[id] != (unit, name, description):
            raise NetworkError(f"aggregate {id!r} declared twice differently")
        self._aggregates[id] = (unit, name, description)
        self._contrib.setdefault(id, [])
        return id

    def drive(self, pid: str, expression: str, description: str = "") -> str:
        """Turn a declared parameter (an input such as a drug concentration at a cell,
        0 by default) into a rule: its value is ``expression`` of the state from now on."""
        if pid not in self._params:
            raise NetworkError(f"cannot drive {pid!r}: no such parameter")
        par = self._params.pop(pid)
        return self.rule(pid, expression, par.unit, par.description or pid,
                         description or f"driven input (was parameter {par.value:g} {par.unit})")

    def contribute(self, aggregate: str, term: str) -> None:
        """Add a term to an aggregate (declared before or after)."""
        self._contrib.setdefault(aggregate, []).append(term)

    def modifier(self, target: str, factor: str, source: Evidence | str, description: str = "") -> None:
        """Multiply reaction ``target``'s rate by ``factor`` (checked and applied at build)."""
        self._modifiers.append(Modifier(target, factor, _ev(source), description))

    def population(self, cell: str, count: str, exchange: str) -> None:
        """``count`` cells share ``cell``'s module; exchange with ``exchange`` is population-weighted."""
        if cell in self._populations and self._populations[cell] != Population(cell, count, exchange):
            raise NetworkError(f"population of {cell!r} declared twice differently")
        self._populations[cell] = Population(cell, count, exchange)

    def species(self, id: str, compartment: str, initial: float | str = 0.0, unit: str = "nM", name: str = "") -> str:
        return self._put(self._species, Species(id, compartment, initial, unit, name))

    def parameter(self, id: str, value: float, unit: str, source: Evidence | str, description: str = "") -> str:
        return self._put(self._params, Parameter(id, float(value), unit, _ev(source), description))

    def reaction(self, id: str, reactants: Mapping[str, float] | Iterable[str], products: Mapping[str, float] | Iterable[str],
                 rate: str, compartment: str, name: str = "", source: Evidence | str = "assumed") -> str:
        def stoich(x):
            return dict(x) if isinstance(x, Mapping) else {s: 1.0 for s in x}
        return self._put(self._rxns, Reaction(id, stoich(reactants), stoich(products), rate, compartment, name, _ev(source)))

    def observable(self, id: str, expression: str, unit: str, name: str = "", description: str = "") -> str:
        return self._put(self._obs, Observable(id, expression, unit, name, description))

    def gene(self, symbol: str, *level_parameters: str, description: str = "") -> None:
        if symbol in self._genes:
            old = self._genes[symbol]
            self._genes[symbol] = Gene(symbol, old.level_parameters + tuple(level_parameters), old.description or description)
        else:
            self._genes[symbol] = Gene(symbol, tuple(level_parameters), description)

    def event(self, id: str, time: float, assignments: Mapping[str, float | str], trigger: str | None = None) -> str:
        return self._put(self._events, Event(id, time, dict(assignments), trigger))

    def has(self, id: str) -> bool:
        return any(id in t for t in (self._comps, self._species, self._params, self._rxns, self._obs, self._rules,
                                     self._aggregates))

    def build(self) -> Network:
        rules = dict(self._rules)
        for aid, terms in self._contrib.items():
            if aid not in self._aggregates:
                raise NetworkError(f"contribution to undeclared aggregate {aid!r}")
            unit, name, desc = self._aggregates[aid]
            if not terms:
                raise NetworkError(f"aggregate {aid!r} has no contributors")
            if aid in rules:
                raise NetworkError(f"duplicate id {aid!r} (rule and aggregate)")
            rules[aid] = Rule(aid, " + ".join(f"({t})" for t in terms), unit, name, desc, tuple(terms))
        rxns = dict(self._rxns)
        for m in self._modifiers:
            if m.target not in rxns:
                raise NetworkError(f"modifier {m.factor!r} targets unknown reaction {m.target!r}")
            r = rxns[m.target]
            rxns[m.target] = replace(r, rate=f"({r.rate})*({m.factor})")
        species = dict(self._species)
        pops = tuple(self._populations.values())
        if pops:
            rxns = _split_population_reactions(rxns, species, self._comps, pops)
        return Network(
            name=self.name,
            compartments=tuple(self._comps.values()),
            species=tuple(species.values()),
            parameters=tuple(self._params.values()),
            reactions=tuple(rxns.values()),
            observables=tuple(self._obs.values()),
            events=tuple(self._events.values()),
            genes=tuple(self._genes.values()),
            cells=tuple(self.cells),
            rules=tuple(rules.values()),
            modifiers=tuple(self._modifiers),
            populations=pops,
        )


def _split_population_reactions(rxns: dict[str, Reaction], species: dict[str, Species],
                                comps: dict[str, Compartment], pops: tuple[Population, ...]) -> dict[str, Reaction]:
    """Split each reaction of a population's cell that also moves species of its exchange
    compartment: the cell side keeps the per-cell rate; the exchange side (id suffix
    ``__pop``) moves ``count × V(cell compartment)/V(exchange)`` times as much, so the
    amount leaving the exchange compartment equals what all ``count`` cells take up."""
    out: dict[str, Reaction] = {}
    by_comp = {}
    for p in pops:
        for cid in comps:
            if cid.startswith(f"{p.cell}__"):
                by_comp[cid] = p
    for rid, r in rxns.items():
        p = by_comp.get(r.compartment)
        if p is None:
            out[rid] = r
            continue
        outside = lambda sp: species[sp].compartment == p.exchange
        ext_r = {k: v for k, v in r.reactants.items() if outside(k)}
        ext_p = {k: v for k, v in r.products.items() if outside(k)}
        if not ext_r and not ext_p:
            out[rid] = r
            continue
        foreign = [k for k in list(r.reactants) + list(r.products)
                   if not outside(k) and not species[k].compartment.startswith(f"{p.cell}__")]
        if foreign:
            raise NetworkError(f"reaction {rid!r} of population {p.cell!r} moves species outside the cell and "
                               f"its exchange compartment: {foreign}")
        cell_r = {k: v for k, v in r.reactants.items() if not outside(k)}
        cell_p = {k: v for k, v in r.products.items() if not outside(k)}
        if cell_r or cell_p:
            out[rid] = replace(r, reactants=cell_r, products=cell_p)
        out[f"{rid}__pop"] = Reaction(
            f"{rid}__pop", ext_r, ext_p, f"({r.rate})*{p.count}*{r.compartment}/{p.exchange}", p.exchange,
            f"{r.name or rid} (all {p.cell} cells, population-weighted)", r.evidence)
    return out


def hill(x: str, K: str, n: str | int = 1) -> str:
    """Rate-law text of an activating Hill function x^n/(K^n + x^n) (0..1)."""
    if str(n) == "1":
        return f"({x}/({K} + {x}))"
    return f"(({x})^{n}/(({K})^{n} + ({x})^{n}))"


def structure_key(net: Network) -> str:
    """Hash of everything that needs a recompile (not parameter values or stimuli). A
    Network is immutable, so the key is kept on it after the first call (~7 ms for the TME
    model, asked twice per ``runs.simulate``; ``unchecked_replace`` drops it). The engine
    keys compiled models by it, ``model.reduce`` its kept proofs."""
    cached = net.__dict__.get("_structure_key")
    if cached is not None:
        return cached
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
    h.update(f"P{net.pinned}|{net.folded}".encode())
    key = h.hexdigest()
    object.__setattr__(net, "_structure_key", key)
    return key
