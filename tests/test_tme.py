"""The tumor-microenvironment layer: numerics (mass conservation, positivity, homeostasis),
the reduced signaling module against the full one, the declared Network features, and
the TME claims (TME-1 … TME-12) on default parameters."""
from __future__ import annotations

import json

import numpy as np
import pytest

from stat3sim import runs
from stat3sim.claims import REGISTRY, run_claims
from stat3sim.claims.registry import _load
from stat3sim.engine.roadrunner import Simulator
from stat3sim.model import tme
from stat3sim.model.network import NetworkBuilder, NetworkError
from stat3sim.scenarios import list_scenarios, load_scenario, validate

_load()
TME_IDS = ["TME-1", "TME-2", "TME-3", "TME-4", "TME-5", "TME-6", "TME-7", "TME-8", "TME-9", "TME-10", "TME-11", "TME-12"]
KEYS = ["tumor_volume_mm3", "tumor.pSTAT3", "MDSC_count", "CD8_count", "M2_fraction", "serum_IL6_pg_mL"]


@pytest.mark.parametrize("cid", TME_IDS)
def test_tme_claim_passes(cid):
    (res,) = run_claims(ids=[cid])
    assert not res.error, res.error
    assert res.passed, f"{cid} failed: observed {json.dumps(res.observed)}; expected {res.expected}"


def test_tme8_serum_TGFb_is_reported_not_judged():
    """TME-8 as restated (CLAIMS.md): serum TGF-β is reported, not part of the check — resorption
    adds little to plasma TGF-β (all TGF-β freed from 30 g niche bone is ~0.1 % of it) and the
    patient studies disagree on its direction; the bone-cycle parts hold [55, 66-71]."""
    (res,) = run_claims(ids=["TME-8"])
    o = res.observed
    assert o["RANKL_OPG_ratio_fold"] >= 2 and o["osteoclast_fold"] >= 2 and o["bone_mass_pct"] <= 90
    assert o["osteoclast_rise_cut_IL11RA_KO"] >= 0.30 and o["serum_IL11_fold"] >= 1.3
    assert 1.0 <= o["serum_TGFb_fold"] < 1.3


# ------------------------------------------------------------------ mass conservation
LIGAND_SPECIES = {
    "IL6": ("IL6", "IL6_sIL6R", "IL6_sIL6R_sgp130", "blood__IL6"),
    "IL11": ("IL11", "IL11_sIL11R", "IL11_sIL11R_sgp130", "blood__IL11", "bone_IL11"),
    "TGFb": ("TGFb", "blood__TGFb"),  # read as receptor occupancy, not consumed
}
CELL_BOUND = {"IL6": ("IL6_IL6R", "C6", "T6"), "IL11": ("IL11_IL11RA", "C11", "T11"), "TGFb": ()}


def _total_ligand(res, net, lig: str) -> np.ndarray:
    """zmol of a ligand: free + soluble-receptor-bound in interstitium and blood, plus
    cell-bound in every population (count × per-cell concentration × cytoplasm volume)."""
    vol = {c.id: c.size for c in net.compartments}
    total = np.zeros_like(res.time)
    for sid in LIGAND_SPECIES[lig]:
        comp = net.species_by_id(sid).compartment
        v = res.meta["V_medium"] if comp == "medium" else vol[comp]
        total += res[sid] * v
    for pop in net.populations:
        n = res.meta["counts"][pop.cell]
        for stem in CELL_BOUND[lig]:
            for st in ("", "_pJAK", "_pJAK_SOCS3") if stem[0] in "CT" and stem[1].isdigit() else ("",):
                sid = f"{pop.cell}__{stem}{st}"
                total += n * res[sid] * vol[f"{pop.cell}__cytoplasm"]
    return total


def test_ligand_mass_is_conserved_with_fixed_cells_and_no_clearance():
    """Cells held fixed (pop_on = 0), secretion, clearance, degradation and
    internalisation off: every IL-6, IL-11 and TGF-β molecule is somewhere, over 3 days."""
    net = runs.build(load_scenario("tnbc"))
    off = {p.id: 0.0 for p in net.parameters
           if p.id.startswith("sec_") or p.id.startswith("k_clear_") or p.id.endswith("k_internalisation")
           or p.id.endswith("k_secretion_IL6") or p.id.endswith("k_secretion_IL11")
           or p.id in ("k_deg_ligand_medium", "pop_on", "k_TGFb_deg")}
    off.update({"serum_IL6_healthy": 0.0, "serum_IL11_healthy": 0.0, "serum_TGFb_healthy": 0.0})  # host production
    sim = Simulator.for_network(net)
    stim = {"IL6": 0.5, "IL11": 1.0, "sIL6R": 1.0, "sIL11R": 0.5, "TGFb": 0.1}
    res = sim.run(net, t_end=3 * 1440.0, times=np.linspace(0, 3 * 1440.0, 73), parameters=off,
                  stimuli=stim, presimulate=False)
    assert res.ok, res.message
    # the interstitial volume and cell numbers are constant with populations frozen
    rr = sim.rr
    res.meta["V_medium"] = rr["medium"]
    res.meta["counts"] = {pop.cell: rr[pop.count] for pop in net.populations}
    for lig in ("IL6", "IL11", "TGFb"):
        tot = _total_ligand(res, net, lig)
        assert tot[0] > 0
        drift = np.max(np.abs(tot - tot[0])) / tot[0]
        assert drift < 1e-5, f"{lig}: total drifts by {drift:.2e}"


