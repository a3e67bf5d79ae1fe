"""One cell's signaling module for PhysiCell's libRoadRunner intracellular model.

``stat3sim export --physicell --cell tumor --out DIR`` writes, for one cell type of the
tumor-microenvironment model (any type with a STAT3 module, :func:`cell_types`):

* ``<cell>_stat3.xml`` — the cell's module as SBML L3V2, cut out of the TME model of the
  scenario (:func:`stat3sim.runs.build`: its subtype's parameters; with ``--therapy``,
  the regimens' pharmacodynamics at the cell) by :func:`extract`:

  - **inputs** — every extracellular quantity the cell's rate laws read: free ligands and
    ligand·soluble-receptor complexes of the tumor interstitium (``IL6``, ``IL11``,
    ``IL6_sIL6R``, ``IL11_sIL11R``, …; sIL-6R acts on cells only as the IL-6·sIL-6R
    complex, which is therefore the input) and the free tumor concentration of each drug
    (``<drug>_nM``). Each is a *floating* species with no reaction, in a compartment
    ``extracellular``: the host overwrites its concentration (nM) before each update and
    the module leaves it unchanged.
  - **state** — the cell's species and reactions, ids without the ``<cell>__`` prefix;
    reactions that also move interstitial species keep only their cell side, as in the
    TME model (:class:`stat3sim.model.network.Population`), so the cell's equations are
    those of the full model.
  - **outputs** (:func:`output_definitions`): ``pSTAT3`` (fraction of the cell's STAT3
    that is nuclear pY705), ``pSTAT3_nuclear_nM``, ``SOCS3`` (protein, nM), for the tumor
    cell ``PDL1`` (CD274 mRNA, relative), ``proliferation_drive`` and ``survival_drive``
    (the cyclin D1/MYC and BCL-xL program occupancies, 0..1, that the TME's tumor
    proliferation and apoptosis read) and the rates ``cycle_rate`` and
    ``apoptosis_rate`` (1/min) they give, and every other quantity of the TME model that
    is a function of this cell's state alone and that the TME reads (``H_STAT3_cd8``,
    …). All are floating species: PhysiCell's addon reads and writes species through
    ``get/setFloatingSpeciesConcentrations`` of the whole vector, which libRoadRunner
    refuses when any species is defined by an assignment rule, so an output that is not a
    species of the cell is a species integrated with its exact time derivative
    (``d/dt f(x) = Σ ∂f/∂x·dx/dt``, :func:`time_derivative`) from its exact initial value
    (an initial assignment); it equals ``f(x)`` up to the integrator's error.
  - no ``time``, no events (both PhysiCell addons restart model time at 0 on each update).

* ``PhysiCell_intracellular.xml`` — the ``<intracellular type="roadrunner">`` block
  (MathCancer/PhysiCell 1.14.2 format: ``sbml_filename``, ``intracellular_dt``, ``<map
  PC_substrate=… sbml_species=…>`` for inputs, ``PC_phenotype``/``PC_custom_data`` for
  outputs) and the matching ``<custom_data>`` entries.
* ``README.md`` — how to use them.
"""
from __future__ import annotations

import ast
import html
import re
from dataclasses import dataclass, field, replace

from ..model.network import Compartment, Evidence, Network, Parameter, Reaction, Rule, Species, symbols

#: inputs mapped to PhysiCell substrates in the XML block; the cell's other inputs (ligands
#: that stay 0 unless a scenario adds them: LPS, CpG, EGF …) are listed there commented out
CORE_INPUTS = ("IL6", "IL11", "IL6_sIL6R", "IL11_sIL11R")
#: the compartment that holds the inputs (its volume plays no role: nothing reacts in it)
EXTRACELLULAR = "extracellular"
#: the step PhysiCell's addon integrates per update in MathCancer 1.14.2 (fixed at 0.01 min in
#: librr_intracellular.cpp ``update()``); the block's ``intracellular_dt``
INTRACELLULAR_DT = 0.01
SBML_SUFFIX = "_stat3.xml"
#: the scenario whose TME model the module is cut from when --scenario is not given
DEFAULT_SCENARIO = "tnbc"
BLOCK_FILE = "PhysiCell_intracellular.xml"

_ID = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


