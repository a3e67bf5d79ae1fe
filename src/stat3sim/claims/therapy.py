"""Therapy claims THx-1 … THx-7 and THx-9 … THx-13 (PK/PD, weeks to months), each in two
halves (../shared/CLAIMS.md, "Therapy"; THx-8 is a cohort claim):

* **mechanism (M)** — the drug as a constant free concentration at the tumor that engages
  its target as the study behind the claim did: 10 × the catalog's cellular potency (IC50,
  Ki, Kd or DC50; ≥ 90 % occupancy, the usual in-vitro range), stated per drug in the
  half's ``exposure``. M must hold: it checks that the model carries the mechanism.
* **clinic (C)** — the same comparison at the labelled human regimen with the catalog's
  PK, reported with each drug's free tumor concentration and target occupancy
  (C/(C + potency)) at steady-state trough and peak (the minimum and maximum over days
  150–180 of the PK model). C is judged only where clinical evidence exists (then its
  direction must agree with it); elsewhere it is a prediction (``reported``).

Conventions: the ``tnbc`` scenario, the drug from day 0, tumor volume at day 180;
"blocks" = cuts the pSTAT3 rise ≥ 70 %, "spares" = keeps ≥ 80 % of it; "beats" = tumor
volume ≥ 10 % smaller than the comparator.

Signaling blockade (THx-1, THx-3, THx-4) is checked on one tumor cell in culture, as the
cited experiments were: the drug pre-incubated at the half's free concentration (C: the
steady-state trough), then a stimulus; the pSTAT3 rise at 30 min is compared with the
rise without drug. IL-6 and IL-11 are given at 1 ng/mL (of the order of tumor interstitial
IL-6 in the TME model); trans-signaling is IL-6 1 ng/mL + sIL-6R 1 nM on a tumor cell
without membrane IL-6R. Autocrine IL-6 secretion is off in these cells, so an IL-11
response does not carry an IL-6 loop that an IL-6 blocker would cut. Compounds without
human PK (LLY17, TTI-101, SD-36, GANT61) have no clinic half beyond saying so.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .registry import Half, claim
from .tme import _run as _tme_run
from .tme import _v

DAYS = 180.0
IL6_1NG = 1.0 / 21.0   # nM: 1 ng/mL of 21 kDa IL-6
IL11_1NG = 1.0 / 19.0  # nM: 1 ng/mL of 19 kDa IL-11


# ------------------------------------------------------------------ helpers
@lru_cache(maxsize=None)
def cell_rise(drug: str | None, conc_nM: float, stimulus: tuple = (("IL6", IL6_1NG),), cell: str = "tumor",
              overrides: tuple = (), readout: str = "pSTAT3", minutes: float = 30.0) -> float:
    """Rise of a cell's readout ``minutes`` after ``stimulus`` with ``drug`` pre-incubated at
    ``conc_nM`` (free), over the cell's own pre-stimulus level."""
    from ..engine.roadrunner import Simulator
    from ..therapy.pd import cell_network
    from ..therapy.pk import dosing_schedule
    from ..therapy.regimen import parse_regimen

    regs = [parse_regimen(f"{drug} {conc_nM:.6g} nM continuous")] if drug else []
    ov = {"k_secretion_IL6": (0.0, "autocrine IL-6 off: the rise measures the stimulus' own receptors")}
    ov.update(dict(overrides))
    net, ths = cell_network(cell, regs, ov)
    init = {}
    for th in ths:
        s0, _ = dosing_schedule(th.regimen, th.pk, 1.0)
        init.update(s0)
    r = Simulator.for_network(net).run(net, t_end=minutes, n_points=int(minutes) + 1, stimuli=dict(stimulus),
                                       initial_values=init)
    if not r.ok:
        raise RuntimeError(f"cell simulation failed ({drug}): {r.message}")
    key = f"{cell}__obs__{readout}"
    return r.at(key, minutes) - r.at(key, 0.0)


def _kept(drug: str, conc: float, **kw) -> float:
    """Fraction of the pSTAT3 rise kept with the drug (1 = no effect, 0 = full block)."""
    return cell_rise(drug, conc, **kw) / cell_rise(None, 0.0, **kw)


TRANS = dict(stimulus=(("IL6", IL6_1NG), ("sIL6R", 1.0)), overrides=(("lvl_IL6R", (0.0, "no membrane IL-6R")),))
IL11 = dict(stimulus=(("IL11", IL11_1NG),))


def _run(name: str, therapies: tuple = (), params: tuple = (), days: float = DAYS):
    """The TME claims' cached run (``claims.tme._run``) with regimens."""
    return _tme_run(name, params=params, days=days, therapies=therapies)


# ------------------------------------------------------------------ the two halves
#: the fold of the catalog's cellular potency a mechanism half gives (≥ 90 % occupancy)
M_FOLD = 10.0
#: the window of the PK model whose minimum and maximum are the steady-state trough and peak
SS_WINDOW_DAYS = 30.0


def _potency(drug: str) -> tuple[float, str]:
    from ..therapy.catalog import get_drug
    from ..therapy.pd import potency

    return potency(get_drug(drug))


def _tumor_column(df, drug: str) -> str:
    """The free tumor column that acts: the active metabolite's where the catalog has one
    (tamoxifen → endoxifen), else the drug's own."""
    from ..therapy.catalog import get_drug

    pk = get_drug(drug).pk
    met = getattr(pk, "metabolite", None) if pk else None
    if met is not None and met.active and f"{drug}_{met.name}_tumor_nM" in df:
        return f"{drug}_{met.name}_tumor_nM"
    return f"{drug}_tumor_nM"


@lru_cache(maxsize=None)
def clinic_exposure(regimen: str, days: float = DAYS) -> dict:
    """Free tumor-interstitial concentration of ``regimen`` at steady-state trough and peak
    (minimum and maximum over the last 30 days of the PK model; a constant exposure is its
    own value) and the target occupancy C/(C + cellular potency) at each."""
    from ..therapy.pk import simulate_pk
    from ..therapy.regimen import parse_regimen

    reg = parse_regimen(regimen)
    drug = reg.drug.name
    pot, src = _potency(drug)
    if reg.is_exposure:
        lo = hi = float(reg.exposure_nM)
    else:
        df = simulate_pk([reg], days=days, points_per_day=48)
        tail = df[df["time_days"] >= days - SS_WINDOW_DAYS][_tumor_column(df, drug)]
        lo, hi = float(tail.min()), float(tail.max())
    return {"regimen": regimen, "potency_nM": pot, "potency_source": src,
            "free_tumor_trough_nM": lo, "free_tumor_peak_nM": hi,
            "occupancy_trough": lo / (lo + pot), "occupancy_peak": hi / (hi + pot)}


