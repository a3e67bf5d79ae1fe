"""The signaling module as a model: presets, sources, knock-outs, compile re-use."""
import re

import pytest

from stat3sim import Simulator, signaling_network, simulate
from stat3sim.model import CELL_TYPES


@pytest.mark.parametrize("cell", sorted(CELL_TYPES))
def test_every_cell_type_builds_and_responds_to_IL6(cell):
    net = signaling_network(cell)
    assert net.cells == (cell,)
    assert all(s.id.startswith(f"{cell}__") for s in net.species if s.compartment != "medium")
    res = simulate(net.with_stimulus({"IL6": 1.0}))
    assert res.ok
    assert res.peak(f"{cell}.pSTAT3") > 3 * res.baseline(f"{cell}.pSTAT3")


def test_every_parameter_has_unit_and_source():
    net = signaling_network("tumor")
    for p in net.parameters:
        assert p.unit, p.id
        assert p.evidence.source.strip(), p.id
        # a value is either openly assumed / an input / a gene level, or it names where
        # it comes from: a year, a PMID, FACTS.md, a model file, or review references
        src = p.evidence.source
        cited = re.search(r"(19|20)\d\d|PMID|FACTS|BIOMD|MODEL\d", src) or p.evidence.refs
        assert src.lower().startswith(("assumed", "input", "gene level")) or cited, (p.id, src)


def test_knockout_removes_the_species_and_keeps_the_original():
    net = signaling_network("tumor")
    ko = net.knockout("STAT3")
    assert net.parameter("tumor__lvl_STAT3").value == 1.0
    assert ko.parameter("tumor__lvl_STAT3").value == 0.0
    res = simulate(ko.with_stimulus({"IL6": 1.0}))
    assert res.peak("tumor.STAT3_total") == pytest.approx(0.0, abs=1e-9)
    assert res.peak("tumor.pSTAT3") == pytest.approx(0.0, abs=1e-9)


def test_variants_reuse_one_compiled_model():
    net = signaling_network("tumor")
    sim = Simulator.for_network(net)
    assert Simulator.for_network(net.knockout("SOCS3").with_stimulus({"IL6": 1.0})) is sim
    rr = sim.rr
    a = sim.run(net.with_stimulus({"IL6": 1.0}))
    b = sim.run(net.knockout("SOCS3").with_stimulus({"IL6": 1.0}))
    c = sim.run(net.with_stimulus({"IL6": 1.0}))
    assert sim.rr is rr
    assert b.late("tumor.pSTAT3") > a.late("tumor.pSTAT3")
    assert c.values == pytest.approx(a.values, rel=1e-9, abs=1e-12)  # no state leaks between runs


def test_stimulus_is_added_after_the_unstimulated_steady_state():
    net = signaling_network("tumor")
    res = simulate(net.with_stimulus({"IL6": 1.0}))
    assert res.meta["steady_state_residual_per_min"] < 1e-6
    base = simulate(net).at("IL6", 0.0)  # autocrine IL-6 at rest, nM
    assert res.at("IL6", 0.0) == pytest.approx(base + 1.0, rel=1e-9)


def test_failed_solve_is_data_not_an_exception():
    net = signaling_network("tumor").with_parameters({"tumor__k_stat3_phos": float("inf")})
    res = Simulator(net).run(net.with_stimulus({"IL6": 1.0}))
    assert not res.ok
    assert res.message


def test_dose_response_shape_matches_sobotta_2017():
    """FACTS (Sobotta 2017 model): the pSTAT3 peak comes earlier at higher IL-6
    (13 min at 100, 22 at 10, 39 at 1 model units). Our peak times fall with dose too,
    and the peak height rises monotonically and saturates."""
    net = signaling_network("tumor")
    sim = Simulator.for_network(net)
    doses = [0.1, 0.3, 1.0, 3.0, 10.0]  # nM
    runs = [sim.run(net.with_stimulus({"IL6": d})) for d in doses]
    times = [r.peak_time("tumor.pSTAT3") for r in runs]
    peaks = [r.peak("tumor.pSTAT3") for r in runs]
    assert all(a >= b for a, b in zip(times, times[1:])), times
    assert times[0] - times[-1] >= 10, times
    assert all(a < b for a, b in zip(peaks, peaks[1:])), peaks
    assert peaks[-1] / peaks[-2] < 1.2  # saturating


def _worker_peak(sbml_text: str) -> float:
    from stat3sim.engine import Simulator as S

    sim = S.from_sbml(sbml_text)
    return sim.run(stimuli={"IL6": 1.0}).peak("tumor__obs__pSTAT3")


