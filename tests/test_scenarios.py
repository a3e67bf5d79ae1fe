"""Scenario files: the shipped ones load and validate; every bad input is one clear line."""
import math

import pytest

from stat3sim.model.tme.lineages import CELL_TYPES, LINEAGES, SUBTYPES
from stat3sim.scenarios import (DEFAULT_MIMIC_FOLD, Scenario, ScenarioError, Vocabulary, list_scenarios,
                                load_scenario, mir_name, mir_symbol, parse_concentration, parse_knockout, parse_mimic,
                                validate)

GENES = frozenset({"STAT3", "IL6", "IL6R", "IL11RA", "PTGS2", "TNF", "RELA", "SOCS3"})
#: the TGF-β/SMAD → IL-11 module's genes, carried by tumor cells and CAFs
TGFB_GENES = frozenset({"TGFBR1", "SMAD4", "IL11", "ATB", "MIR124", "MIR204", "MIR211", "MIR379"})

METS = ("mets_bone", "mets_lung", "mets_liver")  # initial metastatic cells a scenario may set

VOCAB = Vocabulary(
    cell_types=tuple(CELL_TYPES) + METS,
    lineages={**LINEAGES, "bone": ("bone",), "host": ("host",)},
    subtypes=SUBTYPES,
    genes={**{cell: GENES | (TGFB_GENES if cell in ("tumor", "caf") else frozenset()) for cell in CELL_TYPES},
           **{m: frozenset() for m in METS}, "bone": frozenset({"IL11RA"}), "host": frozenset({"IL6"})},
    parameters=frozenset({"k_tumor_prolif", "k_tumor_death", "tumor__k_mrna", "K_tf_STAT3", "E2_medium0", "w_ER_prolif",
                          "tumor__lvl_ESR1", "tumor__k_secretion_IL6"}),
    observables=("tumor_volume_mm3", "tumor.pSTAT3", "macrophage.M2_fraction", "cd8.count"),
    stimulus_species={"IL6": 21.0, "IL11": 19.0, "LIF": None},
    sites=("bone", "lung", "liver"),
    niches=("bone", "host"),
)

SHIPPED = ["adipose_coculture", "er_endocrine_resistant", "her2", "luminal_a", "luminal_b", "tnbc",
           "tnbc_bone_metastasis", "tnbc_lung_metastasis"]


def test_vocabulary_matches_lineages_module():
    assert VOCAB.cell_types[:8] == ("tumor", "adipocyte", "macrophage", "neutrophil", "mdsc", "dc", "cd8", "cd4")


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_scenario_loads_and_validates(name):
    sc = load_scenario(name)
    assert sc.name == name and sc.description and "\n" not in sc.description
    assert sc.source.endswith(f"{name}.yaml")
    assert validate(sc, VOCAB) is sc


def test_list_scenarios_sorted_with_descriptions():
    listed = list_scenarios()
    assert [n for n, _ in listed] == SHIPPED
    assert all(d for _, d in listed)


def test_shipped_contents():
    from stat3sim.runs import DEFAULT_DIAMETER_MM

    # the model's defaults, its size stated (the default size)
    assert load_scenario("tnbc").model_dump(exclude={"source", "description"}) == Scenario(
        name="tnbc", description="x", initial_diameter_mm=DEFAULT_DIAMETER_MM).model_dump(
        exclude={"source", "description"})
    for sub in ("luminal_a", "luminal_b", "her2"):
        assert load_scenario(sub).subtype == sub
    adi = load_scenario("adipose_coculture")
    assert adi.cells == {"adipocyte": 2.0e8}
    arms = {a.name: a for a in adi.comparisons}
    assert arms["no_adipocytes"].cells == {"adipocyte": 0}
    assert arms["adipocyte_IL6_KO"].knockouts == ["adipocyte:IL6"]


def test_user_file_roundtrip(tmp_path):
    f = tmp_path / "mine.yaml"
    f.write_text("""
name: mine
description: IL-6 pulse with myeloid STAT3 knocked out
days: 30
cells: {macrophage: 1.0e+7}
stimuli:
  - {species: IL6, value: "20 ng/mL", day: 1}
  - {species: IL11, value: "0.5 uM"}
parameters: {k_tumor_prolif: 0.02}
knockouts: ["myeloid:STAT3"]
depletions: [cd4]
readouts: [tumor_volume_mm3, tumor.pSTAT3]
comparisons:
  - {name: wt, knockouts: []}
""")
    sc = validate(load_scenario(str(f)), VOCAB)
    assert sc.source == str(f) and sc.days == 30 and sc.stimuli[0].day == 1
    assert sc.comparisons[0].name == "wt"


