"""Exact model reduction: species that are zero at all times become constants, and
species equal at all times to another cell module's become rules (:func:`reduce_network`).

A scenario's Network carries every module of every cell type, whether or not the
scenario uses it. In the `tnbc` tumor-microenvironment model 40 of its 325 species are
zero from start to end: ligands nobody makes (LPS, EGF, S1P, …), the IL-11 receptor
branch of cells that do not express IL-11Rα (``R0_IL11RA = 0``), the IL-6R branch of
adipose stromal cells, an absent cell population. CVODE still carries them in its
dense Newton matrix, whose LU factorisation (n³) is the largest cost of a run.

:func:`without_zeros` proves which species stay zero and turns them into parameters
fixed at 0. The proof is symbolic, not numerical, so the reduced model gives the same
trajectories as the full one (to the solver's tolerance):

* a **candidate** is a species whose initial value is 0 (a number, or an expression
  that is zero by its form, such as ``R0_IL11RA*lvl_IL11RA`` with ``R0_IL11RA = 0``) and
  that no stimulus, dose or event sets (``keep`` names the protocol's targets);
* a rate law is **provably zero** when, with the candidates, the zero-valued model
  parameters and the rules that are zero by the same argument set to 0, it is zero by
  its form: a product with a zero factor, a quotient with a zero numerator, a sum of
  zeros, a zero raised to a positive power. Anything else (``exp``, ``log``, a
  difference of non-zeros) counts as non-zero;
* a candidate that some reaction with a rate law not provably zero produces or
  consumes is dropped, and the check repeats until nothing changes (a fixed point).

What the proof relied on is recorded in the reduced Network's ``pinned``: parameters
that must stay 0 (and exponents that must stay > 0). ``Simulator.run`` refuses a run
that sets one otherwise. Only zeros that are part of the model's definition count:
a parameter set by a perturbation (``Network.with_parameters`` marks its source
"override": knock-outs, an arm's or the user's ``--set``) is not relied on, so a
scenario's arms share one compiled model.

:func:`without_copies` then finds, by partition refinement, the species of one cell
module that equal another module's at all times (same start, same right-hand side once
the pairs are identified, every other name read of equal value: exact lumping) and makes
them assignment rules reading the leader's species. In `tnbc` the MDSC, DC, neutrophil
and CD8+ T-cell modules copy 83 species; the network goes from 325 to 202 states and a
180-day run costs ~40 % of the full model's. Equal parameters the proof read are pinned
as ``"=<leader parameter>"``.

Both proofs are kept per process (64 of each) under exactly what they read: the zero proof
under the structure, which parameters are 0 and which > 0 by definition, and which species
start at 0; the module templates under the structure and the numeric initial values. A
network built again, or a cohort's patient whose positive values differ, reuses them; the
value comparisons of the copy proof are redone each time (test: the kept proofs give the
reduction computed afresh).
"""
from __future__ import annotations

import ast
import re
from dataclasses import replace
from functools import lru_cache
from typing import Iterable

from .network import Evidence, Network, Parameter, Reaction, Rule, structure_key, symbols

#: the source of a parameter set by a perturbation (``Network.with_parameters``)
_OVERRIDE = "override"

#: proofs kept per process, keyed by everything they read (:func:`_fingerprint` and the
#: inputs named at each use); a cohort's patients share their model's structure
_CACHE_SIZE = 64
_ZERO_PLANS: dict[tuple, tuple] = {}
_TEMPLATES: dict[tuple, dict] = {}


def _remember(cache: dict, key: tuple, value):
    if len(cache) >= _CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value
    return value


def _fingerprint(net: Network) -> tuple:
    """What the proofs read of a Network's structure: its structure key (species,
    reactions, rules, observables, events, parameter ids; not parameter values or numeric
    initial values, which each use adds as it reads them) and its rules' units."""
    return structure_key(net), tuple(ru.unit for ru in net.rules)


@lru_cache(maxsize=None)
def _parse(expr: str) -> ast.expr:
    return ast.parse(expr.replace("^", "**"), mode="eval").body