def _worker_run(net):
    return simulate(net).peak("tumor.pSTAT3")


def test_networks_and_simulators_pickle_for_worker_processes():
    """Cohorts ship Networks (and Simulators) to worker processes: both must pickle."""
    import multiprocessing as mp
    import pickle

    net = signaling_network("tumor").knockout("SOCS3").with_stimulus({"IL6": 1.0}).with_stimulus({"IL6": 1.0}, at=60)
    assert pickle.loads(pickle.dumps(net)) == net
    sim = Simulator.for_network(net)
    again = pickle.loads(pickle.dumps(sim))
    assert again.run(net).values == pytest.approx(sim.run(net).values, rel=1e-9, abs=1e-12)
    with mp.get_context("spawn").Pool(1) as pool:
        remote = pool.apply(_worker_run, (net,))
    assert remote == pytest.approx(simulate(net).peak("tumor.pSTAT3"), rel=1e-9)


def test_a_worker_process_recreates_the_model_from_sbml():
    """Cohorts run in worker processes: the SBML text alone must rebuild the same model."""
    import multiprocessing as mp

    from stat3sim import to_sbml

    net = signaling_network("tumor")
    local = simulate(net.with_stimulus({"IL6": 1.0})).peak("tumor.pSTAT3")
    with mp.get_context("spawn").Pool(1) as pool:
        remote = pool.apply(_worker_peak, (to_sbml(net),))
    assert remote == pytest.approx(local, rel=1e-9)


def test_events_fire_once_in_the_run_not_in_the_presimulation():
    """A second IL-6 dose at 60 min: the medium IL-6 jumps by 1 nM at 60 min, once."""
    from dataclasses import replace

    from stat3sim.model.network import Event

    net = signaling_network("tumor")
    two_doses = replace(net, events=(Event("second_IL6_dose", 60.0, {"IL6": "IL6 + 1"}),))
    one = simulate(net.with_stimulus({"IL6": 1.0}))
    two = simulate(two_doses.with_stimulus({"IL6": 1.0}))
    assert two.at("IL6", 0.0) == pytest.approx(one.at("IL6", 0.0), rel=1e-9)
    assert two.at("IL6", 59.0) == pytest.approx(one.at("IL6", 59.0), rel=1e-6)
    assert two.at("IL6", 61.0) - one.at("IL6", 61.0) == pytest.approx(1.0, rel=0.01)


def test_stimulus_on_a_silent_pathway_integrates():
    """Regression (found by hypothesis): in an IL6R + SOCS3 knock-out at rest, pSTAT3 sits at
    ~1e-47 nM; without flushing such values CVODE's finite-difference Jacobian failed on
    the first step after EGF."""
    net = signaling_network("tumor").knockout("IL6R").knockout("SOCS3")
    res = simulate(net.with_stimulus({"EGF": 1.0}))
    assert res.ok, res.message
    assert res.peak("tumor.pSTAT3") > 10 * max(res.baseline("tumor.pSTAT3"), 1e-6)