def trough_tumor_nM(regimen: str, days: float = DAYS) -> float:
    """Free tumor-interstitial concentration of ``regimen`` at steady-state trough."""
    return clinic_exposure(regimen, days)["free_tumor_trough_nM"]


def study_regimen(drug: str, fold: float = M_FOLD) -> str:
    """The mechanism half's exposure: a constant free concentration of ``fold`` × the
    drug's cellular potency."""
    return f"{drug} {fold * _potency(drug)[0]:.6g} nM continuous"


def study_exposure(drug: str, fold: float = M_FOLD) -> dict:
    pot, src = _potency(drug)
    return {"regimen": study_regimen(drug, fold), "concentration_nM": fold * pot,
            "basis": f"{fold:g} × cellular potency {pot:.3g} nM ({src})", "occupancy": fold / (fold + 1.0)}


def _clinic_exposures(regimens: dict[str, str]) -> tuple[dict, dict]:
    """``exposure`` and ``occupancy`` of a clinic half (drug -> regimen)."""
    exp, occ = {}, {}
    for drug, reg in regimens.items():
        if reg is None:
            exp[drug] = {"regimen": None, "note": "no human PK in the catalog: no labelled regimen to predict"}
            continue
        e = clinic_exposure(reg)
        exp[drug] = e
        occ[drug] = {"trough": e["occupancy_trough"], "peak": e["occupancy_peak"]}
    return exp, occ


class Checks:
    """The criteria of one half: each records its number and threshold, so a failing half
    names what failed with the model's numbers."""

    def __init__(self):
        self.items: list[tuple[str, float, str, float]] = []

    def ge(self, name: str, value: float, threshold: float) -> bool:
        self.items.append((name, value, "≥", threshold))
        return value >= threshold

    def le(self, name: str, value: float, threshold: float) -> bool:
        self.items.append((name, value, "≤", threshold))
        return value <= threshold

    def true(self, name: str, value: bool, what: str) -> bool:
        self.items.append((name, float(bool(value)), what, 1.0))
        return bool(value)

    @property
    def ok(self) -> bool:
        return all(self._holds(i) for i in self.items)

    @staticmethod
    def _holds(item) -> bool:
        _, v, op, t = item
        return v >= t if op == "≥" else v <= t if op == "≤" else v == t

    def failing(self) -> str:
        out = []
        for name, v, op, t in self.items:
            if not self._holds((name, v, op, t)):
                out.append(f"{name} {op} {t:g} does not hold ({v:.3g})" if op in ("≥", "≤") else f"not {op}")
        return "; ".join(out)


def mechanism(numbers: dict, exposure: dict, checks: Checks, expected: str, why: str = "") -> Half:
    """A judged mechanism half; a failure's reason is the failing criteria with the model's
    numbers, then ``why`` (the model's own explanation, computed from its numbers)."""
    if checks.ok:
        return Half("pass", numbers, exposure, expected)
    return Half("fail", numbers, exposure, expected, checks.failing() + (f". {why}" if why else ""))


def clinic(numbers: dict, regimens: dict[str, str | None], checks: Checks, expected: str, evidence: str = "",
           note: str = "") -> Half:
    """A clinic half: judged (``pass``/``fail``) where ``evidence`` names clinical evidence,
    else ``reported`` as a prediction (``checks`` then only say what the claim would need)."""
    exp, occ = _clinic_exposures(regimens)
    if evidence:
        status = "pass" if checks.ok else "fail"
        reason = "" if checks.ok else checks.failing() + (f". {note}" if note else "")
        return Half(status, numbers, exp, expected, reason, evidence, occ)
    holds = "the claim's criteria hold" if checks.ok else f"the claim's criteria do not hold ({checks.failing()})"
    reason = f"prediction: no clinical evidence of this comparison in breast cancer; {holds}"
    return Half("reported", numbers, exp, expected, reason + (f". {note}" if note else ""), "", occ)


def _both(m: Half, c: Half) -> tuple[dict, bool]:
    """A claim passes when its mechanism half passes (or is only reported, THx-5) and its
    clinic half does not fail."""
    return {"mechanism": m, "clinic": c}, m.status != "fail" and c.status != "fail"


def _std(drug: str) -> str | None:
    from ..therapy.catalog import get_drug

    pk = get_drug(drug).pk
    return pk.regimen if pk is not None and pk.dosable else None


# evidence texts (FACTS-DRUGS.md, the review) a clinic half is judged against
EVIDENCE_TOCI_CRP = ("tocilizumab at its label regimen normalises serum CRP while free drug stays ≥ 1 µg/mL "
                     "(sIL-6R saturated; Hirabayashi 2012; Blood 112:3959)")
EVIDENCE_OLAM = ("olamkicept 600 mg iv q2w lowered mucosal pSTAT3 in the phase 2a FUTURE trial (16 IBD patients; "
                 "Schreiber 2021) — trans-signaling blocked at the clinical regimen")
EVIDENCE_RUX_TNBC = ("ruxolitinib phase II in metastatic TNBC (NCT01562873, review [115]): active STAT3 signaling did "
                     "not decline on treatment, with insufficient clinical benefit; breast-cancer trials used 15–25 mg "
                     "bid")


# ------------------------------------------------------------------ claims
def _thx1_half(conc: dict[str, float]) -> tuple[dict, dict[str, bool]]:
    checks = {"tocilizumab": (("IL6", "block"), ("IL6_trans", "block"), ("IL11", "spare")),
              "bazedoxifene": (("IL6", "block"), ("IL11", "block")),
              "anti-IL-11": (("IL11", "block"), ("IL6", "spare")),
              "anti-IL-11RA": (("IL11", "block"), ("IL6", "spare"))}
    kw = {"IL6": {}, "IL6_trans": TRANS, "IL11": IL11}
    o, ok = {}, {}
    for drug, tests in checks.items():
        for stim, want in tests:
            kept = _kept(drug, conc[drug], **kw[stim])
            o[f"{drug}_{stim}_kept"] = kept
            ok[f"{drug}_{stim}_kept"] = (want, kept)
    return o, ok


