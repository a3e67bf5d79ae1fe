"""Read and validate a PEtab (v1) problem; the parameter values to simulate it at.

:func:`load_problem` reads the YAML file and each table with the ``petab`` package and
runs petab's own checks (the same as ``petablint``) table by table. Anything wrong is a
:class:`PetabInputError` whose lines are petab's messages, each with the file and, where
one row is to blame, the row (``measurementData.tsv row 4 (line 5): ...``). Rows are
found by re-running petab's check of that table on each row alone, and by the ids that
petab's message names. A few things petab does not check and a simulator needs are
checked here too: a numeric ``noiseFormula`` that is not > 0 (a noise standard
deviation computed from ``noiseParameters`` is checked by the simulator).

:func:`parameter_values` gives the value of every parameter of the parameter table:
its ``nominalValue`` (linear scale, as PEtab v1 writes it), or a value from a user's
table (``--parameters``: ``parameterId`` and ``nominalValue`` or ``value``, linear
scale).
"""
from __future__ import annotations

import logging
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

#: rows named at most per failing check (a table with thousands of bad rows gives a few)
MAX_ROWS_SHOWN = 5
#: tables longer than this are not checked row by row (only on the failure path)
MAX_ROWS_CHECKED = 5000


class PetabInputError(ValueError):
    """A PEtab problem (or a parameter table given with it) that cannot be simulated:
    ``lines`` are petab's messages with file and row."""

    def __init__(self, lines: list[str]):
        self.lines = list(lines)
        super().__init__("; ".join(self.lines))


@dataclass
class Problem:
    """A loaded and checked PEtab problem."""

    yaml_path: Path
    petab: object  # petab.v1.Problem
    files: dict[str, list[Path]]  # table kind -> files
    #: (file name, position in that file) of each row of the measurement table
    measurement_rows: list[tuple[str, int]] = field(default_factory=list)

    def measurement_row(self, pos: int) -> str:
        """``measurementData.tsv row 4 (line 5)`` for row ``pos`` of the measurement table."""
        name, i = self.measurement_rows[pos] if pos < len(self.measurement_rows) else ("measurement table", pos)
        return f"{name} row {i + 1} (line {i + 2})"

    @property
    def measurement_df(self) -> pd.DataFrame:
        return self.petab.measurement_df

    @property
    def observable_df(self) -> pd.DataFrame:
        return self.petab.observable_df

    @property
    def parameter_df(self) -> pd.DataFrame:
        return self.petab.parameter_df

    @property
    def condition_df(self) -> pd.DataFrame:
        return self.petab.condition_df

    @property
    def sbml_model(self):
        return self.petab.sbml_model

    @property
    def sbml_text(self) -> str:
        import libsbml

        return libsbml.writeSBMLToString(self.petab.sbml_document)


# ------------------------------------------------------------------ messages
class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def _petab_log() -> Iterator[_Collect]:
    """petab's log records (it logs its lint errors rather than raising them), kept
    instead of printed."""
    log = logging.getLogger("petab")
    handler = _Collect()
    old_level, old_propagate = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(old_level)
        log.propagate = old_propagate


def _msg(e: BaseException | str) -> str:
    return " ".join(str(e).split()) or type(e).__name__


def _row_label(df: pd.DataFrame, pos: int) -> str:
    """``row 4 (line 5)``: the 1-based data row and the file line (header = line 1)."""
    return f"row {pos + 1} (line {pos + 2})"


def _rows_named(df: pd.DataFrame, message: str) -> list[int]:
    """Positions of rows whose id (the table's index, or its first column) petab's
    message names."""
    ids = df.index if df.index.name else df.iloc[:, 0] if len(df.columns) else []
    out = []
    for pos, rid in enumerate(ids):
        rid = str(rid)
        if rid and re.search(rf"(?<![A-Za-z0-9_]){re.escape(rid)}(?![A-Za-z0-9_])", message):
            out.append(pos)
    return out


def _failing_rows(df: pd.DataFrame, check: Callable[[pd.DataFrame], None]) -> list[tuple[int, str]]:
    """Rows that fail ``check`` on their own, with petab's message for each."""
    out = []
    if len(df) > MAX_ROWS_CHECKED:
        return out
    for pos in range(len(df)):
        try:
            with _petab_log():
                check(df.iloc[[pos]])
        except (AssertionError, ValueError, KeyError, TypeError) as e:
            out.append((pos, _msg(e)))
            if len(out) >= MAX_ROWS_SHOWN:
                break
    return out