def test_jak_inhibitor_blocks_active_complexes_with_its_potency():
    """An ATP-competitive JAK1/2 inhibitor blocks JAK activation and catalysis; the IL-6
    peak falls monotonically and is halved near the inhibition constant (3 nM here;
    cellular ATP shifts would enter through Ki, the drug layer's business)."""
    import numpy as np

    net = signaling_network("tumor")
    sim = Simulator.for_network(net)
    conc = [0.0, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
    peaks = [sim.run(net.with_parameters({"tumor__I_JAK": c}).with_stimulus({"IL6": 1.0})).peak("tumor.pSTAT3")
             for c in conc]
    rel = np.array(peaks) / peaks[0]
    assert np.all(np.diff(rel) < 0)
    ic50 = float(np.exp(np.interp(0.5, rel[::-1][:-1], np.log(conc[1:])[::-1])))
    ki = net.parameter("tumor__Ki_JAK1").value
    assert ki / 3 <= ic50 <= 3 * ki, ic50


def test_scheduled_dose_equals_an_sbml_event_without_recompiling():
    """A second IL-6 dose at 60 min as protocol (schedule) gives the SBML-event result,
    and changing the schedule re-uses the compiled model."""
    from dataclasses import replace

    from stat3sim.model.network import Event

    net = signaling_network("tumor")
    sim = Simulator.for_network(net)
    scheduled = net.with_stimulus({"IL6": 1.0}).with_stimulus({"IL6": 1.0}, at=60.0)
    assert Simulator.for_network(scheduled) is sim
    a = sim.run(scheduled)
    event = replace(net, events=(Event("second_IL6_dose", 60.0, {"IL6": "IL6 + 1"}),))
    b = simulate(event.with_stimulus({"IL6": 1.0}))
    assert a.time.tolist() == b.time.tolist()
    assert a["tumor.pSTAT3"] == pytest.approx(b["tumor.pSTAT3"], rel=1e-6, abs=1e-9)
    later = sim.run(net.with_stimulus({"IL6": 1.0}).with_stimulus({"IL6": 1.0}, at=120.0))
    assert later.at("tumor.pSTAT3", 100) == pytest.approx(
        sim.run(net.with_stimulus({"IL6": 1.0})).at("tumor.pSTAT3", 100), rel=1e-9)
    assert later.at("IL6", 121) > later.at("IL6", 119) + 0.9


def test_new_initial_values_without_recompiling():
    """Numeric initial values of a Network variant (or given to run) are used by the
    compiled model; visible without pre-simulation."""
    from dataclasses import replace

    net = signaling_network("tumor")
    sim = Simulator.for_network(net)
    species = tuple(replace(s, initial=2.0) if s.id == "IL11" else s for s in net.species)
    variant = replace(net, species=species)
    assert Simulator.for_network(variant) is sim
    assert sim.run(variant, presimulate=False, t_end=1).at("IL11", 0.0) == pytest.approx(2.0)
    assert sim.run(net, presimulate=False, t_end=1).at("IL11", 0.0) == pytest.approx(0.0)
    assert sim.run(net, presimulate=False, t_end=1, initial_values={"IL11": 0.5}).at("IL11", 0.0) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="initial"):
        sim.run(net, initial_values={"tumor__STAT3_cyt": 1.0})  # set by an initial assignment


def test_schedule_is_validated():
    from stat3sim.model.network import NetworkError

    net = signaling_network("tumor")
    with pytest.raises(NetworkError, match="time > 0"):
        net.with_stimulus({"IL6": 1.0}, at=-5)
    with pytest.raises(NetworkError, match="unknown species"):
        net.with_stimulus({"IL99": 1.0}, at=5)


def test_every_parameter_is_used():
    """No dead numbers: each parameter is read by a rate law, an initial value or a readout."""
    from stat3sim.model.network import symbols

    net = signaling_network("tumor")
    used = set()
    for r in net.reactions:
        used |= symbols(r.rate)
    for s in net.species:
        if isinstance(s.initial, str):
            used |= symbols(s.initial)
    for o in net.observables:
        used |= symbols(o.expression)
    assert [p.id for p in net.parameters if p.id not in used] == []


def test_tc_ptp_knockout_has_a_steady_state():
    """Regression (found by hypothesis): with TC-PTP (PTPN2) knocked out, nuclear pY705
    dimers still leave through the minor nuclear phosphatase share; the cell reaches a
    steady state with raised resting pSTAT3 and a higher IL-6 peak [26, 28]."""
    net = signaling_network("tumor")
    wt = simulate(net.with_stimulus({"IL6": 1.0}))
    ko = simulate(net.knockout("PTPN2").with_stimulus({"IL6": 1.0}))
    assert ko.ok and ko.meta["steady_state_reached"]
    assert ko.baseline("tumor.pSTAT3") > 2 * wt.baseline("tumor.pSTAT3")
    assert ko.peak("tumor.pSTAT3") > wt.peak("tumor.pSTAT3")
    assert ko.baseline("tumor.pSTAT3") < 0.5


def test_no_state_leaks_between_runs_of_any_kind():
    """Whatever ran before on a compiled model (initial values, schedules, knock-outs,
    parameter overrides, no pre-simulation), a run gives what a fresh model gives."""
    net = signaling_network("tumor")
    plain = net.with_stimulus({"IL6": 1.0})
    fresh = Simulator(net).run(plain)
    sim = Simulator(net)
    sim.run(net, presimulate=False, t_end=5, initial_values={"IL11": 2.0})
    sim.run(net.knockout("PTPN2").with_stimulus({"EGF": 1.0}).with_stimulus({"IL6": 1.0}, at=30.0), t_end=60)
    sim.run(net, parameters={"tumor__k_stat3_phos": 0.2}, stimuli={"TNFa": 1.0}, t_end=30)
    again = sim.run(plain)
    assert again.values.shape == fresh.values.shape
    assert again.values == pytest.approx(fresh.values, rel=1e-9, abs=1e-12)
