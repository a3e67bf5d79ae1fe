"""The tumor-microenvironment commands: scenarios, simulate --scenario, run, export and
describe --scenario, and docs/observables.md.

Runs that simulate go through a subprocess, the way users run them; bad inputs (which
stop before any simulation) run in-process with typer's CliRunner, which is faster.
"""
from __future__ import annotations

import base64
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stat3sim.cli import app

REPO = Path(__file__).resolve().parents[1]
DOCS_OBSERVABLES = REPO / "docs" / "observables.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SHIPPED = ("tnbc", "her2", "luminal_a", "luminal_b", "adipose_coculture")


def stat3sim(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def invoke(*args: str, cwd: Path, monkeypatch) -> "object":
    """In-process run of the app (from ``cwd``): exit code, stdout and stderr kept apart."""
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(app, [str(a) for a in args])


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*"))


# ----------------------------------------------------------------- scenarios
def test_scenarios_lists_shipped(tmp_path, monkeypatch):
    r = invoke("scenarios", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    for name in SHIPPED:
        assert name in r.stdout
    assert "Triple-negative" in r.stdout
    r = invoke("scenarios", "--json", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    items = json.loads(r.stdout)
    assert {"tnbc"} <= {i["name"] for i in items}
    assert all(i["description"] and "\n" not in i["description"] for i in items)


# ------------------------------------------------------------------ bad input
def _bad_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\ndescription: my tumor\ndayz: 30\n", encoding="utf-8")
    return path


BAD_INPUTS = {
    # id: (arguments, words the one error line must contain)
    "unknown scenario": (["simulate", "--scenario", "tnbcc"], ["--scenario", "unknown scenario 'tnbcc'", "tnbc",
                                                                "luminal_a"]),
    "missing file": (["simulate", "--scenario", "nowhere.yaml"], ["--scenario", "nowhere.yaml", "no such file"]),
    "misspelt field": (["simulate", "--scenario", "BAD_YAML"], ["mine.yaml", "dayz", "did you mean 'days'",
                                                                  "allowed:", "description"]),
    "unknown lineage": (["simulate", "--scenario", "tnbc", "--knockout", "myloid:STAT3"],
                        ["--knockout", "unknown lineage 'myloid'", "did you mean 'myeloid'", "hematopoietic"]),
    "knockout without lineage": (["simulate", "--scenario", "tnbc", "--knockout", "STAT3"],
                                 ["--knockout", "lineage:GENE", "myeloid"]),
    "unknown gene": (["simulate", "--scenario", "tnbc", "--knockout", "myeloid:STAT33"],
                     ["--knockout", "'STAT33'", "STAT3", "SOCS3"]),
    "unknown parameter": (["simulate", "--scenario", "tnbc", "--set", "nope=1"],
                          ["--set", "unknown parameter 'nope'", "describe --scenario"]),
    "malformed set": (["simulate", "--scenario", "tnbc", "--set", "k_tumor_prolif"], ["--set", "PARAM=VALUE"]),
    "negative set": (["simulate", "--scenario", "tnbc", "--set", "k_tumor_prolif=-1"], ["--set", "≥ 0"]),
    "zero days": (["simulate", "--scenario", "tnbc", "--days", "0"], ["--days", "positive"]),
    "negative days": (["simulate", "--scenario", "tnbc", "--days", "-3"], ["--days", "positive"]),
    "signaling --cell": (["simulate", "--scenario", "tnbc", "--cell", "tumor"], ["--cell", "--scenario"]),
    "signaling --stimulus": (["simulate", "--scenario", "tnbc", "--stimulus", "IL6=1nM"], ["--stimulus", "--scenario"]),
    "signaling --minutes": (["simulate", "--scenario", "tnbc", "--minutes", "30"], ["--minutes", "--scenario"]),
    "signaling --gene-level": (["simulate", "--scenario", "tnbc", "--gene-level", "PTPN2=0.2"],
                               ["--gene-level", "--scenario"]),
    "days without scenario": (["simulate", "--days", "3"], ["--days", "--scenario"]),
    "set without scenario": (["simulate", "--set", "k_tumor_prolif=1"], ["--set", "--scenario"]),
    "bad out suffix": (["simulate", "--scenario", "tnbc", "--out", "x.xlsx"], ["--out", ".csv", ".parquet"]),
    "run unknown scenario": (["run", "tnbcc"], ["SCENARIO", "unknown scenario", "tnbc"]),
    "run zero days": (["run", "tnbc", "--days", "0", "--out", "res"], ["--days", "positive"]),
    "run negative days": (["run", "tnbc", "--days", "-3", "--out", "res"], ["--days", "positive"]),
    "run bad file": (["run", "BAD_YAML", "--out", "res"], ["mine.yaml", "dayz"]),
    "run out is a file": (["run", "tnbc", "--out", "AFILE"], ["--out", "not a directory"]),
    "run out under a file": (["run", "tnbc", "--out", "AFILE/sub"], ["--out", "not a directory"]),
    "run negative jobs": (["run", "tnbc", "--jobs", "-1", "--out", "res"], ["--jobs", "0 (one per CPU core)"]),
    "export unknown scenario": (["export", "--scenario", "tnbcc", "--format", "sbml"], ["--scenario", "tnbc"]),
    "export with --cell": (["export", "--scenario", "tnbc", "--cell", "tumor", "--format", "sbml"],
                           ["--cell", "--scenario"]),
    "describe bad format": (["describe", "--scenario", "tnbc", "--format", "pdf"], ["--format", "md, html"]),
    # miRNA mimics, detection threshold, niches (issue 6)
    "unknown miRNA": (["simulate", "--scenario", "tnbc", "--mimic", "tumor:miR-999", "--out", "x.csv"],
                      ["--mimic", "unknown miRNA 'miR-999'", "allowed: miR-124, miR-204, miR-211, miR-379"]),
    "mimic unknown cell": (["simulate", "--scenario", "tnbc", "--mimic", "brain:miR-124", "--out", "x.csv"],
                           ["--mimic", "unknown cell type 'brain'", "tumor, caf"]),
    "mimic cell without miRNAs": (["simulate", "--scenario", "tnbc", "--mimic", "cd8:miR-124", "--out", "x.csv"],
                                  ["--mimic", "'cd8' carries no", "tumor, caf"]),
    "mimic fold zero": (["simulate", "--scenario", "tnbc", "--mimic", "tumor:miR-124=0", "--out", "x.csv"],
                        ["--mimic", "fold must be a positive"]),
    "mimic fold negative": (["simulate", "--scenario", "tnbc", "--mimic", "tumor:miR-124=-3", "--out", "x.csv"],
                            ["--mimic", "fold must be a positive"]),
    "mimic fold text": (["simulate", "--scenario", "tnbc", "--mimic", "tumor:miR-124=ten", "--out", "x.csv"],
                        ["--mimic", "fold must be a positive number", "'ten'"]),
    "mimic malformed": (["simulate", "--scenario", "tnbc", "--mimic", "miR-124", "--out", "x.csv"],
                        ["--mimic", "cell:miRNA[=FOLD]"]),
    "mimic twice": (["simulate", "--scenario", "tnbc", "--mimic", "tumor:miR-124", "--mimic", "tumor:mir124=3"],
                    ["--mimic", "same miRNA", "once"]),
    "mimic without scenario": (["simulate", "--mimic", "tumor:miR-124"], ["--mimic", "--scenario"]),
    "bad mimic in file": (["simulate", "--scenario", "MIMIC_YAML", "--out", "x.csv"],
                          ["mimic.yaml", "comparisons[0].mimics[0]", "unknown miRNA 'miR-999'", "miR-124"]),
    "run bad mimic in file": (["run", "MIMIC_YAML", "--out", "res", "--no-claims"],
                              ["mimic.yaml", "comparisons[0].mimics[0]", "miR-999"]),
    "detect zero": (["simulate", "--scenario", "tnbc", "--detect-cells", "0", "--out", "x.csv"],
                    ["--detect-cells", "positive number of cells", "got 0"]),
    "detect negative": (["simulate", "--scenario", "tnbc", "--detect-cells", "-5", "--out", "x.csv"],
                        ["--detect-cells", "positive number of cells", "got -5"]),
    "detect nan": (["simulate", "--scenario", "tnbc", "--detect-cells", "nan", "--out", "x.csv"],
                   ["--detect-cells", "positive number of cells", "got nan"]),
    "detect and set": (["simulate", "--scenario", "tnbc", "--detect-cells", "1e7", "--set", "met_detect_cells=2e7"],
                       ["--detect-cells", "--set met_detect_cells"]),
    "detect without scenario": (["simulate", "--detect-cells", "1e7"], ["--detect-cells", "--scenario"]),
    "bad threshold in file": (["simulate", "--scenario", "THRESHOLD_YAML", "--out", "x.csv"],
                              ["threshold.yaml", "detection_threshold_cells", "must be > 0"]),
    "knockout lung niche": (["simulate", "--scenario", "tnbc", "--knockout", "lung:IL11RA", "--out", "x.csv"],
                            ["--knockout", "the lung niche has no knockable genes", "bone (IL11RA)", "host (IL6)",
                             "metastatic sites: bone, lung, liver"]),
    "knockout brain niche": (["simulate", "--scenario", "tnbc", "--knockout", "brain:IL11RA", "--out", "x.csv"],
                             ["--knockout", "unknown lineage 'brain'", "bone (IL11RA)",
                              "metastatic sites: bone, lung, liver", "'brain' is not a modelled site"]),
    "brain metastases in file": (["simulate", "--scenario", "BRAIN_YAML", "--out", "x.csv"],
                                 ["brain.yaml", "cells.mets_brain", "unknown metastatic site 'brain'",
                                  "metastatic sites: bone, lung, liver"]),
    "run brain metastases in file": (["run", "BRAIN_YAML", "--out", "res", "--no-claims"],
                                     ["brain.yaml", "cells.mets_brain", "bone, lung, liver"]),
}

#: scenario files the bad-input cases name by placeholder: placeholder -> (file name, body)
BAD_FILES = {
    "MIMIC_YAML": ("mimic.yaml", "name: mine\ndescription: a mimic\ncomparisons:\n"
                                 "  - {name: a, mimics: ['tumor:miR-999']}\n"),
    "THRESHOLD_YAML": ("threshold.yaml", "name: mine\ndescription: d\ndetection_threshold_cells: -1\n"),
    "BRAIN_YAML": ("brain.yaml", "name: mine\ndescription: brain metastases\ncells: {mets_brain: 1.0e+8}\n"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_exit_2_nothing_written(case, tmp_path, monkeypatch):
    args, words = BAD_INPUTS[case]
    bad_yaml = _bad_yaml(tmp_path)
    afile = tmp_path / "afile"
    afile.write_text("not a directory")
    placeholders = {"BAD_YAML": str(bad_yaml)}
    for key, (name, body) in BAD_FILES.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        placeholders[key] = str(tmp_path / name)
    args = [placeholders.get(a, a.replace("AFILE", "afile")) for a in args]
    before = files_under(tmp_path)
    r = invoke(*args, cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"stat3sim {args[0]}: error: "), lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert files_under(tmp_path) == before
    assert r.stdout == ""


def test_signaling_simulate_still_rejects_its_own_bad_input(tmp_path, monkeypatch):
    """The signaling options work as before next to the new ones."""
    r = invoke("simulate", "--cell", "tumour", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 2 and "--cell: unknown cell type 'tumour'" in r.stderr


# ------------------------------------------------------------------ simulate
def test_simulate_scenario_writes_csv(tmp_path):
    r = stat3sim("simulate", "--scenario", "tnbc", "--days", "5", "--knockout", "myeloid:STAT3",
                 "--set", "k_tumor_prolif=0.01", "--out", "x.csv", "--plot", "x.png", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "x.csv")
    assert list(df.columns[:2]) == ["time_days", "tumor_volume_mm3"]
    assert list(df["time_days"]) == [0, 1, 2, 3, 4, 5]
    assert (df["tumor_volume_mm3"] > 0).all()
    assert "macrophage.pSTAT3" in df.columns and df["macrophage.pSTAT3"].abs().max() < 1e-6  # knocked out
    png = (tmp_path / "x.png").read_bytes()
    assert png[:8] == PNG_SIGNATURE and len(png) > 20_000


def test_simulate_scenario_mimic_and_detection_threshold(tmp_path, monkeypatch):
    """--mimic lowers the tumor's IL-11 mRNA (miR-124 destabilises it); --detect-cells moves
    the threshold of metastatic_sites (3 days of the bone-metastasis scenario: the bone
    lesion of 1e8 cells is above the default 9e6, the young lung and liver deposits are
    above 1 cell only)."""
    base = ["simulate", "--scenario", "tnbc_bone_metastasis", "--days", "3"]
    r = invoke(*base, "--out", "wt.csv", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    r = invoke(*base, "--mimic", "tumor:miR-124=5", "--detect-cells", "1", "--out", "m.csv", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    wt, m = pd.read_csv(tmp_path / "wt.csv"), pd.read_csv(tmp_path / "m.csv")
    assert m["tumor.IL11_mRNA"].iloc[-1] < 0.8 * wt["tumor.IL11_mRNA"].iloc[-1]
    assert wt["metastatic_sites"].iloc[-1] == pytest.approx(1.0, abs=0.01)
    assert m["metastatic_sites"].iloc[-1] == pytest.approx(3.0, abs=0.01)


def test_simulate_scenario_summary_without_out(tmp_path, monkeypatch):
    """Without --out: a day-end table with units on stdout, no file (solver faked: the
    real run is tested above)."""
    from stat3sim import runs

    monkeypatch.setattr(runs, "simulate", _fake_simulate(set()))
    r = invoke("simulate", "--scenario", "tnbc", "--days", "3", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    for word in ("tumor_volume_mm3", "mm³", "serum_IL6_pg_mL", "pg/mL", "day 3", "130"):
        assert word in r.stdout, word
    assert list(tmp_path.iterdir()) == []


def test_simulate_scenario_prints_the_recist_reading(tmp_path, monkeypatch):
    """A run with a diameter course long enough for a scan ends with the primary tumor's
    RECIST 1.1 reading (solver faked: 20 mm shrinking to 13 mm over 120 days, −35 % at the
    day-56 scan: PR; −35 % still at day 112 and no 20 % regrowth: no progression)."""
    from stat3sim import runs

    def fake(scenario, arm=None, days=None, readouts=None, all_observables=False):
        t = np.arange(121.0)
        d = np.maximum(20.0 - 7.0 * t / 56.0, 13.0)
        return runs.TMERun(pd.DataFrame({"time_days": t, "tumor_diameter_mm": d}), True, "", runs.build(scenario))

    monkeypatch.setattr(runs, "simulate", fake)
    r = invoke("simulate", "--scenario", "tnbc", "--days", "120", "--out", "x.csv", cwd=tmp_path,
               monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    assert "best response PR (-35 % diameter from day 0), no progression (2 scans)" in r.stdout


def test_simulate_scenario_failure_is_exit_1(tmp_path, monkeypatch):
    from stat3sim import runs

    monkeypatch.setattr(runs, "simulate", _fake_simulate({"wild type"}))
    r = invoke("simulate", "--scenario", "tnbc", "--out", "x.csv", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    assert r.stderr.strip() == "stat3sim simulate: error: simulation failed: CVODE: too much work"
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------- run
class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.srcs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.srcs.append(a.get("src", ""))
        for key in ("src", "href"):
            v = a.get(key) or ""
            if v.startswith(("http:", "https:", "//")):
                self.external.append(v)


def test_run_writes_report_timecourses_summary(tmp_path):
    out = tmp_path / "res"
    # the therapy arms' files and report sections: test_therapy_arms_in_worker_processes_equal_a_serial_run
    # and the README's `run examples/my_tnbc_toci.yaml`
    r = stat3sim("run", "tnbc", "--days", "3", "--out", out, "--no-claims", "--no-therapy", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(out / "report.html") in r.stdout

    page = (out / "report.html").read_text(encoding="utf-8")
    parser = _Images()
    parser.feed(page)
    assert len(parser.srcs) >= 4 and not parser.external
    for src in parser.srcs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_SIGNATURE
    assert "myeloid STAT3 KO" in page
    assert sorted(p.name for p in (out / "figures").glob("*.png"))

    tc = pd.read_parquet(out / "timecourses.parquet")
    assert list(tc.columns[:3]) == ["arm", "time_days", "tumor_volume_mm3"]
    arms = list(dict.fromkeys(tc["arm"]))
    assert arms[0] == "wild type" and "tumor STAT3 KO" in arms and len(arms) == 5
    assert (tc.groupby("arm")["time_days"].max() == 3).all()
    csv = pd.read_csv(out / "timecourses.csv")
    assert csv.shape == tc.shape

    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "tnbc" and summary["days"] == 3
    assert summary["failed"] == {} and summary["claims"] is None
    first = summary["arms"][0]
    assert first["name"] == "wild type" and first["ok"]
    assert first["day_end"]["tumor_volume_mm3"] == pytest.approx(tc[tc["arm"] == "wild type"]["tumor_volume_mm3"].iloc[-1])
    assert 0 < summary["seconds"] < 300


def test_therapy_arms_in_worker_processes_equal_a_serial_run(tmp_path):
    """`stat3sim run --jobs 2` runs the therapy arms in two fresh processes; their time
    courses equal those of `--jobs 1` exactly (a run does not depend on what ran before it).
    Four of tnbc's arms (an iv antibody, a bid oral drug, a cycled combination) keep it short."""
    scenario = tmp_path / "jobs.yaml"
    scenario.write_text("name: jobs\ndescription: therapy arms in worker processes\ncomparisons:\n"
                        "  - {name: tocilizumab, therapies: ['tocilizumab 8 mg/kg iv q4w']}\n"
                        "  - {name: ruxolitinib, therapies: ['ruxolitinib 25 mg po bid']}\n"
                        "  - {name: atezolizumab + galunisertib, therapies: ['atezolizumab 1200 mg iv q3w', "
                        "'galunisertib 150 mg po bid 14d on 14d off']}\n")
    outs = {}
    for jobs in ("2", "1"):
        out = tmp_path / f"jobs{jobs}"
        r = stat3sim("run", scenario, "--days", "3", "--out", out, "--no-claims", "--jobs", jobs, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        outs[jobs] = pd.read_parquet(out / "therapy_timecourses.parquet")
        arms = [(a["name"], a["ok"], a.get("recist")) for a in json.loads((out / "summary.json").read_text())["therapy_arms"]]
        outs[jobs + "summary"] = arms
        if jobs == "2":
            assert "therapy arms in 2 processes" in r.stderr or "ruxolitinib: ok" in r.stderr
    assert len(set(outs["1"]["arm"])) == 4
    pd.testing.assert_frame_equal(outs["2"], outs["1"], check_exact=True)
    assert outs["2summary"] == outs["1summary"]


def _fake_simulate(fail_arms: set[str]):
    """runs.simulate without the solver: a 3-day frame per arm, or a failure for ``fail_arms``."""
    from stat3sim import runs

    def fake(scenario, arm=None, days=None, readouts=None, all_observables=False):
        name = arm.name if arm is not None else "wild type"
        net = runs.build(scenario, arm)
        if name in fail_arms:
            return runs.TMERun(pd.DataFrame({"time_days": []}), False, "CVODE: too much work", net)
        t = [0.0, 1.0, 2.0, 3.0]
        frame = pd.DataFrame({"time_days": t, "tumor_volume_mm3": [100.0, 110, 120, 130],
                              "CD8_count": [1e6] * 4, "MDSC_count": [1e5] * 4, "tumor.pSTAT3": [0.05] * 4,
                              "serum_IL6_pg_mL": [3.0] * 4})
        return runs.TMERun(frame, True, "", net)
    return fake


def test_run_failed_arm_is_data_and_the_job_goes_on(tmp_path, monkeypatch):
    from stat3sim import runs

    monkeypatch.setattr(runs, "simulate", _fake_simulate({"myeloid STAT3 KO"}))
    r = invoke("run", "tnbc", "--out", "res", "--no-claims", "--jobs", "1", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 0, r.stderr
    summary = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert summary["failed"] == {"myeloid STAT3 KO": "CVODE: too much work"}
    assert [a["ok"] for a in summary["arms"]] == [True, True, False, True, True]
    tc = pd.read_parquet(tmp_path / "res" / "timecourses.parquet")
    assert "myeloid STAT3 KO" not in set(tc["arm"])
    page = (tmp_path / "res" / "report.html").read_text(encoding="utf-8")
    assert "CVODE: too much work" in page


def test_run_exit_1_when_the_reference_arm_fails(tmp_path, monkeypatch):
    from stat3sim import runs
    import stat3sim.report.html as report_html

    monkeypatch.setattr(runs, "simulate", _fake_simulate({"wild type"}))
    written = {}

    def fake_report(out_dir, **kw):  # the report itself is tested above; keep this test fast
        written.update(kw)
        (Path(out_dir) / "report.html").write_text("report")
        return Path(out_dir) / "report.html"
    monkeypatch.setattr(report_html, "write_report", fake_report)
    r = invoke("run", "tnbc", "--out", "res", "--no-claims", "--jobs", "1", cwd=tmp_path, monkeypatch=monkeypatch)
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines()[-1].startswith("stat3sim run: error: the reference arm 'wild type' failed")
    assert written["scenario"]["failed"] == {"wild type": "CVODE: too much work"}
    assert len(written["parameters"]) > 100  # still documented from the wild-type network
    summary = json.loads((tmp_path / "res" / "summary.json").read_text())
    assert not summary["arms"][0]["ok"] and all(a["ok"] for a in summary["arms"][1:])


# ------------------------------------------------------------ export/describe
def test_export_scenario_sbml_is_valid(tmp_path):
    from stat3sim.engine.sbml import validation_errors

    r = stat3sim("export", "--scenario", "tnbc", "--format", "sbml", "--out", "tnbc.xml", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "tnbc.xml").read_text()
    assert "<sbml" in text and "tumor_volume" in text
    assert validation_errors(text) == []


def test_describe_scenario_lists_parameters_with_sources(tmp_path):
    r = stat3sim("describe", "--scenario", "tnbc", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = r.stdout
    for heading in ("## Arms", "## Parameters", "## Modifiers", "## Populations", "## Aggregates", "## Observables"):
        assert heading in text, heading
    row = next(line for line in text.splitlines() if line.startswith("| `k_kill` |"))
    assert "Robertson-Tessi" in row  # the parameter's source
    assert any(line.startswith("| `K_tumor` |") and line.rstrip().endswith("| assumed |")
               for line in text.splitlines())
    assert "| `tumor_killing` |" in text  # a modifier
    assert "| `cell_volume_pL` |" in text  # an aggregate


# ----------------------------------------------------------------------- docs
def test_docs_observables_md_is_current():
    """docs/observables.md is what `make docs` writes now."""
    from stat3sim.report.observables import observables_markdown, tnbc_network

    assert DOCS_OBSERVABLES.exists(), "docs/observables.md is missing; run `make docs`"
    net = tnbc_network()
    current = observables_markdown(net)
    assert DOCS_OBSERVABLES.read_text(encoding="utf-8") == current, "docs/observables.md is out of date; run `make docs`"
    for o in net.observables:
        assert f"| `{o.name}` |" in current, o.name
    for heading in ("## Tumor", "## Immune and stromal composition", "## Cytokines and mediators",
                    "## pSTAT3 per cell type"):
        assert heading in current
