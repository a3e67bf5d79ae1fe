"""Exact model reduction (stat3sim.model.reduce): species proved to stay zero become
constants, and copies of a cell module become rules reading the original.

The proof is checked on small networks where the answer is known by hand, the reduced
TME network is validated, and a reduced run is compared with the full model's.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from stat3sim import runs
from stat3sim.engine.roadrunner import Simulator, structure_key
from stat3sim.model.network import Compartment, Evidence, Network, Parameter, Reaction, Species
from stat3sim.model.reduce import module_copies, reduce_network, structural_zeros, without_copies, without_zeros
from stat3sim.scenarios.loader import load_scenario


def _toy(**params) -> Network:
    """L (ligand, none made) binds R (receptor, R0 = 0) → LR; X is made from nothing at k_x,
    Y (initial 0) is consumed at a constant rate (it would go negative: not provably zero),
    Z is made at k_z*LR, W at k_w*X^n (n > 0), V is a stimulus target."""
    values = dict(kon=0.1, koff=0.01, R0=0.0, k_x=1.0, k_y=0.5, k_z=2.0, k_w=1.0, n=2.0, k_v=0.3, k_deg=0.1)
    values.update(params)
    units = dict(kon="1/(nM*min)", R0="nM", n="dimensionless")
    p = tuple(Parameter(k, v, units.get(k, "1/min"), Evidence("assumed")) for k, v in values.items())
    sp = tuple(Species(s, "cell", "R0" if s == "R" else 0.0) for s in ("L", "R", "LR", "X", "Y", "Z", "W", "V"))
    rx = (Reaction("synth_R", {}, {"R": 1}, "k_deg*R0", "cell"),
          Reaction("deg_R", {"R": 1}, {}, "k_deg*R", "cell"),
          Reaction("bind", {"L": 1, "R": 1}, {"LR": 1}, "kon*L*R - koff*LR", "cell"),
          Reaction("make_X", {}, {"X": 1}, "k_x", "cell"),
          Reaction("deg_X", {"X": 1}, {}, "k_deg*X", "cell"),
          Reaction("use_Y", {"Y": 1}, {}, "k_y", "cell"),
          Reaction("make_Z", {}, {"Z": 1}, "k_z*LR", "cell"),
          Reaction("make_W", {}, {"W": 1}, "k_w*X^n", "cell"),
          Reaction("deg_V", {"V": 1}, {}, "k_v*V", "cell"))
    return Network("toy", (Compartment("cell", 1.0),), sp, p, rx)


def test_the_proof_finds_what_is_zero_by_hand():
    zeros, pinned = structural_zeros(_toy(), keep={"V"})
    # L: nothing makes it; R: made at k_deg*R0 = 0; LR and Z follow; V is a stimulus target
    assert zeros == {"L", "R", "LR", "Z"}
    assert dict(pinned) == {"R0": "zero"}


def test_a_live_input_undoes_the_chain():
    zeros, _ = structural_zeros(_toy(R0=1.0), keep={"V"})
    assert zeros == {"L", "LR", "Z"}  # R is made now; LR still needs L
    assert "V" in structural_zeros(_toy())[0]  # without a stimulus, V stays 0 too


def test_a_perturbation_is_not_relied_on():
    """A zero set by with_parameters (a knock-out, an arm, --set) is an override: the proof
    does not rely on it, so the perturbed network keeps the unperturbed structure."""
    net = _toy(R0=1.0).with_parameters({"R0": 0.0})
    zeros, pinned = structural_zeros(net, keep={"V"})
    assert "R" not in zeros and "R0" not in dict(pinned)


def test_the_reduced_network_is_valid_and_records_what_it_did():
    net = without_zeros(_toy(), keep={"V"})
    replace(net)  # dataclasses.replace runs the full validation
    assert set(net.reduced) == {"L", "R", "LR", "Z"}
    assert {"L", "R", "LR", "Z"} <= set(net.parameter_ids)
    assert "make_Z" not in {r.id for r in net.reactions}  # its rate reads 0
    assert dict(net.pinned) == {"R0": "zero"}


def test_a_run_that_changes_a_pinned_parameter_is_refused():
    net = without_zeros(_toy(), keep={"V"})
    sim = Simulator(net, cache=False)
    sim.run(net, t_end=10, presimulate=False)
    with pytest.raises(ValueError, match="R0 = 1: this Network was reduced on the condition"):
        sim.run(net, t_end=10, presimulate=False, parameters={"R0": 1.0})
    with pytest.raises(ValueError, match="L = 2: this Network was reduced"):  # a reduced species as a parameter
        sim.run(net, t_end=10, presimulate=False, parameters={"L": 2.0})
    for kw in ({"stimuli": {"L": 1.0}}, {"schedule": ((5.0, "L", 1.0),)}):
        with pytest.raises(ValueError, match="L: reduced to a constant"):
            sim.run(net, t_end=10, presimulate=False, **kw)


def test_reduced_and_full_toy_runs_agree():
    full = _toy()
    red = without_zeros(full, keep={"V"})
    a = Simulator(full, cache=False).run(full, t_end=60, presimulate=False, stimuli={"V": 1.0})
    b = Simulator(red, cache=False).run(red, t_end=60, presimulate=False, stimuli={"V": 1.0})
    for sid in ("X", "W", "V", "Y"):  # to the solver's tolerance (rtol 1e-6)
        assert np.max(np.abs(a[sid] - b[sid])) <= 1e-5 * np.max(np.abs(a[sid])), sid


@pytest.fixture(scope="module")
def tnbc():
    return load_scenario("tnbc")


def test_tnbc_reduction_removes_absent_branches_and_keeps_the_live_ones(tnbc):
    net = runs.build(tnbc, None)
    red = without_zeros(net)
    replace(red)  # validates
    gone = set(red.reduced)
    # ligands nobody makes in tnbc, the IL-11Rα branch of cells without IL-11Rα, absent adipocytes
    assert {"LPS", "EGF", "S1P", "macrophage__IL11RA", "cd8__C11_pJAK", "adipocytes"} <= gone
    assert not gone & {"tumor__IL6R", "tumor__IL11RA", "cd4__IL11RA", "IL6", "IL11", "tumor_cells", "mets_bone"}
    assert len(red.species) == len(net.species) - len(gone) and len(gone) >= 30


def test_arms_that_perturb_parameters_share_the_reduced_structure(tnbc):
    keys = {structure_key(without_zeros(runs.build(tnbc, arm))) for arm in runs.standard_arms(tnbc)
            if not arm.cells and not arm.depletions and not arm.therapies}
    assert len(keys) == 1


def test_reduced_tme_run_matches_the_full_model(tnbc):
    """Day-0 to day-60 trajectories of every observable: within the population tolerances'
    own error (the full model against itself at rtol 1e-8 differs by ~1e-5)."""
    a = runs.simulate(tnbc, None, days=60, all_observables=True, reduce=False)
    b = runs.simulate(tnbc, None, days=60, all_observables=True)
    assert a.ok and b.ok and list(a.frame.columns) == list(b.frame.columns)
    assert a.network.species == b.network.species  # the model as built, whatever ran
    assert a.meta["reduction"]["states"] == len(a.network.species) and b.meta["reduction"]["states"] <= 210
    x, y = a.frame.to_numpy(), b.frame.to_numpy()
    scale = np.maximum(np.abs(x).max(axis=0), 1e-300)
    assert np.max(np.abs(x - y) / scale) < 1e-4


# ------------------------------------------------------------------ identical cell modules
def _two_modules(**params) -> Network:
    """Cells A and B with the same two-state receptor module, reading ligand L (medium):
    R → R* at kon·L, back at koff; B's koff may differ. X in B reads B__Rs."""
    from stat3sim.model.network import Population

    values = {"kon": 0.1, "A__koff": 0.05, "B__koff": 0.05, "A__R0": 1.0, "B__R0": 1.0, "kx": 0.2}
    values.update(params)
    p = tuple(Parameter(k, v, "nM" if "R0" in k else ("1/(nM*min)" if k == "kon" else "1/min"), Evidence("assumed"))
              for k, v in values.items())
    comps = (Compartment("medium", 10.0), Compartment("A__cytoplasm", 1.0), Compartment("B__cytoplasm", 1.0))
    sp = (Species("L", "medium", 1.0),
          Species("A__R", "A__cytoplasm", "A__R0"), Species("A__Rs", "A__cytoplasm", 0.0),
          Species("B__R", "B__cytoplasm", "B__R0"), Species("B__Rs", "B__cytoplasm", 0.0),
          Species("B__X", "B__cytoplasm", 0.0))
    rx = tuple(Reaction(f"{c}__on", {f"{c}__R": 1}, {f"{c}__Rs": 1}, f"kon*L*{c}__R - {c}__koff*{c}__Rs",
                        f"{c}__cytoplasm") for c in ("A", "B")) + (
        Reaction("B__make_X", {}, {"B__X": 1}, "kx*B__Rs", "B__cytoplasm"),
        Reaction("B__deg_X", {"B__X": 1}, {}, "kx*B__X", "B__cytoplasm"))
    pops = (Population("A", "A__R0", "medium"), Population("B", "B__R0", "medium"))
    return Network("two", comps, sp, p, rx, populations=pops)