def _block_spare(ok: dict, c: Checks, only: str | None = None) -> None:
    for k, (want, kept) in ok.items():
        if only and not k.startswith(only):
            continue
        (c.le if want == "block" else c.ge)(k, kept, 0.30 if want == "block" else 0.80)


THX1_DRUGS = ("tocilizumab", "bazedoxifene", "anti-IL-11", "anti-IL-11RA")


@claim("THx-1", "therapy", "Tocilizumab blocks IL-6 classic and trans signaling but spares IL-11; bazedoxifene blocks "
       "IL-6 and IL-11; anti-IL-11/IL-11RA block IL-11 and spare IL-6", (94, 127, 128, 129, 2, 108, 109, 110, 111, 112,
                                                                         135, 136, 137, 138),
       {"cell": "tumor cell, drug pre-incubated (M: 10 × cellular potency; C: steady-state trough free tumor "
                "concentration of the label regimen)",
        "stimuli": "IL-6 1 ng/mL (classic), IL-6 + sIL-6R 1 nM on IL-6R-null cells (trans), IL-11 1 ng/mL"},
       "pSTAT3 rise at 30 min, fraction kept vs no drug",
       "blocks: rise cut ≥ 70 % (kept ≤ 0.30); spares: kept ≥ 0.80")
def thx1(ctx):
    exp = "blocks: kept ≤ 0.30; spares: kept ≥ 0.80"
    m_conc = {d: study_exposure(d)["concentration_nM"] for d in THX1_DRUGS}
    mo, mok = _thx1_half(m_conc)
    mc = Checks()
    _block_spare(mok, mc)
    m = mechanism(mo, {d: study_exposure(d) for d in THX1_DRUGS}, mc, exp)
    regs = {d: _std(d) for d in THX1_DRUGS}
    c_conc = {d: trough_tumor_nM(r) for d, r in regs.items()}
    co, cok = _thx1_half(c_conc)
    cc = Checks()
    _block_spare(cok, cc, only="tocilizumab_IL6")  # judged: tocilizumab's IL-6 block (CRP normalisation)
    rest = Checks()
    _block_spare(cok, rest)
    note = ("judged on tocilizumab's IL-6 block only (the clinical evidence); the rest is a prediction: "
            + ("its criteria hold" if rest.ok else rest.failing()))
    c = clinic(co, regs, cc, "tocilizumab blocks IL-6 classic and trans signaling at its label regimen",
               EVIDENCE_TOCI_CRP, note)
    if c.status == "pass":
        c.reason = note
    return _both(m, c)


def _thx2_numbers(sc: str, regs: dict[str, str]) -> dict:
    base = _run(sc)
    o = {}
    for drug, reg in regs.items():
        r = _run(sc, (reg,))
        o.update({f"{sc}_{drug}_pSTAT3_drop": 1 - r.at("tumor.pSTAT3") / base.at("tumor.pSTAT3"),
                  f"{sc}_{drug}_SOCS3_drop": 1 - r.at("tumor.SOCS3_mRNA") / base.at("tumor.SOCS3_mRNA"),
                  f"{sc}_{drug}_IL6ST_drop": 1 - r.at("tumor.IL6ST") / base.at("tumor.IL6ST"),
                  f"{sc}_{drug}_volume_drop": 1 - _v(r) / _v(base)})
    return o


def _thx2_checks(o: dict, regs) -> Checks:
    c = Checks()
    for sc in ("tnbc", "er_endocrine_resistant"):
        for drug in regs:
            c.ge(f"{sc}_{drug}_pSTAT3_drop", o[f"{sc}_{drug}_pSTAT3_drop"], 0.30)
            c.ge(f"{sc}_{drug}_SOCS3_drop", o[f"{sc}_{drug}_SOCS3_drop"], 1e-9)
            c.ge(f"{sc}_{drug}_IL6ST_drop", o[f"{sc}_{drug}_IL6ST_drop"], 1e-9)
            c.ge(f"{sc}_{drug}_volume_drop", o[f"{sc}_{drug}_volume_drop"], 0.10)
    return c


def _il6_ceiling(sc: str) -> float:
    """Tumor pSTAT3 drop with IL-6 knocked out in every cell and the host: the most any
    anti-IL-6 agent can do in the scenario."""
    from ..model import tme

    return 1 - _tme_run(sc, knockouts=tuple(tme.IL6_KO_ALL)).at("tumor.pSTAT3") / _run(sc).at("tumor.pSTAT3")


@claim("THx-2", "therapy", "Anti-IL-6 antibodies (siltuximab, clazakizumab) lower tumor pSTAT3, SOCS3 and IL6ST and "
       "shrink the tumor, in TNBC and ER+ settings", (129, 130, 131, 132, 133),
       {"tnbc": "tnbc ± drug (M: 10 × Kd constant; C: label regimen)", "er": "er_endocrine_resistant ± drug"},
       "tumor.pSTAT3, tumor.SOCS3_mRNA, tumor.IL6ST, tumor_volume_mm3 at day 180",
       "pSTAT3 −≥ 30 %; SOCS3 and IL6ST lower; volume −≥ 10 %")
