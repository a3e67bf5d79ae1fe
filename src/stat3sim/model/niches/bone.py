"""Bone remodeling: Lemaire et al. 2004 (RANK/RANKL/OPG, TGF-β, PTH) with Komarova bone mass.

The bone niche on its own, so that the next layer can couple breast-cancer cells to it
(tumor PTHrP and IL-11 raise RANKL and lower OPG in osteoblasts, osteoclasts resorb
bone, resorption releases TGF-β, TGF-β raises tumor IL-11).

Lemaire et al. 2004 (J Theor Biol 229:293; BioModels BIOMD0000000278)
-------------------------------------------------------------------------
State variables, concentrations in pM as in the paper (the file declares no units; its
README and the paper give days and pM; parameter units below follow from the rate laws)::

    R  responding osteoblasts       dR/dt = D_R·π_C − D_B·R/π_C
    B  active osteoblasts           dB/dt = D_B·R/π_C − k_B·B
    C  active osteoclasts           dC/dt = D_C·π_L − D_A·π_C·C

Osteoblast precursors are not a state in the paper: their commitment flux is D_R
(pM/day, precursors × rate). Osteoclast precursors likewise: D_C. Rules (assignment
rules in the file; here :class:`~stat3sim.model.network.Rule`), with the quasi-steady
RANKL–RANK–OPG binding of the paper written out::

    π_C   = (C + f0·C_s)/(C + C_s)               TGF-β effect; TGF-β is released from the
                                                 matrix by resorbing osteoclasts (∝ C)
    D_B   = f0·d_B                               responding → active osteoblast rate
    P̄     = I_P/k_P                              administered PTH (pM)
    P_0   = S_P/k_P,   P_s = k6/k5               endogenous PTH; PTH–receptor constant
    π_P   = (P̄ + P_0)/(P̄ + P_s)                  PTH effect
    OPG   = (K_O^P·R/π_P + I_O)/k_O              OPG (production by responding
                                                 osteoblasts, repressed by PTH, + dose)
    L_tot = K_L^P·π_P·B                          RANKL on active osteoblasts (PTH-induced)
    L     = L_tot/(1 + k3·K/k4 + k1·OPG/k2)      free RANKL (RANK-bound and OPG-bound at
                                                 equilibrium, RANK fixed at K)
    π_L   = (k3/k4)·L·(1 + I_L/r_L)              RANK–RANKL complexes per RANK (osteoclast
                                                 formation), × administered RANKL

π_L is the file's expression rearranged (k1/(k2·k_O)·(I_O + K_O^P·R/π_P) = k1·OPG/k2).

Bone mass (Komarova et al. 2003, BIOMD0000000148) — a separate part
---------------------------------------------------------------------
The Lemaire file has no bone mass. Komarova's resorbs ``k1`` % per osteoclast above its
steady state per day and forms ``k2`` % per osteoblast above its steady state::

    dz/dt = −k_res·max(y_C, 0)·z/100 + k_form·max(y_B, 0)     (%/day, z = 100 at normal)

(the z/100 factor is ours: resorption needs bone, so z stays ≥ 0 under sustained
osteolysis; Komarova's linear law let it go negative)
    y_C = x̄1·(C/C_ref − 1),  y_B = x̄2·(B/B_ref − 1)

Komarova's cells are numbers in one remodeling unit (steady state x̄1 = 1.06 osteoclasts,
x̄2 = 212 osteoblasts); Lemaire's are concentrations. They are matched at their steady
states (assumed: a Lemaire concentration C stands for x̄1·C/C_ref Komarova osteoclasts),
with C_ref, B_ref the Lemaire steady state computed from the table
(:func:`lemaire_steady_state`). Komarova switches resorption and formation on and off with
events; ``max(x, 0)`` is written here as ``(x + (x^2)^0.5)/2``.

Time and coupling
-----------------
Rates are per day; the engine's time is minutes (``per_day``: ``× pop_on/min_per_day``),
so the module merges into the TME network. Coupling hooks (1 = no effect):
``<prefix>_f_RANKL_tumor`` multiplies RANKL expression (K_L^P), ``<prefix>_f_OPG_tumor``
multiplies OPG production (K_O^P), ``<prefix>_f_PTH_tumor`` adds a PTH-like input of
(f − 1) × the endogenous PTH production S_P, entering as Lemaire's administered PTH
(PTHrP acts on the PTH receptor); it is meant to be ≥ 1.
"""
from __future__ import annotations

