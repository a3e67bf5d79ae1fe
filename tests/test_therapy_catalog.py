"""The drug catalog and the regimen parser: every number has a unit and a source; names,
routes, units, doses and schedules are checked with one clear message each."""
from __future__ import annotations

import pytest
from pydantic import BaseModel

from stat3sim.therapy import Patient, TherapyError, get_drug, load_catalog, parse_regimen
from stat3sim.therapy.catalog import Quantity, parse_catalog

LAYER3 = ("tocilizumab", "siltuximab", "clazakizumab", "olamkicept", "bazedoxifene", "anti-IL-11", "anti-IL-11RA",
          "ruxolitinib", "baricitinib", "LLY17", "pyrimethamine", "TTI-101", "napabucasin", "STX-0119", "curcumin",
          "SD-36", "celecoxib", "galunisertib", "atezolizumab", "durvalumab", "pembrolizumab", "tamoxifen",
          "fulvestrant", "paclitaxel", "vismodegib", "GANT61")


def _quantities(obj):
    if isinstance(obj, Quantity):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _quantities(v)
    elif isinstance(obj, BaseModel):
        for k in type(obj).model_fields:
            yield from _quantities(getattr(obj, k))
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            yield from _quantities(v)


def test_every_layer3_agent_is_in_the_catalog():
    names = load_catalog().names()
    assert set(LAYER3) <= set(names)


def test_every_number_has_a_unit_and_a_source():
    cat = load_catalog()
    qs = list(_quantities(cat))
    assert len(qs) > 100
    for q in qs:
        assert q.unit and q.source.strip()
    for d in cat.drugs:
        for p in d.potency:
            assert p.source.strip() and p.unit
        for pub in d.published:
            assert pub.source.strip() and pub.unit


def test_every_agent_has_a_pd_potency_with_context_and_an_honest_source():
    """The PD layer needs one potency per agent (the first entry); a value whose source was
    not read says "assumed" (a vendor summary is named as such)."""
    for d in load_catalog().drugs:
        p = d.pd_potency
        assert p is not None, d.name
        assert p.nM > 0 and p.context in ("cell_free", "cellular", "unspecified"), d.name
    assert get_drug("ruxolitinib").pd_potency.nM == 281 and get_drug("ruxolitinib").pd_potency.context == "cellular"
    assert get_drug("baricitinib").pd_potency.context == "cellular"
    assert get_drug("fulvestrant").pd_potency.nM == pytest.approx(0.29)
    assert get_drug("pembrolizumab").pd_potency.nM == pytest.approx(0.027)
    for name in ("siltuximab", "clazakizumab", "anti-IL-11", "LLY17", "STX-0119", "SD-36", "bazedoxifene"):
        assert get_drug(name).pd_potency.source.startswith("assumed"), name
    assert get_drug("olamkicept").potency[1].assay.startswith("IL-11")


def test_dosable_drugs_have_a_standard_regimen_that_parses():
    cat = load_catalog()
    dosable = [d for d in cat.drugs if d.dosable]
    assert {"tocilizumab", "siltuximab", "ruxolitinib", "celecoxib", "atezolizumab", "pembrolizumab"} <= {
        d.name for d in dosable}
    for d in dosable:
        assert parse_regimen(d.pk.regimen).drug is d


def test_trial_ids_from_the_review_are_recorded():
    assert "NCT03195699" in get_drug("TTI-101").trials
    assert "NCT01830621" in get_drug("napabucasin").trials
    assert {"NCT02448771", "NCT04821141"} <= set(get_drug("bazedoxifene").trials)
    assert "NCT04191421" in get_drug("siltuximab").trials


def test_names_resolve_case_insensitively_through_synonyms():
    assert get_drug("ACTEMRA").name == "tocilizumab"
    assert get_drug("incb018424").name == "ruxolitinib"
    assert get_drug("C188-9").name == "TTI-101"


def test_unknown_drug_names_the_closest_known():
    with pytest.raises(TherapyError) as e:
        get_drug("tocilizumb")
    assert e.value.field == "drug" and "did you mean tocilizumab" in str(e.value)


def test_unit_conversions():
    q = Quantity(value=12.2, unit="L/h/m2", source="x")
    assert q.canonical(bsa_m2=1.8) == pytest.approx(12.2 * 24 * 1.8)
    assert Quantity(value=690, unit="mL/min", source="x").canonical() == pytest.approx(993.6)
    with pytest.raises(TherapyError):
        q.canonical()


