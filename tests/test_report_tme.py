"""The TME figures and the self-contained HTML report, on synthetic time courses."""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from stat3sim.report import tme_figures as tf
from stat3sim.report.html import write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CELLS = ("tumor", "adipocyte", "macrophage", "neutrophil", "mdsc", "dc", "cd8", "cd4")
MISSING = "neutrophil.pSTAT3"  # a column no arm has


def _logistic(t, lo, hi, rate, mid):
    return lo + (hi - lo) / (1.0 + np.exp(-rate * (t - mid)))


def synthetic_arm(days: int, growth: float, stat3: float, il6: float, cd8: float) -> pd.DataFrame:
    """A time course with the columns of the data contract, from exponential and
    logistic curves; ``growth`` scales tumor growth, ``stat3`` STAT3 activity, ``il6``
    IL-6, ``cd8`` CD8⁺ infiltration."""
    t = np.arange(days + 1, dtype=float)
    vol = 20.0 * np.exp(0.06 * growth * t) / (1 + 20.0 * (np.exp(0.06 * growth * t) - 1) / 3000.0)
    d = {"time_days": t, "tumor_volume_mm3": vol, "tumor_diameter_mm": 2 * (3 * vol / (4 * np.pi)) ** (1 / 3),
         "tumor_cells": vol * 1e6}
    for i, cell in enumerate(CELLS):
        d[f"{cell}.pSTAT3"] = stat3 * _logistic(t, 0.05 + 0.02 * i, 0.25 + 0.05 * i, 0.15, 15 + 2 * i)
    d.update({
        "tumor.EMT_index": _logistic(t, 0.05, 0.6 * stat3, 0.2, 20), "tumor.invasion": 2 * stat3 * t / days,
        "tumor.PDL1": 1 + stat3 * _logistic(t, 0, 2, 0.2, 25),
        "M2_fraction": _logistic(t, 0.2, 0.3 + 0.5 * stat3, 0.15, 18),
        "macrophage_count": 1e4 * np.exp(0.04 * t), "MDSC_count": 2e3 * np.exp(0.05 * stat3 * t),
        "neutrophil_count": 5e3 * np.exp(0.02 * t), "CD8_count": cd8 * 3e3 * np.exp(-0.01 * t) + 1,
        "CD8_exhausted_fraction": _logistic(t, 0.1, 0.7, 0.1, 30), "CD4_count": 4e3 * np.exp(0.01 * t),
        "Th17_fraction": _logistic(t, 0.02, 0.15, 0.1, 30),
        "DC_mature_fraction": _logistic(t, 0.5, 0.2, 0.1, 20), "adipocyte_count": np.full_like(t, 5e4),
        "serum_IL6_pg_mL": il6 * (2 + 0.8 * t), "serum_IL11_pg_mL": 10 + 3 * t,
        "serum_TNFa_pg_mL": 1.5 + 0.1 * t, "tumor_IL6_pg_mL": il6 * (50 + 20 * t),
        "tumor_IL11_pg_mL": 100 + 10 * t, "tumor_TNFa_pg_mL": 20 + t,
        "macrophage.COX2": 1 + stat3 * t / days, "PGE2_nM": 0.5 + stat3 * t / days,
        "extra_column": np.zeros_like(t),  # not in the contract: ignored
    })
    return pd.DataFrame(d).drop(columns=[MISSING])