def _table_errors(name: str, df: pd.DataFrame, check: Callable[[pd.DataFrame], None],
                  rowwise: bool = True) -> list[str]:
    """petab's check of one table; on failure its message with the file, and the rows
    to blame: those that fail alone (``rowwise``), else those the message names."""
    try:
        with _petab_log() as log:
            check(df)
        errors = [r.getMessage() for r in log.records if r.levelno >= logging.ERROR]
        if not errors:
            return []
        message = "; ".join(_msg(m) for m in errors)
    except (AssertionError, ValueError, KeyError, TypeError) as e:
        message = _msg(e)
    lines = []
    if rowwise:
        lines = [f"{name} {_row_label(df, pos)}: {m}" for pos, m in _failing_rows(df, check)]
    if not lines:
        named = _rows_named(df, message)[:MAX_ROWS_SHOWN]
        where = (" " + ", ".join(_row_label(df, p) for p in named)) if named else ""
        lines = [f"{name}{where}: {message}"]
    return lines


# ------------------------------------------------------------------- loading
_TABLES = (("condition_files", "condition"), ("measurement_files", "measurement"),
           ("observable_files", "observable"))


def _read_table(kind: str, path: Path) -> pd.DataFrame:
    from petab import v1

    reader = {"condition": v1.get_condition_df, "measurement": v1.get_measurement_df,
              "observable": v1.get_observable_df, "parameter": v1.get_parameter_df}[kind]
    return reader(str(path))


def load_problem(yaml_path: str | Path) -> Problem:
    """The PEtab problem of ``yaml_path``, read and checked; :class:`PetabInputError`
    with every message (file and row) when it cannot be simulated."""
    import petab
    from petab import v1
    from petab.v1 import lint

    yaml_path = Path(yaml_path)
    name = yaml_path.name
    if not yaml_path.is_file():
        raise PetabInputError([f"{yaml_path}: no such file"])
    try:
        with _petab_log():
            config = v1.yaml.load_yaml(str(yaml_path))
    except Exception as e:  # YAML syntax
        raise PetabInputError([f"{name}: cannot read: {_msg(e)}"]) from None
    if not isinstance(config, dict):
        raise PetabInputError([f"{name}: not a PEtab problem file (a YAML mapping with format_version, "
                               "parameter_file and problems)"])
    version = str(config.get("format_version", ""))
    if version.split(".")[0] not in ("1",):
        raise PetabInputError([f"{name}: format_version {version or '(none)'!r}: only PEtab v1 problems "
                               f"(format_version: 1) are supported (petab {petab.__version__})"])
    try:
        with _petab_log():
            v1.yaml.validate(config, path_prefix=str(yaml_path.parent))
    except Exception as e:  # jsonschema: missing keys, files that do not exist
        raise PetabInputError([f"{name}: {_msg(e)}"]) from None
    problems = config.get("problems") or []
    if len(problems) != 1:
        raise PetabInputError([f"{name}: {len(problems)} problems in 'problems'; one is supported"])
    sub = problems[0]
    base = yaml_path.parent
    files: dict[str, list[Path]] = {"parameter": [base / config["parameter_file"]]}
    for key, kind in _TABLES:
        files[kind] = [base / f for f in sub.get(key, [])]
    files["sbml"] = [base / f for f in sub.get("sbml_files", [])]
    if len(files["sbml"]) != 1:
        raise PetabInputError([f"{name}: sbml_files lists {len(files['sbml'])} models; one is needed"])
    if sub.get("mapping_files"):
        raise PetabInputError([f"{name}: mapping_files are not supported"])

    # each table on its own, so that a file that petab cannot read is named
    tables: dict[str, list[pd.DataFrame]] = {}
    errors: list[str] = []
    for kind, paths in files.items():
        if kind == "sbml":
            continue
        tables[kind] = []
        for p in paths:
            try:
                with _petab_log():
                    tables[kind].append(_read_table(kind, p))
            except Exception as e:
                errors.append(f"{p.name}: cannot read as a PEtab {kind} table: {_msg(e)}")
    if errors:
        raise PetabInputError(errors)
    try:
        with _petab_log() as log:
            problem = v1.Problem.from_yaml(str(yaml_path))
    except Exception as e:
        raise PetabInputError([f"{name}: {_msg(e)}"]) from None
    model_name = files["sbml"][0].name
    with _petab_log() as log:
        model_ok = problem.model.is_valid()
    if not model_ok:
        msgs = [_msg(r.getMessage()) for r in log.records if r.levelno >= logging.WARNING]
        raise PetabInputError([f"{model_name}: not a valid SBML model: " + ("; ".join(msgs[:5]) or "libsbml errors")])

    def each(kind: str, check: Callable[[pd.DataFrame], None], rowwise: bool = True) -> None:
        for p, df in zip(files[kind], tables[kind]):
            errors.extend(_table_errors(p.name, df, check, rowwise))

    model, obs_df = problem.model, problem.observable_df
    each("condition", lambda df: lint.check_condition_df(df, model=model, observable_df=obs_df))
    each("observable", lint.check_observable_df)
    for p, df in zip(files["observable"], tables["observable"]):
        for pos, oid in enumerate(df.index):
            if model.has_entity_with_id(oid):
                errors.append(f"{p.name} {_row_label(df, pos)}: Observable ID {oid} shadows model entity.")
    each("measurement", lambda df: lint.check_measurement_df(df, obs_df))
    if not errors:
        each("measurement", lambda df: lint.assert_measurement_conditions_present_in_condition_table(
            df, problem.condition_df))
        errors.extend(_noise_errors(files["observable"], tables["observable"]))
    if not errors:
        each("parameter", lambda df: lint.check_parameter_df(
            df, model, obs_df, problem.measurement_df, problem.condition_df), rowwise=False)
        each("parameter", lambda df: lint.assert_model_parameters_in_condition_or_parameter_table(
            model, problem.condition_df, df), rowwise=False)
    if errors:
        raise PetabInputError(errors)
    rows = [(p.name, i) for p, df in zip(files["measurement"], tables["measurement"]) for i in range(len(df))]
    return Problem(yaml_path=yaml_path, petab=problem, files=files, measurement_rows=rows)


