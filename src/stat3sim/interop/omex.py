"""A stat3sim run as a COMBINE archive (OMEX): SBML, SED-ML L1V3 and a manifest.

``stat3sim export --omex --scenario NAME [--arm ARM]`` writes what
:func:`stat3sim.runs.simulate` does, for another tool to repeat:

* ``model.xml`` — the scenario's TME model (SBML L3V2, :func:`stat3sim.engine.sbml.to_sbml`),
  with the run's protocol as SBML events. The model's time (minutes) starts with the
  pre-simulation: day 0 of the run is :data:`DAY0_MIN` (``runs.SETTLE_DAYS``).
  ``growth_on`` starts at 0 (tumor held at its day-0 size while the rest settles); the
  event ``settle_end`` sets it to its value at day 0, and each dose and stimulus of the
  scenario and the arm (:func:`stat3sim.runs.dosing`, the scenario's ``stimuli``) is an
  event at day 0 plus its time. (A model time of 0 at the start, not day 0 with a negative
  start, because SBML tools evaluate event triggers at time 0 when they load a model.)
* ``simulation.sedml`` — one uniform time course from model time 0 whose output starts at
  day 0 (the pre-simulation is its unreported part), daily output to the run's last day,
  a data generator giving the time in days from day 0; CVODE at rtol :data:`RTOL`. An arm that only changes parameter values (knock-outs, parameter
  overrides, the IL-6 KO) is the scenario's model with SED-ML ``changeAttribute``
  changes; an arm that changes more (its own cells, depletions, mimics, regimens) is
  baked into ``model.xml`` and the SED-ML says so in its notes. A report gives the time
  (days) and :data:`READOUTS` by their labels, read from the SBML ids of the observables.
* ``manifest.xml`` — written by libCombine, the SED-ML as the master file.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace

from .. import runs
from ..model.network import Event, Network

#: what the report gives besides the time: the tumor volume (mm³), tumor-cell pSTAT3 (the
#: index of ``tumor.pSTAT3``) and serum IL-6 (pg/mL)
READOUTS = ("tumor_volume_mm3", "tumor.pSTAT3", "serum_IL6_pg_mL")
#: CVODE tolerances the SED-ML asks for (relative; absolute in the model's concentration
#: unit, nM): tighter than stat3sim's population runs (POPULATION_RTOL 1e-6), so the
#: archive is the reference the run is compared with
RTOL = 1e-8
ATOL = 1e-12
MINUTES_PER_DAY = 1440.0
#: the model time (min) of day 0 in the archive: the pre-simulation comes first
DAY0_MIN = runs.SETTLE_DAYS * MINUTES_PER_DAY
SBML_FORMAT = "http://identifiers.org/combine.specifications/sbml.level-3.version-2"
SEDML_FORMAT = "http://identifiers.org/combine.specifications/sed-ml.level-1.version-3"
MODEL_FILE = "model.xml"
SEDML_FILE = "simulation.sedml"


class OmexError(ValueError):
    """The archive cannot be built (libSEDML or libCombine refused it)."""


@dataclass
class Archive:
    """The archive's files as text, and how the arm reached them."""

    sbml: str
    sedml: str
    changes: dict[str, float] = field(default_factory=dict)  # SED-ML changeAttribute: parameter -> value
    baked: bool = False  # the arm's changes are in model.xml (not SED-ML changes)
    readouts: dict[str, str] = field(default_factory=dict)  # label -> SBML id


def arm_names(scenario) -> list[str]:
    """The arms ``--arm`` may name: the scenario's standard arms and its therapy arms."""
    names: list[str] = []
    for a in runs.standard_arms(scenario) + runs.therapy_arms(scenario):
        if a.name not in names:
            names.append(a.name)
    return names


def find_arm(scenario, name: str | None) -> runs.Arm | None:
    """The arm called ``name`` (exact, as :func:`arm_names` lists it); None for the untreated
    references ("wild type", "no treatment") and for ``None``."""
    if name is None or name in runs.RESERVED_ARM_NAMES:
        return None
    for a in runs.standard_arms(scenario) + runs.therapy_arms(scenario):
        if a.name == name:
            return a
    raise KeyError(name)


def _parameter_changes(base: Network, armed: Network) -> dict[str, float] | None:
    """The parameter values ``armed`` changes relative to ``base``, or None when it differs
    in more than parameter values (structure, species' initial values, compartments)."""
    if (base.species != armed.species or base.reactions != armed.reactions or base.rules != armed.rules
            or base.observables != armed.observables or base.compartments != armed.compartments
            or tuple(base.events) != tuple(armed.events) or base.parameter_ids != armed.parameter_ids
            or dict(base.stimuli) != dict(armed.stimuli) or list(base.schedule) != list(armed.schedule)):
        return None
    return {p.id: armed.parameter(p.id).value for p in base.parameters if armed.parameter(p.id).value != p.value}