def synthetic_inputs(days: int = 60) -> dict:
    """Keyword arguments of :func:`write_report`: five arms, one of them failed."""
    arms = {
        "wild type": synthetic_arm(days, 1.0, 1.0, 1.0, 1.0),
        "tumor STAT3 KO": synthetic_arm(days, 0.6, 0.15, 0.7, 2.0),
        "myeloid STAT3 KO": synthetic_arm(days, 0.8, 0.6, 0.8, 1.6),
        "hematopoietic STAT3 KO": synthetic_arm(days, 0.7, 0.5, 0.6, 1.8)[:12],  # stopped early
        "IL-6 KO": synthetic_arm(days, 0.85, 0.7, 0.0, 1.2),
    }
    failed = {"hematopoietic STAT3 KO": "CVODE error: the corrector convergence test failed repeatedly "
                                        "at t = 11.3 <days>"}
    cols = [c for c in arms["wild type"].columns if c != "time_days"]
    observables = {c: (tf.DEFAULT_UNITS.get(c, "au"), f"synthetic readout {c}") for c in cols}
    parameters = pd.DataFrame({
        "id": [f"k_{i}" for i in range(300)],
        "value": np.geomspace(1e-4, 1e4, 300),
        "unit": ["1/day"] * 300,
        "source": ["assumed" if i % 3 == 0 else f"Ref. {i} <measured & fitted>" for i in range(300)],
        "description": [f"rate constant {i}" for i in range(300)],
    })
    claims = [
        {"id": "TME-1", "statement": "Tumor STAT3 knock-out slows tumor growth", "refs": [92, 100],
         "expected": "day-60 volume < 0.8 × wild type", "observed": {"volume_ratio": 0.41}, "passed": True},
        {"id": "TME-2", "statement": "IL-6 knock-out lowers serum IL-6 <below detection>", "refs": [12],
         "expected": "serum IL-6 < 1 pg/mL", "observed": {"serum_IL6": 0.0}, "passed": True},
        {"id": "TME-3", "statement": "Myeloid STAT3 knock-out restores CD8⁺ infiltration", "refs": [55, 56],
         "expected": "CD8 ≥ 2 × wild type", "observed": {"cd8_ratio": 1.6, "mdsc_ratio": 0.7}, "passed": False},
        {"id": "TME-4", "statement": "Hematopoietic knock-out reduces MDSC", "refs": [],
         "expected": "MDSC < wild type", "observed": {}, "passed": False,
         "error": "arm 'hematopoietic STAT3 KO' failed"},
    ]
    serum_ranges = {"serum_IL6_pg_mL": (1.0, 50.0, "Knüpfer & Preiss 2007, breast cancer patients"),
                    "serum_IL11_pg_mL": (5.0, 300.0, "Ren et al. 2014"),
                    "serum_TNFa_pg_mL": (2.0, 20.0, "Berberoglu et al. 2004")}
    scenario = {"name": "tme_basic <synthetic>", "description": "Synthetic scenario for the report test & docs.",
                "subtype": "TNBC", "days": days, "failed": failed}
    return dict(scenario=scenario, arms=arms, observables=observables, parameters=parameters, claims=claims,
                serum_ranges=serum_ranges)


class _Page(HTMLParser):
    """Collects images, links, tables (rows of cell texts) and details elements."""

    def __init__(self):
        super().__init__()
        self.imgs: list[str] = []
        self.urls: list[str] = []
        self.tables: list[dict] = []
        self.details = 0
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key):
                self.urls.append(a[key])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        elif tag == "table":
            self.tables.append({"class": a.get("class", ""), "headers": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "details":
            self.details += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            t = self.tables[-1]
            (t["rows"] if t["headers"] else t["headers"]).append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def table(self, cls: str) -> dict:
        return next(t for t in self.tables if cls in t["class"].split())


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    inputs = synthetic_inputs()
    out = tmp_path_factory.mktemp("report")
    path = write_report(out, **inputs)
    text = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    return inputs, out, path, text, page


def test_report_file_and_figures_written(report):
    _, out, path, _, page = report
    assert path == out / "report.html" and path.is_file()
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) >= 5
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in pngs)
    assert not list(out.rglob("*.tmp"))  # atomic writes leave no temporaries


def test_every_figure_embedded_as_png(report):
    _, out, _, _, page = report
    assert len(page.imgs) >= 5
    embedded = []
    for src in page.imgs:
        assert src.startswith("data:image/png;base64,")
        data = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert data.startswith(PNG_SIGNATURE)
        embedded.append(data)
    # the files in figures/ are the embedded images
    assert sorted(embedded) == sorted(p.read_bytes() for p in (out / "figures").glob("*.png"))


def test_self_contained(report):
    _, _, _, text, page = report
    assert all(u.startswith(("data:", "#")) for u in page.urls), [u for u in page.urls if not u.startswith("data:")][:5]
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert "<link" not in text and "<script" not in text and "@import" not in text


def test_claims_table_one_row_per_claim(report):
    inputs, _, _, _, page = report
    t = page.table("claims")
    assert t["headers"][0] == ["id", "statement", "refs", "expected", "observed", "result"]
    assert [r[0] for r in t["rows"]] == [c["id"] for c in inputs["claims"]]
    for row, claim in zip(t["rows"], inputs["claims"]):
        assert row[-1].startswith("PASS" if claim["passed"] else "FAIL")
    assert "cd8_ratio = 1.6" in t["rows"][2][4]
    assert "92, 100" == t["rows"][0][2]