class PhysiCellError(ValueError):
    """The module cannot be cut out (it reads something that is neither the cell's nor an input)."""


@dataclass(frozen=True)
class Output:
    """An output: its SBML id, what it is, its unit, the expression over the full model's ids."""

    id: str
    expression: str
    unit: str
    description: str
    phenotype: str | None = None  # PhysiCell 1.14.2 phenotype token it maps to by default


@dataclass
class Module:
    """The exported module: SBML text, its inputs (id -> description) and outputs."""

    cell: str
    sbml: str
    inputs: dict[str, str]
    outputs: list[Output]
    #: full-model id -> exported id (state species, inputs)
    ids: dict[str, str]
    #: drug input id -> the full model's rule it replaces (``<drug>__tumor_nM``)
    drugs: dict[str, str] = field(default_factory=dict)
    scenario: str = ""
    therapies: tuple[str, ...] = ()


def cell_types(net: Network) -> list[str]:
    """Cell types of ``net`` that have a STAT3 module (nuclear pY705 STAT3 dimer)."""
    return [c for c in net.cells if f"{c}__STAT3_pY705_dimer_nuc" in set(net.species_ids)]


def _stat3_nuclear(net: Network, cell: str) -> str:
    het = f"{cell}__STAT1_STAT3_dimer_nuc"
    return f"2*{cell}__STAT3_pY705_dimer_nuc" + (f" + {het}" if het in set(net.species_ids) else "")


def output_definitions(net: Network, cell: str) -> list[Output]:
    """The outputs of ``cell``'s module (module docstring), in full-model ids."""
    sids = set(net.species_ids)
    rules = {r.id: r for r in net.rules}
    obs = {o.name: o for o in net.observables}
    out = [Output("pSTAT3", obs[f"{cell}.pSTAT3"].expression, "dimensionless",
                  "fraction of the cell's STAT3 that is nuclear pY705 (stat3sim's <cell>.pSTAT3)"),
           Output("pSTAT3_nuclear_nM", _stat3_nuclear(net, cell), "nM",
                  "nuclear pY705 STAT3 (dimers count twice), nM in the nucleus"),
           Output("SOCS3", f"{cell}__SOCS3", "nM", "SOCS3 protein, nM in the cytoplasm")]
    if f"{cell}__CD274_mRNA" in sids:
        out.append(Output("PDL1", f"{cell}__CD274_mRNA", "au", "PD-L1 (CD274) mRNA relative to no STAT input"))
    if cell == "tumor":
        out += [Output("proliferation_drive", "tumor_mitogen_program", "dimensionless",
                       rules["tumor_mitogen_program"].description or "cyclin D1/MYC program occupancy (0..1)"),
                Output("survival_drive", "tumor_survival_program", "dimensionless",
                       rules["tumor_survival_program"].description or "BCL-xL/survivin program occupancy (0..1)"),
                Output("cycle_rate", "base_cycle_rate*(1 + w_MYC_prolif*tumor_mitogen_program)", "1/min",
                       "division rate: base_cycle_rate × (1 + w_MYC_prolif × proliferation_drive), the STAT3 factor "
                       "of the TME's tumor proliferation", "ctr_0_0"),
                Output("apoptosis_rate", "base_apoptosis_rate/(1 + w_BCL_apop*tumor_survival_program)", "1/min",
                       "apoptosis rate: base_apoptosis_rate / (1 + w_BCL_apop × survival_drive), as the TME's tumor "
                       "apoptosis", "da")]
    taken = {o.expression for o in out}
    for r in _cell_drives(net, cell):
        if r.id not in taken:
            out.append(Output(r.id, r.id, r.unit, r.name or r.description or r.id))
    return out


def _closure(net: Network, expr: str) -> set[str]:
    """Every id an expression reads, through rules."""
    rules = {r.id: r for r in net.rules}
    seen: set[str] = set()
    todo = list(symbols(expr))
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        if s in rules:
            todo.extend(symbols(rules[s].expression))
    return seen