def test_a_malformed_catalog_names_the_field():
    bad = "defaults: {}\ndrugs:\n  - {name: x, class: antibody, target: IL6, mechanism: magic, status: s}\n"
    with pytest.raises(TherapyError, match="mechanism"):
        parse_catalog(bad)
    nosource = ("defaults: {}\ndrugs:\n  - name: x\n    class: antibody\n    target: IL6\n    mechanism: ligand_sequestration\n"
                "    status: s\n    pk: {routes: [iv], regimen: r, mw: {value: 1, unit: g/mol, source: ''}}\n")
    with pytest.raises(TherapyError, match="source"):
        parse_catalog(nosource)


# ------------------------------------------------------------------ regimens
@pytest.mark.parametrize("text,mg,route,interval,n", [
    ("tocilizumab 8 mg/kg iv q4w", 560.0, "iv", 28.0, None),
    ("ruxolitinib 20 mg po bid", 20.0, "po", 0.5, None),
    ("paclitaxel 80 mg/m2 iv qw x12", 144.0, "iv", 7.0, 12),
    ("siltuximab 11 mg/kg iv q3w x1", 770.0, "iv", 21.0, 1),
    ("celecoxib 200 mg po q12h", 200.0, "po", 0.5, None),
    ("baricitinib 4 mg po qd", 4.0, "po", 1.0, None),
    ("tocilizumab 162 mg sc q2w", 162.0, "sc", 14.0, None),
    ("ruxolitinib 5000 ug po tid", 5.0, "po", 1 / 3, None),
    ("ruxolitinib 10 µg po q8h", 0.01, "po", 1 / 3, None),
    ("tamoxifen 0.02 g po q1d", 20.0, "po", 1.0, None),
])
def test_regimens_as_clinicians_write_them(text, mg, route, interval, n):
    r = parse_regimen(text)
    assert r.dose_mg(Patient()) == pytest.approx(mg)
    assert r.route == route and r.n_doses == n
    assert r.interval_days == pytest.approx(interval)


def test_dose_times_start_day_duration_and_count():
    r = parse_regimen("tocilizumab 8 mg/kg iv q4w @day7")
    assert r.dose_times_days(70) == [7.0, 35.0, 63.0]
    assert parse_regimen("tocilizumab 8 mg/kg iv q4w", start_day=2, duration_days=30).dose_times_days(200) == [2.0, 30.0]
    assert parse_regimen("paclitaxel 80 mg/m2 iv qw x12").dose_times_days(365) == [7.0 * k for k in range(12)]
    assert parse_regimen("siltuximab 11 mg/kg iv x1").dose_times_days(100) == [0.0]
    assert parse_regimen("tocilizumab 8 mg/kg iv q4w").dose_mg(Patient(weight_kg=100)) == 800.0


def test_an_infusion_is_one_dose_with_its_duration():
    r = parse_regimen("paclitaxel 175 mg/m2 iv x1 over 3h")
    assert r.doses(1.0) == [(0.0, pytest.approx(315.0))] and r.infusion_h == 3.0


@pytest.mark.parametrize("text,field,words", [
    ("tocilizumb 8 mg/kg iv q4w", "drug", "tocilizumab"),
    ("tocilizumab 8 mg/kg ix q4w", "route", "iv, po, sc, im"),
    ("tocilizumab 8 mg/kq iv q4w", "unit", "mg/kg"),
    ("tocilizumab -8 mg/kg iv q4w", "dose", "positive"),
    ("tocilizumab 0 mg/kg iv q4w", "dose", "positive"),
    ("tocilizumab 200 mg/kg iv q4w", "dose", "100 mg/kg"),
    ("ruxolitinib 2000 mg po bid", "dose", "limit 250 mg"),
    ("tocilizumab 8 mg/kg iv q4w x0", "schedule", "≥ 1"),
    ("ruxolitinib 20 mg iv bid", "route", "its routes: po"),
    ("ruxolitinib 20 mg po bld", "frequency", "bid"),
    ("ruxolitinib 20 mg bid", "route", "no route"),
    ("LLY17 10 mg po qd", "drug", "cannot be dosed"),
    ("ruxolitinib 20 mg po q0h", "frequency", "positive"),
])
def test_bad_regimens_get_one_clear_message(text, field, words):
    with pytest.raises(TherapyError) as e:
        parse_regimen(text)
    assert e.value.field == field
    assert words in str(e.value)
    assert "\n" not in str(e.value)


def test_impossible_schedules():
    with pytest.raises(TherapyError, match="start day"):
        parse_regimen("tocilizumab 8 mg/kg iv q4w", start_day=-1)
    with pytest.raises(TherapyError, match="duration"):
        parse_regimen("tocilizumab 8 mg/kg iv q4w", duration_days=0)
    with pytest.raises(TherapyError, match="weight"):
        Patient(weight_kg=0)


