"""Social Match's hand-written SQL (docs/layout.md 8.3): the set-based import
and screening that national-scale sources need (millions of rows, no per-row
Python loop). Each statement says why the ORM could not, and the bench
numbers (docs/bench-social.md)."""

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from saduak.areas.models import District, Subdistrict
from saduak.core.rows import run
from saduak.social.choices import SOURCE_BITS, HouseholdStatus
from saduak.social.facts import BOOLEAN, CHOICE, FACTS, INTEGER
from saduak.social.layouts import (
    BOOLEAN_WORDS,
    HOUSING_WORDS,
    MAX_HOUSE_CODE,
    MAX_INCOME,
    MAX_TEXT,
    Layout,
)
from saduak.social.models import PersonMatch, Rule, StagedPerson, TargetHousehold

# --- Imports (staging) -----------------------------------------------------------
# A source file of millions of rows (the BMN survey is about 36 million people
# nationwide) is imported in four set-based steps, all in the import's own
# transaction, so a refused file leaves nothing behind:
#
# 1. `load_table_create` + `load_rows`: the file's cells, as text, into a
#    temporary load table (one column per layout target, plus the line number
#    and, for a fixed-width file, the line's width). PostgreSQL: COPY FROM
#    STDIN (psycopg's `cursor.copy`), the one fast way in; the ORM has no bulk
#    path near it (bulk_create builds an object per row). SQLite:
#    executemany in batches.
# 2. `load_names` / `names_table_fill`: the distinct subdistrict names of the
#    file (a few thousand at most), matched to the map in Python by the
#    caller, written to a second temporary table.
# 3. `load_problems` and `load_duplicates`: every check in SQL, bounded to the
#    first rows by line with the total count (the check digit computed from
#    the ID's digits, the subdistrict joined to the map, each value's form
#    from layouts.py's words, people twice in the file by GROUP BY).
# 4. `staged_insert`: INSERT ... SELECT of every row into StagedPerson, with
#    the same expressions turned into values.
# The ORM can say none of 1-4 over millions of rows without fetching each
# into Python. The rest of the import (superseding, rollback, purge) is ORM
# `update()` and `delete()`, one statement each.

LOAD_TABLE = "social_import_load"
NAMES_TABLE = "social_import_names"
LOAD_BATCH = 10_000


def loads_with_copy() -> bool:
    """The one vendor switch of the imports: PostgreSQL loads with COPY, takes
    an advisory lock, matches with regular expressions and builds JSON with
    jsonb; SQLite loads with executemany, needs no lock (IMMEDIATE
    transactions hold the write lock), matches with GLOB and builds JSON with
    json_object."""
    return connection.vendor == "postgresql"


def _q(name: object) -> str:
    return str(connection.ops.quote_name(str(name)))


def _lit(text: str) -> str:
    """A constant of our own code (layouts.py's words) as an SQL literal."""
    return "'" + text.replace("'", "''") + "'"


def import_lock(kind: str, year: int) -> None:
    """Inside the caller's transaction: one import (or rollback) of a source
    and year at a time, so that two files of one area cannot both become the
    current one. pg_advisory_xact_lock on the pair (the ORM has no advisory
    lock, and the first import of an area has no row to lock). SQLite's
    IMMEDIATE transaction already serialises writers."""
    if not loads_with_copy():
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"social.source_import:{kind}:{year}"],
        )


def load_table_create(targets: Sequence[str]) -> None:
    """The temporary load table of one import, dropped at commit (PostgreSQL)
    or by `load_table_drop` (SQLite): `line`, `width` and one text column per
    target."""
    cells = ", ".join(f"{_q(target)} text NOT NULL DEFAULT ''" for target in targets)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(LOAD_TABLE)}")
        cursor.execute(f"DROP TABLE IF EXISTS {_q(NAMES_TABLE)}")
        end = " ON COMMIT DROP" if loads_with_copy() else ""
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_q(LOAD_TABLE)} "
            f"(line integer NOT NULL, width integer, {cells}){end}"
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_q(NAMES_TABLE)} (sname text NOT NULL, "
            "dname text NOT NULL, code text, problem text NOT NULL DEFAULT '', "
            f"hint text NOT NULL DEFAULT ''){end}"
        )