def _cell_drives(net: Network, cell: str) -> list[Rule]:
    """Rules of the TME model, outside the cell's own ids, that depend on this cell's state
    alone (its species and constant parameters) and that a reaction, rule or observable
    of the model outside the cell reads: what the TME takes from the cell."""
    cell_sp = {s.id for s in net.species if s.compartment.startswith(f"{cell}__")}
    params = set(net.parameter_ids)
    rule_ids = {r.id for r in net.rules}
    readers: set[str] = set()
    for r in net.reactions:
        if not r.compartment.startswith(f"{cell}__"):
            readers |= symbols(r.rate)
    for ru in net.rules:
        if not ru.id.startswith(f"{cell}__"):
            readers |= symbols(ru.expression)
    out = []
    for ru in net.rules:
        if ru.id.startswith(f"{cell}__") or ru.id not in readers:
            continue
        reads = _closure(net, ru.expression)
        state = reads - params - rule_ids
        if state and state <= cell_sp and not any(c.id in reads for c in net.compartments if c.size_rule):
            if all(x.startswith(f"{cell}__") or x in params or x in rule_ids for x in reads):
                out.append(ru)
    return out


# ------------------------------------------------------------------ extraction
def _rename(expr: str, ids: dict[str, str]) -> str:
    return _ID.sub(lambda m: ids.get(m.group(0), m.group(0)), expr)