import math
import re
from typing import Mapping

from ..network import Evidence, Network, NetworkBuilder
from ..tme.model import per_day
from ..tme.parameters import TME

E = Evidence
LEMAIRE = "Lemaire et al. 2004, BIOMD0000000278"
KOMAROVA = "Komarova et al. 2003, BIOMD0000000148"


def _lem(symbol: str) -> Evidence:
    return E(f"{LEMAIRE}: {symbol}")


#: Lemaire 2004 parameters: id (the file's symbol) -> (value, unit, source, description).
#: Values as in BIOMD0000000278 (per day, pM); units from the rate laws.
LEMAIRE_2004: dict[str, tuple[float, str, Evidence, str]] = {
    "D_R": (7.0e-4, "pM/day", _lem("D_R"), "commitment flux of osteoblast precursors to responding osteoblasts"),
    "d_B": (0.7, "1/day", _lem("d_B"), "differentiation rate of responding osteoblasts (D_B = f0·d_B)"),
    "f0": (0.05, "dimensionless", _lem("f0"), "fixed proportion in the TGF-β activator function"),
    "C_s": (5.0e-3, "pM", _lem("C_s"), "osteoclast concentration of half-maximal TGF-β effect"),
    "k_B": (0.189, "1/day", _lem("k_B"), "elimination rate of active osteoblasts"),
    "D_C": (2.1e-3, "pM/day", _lem("D_C"), "differentiation flux of osteoclast precursors at unit RANK activation"),
    "D_A": (0.7, "1/day", _lem("D_A"), "osteoclast apoptosis rate at full TGF-β effect"),
    "K": (10.0, "pM", _lem("K"), "RANK (fixed concentration on osteoclast precursors)"),
    "k1": (0.01, "1/(pM*day)", _lem("k1"), "RANKL–OPG association"),
    "k2": (10.0, "1/day", _lem("k2"), "RANKL–OPG dissociation"),
    "k3": (5.8e-4, "1/(pM*day)", _lem("k3"), "RANKL–RANK association"),
    "k4": (0.017, "1/day", _lem("k4"), "RANKL–RANK dissociation"),
    "k5": (0.02, "1/(pM*day)", _lem("k5"), "PTH–receptor association"),
    "k6": (3.0, "1/day", _lem("k6"), "PTH–receptor dissociation"),
    "K_L_P": (3.0e6, "dimensionless", _lem("K_L_P"), "maximal RANKL per active osteoblast (pM RANKL per pM cells)"),
    "K_O_P": (2.0e5, "1/day", _lem("K_O_P"), "OPG production per responding osteoblast (pM/day per pM cells)"),
    "kO": (0.35, "1/day", _lem("kO"), "OPG degradation"),
    "k_P": (86.0, "1/day", _lem("k_P"), "PTH degradation"),
    "S_P": (250.0, "pM/day", _lem("S_P"), "endogenous PTH production"),
    "r_L": (1.0e3, "pM/day", _lem("r_L"), "RANKL production and elimination rate (scales administered RANKL)"),
    "I_L": (0.0, "pM/day", _lem("I_L"), "administered RANKL"),
    "I_O": (0.0, "pM/day", _lem("I_O"), "administered OPG"),
    "I_P": (0.0, "pM/day", _lem("I_P"), "administered PTH"),
}