# ------------------------------------------------------------------ PD block
def test_pd_block_defaults_and_units():
    """kon: class default 1e6 1/(M s) = 0.06 1/(nM min) for antibodies and decoys; hill: 1;
    the drug's own values where given (galunisertib cell_shift, paclitaxel Emax/EC50, SD-36)."""
    cat = load_catalog()
    for name in ("tocilizumab", "olamkicept", "anti-IL-11", "atezolizumab"):
        kon = cat.pd_param(get_drug(name), "kon")
        assert kon.canonical() == pytest.approx(0.06) and kon.assumed
    assert cat.pd_param(get_drug("ruxolitinib"), "kon") is None
    assert cat.pd_param(get_drug("ruxolitinib"), "hill").canonical() == 1.0
    assert cat.pd_param(get_drug("galunisertib"), "cell_shift").canonical() == 10
    assert cat.pd_param(get_drug("paclitaxel"), "Emax").canonical_unit == "1/day"
    assert cat.pd_param(get_drug("paclitaxel"), "EC50").canonical() == 5
    sd = get_drug("SD-36")
    assert 0 < cat.pd_param(sd, "Dmax").value <= 1
    assert cat.pd_param(sd, "kdeg_max").canonical() == pytest.approx(0.5 * 24)  # 1/h -> 1/day
    with pytest.raises(TherapyError, match="unknown PD parameter"):
        cat.pd_param(sd, "koff")


def test_a_malformed_pd_block_names_the_field():
    head = ("defaults: {}\ndrugs:\n  - name: x\n    class: degrader\n    target: STAT3\n"
            "    mechanism: induced_degradation\n    status: s\n")
    with pytest.raises(TherapyError, match="Dmax"):
        parse_catalog(head + "    pd: {Dmax: {value: 1.5, unit: dimensionless, source: s}}\n")
    with pytest.raises(TherapyError, match="kon"):
        parse_catalog(head + "    pd: {kon: {value: 1, unit: nM, source: s}}\n")
    with pytest.raises(TherapyError, match="cell_shift"):
        parse_catalog(head + "    pd: {cell_shift: {value: 0.5, unit: dimensionless, source: s}}\n")


# ------------------------------------------------------------------ constant exposure, cycles, duration
def test_constant_exposure_regimens():
    r = parse_regimen("SD-36 1 uM continuous")
    assert r.is_exposure and r.exposure_nM == 1000.0 and r.route == "continuous"
    assert r.dose_times_days(30) == [0.0] and r.doses(30) == []
    r = parse_regimen("LLY17 250 nM continuous @day7 for 14d")
    assert (r.exposure_nM, r.start_day, r.duration_days) == (250.0, 7.0, 14.0)
    assert r.exposure_window_days(60) == (7.0, 21.0) and r.exposure_window_days(5) is None
    assert parse_regimen("GANT61 5 µM continuous for 2w").duration_days == 14.0
    # a dosable drug may also be given as a constant exposure (preclinical use)
    assert parse_regimen("ruxolitinib 300 nM continuous").exposure_nM == 300.0
    with pytest.raises(TherapyError, match="constant concentration"):
        parse_regimen("SD-36 1 uM continuous").dose_mg()


@pytest.mark.parametrize("text,field,words", [
    ("SD-36 -1 uM continuous", "dose", "positive"),
    ("SD-36 0 nM continuous", "dose", "positive"),
    ("SD-36 2000 uM continuous", "dose", "1 mM"),
    ("SD-36 2 mM continuous", "unit", "nM/uM"),
    ("SD-36 1 uM", "route", "continuous"),
    ("SD-36 1 uM continuous bid", "schedule", "only 'continuous'"),
    ("SD-36 1 uM continuous for x", "schedule", "for 28d"),
    ("ruxolitinib 20 mg po bid continuous", "unit", "constant concentration"),
    ("SD-36 10 mg po qd", "drug", "'SD-36 1 uM continuous'"),
    ("galunisertib 150 mg po bid 14d on", "schedule", "14d on 14d off"),
    ("galunisertib 150 mg po x1 14d on 14d off", "schedule", "frequency"),
])
def test_bad_exposure_and_cycle_regimens_get_one_clear_message(text, field, words):
    with pytest.raises(TherapyError) as e:
        parse_regimen(text)
    assert e.value.field == field
    assert words in str(e.value)
    assert "\n" not in str(e.value)