def extract(net: Network, cell: str, drug_rules: dict[str, str] | None = None, name: str | None = None,
            provided: tuple[Parameter, ...] = ()) -> tuple[Network, dict]:
    """``cell``'s module of ``net`` as a Network of its own: the cell's compartments,
    species and reactions, the parameters and rules they read, and the inputs as species
    of :data:`EXTRACELLULAR` with no reaction. ``drug_rules`` maps rules of ``net`` that
    are drug concentrations at the cell (``<drug>__tumor_nM``) to input ids. Returns the
    Network (ids renamed) and a dict: ``ids`` (full -> exported), ``inputs`` (exported id
    -> description), ``outputs`` (:class:`Output` list in full-model ids). ``provided`` are
    parameters that only the outputs read (the tumor's base rates)."""
    drug_rules = dict(drug_rules or {})
    if cell not in cell_types(net):
        raise PhysiCellError(f"{cell!r} has no STAT3 module in this model; allowed: {', '.join(cell_types(net))}")
    pre = f"{cell}__"
    comps = {c.id: c for c in net.compartments}
    cell_comps = [c for c in net.compartments if c.id.startswith(pre)]
    for c in cell_comps:
        if c.size_rule is not None:
            raise PhysiCellError(f"compartment {c.id!r} has a variable volume")
    cc = {c.id for c in cell_comps}
    species = {s.id: s for s in net.species}
    cell_sp = [s for s in net.species if s.compartment in cc]
    cs = {s.id for s in cell_sp}
    rxns = [r for r in net.reactions if r.compartment in cc]
    rx_ids = {r.id for r in rxns}
    for r in net.reactions:
        moved = set(r.reactants) | set(r.products)
        if r.id in rx_ids and moved - cs:
            raise PhysiCellError(f"reaction {r.id!r} of {cell} moves species outside the cell: {sorted(moved - cs)}")
        if r.id not in rx_ids and moved & cs:
            raise PhysiCellError(f"reaction {r.id!r} outside {cell}'s compartments moves its species {sorted(moved & cs)}")
    for e in net.events:
        if set(e.assignments) & cs:
            raise PhysiCellError(f"event {e.id!r} changes species of {cell}")
    outputs = output_definitions(net, cell)

    params = {p.id: p for p in net.parameters}
    params.update({p.id: p for p in provided})
    rules = {r.id: r for r in net.rules}
    need_p: set[str] = set()
    need_r: list[str] = []
    inputs: dict[str, str] = {}
    seen: set[str] = set()
    todo: list[str] = []
    for r in rxns:
        todo += symbols(r.rate)
    for s in cell_sp:
        if isinstance(s.initial, str):
            todo += symbols(s.initial)
    for o in outputs:
        todo += symbols(o.expression)
    while todo:
        x = todo.pop()
        if x in seen:
            continue
        seen.add(x)
        if x in cs or x in cc:
            continue
        if x in drug_rules:
            inputs[x] = f"free concentration of {drug_rules[x]} at the cell (nM)"
        elif x in params:
            need_p.add(x)
            continue
        elif x in rules:
            need_r.append(x)
            todo += symbols(rules[x].expression)
        elif x in species:
            s = species[x]
            if s.is_amount:
                raise PhysiCellError(f"{cell}'s module reads the cell count {x!r}")
            inputs[x] = s.name or x
        elif x in comps:
            raise PhysiCellError(f"{cell}'s module reads the volume of compartment {x!r}")
        elif x == "time":
            raise PhysiCellError(f"{cell}'s module reads the model time")
        else:
            raise PhysiCellError(f"{cell}'s module reads {x!r}, which is neither the cell's nor an input")
    for o in outputs:
        if _closure(net, o.expression) & set(inputs):
            raise PhysiCellError(f"output {o.id!r} reads an input directly")

    # ids: the cell's own without their prefix (unless that clashes), drugs as <drug>_nM
    ids: dict[str, str] = {}
    for x, label in drug_rules.items():
        if x in inputs:
            ids[x] = label
    own = [c.id for c in cell_comps] + list(cs) + [p for p in need_p if p.startswith(pre)] + \
          [r for r in need_r if r.startswith(pre)] + [r.id for r in rxns]
    others = ({p for p in need_p if not p.startswith(pre)} | {r for r in need_r if not r.startswith(pre)}
              | (set(inputs) - set(ids)) | set(ids.values()) | {o.id for o in outputs} | {EXTRACELLULAR})
    for x in own:
        short = x[len(pre):] if x.startswith(pre) else x
        ids[x] = short if short not in others and short not in ids.values() else x
    # a rule that an output of the same id differentiates keeps its value under rule__<id>
    for r in need_r:
        if ids.get(r, r) in {o.id for o in outputs} and r not in drug_rules:
            ids[r] = f"rule__{ids.get(r, r)}"
    # outputs that are one state species of the cell are that species, under the output's id
    for o in outputs:
        if o.expression in cs:
            ids[o.expression] = o.id

    def rn(e: str) -> str:
        return _rename(e, ids)

    new_comps = [replace(c, id=ids[c.id], name=c.name.replace(f"{cell}: ", "")) for c in cell_comps]
    new_comps.append(Compartment(EXTRACELLULAR, 1.0, "pL", "extracellular inputs (set by the host)",
                                 Evidence("definition: holds the inputs; nothing reacts in it")))
    new_species = [replace(s, id=ids[s.id], compartment=ids[s.compartment],
                           initial=rn(s.initial) if isinstance(s.initial, str) else s.initial) for s in cell_sp]
    for x, desc in inputs.items():
        new_species.append(Species(ids.get(x, x), EXTRACELLULAR, 0.0, "nM", f"input: {desc}"))
    new_params = [replace(params[p], id=ids.get(p, p)) for p in sorted(need_p)]
    new_rules = [Rule(ids.get(r, r), rn(rules[r].expression), rules[r].unit, rules[r].name, rules[r].description)
                 for r in need_r if r not in drug_rules]
    new_rxns = [Reaction(ids[r.id], {ids[k]: v for k, v in r.reactants.items()},
                         {ids[k]: v for k, v in r.products.items()}, rn(r.rate), ids[r.compartment], r.name,
                         r.evidence) for r in rxns]
    sub = Network(name or f"stat3sim_{cell}_physicell", tuple(new_comps), tuple(new_species), tuple(new_params),
                  tuple(new_rxns), rules=tuple(new_rules))
    order = sorted(inputs, key=lambda x: (x not in drug_rules, x not in CORE_INPUTS,
                                          CORE_INPUTS.index(x) if x in CORE_INPUTS else 0, x))
    exported_inputs = {ids.get(x, x): inputs[x] for x in order}
    return sub, {"ids": ids, "inputs": exported_inputs, "outputs": outputs}


# -------------------------------------------------------- exact time derivatives
def _is_zero(e: str | None) -> bool:
    return e is None


def _mul(a: str, b: str) -> str:
    return f"({a})*({b})"


def time_derivative(expr: str, dvar: dict[str, str], rules: dict[str, str], cache: dict[str, str | None]) -> str | None:
    """The time derivative of ``expr`` as an expression, or None when it is 0. ``dvar`` maps
    a state id to the id of its time derivative; ``rules`` maps rule ids to expressions
    (differentiated through, with results in ``cache``); other names are constants."""
    tree = ast.parse(expr.replace("^", "**"), mode="eval").body
    return _d(tree, dvar, rules, cache)