def thx2(ctx):
    exp = "pSTAT3 −≥ 30 %; SOCS3 and IL6ST lower; volume −≥ 10 %, in tnbc and er_endocrine_resistant"
    drugs = ("siltuximab", "clazakizumab")
    halves = []
    for regs in ({d: study_regimen(d) for d in drugs}, {d: _std(d) for d in drugs}):
        o = {}
        for sc in ("tnbc", "er_endocrine_resistant"):
            o.update(_thx2_numbers(sc, regs))
        halves.append((o, _thx2_checks(o, regs)))
    (mo, mc), (co, cc) = halves
    ceil = {sc: _il6_ceiling(sc) for sc in ("tnbc", "er_endocrine_resistant")}
    mo.update({f"{sc}_pSTAT3_drop_IL6_KO_everywhere": v for sc, v in ceil.items()})
    base = _run("tnbc").at("tumor_IL6_pg_mL")
    il6 = {k: 1 - _run("tnbc", (r,)).at("tumor_IL6_pg_mL") / base for k, r in
           (("M", study_regimen("siltuximab")), ("C", _std("siltuximab")))}
    mo["tnbc_siltuximab_free_tumor_IL6_drop"] = il6["M"]
    co["tnbc_siltuximab_free_tumor_IL6_drop"] = il6["C"]
    ce = clinic_exposure(_std("siltuximab"))
    why = (f"at 10 × Kd ({study_exposure('siltuximab')['concentration_nM']:.3g} nM) siltuximab lowers free tumor IL-6 "
           f"{100 * il6['M']:.0f} %, at its label trough ({ce['free_tumor_trough_nM']:.3g} nM, "
           f"{ce['free_tumor_trough_nM'] / ce['potency_nM']:.0f} × Kd) {100 * il6['C']:.0f} %: sequestering a ligand "
           "that the tumor keeps secreting needs far more than 90 % occupancy. IL-6 knocked out in every cell and the "
           "host lowers tumor pSTAT3 only " + ", ".join(f"{100 * v:.0f} % in {sc}" for sc, v in ceil.items())
           + " (the ceiling of any anti-IL-6: the rest is IL-11 and gp130-independent input)")
    m = mechanism(mo, {d: study_exposure(d) for d in drugs}, mc, exp, why)
    c = clinic(co, {d: _std(d) for d in drugs}, cc, exp)
    return _both(m, c)


def _thx3_numbers(c: float) -> dict:
    return {"trans_kept": _kept("olamkicept", c, **TRANS), "classic_kept": _kept("olamkicept", c)}


@claim("THx-3", "therapy", "Olamkicept (sgp130Fc) blocks IL-6 trans-signaling and spares classic signaling", (139,),
       {"cell": "tumor cell, olamkicept pre-incubated (M: 10 × Kd; C: steady-state trough free tumor concentration)"},
       "pSTAT3 rise at 30 min, fraction kept", "trans: kept ≤ 0.30; classic: kept ≥ 0.80")
def thx3(ctx):
    exp = "trans: kept ≤ 0.30; classic: kept ≥ 0.80"
    halves = []
    for conc in (study_exposure("olamkicept")["concentration_nM"], trough_tumor_nM(_std("olamkicept"))):
        o = _thx3_numbers(conc)
        ch = Checks()
        ch.le("trans_kept", o["trans_kept"], 0.30)
        ch.ge("classic_kept", o["classic_kept"], 0.80)
        halves.append((o, ch))
    (mo, mc), (co, cc) = halves
    m = mechanism(mo, {"olamkicept": study_exposure("olamkicept")}, mc, exp)
    c = clinic(co, {"olamkicept": _std("olamkicept")}, cc, exp, EVIDENCE_OLAM)
    return _both(m, c)


@lru_cache(maxsize=None)
def _ic50(drug: str, overrides: tuple = ()) -> tuple[float, float]:
    """IC50 (nM) and Hill slope of a drug on the tumor cell's pSTAT3 rise (IL-6 1 ng/mL),
    from a 4-parameter log-logistic fit over 13 concentrations."""
    from ..analysis.dose_response import fit_log_logistic

    p0, _ = _potency(drug)
    conc = p0 * np.logspace(-2.5, 2.5, 13)
    y = np.array([_kept(drug, float(c), overrides=overrides) for c in conc])
    fit = fit_log_logistic(conc, y)
    return float(fit.ic50_nM), float(fit.hill)


def _jak2_amplified(reg: str, days: float = 30.0) -> dict:
    amp = (("tumor__lvl_JAK2", 3.0),)
    o, loss = {}, {}
    for name, params in (("normal", ()), ("JAK2_x3", amp)):
        base = _run("tnbc", (), params, days=days).at("tumor.proliferation_per_day")
        treated = _run("tnbc", (reg,), params, days=days).at("tumor.proliferation_per_day")
        loss[name] = base - treated
        o[f"proliferation_loss_{name}_per_day"] = loss[name]
    o["loss_ratio_JAK2_amplified"] = loss["JAK2_x3"] / loss["normal"] if loss["normal"] > 0 else float("nan")
    return o


@claim("THx-4", "therapy", "JAK1/2 inhibitors lower pSTAT3 with a cellular IC50 set by potency and exposure; "
       "JAK2-amplified TNBC loses more proliferation at equal exposure", (113, 114),
       {"cell": "tumor cell, IL-6 1 ng/mL, ruxolitinib/baricitinib 13 concentrations",
        "tme": "tnbc ± JAK2 ×3 with ruxolitinib at equal exposure (M: 10 × cellular IC50, constant; C: label "
               "regimen)"},
       "pSTAT3 rise (cell); tumor.proliferation_per_day at day 30 (TME); tumor.pSTAT3 at day 180 (C)",
       "ruxolitinib IC50 between 10 nM and 3 µM; JAK2-amplified loses ≥ 1.3× more proliferation")
def thx4(ctx):
    exp = "ruxolitinib IC50 between 10 nM and 3 µM; JAK2-amplified loses ≥ 1.3× more proliferation"
    mo = {}
    for drug in ("ruxolitinib", "baricitinib"):
        ic, h = _ic50(drug)
        mo[f"{drug}_IC50_nM"], mo[f"{drug}_hill"] = ic, h
    mo.update(_jak2_amplified(study_regimen("ruxolitinib")))
    mc = Checks()
    mc.ge("ruxolitinib_IC50_nM", mo["ruxolitinib_IC50_nM"], 10.0)
    mc.le("ruxolitinib_IC50_nM", mo["ruxolitinib_IC50_nM"], 3000.0)
    mc.ge("loss_ratio_JAK2_amplified", mo["loss_ratio_JAK2_amplified"], 1.3)
    m = mechanism(mo, {"ruxolitinib": {**study_exposure("ruxolitinib"),
                                       "note": "cell: 13 concentrations 10^-2.5…10^2.5 × potency; TME: 10 × potency"}},
                  mc, exp)
    reg = _std("ruxolitinib")
    co = _jak2_amplified(reg)
    base, rux = _run("tnbc"), _run("tnbc", (reg,))
    co["tumor_pSTAT3_drop_day180"] = 1 - rux.at("tumor.pSTAT3") / base.at("tumor.pSTAT3")
    cc = Checks()
    cc.ge("loss_ratio_JAK2_amplified", co["loss_ratio_JAK2_amplified"], 1.3)
    c = clinic(co, {"ruxolitinib": reg}, cc, exp, note="ruxolitinib's pSTAT3 suppression in myelofibrosis (Verstovsek "
               "2010) is in blood cells with JAK2 V617F, not in breast tumors")
    return _both(m, c)