def test_helpers():
    assert parse_knockout("myeloid:STAT3") == ("myeloid", "STAT3")
    assert parse_knockout(" t_cell : IL6R ") == ("t_cell", "IL6R")
    for bad in ("STAT3", "myeloid:", ":STAT3", "a:b:c"):
        with pytest.raises(ValueError):
            parse_knockout(bad)
    assert math.isclose(parse_concentration("21 ng/mL", 21.0), 1.0)
    assert math.isclose(parse_concentration("500 pg/mL", 21.0), 0.5 / 21.0)
    assert parse_concentration("1 nM", None) == 1.0
    assert parse_concentration("0.5 uM", None) == 500.0
    assert parse_concentration("2 µM", None) == 2000.0
    assert parse_concentration("3 pM", None) == pytest.approx(0.003)
    for bad in ("1 ng/mL", "-1 nM", "nM", "1 mM", "1e999 nM"):
        with pytest.raises(ValueError):
            parse_concentration(bad, None)


# --- bad inputs: each is one line naming file and field ----------------------------------

BASE = "name: bad\ndescription: a bad scenario\n"


def _error(tmp_path, body: str, vocab=VOCAB, *, base=BASE) -> ScenarioError:
    f = tmp_path / "my.yaml"
    f.write_text(base + body)
    with pytest.raises(ScenarioError) as info:
        validate(load_scenario(str(f)), vocab)
    err = info.value
    text = str(err)
    assert "\n" not in text
    assert err.file == str(f) and text == f"{f}: {err.field}: {err.message}"
    return err


def test_unknown_cell_type(tmp_path):
    err = _error(tmp_path, "cells: {macrophages: 10}\n")
    assert err.field == "cells.macrophages"
    assert "did you mean 'macrophage'?" in err.message and "allowed: tumor, adipocyte" in err.message


def test_unknown_lineage_shows_closest(tmp_path):
    err = _error(tmp_path, "knockouts: ['myloid:STAT3']\n")
    assert err.field == "knockouts[0]"
    assert "unknown lineage 'myloid'; did you mean 'myeloid'?" in err.message
    assert "hematopoietic" in err.message


def test_gene_not_knockable(tmp_path):
    genes = dict(VOCAB.genes, cd4=frozenset({"STAT3"}))
    vocab = Vocabulary(**{**VOCAB.__dict__, "genes": genes})
    err = _error(tmp_path, "knockouts: ['myeloid:STAT3', 't_cell:IL6R']\n", vocab)
    assert err.field == "knockouts[1]"
    assert "'IL6R' is not knockable in cd4 (lineage 't_cell')" in err.message
    err = _error(tmp_path, "knockouts: ['tumor:STAT5']\n")
    assert "did you mean 'STAT3'?" in err.message and "SOCS3" in err.message


def test_negative_count(tmp_path):
    err = _error(tmp_path, "cells: {cd8: -5}\n")
    assert err.field == "cells.cd8" and "must be >= 0, got -5" in err.message


def test_unknown_parameter_shows_closest(tmp_path):
    err = _error(tmp_path, "parameters: {k_tumor_prolf: 0.1}\n")
    assert err.field == "parameters.k_tumor_prolf"
    assert "closest: k_tumor_prolif" in err.message
    assert "stat3sim describe --scenario bad" in err.message
    assert "tumor__k_mrna" not in err.message  # not the whole list


def test_misspelt_top_level_field(tmp_path):
    err = _error(tmp_path, "dayz: 30\n")
    assert err.field == "dayz"
    assert "unknown field 'dayz'; did you mean 'days'?" in err.message and "allowed: name" in err.message


def test_days_wrong_type(tmp_path):
    err = _error(tmp_path, "days: abc\n")
    assert err.field == "days" and err.message == "expected a number, got 'abc'"
    err = _error(tmp_path, "days: yes\n")
    assert err.field == "days" and "expected a number, got True" in err.message


@pytest.mark.parametrize("days", ["0", "-3"])
def test_days_not_positive(tmp_path, days):
    err = _error(tmp_path, f"days: {days}\n")
    assert err.field == "days" and "must be > 0" in err.message