def _src(node: ast.AST) -> str:
    return ast.unparse(node).replace("**", "^")


def _d(n: ast.AST, dvar, rules, cache) -> str | None:
    if isinstance(n, ast.Constant):
        return None
    if isinstance(n, ast.Name):
        if n.id in dvar:
            return dvar[n.id]
        if n.id in rules:
            if n.id not in cache:
                cache[n.id] = time_derivative(rules[n.id], dvar, rules, cache)
            return cache[n.id]
        return None
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
        a = _d(n.operand, dvar, rules, cache)
        return None if a is None else f"-({a})"
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.UAdd):
        return _d(n.operand, dvar, rules, cache)
    if isinstance(n, ast.BinOp):
        a, b = _src(n.left), _src(n.right)
        da, db = _d(n.left, dvar, rules, cache), _d(n.right, dvar, rules, cache)
        if isinstance(n.op, (ast.Add, ast.Sub)):
            sign = "+" if isinstance(n.op, ast.Add) else "-"
            if da is None and db is None:
                return None
            if db is None:
                return da
            return f"({da}) {sign} ({db})" if da is not None else (f"{sign}({db})" if sign == "-" else db)
        if isinstance(n.op, ast.Mult):
            terms = ([_mul(da, b)] if da is not None else []) + ([_mul(a, db)] if db is not None else [])
            return " + ".join(terms) if terms else None
        if isinstance(n.op, ast.Div):
            terms = ([f"({da})/({b})"] if da is not None else []) + ([f"-({a})*({db})/(({b})^2)"] if db is not None else [])
            return " + ".join(terms) if terms else None
        if isinstance(n.op, ast.Pow):
            if db is None:
                return None if da is None else f"({b})*({a})^(({b}) - 1)*({da})"
            inner = f"({db})*log({a})" + (f" + ({b})*({da})/({a})" if da is not None else "")
            return f"({a})^({b})*({inner})"
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name):
        args = n.args
        if n.func.id == "exp" and len(args) == 1:
            da = _d(args[0], dvar, rules, cache)
            return None if da is None else f"exp({_src(args[0])})*({da})"
        if n.func.id == "log" and len(args) == 1:
            da = _d(args[0], dvar, rules, cache)
            return None if da is None else f"({da})/({_src(args[0])})"
        if n.func.id == "pow" and len(args) == 2:
            return _d(ast.BinOp(args[0], ast.Pow(), args[1]), dvar, rules, cache)
    raise PhysiCellError(f"cannot differentiate {_src(n)!r}")


# ------------------------------------------------------------------- the SBML
def _base_rates(net: Network) -> list[Parameter]:
    """The base rates of the tumor's rate outputs (1/min): the TME's rate constants."""
    out = []
    for pid, label in (("k_tumor_prolif", "base_cycle_rate"), ("k_tumor_apop", "base_apoptosis_rate")):
        p = net.parameter(pid)
        out.append(Parameter(label, p.value / 1440.0, "1/min",
                             Evidence(f"{pid} = {p.value:g} {p.unit} of the TME model per minute ({p.evidence}); in "
                                      "the TME it multiplies the Gompertz term, so set it to your PhysiCell cycle "
                                      "(apoptosis) rate", p.evidence.refs),
                             f"base {label.split('_')[1]} rate, before the STAT3 factor (set to the PhysiCell rate)"))
    return out