RUX_TRIAL = "ruxolitinib 25 mg po bid"  # phase II metastatic TNBC, 15–25 mg bid (review [115], CLAIMS.md)


@claim("THx-5", "therapy", "Ruxolitinib at the phase II regimen does not inhibit tumor STAT3 enough for a response",
       (115,), {"WT": "tnbc", "rux": f"tnbc + {RUX_TRIAL}"},
       "tumor.pSTAT3 at the last trough; the primary's diameter on 8-weekly scans (RECIST 1.1 reading)",
       "pSTAT3 at trough ≥ 50 % of untreated; best response not PR or CR (diameter never ≥ 30 % below "
       "baseline on a scan); and the model says why")
def thx5(ctx):
    from ..analysis.recist import recist_of

    exp = "pSTAT3 at trough ≥ 50 % of untreated; best response not PR or CR"
    base, rux = _run("tnbc"), _run("tnbc", (RUX_TRIAL,))
    e = clinic_exposure(RUX_TRIAL)
    ic, c = e["potency_nM"], e["free_tumor_trough_nM"]
    read = recist_of(rux.frame)
    co = {"pSTAT3_fraction_of_untreated": rux.at("tumor.pSTAT3") / base.at("tumor.pSTAT3"),
          "diameter_change": rux.at("tumor_diameter_mm") / rux.at("tumor_diameter_mm", 0.0) - 1,
          "best_response": read.best, "best_diameter_change": read.best_change,
          "progression_day": read.progression_day}
    cc = Checks()
    cc.ge("pSTAT3_fraction_of_untreated", co["pSTAT3_fraction_of_untreated"], 0.5)
    cc.true("no PR or CR", read.best not in ("PR", "CR"), "best response not PR or CR")
    why = (f"free tumor ruxolitinib at trough {c:.3g} nM (peak {e['free_tumor_peak_nM']:.3g} nM) vs cellular IC50 "
           f"{ic:.3g} nM: JAK occupancy {100 * e['occupancy_trough']:.1f} % at trough, "
           f"{100 * e['occupancy_peak']:.0f} % at peak — exposure far below cellular potency (97 % plasma protein "
           "binding, ATP competition)")
    co["why"] = why
    cl = clinic(co, {"ruxolitinib": RUX_TRIAL}, cc, exp, EVIDENCE_RUX_TNBC)
    cl.reason = why if cl.status == "pass" else cl.reason
    # THx-5 is a clinic claim; its mechanism half only reports what the study exposure would do
    sr = _run("tnbc", (study_regimen("ruxolitinib"),))
    mo = {"pSTAT3_fraction_of_untreated": sr.at("tumor.pSTAT3") / base.at("tumor.pSTAT3"),
          "volume_vs_untreated": _v(sr) / _v(base) - 1}
    m = Half("reported", mo, {"ruxolitinib": study_exposure("ruxolitinib")}, "",
             "THx-5 is a clinic claim (docs/claims.md): this half shows what the study exposure would do, for contrast")
    return _both(m, cl)


def _thx6_numbers(rux: str, cel: str) -> dict:
    base, r = _run("tnbc"), _run("tnbc", (rux,))
    combo = _run("tnbc", (rux, cel))
    return {"macrophage_COX2_fold": r.at("macrophage.COX2") / base.at("macrophage.COX2"),
            "macrophage_pSTAT3_drop": 1 - r.at("macrophage.pSTAT3") / base.at("macrophage.pSTAT3"),
            "combo_volume_vs_rux": _v(combo) / _v(r) - 1}


@claim("THx-6", "therapy", "Ruxolitinib raises macrophage COX-2; ruxolitinib + celecoxib beats ruxolitinib alone",
       (105,), {"rux": "tnbc + ruxolitinib (M: 10 × cellular IC50; C: 25 mg po bid)",
                "rux+cel": "… + celecoxib (M: 10 × IC50; C: 200 mg po bid)"},
       "macrophage.COX2, tumor_volume_mm3 at day 180", "COX-2 ≥ 1.5×; combination volume ≥ 10 % smaller")
def thx6(ctx):
    exp = "macrophage COX-2 ≥ 1.5×; ruxolitinib + celecoxib volume ≥ 10 % smaller than ruxolitinib alone"
    halves = []
    for rux, cel in ((study_regimen("ruxolitinib"), study_regimen("celecoxib")), (RUX_TRIAL, _std("celecoxib"))):
        o = _thx6_numbers(rux, cel)
        ch = Checks()
        ch.ge("macrophage_COX2_fold", o["macrophage_COX2_fold"], 1.5)
        ch.le("combo_volume_vs_rux", o["combo_volume_vs_rux"], -0.10)
        halves.append((o, ch))
    (mo, mc), (co, cc) = halves
    ko = _tme_run("tnbc", knockouts=("myeloid:STAT3",))
    mo["macrophage_COX2_fold_myeloid_STAT3_KO"] = ko.at("macrophage.COX2") / _run("tnbc").at("macrophage.COX2")
    why = (f"at 10 × its cellular IC50 ruxolitinib lowers macrophage pSTAT3 {100 * mo['macrophage_pSTAT3_drop']:.0f} % "
           f"and COX-2 rises {mo['macrophage_COX2_fold']:.2f}×, against {mo['macrophage_COX2_fold_myeloid_STAT3_KO']:.2f}× "
           "with myeloid STAT3 deleted (TME-11): the COX-2 brake needs more STAT3 loss than ~90 % JAK occupancy gives")
    m = mechanism(mo, {"ruxolitinib": study_exposure("ruxolitinib"), "celecoxib": study_exposure("celecoxib")}, mc,
                  exp, why)
    c = clinic(co, {"ruxolitinib": RUX_TRIAL, "celecoxib": _std("celecoxib")}, cc, exp)
    return _both(m, c)