def test_parameters_table_collapsible_with_assumed_marked(report):
    inputs, _, _, text, page = report
    t = page.table("parameters")
    assert len(t["rows"]) == len(inputs["parameters"])
    assert page.details >= 1
    n_assumed = int((inputs["parameters"]["source"] == "assumed").sum())
    assert text.count('<tr class="assumed">') == n_assumed


def test_text_escaped_and_failed_arm_listed(report):
    inputs, _, _, text, page = report
    assert "<synthetic>" not in text and "&lt;synthetic&gt;" in text
    assert "&lt;measured &amp; fitted&gt;" in text
    assert "corrector convergence test failed" in text
    readouts = page.table("readouts")
    header = readouts["headers"][0]
    assert any("hematopoietic STAT3 KO (failed)" in h for h in header)
    col = next(i for i, h in enumerate(header) if "(failed)" in h)
    assert all(r[col] == "—" for r in readouts["rows"])


def test_serum_table_has_ranges_and_model_values(report):
    inputs, _, _, _, page = report
    t = page.table("serum")
    assert [r[0].split()[0] for r in t["rows"]] == list(inputs["serum_ranges"])
    header = t["headers"][0]
    il6 = dict(zip(header, t["rows"][0]))
    assert il6["literature range"] == "1 – 50" and "Knüpfer" in il6["source"]
    assert il6["wild type (day end)"] == "50 (in range)"  # 2 + 0.8 * 60
    assert il6["IL-6 KO (day end)"] == "0 (below)"
    assert not any("hematopoietic" in h for h in header)  # failed arm left out


# ------------------------------------------------------------------ figures
def test_main_figure_has_four_panels():
    inputs = synthetic_inputs()
    fig = tf.main_figure(inputs["arms"], inputs["serum_ranges"])
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 4
    assert all(ax.has_data() for ax in fig.axes)


def test_panels_take_and_return_axes_and_skip_missing_columns():
    inputs = synthetic_inputs(days=30)
    arms = inputs["arms"]
    fig = Figure()
    ax = fig.add_subplot()
    assert tf.signaling_by_cell(arms, ax) is ax
    assert len(ax.get_lines()) == len(CELLS) - 1  # neutrophil.pSTAT3 is missing
    assert "pSTAT3 index" in ax.get_ylabel() and "days" in ax.get_xlabel()
    ax = Figure().add_subplot()
    assert tf.tumor_growth(arms, ax) is ax
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(arms)
    assert ax.get_yscale() == "log" and "mm³" in ax.get_ylabel()
    ax = Figure().add_subplot()
    assert tf.serum_cytokines(arms, inputs["serum_ranges"], ax) is ax
    assert ax.get_yscale() == "log" and "pg/mL" in ax.get_ylabel()
    assert sum("literature range" in t.get_text() for t in ax.get_legend().get_texts()) == 3
    ax = Figure().add_subplot()
    assert tf.arm_summary(arms, ax) is ax
    assert len(ax.patches) == 3 * (len(arms) - 1)
    a, b = tf.composition(arms)
    assert a.get_yscale() == "log" and len(a.get_lines()) == 5 and len(b.get_lines()) == 4


def test_panels_with_nothing_to_draw_say_so():
    ax = tf.tumor_growth({"wild type": pd.DataFrame({"time_days": [0.0, 1.0]})}, Figure().add_subplot())
    assert not ax.has_data() and any("no tumor volume" in t.get_text() for t in ax.texts)
    ax = tf.signaling_by_cell({}, Figure().add_subplot())
    assert not ax.has_data()
    fig = tf.main_figure({"wild type": None}, {})
    assert len(fig.axes) == 4


def test_report_without_ranges_claims_or_parameters(tmp_path):
    inputs = synthetic_inputs(days=10)
    inputs["scenario"] = {"name": "bare"}
    path = write_report(tmp_path, **{**inputs, "claims": [], "serum_ranges": {}, "parameters": None})
    text = path.read_text(encoding="utf-8")
    assert "No claims were checked" in text and "No literature ranges" in text