def build_module(net: Network, cell: str, drug_rules: dict[str, str] | None = None, scenario: str = "",
                 therapies: tuple[str, ...] = ()) -> Module:
    """The exported module of ``cell`` (module docstring) from the full model ``net``."""
    import libsbml

    from ..engine.sbml import _math, _notes, to_sbml

    sub, info = extract(net, cell, drug_rules, provided=tuple(_base_rates(net)) if cell == "tumor" else ())
    ids, outputs = info["ids"], info["outputs"]
    doc = libsbml.readSBMLFromString(to_sbml(sub))
    m = doc.getModel()
    m.setName(f"stat3sim {cell} STAT3 module for PhysiCell ({scenario or 'default'}"
              + (f"; {', '.join(therapies)}" if therapies else "") + ")")
    rules_exp = {r.id: r.expression for r in sub.rules}
    # d[S]/dt of each state species: Σ stoichiometry × reaction rate (amount/min) / volume
    comp_of = {s.id: s.compartment for s in sub.species}
    flux: dict[str, list[str]] = {}
    for r in sub.reactions:
        for sid, st in r.reactants.items():
            flux.setdefault(sid, []).append(f"-{st!r}*{r.id}")
        for sid, st in r.products.items():
            flux.setdefault(sid, []).append(f"{st!r}*{r.id}")
    dvar = {sid: f"ddt__{sid}" for sid in flux}
    cache: dict[str, str | None] = {}
    derived = [o for o in outputs if ids.get(o.expression) != o.id]
    need_ddt: dict[str, str] = {}
    for o in derived:
        expr = _rename(o.expression, ids)
        d = time_derivative(expr, dvar, rules_exp, cache)
        need_ddt[o.id] = d or "0"
    used = set()
    for d in list(need_ddt.values()) + [v for v in cache.values() if v]:
        used |= set(_ID.findall(d))
    for sid, dv in dvar.items():
        if dv not in used:
            continue
        p = m.createParameter()
        p.setId(dv)
        p.setConstant(False)
        p.setName(f"d[{sid}]/dt")
        ar = m.createAssignmentRule()
        ar.setVariable(dv)
        ar.setMath(_math(f"({' + '.join(flux[sid])})/{comp_of[sid]}", f"rate of {sid}"))
    first = sub.compartments[0].id  # the cytoplasm
    for o in derived:
        expr = _rename(o.expression, ids)
        sp = m.createSpecies()
        sp.setId(o.id)
        sp.setName(o.description)
        sp.setCompartment(first)
        sp.setHasOnlySubstanceUnits(False)
        sp.setBoundaryCondition(False)
        sp.setConstant(False)
        sp.setInitialConcentration(0.0)
        sp.setNotes(_notes(f"output ({o.unit}): {o.description}. Equals {expr}: integrated from that value with its "
                           "exact time derivative, so that every species of the model can be set"))
        ia = m.createInitialAssignment()
        ia.setSymbol(o.id)
        ia.setMath(_math(expr, f"initial value of {o.id}"))
        rr = m.createRateRule()
        rr.setVariable(o.id)
        rr.setMath(_math(need_ddt[o.id], f"time derivative of {o.id}"))
    for o in outputs:
        if ids.get(o.expression) == o.id:
            m.getSpecies(o.id).setNotes(_notes(f"output ({o.unit}): {o.description}"))
    for sid, desc in info["inputs"].items():
        m.getSpecies(sid).setNotes(_notes(f"input (nM), set by the host before each update: {desc}"))
    text = libsbml.writeSBMLToString(doc)
    drugs = {ids[x]: x for x in (drug_rules or {}) if x in ids}
    return Module(cell, text, info["inputs"], outputs, ids, drugs, scenario, therapies)


def sbml_errors(text: str) -> list[str]:
    from ..engine.sbml import validation_errors

    return validation_errors(text)


# ------------------------------------------------------------- the XML block
def _attr(x: str) -> str:
    return html.escape(x, quote=True)


def intracellular_block(mod: Module, sbml_path: str) -> str:
    """The ``<intracellular type="roadrunner">`` block and the ``<custom_data>`` entries to
    paste into the cell definition of PhysiCell_settings.xml (MathCancer 1.14.2 format)."""
    # (no "--" inside an XML comment)
    lines = [f"<!-- stat3sim {mod.cell} STAT3 module: paste into the phenotype of the {mod.cell} cell definition -->",
             '<intracellular type="roadrunner">',
             f"    <sbml_filename>{_attr(sbml_path)}</sbml_filename>",
             f"    <intracellular_dt>{INTRACELLULAR_DT:g}</intracellular_dt>",
             "    <!-- inputs: substrate concentrations in nM (the microenvironment's units must be nM) -->"]
    later = []
    for sid in mod.inputs:
        line = f'    <map PC_substrate="{_attr(sid)}" sbml_species="{_attr(sid)}"></map>'
        if sid in CORE_INPUTS or sid in mod.drugs:
            lines.append(line)
        else:
            later.append(line)
    if later:
        lines.append("    <!-- inputs the module also reads (0 unless your microenvironment has the substrate):")
        lines += later
        lines.append("    -->")
    lines.append("    <!-- outputs -->")
    for o in mod.outputs:
        if o.phenotype:
            lines.append(f'    <map PC_phenotype="{o.phenotype}" sbml_species="{_attr(o.id)}"></map>')
    for o in mod.outputs:
        lines.append(f'    <map PC_custom_data="{_attr(o.id)}" sbml_species="{_attr(o.id)}"></map>')
    lines += ["</intracellular>", "",
              "<!-- paste into <custom_data> of the same cell definition -->"]
    for o in mod.outputs:
        unit = "dimensionless" if o.unit in ("dimensionless", "au") else o.unit
        lines.append(f'<{o.id} units="{_attr(unit)}" description="{_attr(o.description)}">0.0</{o.id}>')
    return "\n".join(lines) + "\n"