def _thx7_numbers(regs: dict[str, str | None]) -> dict:
    base = _run("tnbc", days=30.0)
    o = {}
    for name, reg in regs.items():
        if reg is None:
            continue
        r = _run("tnbc", (reg,), days=30.0)
        o[f"{name}_proliferation_drop"] = 1 - r.at("tumor.proliferation_per_day") / base.at("tumor.proliferation_per_day")
        o[f"{name}_apoptosis_fold"] = r.at("tumor.apoptosis_per_day") / base.at("tumor.apoptosis_per_day")
        if name == "pyrimethamine":
            # infiltration = density (cells per mL tumor), as [117] scored it; a count also scales with size
            o["pyrimethamine_CD8_gain"] = r.at("CD8_per_mL") / base.at("CD8_per_mL") - 1
    tti = regs.get("TTI-101")
    if tti is not None:
        both = _run("tnbc", (tti,), days=30.0)
        only3 = _run("tnbc", (tti,), (("tumor__Ki_SH2_STAT1", 1e12),), days=30.0)
        o["PDL1_STAT3_only"] = only3.at("tumor.PDL1")
        o["PDL1_STAT3_and_STAT1"] = both.at("tumor.PDL1")
        o["PDL1_extra_drop_with_STAT1"] = 1 - (both.at("tumor.PDL1") - 1) / (only3.at("tumor.PDL1") - 1) \
            if only3.at("tumor.PDL1") > 1 else float("nan")
    return o


def _thx7_checks(o: dict) -> Checks:
    c = Checks()
    for name in ("LLY17", "TTI-101", "pyrimethamine"):
        if f"{name}_proliferation_drop" in o:
            c.ge(f"{name}_proliferation_drop", o[f"{name}_proliferation_drop"], 0.30)
            c.ge(f"{name}_apoptosis_fold", o[f"{name}_apoptosis_fold"], 1.3)
    if "pyrimethamine_CD8_gain" in o:
        c.ge("pyrimethamine_CD8_gain", o["pyrimethamine_CD8_gain"], 0.20)
    if "PDL1_extra_drop_with_STAT1" in o:
        c.ge("PDL1_extra_drop_with_STAT1", o["PDL1_extra_drop_with_STAT1"], 0.20)
    return c


THX7_DRUGS = ("LLY17", "TTI-101", "pyrimethamine")


@claim("THx-7", "therapy", "Direct STAT3 inhibitors cut proliferation and raise apoptosis; pyrimethamine raises CD8+ "
       "infiltration; STAT3 + STAT1 inhibition lowers PD-L1 more than STAT3 alone", (116, 117, 118),
       {"M": "LLY17, TTI-101, pyrimethamine at 10 × cellular potency (constant)",
        "C": "pyrimethamine 50 mg po qd (LLY17 and TTI-101 have no human PK)",
        "STAT1": "TTI-101 (SH2) with and without STAT1 binding"},
       "tumor.proliferation_per_day, tumor.apoptosis_per_day, CD8_per_mL, tumor.PDL1 at day 30",
       "proliferation −≥ 30 %, apoptosis ≥ 1.3×; pyrimethamine CD8 +≥ 20 %; PD-L1 ≥ 20 % lower with STAT1 too")
def thx7(ctx):
    exp = "proliferation −≥ 30 %, apoptosis ≥ 1.3×; pyrimethamine CD8+ density +≥ 20 %; PD-L1 ≥ 20 % lower with STAT1"
    mo = _thx7_numbers({d: study_regimen(d) for d in THX7_DRUGS})
    m = mechanism(mo, {d: study_exposure(d) for d in THX7_DRUGS}, _thx7_checks(mo), exp)
    regs = {d: _std(d) for d in THX7_DRUGS}
    co = _thx7_numbers(regs)
    c = clinic(co, regs, _thx7_checks(co), exp)
    return _both(m, c)


def _thx9_numbers(sd_reg: str) -> dict:
    from scipy.optimize import brentq

    base = _run("tnbc", days=28.0)
    sd = _run("tnbc", (sd_reg,), days=28.0)

    def supp(r, day):
        return 1 - r.at("tumor.SOCS3_mRNA", day) / base.at("tumor.SOCS3_mRNA", day)

    target = supp(sd, 1.0)

    def gap(logc):
        return supp(_run("tnbc", (f"ruxolitinib {10 ** logc:.6g} nM continuous",), days=28.0), 1.0) - target

    logc = brentq(gap, 0.0, 6.0, xtol=0.01)
    jak = _run("tnbc", (f"ruxolitinib {10 ** logc:.6g} nM continuous",), days=28.0)
    o = {"STAT3_total_drop": 1 - sd.at("tumor.STAT3_total") / base.at("tumor.STAT3_total"),
         "SOCS3_suppression_day1_SD36": target, "SOCS3_suppression_day1_JAKi": supp(jak, 1.0),
         "matched_ruxolitinib_nM": 10 ** logc,
         "SOCS3_suppression_day28_SD36": supp(sd, 28.0), "SOCS3_suppression_day28_JAKi": supp(jak, 28.0)}
    o["day28_ratio"] = o["SOCS3_suppression_day28_SD36"] / o["SOCS3_suppression_day28_JAKi"] \
        if o["SOCS3_suppression_day28_JAKi"] > 0 else float("inf")
    return o


@claim("THx-9", "therapy", "The degrader SD-36 lowers total STAT3 and, at equal day-1 target engagement, keeps its "
       "targets down longer than a phosphorylation inhibitor", (142, 147, 148, 149, 150, 151),
       {"SD-36": "M: constant exposure 10 × DC50; C: none (no human PK)",
        "JAK inhibitor": "ruxolitinib constant exposure matched to SD-36's day-1 SOCS3 suppression"},
       "tumor.STAT3_total, tumor.SOCS3_mRNA at day 1 and day 28",
       "total STAT3 −≥ 80 %; day-28 suppression of SOCS3 ≥ 1.3× that of the phosphorylation inhibitor")