@lru_cache(maxsize=None)
def _zero_constant(expr: str) -> bool:
    """Does the expression contain a literal 0 (else it can be zero only through a symbol)?"""
    return any(isinstance(n, ast.Constant) and n.value == 0 for n in ast.walk(_parse(expr)))


class _Zero:
    """Is an expression zero by its form, given symbols known to be zero?"""

    def __init__(self, zero: set[str], positive: dict[str, float]):
        self.zero = zero
        self.positive = positive  # parameters (> 0) an exponent may read
        self.exponents: set[str] = set()  # the ones a proof used

    def text(self, expr: str) -> bool:
        """The test on an expression's text: most read no zero symbol (no parsing); the
        rest are remembered by the zero and positive symbols they read."""
        syms = symbols(expr)
        if self.zero.isdisjoint(syms) and not _zero_constant(expr):
            return False
        pos = frozenset(k for k in syms if k in self.positive)
        zero, exps = _zero_text(expr, frozenset(syms & self.zero), pos)
        self.exponents |= exps
        return zero

    def __call__(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and node.value == 0
        if isinstance(node, ast.Name):
            return node.id in self.zero
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self(node.operand)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Mult):
                return self(node.left) or self(node.right)
            if isinstance(node.op, ast.Div):
                return self(node.left) and not self(node.right)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return self(node.left) and self(node.right)
            if isinstance(node.op, ast.Pow):
                return self(node.left) and self._positive(node.right)
            return False
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "pow" \
                and len(node.args) == 2:
            return self(node.args[0]) and self._positive(node.args[1])
        return False

    def _positive(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, (int, float)) and node.value > 0
        if isinstance(node, ast.Name) and node.id in self.positive:
            self.exponents.add(node.id)
            return True
        return False


@lru_cache(maxsize=200_000)
def _zero_text(expr: str, zero: frozenset[str], positive: frozenset[str]) -> tuple[bool, frozenset[str]]:
    test = _Zero(set(zero), dict.fromkeys(positive, 1.0))
    return test(_parse(expr)), frozenset(test.exponents)


def structural_zeros(net: Network, keep: Iterable[str] = ()) -> tuple[set[str], dict[str, str]]:
    """(species that are zero at all times, {parameter: "zero" | "positive"} the proof
    relied on). ``keep``: species a protocol sets (stimuli, doses), never counted zero."""
    zeros, pinned, _ = _zero_plan(net, keep)
    return set(zeros), dict(pinned)


def _zero_plan(net: Network, keep: Iterable[str]) -> tuple[frozenset, tuple, frozenset]:
    """(zero species, pinned items, ids of the reactions then dropped). The proof reads the
    structure, which parameters are 0 and which > 0 by definition, and which species start
    at 0: it is kept under that key, so networks that differ only in positive values (a
    cohort's patients) share it."""
    keep = set(keep) | set(net.stimuli) | {sid for _, sid, _ in net.schedule}
    event_targets = {t for ev in net.events for t in ev.assignments}
    keep |= event_targets
    by_definition = [p for p in net.parameters
                     if p.id not in event_targets and not str(p.evidence).startswith(_OVERRIDE)]
    zero_params = {p.id for p in by_definition if p.value == 0}
    positive = {p.id: p.value for p in by_definition if p.value > 0}
    key = (_fingerprint(net), frozenset(keep), frozenset(zero_params), frozenset(positive),
           frozenset(s.id for s in net.species if not isinstance(s.initial, str) and s.initial == 0))
    if key in _ZERO_PLANS:
        return _ZERO_PLANS[key]
    zeros, pinned = _prove_zeros(net, keep, zero_params, positive)
    return _remember(_ZERO_PLANS, key, (frozenset(zeros), tuple(sorted(pinned.items())),
                                        _dropped_reactions(net, zeros, pinned)))