__all__ = ["BLOCK_FILE", "CORE_INPUTS", "EXTRACELLULAR", "INTRACELLULAR_DT", "Module", "Output", "PhysiCellError",
           "build_module", "cell_types", "extract", "intracellular_block", "output_definitions", "time_derivative"]


# ------------------------------------------------------------- the check
def clamped(net: Network, inputs: dict[str, float], drug_rules: dict[str, str] | None = None) -> Network:
    """``net`` with every input held at a concentration (nM): the species ``inputs`` names
    leave every reaction (their value stays at the one given) and the drug rules of
    ``drug_rules`` (full-model rule -> input id) become that constant. The rest of the
    model runs as before. What the exported module is compared with."""
    drug_rules = dict(drug_rules or {})
    by_input = {v: k for k, v in drug_rules.items()}
    species_in = {k: v for k, v in inputs.items() if k not in by_input}
    rule_in = {by_input[k]: v for k, v in inputs.items() if k in by_input}
    sids = set(net.species_ids)
    if set(species_in) - sids:
        raise PhysiCellError(f"unknown input(s) {sorted(set(species_in) - sids)}")
    # in a compartment of fixed volume: a species of the tumor interstitium, whose volume
    # follows the tumor, would keep its amount, not its concentration
    held = Compartment("clamped_inputs", 1.0, "pL", "inputs held at a concentration",
                       Evidence("definition: holds the clamped inputs; nothing reacts in it"))
    species = tuple(replace(s, initial=float(species_in[s.id]), compartment=held.id) if s.id in species_in else s
                    for s in net.species)
    rxns = []
    for r in net.reactions:
        rs = {k: v for k, v in r.reactants.items() if k not in species_in}
        ps = {k: v for k, v in r.products.items() if k not in species_in}
        if rs != dict(r.reactants) or ps != dict(r.products):
            r = replace(r, reactants=rs, products=ps)
        rxns.append(r)
    rules = tuple(replace(ru, expression=repr(float(rule_in[ru.id])), contributors=()) if ru.id in rule_in else ru
                  for ru in net.rules)
    return replace(net, compartments=net.compartments + (held,), species=species, reactions=tuple(rxns), rules=rules,
                   events=(), stimuli={}, schedule=())


# --------------------------------------------------------- from a scenario
def drug_inputs(therapies) -> dict[str, str]:
    """Full-model rules of the drugs' free tumor concentrations -> input ids (``<drug>_nM``)."""
    out: dict[str, str] = {}
    for th in therapies:
        out[th.pk.tumor] = f"{th.pk.prefix}_nM"
        if th.pk.metabolite_tumor:
            out[th.pk.metabolite_tumor] = f"{th.pk.prefix}_{th.pk.metabolite_name or 'metabolite'}_nM"
    return out


def module_of(scenario, cell: str) -> Module:
    """``cell``'s module in the TME model of ``scenario`` (its subtype, parameters and
    therapies: each drug's free tumor concentration is an input)."""
    from .. import runs

    net = runs.build(scenario)
    therapies = runs.therapies_of(scenario)
    ths = runs.therapy_network(therapies, *runs.patient_of(scenario))[1] if therapies else ()
    return build_module(net, cell, drug_inputs(ths), getattr(scenario, "name", ""), tuple(therapies))