def thx9(ctx):
    exp = "total STAT3 −≥ 80 %; day-28 SOCS3 suppression ≥ 1.3× that of a day-1-matched JAK inhibitor"
    mo = _thx9_numbers(study_regimen("SD-36"))
    mc = Checks()
    mc.ge("STAT3_total_drop", mo["STAT3_total_drop"], 0.80)
    mc.ge("day28_ratio", mo["day28_ratio"], 1.3)
    m = mechanism(mo, {"SD-36": study_exposure("SD-36")}, mc, exp)
    c = Half("reported", {}, {"SD-36": {"regimen": None, "note": "no human PK: SD-36 is preclinical"}}, exp,
             "no labelled regimen: SD-36 has no human PK, so the clinic half cannot be predicted")
    return _both(m, c)


def _thx10_numbers(endo: str, toci: str) -> dict:
    sc = "er_endocrine_resistant"
    e, t, b = _run(sc, (endo,)), _run(sc, (toci,)), _run(sc, (endo, toci))
    o = {"volume_vs_endocrine": _v(b) / _v(e) - 1, "volume_vs_tocilizumab": _v(b) / _v(t) - 1}
    for k in ("tumor.pSTAT3", "tumor.NOTCH3", "tumor.CD133_index"):
        o[f"{k}_drop_vs_endocrine"] = 1 - b.at(k) / e.at(k)
    return o


def _thx10_checks(o: dict) -> Checks:
    c = Checks()
    c.le("volume_vs_endocrine", o["volume_vs_endocrine"], -0.10)
    c.le("volume_vs_tocilizumab", o["volume_vs_tocilizumab"], -0.10)
    for k in ("tumor.pSTAT3", "tumor.NOTCH3", "tumor.CD133_index"):
        c.ge(f"{k}_drop_vs_endocrine", o[f"{k}_drop_vs_endocrine"], 0.20)
    return c


@claim("THx-10", "therapy", "Tocilizumab + endocrine therapy beats either alone in endocrine-resistant ER+ disease",
       (94,), {"endo": "er_endocrine_resistant + fulvestrant (M: 10 × potency; C: 500 mg im q4w)",
               "toci": "+ tocilizumab (M: 10 × Kd; C: 8 mg/kg iv q4w)", "both": "both"},
       "tumor_volume_mm3, tumor.pSTAT3, tumor.NOTCH3, tumor.CD133_index at day 180",
       "combination volume ≥ 10 % smaller than each; pSTAT3, NOTCH3, CD133 −≥ 20 % vs endocrine alone")
def thx10(ctx):
    exp = "combination volume ≥ 10 % smaller than each; pSTAT3, NOTCH3, CD133 −≥ 20 % vs endocrine alone"
    mo = _thx10_numbers(study_regimen("fulvestrant"), study_regimen("tocilizumab"))
    ceil = _il6_ceiling("er_endocrine_resistant")
    mo["pSTAT3_drop_IL6_KO_everywhere"] = ceil
    why = (f"IL-6 knocked out in every cell and the host lowers tumor pSTAT3 only {100 * ceil:.0f} % in "
           "er_endocrine_resistant (THx-2): an IL-6 blocker meets that ceiling, and Notch3 and CD133 follow pSTAT3")
    m = mechanism(mo, {"fulvestrant": study_exposure("fulvestrant"), "tocilizumab": study_exposure("tocilizumab")},
                  _thx10_checks(mo), exp, why)
    co = _thx10_numbers(_std("fulvestrant"), _std("tocilizumab"))
    c = clinic(co, {"fulvestrant": _std("fulvestrant"), "tocilizumab": _std("tocilizumab")}, _thx10_checks(co), exp)
    return _both(m, c)


def _thx11_numbers(g: str, a: str, j: str, s: str) -> dict:
    rg, ra, rb = _run("tnbc", (g,)), _run("tnbc", (a,)), _run("tnbc", (g, a))
    o = {}
    for name, r in (("galunisertib", rg), ("atezolizumab", ra)):
        # CD8+ infiltration = density: a combination that shrinks the tumor holds fewer cells in all
        o[f"CD8_gain_vs_{name}"] = rb.at("CD8_per_mL") / r.at("CD8_per_mL") - 1
        o[f"metastatic_burden_drop_vs_{name}"] = 1 - rb.at("metastatic_burden") / r.at("metastatic_burden")
    if j is not None and s is not None:
        base = _run("tnbc", days=30.0).at("tumor.proliferation_per_day")
        fa = 1 - _run("tnbc", (j,), days=30.0).at("tumor.proliferation_per_day") / base
        fb = 1 - _run("tnbc", (s,), days=30.0).at("tumor.proliferation_per_day") / base
        fab = 1 - _run("tnbc", (j, s), days=30.0).at("tumor.proliferation_per_day") / base
        o.update({"inhibition_JAK": fa, "inhibition_GLI1": fb, "inhibition_both": fab,
                  "bliss_excess": fab - (fa + fb - fa * fb)})
    return o


def _thx11_checks(o: dict) -> Checks:
    c = Checks()
    for k, v in o.items():
        if k.startswith(("CD8_gain", "metastatic_burden_drop")):
            c.ge(k, v, 0.20)
    if "bliss_excess" in o:
        c.ge("bliss_excess", o["bliss_excess"], 0.10)
    return c


@claim("THx-11", "therapy", "Galunisertib + anti-PD-L1 beats either alone on CD8+ T cells and metastasis; JAK2 + "
       "SMO/GLI1 inhibition is synergistic", (95, 43),
       {"gal": "tnbc + galunisertib (M: 10 × cellular IC50; C: 150 mg po bid 14d on 14d off)",
        "pdl1": "+ atezolizumab (M: 10 × Kd; C: 1200 mg iv q3w)", "both": "both",
        "JAK2+GLI1": "ruxolitinib and GANT61 at 10 × their cellular IC50 (constant exposures), alone and together"},
       "CD8_per_mL, metastatic_burden at day 180; tumor.proliferation_per_day at day 30",
       "combination CD8 +≥ 20 % and metastatic burden −≥ 20 % vs each; Bliss excess ≥ 0.1 on proliferation")
