"""The ``stat3sim`` command, run as a subprocess the way users run it."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import reference_models_dir
from stat3sim.engine.sbml import validation_errors

REPO = Path(__file__).resolve().parents[1]
REFERENCE_MODELS = reference_models_dir()
SOBOTTA = REFERENCE_MODELS / "sobotta2017_il6_jak1_stat3_hepatocyte_MODEL2307050001.xml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: readouts the CSV of the built-in model must have (review: pSTAT3, SOCS3 feedback,
#: NF-κB loop, FSCN1 needing both, total STAT3 conservation, target genes)
REQUIRED = ["tumor.pSTAT3", "tumor.SOCS3_mRNA", "tumor.NFkB", "tumor.FSCN1", "tumor.STAT3_total",
            "tumor.MYC", "tumor.VEGFA", "tumor.CXCR4", "tumor.BCL2L1", "tumor.CD274", "tumor.SNAI1",
            "tumor.TWIST1", "tumor.VIM", "tumor.CDH2", "tumor.CDH1", "tumor.PTEN"]


def stat3sim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stat3sim.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=180)


# a two-species SBML model with an exact solution: A -> (nothing) at rate k*A
DECAY_SBML = """<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="decay">
    <listOfCompartments><compartment id="c" size="1" spatialDimensions="3" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false"
               boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.1" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="decay" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw><math xmlns="http://www.w3.org/1998/Math/MathML">
          <apply><times/><ci> c </ci><ci> k </ci><ci> A </ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
  </model>