def load_table_drop() -> None:
    """Drops the load tables (SQLite keeps temporary tables until the
    connection closes; PostgreSQL's are gone at commit already)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_q(LOAD_TABLE)}")
        cursor.execute(f"DROP TABLE IF EXISTS {_q(NAMES_TABLE)}")


def load_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Writes `rows` (each value in the order of `columns`, which name `line`,
    `width` and targets) into the load table."""
    names = ", ".join(_q(column) for column in columns)
    with connection.cursor() as cursor:
        if loads_with_copy():
            with cursor.copy(f"COPY {_q(LOAD_TABLE)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(f"ANALYZE {_q(LOAD_TABLE)}")
            return
        insert = (
            f"INSERT INTO {_q(LOAD_TABLE)} ({names}) "  # noqa: S608 (layout names)
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        iterator = iter(rows)
        while batch := list(islice(iterator, LOAD_BATCH)):
            cursor.executemany(insert, batch)


def load_names() -> list[tuple[str, str]]:
    """The distinct (subdistrict name, district name) pairs of rows without a
    subdistrict code, trimmed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT TRIM(subdistrict_name), TRIM(district_name) "  # noqa: S608
            f"FROM {_q(LOAD_TABLE)} WHERE TRIM(subdistrict_code) = '' "
            "AND TRIM(subdistrict_name) <> ''"
        )
        return [(str(name), str(district)) for name, district in cursor.fetchall()]


def names_table_fill(rows: Iterable[tuple[str, str, str | None, str, str]]) -> None:
    """Each name pair's answer: (subdistrict name, district name, code or
    None, problem code, hint)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_q(NAMES_TABLE)} "  # noqa: S608
            "(sname, dname, code, problem, hint) VALUES (%s, %s, %s, %s, %s)",
            list(rows),
        )


# --- Expressions over a load table row `l` --------------------------------------
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def _digits(expr: str) -> str:
    """`expr` with Thai digits as Arabic."""
    if loads_with_copy():
        return f"translate({expr}, '{THAI_DIGITS}', '0123456789')"
    for thai, arabic in zip(THAI_DIGITS, "0123456789", strict=True):
        expr = f"REPLACE({expr}, '{thai}', '{arabic}')"
    return expr


def _cell(target: str) -> str:
    return f"TRIM(l.{_q(target)})"


def _pid() -> str:
    """The personal ID's digits: spaces and dashes removed, Thai digits as
    Arabic."""
    return _digits(f"REPLACE(REPLACE({_cell('personal_id')}, '-', ''), ' ', '')")


def _all_digits(expr: str, count: int) -> str:
    if loads_with_copy():
        return f"{expr} ~ '^[0-9]{{{count}}}$'"
    return f"{expr} GLOB '{'[0-9]' * count}'"


def _check_digit_ok(pid: str) -> str:
    """(In a statement with parameters: `%%` is the modulo.) The last digit is
    (11 - sum(d_i * (13 - i)) mod 11) mod 10 of the first
    twelve (i from 0), as stdnum.th.pin computes it."""
    terms = " + ".join(
        f"CAST(SUBSTR({pid}, {i + 1}, 1) AS INTEGER) * {13 - i}" for i in range(12)
    )
    return f"CAST(SUBSTR({pid}, 13, 1) AS INTEGER) = (11 - (({terms}) %% 11)) %% 10"


def _number(target: str) -> str:
    return _digits(f"REPLACE({_cell(target)}, ',', '')")


def _is_number(expr: str) -> str:
    if loads_with_copy():
        return f"{expr} ~ '^[0-9]{{1,12}}(\\.[0-9]+)?$'"
    return (
        f"({expr} GLOB '[0-9]*' AND {expr} NOT GLOB '*[^0-9.]*' "
        f"AND {expr} NOT GLOB '*.*.*' AND {expr} NOT GLOB '*.' "
        f"AND LENGTH({expr}) <= 20)"
    )


def _number_value(expr: str) -> str:
    if loads_with_copy():
        return f"CAST(ROUND(CAST({expr} AS numeric)) AS bigint)"
    return f"CAST(ROUND(CAST({expr} AS REAL)) AS INTEGER)"


def _words(words: Iterable[str]) -> str:
    """The words as written, in upper case and capitalised: compared without
    LOWER(), which costs more than the comparisons on millions of rows."""
    spelt = dict.fromkeys(
        variant for word in words for variant in (word, word.upper(), word.capitalize())
    )
    return ", ".join(_lit(word) for word in spelt)


