"""TGF-β/SMAD → IL-11 crosstalk (``signaling/tgfb.py``), for claims TME-7 and TME-9.

Protocol: each network is pre-simulated to its unstimulated steady state (mimics and
knock-outs are present then, as in cells transfected or edited before the experiment),
then 1 nM TGF-β (≈ 25 ng/mL) is added to the medium and the cell followed for 24 h.
"Secretion over 24 h" is the amount of IL-11 secreted in that window (the integral of
the secretion flux, what an ELISA of 24 h conditioned medium reads), relative to the same
cell without TGF-β.
"""
from __future__ import annotations

import numpy as np
import pytest

from stat3sim.engine.roadrunner import Simulator
from stat3sim.engine.sbml import to_sbml, validation_errors
from stat3sim.model.signaling import signaling_network
from stat3sim.model.signaling import tgfb as tg

T_END, TGFB_nM = 1440.0, 1.0


@pytest.fixture(scope="module")
def caf():
    return tg.caf_network()


@pytest.fixture(scope="module")
def caf_sim(caf):
    return Simulator(caf)


@pytest.fixture(scope="module")
def tumor():
    return tg.tgfb_network("tumor")


@pytest.fixture(scope="module")
def tumor_sim(tumor):
    return Simulator(tumor)


def _run(sim, net, tgfb: float = TGFB_nM):
    res = sim.run(net.with_stimulus({"TGFb": tgfb}) if tgfb else net, t_end=T_END, n_points=289)
    assert res.ok, res.message
    return res


def _secreted(res, cell: str) -> float:
    """IL-11 molecules secreted per cell over the run."""
    return float(np.trapezoid(res[f"{cell}.IL11_secretion"], res.time / 1440.0))


# ------------------------------------------------------------------ TME-7
def test_tgfb_raises_caf_il11_secretion_at_least_2x(caf, caf_sim):
    base, stim = _run(caf_sim, caf, 0.0), _run(caf_sim, caf)
    ratio = _secreted(stim, "caf") / _secreted(base, "caf")
    assert ratio >= 2.0, ratio
    # the flux at 24 h and the IL-11 accumulated in the medium rise too
    assert stim.late("caf.IL11_secretion") >= 2.0 * base.late("caf.IL11_secretion")
    assert stim.late("IL11") >= 2.0 * base.late("IL11")
    # basal secretion is the assumed ~3,000 molecules/cell/day at IL11 mRNA ≈ 1
    assert base.late("caf.IL11_secretion") == pytest.approx(3000.0, rel=0.05)


def test_tgfb_raises_caf_il6_secretion(caf, caf_sim):
    base, stim = _run(caf_sim, caf, 0.0), _run(caf_sim, caf)
    assert stim.late("caf.IL6_secretion") > 1.3 * base.late("caf.IL6_secretion")


def test_smad_activity_reaches_its_exact_steady_state(caf, caf_sim):
    """d S/dt = k_act·occ·(1 − S) − k_inact·S  ⇒  S* = k_act·occ/(k_act·occ + k_inact)."""
    P = {p.id: p.value for p in caf.parameters}
    occ = TGFB_nM / (P["caf__K_TGFb"] + TGFB_nM)
    a = P["caf__k_smad_act"] * occ
    exact = a / (a + P["caf__k_smad_inact"])
    assert _run(caf_sim, caf).late("caf.SMAD_activity") == pytest.approx(exact, rel=1e-4)
    assert _run(caf_sim, caf, 0.0).late("caf.SMAD_activity") == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("gene", ["TGFBR1", "SMAD4"])
def test_receptor_or_smad4_knockout_abolishes_the_il11_rise(caf, caf_sim, gene):
    base, wt = _secreted(_run(caf_sim, caf, 0.0), "caf"), _secreted(_run(caf_sim, caf), "caf")
    ko = caf.knockout(gene)
    ko_base, ko_stim = _secreted(_run(caf_sim, ko, 0.0), "caf"), _secreted(_run(caf_sim, ko), "caf")
    remaining = (ko_stim - ko_base) / (wt - base)
    assert remaining <= 0.10, remaining


# ------------------------------------------------------------------ TME-9
@pytest.mark.parametrize("mir", ["miR-124", "miR-204", "miR-211", "miR-379"])
@pytest.mark.parametrize("cell", ["caf", "tumor"])
def test_mirna_mimic_lowers_il11_mrna_by_30_percent(caf, caf_sim, tumor, tumor_sim, mir, cell):
    net, sim = (caf, caf_sim) if cell == "caf" else (tumor, tumor_sim)
    wt = _run(sim, net).late(f"{cell}.IL11_mRNA")
    mim = _run(sim, tg.mimic(net, cell, mir, fold=10)).late(f"{cell}.IL11_mRNA")
    assert mim <= 0.70 * wt, mim / wt


@pytest.mark.parametrize("cell", ["caf", "tumor"])
def test_atb_stabilises_il11_mrna(caf, caf_sim, tumor, tumor_sim, cell):
    net, sim = (caf, caf_sim) if cell == "caf" else (tumor, tumor_sim)
    wt = _run(sim, net)
    ko = _run(sim, net.knockout("ATB"))
    assert wt.late(f"{cell}.ATB") > 2.0 * wt.baseline(f"{cell}.ATB")  # TGF-β-induced
    assert wt.late(f"{cell}.IL11_mRNA") / ko.late(f"{cell}.IL11_mRNA") >= 1.3


# ------------------------------------------------------------------ structure
def test_transformations():
    net = tg.caf_network()
    assert tg.mimic(net, "caf", "MIR204", 10).parameter("caf__lvl_MIR204").value == 10.0
    assert tg.knock_in(net, "caf", "SMAD4", 2.0).parameter("caf__lvl_SMAD4").value == 2.0
    with pytest.raises(ValueError):
        tg.mimic(net, "caf", "miR-21")
    with pytest.raises(ValueError):
        tg.knock_in(net, "caf", "NOPE", 2.0)
    for g in tg.GENES:
        net.gene(g)  # every level parameter is a knockable gene


@pytest.mark.parametrize("which", ["caf", "tumor"])
def test_sbml_of_a_tgfb_network_validates(caf, tumor, which):
    assert validation_errors(to_sbml(caf if which == "caf" else tumor)) == []


def test_default_tumor_network_has_no_tgfb_module():
    net = signaling_network("tumor")
    assert not any("SMAD" in s or s == "TGFb" or "ATB" in s for s in net.species_ids)
    assert not any("IL11_mRNA" in s for s in net.species_ids)