def protocol_events(net: Network, scenario, arm: runs.Arm | None, days: float) -> tuple[Event, ...]:
    """The run's protocol as SBML events, as :func:`runs.simulate` gives it to the engine:
    ``growth_on`` to its value at day 0 (``settle_end``), then every dose and stimulus
    (``nM`` added to the species) at its time; times are model times, day 0 at
    :data:`DAY0_MIN`."""
    from ..model.signaling.parameters import LIGANDS
    from ..scenarios.loader import parse_concentration

    doses = runs.dosing(scenario, arm, days)
    stim0 = dict(doses.stimuli)
    sched = list(doses.schedule)
    for st in scenario.stimuli:
        nM = parse_concentration(st.value, LIGANDS.get(st.species, (None,))[0])
        if st.day == 0:
            stim0[st.species] = stim0.get(st.species, 0.0) + nM
        else:
            sched.append((st.day * MINUTES_PER_DAY, st.species, nM))
    # as the engine merges them: the call's day-0 amounts replace the network's own
    at0 = {**dict(net.stimuli), **stim0}
    later = sorted(list(net.schedule) + sched, key=lambda e: e[0])
    events = [Event("settle_end", DAY0_MIN, {"growth_on": repr(float(net.parameter("growth_on").value))})]
    events += [Event(f"dose_0_{k + 1}_{sid}", DAY0_MIN, {sid: f"{sid} + {float(v)!r}"})
               for k, (sid, v) in enumerate(at0.items()) if v]
    events += [Event(f"dose_{k + 1}_{sid}", DAY0_MIN + float(t), {sid: f"{sid} + {float(v)!r}"})
               for k, (t, sid, v) in enumerate(later) if t <= days * MINUTES_PER_DAY]
    return tuple(events)


def _sbml_of(net: Network, scenario, arm, days: float) -> str:
    from ..engine.sbml import to_sbml

    held = replace(net.with_parameters({"growth_on": 0.0}),
                   events=tuple(net.events) + protocol_events(net, scenario, arm, days))
    return to_sbml(held)


def sedml_errors(text: str) -> list[str]:
    """libSEDML's errors (severity error or fatal) reading a SED-ML text."""
    import libsedml

    doc = libsedml.readSedMLFromString(text)
    errors = [doc.getError(i) for i in range(doc.getNumErrors())]
    return [f"{e.getErrorId()}: {e.getMessage().strip()}" for e in errors
            if e.getSeverity() >= libsedml.LIBSEDML_SEV_ERROR]


def _param_xpath(pid: str) -> str:
    return f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{pid}']"


def sedml_text(scenario, arm: runs.Arm | None, days: float, changes: dict[str, float], baked: bool,
               readouts: dict[str, str]) -> str:
    """The SED-ML L1V3 of the run (see the module's docstring)."""
    import libsedml

    doc = libsedml.SedDocument(1, 3)
    doc.setNamespaces(_namespaces(libsedml))
    arm_name = arm.name if arm else "wild type"
    how = ("the arm's changes are in model.xml" if baked else
           f"the arm's changes are the model's {len(changes)} changeAttribute changes" if changes else
           "no changes to the model")
    text = (f"stat3sim run of scenario {scenario.name!r}, arm {arm_name!r}, {days:g} days: the tumor held at its "
            f"day-0 size (growth_on = 0) for {runs.SETTLE_DAYS:g} days before day 0 (model time 0 to {DAY0_MIN:g} "
            f"min, not reported; the model's event settle_end sets growth_on at day 0), then {days:g} days with daily "
            f"output; time_days is the time from day 0; {how}.")
    doc.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text)}</p></body>')
    model = doc.createModel()
    model.setId("model")
    model.setName(f"{scenario.name}: {arm_name}")
    model.setLanguage("urn:sedml:language:sbml.level-3.version-2")
    model.setSource(MODEL_FILE)
    for pid, value in changes.items():
        ch = model.createChangeAttribute()
        ch.setTarget(_param_xpath(pid) + "/@value")
        ch.setNewValue(repr(float(value)))

    steps = int(round(days))
    sim = doc.createUniformTimeCourse()
    sim.setId("time_course")
    sim.setName(f"settle {runs.SETTLE_DAYS:g} days, then {days:g} days (minutes)")
    sim.setInitialTime(0.0)
    sim.setOutputStartTime(DAY0_MIN)
    sim.setOutputEndTime(DAY0_MIN + days * MINUTES_PER_DAY)
    sim.setNumberOfSteps(steps)
    alg = sim.createAlgorithm()
    alg.setKisaoID("KISAO:0000019")  # CVODE
    for kisao, value in (("KISAO:0000209", RTOL), ("KISAO:0000211", ATOL), ("KISAO:0000415", 1_000_000)):
        p = alg.createAlgorithmParameter()
        p.setKisaoID(kisao)
        p.setValue(repr(value))

    task = doc.createTask()
    task.setId("task")
    task.setModelReference("model")
    task.setSimulationReference("time_course")

    report = doc.createReport()
    report.setId("report")
    report.setName("time course")

    def generator(gid: str, label: str, var_setup, formula: str) -> None:
        dg = doc.createDataGenerator()
        dg.setId(gid)
        dg.setName(label)
        var = dg.createVariable()
        var.setId(f"{gid}_v")
        var.setTaskReference("task")
        var_setup(var)
        dg.setMath(libsedml.parseL3Formula(formula.format(v=f"{gid}_v")))
        ds = report.createDataSet()
        ds.setId(f"ds_{gid}")
        ds.setLabel(label)
        ds.setDataReference(gid)

    generator("time_days", "time_days", lambda v: v.setSymbol("urn:sedml:symbol:time"), f"({{v}} - {DAY0_MIN!r}) / {MINUTES_PER_DAY!r}")
    for k, (label, sid) in enumerate(readouts.items()):
        generator(f"readout_{k + 1}", label, lambda v, sid=sid: v.setTarget(_param_xpath(sid)), "{v}")
    text = libsedml.writeSedMLToString(doc)
    if errors := sedml_errors(text):
        raise OmexError("SED-ML: " + "; ".join(errors[:3]))
    return text


