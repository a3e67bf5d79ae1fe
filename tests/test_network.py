"""Network validation and transformations.

Every validation path raises NetworkError whose message names the offending element;
transformations return new Networks and never change the original.
"""
from __future__ import annotations

import dataclasses
from dataclasses import replace

import pytest

from stat3sim.model.network import (Compartment, Event, Evidence, Gene, Network, NetworkBuilder, NetworkError,
                                    Observable, Parameter, Reaction, Species, symbols)


def _parts() -> dict:
    """The elements of a small valid network, as keyword arguments of Network."""
    return dict(
        name="toy",
        compartments=(Compartment("medium", 10.0), Compartment("cell", 1.0)),
        species=(Species("L", "medium", 1.0), Species("R", "cell", "R0*lvl_R"), Species("LR", "cell", 0.0)),
        parameters=(Parameter("kon", 0.1, "1/(nM*min)", Evidence("assumed")),
                    Parameter("koff", 0.01, "1/min", Evidence("a paper")),
                    Parameter("R0", 2.0, "nM", Evidence("assumed")),
                    Parameter("lvl_R", 1.0, "dimensionless", Evidence("assumed"))),
        reactions=(Reaction("bind", {"L": 1, "R": 1}, {"LR": 1}, "kon*L*R - koff*LR", "cell"),),
        observables=(Observable("obs_bound", "LR/(R + LR)", "dimensionless"),),
        genes=(Gene("RGENE", ("lvl_R",)),),
    )


def _net(**changes) -> Network:
    return Network(**{**_parts(), **changes})


def _with(kind: str, index: int, **changes) -> Network:
    """The toy network with one element of ``kind`` replaced by a modified copy."""
    parts = _parts()
    elems = list(parts[kind])
    elems[index] = replace(elems[index], **changes)
    parts[kind] = tuple(elems)
    return Network(**parts)


def test_toy_network_is_valid():
    net = _net()
    assert net.species_ids == ["L", "R", "LR"]
    assert net.stimulus_species == ["L"]


# ---------------------------------------------------------------- validation errors
def test_unknown_symbol_in_rate_law():
    with pytest.raises(NetworkError, match=r"reaction 'bind'.*\['kcat'\]"):
        _with("reactions", 0, rate="kon*L*R - koff*LR + kcat")


def test_unparseable_rate_law():
    with pytest.raises(NetworkError, match="cannot parse"):
        _with("reactions", 0, rate="kon*L*(R")


def test_unsupported_function_in_rate_law():
    with pytest.raises(NetworkError, match="unsupported function"):
        _with("reactions", 0, rate="sin(kon)*L*R")


def test_duplicate_id_across_kinds():
    parts = _parts()
    parts["parameters"] = parts["parameters"] + (Parameter("LR", 1.0, "nM", Evidence("assumed")),)
    with pytest.raises(NetworkError, match=r"duplicate id 'LR' \(species and parameter\)"):
        Network(**parts)


def test_duplicate_id_same_kind():
    parts = _parts()
    parts["species"] = parts["species"] + (Species("L", "cell", 0.0),)
    with pytest.raises(NetworkError, match="duplicate id 'L'"):
        Network(**parts)


def test_builder_rejects_redefinition():
    b = NetworkBuilder("b")
    b.compartment("cell", 1.0)
    b.species("A", "cell", 1.0)
    b.species("A", "cell", 1.0)  # identical re-declaration is allowed
    with pytest.raises(NetworkError, match="duplicate id 'A'"):
        b.species("A", "cell", 2.0)


def test_invalid_identifier():
    with pytest.raises(NetworkError, match="species id '1bad'"):
        _with("species", 2, id="1bad")


@pytest.mark.parametrize("unit", ["", "furlongs"])
def test_parameter_missing_or_unknown_unit(unit):
    with pytest.raises(NetworkError, match=f"parameter 'koff' has a missing or unknown unit {unit!r}"):
        _with("parameters", 1, unit=unit)


@pytest.mark.parametrize("unit", ["", "mol/furlong"])
def test_species_missing_or_unknown_unit(unit):
    with pytest.raises(NetworkError, match="species 'LR' has a missing or unknown unit"):
        _with("species", 2, unit=unit)


def test_compartment_unknown_unit():
    with pytest.raises(NetworkError, match="compartment 'cell' has unknown unit 'gallon'"):
        _with("compartments", 1, unit="gallon")


def test_observable_unknown_unit():
    with pytest.raises(NetworkError, match="observable 'obs_bound' has unknown unit"):
        _with("observables", 0, unit="percentish")


@pytest.mark.parametrize("source", ["", "   "])
def test_parameter_missing_source(source):
    with pytest.raises(NetworkError, match="parameter 'kon' has no source"):
        _with("parameters", 0, evidence=Evidence(source))


def test_parameter_non_numeric_value():
    with pytest.raises(NetworkError, match="parameter 'kon' has a non-numeric value"):
        _with("parameters", 0, value=float("nan"))


def test_negative_initial_amount():
    with pytest.raises(NetworkError, match="species 'L' has a negative initial amount -1"):
        _with("species", 0, initial=-1.0)


def test_initial_expression_reads_unknown_symbol():
    with pytest.raises(NetworkError, match=r"initial value of species 'R'.*\['R1'\]"):
        _with("species", 1, initial="R1*lvl_R")


def test_species_in_unknown_compartment():
    with pytest.raises(NetworkError, match="species 'LR' is in unknown compartment 'nucleus'"):
        _with("species", 2, compartment="nucleus")