def test_a_copy_of_a_module_is_found_and_becomes_rules():
    net = _two_modules()
    paired, read = module_copies(net, "A", "B")
    assert paired == {"R", "Rs"}  # X exists in B only
    assert read == {"B__koff": "A__koff", "B__R0": "A__R0"}
    red = without_copies(net)
    replace(red)  # validates
    assert dict(red.folded) == {"B__R": "A__R", "B__Rs": "A__Rs"}
    assert {r.id for r in red.rules} >= {"B__R", "B__Rs"} and "B__on" not in {r.id for r in red.reactions}
    assert dict(red.pinned)["B__koff"] == "=A__koff"
    a = Simulator(net, cache=False).run(net, t_end=60, presimulate=False)
    b = Simulator(red, cache=False).run(red, t_end=60, presimulate=False)
    for key in ("B__X", "A__Rs"):
        assert np.max(np.abs(a[key] - b[key])) <= 1e-5 * np.max(np.abs(a[key])), key


def test_a_different_value_breaks_the_copy_and_what_reads_it():
    assert module_copies(_two_modules(B__koff=0.07), "A", "B")[0] == set()  # Rs differs, and R reads Rs
    assert module_copies(_two_modules(B__R0=2.0), "A", "B")[0] == set()  # another initial value


def test_a_run_that_unequalises_a_pinned_pair_is_refused():
    red = without_copies(_two_modules())
    sim = Simulator(red, cache=False)
    with pytest.raises(ValueError, match="B__koff = 0.07: .* stays equal to A__koff"):
        sim.run(red, t_end=10, presimulate=False, parameters={"B__koff": 0.07})
    sim.run(red, t_end=10, presimulate=False, parameters={"B__koff": 0.07, "A__koff": 0.07})  # both: still equal
    with pytest.raises(ValueError, match="B__Rs: reduced to a constant or to another module's copy"):
        sim.run(red, t_end=10, presimulate=False, stimuli={"B__Rs": 1.0})


