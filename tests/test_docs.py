"""The generated documentation (``stat3sim.report.docs``): up to date, and generated from data only.

``make docs`` (``python -m stat3sim.report.docs docs/``) writes the generated pages and the
generated blocks of the written pages; these tests regenerate them into a temporary folder
and compare, so a change to the model, the claim registry or the catalog without ``make
docs`` fails here.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stat3sim.report import docs as gen

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _copy_written(tmp: Path) -> Path:
    """A docs folder with the written pages and the benchmark JSON, and no generated page."""
    out = tmp / "docs"
    out.mkdir()
    for page in gen.block_pages():
        shutil.copy(DOCS / page, out / page)
    for d in (gen.BENCH_DIR, gen.RESULTS_DIR):
        if (DOCS / d).is_dir():
            shutil.copytree(DOCS / d, out / d)
    return out


def test_generated_docs_are_up_to_date(tmp_path):
    out = _copy_written(tmp_path)
    written = gen.generate(out)
    assert {p.name for p in written} >= set(gen.PAGES), "every generated page is written into an empty folder"
    stale = [p for p in gen.all_pages() if (out / p).read_text(encoding="utf-8") != (DOCS / p).read_text(encoding="utf-8")]
    assert not stale, f"out of date: {stale}; run `make docs`"
    assert gen.generate(out) == [], "a second run changes nothing"


def test_claims_page_comes_from_the_registry_without_running_a_claim(monkeypatch):
    from stat3sim.claims.registry import REGISTRY, areas
    from stat3sim.engine.roadrunner import Simulator

    def no_runs(*a, **k):
        raise AssertionError("generating docs/claims.md ran a simulation")

    monkeypatch.setattr(Simulator, "run", no_runs)
    monkeypatch.setattr(Simulator, "for_network", no_runs)
    text = gen.render("claims.md", DOCS)
    areas()
    for c in REGISTRY.values():
        assert f"| {c.id} |" in text, f"{c.id} missing from docs/claims.md"
        assert c.expected.split(";")[0][:30] in text.replace("\\", "")


def test_reserved_blocks_are_kept():
    """Blocks the generator does not own (the translation table) pass through unchanged."""
    text = (DOCS / "claims.md").read_text(encoding="utf-8")
    assert "<!-- translation-table:start -->" in text and "<!-- translation-table:end -->" in text
    assert "<!-- therapy-claims:start -->" in text and "<!-- therapy-claims:end -->" in text
    filled = gen.fill_block(text, "claims-tme", "X")
    keep = text.split("<!-- translation-table:start -->")[1].split("<!-- translation-table:end -->")[0]
    assert keep in filled
    assert "<!-- claims-tme:start -->\nX\n<!-- claims-tme:end -->" in filled


def test_fill_block_needs_the_block():
    with pytest.raises(ValueError, match="no block"):
        gen.fill_block("no markers here\n", "drug-catalog", "x")


def test_benchmark_table_without_json_says_how_to_make_it(tmp_path):
    text = gen.benchmark_table("bench_tme.json", tmp_path)
    assert "benchmarks/bench_tme.py" in text and "make docs" in text


def test_drug_catalog_block_lists_every_agent():
    from stat3sim.therapy import load_catalog

    table = gen.drug_catalog_table()
    for d in load_catalog().drugs:
        assert f"| {d.name} |" in table


def test_cli_check_and_bad_input(tmp_path):
    run = lambda *a: subprocess.run([sys.executable, "-m", "stat3sim.report.docs", *a],  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    bad = run(str(tmp_path / "nowhere"))
    assert bad.returncode == 2 and "DOCS_DIR" in bad.stderr
    unknown = run(str(DOCS), "nope.md")
    assert unknown.returncode == 2 and "allowed:" in unknown.stderr
    out = _copy_written(tmp_path)
    stale = run(str(out), "--check", "model.md")
    assert stale.returncode == 1 and "model.md is out of date" in stale.stderr
    assert not (out / "model.md").exists(), "--check writes nothing"