def _namespaces(libsedml):
    ns = libsedml.XMLNamespaces()
    ns.add("http://sed-ml.org/sed-ml/level1/version3", "")
    ns.add("http://www.sbml.org/sbml/level3/version2/core", "sbml")
    return ns


def build_archive(scenario, arm: runs.Arm | None = None, days: float | None = None) -> Archive:
    """The files of the archive of ``scenario`` (and ``arm``) over ``days`` (default: the
    scenario's; a whole number: the output is daily)."""
    days = float(days if days is not None else scenario.days)
    if not (math.isfinite(days) and days > 0 and days == round(days)):
        raise OmexError(f"days must be a positive whole number, got {days!r}")
    base = runs.build(scenario)
    armed = runs.build(scenario, arm) if arm is not None else base
    changes = _parameter_changes(base, armed) if not runs.therapies_of(scenario, arm)[
        len(runs.therapies_of(scenario)):] else None
    baked = changes is None
    changes = changes or {}
    if "growth_on" in changes:  # the protocol switch is the event's, not the arm's
        baked, changes = True, {}
    model_net = armed if baked else base
    by_name = {o.name: o.id for o in model_net.observables}
    readouts = {label: by_name[label] for label in READOUTS}
    return Archive(_sbml_of(model_net, scenario, arm, days),
                   sedml_text(scenario, arm, days, changes, baked, readouts), changes, baked, readouts)


def write_archive(archive: Archive, path) -> None:
    """Write ``archive`` as a COMBINE archive at ``path`` (model.xml, simulation.sedml, the
    manifest)."""
    import libcombine

    ca = libcombine.CombineArchive()
    if not ca.addFileFromString(archive.sbml, MODEL_FILE, SBML_FORMAT, False):
        raise OmexError("libCombine could not add the SBML")
    if not ca.addFileFromString(archive.sedml, SEDML_FILE, SEDML_FORMAT, True):
        raise OmexError("libCombine could not add the SED-ML")
    if not ca.writeToFile(str(path)):
        raise OmexError(f"libCombine could not write {str(path)!r}")
    ca.cleanUp()


def read_archive(path) -> dict[str, str]:
    """The files of a COMBINE archive (location -> text) and its master file under
    ``"(master)"``; OmexError when it is not an archive or has no SED-ML."""
    import libcombine

    ca = libcombine.CombineArchive()
    if not ca.initializeFromArchive(str(path)):
        raise OmexError(f"{str(path)!r} is not a COMBINE archive")
    out: dict[str, str] = {}
    try:
        for i in range(ca.getNumEntries()):
            entry = ca.getEntry(i)
            loc = entry.getLocation()
            out[loc] = ca.extractEntryToString(loc)
            if entry.isSetMaster() and entry.getMaster():
                out["(master)"] = loc
            if "sed-ml" in entry.getFormat():
                out.setdefault("(sedml)", loc)
    finally:
        ca.cleanUp()
    if "(sedml)" not in out:
        raise OmexError(f"{str(path)!r} has no SED-ML file")
    return out


__all__ = ["ATOL", "Archive", "DAY0_MIN", "OmexError", "READOUTS", "RTOL", "arm_names", "build_archive", "find_arm",
           "protocol_events", "read_archive", "sedml_errors", "sedml_text", "write_archive"]