def _boolean_value(target: str) -> str:
    cell = _cell(target)
    return (
        f"CASE WHEN {cell} IN ({_words(BOOLEAN_WORDS[True])}) THEN TRUE "
        f"WHEN {cell} IN ({_words(BOOLEAN_WORDS[False])}) THEN FALSE END"
    )


def _housing_value(target: str) -> str:
    cell = _cell(target)
    whens = " ".join(
        f"WHEN {cell} IN ({_words(words)}) THEN {_lit(str(value))}"
        for value, words in HOUSING_WORDS.items()
    )
    return f"CASE {whens} ELSE '' END"


def _subdistrict_code() -> str:
    """The row's subdistrict code: its own, or the one its name matched."""
    return f"COALESCE(NULLIF({_digits(_cell('subdistrict_code'))}, ''), n.code)"


def _load_with_pid() -> str:
    """The load table with each row's personal ID cleaned once (`pid_`): the
    checks use it a dozen times (the check digit takes each digit), and a
    subquery the planner may not flatten (OFFSET 0) computes it once per row
    (the cleaning is not repeated per check)."""
    offset = "OFFSET 0" if loads_with_copy() else "LIMIT -1 OFFSET 0"
    return f"(SELECT l.*, {_pid()} AS pid_ FROM {_q(LOAD_TABLE)} l {offset})"  # noqa: S608


def _from(layout: Layout, targets: Sequence[str], *, with_pid: bool = False) -> str:
    """The load table (with the cleaned ID as `l.pid_` when `with_pid`) joined
    to the name answers and the map."""
    # Joined only when the file names subdistricts (a join on the names of
    # every row sorts the whole file).
    names = (
        f"LEFT JOIN {_q(NAMES_TABLE)} n ON {_cell('subdistrict_code')} = '' "
        f"AND n.sname = {_cell('subdistrict_name')} "
        f"AND n.dname = {_cell('district_name')} "
        if "subdistrict_name" in targets
        else f"LEFT JOIN {_q(NAMES_TABLE)} n ON 1 = 0 "
    )
    sub = Subdistrict._meta
    return (
        f"FROM {_load_with_pid() if with_pid else _q(LOAD_TABLE)} l {names}"
        f"LEFT JOIN {_q(sub.db_table)} s ON s.{_q(sub.pk.column)} = {_subdistrict_code()}"
    )


def _problem(layout: Layout, targets: Sequence[str], province_code: str) -> str:
    """The first problem of a row as a code (None when it has none): the
    same codes as services/sources.py's PROBLEMS; a value's problem names its
    column after a colon ("boolean:disabled"). Over `_from(with_pid=True)`."""
    pid = "l.pid_"
    active = _q(getattr(Subdistrict._meta.get_field("is_active"), "column", ""))
    code = _subdistrict_code()
    whens = [
        f"WHEN l.width IS NOT NULL AND l.width <> {layout.fixed_width} THEN 'width'",
        f"WHEN {pid} = '' THEN 'pid-missing'",
        f"WHEN NOT ({_all_digits(pid, 13)}) THEN 'pid-format'",
        f"WHEN SUBSTR({pid}, 1, 1) IN ('0', '9') THEN 'pid-invalid'",
        f"WHEN NOT ({_check_digit_ok(pid)}) THEN 'pid-check-digit'",
        f"WHEN {_cell('house_code')} = '' THEN 'house-missing'",
        f"WHEN LENGTH({_cell('house_code')}) > {MAX_HOUSE_CODE} THEN 'house-too-long'",
        f"WHEN {code} IS NULL AND n.problem <> '' THEN n.problem",
        f"WHEN {code} IS NULL THEN 'subdistrict-missing'",
        "WHEN s.code IS NULL THEN 'subdistrict-unknown'",
        f"WHEN NOT s.{active} THEN 'subdistrict-abolished'",
    ]
    if province_code:
        whens.append(
            f"WHEN SUBSTR(s.code, 1, 2) <> {_lit(province_code)} "
            "THEN 'subdistrict-outside'"
        )
    if "full_name" in targets:
        whens.append(
            f"WHEN LENGTH({_cell('full_name')}) > {MAX_TEXT} THEN 'name-too-long'"
        )
    for column in layout.columns:
        if column.target not in targets:
            continue
        cell = _cell(column.target)
        if column.kind == BOOLEAN:
            whens.append(
                f"WHEN {cell} <> '' AND ({_boolean_value(column.target)}) IS NULL "
                f"THEN 'boolean:{column.target}'"
            )
        elif column.kind == INTEGER:
            number = _number(column.target)
            whens.append(
                f"WHEN {cell} <> '' AND NOT ({_is_number(number)}) "
                f"THEN 'integer:{column.target}'"
            )
            whens.append(
                f"WHEN {cell} <> '' AND {_number_value(number)} > {MAX_INCOME} "
                f"THEN 'too-large:{column.target}'"
            )
        elif column.kind == CHOICE:
            whens.append(
                f"WHEN {cell} <> '' AND ({_housing_value(column.target)}) = '' "
                f"THEN 'housing:{column.target}'"
            )
    return f"CASE {' '.join(whens)} END"