def test_reaction_in_unknown_compartment():
    with pytest.raises(NetworkError, match="reaction 'bind' is in unknown compartment 'nucleus'"):
        _with("reactions", 0, compartment="nucleus")


def test_non_positive_compartment_size():
    with pytest.raises(NetworkError, match="compartment 'cell' must have a positive size"):
        _with("compartments", 1, size=0.0)


@pytest.mark.parametrize("field", ["reactants", "products"])
def test_reaction_names_unknown_species(field):
    with pytest.raises(NetworkError, match="reaction 'bind' names unknown species 'X'"):
        _with("reactions", 0, **{field: {"X": 1}})


def test_observable_reads_unknown_symbol():
    with pytest.raises(NetworkError, match=r"observable 'obs_bound'.*\['Rtot'\]"):
        _with("observables", 0, expression="LR/Rtot")


def test_observable_may_read_earlier_observable_only():
    obs = (Observable("o1", "LR", "nM"), Observable("o2", "2*o1", "nM"))
    assert [o.id for o in _net(observables=obs).observables] == ["o1", "o2"]
    with pytest.raises(NetworkError, match=r"observable 'o2'.*\['o3'\]"):
        _net(observables=obs[:1] + (Observable("o2", "o3", "nM"), Observable("o3", "LR", "nM")))


def test_event_errors():
    with pytest.raises(NetworkError, match="event 'e1' assigns unknown target 'Z'"):
        _net(events=(Event("e1", 5.0, {"Z": 1.0}),))
    with pytest.raises(NetworkError, match="event 'e1' has a negative time"):
        _net(events=(Event("e1", -1.0, {"L": 1.0}),))


def test_gene_names_unknown_parameter():
    with pytest.raises(NetworkError, match="gene 'RGENE' names unknown parameter 'lvl_X'"):
        _with("genes", 0, level_parameters=("lvl_X",))


def test_stimulus_errors():
    with pytest.raises(NetworkError, match="stimulus names unknown species 'IL99'"):
        _net(stimuli={"IL99": 1.0})
    with pytest.raises(NetworkError, match="stimulus 'L' must be a finite non-negative"):
        _net(stimuli={"L": -1.0})


def test_symbols_power_and_functions():
    assert symbols("k*A^2/(K + B)") == {"k", "A", "K", "B"}
    assert symbols("exp(-k*t) + log(x) + pow(a, 2)") == {"k", "t", "x", "a"}


# ---------------------------------------------------------------- transformations
def test_network_is_immutable():
    net = _net()
    with pytest.raises(dataclasses.FrozenInstanceError):
        net.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        net.stimuli["L"] = 1.0  # type: ignore[index]


def test_with_parameters_returns_new_network():
    net = _net()
    new = net.with_parameters({"kon": 0.5})
    assert new is not net
    assert new.parameter("kon").value == 0.5
    assert "override (was 0.1" in new.parameter("kon").source
    assert net.parameter("kon").value == 0.1
    assert net.parameter("kon").source == "assumed"
    assert new.parameter("koff") == net.parameter("koff")


def test_with_parameters_unknown_parameter():
    with pytest.raises(NetworkError, match="unknown parameter 'kcat'"):
        _net().with_parameters({"kcat": 1.0})


def test_knockdown_and_knockout():
    net = _net().with_parameters({"lvl_R": 0.8})
    kd = net.knockdown("RGENE", 0.5)
    ko = net.knockout("rgene")  # gene symbols are case-insensitive
    assert kd.parameter("lvl_R").value == pytest.approx(0.4)
    assert ko.parameter("lvl_R").value == 0.0
    assert net.parameter("lvl_R").value == 0.8
    with pytest.raises(NetworkError, match="knock-down level must be"):
        net.knockdown("RGENE", -0.1)


def test_knockout_unknown_gene_lists_genes():
    with pytest.raises(NetworkError, match=r"unknown gene 'FOO'; knockable genes: RGENE"):
        _net().knockout("FOO")


def test_knockout_unknown_gene_in_signaling_module_lists_its_genes():
    from stat3sim.model import signaling_network

    net = signaling_network("tumor")
    with pytest.raises(NetworkError) as exc:
        net.knockout("NOTAGENE")
    msg = str(exc.value)
    assert "'NOTAGENE'" in msg
    for g in ("SOCS3", "STAT3", "IL6R", "JAK1"):
        assert g in msg


def test_with_stimulus_returns_new_network_and_merges():
    net = _net()
    s1 = net.with_stimulus({"L": 1})
    s2 = s1.with_stimulus({"L": 2.5})
    assert dict(net.stimuli) == {}
    assert dict(s1.stimuli) == {"L": 1.0}
    assert dict(s2.stimuli) == {"L": 2.5}
    assert s1.parameters == net.parameters and s1.reactions == net.reactions


def test_with_stimulus_unknown_species():
    with pytest.raises(NetworkError, match="stimulus names unknown species 'IL99'"):
        _net().with_stimulus({"IL99": 1.0})


def test_merge_conflict_and_union():
    a = _net()
    b = _net(name="other", species=_parts()["species"] + (Species("X", "cell", 0.0),))
    m = a.merge(b)
    assert "X" in m.species_ids and len(m.species) == 4
    c = _with("parameters", 0, value=0.2)
    with pytest.raises(NetworkError, match="cannot merge: 'kon' differs"):
        a.merge(c)