#: coupling hooks for the tumor (1 = no effect)
HOOKS: dict[str, tuple[float, str, Evidence, str]] = {
    "f_RANKL_tumor": (1.0, "dimensionless", E("assumed: coupling hook, 1 = no tumor (tumor PTHrP/IL-11 raise osteoblast RANKL, FACTS-TME 5)"),
                      "tumor factor on RANKL expression by active osteoblasts (multiplies K_L_P)"),
    "f_OPG_tumor": (1.0, "dimensionless", E("assumed: coupling hook, 1 = no tumor (OPG lower with bone metastasis, FACTS-TME 5)"),
                    "tumor factor on OPG production by responding osteoblasts (multiplies K_O_P)"),
    "f_PTH_tumor": (1.0, "dimensionless", E("assumed: coupling hook, 1 = no tumor (tumor PTHrP acts on the PTH receptor, FACTS 'plasma PTHrP')"),
                    "PTH-like activity relative to endogenous PTH production: adds (f − 1)·S_P as administered PTH (≥ 1)"),
}

#: Komarova 2003 constants, used only to derive its steady state (x1_bar, x2_bar)
KOMAROVA_2003: dict[str, float] = {"alpha1": 3.0, "alpha2": 4.0, "beta1": 0.2, "beta2": 0.02,
                                   "g11": 0.5, "g21": -0.5, "g12": 1.0, "g22": 0.0}


def komarova_steady_state(k: Mapping[str, float] = KOMAROVA_2003) -> tuple[float, float]:
    """Komarova's steady-state osteoclasts and osteoblasts (x1_bar, x2_bar), as the
    assignment rules of BIOMD0000000148 compute them."""
    gamma = k["g12"] * k["g21"] - (1 - k["g11"]) * (1 - k["g22"])
    a = k["beta1"] / k["alpha1"]
    c = k["beta2"] / k["alpha2"]
    return (a ** ((1 - k["g22"]) / gamma) * c ** (k["g21"] / gamma),
            a ** (k["g12"] / gamma) * c ** ((1 - k["g11"]) / gamma))


def lemaire_steady_state(values: Mapping[str, float] | None = None) -> dict[str, float]:
    """The steady state (R, B, C in pM) of the Lemaire equations for the table's values,
    overridden by ``values`` (table keys, hooks included).

    At steady state B = D_R·π_C/k_B and R = D_R·π_C²/D_B, so C solves one equation,
    D_C·π_L(C) = D_A·π_C(C)·C, found by bisection on log C to machine precision.

    >>> ss = lemaire_steady_state()
    >>> round(ss["C"] * 1e4, 3), round(ss["B"] * 1e4, 3), round(ss["R"] * 1e4, 3)
    (9.128, 7.283, 7.734)
    """
    v = {k: t[0] for k, t in {**LEMAIRE_2004, **HOOKS}.items()}
    v.update(values or {})
    P_bar = (v["I_P"] + (v["f_PTH_tumor"] - 1.0) * v["S_P"]) / v["k_P"]
    pi_P = (P_bar + v["S_P"] / v["k_P"]) / (P_bar + v["k6"] / v["k5"])
    D_B = v["f0"] * v["d_B"]

    def state(C: float) -> tuple[float, float, float]:
        pi_C = (C + v["f0"] * v["C_s"]) / (C + v["C_s"])
        B = v["D_R"] * pi_C / v["k_B"]
        R = v["D_R"] * pi_C ** 2 / D_B
        opg = (v["f_OPG_tumor"] * v["K_O_P"] * R / pi_P + v["I_O"]) / v["kO"]
        rankl = v["f_RANKL_tumor"] * v["K_L_P"] * pi_P * B / (1 + v["k3"] * v["K"] / v["k4"] + v["k1"] * opg / v["k2"])
        pi_L = v["k3"] / v["k4"] * rankl * (1 + v["I_L"] / v["r_L"])
        return R, B, v["D_C"] * pi_L - v["D_A"] * pi_C * C

    lo, hi = math.log(1e-15), math.log(1e3)
    if not (state(math.exp(lo))[2] > 0 > state(math.exp(hi))[2]):
        raise ValueError("no steady state of the Lemaire equations between 1e-15 and 1e3 pM osteoclasts")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if state(math.exp(mid))[2] > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-15:
            break
    C = math.exp(0.5 * (lo + hi))
    R, B, _ = state(C)
    return {"R": R, "B": B, "C": C}