def _prove_zeros(net: Network, keep: set[str], zero_params: set[str],
                 positive: dict[str, float]) -> tuple[set[str], dict[str, str]]:
    start = _Zero(set(zero_params), positive)
    cand = {s.id for s in net.species if s.id not in keep and
            (start.text(s.initial) if isinstance(s.initial, str) else s.initial == 0)}
    rates = {r.id: r.rate for r in net.reactions}
    rules = [(ru.id, ru.expression) for ru in net.rules_in_order()]
    # only reactions that produce or consume a candidate can drop one
    moved = {}
    for r in net.reactions:
        m = {sid for sid in cand & (set(r.reactants) | set(r.products))
             if r.products.get(sid, 0.0) != r.reactants.get(sid, 0.0)}
        if m:
            moved[r.id] = m
    # ... and only the rules their rate laws read (directly or through other rules)
    rule_ids = {rid for rid, _ in rules}
    needed = set().union(*(symbols(rates[rid]) for rid in moved)) & rule_ids if moved else set()
    frontier = set(needed)
    exprs = dict(rules)
    while frontier:
        more = set().union(*(symbols(exprs[r]) for r in frontier)) & rule_ids - needed
        needed |= more
        frontier = more
    rules = [(rid, e) for rid, e in rules if rid in needed]
    while True:
        zero = set(cand) | zero_params
        test = _Zero(zero, positive)
        for rid, expr in rules:
            if test.text(expr):
                zero.add(rid)
        # a reaction that reads another's rate sees it as non-zero (conservative)
        dropped = {sid for rid, m in moved.items() if m & cand and not test.text(rates[rid]) for sid in m & cand}
        if not dropped:
            break
        cand -= dropped
    used = set()
    for expr in [*rates.values(), *(e for _, e in rules)]:
        used |= symbols(expr)
    pinned = {pid: "zero" for pid in zero_params & used}
    pinned.update({pid: "positive" for pid in test.exponents | start.exponents})
    return cand, pinned


def _dropped_reactions(net: Network, zeros: set[str], pinned: dict[str, str]) -> frozenset:
    """Reactions whose rate is zero once the zero species and parameters are 0 (and that
    no rate law reads by name)."""
    if not zeros:
        return frozenset()
    zero_syms = zeros | {pid for pid, kind in pinned.items() if kind == "zero"}
    test = _Zero(set(zero_syms), {})
    for ru in net.rules_in_order():
        if test.text(ru.expression):
            test.zero.add(ru.id)
    read = set()
    for e in [*(r.rate for r in net.reactions), *(o.expression for o in net.observables),
              *(ru.expression for ru in net.rules)]:
        read |= symbols(e)
    return frozenset(r.id for r in net.reactions if test.text(r.rate) and r.id not in read)


def _without_species(r: Reaction, gone) -> Reaction:
    """The reaction no longer moving ``gone`` species (constants or rules now)."""
    if gone.isdisjoint(r.reactants) and gone.isdisjoint(r.products):
        return r
    return replace(r, reactants={k: v for k, v in r.reactants.items() if k not in gone},
                   products={k: v for k, v in r.products.items() if k not in gone})


def without_zeros(net: Network, keep: Iterable[str] = ()) -> Network:
    """The Network with its always-zero species (:func:`structural_zeros`) turned into
    parameters fixed at 0 and the reactions whose rate is then zero removed. The result
    records them in ``reduced`` and the parameters the proof relied on in ``pinned``."""
    zeros, pinned, dropped = _zero_plan(net, keep)
    if not zeros:
        return net
    pinned = dict(pinned)
    reactions = [_without_species(r, zeros) for r in net.reactions if r.id not in dropped]
    rids = {r.id for r in reactions}
    gone = [s for s in net.species if s.id in zeros]
    params = tuple(net.parameters) + tuple(
        Parameter(s.id, 0.0, s.unit, Evidence("structurally zero in this network (stat3sim.model.reduce)"),
                  f"species {s.name or s.id}, zero at all times here: a constant") for s in gone)
    # derived from a validated Network by removing what reads as 0: not validated again
    # (~20 ms a call; tests validate reduced networks)
    return net.unchecked_replace(species=tuple(s for s in net.species if s.id not in zeros), parameters=params,
                                 reactions=tuple(reactions), modifiers=tuple(m for m in net.modifiers if m.target in rids),
                                 reduced=tuple(s.id for s in gone), pinned=tuple(sorted(pinned.items())))


