"""The translation table (``stat3sim drugs --translation``): each agent of the therapy claims
at its labelled regimen — free tumor concentration and target occupancy at trough and peak —
against the occupancy its mechanism needs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stat3sim.analysis import translation as tr

FIELDS = ("drug", "target", "potency_nM", "free_tumor_trough_nM", "free_tumor_peak_nM", "occupancy_trough",
          "occupancy_peak")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def quick_rows():
    r = _cli("drugs", "--translation", "--quick", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_quick_json_has_every_agent_and_field(quick_rows):
    assert [r["drug"] for r in quick_rows] == [a.drug for a in tr.AGENTS]
    for r in quick_rows:
        for f in FIELDS:
            assert f in r
        if r["regimen"] is None:  # preclinical compounds: no labelled regimen
            assert r["occupancy_trough"] is None
            continue
        assert 0 <= r["free_tumor_trough_nM"] <= r["free_tumor_peak_nM"]
        assert 0 <= r["occupancy_trough"] <= r["occupancy_peak"] <= 1
        c = r["free_tumor_trough_nM"]
        assert r["occupancy_trough"] == pytest.approx(c / (c + r["potency_nM"]))


def test_the_gap_the_issue_names(quick_rows):
    """Ruxolitinib ~1 % JAK occupancy at trough, bazedoxifene a free trough far below its µM
    potency; the antibodies saturate their targets."""
    by = {r["drug"]: r for r in quick_rows}
    assert by["ruxolitinib"]["occupancy_trough"] < 0.02
    assert by["bazedoxifene"]["free_tumor_trough_nM"] < 1.0 and by["bazedoxifene"]["potency_nM"] >= 1000
    assert by["atezolizumab"]["occupancy_trough"] > 0.99


def test_needed_exposure_is_where_the_criterion_starts_to_hold():
    """Tocilizumab's needed exposure (IL-6 rise kept ≤ 0.30 on a tumor cell) is a threshold:
    the criterion holds there and not at a third of it."""
    metric, thr, _ = tr.NEEDS["tocilizumab"]
    pot = 2.54
    c = tr._needed_conc("tocilizumab", pot)
    assert c is not None and 0.01 * pot < c < 1000 * pot
    assert metric("tocilizumab", c) <= thr < metric("tocilizumab", c / 3)


def test_effects_come_from_the_claims_halves():
    claims = [{"id": "THx-3", "mechanism": {"status": "pass", "numbers": {"trans_kept": 0.05}},
               "clinic": {"status": "pass", "numbers": {"trans_kept": 0.08}}}]
    (row,) = tr.translation_table(claims=claims, needed=False, agents=[a for a in tr.AGENTS if a.drug == "olamkicept"])
    assert (row["mechanism_effect"], row["clinic_effect"]) == (0.05, 0.08)
    assert (row["mechanism_status"], row["clinic_status"]) == ("pass", "pass")
    assert "FUTURE" in row["clinical_evidence"]


def test_figure_is_written(tmp_path, quick_rows):
    rows = [dict(r, occupancy_needed=0.9) for r in quick_rows]
    out = tmp_path / "t.png"
    tr.figure(rows, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_markdown_lists_every_agent(quick_rows):
    text = tr.markdown(quick_rows)
    assert all(f"| {r['drug']} |" in text for r in quick_rows)


def test_cli_writes_the_figure(tmp_path):
    r = _cli("drugs", "--translation", "--quick", "--json", "--plot", str(tmp_path / "t.svg"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "t.svg").read_text().lstrip().startswith("<?xml")
    assert "ruxolitinib" in [row["drug"] for row in json.loads(r.stdout)]


@pytest.mark.parametrize("args", [("drugs", "--quick"), ("drugs", "--plot", "x.png"),
                                  ("drugs", "--translation", "--plot", "x.txt")])
def test_bad_options_exit_2_and_write_nothing(tmp_path, args):
    r = subprocess.run([sys.executable, "-m", "stat3sim.cli", *args], capture_output=True, text=True, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 2, r.stderr
    assert list(tmp_path.iterdir()) == []
