"""Social Match's hand-written SQL (docs/layout.md 8.3): the set-based import
and screening that national-scale sources need (millions of rows, no per-row
Python loop). Each statement says why the ORM could not, and the bench
numbers (docs/bench-social.md)."""

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from saduak.areas.models import District, Subdistrict
from saduak.core.rows import run
from saduak.social.choices import SOURCE_BITS, HouseholdStatus
from saduak.social.models import PersonMatch, Rule, TargetHousehold

# --- Imports (staging) -----------------------------------------------------------

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


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


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
    target = {
        name: _column(TargetHousehold, name)
        for name in (
            "public_id",
            "rule_set",
            "house_code",
            "subdistrict",
            "district_code",
            "province_code",
            "need_score",
            "rules_met",
            "people_found",
            "sources",
            "screened_out",
            "status",
            "removal_reason",
        )
    }
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