# ------------------------------------------------------------------ identical cell modules
class _Index:
    """What module_copies reads of a Network, computed once per reduction: each cell
    module's species equations with the module's prefix written as a placeholder."""

    def __init__(self, net: Network):
        self.net = net
        self.species = {s.id: s for s in net.species}
        self.values = {p.id: p.value for p in net.parameters}
        self.sizes = {c.id: (c.size, c.size_rule) for c in net.compartments}
        self.rules = {r.id: r for r in net.rules}
        self._rhs: dict[str, list[tuple[float, str, str]]] | None = None
        # the templates read the structure and the numeric initial values only: kept
        # across calls (a cohort's patients differ in parameter values)
        key = (_fingerprint(net), tuple(None if isinstance(s.initial, str) else s.initial for s in net.species))
        self._templates: dict[str, dict] = _TEMPLATES.get(key) or _remember(_TEMPLATES, key, {})

    @property
    def rhs(self) -> dict[str, list[tuple[float, str, str]]]:
        if self._rhs is None:
            self._rhs = {}
            for r in self.net.reactions:
                for sid in set(r.reactants) | set(r.products):
                    st = r.products.get(sid, 0.0) - r.reactants.get(sid, 0.0)
                    if st:
                        self._rhs.setdefault(sid, []).append((st, r.rate, r.compartment))
        return self._rhs

    def templates(self, cell: str) -> dict[str, tuple]:
        """{x: (equation template, the module's species and rules it reads, its other
        module names)} for each species and each rule ``cell__x`` (a rule's equation is
        its expression)."""
        if cell not in self._templates:
            head = cell + "__"
            pattern = re.compile(rf"\b{re.escape(head)}")
            out = {}

            def entry(names: set[str], form: tuple) -> tuple:
                mine = {n for n in names if n.startswith(head)}
                own = {n[len(head):] for n in mine if n in self.species or n in self.rules}
                return form, own, {n[len(head):] for n in mine} - own

            for sid, sp in self.species.items():
                if not sid.startswith(head):
                    continue
                terms = self.rhs.get(sid, [])
                names = set(symbols(sp.initial)) if isinstance(sp.initial, str) else set()
                names.add(sp.compartment)
                for _, rate, comp in terms:
                    names |= symbols(rate)
                    names.add(comp)
                form = ("species", isinstance(sp.initial, str), pattern.sub("@__", str(sp.initial)), sp.unit,
                        pattern.sub("@__", sp.compartment),
                        tuple(sorted((st, pattern.sub("@__", rate), pattern.sub("@__", comp)) for st, rate, comp in terms)))
                out[sid[len(head):]] = entry(names, form)
            for rid, ru in self.rules.items():
                if rid.startswith(head):
                    out[rid[len(head):]] = entry(set(symbols(ru.expression)),
                                                 ("rule", pattern.sub("@__", ru.expression), ru.unit))
            self._templates[cell] = out
        return self._templates[cell]