def test_bad_yaml(tmp_path):
    err = _error(tmp_path, "cells: {cd8: 1\nknockouts: [\n")
    assert err.field.startswith("line ") and "invalid YAML" in err.message


def test_top_level_not_a_mapping(tmp_path):
    err = _error(tmp_path, "", base="- tnbc\n- her2\n")
    assert err.field == "(top level)" and "expected a mapping" in err.message


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert info.value.file == path and info.value.field == "(file)"
    assert str(info.value).startswith(f"{path}: (file): no such file") and "\n" not in str(info.value)


def test_unknown_shipped_name():
    with pytest.raises(ScenarioError) as info:
        load_scenario("tnbx")
    text = str(info.value)
    assert text.startswith("tnbx: scenario: unknown scenario 'tnbx'; did you mean 'tnbc'?")
    assert "allowed: " + ", ".join(SHIPPED) in text and "\n" not in text


def test_bad_stimulus_unit(tmp_path):
    err = _error(tmp_path, "stimuli: [{species: IL6, value: '5 ng/ml'}]\n")
    assert err.field == "stimuli[0].value" and "did you mean 'ng/mL'?" in err.message
    err = _error(tmp_path, "stimuli: [{species: LIF, value: '5 ng/mL'}]\n")
    assert err.field == "stimuli[0].value" and "molar mass" in err.message
    err = _error(tmp_path, "stimuli: [{species: IL-6, value: '5 nM'}]\n")
    assert err.field == "stimuli[0].species" and "did you mean 'IL6'?" in err.message


def test_bad_field_inside_comparison_arm(tmp_path):
    err = _error(tmp_path, "comparisons:\n  - {name: a}\n  - {name: b, knockout: ['myeloid:STAT3']}\n")
    assert err.field == "comparisons[1].knockout"
    assert "did you mean 'knockouts'?" in err.message and "allowed: name, description" in err.message
    err = _error(tmp_path, "comparisons:\n  - {name: a, knockouts: ['myeloid:STAT3', 'tumour:STAT3']}\n")
    assert err.field == "comparisons[0].knockouts[1]" and "did you mean 'tumor'?" in err.message


def test_other_checks(tmp_path):
    assert _error(tmp_path, "subtype: basal\n").field == "subtype"
    assert _error(tmp_path, "readouts: [tumor_volume]\n").field == "readouts[0]"
    assert _error(tmp_path, "depletions: [cd9]\n").field == "depletions[0]"
    assert _error(tmp_path, "source: x.yaml\n").field == "source"
    assert _error(tmp_path, "", base="name: Bad Name\ndescription: x\n").field == "name"
    assert _error(tmp_path, "", base="name: bad\ndescription: \"two\\nlines\"\n").field == "description"
    assert _error(tmp_path, "parameters: {k_tumor_prolif: .inf}\n").field == "parameters.k_tumor_prolif"
    assert _error(tmp_path, "stimuli: [{species: IL6, value: '1 nM', day: 200}]\n").field == "stimuli[0].day"
    err = _error(tmp_path, "comparisons: [{name: a}, {name: a}]\n")
    assert err.field == "comparisons" and "repeated: a" in err.message


# --- miRNA mimics, detection threshold, niches, therapies, patient (issue 6) -------------

def test_parse_mimic_and_mir_names():
    assert parse_mimic("tumor:miR-124") == ("tumor", "miR-124", DEFAULT_MIMIC_FOLD) and DEFAULT_MIMIC_FOLD == 10
    assert parse_mimic(" caf : miR-204 = 2.5 ") == ("caf", "miR-204", 2.5)
    assert parse_mimic("tumor:miR-124=1e-1")[2] == pytest.approx(0.1)
    for alias in ("miR-124", "mir124", "MIR124", "hsa-miR-124", "mir-124"):
        assert mir_symbol(alias) == "MIR124"
    assert mir_symbol("let-7") is None and mir_name("MIR379") == "miR-379"
    for bad in ("miR-124", "tumor:", "tumor:miR-124=", "tumor:miR-124=0", "tumor:miR-124=-2",
                "tumor:miR-124=abc", "tumor:miR-124=nan", "tumor:miR-124=inf", "a:b:c"):
        with pytest.raises(ValueError):
            parse_mimic(bad)