def test_tnbc_leukocyte_modules_fold_onto_one(tnbc):
    red = reduce_network(runs.build(tnbc, None))
    replace(red)  # validates
    folded = dict(red.folded)

    def root(sid):
        while sid in folded:
            sid = folded[sid]
        return sid
    for cell in ("neutrophil", "mdsc", "dc", "cd8"):  # the shared leukocyte parameters
        assert root(f"{cell}__SOCS3") == "macrophage__SOCS3" and root(f"{cell}__STAT3_cyt") == "macrophage__STAT3_cyt"
    assert "neutrophil__PTGS2_mRNA" not in folded  # macrophage COX-2 has its own parameters (TME-11)
    assert folded["mdsc__PTGS2_mRNA"] == "neutrophil__PTGS2_mRNA"  # ... the other myeloid cells share theirs
    assert not any(f.startswith("cd4__") for f in folded)  # CD4+ T cells carry IL-11Rα
    assert len(red.species) <= 210


def test_a_treated_network_folds_as_well(tnbc):
    """The drug's per-cell hooks (JAK occupancy rules, persistence states) fold with
    their modules, so a dosed run gains as much as an untreated one."""
    net = runs.build(tnbc, runs.Arm("rux", therapies=["ruxolitinib 25 mg po bid"]))
    red = reduce_network(net, keep={"ruxolitinib__depot"})
    replace(red)
    assert len(red.species) <= len(net.species) - 120


def test_the_reduced_network_is_the_same_in_every_process():
    """Its structure key (and so the disk cache and the exported SBML) must not depend on
    the per-process order in which Python iterates sets of strings."""
    import os
    import subprocess
    import sys

    code = ("from stat3sim import runs; from stat3sim.model.reduce import reduce_network; "
            "from stat3sim.engine.roadrunner import structure_key; from stat3sim.scenarios import load_scenario; "
            "print(structure_key(reduce_network(runs.build(load_scenario('tnbc')))))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2", "3")}
    assert len(keys) == 1


def _clear_reduction_caches():
    from stat3sim.model import reduce as R

    R._ZERO_PLANS.clear()
    R._TEMPLATES.clear()


def _same_reduction(a: Network, b: Network) -> bool:
    return (structure_key(a) == structure_key(b) and a.reduced == b.reduced and a.folded == b.folded
            and a.pinned == b.pinned and [(p.id, p.value) for p in a.parameters] == [(p.id, p.value) for p in b.parameters])


def test_kept_proofs_give_the_reduction_computed_afresh():
    """The proofs are kept per process under what they read (structure, which parameters
    are 0 or > 0, numeric initial values). A network built again, one whose positive values
    changed (a cohort's patient, including a follower module's own parameter, which breaks
    that copy), and one whose zero became positive must each reduce exactly as with empty
    caches."""
    sc = load_scenario("tnbc")
    base = runs.build(sc)
    follower = next(p.id for p in base.parameters if p.id.startswith("mdsc__") and p.value > 0)
    zero = "macrophage__R0_IL11RA"  # pinned zero: the IL-11Rα branch of macrophages goes with it
    variants = [runs.build(sc),
                base.unchecked_replace(parameters=tuple(
                    replace(p, value=p.value * 1.1) if p.id in (follower, "k_tumor_prolif") else p
                    for p in base.parameters)),
                base.unchecked_replace(parameters=tuple(
                    replace(p, value=1.0) if p.id == zero else p for p in base.parameters))]
    assert (zero, "zero") in reduce_network(base).pinned  # and this fills the caches
    kept = [reduce_network(v) for v in variants]
    for v, k in zip(variants, kept):
        _clear_reduction_caches()
        fresh = reduce_network(v.unchecked_replace())  # a new object: nothing kept on it either
        assert _same_reduction(k, fresh)
    assert kept[1].folded != kept[0].folded  # the changed follower parameter did break a copy
    assert set(kept[2].reduced) < set(kept[0].reduced)  # and the zero made positive a proof
