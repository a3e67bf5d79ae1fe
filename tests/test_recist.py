"""RECIST 1.1 reading of a diameter course (stat3sim.analysis.recist), on hand-made
courses whose calls can be worked out by hand (Eisenhauer 2009 rules, scans every 56 d)."""
import numpy as np
import pytest

from stat3sim.analysis.recist import recist

DAYS = np.arange(0.0, 181.0)


def test_growing_tumor_progresses_at_the_first_scan_past_20_percent_and_5_mm():
    d = 20.0 * 2 ** (DAYS / 300.0)  # 20 mm doubling in diameter every 300 d
    r = recist(DAYS, d)
    # day 56: 20*2^(56/300) = 22.76 mm (+13.8 %) SD; day 112: 25.92 mm (+29.6 %, +5.9 mm) PD
    assert r.scans == ("SD", "PD") and r.progression_day == 112.0
    assert r.best == "SD" and r.best_change == pytest.approx(2 ** (56 / 300) - 1)


def test_small_lesion_needs_5_mm_as_well_as_20_percent():
    d = 10.0 * (1 + DAYS / 180.0)  # 10 -> 20 mm: +20 % by day 36, +5 mm only by day 90
    r = recist(DAYS, d)
    # day 56: 13.1 mm (+31 % but +3.1 mm) SD; day 112: 16.2 mm (+6.2 mm) PD
    assert r.scans == ("SD", "PD") and r.progression_day == 112.0


def test_shrinking_tumor_partial_then_progression_from_the_nadir():
    # 30 mm -> 18 mm at day 60 (−40 %), then regrowth to 26 mm by day 180
    d = np.where(DAYS <= 60, 30 - 12 * DAYS / 60, 18 + 8 * (DAYS - 60) / 120)
    r = recist(DAYS, d)
    # day 56: 18.8 mm (−37 %) PR; day 112: 21.47 mm, −28 % of baseline and +14 % over the nadir
    # 18.8 -> SD; day 168: 25.2 mm, +6.4 mm and +34 % over the nadir -> PD
    assert r.scans == ("PR", "SD", "PD") and r.best == "PR" and r.progression_day == 168.0
    assert r.best_change == pytest.approx(18.8 / 30 - 1)


def test_complete_response_and_no_scan():
    d = np.maximum(25.0 - DAYS, 0.1)
    assert recist(DAYS, d).best == "CR"
    short = recist(np.array([0.0, 30.0]), np.array([20.0, 10.0]))
    assert short.best == "NE" and short.scans == () and short.progression_day is None


@pytest.mark.parametrize("t, d", [([0.0], [1.0]), ([0.0, 1.0], [1.0]), ([0.0, 0.0], [1.0, 1.0]),
                                  ([0.0, 1.0], [1.0, float("nan")])])
def test_bad_courses_are_refused(t, d):
    with pytest.raises(ValueError):
        recist(np.array(t), np.array(d))


def test_a_run_frame_is_read_when_it_has_a_diameter_course():
    import pandas as pd

    from stat3sim.analysis.recist import recist_of

    frame = pd.DataFrame({"time_days": DAYS, "tumor_diameter_mm": 20.0 * 2 ** (DAYS / 300.0)})
    assert recist_of(frame) == recist(DAYS, frame["tumor_diameter_mm"].to_numpy())
    assert recist_of(frame.drop(columns="tumor_diameter_mm")) is None
    assert recist_of(frame.iloc[:1]) is None
