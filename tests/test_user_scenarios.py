"""User scenarios in `run` are first-class: a comparison with `therapies:` is a treated arm,
beside the standard arms (unless --no-standard-arms), with the drug-concentration figure,
the RECIST 1.1 best response and the therapy table that tnbc's shipped therapy arms get.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim import runs
from stat3sim.cli import app
from stat3sim.scenarios import ScenarioError, load_scenario

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "my_tnbc_toci.yaml"
STANDARD = ["wild type", *runs.STANDARD_ARM_NAMES]


def stat3sim(*args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def _yaml(tmp_path: Path, name: str, body: str, days: float = 30) -> str:
    """A scenario file's path (as a string, as a person passes it)."""
    f = tmp_path / f"{name}.yaml"
    f.write_text(f"name: {name}\nsubtype: tnbc\ndays: {days}\n" + body, encoding="utf-8")
    return str(f)


def test_treated_comparisons_keep_the_standard_arms(tmp_path):
    sc = load_scenario(_yaml(tmp_path, "mine", "comparisons:\n"
                                                "  - {name: toci, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n"
                                                "  - {name: toci KO, knockouts: [myeloid:STAT3],"
                                                " therapies: ['tocilizumab 8 mg/kg iv q4w']}\n"))
    assert [a.name for a in runs.standard_arms(sc)] == STANDARD
    assert [a.name for a in runs.standard_arms(sc, standard=False)] == ["wild type"]
    th = runs.therapy_arms(sc)
    assert [a.name for a in th] == ["no treatment", "toci", "toci KO"]
    assert th[0].therapies == [] and th[2].knockouts == ["myeloid:STAT3"]


def test_untreated_comparisons_take_the_standard_arms_place(tmp_path):
    sc = load_scenario(_yaml(tmp_path, "mine", "comparisons:\n  - {name: no CD4, depletions: [cd4]}\n"
                                                "  - {name: toci, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n"))
    assert [a.name for a in runs.standard_arms(sc)] == ["wild type", "no CD4"]
    assert [a.name for a in runs.therapy_arms(sc)] == ["no treatment", "toci"]
    # `comparisons: []` asks for the wild type alone
    assert [a.name for a in runs.standard_arms(load_scenario(_yaml(tmp_path, "none", "comparisons: []\n")))] \
        == ["wild type"]
    # shipped scenarios keep their comparisons as they are
    bone = load_scenario("tnbc_bone_metastasis")
    assert [a.name for a in runs.standard_arms(bone)] == ["wild type", *(a.name for a in bone.comparisons)]
    assert runs.therapy_arms(bone) == []


def test_a_tnbc_file_adds_its_own_treated_arms_to_the_shipped_ones(tmp_path):
    sc = load_scenario(_yaml(tmp_path, "tnbc", "comparisons:\n"
                                                "  - {name: tocilizumab, therapies: ['tocilizumab 4 mg/kg iv q4w']}\n"
                                                "  - {name: toci low, therapies: ['tocilizumab 2 mg/kg iv q4w']}\n"))
    names = [a.name for a in runs.therapy_arms(sc)]
    shipped = [n for n, _, _ in runs.THERAPY_ARMS["tnbc"]]
    assert names == [n for n in shipped if n != "tocilizumab"] + ["tocilizumab", "toci low"]
    assert next(a for a in runs.therapy_arms(sc) if a.name == "tocilizumab").therapies == ["tocilizumab 4 mg/kg iv q4w"]


@pytest.mark.parametrize("name", ["wild type", "No Treatment"])
def test_reference_names_are_reserved(tmp_path, name):
    f = _yaml(tmp_path, "mine", f"comparisons:\n  - {{name: {name}, knockouts: [tumor:STAT3]}}\n")
    with pytest.raises(ScenarioError) as e:
        load_scenario(f)
    assert "comparisons" in e.value.field and "reference arm" in e.value.message


