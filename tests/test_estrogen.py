"""ERα signaling of luminal tumor cells (opt-in) and IL-6/STAT3 lowering ERα dependence
(TME-12 at the single-cell level) [93, 94]."""
import re

import numpy as np
import pytest

from stat3sim import signaling_network, simulate
from stat3sim.engine.sbml import to_sbml, validation_errors
from stat3sim.model.network import NetworkBuilder
from stat3sim.model.signaling import add_cell
from stat3sim.model.signaling.estrogen import ER_GLOBAL, ER_PER_CELL, estrogen_network

E2_nM = 0.5  # physiological (premenopausal serum ~0.1–1 nM)
DAY = 1440.0
K_LOSS = 0.001  # IL-6 loss from the medium (GLOBAL k_deg_ligand_medium), 1/min


def sustained_il6(net, dose=1.0, every=360, t_end=2 * DAY):
    """IL-6 at ~``dose`` nM for the whole run: a dose at 0, then top-ups every ``every``
    minutes replacing what the medium lost."""
    net = net.with_stimulus({"IL6": dose})
    for t in np.arange(every, t_end, every):
        net = net.with_stimulus({"IL6": dose * (1 - np.exp(-K_LOSS * every))}, at=float(t))
    return net


def run(net, t_end=2 * DAY):
    res = simulate(net, t_end=t_end, n_points=int(t_end / 60) + 1)
    assert res.ok, res.message
    return res


@pytest.fixture(scope="module")
def er():
    return estrogen_network("tumor", e2=E2_nM)


@pytest.fixture(scope="module")
def growth(er):
    """growth_drive at 48 h: wild type / ESR1 knock-down 0.2, without / with sustained IL-6."""
    kd = er.knockdown("ESR1", 0.2)
    runs = {"wt": er, "kd": kd, "wt_il6": sustained_il6(er), "kd_il6": sustained_il6(kd)}
    return {k: run(n) for k, n in runs.items()}


def test_default_network_has_no_estrogen_species():
    net = signaling_network("tumor")
    assert not [s for s in net.species_ids if "ERa" in s or "E2" in s]
    assert "ESR1" not in {g.symbol for g in net.genes}


def test_e2_raises_er_activity_and_greb1():
    net = estrogen_network("tumor").with_stimulus({"E2": E2_nM})  # stripped medium, then E2
    res = run(net, t_end=DAY)
    assert res.baseline("E2") == pytest.approx(E2_nM)
    for key in ("tumor.ERa_activity", "tumor.GREB1"):
        assert res.at(key, DAY) >= 2 * res.baseline(key), key
    assert res.at("tumor.PGR", DAY) > 1.5 * res.baseline("tumor.PGR")
    # ERα activity is 0..1; at 0.5 nM E2 (Kd 0.1 nM) the receptor is mostly occupied
    assert 0.5 < res.at("tumor.ERa_activity", DAY) <= 1.0


def test_esr1_knockout_abolishes_the_er_response():
    net = estrogen_network("tumor").knockout("ESR1").with_stimulus({"E2": E2_nM})
    res = run(net, t_end=DAY)
    assert res.peak("tumor.ERa_activity") == pytest.approx(0.0, abs=1e-9)
    assert res.peak("tumor.GREB1") == pytest.approx(1.0, abs=1e-6)  # basal, no ERα input
    assert res.peak("tumor.ER_growth_drive") == pytest.approx(0.0, abs=1e-6)


def test_er_blocker_competes_with_e2(er):
    base = run(er, t_end=60).baseline("tumor.ERa_activity")
    ki = er.parameter("tumor__Ki_ER").value
    blocked = run(er.with_parameters({"tumor__I_ER": 100 * ki}), t_end=60).baseline("tumor.ERa_activity")
    assert blocked < 0.3 * base
    # competitive: ten times more E2 restores much of it
    more_e2 = er.with_parameters({"tumor__I_ER": 100 * ki, "E2_medium0": 10 * E2_nM})
    assert run(more_e2, t_end=60).baseline("tumor.ERa_activity") > 2 * blocked