def test_mimics_validate(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(BASE + "mimics: ['tumor:miR-124', 'caf:mir204=3']\n"
                 "comparisons: [{name: a, mimics: ['tumor:miR-379=0.5'], knockouts: ['caf:TGFBR1', 'host:IL6']}]\n")
    sc = validate(load_scenario(str(f)), VOCAB)
    assert sc.mimics == ["tumor:miR-124", "caf:mir204=3"] and sc.comparisons[0].mimics == ["tumor:miR-379=0.5"]


@pytest.mark.parametrize("body, field, words", [
    ("mimics: ['tumor:miR-999']\n", "mimics[0]", ["unknown miRNA 'miR-999'", "allowed: miR-124, miR-204, miR-211, miR-379"]),
    ("mimics: ['tumor:miR-125']\n", "mimics[0]", ["did you mean 'miR-124'?"]),
    ("mimics: ['tumour:miR-124']\n", "mimics[0]", ["unknown cell type 'tumour'", "did you mean 'tumor'?",
                                                    "allowed: tumor, caf"]),
    ("mimics: ['macrophage:miR-124']\n", "mimics[0]", ["'macrophage' carries no", "tumor, caf"]),
    ("mimics: ['tumor:miR-124=0']\n", "mimics[0]", ["fold must be a positive"]),
    ("mimics: ['tumor:miR-124=-1']\n", "mimics[0]", ["fold must be a positive"]),
    ("mimics: ['tumor:miR-124=ten']\n", "mimics[0]", ["fold must be a positive number", "'ten'"]),
    ("comparisons: [{name: a, mimics: ['tumor:miR-124=x']}]\n", "comparisons[0].mimics[0]", ["fold"]),
    ("comparisons: [{name: a, mimics: ['caf:miR-1']}]\n", "comparisons[0].mimics[0]", ["unknown miRNA 'miR-1'"]),
])
def test_bad_mimic(tmp_path, body, field, words):
    err = _error(tmp_path, body)
    assert err.field == field
    for w in words:
        assert w in err.message, (w, err.message)


def test_detection_threshold(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(BASE + "detection_threshold_cells: 1.0e+7\n")
    assert validate(load_scenario(str(f)), VOCAB).detection_threshold_cells == 1e7
    for value in ("0", "-5", ".nan", ".inf", "yes"):
        err = _error(tmp_path, f"detection_threshold_cells: {value}\n")
        assert err.field == "detection_threshold_cells", value
    vocab = Vocabulary(**{**VOCAB.__dict__, "parameters": VOCAB.parameters | {"met_detect_cells"}})
    err = _error(tmp_path, "detection_threshold_cells: 1.0e+7\nparameters: {met_detect_cells: 2.0e+7}\n", vocab)
    assert err.field == "detection_threshold_cells" and "not both" in err.message


@pytest.mark.parametrize("body, field, words", [
    ("knockouts: ['lung:IL11RA']\n", "knockouts[0]", ["the lung niche has no knockable genes", "bone (IL11RA)",
                                                       "host (IL6)", "metastatic sites: bone, lung, liver"]),
    ("knockouts: ['liver:IL6']\n", "knockouts[0]", ["the liver niche", "metastatic sites: bone, lung, liver"]),
    ("knockouts: ['brain:IL11RA']\n", "knockouts[0]", ["unknown lineage 'brain'", "bone (IL11RA)",
                                                        "metastatic sites: bone, lung, liver", "not a modelled site"]),
    ("knockouts: ['bone:IL6']\n", "knockouts[0]", ["'IL6' is not knockable in bone", "IL11RA"]),
    ("cells: {mets_brain: 1.0e+8}\n", "cells.mets_brain", ["unknown metastatic site 'brain'",
                                                            "metastatic sites: bone, lung, liver", "mets_bone"]),
    ("depletions: [mets_brain]\n", "depletions[0]", ["unknown metastatic site 'brain'"]),
])
def test_unknown_niche_or_site(tmp_path, body, field, words):
    err = _error(tmp_path, body)
    assert err.field == field
    for w in words:
        assert w in err.message, (w, err.message)


def test_therapies_and_patient(tmp_path):
    f = tmp_path / "ok.yaml"
    f.write_text(BASE + "therapies: ['tocilizumab 8 mg/kg iv q4w']\npatient: {weight_kg: 60}\n"
                 "comparisons: [{name: a, therapies: ['ruxolitinib 20 mg po bid']}]\n")
    sc = validate(load_scenario(str(f)), VOCAB)
    assert sc.therapies == ["tocilizumab 8 mg/kg iv q4w"] and sc.comparisons[0].therapies == ["ruxolitinib 20 mg po bid"]
    assert sc.patient.weight_kg == 60 and sc.patient.bsa_m2 == 1.8  # default from therapy.regimen.Patient
    assert load_scenario("tnbc").patient is None and load_scenario("tnbc").therapies == []
    err = _error(tmp_path, "therapies: ['tocilizumab 8 mg/kg iv q4w', 'tocilizumabb 8 mg/kg iv q4w']\n")
    assert err.field == "therapies[1]" and err.message.startswith("drug: ")
    err = _error(tmp_path, "therapies: ['tocilizumab 8 mg/kg xx q4w']\n")
    assert err.field == "therapies[0]" and "route" in err.message
    err = _error(tmp_path, "comparisons: [{name: a, therapies: ['tocilizumab 800 mg/kg iv']}]\n")
    assert err.field == "comparisons[0].therapies[0]" and err.message.startswith("dose: ")
    err = _error(tmp_path, "patient: {weight_kg: 500}\n")
    assert err.field == "patient.weight_kg" and "20–300 kg" in err.message
    err = _error(tmp_path, "patient: {weight_kg: -1}\n")
    assert err.field == "patient.weight_kg" and "must be > 0" in err.message
    err = _error(tmp_path, "patient: {height_cm: 170}\n")
    assert err.field == "patient.height_cm" and "allowed: weight_kg, bsa_m2" in err.message


def test_bone_metastasis_comparisons():
    sc = load_scenario("tnbc_bone_metastasis")
    arms = {a.name: a for a in sc.comparisons}
    assert arms["TGF-β receptor block"].knockouts == ["caf:TGFBR1", "tumor:TGFBR1"]
    assert arms["miR-124 mimic"].mimics == ["tumor:miR-124"]
    assert {"niche_IL11RA_KO", "no_bone_metastasis"} <= set(arms)


def test_real_vocabulary_and_build():
    """The built model's vocabulary has the miRNA cells, niches and sites the fake VOCAB
    assumes; build() applies mimics (level × fold) and the detection threshold."""
    from stat3sim import runs

    vocab = runs.vocabulary()
    assert vocab.mirna_cells() == {c: ("MIR124", "MIR204", "MIR211", "MIR379") for c in ("tumor", "caf")}
    assert vocab.sites == ("bone", "lung", "liver") and vocab.niches == ("bone", "host")
    assert vocab.genes["bone"] == {"IL11RA"} and vocab.genes["host"] == {"IL6"}
    sc = validate(load_scenario("tnbc_bone_metastasis"), vocab)
    base = runs.build(sc)
    assert base.parameter("tumor__lvl_MIR124").value == 1.0
    mimic = runs.build(sc, runs.Arm("m", mimics=["tumor:miR-124", "caf:miR-204=2.5"]))
    assert mimic.parameter("tumor__lvl_MIR124").value == pytest.approx(10.0)
    assert mimic.parameter("caf__lvl_MIR204").value == pytest.approx(2.5)
    assert mimic.parameter("caf__lvl_MIR124").value == 1.0
    both = runs.build(sc.model_copy(update={"mimics": ["tumor:miR-124=2"]}), runs.Arm("m", mimics=["tumor:mir124=3"]))
    assert both.parameter("tumor__lvl_MIR124").value == pytest.approx(6.0)  # scenario then arm
    assert base.parameter("met_detect_cells").value == 9.0e6
    thr = runs.build(sc.model_copy(update={"detection_threshold_cells": 2.0e7}))
    assert thr.parameter("met_detect_cells").value == 2.0e7
    arm = runs.Arm("a", parameters={"met_detect_cells": 3.0e7})
    assert runs.build(sc.model_copy(update={"detection_threshold_cells": 2.0e7}), arm).parameter(
        "met_detect_cells").value == 3.0e7  # the arm's own parameters win
    arms = {a.name: a for a in runs.standard_arms(sc)}
    assert arms["miR-124 mimic"].mimics == ["tumor:miR-124"] and arms["miR-124 mimic"].therapies == []