</sbml>
"""

# dA/dt = A^2 from A(0) = 1 blows up at t = 1: the solver must fail
BLOWUP_SBML = DECAY_SBML.replace(
    "<apply><times/><ci> c </ci><ci> k </ci><ci> A </ci></apply>",
    "<apply><times/><cn> -1 </cn><ci> c </ci><ci> A </ci><ci> A </ci></apply>")


# ----------------------------------------------------------------- simulate
def test_simulate_writes_csv_and_png(tmp_path):
    out, fig = tmp_path / "il6.csv", tmp_path / "il6.png"
    r = stat3sim("simulate", "--cell", "tumor", "--stimulus", "IL6=1nM", "--minutes", "90",
                 "--out", out, "--plot", fig, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert df.columns[0] == "time_min"
    missing = [c for c in REQUIRED if c not in df.columns]
    assert not missing, missing
    assert len(df) == 91  # one row per minute, both ends included
    assert df["time_min"].iloc[0] == 0 and df["time_min"].iloc[-1] == pytest.approx(90)
    p = df["tumor.pSTAT3"]
    assert p.max() > 5 * p.iloc[0]  # IL-6 activates STAT3
    # every column is a number of the model; no helper column sneaks in
    assert all(c == "time_min" or c.startswith("tumor.") for c in df.columns)
    data = fig.read_bytes()
    assert data[:8] == PNG_SIGNATURE and len(data) > 20_000


def test_simulate_without_out_prints_summary(tmp_path):
    r = stat3sim("simulate", "--stimulus", "IL6=1nM", "--minutes", "30", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for readout in ("tumor.pSTAT3", "tumor.SOCS3_mRNA", "tumor.NFkB", "peak"):
        assert readout in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_simulate_mass_units_and_knockout(tmp_path):
    """21 ng/mL of 21 kDa IL-6 is 1 nM; a SOCS3 knock-out has no SOCS3 mRNA."""
    out = tmp_path / "ko.csv"
    r = stat3sim("simulate", "--stimulus", "IL6=21ng/mL", "--knockout", "socs3", "--minutes", "30",
                 "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert df["tumor.SOCS3_mRNA"].abs().max() < 1e-9
    assert df["tumor.pSTAT3"].max() > 5 * df["tumor.pSTAT3"].iloc[0]


def test_sbml_without_steady_state_warns_and_runs(tmp_path):
    """A model that never settles (constant production, no loss) is still run; stderr says so."""
    growing = DECAY_SBML.replace("<apply><times/><ci> c </ci><ci> k </ci><ci> A </ci></apply>",
                                 "<apply><times/><ci> c </ci><ci> k </ci></apply>")
    growing = growing.replace('<listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>',
                              '<listOfProducts><speciesReference species="A" stoichiometry="1" constant="true"/></listOfProducts>')
    (tmp_path / "grow.xml").write_text(growing)
    r = stat3sim("simulate", "--sbml", "grow.xml", "--minutes", "10", "--out", "g.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "no steady state" in r.stderr
    assert (tmp_path / "g.csv").exists()


def test_scheduled_second_dose(tmp_path):
    """IL6=1nM@120 adds a second dose at 120 min: medium IL-6 jumps there, and the
    SOCS3-desensitised cell answers with a smaller second peak."""
    r = stat3sim("simulate", "--stimulus", "IL6=1nM", "--stimulus", "IL6=1nM@120", "--out", "two.csv", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "two.csv").set_index("time_min")
    p = df["tumor.pSTAT3"]
    assert p.loc[130:200].max() > p.loc[110:120].min()
    assert p.loc[130:200].max() < p.loc[0:60].max()


def test_gene_level_knockdown_raises_the_peak(tmp_path):
    """--gene-level scales a gene: phosphatase knock-down raises peak pSTAT3 (SIG-6)."""
    for name, extra in (("wt.csv", []), ("kd.csv", ["-g", "PTPN2=0.2", "-g", "PTPN6=0.2", "-g", "ptpn11=0.2"])):
        r = stat3sim("simulate", "--stimulus", "IL6=1nM", *extra, "--out", name, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
    wt, kd = (pd.read_csv(tmp_path / n)["tumor.pSTAT3"].max() for n in ("wt.csv", "kd.csv"))
    assert kd >= 1.3 * wt


# ------------------------------------------------------------- bad inputs
BAD_INPUTS = [
    # (arguments, option named in the message, a value the message must list)
    (["simulate", "--stimulus", "IL6=1mM"], "--stimulus", "ng/mL"),
    (["simulate", "--stimulus", "IL6=1"], "--stimulus", "nM"),
    (["simulate", "--stimulus", "IL7=1nM"], "--stimulus", "IL11"),
    (["simulate", "--stimulus", "IL6=-1nM"], "--stimulus", None),
    (["simulate", "--stimulus", "IL6"], "--stimulus", "NAME=VALUE"),
    (["simulate", "--stimulus", "IL6=lots"], "--stimulus", "NAME=VALUE"),
    (["simulate", "--stimulus", "=1nM"], "--stimulus", "NAME=VALUE"),
    (["simulate", "--stimulus", "IL6=1nM", "--knockout", "NOTAGENE"], "--knockout", "SOCS3"),
    (["simulate", "--cell", "liver"], "--cell", "tumor"),
    (["simulate", "--stimulus", "IL6=1nM@soon"], "--stimulus", "NAME=VALUE@MINUTES"),
    (["simulate", "--stimulus", "IL6=1nM@-5"], "--stimulus", None),
    (["simulate", "--stimulus", "IL6=1nM", "--gene-level", "NOTAGENE=2"], "--gene-level", "JAK2"),
    (["simulate", "--stimulus", "IL6=1nM", "--gene-level", "JAK2=-1"], "--gene-level", None),
    (["simulate", "--stimulus", "IL6=1nM", "--gene-level", "JAK2"], "--gene-level", "GENE=FACTOR"),
    (["simulate", "--minutes", "0"], "--minutes", None),
    (["simulate", "--minutes", "-10"], "--minutes", None),
    (["simulate", "--minutes", "soon"], "--minutes", None),
    (["simulate", "--sbml", "no_such_model.xml"], "--sbml", None),
    (["simulate", "--plot", "figure.gif"], "--plot", ".png"),
    (["export", "--format", "json"], "--format", "antimony"),
    (["export", "--format", "sbml", "--cell", "liver"], "--cell", "tumor"),
    (["describe", "--format", "pdf"], "--format", "html"),
    (["describe", "--cell", "liver"], "--cell", "hepatocyte"),
    (["validate", "--area", "nowhere"], "--area", "signaling"),
]


@pytest.mark.parametrize("args, option, allowed", BAD_INPUTS, ids=[" ".join(a) for a, _, _ in BAD_INPUTS])
def test_bad_input_exit_2_one_line_no_file(tmp_path, args, option, allowed):
    out_name = {"simulate": "out.csv", "export": "out.xml", "describe": "out.md"}.get(args[0])
    extra = ["--out", tmp_path / out_name] if out_name and "--plot" not in args else []
    if "--plot" in args:
        args = [a if a != "figure.gif" else str(tmp_path / a) for a in args]
    r = stat3sim(*args, *extra, cwd=tmp_path)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert option in lines[0]
    if allowed:
        assert allowed in lines[0]
    assert "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == [], "a bad input must not write a file"


def test_sbml_bad_stimulus_lists_the_models_names(tmp_path):
    model = tmp_path / "decay.xml"
    model.write_text(DECAY_SBML)
    r = stat3sim("simulate", "--sbml", model, "--stimulus", "B=1", "--out", tmp_path / "o.csv", cwd=tmp_path)
    assert r.returncode == 2
    line, = r.stderr.strip().splitlines()
    assert "--stimulus" in line and "A" in line and "k" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decay.xml"]


def test_numerical_failure_exit_1_no_file(tmp_path):
    model = tmp_path / "blowup.xml"
    model.write_text(BLOWUP_SBML)
    r = stat3sim("simulate", "--sbml", model, "--no-presimulate", "--minutes", "5",
                 "--out", tmp_path / "o.csv", "--plot", tmp_path / "o.png", cwd=tmp_path)
    assert r.returncode == 1, (r.stdout, r.stderr)
    line, = r.stderr.strip().splitlines()
    assert "simulation failed" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blowup.xml"]


# --------------------------------------------------------------- SBML mode
def test_sbml_mode_exact_decay(tmp_path):
    """Pre-simulation empties A; the species stimulus adds 5; the parameter stimulus sets
    k = 0.5 before the run: A(t) = 5 exp(-0.5 t)."""
    model, out = tmp_path / "decay.xml", tmp_path / "decay.csv"
    model.write_text(DECAY_SBML)
    r = stat3sim("simulate", "--sbml", model, "--stimulus", "A=5", "--stimulus", "k=0.5", "--minutes", "4",
                 "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert list(df.columns) == ["time_min", "A"]
    assert len(df) == 5
    for t, a in zip(df["time_min"], df["A"]):
        assert a == pytest.approx(5 * math.exp(-0.5 * t), rel=1e-5)
    # without pre-simulation A starts from its initial value 1 (plus 5)
    r = stat3sim("simulate", "--sbml", model, "--stimulus", "A=5", "--no-presimulate", "--minutes", "2",
                 "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert pd.read_csv(out)["A"].iloc[0] == pytest.approx(6.0)


@pytest.mark.skipif(not SOBOTTA.exists(), reason="shared/reference-models is not present")
def test_sobotta2017_pstat3_peak(tmp_path):
    """Sobotta et al. 2017 (MODEL2307050001) through `simulate --sbml`. Its input is the
    parameter var_il6 (IL6 = var_il6 for t ≥ 0, an assignment rule); its initial state is
    already the unstimulated steady state, and the rule keeps IL-6 on from t = 0, so it is
    run without pre-simulation; input_rux1 = 0 removes the ruxolitinib dose at t = 0.
    pSTAT3 is tpSTAT3 (all phosphorylated STAT3). FACTS: peak ~16 min at IL-6 = 40."""
    out = tmp_path / "sobotta.csv"
    r = stat3sim("simulate", "--sbml", SOBOTTA, "--stimulus", "var_il6=40", "--stimulus", "input_rux1=0",
                 "--no-presimulate", "--minutes", "120", "--out", out, "--plot", tmp_path / "sobotta.png",
                 cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(out)
    assert df.columns[0] == "time_min" and "tpSTAT3" in df.columns and "SOCS3RNA" in df.columns
    t_peak = float(df["time_min"].iloc[df["tpSTAT3"].idxmax()])
    assert 10 <= t_peak <= 30, t_peak
    assert df["tpSTAT3"].max() > 5 * df["tpSTAT3"].iloc[0]  # FACTS: ~18x baseline
    assert (tmp_path / "sobotta.png").read_bytes()[:8] == PNG_SIGNATURE


# ------------------------------------------------------------------ export
def test_export_sbml_valid(tmp_path):
    out = tmp_path / "tumor.xml"
    r = stat3sim("export", "--format", "sbml", "--out", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert validation_errors(text) == []
    assert "tumor__STAT3_pY705_dimer_nuc" in text


def test_export_antimony(tmp_path):
    out = tmp_path / "tumor.ant"
    r = stat3sim("export", "--format", "antimony", "--out", out, "--cell", "tumor", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert text.strip() and "model" in text and "tumor__STAT3_pY705_dimer_nuc" in text


# ---------------------------------------------------------------- validate
def test_validate_json(tmp_path):
    r = stat3sim("validate", "--area", "signaling", "--json", cwd=tmp_path)
    assert r.returncode in (0, 1), r.stderr
    claims = json.loads(r.stdout)  # stdout is only the JSON list
    assert isinstance(claims, list) and claims
    for c in claims:
        assert {"id", "area", "statement", "refs", "expected", "observed", "passed"} <= set(c)
        assert c["area"] == "signaling"
        assert isinstance(c["passed"], bool)
    # exit code 1 exactly when a claim fails
    assert r.returncode == (0 if all(c["passed"] for c in claims) else 1)


# ---------------------------------------------------------------- describe
def test_describe_md_and_html(tmp_path):
    from stat3sim.model import signaling_network
    from stat3sim.report.describe import describe

    md, page = tmp_path / "model.md", tmp_path / "model.html"
    r = stat3sim("describe", "--cell", "tumor", "--format", "md", "--out", md, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    text = md.read_text(encoding="utf-8")
    assert text == describe(signaling_network("tumor"), "md", cell="tumor")
    for heading in ("## Compartments", "## Species", "## Reactions", "## Parameters", "## Observables",
                    "## Knockable genes"):
        assert heading in text
    r = stat3sim("describe", "--cell", "caf", "--format", "html", "--out", page, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html and html.rstrip().endswith("</html>")
    assert "caf__STAT3_pY705_dimer_nuc" in html and "<table>" in html


def test_plot_suffixes_match_figure_formats():
    from stat3sim.cli import PLOT_SUFFIXES
    from stat3sim.report.figures import FIGURE_FORMATS

    assert PLOT_SUFFIXES == tuple("." + f for f in FIGURE_FORMATS)