def _is_number(x) -> bool:
    try:
        float(x)
        return True
    except (TypeError, ValueError):
        return False


def _noise_errors(o_files, o_tables) -> list[str]:
    """A noise standard deviation given as a number must be > 0 (petab does not check it;
    sigmas computed from noiseParameters are checked by the simulator)."""
    out = []
    for p, df in zip(o_files, o_tables):
        if "noiseFormula" in df.columns:
            for pos, v in enumerate(df["noiseFormula"]):
                if _is_number(v) and not float(v) > 0:
                    out.append(f"{p.name} {_row_label(df, pos)}: noiseFormula {v}: a noise standard deviation "
                               "must be > 0")
    return out


# ---------------------------------------------------------------- parameters
def parameter_values(problem: Problem, table: str | Path | None = None) -> dict[str, float]:
    """The value (linear scale) of each parameter of the problem's parameter table: its
    nominalValue, or the value in ``table`` (a TSV with ``parameterId`` and ``nominalValue``
    or ``value``; ids not in it keep their nominal value)."""
    pdf = problem.parameter_df
    values = {str(k): float(v) for k, v in pdf["nominalValue"].items()} if "nominalValue" in pdf else {}
    if table is None:
        missing = [k for k in pdf.index if not math.isfinite(values.get(str(k), math.nan))]
        if missing:
            name = problem.files["parameter"][0].name
            rows = [list(pdf.index).index(k) for k in missing][:MAX_ROWS_SHOWN]
            raise PetabInputError([f"{name} {_row_label(pdf, r)}: parameter {pdf.index[r]} has no finite "
                                   "nominalValue (give it with --parameters)" for r in rows])
        return values
    table = Path(table)
    name = table.name
    if not table.is_file():
        raise PetabInputError([f"{table}: no such file"])
    try:
        df = pd.read_csv(table, sep="\t", dtype={"parameterId": str})
    except Exception as e:
        raise PetabInputError([f"{name}: cannot read as a tab-separated table: {_msg(e)}"]) from None
    col = "nominalValue" if "nominalValue" in df.columns else "value" if "value" in df.columns else None
    if "parameterId" not in df.columns or col is None:
        raise PetabInputError([f"{name}: needs the columns parameterId and nominalValue (or value); "
                               f"has: {', '.join(map(str, df.columns)) or '(none)'}"])
    errors = []
    seen = set()
    for pos, (pid, v) in enumerate(zip(df["parameterId"], df[col])):
        where = f"{name} {_row_label(df, pos)}"
        pid = str(pid).strip()
        if pid not in values and pid not in pdf.index:
            errors.append(f"{where}: parameterId {pid!r} is not in the problem's parameter table "
                          f"({problem.files['parameter'][0].name})")
        elif pid in seen:
            errors.append(f"{where}: parameterId {pid!r} given twice")
        elif not _is_number(v) or not math.isfinite(float(v)):
            errors.append(f"{where}: {col} {v!r} for {pid} is not a finite number (linear scale)")
        else:
            values[pid] = float(v)
        seen.add(pid)
    if errors:
        raise PetabInputError(errors[:MAX_ROWS_SHOWN * 2])
    return values