# ------------------------------------------------------------------ positivity, homeostasis
ARMS = [None, ("tumor:STAT3",), ("myeloid:STAT3",), ("hematopoietic:STAT3",), ("t_cell:STAT3",), tuple(tme.IL6_KO_ALL)]


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_no_negative_cells_or_concentrations(name):
    """Every species (cells, nM, au) stays ≥ −1e-9 over 180 days for every shipped scenario
    and lineage knock-out, at the population tolerances; readouts that are ratios (the
    pSTAT3 index of a STAT3-null cell is 0/0 regularised) stay ≥ −1e-6, the solver's rtol."""
    from stat3sim.engine.roadrunner import POPULATION_ATOL, POPULATION_RTOL

    sc = load_scenario(name)
    for kos in ARMS:
        arm = runs.Arm("x", knockouts=list(kos)) if kos else None
        net = runs.build(sc, arm)
        res = Simulator.for_network(net).run(net, t_end=180 * 1440.0, n_points=181, parameters={"pop_on": 0.0},
                                             after_presim={"pop_on": 1.0}, rtol=POPULATION_RTOL, atol=POPULATION_ATOL)
        assert res.ok, res.message
        lows = res.values.min(axis=0)
        # cells whose STAT3 is knocked out have no STAT3 activity index (0/0, regularised):
        # their ratio readouts are integration noise around 0 and are not checked
        no_stat3 = {c for ko in (kos or ()) if ko.endswith(":STAT3") for c in tme.LINEAGES[ko.split(":")[0]]}
        for col, low in zip(res.columns, lows):
            if any(col.startswith(f"{c}__obs__") for c in no_stat3):
                continue
            floor = -1e-6 if "__obs__" in col else -1e-9
            assert low >= floor, f"{name} {kos}: {col} reaches {low:.3g}"


def test_every_shipped_scenario_validates():
    vocab = runs.vocabulary()
    for name, _ in list_scenarios():
        validate(load_scenario(name), vocab)


def test_densities_within_plausibility_bounds():
    """QSP-IO TNBC plausibility bounds (cells/mL tumor) at day 0 and day 180 (FACTS)."""
    bounds = {"CD8_per_mL": (1e5, 1e9), "MDSC_per_mL": (1e4, 1e7), "macrophage_per_mL": (1e5, 1e8)}
    for name, _ in list_scenarios():
        run = runs.simulate(load_scenario(name), readouts=list(bounds))
        for key, (lo, hi) in bounds.items():
            for day in (0, 180):
                v = run.at(key, day)
                assert lo <= v <= hi, f"{name}: {key} = {v:.3g} at day {day} outside [{lo:g}, {hi:g}]"


def test_tnbc_doubling_time_in_clinical_range_and_luminal_slower():
    """Ryu 2014 (FACTS): TNBC volume doubling 103 ± 43 d; luminal subtypes slower."""
    def doubling(name):
        f = runs.simulate(load_scenario(name), readouts=["tumor_volume_mm3"]).frame["tumor_volume_mm3"].to_numpy()
        return 180 * np.log(2) / np.log(f[-1] / f[0])
    t = doubling("tnbc")
    assert 60 <= t <= 146, t
    for name in ("luminal_a", "luminal_b"):
        assert doubling(name) > t


def test_without_tumor_cells_the_model_stays_at_homeostasis():
    """A model without tumor cells is at its homeostatic steady state and stays there: no
    cells recruited into a site without cells, serum cytokines at their healthy levels,
    tumor-free bone at its normal remodeling state, over 180 days. "No cells" is below
    1e-12 cells: the solver's Newton corrections leave ~1e-19-cell residues around zero
    populations during pre-simulation, twelve orders below the half-cell extinction level."""
    sc = load_scenario("tnbc").model_copy(update={"cells": {c: 0.0 for c in tme.CELL_TYPES}})
    run = runs.simulate(sc, all_observables=True)
    assert run.ok, run.message
    f = run.frame
    for col in ("tumor_cells", "CD8_count", "MDSC_count", "macrophage_count", "neutrophil_count", "DC_count",
                "CD4_count", "caf_count", "metastatic_burden"):
        assert f[col].abs().max() < 1e-12, col
    for col in ("serum_IL6_pg_mL", "serum_TNFa_pg_mL", "serum_IL11_pg_mL", "serum_TGFb_pg_mL", "tumor_volume_mm3",
                "bone_mass_pct",
                "bone_osteoclasts_pct"):
        v = f[col].to_numpy()
        assert np.allclose(v, v[0], rtol=1e-6, atol=0), (col, v[0], v[-1])
    assert f["serum_IL6_pg_mL"].iloc[-1] == pytest.approx(2.0, rel=1e-3)
    assert f["bone_mass_pct"].iloc[-1] == pytest.approx(100.0, rel=1e-6)