def test_er_represses_il6_and_endocrine_therapy_derepresses_it(er):
    """ERα represses the IL6 promoter (NF-κB/C/EBPβ interference); an ERα blocker or ESR1
    knock-down lifts it: hormone therapy raises autocrine IL-6 [94]. An ER-null cell has
    nothing to de-repress, and its IL6 is that of a cell without the ERα module."""
    def il6(net):
        return run(net, t_end=60).baseline("tumor.IL6")

    ki = er.parameter("tumor__Ki_ER").value
    base = il6(er)
    assert il6(er.with_parameters({"tumor__I_ER": 100 * ki})) > 2 * base
    assert il6(er.knockdown("ESR1", 0.2)) > 2 * base
    assert il6(er.with_parameters({"tumor__R_IL6_ER": 0.0})) > 2 * base  # the repression itself
    null = er.knockout("ESR1")
    assert il6(null.with_parameters({"tumor__I_ER": 100 * ki})) == pytest.approx(il6(null), rel=1e-6)
    plain = run(signaling_network("tumor"), t_end=60).baseline("tumor.IL6")
    assert il6(null) == pytest.approx(plain, rel=1e-4)


def test_il6_lowers_er_activity_by_a_fifth(growth):
    ctl = growth["wt"].at("tumor.ERa_activity", DAY)
    il6 = growth["wt_il6"].at("tumor.ERa_activity", DAY)
    assert il6 <= 0.8 * ctl, (il6, ctl)
    assert growth["wt_il6"].at("tumor.GREB1", DAY) < growth["wt"].at("tumor.GREB1", DAY)


def test_il6_lowers_er_dependence_of_growth(growth):
    g = {k: r.at("tumor.growth_drive", 2 * DAY) for k, r in growth.items()}
    f0 = (g["wt"] - g["kd"]) / g["wt"]  # growth lost to ESR1 knock-down, no IL-6
    f1 = (g["wt_il6"] - g["kd_il6"]) / g["wt_il6"]  # the same with sustained IL-6
    assert f0 > 0.3, f0  # ER+ cells depend on ERα at rest
    assert (f0 - f1) / f0 >= 0.30, (f0, f1)


def test_il6_raises_notch3_and_cd133(growth):
    for key in ("tumor.NOTCH3", "tumor.CD133_index"):
        assert growth["wt_il6"].at(key, 2 * DAY) > 1.5 * growth["wt"].at(key, 2 * DAY), key
    assert growth["wt_il6"].at("tumor.pSTAT3", 2 * DAY) > 5 * growth["wt"].at("tumor.pSTAT3", 2 * DAY)


def test_sbml_validates(er):
    sbml = to_sbml(er)
    assert validation_errors(sbml) == []
    assert validation_errors(sbml, units=True) == []


def test_genes_and_parameters_have_sources(er):
    assert {"ESR1", "NOTCH3"} <= {g.symbol for g in er.genes}
    ids = set(er.parameter_ids)
    for name in ER_PER_CELL:
        assert f"tumor__{name}" in ids, name
    for name in ER_GLOBAL:
        assert name in ids
    for name, (_v, unit, ev, _d) in {**ER_PER_CELL, **ER_GLOBAL}.items():
        assert unit, name
        src = ev.source
        cited = re.search(r"(19|20)\d\d|PMID|FACTS|doi", src) or ev.refs
        assert src.lower().startswith(("assumed", "input", "gene level")) or cited, (name, src)


def test_reduced_module_takes_estrogen_too():
    b = NetworkBuilder("er_reduced")
    add_cell(b, "tumor", reduced=True, estrogen=True)
    net = b.build().with_parameters({"E2_medium0": E2_nM})
    res = run(net.with_stimulus({"IL6": 1.0}), t_end=DAY)
    assert res.baseline("tumor.ERa_activity") > 0.5
    assert res.at("tumor.ERa_activity", 360) < res.baseline("tumor.ERa_activity")