def test_user_scenario_treated_arms_get_figures_and_recist(tmp_path):
    """The shipped example for 56 days (one 8-weekly scan): the standard arms, then the treated
    arms with the drug-concentration figure, the therapy table with the best response, and
    the RECIST reading in summary.json and on the console."""
    r = stat3sim("run", EXAMPLE, "--days", "56", "--no-claims", "--jobs", "1", "--out", "res", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    out = tmp_path / "res"
    assert list(pd.read_csv(out / "timecourses.csv")["arm"].unique()) == STANDARD
    th = pd.read_csv(out / "therapy_timecourses.csv")
    names = ["no treatment", "tocilizumab 8 mg/kg", "tocilizumab 4 mg/kg", "tocilizumab + myeloid STAT3 KO"]
    assert list(th["arm"].unique()) == names
    assert "tocilizumab_plasma_ug_mL" in th.columns
    s = json.loads((out / "summary.json").read_text())
    assert [a["name"] for a in s["therapy_arms"]] == names
    for a in s["therapy_arms"]:
        assert a["ok"] and a["recist"]["best_response"] in ("CR", "PR", "SD", "PD") and a["recist"]["scans"]
    assert s["therapy_arms"][1]["therapies"] == ["tocilizumab 8 mg/kg iv q4w"]
    # treated arms do what they say: the label dose shrinks the tumor against no treatment
    assert s["therapy_arms"][1]["day_end"]["tumor_volume_mm3"] < s["therapy_arms"][0]["day_end"]["tumor_volume_mm3"]
    assert s["translation"] is None  # the translation table belongs to tnbc's shipped therapy arms
    for fig in ("therapy_arms.png", "drug_concentrations.png"):
        assert (out / "figures" / fig).is_file(), fig
    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="therapy"' in html and "best response (RECIST 1.1)" in html and "Drug concentrations" in html
    for n in names[1:]:
        assert re.search(rf"{re.escape(n)}: ok, best response (CR|PR|SD|PD)", r.stderr), n
    assert "therapy arms: 4 of 4 ran" in r.stdout


def test_no_standard_arms(tmp_path):
    f = _yaml(tmp_path, "mine", "comparisons:\n  - {name: toci, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n", days=7)
    r = stat3sim("run", f, "--no-standard-arms", "--no-claims", "--jobs", "1", "--out", "res", cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert list(pd.read_csv(tmp_path / "res" / "timecourses.csv")["arm"].unique()) == ["wild type"]
    assert list(pd.read_csv(tmp_path / "res" / "therapy_timecourses.csv")["arm"].unique()) == ["no treatment", "toci"]
    s = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert s["provenance"]["options"]["standard_arms"] is False


def test_reserved_name_in_run_is_exit_2(tmp_path, monkeypatch):
    f = _yaml(tmp_path, "mine", "comparisons:\n  - {name: no treatment, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["run", f, "--no-claims", "--out", "res"])
    assert r.exit_code == 2, (r.stdout, r.stderr)
    assert "reference arm" in r.stderr and not (tmp_path / "res").exists()


def test_documented_scenario_file_loads(tmp_path):
    """The example file of docs/tme.md's scenario section (with a treated comparison) is valid."""
    from stat3sim.cli.tme import load_checked

    text = (REPO / "docs" / "tme.md").read_text(encoding="utf-8")
    block = re.search(r"## Scenarios.*?```yaml\n(.*?)```", text, re.S).group(1)
    assert "therapies:" in block.split("comparisons:")[1]
    f = tmp_path / "doc.yaml"
    f.write_text(block, encoding="utf-8")
    sc = load_checked(str(f), "SCENARIO")
    assert [a.name for a in runs.therapy_arms(sc)][1:] == ["siltuximab", "siltuximab_no_adipocytes"]
    assert [a.name for a in runs.standard_arms(sc)] == ["wild type", "no_adipocytes", "adipocyte_IL6_KO"]