# ------------------------------------------------------------------ metastasis
def metastasis_columns(days: int, bone_seed: float, il11ra: float) -> dict[str, np.ndarray]:
    """Metastasis readouts: bone metastases from ``bone_seed`` cells (0: none, which
    leaves zeros on the log axes), lung and liver seeded from nothing; ``il11ra`` scales
    the bone niche's response to IL-11."""
    t = np.arange(days + 1, dtype=float)
    bone = bone_seed * np.exp(0.01 * il11ra * t) if bone_seed else np.concatenate([[0.0], 200.0 * t[1:]])
    lung = np.where(t > 0, 100.0 * t ** 2, 0.0)
    liver = np.where(t > 0, 50.0 * t ** 1.5, 0.0)
    cycle = il11ra * (bone > 1e6)
    return {"mets_bone": bone, "mets_lung": lung, "mets_liver": liver,
            "lesions_bone": bone ** 0.25, "lesions_lung": lung ** 0.25, "lesions_liver": liver ** 0.25,
            "metastatic_burden": bone + lung + liver,
            "metastatic_sites": sum(m ** 4 / (9e6 ** 4 + m ** 4) for m in (bone, lung, liver)),
            "bone_osteoclast_count": 5e5 * (1 + 6 * cycle * _logistic(t, 0, 1, 0.2, 10)),
            "bone_osteoblast_count": 4e5 * (1 + 2 * cycle * _logistic(t, 0, 1, 0.1, 30)),
            "bone_mass_pct": 100 - 50 * cycle * _logistic(t, 0, 1, 0.05, 40),
            "bone_RANKL_OPG_ratio": 0.002 * (1 + 20 * cycle * _logistic(t, 0, 1, 0.3, 5)),
            "bone_IL11_pg_mL": 70 + 2500 * cycle * _logistic(t, 0, 1, 0.5, 3),
            "tumor.CXCR4": np.full_like(t, 1.2)}


def metastasis_inputs(days: int = 60) -> dict:
    inputs = synthetic_inputs(days)
    arms = {"wild type": (1e8, 1.0), "niche IL11RA KO": (1e8, 0.0), "no bone metastasis": (0.0, 1.0)}
    base = inputs["arms"]["wild type"]
    inputs["arms"] = {name: base.assign(**metastasis_columns(days, seed, ra)) for name, (seed, ra) in arms.items()}
    inputs["arms"]["failed arm"] = base.assign(**metastasis_columns(days, 1e8, 1.0))[:5]
    inputs["scenario"] = {"name": "bone metastasis <synthetic>", "days": days,
                          "failed": {"failed arm": "CVODE error at t = 4.2"}}
    return inputs


def _section(text: str, anchor: str) -> str:
    start = text.index(f'<h2 id="{anchor}">')
    end = text.find("<h2 ", start + 1)
    return text[start:end if end >= 0 else len(text)]


@pytest.fixture(scope="module")
def metastasis_report(tmp_path_factory):
    inputs = metastasis_inputs()
    out = tmp_path_factory.mktemp("metastasis")
    text = write_report(out, **inputs).read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    page.close()
    return inputs, out, text, page


def test_metastasis_section_with_its_figures(metastasis_report):
    _, out, text, page = metastasis_report
    assert '<a href="#metastasis">Metastasis</a>' in text
    # after the primary-tumor figures, before the readouts table
    assert text.index('<h2 id="figures">') < text.index('<h2 id="metastasis">') < text.index('<h2 id="readouts">')
    section = _section(text, "metastasis")
    for name in ("metastatic_burden", "bone_cycle"):
        assert f'<figure id="fig-{name}"><img src="data:image/png;base64,' in section
        src = re.search(rf'<figure id="fig-{name}"><img src="([^"]+)"', section).group(1)
        png = base64.b64decode(src.split(",", 1)[1], validate=True)
        assert png.startswith(PNG_SIGNATURE) and png == (out / "figures" / f"{name}.png").read_bytes()
    assert section.count("<figcaption>") == 2 and "Bone vicious cycle" in section
    # figures numbered on from the primary-tumor ones
    n_primary = _section(text, "figures").count("<figure ")
    assert f"Figure {n_primary + 1}. Metastatic burden per organ." in section
    assert all(u.startswith(("data:", "#")) for u in page.urls)
    assert "&lt;synthetic&gt;" in text and "<synthetic>" not in text