def module_copies(net: Network, leader: str, follower: str, keep: Iterable[str] = (),
                  index: _Index | None = None) -> tuple[set[str], dict[str, str]]:
    """(species ``x`` of cell module ``follower`` whose ``follower__x`` equals the leader's
    ``leader__x`` at all times, {follower parameter: leader parameter} of equal value the
    proof read).

    The set is the largest for which each pair starts at the same value and, once the
    pairs are identified, has the same right-hand side: each reaction's stoichiometry,
    rate law and compartment are the leader's with ``follower__`` written ``leader__``,
    and every follower name they read is a paired species, a rule paired the same way
    (same expression, reading only paired names) or a parameter or compartment of equal
    value (exact lumping of two copies of one module). The result holds while
    those values stay equal (``pinned``)."""
    ix = index or _Index(net)
    keep = set(keep)
    fh, lh = follower + "__", leader + "__"
    lead_t, fol_t = ix.templates(leader), ix.templates(follower)
    verdict: dict[str, bool] = {}

    def same(n: str) -> bool:  # a follower parameter or compartment equal to the leader's
        if n not in verdict:
            ok = False
            for table in (ix.values, ix.sizes):
                if fh + n in table:
                    ok = lh + n in table and table[lh + n] == table[fh + n]
                    break
            verdict[n] = ok
        return verdict[n]

    cand = {x for x, (form, _, others) in fol_t.items()
            if x in lead_t and lead_t[x][0] == form and fh + x not in keep and lh + x not in keep
            and all(same(n) for n in others)}
    while True:
        bad = {x for x in cand if not fol_t[x][1] <= cand}
        if not bad:
            break
        cand -= bad
    used = set().union(*(fol_t[x][2] for x in cand)) if cand else set()
    return {x for x in cand if fh + x in ix.species}, {fh + n: lh + n for n in used if fh + n in ix.values}


def without_copies(net: Network, keep: Iterable[str] = ()) -> Network:
    """The Network with each cell module's species that equal another module's at all
    times (:func:`module_copies`; in `tnbc` the MDSC, DC, macrophage and CD8+ T-cell
    signaling modules copy the neutrophil's, as they share the leukocyte parameters)
    turned into assignment rules that read the leader's species. Readouts and the
    population-weighted exchange read them as before; the integrator no longer carries
    them. The equal parameters the proof read are pinned (``"=<leader parameter>"``)."""
    keep = set(keep) | set(net.stimuli) | {sid for _, sid, _ in net.schedule}
    cells = list(dict.fromkeys(p.cell for p in net.populations))
    leaders: list[str] = []
    folds: dict[str, tuple[str, set[str], dict[str, str]]] = {}
    index = _Index(net)
    for cell in cells:
        best = max(((lead, *module_copies(net, lead, cell, keep, index)) for lead in leaders),
                   key=lambda t: len(t[1]), default=None)
        if best is not None and best[1]:
            folds[cell] = best
        # a follower stays a leader for later modules: its species that were not folded
        # are its own, and a folded one reads as its leader's (equality is transitive)
        leaders.append(cell)
    if not folds:
        return net
    species = {s.id: s for s in net.species}
    gone: dict[str, str] = {}
    pinned = dict(net.pinned)
    for cell, (lead, xs, same) in folds.items():
        for k, other in same.items():
            pinned.setdefault(k, f"={other}")
    # in the Network's species order (sets iterate in a per-process order; the structure
    # key, the disk cache and the exported SBML must not depend on it)
    follower = {f"{cell}__{x}": f"{lead}__{x}" for cell, (lead, xs, _) in folds.items() for x in xs}
    gone.update((s.id, follower[s.id]) for s in net.species if s.id in follower)
    reactions = []
    for r in net.reactions:
        moved = set(r.reactants) | set(r.products)
        if moved and moved <= gone.keys():
            continue  # the follower's own dynamics: the leader's species carry them
        reactions.append(_without_species(r, gone.keys()))
    rules = tuple(net.rules) + tuple(
        Rule(sid, lead_sid, species[sid].unit, species[sid].name,
             f"equal to {lead_sid} at all times (identical module; stat3sim.model.reduce)")
        for sid, lead_sid in gone.items())
    rids = {r.id for r in reactions}
    return net.unchecked_replace(species=tuple(s for s in net.species if s.id not in gone), reactions=tuple(reactions),
                                 rules=rules, modifiers=tuple(m for m in net.modifiers if m.target in rids),
                                 folded=tuple(gone.items()), pinned=tuple(sorted(pinned.items())))


def reduce_network(net: Network, keep: Iterable[str] = ()) -> Network:
    """Both exact reductions: always-zero species (:func:`without_zeros`), then copies of
    a cell module (:func:`without_copies`)."""
    return without_copies(without_zeros(net, keep), keep)