def readme(mod: Module) -> str:
    """The guide written next to the files (README.md)."""
    sbml_file = f"{mod.cell}{SBML_SUFFIX}"
    inputs = "\n".join(f"| `{k}` | {v} |" for k, v in mod.inputs.items())
    outputs = "\n".join(f"| `{o.id}` | {o.unit} | {o.description} | {o.phenotype or ''} |" for o in mod.outputs)
    treated = f" with {', '.join(mod.therapies)}" if mod.therapies else ""
    return f"""# stat3sim {mod.cell} STAT3 module for PhysiCell

Written by `stat3sim export --physicell --cell {mod.cell}` from the tumor-microenvironment model of
scenario `{mod.scenario or 'default'}`{treated}: the {mod.cell} cell's signaling module with its
parameters, cut out of the full model so that, with its inputs held at given
concentrations, it follows the same equations as that cell in the full model.

| file | what |
|---|---|
| `{sbml_file}` | the module, SBML Level 3 Version 2 (time in minutes, concentrations in nM) |
| `{BLOCK_FILE}` | the `<intracellular type="roadrunner">` block and `<custom_data>` entries for PhysiCell_settings.xml |

## Inputs (set by PhysiCell)

Floating species of compartment `{EXTRACELLULAR}` that no reaction changes: the host sets their
concentration (nM) before each update and the module keeps it. The cell takes up ligand in the
full model; here uptake is not returned to the host (map it with PhysiCell's uptake rates).
sIL-6R (sIL-11R) acts on cells only as the IL-6·sIL-6R (IL-11·sIL-11R) complex, which is therefore
the input. Inputs left at 0 are absent.

| id | what |
|---|---|
{inputs}

## Outputs (read by PhysiCell)

Species (nM, relative units or 0..1 as given). Where an output is not itself a species of the
cell, it is a species integrated with its exact time derivative from its exact initial value, so
it equals its formula up to the integrator's error: PhysiCell's addon sets species through
`setFloatingSpeciesConcentrations` of the whole vector, which libRoadRunner refuses when a species
is defined by an assignment rule.

| id | unit | what | default PhysiCell map |
|---|---|---|---|
{outputs}

## Use

1. Copy `{sbml_file}` to your project's `config/`.
2. Paste the `<intracellular>` block of `{BLOCK_FILE}` into `<phenotype>` of the cell definition,
   and the `<custom_data>` lines into its `<custom_data>`.
3. Substrates: name them as the inputs (`IL6`, …) with densities in nM, or change `PC_substrate`.
4. Build PhysiCell with the libRoadRunner addon (`-D ADDON_ROADRUNNER`, libRoadRunner's C API).

In MathCancer/PhysiCell 1.14.2 `update()` integrates a fixed 0.01 min per call and the `PC_substrate`
and `PC_custom_data` maps are read but not applied: call `update_intracellular()` every 0.01 min from
`main.cpp` and copy substrates in with `set_parameter_value` and outputs out with
`get_parameter_value`, as the sample project `sample_projects_intracellular/ode/ode_energy` does.
drbergman/PhysiCell uses `<map type="input" physicell_name="IL6" sbml_species="IL6"/>` and
`<map type="output" physicell_name="custom:pSTAT3" sbml_species="pSTAT3"/>`, honours
`<intracellular_dt>` and integrates the elapsed time. In both, model time restarts at 0 on each
update; the module does not read time.

The state at load is the cell's initial state in the full model (before stat3sim's
pre-simulation to steady state); let cells settle at basal inputs before the experiment.

The check: tests/test_physicell.py simulates this kind of file with libRoadRunner for given inputs
and compares it with stat3sim's simulation of the full model with the same inputs held (relative
difference < 1e-6).
"""


def write_export(mod: Module, folder) -> list:
    """Write the module, the XML block and the README into ``folder`` (created if needed);
    returns the paths."""
    from pathlib import Path

    from .._io import atomic_write

    folder = Path(folder)
    sbml_file = f"{mod.cell}{SBML_SUFFIX}"
    files = {sbml_file: mod.sbml, BLOCK_FILE: intracellular_block(mod, f"./config/{sbml_file}"),
             "README.md": readme(mod)}
    paths = []
    for name, text in files.items():
        def w(tmp: str, text=text) -> None:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
        paths.append(atomic_write(folder / name, w))
    return paths