_X1_BAR, _X2_BAR = komarova_steady_state()
_SS = lemaire_steady_state()
_KOM_SS = ("Komarova et al. 2003, BIOMD0000000148: {} (its assignment rule with alpha1 3, alpha2 4, beta1 0.2, "
           "beta2 0.02 /day, g11 0.5, g21 −0.5, g12 1, g22 0)")

#: bone mass (Komarova 2003 rates on the Lemaire cells)
BONE_MASS: dict[str, tuple[float, str, Evidence, str]] = {
    "k_res": (0.24, "1/cell/day", E(f"{KOMAROVA}: k1"), "bone resorbed per osteoclast above steady state (% of bone mass per cell per day)"),
    "k_form": (0.0017, "1/cell/day", E(f"{KOMAROVA}: k2"), "bone formed per osteoblast above steady state (% of bone mass per cell per day)"),
    "x1_bar": (_X1_BAR, "cell", E(_KOM_SS.format("x1_bar")), "Komarova steady-state osteoclasts (per remodeling unit)"),
    "x2_bar": (_X2_BAR, "cell", E(_KOM_SS.format("x2_bar")), "Komarova steady-state osteoblasts (per remodeling unit)"),
    "C_ref": (_SS["C"], "pM", E(f"derived: steady state of the Lemaire 2004 equations with the values above (lemaire_steady_state; "
                                f"{LEMAIRE} starts at C = 9.127e-4 pM)"),
              "normal active osteoclasts: resorption threshold, and the level matched to Komarova's x1_bar"),
    "B_ref": (_SS["B"], "pM", E(f"derived: steady state of the Lemaire 2004 equations with the values above (lemaire_steady_state; "
                                f"{LEMAIRE} starts at B = 7.282e-4 pM)"),
              "normal active osteoblasts: formation threshold, and the level matched to Komarova's x2_bar"),
}

#: every parameter of the bone module: id (without prefix) -> (value, unit, source, description)
BONE: dict[str, tuple[float, str, Evidence, str]] = {**LEMAIRE_2004, **HOOKS, **BONE_MASS}

#: volume of the bone compartment (pL)
BONE_VOLUME_PL = 1.0e9
_VOLUME_SOURCE = ("assumed: 1 mL of trabecular marrow/remodeling space in which the Lemaire cell concentrations are "
                  "defined; it sets only cell numbers (1 pM = 6.022e8 cells per mL) and later exchange with the tumor, "
                  "not the bone dynamics")

#: species of the module: short name (as in the papers) -> (id suffix, unit, name)
SPECIES = {
    "R": ("osteoblasts_responding", "pM", "responding osteoblasts (Lemaire R)"),
    "B": ("osteoblasts_active", "pM", "active osteoblasts (Lemaire B)"),
    "C": ("osteoclasts_active", "pM", "active osteoclasts (Lemaire C)"),
    "z": ("mass", "dimensionless", "bone mass, % of normal (Komarova z)"),
}


def _max0(x: str) -> str:
    """max(x, 0) in the allowed operators."""
    return f"0.5*(({x}) + (({x})^2)^0.5)"