def load_problems(
    layout: Layout, targets: Sequence[str], province_code: str, limit: int
) -> tuple[list[tuple[int, str, str]], int]:
    """The first `limit` rows with a problem, by line: (line, problem code,
    hint of the name's match), and how many rows have one."""
    sql = (
        "SELECT line, problem, hint, COUNT(*) OVER () FROM ("  # noqa: S608
        f"SELECT l.line AS line, {_problem(layout, targets, province_code)} AS problem, "
        f"COALESCE(n.hint, '') AS hint {_from(layout, targets, with_pid=True)}"
        ") checked WHERE problem IS NOT NULL ORDER BY line LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [limit])
        found = cursor.fetchall()
    total = int(found[0][3]) if found else 0
    return [(int(line), str(code), str(hint)) for line, code, hint, _ in found], total


def load_duplicates(limit: int) -> tuple[list[tuple[int, int]], int]:
    """The first `limit` lines whose person is on an earlier line of the file
    (line, the first line), and how many such lines there are. Grouped first
    (one hash aggregate), so a file without duplicates costs one pass."""
    pid = _pid()
    groups = (
        f"SELECT {pid} AS pid, MIN(l.line) AS first FROM {_q(LOAD_TABLE)} l "  # noqa: S608
        f"WHERE {pid} <> '' GROUP BY {pid} HAVING COUNT(*) > 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({groups}) d")  # noqa: S608
        if not cursor.fetchone()[0]:
            return [], 0
        cursor.execute(
            f"SELECT l.line, d.first, COUNT(*) OVER () FROM {_q(LOAD_TABLE)} l "  # noqa: S608
            f"JOIN ({groups}) d ON d.pid = {pid} WHERE l.line <> d.first "
            "ORDER BY l.line LIMIT %s",
            [limit],
        )
        found = cursor.fetchall()
    total = int(found[0][2]) if found else 0
    return [(int(line), int(first)) for line, first, _ in found], total


def _extra(layout: Layout, targets: Sequence[str]) -> str:
    pairs = [
        (column.target, f"NULLIF(SUBSTR({_cell(column.target)}, 1, {MAX_TEXT}), '')")
        for column in layout.extras
        if column.target in targets
    ]
    if not pairs:
        return "'{}'"
    arguments = ", ".join(f"{_lit(key)}, {value}" for key, value in pairs)
    if loads_with_copy():
        return f"jsonb_strip_nulls(jsonb_build_object({arguments}))"
    return f"json_patch('{{}}', json_object({arguments}))"


def _fact_value(column_kind: str, target: str, present: bool) -> str:
    if not present:
        return "''" if column_kind == CHOICE else "NULL"
    if column_kind == BOOLEAN:
        return _boolean_value(target)
    if column_kind == INTEGER:
        number = _number(target)
        return f"CASE WHEN {number} = '' THEN NULL ELSE {_number_value(number)} END"
    return _housing_value(target)


def staged_insert(
    layout: Layout,
    targets: Sequence[str],
    *,
    source_import_id: int,
    kind: str,
    year: int,
) -> int:
    """Every row of the load table as StagedPerson rows of the import (the
    caller has found no problem). Returns how many were written."""
    meta = StagedPerson._meta
    column = _staged_column
    facts = [c for c in layout.columns if c.is_fact]
    fact_columns = [column(name) for name in FACTS]
    fact_values = []
    for name, fact in FACTS.items():
        layout_column = next((c for c in facts if c.target == name), None)
        fact_values.append(
            _fact_value(fact.kind, name, layout_column is not None and name in targets)
        )
    name = (
        f"SUBSTR({_cell('full_name')}, 1, {MAX_TEXT})"
        if "full_name" in targets
        else "''"
    )
    columns = [
        column("source_import"),
        column("kind"),
        column("year"),
        column("line_number"),
        column("personal_id"),
        column("house_code"),
        column("full_name"),
        column("subdistrict"),
        column("district_code"),
        column("province_code"),
        *fact_columns,
        column("extra"),
    ]
    district = _q(Subdistrict._meta.get_field("district").column)
    values = [
        "%s",
        "%s",
        "%s",
        "l.line",
        _pid(),
        _cell("house_code"),
        name,
        "s.code",
        f"s.{district}",
        f"SUBSTR(s.{district}, 1, 2)",
        *fact_values,
        _extra(layout, targets),
    ]
    sql = (
        f"INSERT INTO {_q(meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {_from(layout, targets)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [source_import_id, kind, year])
        return int(cursor.rowcount)


def _staged_column(name: str) -> str:
    return _q(getattr(StagedPerson._meta.get_field(name), "column", name))


def load_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_q(LOAD_TABLE)}")  # noqa: S608
        return int(cursor.fetchone()[0])


# --- Screening -------------------------------------------------------------------
#
# Why hand-written: a screening run writes every person a rule finds (millions
# at national scale) and every household they live in, grouped in the
# database. The ORM can build each rule's SELECT (a StagedPerson queryset
# grouped by person) but cannot INSERT from a SELECT, nor upsert from one
# (`bulk_create(update_conflicts=True)` needs the rows in Python), so:
#
# - `person_matches_insert`: INSERT INTO PersonMatch SELECT ... over the rule's
#   queryset (its SQL from `query.sql_with_params()`), one statement per rule.
# - `households_upsert`: INSERT INTO TargetHousehold SELECT ... GROUP BY house
#   ... ON CONFLICT (rule_set, house_code) DO UPDATE: new households are added,
#   found ones get their new figures, decided ones keep their decision.
#   SQLite (3.24+) and PostgreSQL both take this form; the one vendor branch is
#   the new row's public_id (`_new_uuid_sql`).
# - `households_not_found_delete`: DELETE of the undecided households the run no
#   longer found (the ORM's delete would fetch them to check their protected
#   relations first).
#
# Timings: docs/bench-social.md and the report of issue 18's screening helper.

# The columns a rule's queryset must give, in PersonMatch's order after
# rule_set and rule.
MATCH_COLUMNS = (
    "personal_id",
    "house_code",
    "subdistrict_id",
    "district_code",
    "province_code",
    "sources",
)
# The aliases of the same values in the rule's queryset (`values()` then
# `annotate()`: see services/screening.py).
MATCH_ALIASES = (
    "personal_id",
    "match_house",
    "match_subdistrict",
    "match_district",
    "match_province",
    "match_sources",
)


def _column(model: Any, field: str) -> str:
    return _q(model._meta.get_field(field).column)


def person_matches_insert(
    people: QuerySet[Any], *, rule_set_id: int, rule_id: int
) -> None:
    """Writes one PersonMatch per row of `people` (a StagedPerson queryset that
    gives MATCH_ALIASES, one row per person) for the rule, in one statement."""
    inner, params = people.query.sql_with_params()
    columns = ", ".join(
        _column(PersonMatch, name) for name in ("rule_set", "rule", *MATCH_COLUMNS)
    )
    picked = ", ".join(f"q.{_q(alias)}" for alias in MATCH_ALIASES)
    sql = (
        f"INSERT INTO {_q(PersonMatch._meta.db_table)} ({columns}) "  # noqa: S608
        f"SELECT CAST(%s AS INTEGER), CAST(%s AS INTEGER), {picked} FROM ({inner}) q"
    )
    run(connection, sql, [rule_set_id, rule_id, *params])


def _new_uuid_sql() -> str:
    """A new public_id for each inserted row: PostgreSQL has gen_random_uuid();
    SQLite stores a UUIDField as 32 hex digits, made from random bytes."""
    if connection.vendor == "postgresql":
        return "gen_random_uuid()"
    return "lower(hex(randomblob(16)))"


def _area_where(alias: str, province_code: str | None) -> tuple[str, list[Any]]:
    where = f"{alias}.{_column(PersonMatch, 'rule_set')} = %s"
    if province_code is None:
        return where, []
    return f"{where} AND {alias}.{_column(PersonMatch, 'province_code')} = %s", [
        province_code
    ]


def households_upsert(*, rule_set_id: int, province_code: str | None) -> None:
    """Adds or refreshes the TargetHousehold of every house with a PersonMatch
    of the rule set in the area (a province, or the country for None): its
    need score (the weights of the distinct rules its people meet), rules met,
    people found, sources (the OR of its people's masks) and subdistrict (the
    smallest code among its people's: deterministic when sources disagree on
    where a house is; its district and province from the map). The status and
    decision of a household that exists stay; `screened_out` becomes false.
    A household whose figures did not change is not written."""
    match = _q(PersonMatch._meta.db_table)
    house = _column(PersonMatch, "house_code")
    person = _column(PersonMatch, "personal_id")
    sources = _column(PersonMatch, "sources")
    rule_col = _column(PersonMatch, "rule")
    subdistrict = _column(PersonMatch, "subdistrict")
    where_p, area_p = _area_where("m", province_code)
    where_r, area_r = _area_where("m", province_code)
    # The OR of the people's masks, one bit at a time (SQLite has no BIT_OR).
    mask = " + ".join(f"MAX(m.{sources} & {bit})" for bit in SOURCE_BITS.values())
    households = _q(TargetHousehold._meta.db_table)
    # The columns a later run refreshes on a household already listed.
    refreshed = (
        "subdistrict",
        "district_code",
        "province_code",
        "need_score",
        "rules_met",
        "people_found",
        "sources",
        "screened_out",
    )
    target = {
        name: _column(TargetHousehold, name)
        for name in (
            "public_id",
            "rule_set",
            "house_code",
            *refreshed,
            "status",
            "removal_reason",
        )
    }
    sub_table = _q(Subdistrict._meta.db_table)
    district_table = _q(District._meta.db_table)
    sql = (
        f"INSERT INTO {households} ({', '.join(target.values())}) "  # noqa: S608
        f"SELECT {_new_uuid_sql()}, CAST(%s AS INTEGER), p.house_code, s.{_q('code')}, "
        f"s.{_column(Subdistrict, 'district')}, d.{_column(District, 'province')}, "
        "n.need_score, n.rules_met, p.people_found, p.mask, FALSE, %s, '' "
        f"FROM (SELECT m.{house} AS house_code, COUNT(DISTINCT m.{person}) "
        f"AS people_found, MIN(m.{subdistrict}) AS subdistrict_id, {mask} AS mask "
        f"FROM {match} m WHERE {where_p} GROUP BY m.{house}) p "
        "JOIN (SELECT hr.house_code, SUM(r.weight) AS need_score, "
        "COUNT(*) AS rules_met FROM "
        f"(SELECT DISTINCT m.{house} AS house_code, m.{rule_col} AS rule_id "
        f"FROM {match} m WHERE {where_r}) hr "
        f"JOIN {_q(Rule._meta.db_table)} r ON r.{_q('id')} = hr.rule_id "
        "GROUP BY hr.house_code) n ON n.house_code = p.house_code "
        f"JOIN {sub_table} s ON s.{_q('code')} = p.subdistrict_id "
        f"JOIN {district_table} d ON d.{_q('code')} = "
        f"s.{_column(Subdistrict, 'district')} "
        "WHERE TRUE "
        f"ON CONFLICT ({target['rule_set']}, {target['house_code']}) DO UPDATE SET "
        + ", ".join(f"{target[name]} = excluded.{target[name]}" for name in refreshed)
        # Only rows whose figures changed are rewritten: a rerun over the same
        # sources leaves the table (and its five indexes) alone.
        + " WHERE "
        + " OR ".join(
            f"{households}.{target[name]} <> excluded.{target[name]}"
            for name in refreshed
        )
    )
    run(
        connection,
        sql,
        [
            rule_set_id,
            HouseholdStatus.FOUND.value,
            rule_set_id,
            *area_p,
            rule_set_id,
            *area_r,
        ],
    )


def households_not_found_delete(*, rule_set_id: int, province_code: str | None) -> None:
    """Deletes the area's undecided (found) households that the run marked
    screened out: no longer found, and nobody decided anything about them."""
    households = _q(TargetHousehold._meta.db_table)
    sql = (
        f"DELETE FROM {households} WHERE {_column(TargetHousehold, 'rule_set')} = %s "  # noqa: S608
        f"AND {_column(TargetHousehold, 'status')} = %s "
        f"AND {_column(TargetHousehold, 'screened_out')} = %s"
    )
    params: list[Any] = [rule_set_id, HouseholdStatus.FOUND.value, True]
    if province_code is not None:
        sql += f" AND {_column(TargetHousehold, 'province_code')} = %s"
        params.append(province_code)
    run(connection, sql, params)
