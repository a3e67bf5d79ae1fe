"""Metastatic niches: seeding, colonisation, the coupled bone module.

Direction checks of the mechanisms; the metastasis claims (TME-7 … TME-10, TME-12) are
tested in test_tme.py."""
from __future__ import annotations

import numpy as np

from stat3sim import runs
from stat3sim.engine.roadrunner import POPULATION_ATOL, POPULATION_RTOL, Simulator
from stat3sim.model import tme
from stat3sim.scenarios import load_scenario

READ = ("bone_osteoclasts_pct", "bone_mass_pct", "bone_RANKL_OPG_ratio", "bone_IL11_pg_mL", "mets_bone")


def _run(net, mets_bone=0.0, days=180):
    res = Simulator.for_network(net).run(net, t_end=days * 1440.0, n_points=days + 1, parameters={"pop_on": 0.0},
                                         after_presim={"pop_on": 1.0}, initial_values={"mets_bone": mets_bone},
                                         rtol=POPULATION_RTOL, atol=POPULATION_ATOL)
    assert res.ok, res.message
    return {k: res[k] for k in READ}


def test_every_scenario_has_metastasis_readouts():
    obs = set(runs.vocabulary().observables)
    assert {"mets_bone", "mets_lung", "mets_liver", "lesions_bone", "metastatic_sites", "metastatic_burden",
            "bone_osteoclast_count", "bone_osteoblast_count", "bone_mass_pct"} <= obs


def test_tumor_free_bone_stays_at_its_steady_state():
    net = runs.build(load_scenario("tnbc").model_copy(update={"cells": {c: 0.0 for c in tme.CELL_TYPES}}))
    r = _run(net)
    assert np.allclose(r["bone_osteoclasts_pct"], 100.0, rtol=1e-4)
    assert np.allclose(r["bone_mass_pct"], 100.0, rtol=1e-4)


def test_bone_metastasis_drives_the_vicious_cycle_and_niche_IL11RA_loss_cuts_it():
    net = runs.build(load_scenario("tnbc"))
    free = _run(net)
    mets = _run(net, mets_bone=1e8)
    assert mets["bone_IL11_pg_mL"][-1] > 1.3 * free["bone_IL11_pg_mL"][-1]
    assert mets["bone_RANKL_OPG_ratio"][-1] > free["bone_RANKL_OPG_ratio"][-1]
    assert mets["bone_osteoclasts_pct"][-1] > free["bone_osteoclasts_pct"][-1]
    assert mets["bone_mass_pct"][-1] < free["bone_mass_pct"][-1]
    ko = _run(net.with_parameters({"bone_lvl_IL11RA": 0.0}), mets_bone=1e8)
    rise = mets["bone_osteoclasts_pct"][-1] - free["bone_osteoclasts_pct"][-1]
    assert ko["bone_osteoclasts_pct"][-1] - free["bone_osteoclasts_pct"][-1] < rise


def test_bone_seeding_follows_invasion_and_cxcr4():
    """Tumor STAT3 loss lowers invasion and CXCR4, so fewer cells seed bone (fewer lesions,
    less burden). (Lung burden is set by neutrophil/MDSC support more than by seeding.)"""
    sc = load_scenario("tnbc")
    keys = ["mets_bone", "lesions_bone"]
    wt = runs.simulate(sc, readouts=keys)
    ko = runs.simulate(sc, runs.Arm("tumor STAT3 KO", knockouts=["tumor:STAT3"]), readouts=keys)
    for key in keys:
        assert 0 < ko.at(key) < wt.at(key)