def add_bone(b: NetworkBuilder, prefix: str = "bone", coupling: Mapping[str, str] | None = None) -> None:
    """Add the bone-remodeling module: compartment ``prefix``; species, parameters, rules
    and reactions ``<prefix>_…``; observables ``<prefix>__obs__<name>`` labelled
    ``<prefix>_<name>``. ``coupling`` maps hooks (``f_RANKL_tumor``, ``f_OPG_tumor``,
    ``f_PTH_tumor``) to expressions over the model's state: each becomes a rule instead
    of its constant parameter (the metastasis layer drives the hooks with tumor cells)."""
    p = prefix
    coupling = dict(coupling or {})
    unknown = set(coupling) - set(HOOKS)
    if unknown:
        raise ValueError(f"unknown bone coupling hook(s) {sorted(unknown)}; hooks: {', '.join(HOOKS)}")
    for pid in ("min_per_day", "pop_on", "growth_on", "molec_per_zmol"):
        if not b.has(pid):
            value, unit, ev, desc = TME[pid]
            b.parameter(pid, value, unit, ev, desc)
    for key, (value, unit, ev, desc) in BONE.items():
        if key in coupling:
            b.rule(f"{p}_{key}", coupling[key], unit, desc, f"coupling: {coupling[key]}")
        else:
            b.parameter(f"{p}_{key}", value, unit, ev, desc)
    b.compartment(p, BONE_VOLUME_PL, "pL", "bone remodeling compartment (marrow space of the bone site)", _VOLUME_SOURCE)

    rules = ("pi_C", "D_B", "P_bar", "P_0", "P_s", "pi_P", "OPG_prod", "OPG", "RANKL_tot", "RANKL",
             "RANK_RANKL", "pi_L", "y_C", "y_B")
    names = {k: f"{p}_{k}" for k in (*BONE, *rules)}
    names.update({k: f"{p}_{suffix}" for k, (suffix, _u, _n) in SPECIES.items()})

    def ex(expr: str) -> str:
        return re.sub(r"\b[A-Za-z_][A-Za-z0-9_]*\b", lambda m: names.get(m.group(0), m.group(0)), expr)

    for k, (suffix, unit, name) in SPECIES.items():
        initial = 100.0 if k == "z" else _SS[k]
        b.species(f"{p}_{suffix}", p, initial, unit, name)
    R, B, C, z = (names[k] for k in "RBCz")

    def rule(rid: str, expr: str, unit: str, name: str) -> None:
        b.rule(names[rid], ex(expr), unit, name, f"source: {KOMAROVA if rid in ('y_C', 'y_B') else LEMAIRE}")

    # --- Lemaire 2004 rules (the file's assignment rules; binding at quasi-steady state)
    rule("pi_C", "(C + f0*C_s)/(C + C_s)", "dimensionless", "TGF-β effect (Lemaire π_C; TGF-β released in proportion to C)")
    rule("D_B", "f0*d_B", "1/day", "differentiation rate of responding osteoblasts (Lemaire D_B)")
    rule("P_bar", "(I_P + (f_PTH_tumor - 1)*S_P)/k_P", "pM", "administered (and tumor PTH-like) PTH (Lemaire P̄)")
    rule("P_0", "S_P/k_P", "pM", "endogenous PTH (Lemaire P_0)")
    rule("P_s", "k6/k5", "pM", "PTH–receptor dissociation constant (Lemaire P_s)")
    rule("pi_P", "(P_bar + P_0)/(P_bar + P_s)", "dimensionless", "PTH effect (Lemaire π_P)")
    rule("OPG_prod", "f_OPG_tumor*K_O_P*R/pi_P + I_O", "pM/day", "OPG production: responding osteoblasts (PTH-repressed) + dose")
    rule("OPG", "OPG_prod/kO", "pM", "OPG (quasi-steady state)")
    rule("RANKL_tot", "f_RANKL_tumor*K_L_P*pi_P*B", "pM", "RANKL on active osteoblasts, free and bound (PTH-induced)")
    rule("RANKL", "RANKL_tot/(1 + k3*K/k4 + k1*OPG/k2)", "pM", "free RANKL (RANK- and OPG-binding at equilibrium)")
    rule("RANK_RANKL", "k3*K*RANKL/k4", "pM", "RANK–RANKL complexes")
    rule("pi_L", "k3/k4*RANKL*(1 + I_L/r_L)", "dimensionless",
         "RANK activation: RANK–RANKL per RANK, × administered RANKL (Lemaire π_L)")
    # --- Komarova 2003 bone mass: osteoclasts / osteoblasts above normal, in Komarova cells
    rule("y_C", f"x1_bar*{_max0('C/C_ref - 1')}", "cell", "osteoclasts resorbing above normal (Komarova y1)")
    rule("y_B", f"x2_bar*{_max0('B/B_ref - 1')}", "cell", "osteoblasts forming above normal (Komarova y2)")

    def rx(rid: str, reactants, products, rate: str, name: str, source: str) -> None:
        b.reaction(f"{p}_{rid}", [names[s] for s in reactants], [names[s] for s in products], per_day(ex(rate)), p, name,
                   E(source))

    rx("OB_commitment", [], ["R"], "D_R*pi_C", "osteoblast precursors → responding osteoblasts (TGF-β stimulated)",
       f"{LEMAIRE}: rate rule of R, D_R·Φ_C")
    rx("OB_differentiation", ["R"], ["B"], "D_B*R/pi_C", "responding → active osteoblasts (TGF-β inhibited)",
       f"{LEMAIRE}: rate rules of R and B, D_B·R/Φ_C")
    rx("OB_removal", ["B"], [], "k_B*B", "active osteoblast removal (apoptosis, osteocytes, lining cells)",
       f"{LEMAIRE}: rate rule of B, k_B·B")
    rx("OC_formation", [], ["C"], "D_C*pi_L", "osteoclast formation from precursors (RANK–RANKL)",
       f"{LEMAIRE}: rate rule of C, D_C·Φ_L")
    rx("OC_apoptosis", ["C"], [], "D_A*pi_C*C", "osteoclast apoptosis (TGF-β induced)",
       f"{LEMAIRE}: rate rule of C, D_A·Φ_C·C")
    # × growth_on: bone mass is held at its day-0 value while the cells settle before day 0
    # × z/100: osteoclasts cannot resorb bone that is gone (Komarova's law is linear and let
    # z go negative under sustained osteolysis); at normal mass the factor is 1
    rx("resorption", ["z"], [], "growth_on*k_res*y_C*z/100", "bone resorption by osteoclasts above normal",
       f"{KOMAROVA}: reaction R5, k1·(x1 − x1_bar) while x1 > x1_bar; scaled by the remaining bone mass (assumed)")
    rx("formation", [], ["z"], "growth_on*k_form*y_B", "bone formation by osteoblasts above normal",
       f"{KOMAROVA}: reaction R6, k2·(x2 − x2_bar) while x2 > x2_bar")

    def obs(name: str, expr: str, unit: str, desc: str) -> None:
        b.observable(f"{p}__obs__{name}", ex(expr), unit, f"{p}_{name}", desc)

    count = f"*{p}*molec_per_zmol*1e-3"  # pM × pL = 1e-24 mol = 0.6022 cells
    obs("osteoblasts_pM", "B", "pM", "active osteoblasts (Lemaire B)")
    obs("osteoclasts_pM", "C", "pM", "active osteoclasts (Lemaire C)")
    obs("responding_osteoblasts_pM", "R", "pM", "responding osteoblasts (Lemaire R)")
    obs("osteoblast_count", f"B{count}", "cell", "active osteoblasts in the bone compartment (its assumed volume)")
    obs("osteoclast_count", f"C{count}", "cell", "active osteoclasts in the bone compartment (its assumed volume)")
    obs("osteoblasts_pct", "100*B/B_ref", "dimensionless", "active osteoblasts, % of normal")
    obs("osteoclasts_pct", "100*C/C_ref", "dimensionless", "active osteoclasts, % of normal")
    obs("RANKL_OPG_ratio", "RANKL_tot/OPG", "dimensionless", "RANKL (on osteoblasts, total) / OPG")
    obs("mass_pct", "z", "dimensionless", "bone mass, % of normal (Komarova z)")
    obs("TGFb_release", "C/C_ref", "au",
        "TGF-β released from the matrix by resorption, relative to normal (Lemaire: TGF-β ∝ active osteoclasts)")


def bone_network(name: str = "stat3sim_bone") -> Network:
    """The bone-remodeling module alone, at its normal steady state (bone mass 100 %)."""
    b = NetworkBuilder(name)
    add_bone(b)
    return b.build()
