"""Network -> SBML Level 3 Version 2 (python-libsbml) and Antimony text.

Species are concentrations (nM, or relative units "au") in compartments measured in
pL; the model's substance unit is the zeptomole (nM x pL) and its time unit the
minute. A Reaction's kinetic law is its compartment's volume times its rate, so SBML
tools integrate exactly the equations the Network states. Each parameter's source is
written into its SBML notes.
"""
from __future__ import annotations

import html

import libsbml

from ..model.network import Network, symbols
from ..model.units import UNITS, sbml_id


class SBMLError(RuntimeError):
    pass


def _check(rc: int, what: str) -> None:
    if rc != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise SBMLError(f"libsbml failed to {what}: {libsbml.OperationReturnValue_toString(rc)}")


def _math(expr: str, where: str):
    ast = libsbml.parseL3Formula(expr)
    if ast is None:
        raise SBMLError(f"cannot parse {where}: {expr!r} ({libsbml.getLastParseL3Error()})")
    return ast


def _notes(text: str) -> str:
    return f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text)}</p></body>'


def to_sbml(net: Network) -> str:
    """SBML L3V2 text of a Network (stimuli are protocol and are not included)."""
    doc = libsbml.SBMLDocument(3, 2)
    m = doc.createModel()
    m.setId(net.name)
    m.setName(net.name)
    used = {"zmol", "min", "nM"} | {c.unit for c in net.compartments} | {s.unit for s in net.species}
    used |= {p.unit for p in net.parameters} | {o.unit for o in net.observables} | {r.unit for r in net.rules}
    for unit in sorted(used):
        if unit in ("dimensionless",):
            continue
        ud = m.createUnitDefinition()
        ud.setId(sbml_id(unit))
        for kind, exp, scale, mult in UNITS[unit]:
            u = ud.createUnit()
            u.setKind(libsbml.UnitKind_forName(kind))
            u.setExponent(exp)
            u.setScale(scale)
            u.setMultiplier(mult)
    m.setTimeUnits("min")
    m.setSubstanceUnits("zmol")
    m.setExtentUnits("zmol")
    m.setVolumeUnits("pL")

    for c in net.compartments:
        comp = m.createCompartment()
        comp.setId(c.id)
        comp.setName(c.name or c.id)
        comp.setSize(c.size)
        comp.setUnits(sbml_id(c.unit))
        comp.setSpatialDimensions(3)
        comp.setConstant(c.size_rule is None)
        if c.size_rule is not None:
            rule = m.createAssignmentRule()
            rule.setVariable(c.id)
            _check(rule.setMath(_math(c.size_rule, f"volume of {c.id}")), f"set volume rule of {c.id}")

    for s in net.species:
        sp = m.createSpecies()
        sp.setId(s.id)
        sp.setName(s.name or s.id)
        sp.setCompartment(s.compartment)
        sp.setHasOnlySubstanceUnits(s.is_amount)
        sp.setBoundaryCondition(False)
        sp.setConstant(False)
        sp.setSubstanceUnits("zmol" if s.unit == "nM" else "cell" if s.is_amount else "dimensionless")
        # cell-counted species start as amounts (cells), the others as concentrations
        set_initial = sp.setInitialAmount if s.is_amount else sp.setInitialConcentration
        if isinstance(s.initial, str):
            set_initial(0.0)
            ia = m.createInitialAssignment()
            ia.setSymbol(s.id)
            _check(ia.setMath(_math(s.initial, f"initial value of {s.id}")), f"set initial assignment of {s.id}")
        else:
            set_initial(float(s.initial))

    event_targets = {t for e in net.events for t in e.assignments}
    for p in net.parameters:
        par = m.createParameter()
        par.setId(p.id)
        par.setName(p.description or p.id)
        par.setValue(p.value)
        par.setUnits(sbml_id(p.unit))
        par.setConstant(p.id not in event_targets)
        par.setNotes(_notes(f"{p.value:g} {p.unit}. Source: {p.evidence}"))

    for o in net.observables:
        par = m.createParameter()
        par.setId(o.id)
        par.setName(o.name or o.id)
        par.setUnits(sbml_id(o.unit))
        par.setConstant(False)
        par.setNotes(_notes(o.description))
        rule = m.createAssignmentRule()
        rule.setVariable(o.id)
        _check(rule.setMath(_math(o.expression, f"observable {o.id}")), f"set rule of {o.id}")

    for ru in net.rules_in_order():
        par = m.createParameter()
        par.setId(ru.id)
        par.setName(ru.name or ru.id)
        par.setUnits(sbml_id(ru.unit))
        par.setConstant(False)
        if ru.description:
            par.setNotes(_notes(ru.description))
        rule = m.createAssignmentRule()
        rule.setVariable(ru.id)
        _check(rule.setMath(_math(ru.expression, f"rule {ru.id}")), f"set rule {ru.id}")

    species = set(net.species_ids)
    amount = {s.id for s in net.species if s.is_amount}
    for r in net.reactions:
        rx = m.createReaction()
        rx.setId(r.id)
        rx.setName(r.name or r.id)
        rx.setReversible(" - " in r.rate)
        rx.setCompartment(r.compartment)
        for sid, st in r.reactants.items():
            ref = rx.createReactant()
            ref.setSpecies(sid)
            ref.setStoichiometry(st)
            ref.setConstant(True)
        for sid, st in r.products.items():
            ref = rx.createProduct()
            ref.setSpecies(sid)
            ref.setStoichiometry(st)
            ref.setConstant(True)
        for sid in sorted((symbols(r.rate) & species) - set(r.reactants) - set(r.products)):
            mod = rx.createModifier()
            mod.setSpecies(sid)
        kl = rx.createKineticLaw()
        moved = set(r.reactants) | set(r.products)
        # cell-counted species: the rate is already an amount per time (cells/min)
        law = r.rate if moved and moved <= amount else f"{r.compartment} * ({r.rate})"
        _check(kl.setMath(_math(law, f"rate law of {r.id}")), f"set rate of {r.id}")
        if r.evidence and r.evidence.source:
            rx.setNotes(_notes(f"Source: {r.evidence}"))

    for e in net.events:
        ev = m.createEvent()
        ev.setId(e.id)
        ev.setUseValuesFromTriggerTime(True)
        trig = ev.createTrigger()
        trig.setInitialValue(False)
        trig.setPersistent(True)
        trig.setMath(_math(e.trigger if e.trigger is not None else f"time >= {e.time!r}", f"trigger of {e.id}"))
        for tgt, val in e.assignments.items():
            ea = ev.createEventAssignment()
            ea.setVariable(tgt)
            ea.setMath(_math(str(val), f"assignment of {e.id}"))

    return libsbml.writeSBMLToString(doc)


def validation_errors(sbml: str, units: bool = False) -> list[str]:
    """libsbml consistency errors (severity error or fatal) of an SBML text."""
    doc = libsbml.readSBMLFromString(sbml)
    doc.setConsistencyChecks(libsbml.LIBSBML_CAT_UNITS_CONSISTENCY, units)
    doc.checkConsistency()
    out = []
    for i in range(doc.getNumErrors()):
        err = doc.getError(i)
        if err.getSeverity() >= libsbml.LIBSBML_SEV_ERROR:
            out.append(f"{err.getErrorId()}: {err.getMessage().strip()}")
    return out


def to_antimony(sbml: str) -> str:
    """Antimony text of an SBML model (via the antimony library)."""
    import antimony

    antimony.clearPreviousLoads()
    if antimony.loadSBMLString(sbml) < 0:
        raise SBMLError(f"antimony could not read the SBML: {antimony.getLastError()}")
    text = antimony.getAntimonyString(None)
    if not text:
        raise SBMLError(f"antimony produced no text: {antimony.getLastError()}")
    return text