# ------------------------------------------------------------------ reduced module
@pytest.mark.parametrize("cell", ["macrophage", "t_cell", "caf"])
def test_reduced_module_agrees_with_full_module(cell):
    """Peak and 24 h pSTAT3 of the reduced module within 15 % of the full module of the
    same cell type, IL-6 and IL-11 from 1 pM to 10 nM (autocrine IL-6 off in both: in the
    TME layer secretion belongs to the population)."""
    from stat3sim.model.cells import cell_type
    from stat3sim.model.signaling import add_cell, signaling_network

    b = NetworkBuilder("reduced")
    add_cell(b, cell, cell_type(cell).overrides, reduced=True, genes=("PTGS2",), nfkb=True)
    red = b.build()
    full = signaling_network(cell).knockout("IL6")
    assert len(red.species) < len(full.species)
    worst = 0.0
    for lig in ("IL6", "IL11"):
        for dose in (0.001, 0.01, 0.1, 1.0, 10.0):
            out = []
            for net in (full, red):
                res = Simulator.for_network(net).run(net.with_stimulus({lig: dose}), t_end=1440, n_points=1441)
                out.append((res.peak(f"{cell}.pSTAT3"), res.at(f"{cell}.pSTAT3", 1440)))
            for a, b_ in zip(*out):
                worst = max(worst, abs(b_ / a - 1))
    assert worst < 0.15, worst


# ------------------------------------------------------------------ declared features
def test_aggregate_modifier_population_and_errors():
    b = NetworkBuilder("t")
    b.compartment("c", 1.0, "pL")
    b.species("A", "c", 10.0, "cell")
    b.species("B", "c", 5.0, "cell")
    b.parameter("k", 0.1, "1/min", "assumed")
    b.aggregate("total", "cell")
    b.contribute("total", "A")
    b.contribute("total", "B")
    b.reaction("grow", [], ["A"], "k*total", "c")
    b.modifier("grow", "(1 - B/(B + 10))", "assumed")
    net = b.build()
    assert net.rules[0].expression == "(A) + (B)"
    assert "(1 - B/(B + 10))" in net.reactions[0].rate
    bad = NetworkBuilder("t2")
    bad.compartment("c", 1.0, "pL")
    bad.species("A", "c", 1.0, "cell")
    bad.modifier("nope", "2", "assumed")
    with pytest.raises(NetworkError, match="unknown reaction 'nope'"):
        bad.build()
    mixed = NetworkBuilder("t3")
    mixed.compartment("c", 1.0, "pL")
    mixed.species("A", "c", 1.0, "cell")
    mixed.species("X", "c", 1.0, "nM")
    mixed.reaction("r", ["A"], ["X"], "A", "c")
    with pytest.raises(NetworkError, match="mixes cell-counted"):
        mixed.build()
    cyc = NetworkBuilder("t4")
    cyc.compartment("c", 1.0, "pL")
    cyc.rule("x", "y + 1", "dimensionless")
    cyc.rule("y", "x + 1", "dimensionless")
    with pytest.raises(NetworkError, match="cycle"):
        cyc.build()


def test_amount_species_and_variable_compartment_exact():
    """Exponential growth of counted cells (exact) and a concentration diluted by a
    compartment that follows the cells: amount conserved, concentration = amount/V."""
    b = NetworkBuilder("grow")
    b.compartment("tissue", 1.0, "pL", size_rule="N*2")
    b.species("N", "tissue", 1.0, "cell")
    b.species("X", "tissue", 3.0, "nM")
    b.parameter("r", 0.01, "1/min", "assumed")
    b.reaction("division", [], ["N"], "r*N", "tissue")
    net = b.build()
    res = Simulator(net).run(net, t_end=100.0, n_points=11, presimulate=False)
    t = res.time
    assert np.allclose(res["N"], np.exp(0.01 * t), rtol=1e-6)
    # amount of X = 3 nM × 2 pL at t = 0, conserved: [X] = 6 / (2 N)
    assert np.allclose(res["X"], 6.0 / (2 * np.exp(0.01 * t)), rtol=1e-6)
