"""RECIST 1.1 for trials (stat3sim.trial.recist) on constructed diameter series: the
thresholds at their edges, PD needing both +20 % from the nadir and ≥ 5 mm, new lesions,
confirmation, censoring, NE, multi-lesion sums, and the table helpers."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from stat3sim.trial.recist import RecistError, read_patient, read_trial, scan_table, select_targets

DAYS = [0, 56, 112, 168]


def test_pr_at_exactly_minus_30_percent_and_not_at_minus_29_9():
    r = read_patient([0, 56], [50.0, 35.0])  # −30.0 %
    assert r.calls == ("PR",) and r.best_response == "PR" and r.best_change_pct == pytest.approx(-30.0)
    r = read_patient([0, 56], [50.0, 35.05])  # −29.9 %
    assert r.calls == ("SD",) and r.best_response == "SD"
    # the same on a three-lesion sum: 30 + 20 + 10 = 60 → 42 is −30 %
    r = read_patient([0, 56], [[30, 20, 10], [21, 14, 7]])
    assert r.best_response == "PR" and r.baseline_sum_mm == 60


def test_pd_needs_plus_20_percent_over_the_nadir_and_5_mm():
    # small lesion: +20 % of a 20 mm nadir is only 4 mm → 24 mm is not PD, 25 mm is
    assert read_patient([0, 56], [20.0, 24.0]).calls == ("SD",)
    assert read_patient([0, 56], [20.0, 25.0]).calls == ("PD",)
    # large lesion: +5 mm on 100 mm is only +5 % → not PD; +20 % (120 mm) is
    assert read_patient([0, 56], [100.0, 105.0]).calls == ("SD",)
    assert read_patient([0, 56], [100.0, 119.9]).calls == ("SD",)
    r = read_patient([0, 56], [100.0, 120.0])
    assert r.calls == ("PD",) and r.best_response == "PD" and r.pfs_event and r.pfs_days == 56


def test_pd_is_measured_from_the_nadir_not_the_baseline():
    # shrinks to 30 (−40 %: PR), regrows to 36 (+20 % of the nadir, +6 mm) → PD, though below baseline
    r = read_patient(DAYS, [50.0, 30.0, 36.0, 20.0])
    assert r.calls == ("PR", "PD") and r.best_response == "PR"
    assert r.pfs_days == 112 and r.pfs_event
    assert r.best_change_pct == pytest.approx(-40.0)
    assert len(r.scan_days) == 2, "reading stops at the first PD"


def test_a_new_lesion_is_progression_whatever_the_sum():
    r = read_patient(DAYS, [50.0, 30.0, 25.0, 25.0], new_lesion=[False, False, True, False])
    assert r.calls == ("PR", "PD") and r.pfs_days == 112 and r.pfs_event and r.best_response == "PR"
    r = read_patient([0, 56], [50.0, 50.0], new_lesion=[False, True])
    assert r.best_response == "PD" and r.pfs_days == 56


def test_complete_response_when_every_target_is_below_the_threshold():
    r = read_patient(DAYS, [[30, 10], [10, 2], [0.5, 0.2], [0.4, 0.1]])
    assert r.calls == ("PR", "CR", "CR") and r.best_response == "CR" and r.response_day == 112
    # one target left → PR, not CR
    assert read_patient([0, 56], [[30, 10], [0.5, 5.0]]).best_response == "PR"
    assert read_patient([0, 56], [[30, 10], [2.0, 0.5]], cr_below_mm=3.0).best_response == "CR"


def test_confirmation_on_and_off():
    # PR at 56 d only, SD at 112 d → unconfirmed
    series = [50.0, 34.0, 40.0, 40.0]
    assert read_patient(DAYS, series).best_response == "PR"
    assert read_patient(DAYS, series, confirm=True).best_response == "SD"
    # PR at 56 and 112 d (56 d apart ≥ 28) → confirmed
    assert read_patient(DAYS, [50.0, 34.0, 33.0, 33.0], confirm=True).best_response == "PR"
    # the confirming scan must be ≥ 28 d later: a scan 21 d later does not confirm
    assert read_patient([0, 56, 77], [50.0, 34.0, 33.0], confirm=True).best_response == "SD"
    assert read_patient([0, 56, 84], [50.0, 34.0, 33.0], confirm=True).best_response == "PR"
    # CR confirmed by a CR; CR followed by PR → PR
    cr = [[30.0], [0.5], [0.5]]
    assert read_patient([0, 56, 112], cr, confirm=True).best_response == "CR"
    assert read_patient([0, 56, 112], [[30.0], [0.5], [5.0]], confirm=True).best_response == "PR"
    # PR then PD before confirmation → SD (PR scan at 56 d meets the SD minimum)
    r = read_patient([0, 56, 112], [50.0, 30.0, 40.0], confirm=True)
    assert r.best_response == "SD" and r.pfs_event


def test_minimum_sd_duration():
    # SD at 28 d (before the 42-d minimum), PD at 56 d → PD
    assert read_patient([0, 28, 56], [50.0, 50.0, 61.0]).best_response == "PD"
    assert read_patient([0, 28, 56], [50.0, 50.0, 61.0], min_sd_days=0).best_response == "SD"
    assert read_patient([0, 28], [50.0, 50.0]).best_response == "NE"


def test_censoring_at_the_last_scan_within_follow_up():
    r = read_patient(DAYS, [50.0, 48.0, 47.0, 70.0], followup_days=150)
    assert r.calls == ("SD", "SD") and not r.pfs_event and r.pfs_days == 112
    r = read_patient(DAYS, [50.0, 48.0, 47.0, 70.0])
    assert r.pfs_event and r.pfs_days == 168
    # a scan exactly at the follow-up end is read
    assert read_patient(DAYS, [50.0, 48.0, 47.0, 70.0], followup_days=168).pfs_event


def test_not_evaluable_without_a_post_baseline_scan():
    r = read_patient([0], [[30.0, 12.0]])
    assert r.best_response == "NE" and math.isnan(r.best_change_pct)
    assert r.pfs_days == 0 and not r.pfs_event
    r = read_patient(DAYS, [50.0, 40.0, 40.0, 40.0], followup_days=30)
    assert r.best_response == "NE" and r.pfs_days == 0 and not r.pfs_event


def test_an_unmeasured_target_makes_the_scan_ne_unless_pd_is_already_shown():
    r = read_patient([0, 56, 112], [[30, 20], [20, np.nan], [18, 10]])
    assert r.calls == ("NE", "PR") and r.pfs_days == 112 and not r.pfs_event
    r = read_patient([0, 56], [[30, 20], [70, np.nan]])
    assert r.calls == ("PD",) and r.pfs_event


def test_multi_lesion_sums_and_mixed_response():
    # primary shrinks, a metastasis grows: the sum decides (30+20 = 50 → 20+31 = 51: SD)
    r = read_patient([0, 56], [[30, 20], [20, 31]])
    assert r.calls == ("SD",) and r.sums_mm == (51.0,)
    # the sum rises 12 mm (+24 %) from nadir 50 → PD
    assert read_patient([0, 56], [[30, 20], [30, 32]]).calls == ("PD",)


@pytest.mark.parametrize("args,field", [
    (([56, 112], [50.0, 40.0]), "scan_days"),
    (([0, 0], [50.0, 40.0]), "scan_days"),
    (([0, 56], [[50.0], [40.0], [30.0]]), "diameters_mm"),
    (([0, 56], [np.nan, 40.0]), "diameters_mm"),
    (([0, 56], [50.0, -1.0]), "diameters_mm"),
])
def test_bad_input_names_the_field(args, field):
    with pytest.raises(RecistError) as e:
        read_patient(*args)
    assert e.value.field == field


def test_select_targets_follows_recist():
    # 5 lesions in the liver, 2 in lung, one 8 mm (not measurable)
    d = [40, 35, 30, 25, 20, 15, 12, 8]
    organs = ["liver"] * 5 + ["lung", "lung", "bone"]
    assert select_targets(d, organs) == [0, 1, 5, 6]
    assert select_targets([50, 9.9, 10]) == [0, 2]
    assert len(select_targets([20] * 8)) == 5


def _long(rows):
    return pd.DataFrame(rows, columns=["patient", "arm", "scan_day", "lesion_primary", "lesion_lung", "new_lesion"])


def test_read_trial_gives_one_row_per_patient_and_arm():
    rows = []
    # patient 1: PR in arm A, PD by a new lesion in arm B; patient 2 has no lung lesion (NaN)
    for day, a, b in [(0, 30, 20), (56, 20, 14), (112, 18, 12)]:
        rows.append((1, "A", day, a, b, False))
    for day, a, b, new in [(0, 30, 20, False), (56, 30, 20, False), (112, 31, 21, True)]:
        rows.append((1, "B", day, a, b, new))
    for day, a in [(0, 40), (56, 52), (112, 30)]:
        rows.append((2, "A", day, a, np.nan, False))
    out = read_trial(_long(rows))
    assert list(out.columns[:2]) == ["patient", "arm"] and len(out) == 3
    one_a = out[(out.patient == 1) & (out.arm == "A")].iloc[0]
    assert one_a.best_response == "PR" and not one_a.pfs_event and one_a.pfs_days == 112
    assert one_a.best_change_pct == pytest.approx(-40.0)
    one_b = out[(out.patient == 1) & (out.arm == "B")].iloc[0]
    assert one_b.best_response == "SD" and one_b.pfs_event and one_b.pfs_days == 112
    two = out[out.patient == 2].iloc[0]
    assert two.best_response == "PD" and two.pfs_days == 56 and two.baseline_sum_mm == 40 and two.calls == "PD"
    # the same reading as read_patient, and a follow-up column censors
    df = _long(rows).assign(followup_days=60.0)
    assert read_trial(df).set_index(["patient", "arm"]).loc[(1, "B"), "pfs_days"] == 56
    spider = scan_table(_long(rows))
    assert set(spider.call) >= {"BL", "PR", "PD"}
    assert spider[(spider.patient == 1) & (spider.arm == "A")].change_pct.tolist() == pytest.approx([0, -32, -40])


def test_read_trial_needs_its_columns():
    with pytest.raises(RecistError) as e:
        read_trial(pd.DataFrame({"patient": [1], "scan_day": [0]}))
    assert e.value.field == "lesion_columns"
    with pytest.raises(RecistError, match="patient 7"):
        read_trial(pd.DataFrame({"patient": [7, 7], "scan_day": [56, 112], "lesion_a": [10.0, 9.0]}))