def thx11(ctx):
    exp = "combination CD8+ density +≥ 20 % and metastatic burden −≥ 20 % vs each alone; Bliss excess ≥ 0.1"
    j, s = study_regimen("ruxolitinib"), study_regimen("GANT61")
    mo = _thx11_numbers(study_regimen("galunisertib"), study_regimen("atezolizumab"), j, s)
    m = mechanism(mo, {"galunisertib": study_exposure("galunisertib"), "atezolizumab": study_exposure("atezolizumab"),
                       "ruxolitinib": study_exposure("ruxolitinib"), "GANT61": study_exposure("GANT61")},
                  _thx11_checks(mo), exp)
    g, a = _std("galunisertib"), _std("atezolizumab")
    co = _thx11_numbers(g, a, None, None)
    c = clinic(co, {"galunisertib": g, "atezolizumab": a}, _thx11_checks(co), exp.replace("; Bliss excess ≥ 0.1", ""),
               note="the JAK2 + GLI1 part has no clinic half (GANT61 has no human PK)")
    return _both(m, c)


def _thx12_numbers(regs: dict[str, str]) -> dict:
    base = _run("tnbc").at("serum_CRP_mg_L")
    o = {"CRP_untreated_mg_L": base}
    for drug, reg in regs.items():
        o[f"CRP_kept_{drug}"] = _run("tnbc", (reg,)).at("serum_CRP_mg_L") / base
    return o


def _thx12_checks(o: dict) -> Checks:
    c = Checks()
    c.le("CRP_kept_tocilizumab or siltuximab (lower)", min(o["CRP_kept_tocilizumab"], o["CRP_kept_siltuximab"]), 0.50)
    c.ge("CRP_kept_anti-IL-11", o["CRP_kept_anti-IL-11"], 0.80)
    c.ge("CRP_kept_anti-IL-11RA", o["CRP_kept_anti-IL-11RA"], 0.80)
    return c


THX12_DRUGS = ("tocilizumab", "siltuximab", "anti-IL-11", "anti-IL-11RA")


@claim("THx-12", "therapy", "Global IL-6 blockade costs host defence: tocilizumab or siltuximab lowers serum CRP; "
       "IL-11 targeting spares it", (3, 141),
       {"each": "tnbc + tocilizumab, siltuximab, anti-IL-11 or anti-IL-11RA (M: 10 × Kd; C: label regimens)"},
       "serum_CRP_mg_L at day 180", "tocilizumab or siltuximab −≥ 50 %; IL-11 agents keep ≥ 80 %")
def thx12(ctx):
    exp = "tocilizumab or siltuximab lowers serum CRP ≥ 50 %; IL-11 agents keep ≥ 80 % of it"
    mo = _thx12_numbers({d: study_regimen(d) for d in THX12_DRUGS})
    m = mechanism(mo, {d: study_exposure(d) for d in THX12_DRUGS}, _thx12_checks(mo), exp)
    regs = {d: _std(d) for d in THX12_DRUGS}
    co = _thx12_numbers(regs)
    c = clinic(co, regs, _thx12_checks(co), exp, EVIDENCE_TOCI_CRP,
               note="the IL-11 agents' part is a prediction (no clinical CRP data)")
    return _both(m, c)


def _thx13_numbers(cur: str, pd1: str) -> dict:
    rc, rp, rb = _run("tnbc", (cur,)), _run("tnbc", (pd1,)), _run("tnbc", (cur, pd1))
    base = _run("tnbc")
    return {"volume_vs_curcumin": _v(rb) / _v(rc) - 1, "volume_vs_pembrolizumab": _v(rb) / _v(rp) - 1,
            "volume_drop_curcumin": 1 - _v(rc) / _v(base), "volume_drop_pembrolizumab": 1 - _v(rp) / _v(base)}


def _thx13_checks(o: dict) -> Checks:
    c = Checks()
    c.le("volume_vs_curcumin", o["volume_vs_curcumin"], -0.10)
    c.le("volume_vs_pembrolizumab", o["volume_vs_pembrolizumab"], -0.10)
    return c


@claim("THx-13", "therapy", "STAT3 inhibition + anti-PD-1: curcumin-like multi-target inhibition plus anti-PD-1 beats "
       "either alone", (52, 53),
       {"cur": "tnbc + curcumin (M: 10 × cellular potency, constant; C: none, free curcumin is not dosable)",
        "pd1": "+ pembrolizumab (M: 10 × Kd; C: 200 mg iv q3w)", "both": "both"},
       "tumor_volume_mm3 at day 180", "combination volume ≥ 10 % smaller than each")
def thx13(ctx):
    exp = "combination volume ≥ 10 % smaller than each alone"
    mo = _thx13_numbers(study_regimen("curcumin"), study_regimen("pembrolizumab"))
    m = mechanism(mo, {"curcumin": study_exposure("curcumin"), "pembrolizumab": study_exposure("pembrolizumab")},
                  _thx13_checks(mo), exp)
    if _std("curcumin") is None:  # free curcumin is not measurable in patients: no dosable regimen
        from ..therapy.catalog import get_drug

        c = Half("reported", {}, {"curcumin": {"regimen": None, "note": get_drug("curcumin").pk_note
                                               or "not dosable as free drug"},
                                  "pembrolizumab": clinic_exposure(_std("pembrolizumab"))}, exp,
                 "no clinic half: the catalog has no dosable curcumin regimen (free curcumin is undetectable in "
                 "patients after 10–12 g, so its free tumor exposure cannot be predicted)",
                 occupancy={"pembrolizumab": {"trough": clinic_exposure(_std("pembrolizumab"))["occupancy_trough"],
                                              "peak": clinic_exposure(_std("pembrolizumab"))["occupancy_peak"]}})
        return _both(m, c)
    co = _thx13_numbers(_std("curcumin"), _std("pembrolizumab"))
    c = clinic(co, {"curcumin": _std("curcumin"), "pembrolizumab": _std("pembrolizumab")}, _thx13_checks(co), exp)
    return _both(m, c)
