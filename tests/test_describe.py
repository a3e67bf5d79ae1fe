"""Model documentation generated from the Network (stat3sim.report.describe)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from stat3sim.model import NetworkBuilder, signaling_network
from stat3sim.report.describe import describe, equation, md_escape, sections, to_html, to_markdown

REPO = Path(__file__).resolve().parents[1]
DOCS_MODEL = REPO / "docs" / "model.md"

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> list[str]:
    """Cells of a Markdown table row, splitting only at unescaped pipes."""
    return [c.strip() for c in _CELL_SPLIT.split(row.strip())[1:-1]]


@pytest.fixture(scope="module")
def tumor():
    return signaling_network("tumor")


def test_docs_model_md_is_current(tumor):
    """docs/model.md is what `stat3sim describe --cell tumor --format md` writes now."""
    assert DOCS_MODEL.exists(), "docs/model.md is out of date; run `make docs`"
    current = describe(tumor, "md", cell="tumor")
    assert DOCS_MODEL.read_text(encoding="utf-8") == current, "docs/model.md is out of date; run `make docs`"


def test_every_element_is_documented(tumor):
    text = to_markdown(tumor, cell="tumor")
    for elems in (tumor.compartments, tumor.species, tumor.reactions, tumor.parameters, tumor.observables):
        for e in elems:
            assert f"`{e.id}`" in text, e.id
    for g in tumor.genes:
        assert f"`{g.symbol}`" in text
    by_title = {s.title: s for s in sections(tumor)}
    params = {row[0].text: row for row in by_title["Parameters"].rows}
    for p in tumor.parameters:
        _id, value, unit, _desc, source = params[p.id]
        assert float(value.text) == pytest.approx(p.value, rel=1e-5)
        assert unit.text == p.unit and source.text == str(p.evidence) and source.text


def test_markdown_tables_are_well_formed(tumor):
    """Every row of every table has as many cells as its header."""
    lines = to_markdown(tumor, cell="tumor").splitlines()
    width = None
    for line in lines:
        if not line.startswith("|"):
            width = None
            continue
        n = len(_cells(line))
        if width is None:
            width = n
        assert n == width, line


def _toy(note: str):
    b = NetworkBuilder("toy")
    b.compartment("c", 1.0, "pL", "cell", "assumed")
    b.species("A", "c", 1.0, "nM", "A")
    b.species("B", "c", 0.0, "nM", "B")
    b.species("C", "c", 0.0, "nM", "C")
    b.parameter("k", 0.1, "1/(nM*min)", f"assumed: {note}", f"rate {note}")
    b.parameter("kr", 0.01, "1/min", "assumed", "reverse rate")
    b.reaction("bind", ["A", "B"], ["C"], "k*A*B - kr*C", "c", f"A binds B {note}", "assumed")
    b.reaction("make", [], {"B": 2.0}, "kr", "c", "synthesis", "assumed")
    return b.build()


def test_pipes_are_escaped():
    net = _toy("a | b")
    text = to_markdown(net)
    rows = [line for line in text.splitlines() if line.startswith("| `bind`") or line.startswith("| `k`")]
    assert len(rows) == 2
    for row in rows:
        assert "\\|" in row
    assert len(_cells(rows[0])) == 6 and len(_cells(rows[1])) == 5
    assert md_escape("x|y") == "x\\|y"


def test_equations():
    net = _toy("")
    eqs = {r.id: equation(r) for r in net.reactions}
    assert eqs == {"bind": "A + B <-> C", "make": "∅ -> 2 B"}


def test_html_is_standalone_and_escaped():
    net = _toy("<b>&</b>")
    page = to_html(net)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in page and "<b>&</b>" not in page


def test_unknown_format():
    with pytest.raises(ValueError, match="md, html"):
        describe(_toy(""), "pdf")