def test_intermittent_cycles_and_duration():
    """Galunisertib label schedule: 150 mg bid, 14 days on / 14 days off."""
    r = parse_regimen("galunisertib 150 mg po bid 14d on 14d off")
    t = r.dose_times_days(56)
    assert len(t) == 56 and t[27] == 13.5 and t[28] == 28.0 and max(t) == 41.5
    assert parse_regimen("ruxolitinib 20 mg po bid for 3d").dose_times_days(10) == [0.5 * k for k in range(6)]
    assert parse_regimen("tocilizumab 8 mg/kg iv q4w for 8w").dose_times_days(200) == [0.0, 28.0]


def test_cycle_day_schedules():
    """IMpassion130: nab-paclitaxel 100 mg/m² on days 1, 8, 15 and atezolizumab 840 mg on days
    1 and 15 of each 28-day cycle."""
    r = parse_regimen("paclitaxel 90 mg/m2 iv d1,8,15 q28d")
    assert r.cycle_days == (0.0, 7.0, 14.0) and r.interval_days == 28.0
    assert r.dose_times_days(84) == [0.0, 7.0, 14.0, 28.0, 35.0, 42.0, 56.0, 63.0, 70.0]
    assert parse_regimen("atezolizumab 840 mg iv d1,15 q4w").dose_times_days(60) == [0.0, 14.0, 28.0, 42.0, 56.0]
    assert parse_regimen("paclitaxel 90 mg/m2 iv d1,8,15 q28d x4").dose_times_days(200) == [0.0, 7.0, 14.0, 28.0]
    assert parse_regimen("paclitaxel 90 mg/m2 iv d1,8,15 q28d @day7").dose_times_days(36) == [7.0, 14.0, 21.0, 35.0]
    assert parse_regimen("paclitaxel 90 mg/m2 iv d1,8,15 q28d for 4w").dose_times_days(200) == [0.0, 7.0, 14.0]
    # a cycle-day list is not a frequency of its own: a plain weekly regimen is unchanged
    assert parse_regimen("paclitaxel 80 mg/m2 iv qw").cycle_days is None


@pytest.mark.parametrize("text,words", [
    ("paclitaxel 90 mg/m2 iv d1,8,15", "cycle length"),
    ("paclitaxel 90 mg/m2 iv d1,8,29 q28d", "beyond the cycle"),
    ("paclitaxel 90 mg/m2 iv d8,1 q28d", "increase"),
    ("paclitaxel 90 mg/m2 iv d0,7 q28d", "from day 1"),
    ("paclitaxel 90 mg/m2 iv d1,8 d15 q28d", "two lists"),
    ("galunisertib 150 mg po bid d1,2 14d on 14d off", "not both"),
])
def test_bad_cycle_days_get_one_clear_message(text, words):
    with pytest.raises(TherapyError) as e:
        parse_regimen(text)
    assert e.value.field == "schedule" and words in str(e.value) and "\n" not in str(e.value)


def test_a_malformed_nonlinear_pk_block_names_the_fields():
    """Saturable distribution and the second peripheral come in complete sets; a drug whose
    only clearance is CL 0 cannot be dosed; a metabolite's liver flow is a flow."""
    head = ("defaults: {}\ndrugs:\n  - name: x\n    class: small_molecule\n    target: STAT3\n"
            "    mechanism: sh2_dimerisation_inhibition\n    status: s\n    pk:\n      routes: [iv]\n      regimen: r\n"
            "      mw: {value: 500, unit: g/mol, source: s}\n      V1: {value: 10, unit: L, source: s}\n")
    q = "{value: 1, unit: %s, source: s}"
    ok = head + f"      CL: {q % 'L/h'}\n"
    parse_catalog(ok)
    with pytest.raises(TherapyError, match="Vmax_transfer, Km_transfer and k_return"):
        parse_catalog(ok + f"      Vmax_transfer: {q % 'mg/h'}\n      k_return: {q % '1/h'}\n")
    with pytest.raises(TherapyError, match="replaces V2"):
        parse_catalog(ok + f"      Vmax_transfer: {q % 'mg/h'}\n      Km_transfer: {q % 'ug/mL'}\n"
                      f"      k_return: {q % '1/h'}\n      V2: {q % 'L'}\n      Q: {q % 'L/h'}\n")
    with pytest.raises(TherapyError, match="Q3 and V3"):
        parse_catalog(ok + f"      V3: {q % 'L'}\n")
    with pytest.raises(TherapyError, match="needs a clearance"):
        parse_catalog(head + "      CL: {value: 0, unit: L/h, source: s}\n")
    with pytest.raises(TherapyError, match="Q_hepatic"):
        parse_catalog(ok + "      metabolite:\n        name: m\n" + "".join(
            f"        {k}: {q % u}\n" for k, u in (("mw", "g/mol"), ("CL_formation", "L/h"), ("CL", "L/h"), ("V", "L"),
                                                   ("fu", "dimensionless"), ("Q_hepatic", "L"))))