def test_metastasis_table_day_end_values(metastasis_report):
    inputs, _, _, page = metastasis_report
    t = page.table("metastasis")
    header = t["headers"][0]
    assert header[:2] == ["arm", "day"]
    for h in ("bone metastases (cells)", "lung lesions (count)", "organs with detectable metastases (0–3)",
              "bone mass (% of normal)", "osteoclasts (cells)"):
        assert h in header
    rows = {r[0]: dict(zip(header, r)) for r in t["rows"]}
    assert list(rows) == ["wild type (reference)", "niche IL11RA KO", "no bone metastasis", "failed arm (failed)"]
    wt = inputs["arms"]["wild type"].iloc[-1]
    assert rows["wild type (reference)"]["day"] == "60"
    assert rows["wild type (reference)"]["lung metastases (cells)"] == f"{wt['mets_lung']:.2e}"
    assert rows["wild type (reference)"]["bone mass (% of normal)"] == f"{wt['bone_mass_pct']:.3g}"
    assert rows["niche IL11RA KO"]["bone mass (% of normal)"] == "100"
    assert set(list(rows["failed arm (failed)"].values())[1:]) == {"—"}


def test_metastasis_figures_skip_missing_columns_and_zeros():
    arms = metastasis_inputs(days=30)["arms"]
    fig = tf.metastatic_burden(arms)
    burden_axes = [a for a in fig.axes if a.get_lines()]
    assert len(burden_axes) == 4 and all(a.get_yscale() == "log" for a in burden_axes)
    assert all("cells" in a.get_ylabel() and "days" in a.get_xlabel() for a in burden_axes)
    lo, hi = burden_axes[0].get_ylim()
    assert lo >= 1 and np.isfinite(hi)  # zeros (no metastases yet) do not break the log axis
    fig = tf.bone_cycle(arms)
    drawn = [a for a in fig.axes if a.get_lines()]
    assert len(drawn) == 5
    labels = [a.get_ylabel() for a in drawn]
    assert all("(" in lab and ")" in lab for lab in labels)  # a unit in every label
    assert any("pg/mL" in lab for lab in labels) and any("% of normal" in lab for lab in labels)
    # older data: only the bone module's mass, or nothing at all
    old = {n: df.drop(columns=[c for c in tf.METASTASIS_COLUMNS if c != "bone_mass_pct"])
           for n, df in arms.items()}
    fig = tf.bone_cycle(old)
    assert sum(bool(a.get_lines()) for a in fig.axes) == 1
    fig = tf.metastatic_burden(old)
    assert not any(a.has_data() for a in fig.axes)
    assert any("no bone metastases" in t.get_text() for a in fig.axes for t in a.texts)
    assert not tf.has_metastasis(synthetic_inputs(days=10)["arms"])


def test_no_metastasis_section_without_metastasis_columns(report):
    _, out, _, text, page = report
    assert 'id="metastasis"' not in text and "#metastasis" not in text
    assert not any("metastasis" in t["class"].split() for t in page.tables)
    assert not (out / "figures" / "metastatic_burden.png").exists()
    assert not (out / "figures" / "bone_cycle.png").exists()


def test_metastasis_note_names_the_runs_detection_threshold(tmp_path):
    """The metastasis section states the threshold of metastatic_sites the run used (a
    scenario's detection_threshold_cells / --detect-cells), not always the default."""
    inputs = metastasis_inputs(days=10)
    params = pd.DataFrame({"id": ["met_detect_cells"], "value": [7.33e7], "unit": ["cell"], "source": ["x"],
                           "description": ["d"]})
    text = write_report(tmp_path / "custom", **{**inputs, "parameters": params}).read_text(encoding="utf-8")
    section = _section(text, "metastasis")
    assert "detection threshold of 7.33e+07 cells" in section and "~10.0 mm" in section
    params["value"] = 9.0e6
    text = write_report(tmp_path / "default", **{**inputs, "parameters": params}).read_text(encoding="utf-8")
    assert "a ~5 mm lesion (9 × 10⁶ cells, assumed)" in _section(text, "metastasis")


def test_cell_types_with_the_same_pstat3_share_one_labelled_line():
    """Leukocytes that share their signaling parameters have the same pSTAT3 curve: one line,
    named for all of them, instead of lines drawn over each other."""
    t = np.linspace(0.0, 10.0, 11)
    df = pd.DataFrame({"time_days": t, "tumor.pSTAT3": 1 + 0.1 * t, "macrophage.pSTAT3": 0.5 + 0.01 * t,
                       "cd8.pSTAT3": 0.5 + 0.01 * t, "cd4.pSTAT3": 0.4 + 0.0 * t})
    ax = tf.signaling_by_cell({"untreated": df}, Figure().add_subplot())
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert len(labels) == 3
    shared = [lab for lab in labels if "identical" in lab]
    assert len(shared) == 1 and tf.CELL_TYPES["macrophage"] in shared[0] and tf.CELL_TYPES["cd8"] in shared[0]
