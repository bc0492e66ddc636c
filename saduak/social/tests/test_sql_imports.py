"""The imports' hand-written SQL (sql.py, "Imports"): every statement run on
the database the suite runs on (SQLite, and PostgreSQL in the second run)."""

import pytest
from django.db import transaction

from saduak.core.personal_id import clean_personal_id, with_check_digit
from saduak.social import sql
from saduak.social.choices import SourceKind
from saduak.social.layouts import LAYOUTS
from saduak.social.models import SourceImport, StagedPerson

pytestmark = pytest.mark.django_db

LAYOUT = LAYOUTS[SourceKind.BASIC_NEEDS]
TARGETS = [
    column.target
    for column in LAYOUT.columns
    if column.target not in ("subdistrict_name", "district_name")
]


def good(n: int) -> str:
    return with_check_digit(f"3{n:011d}")


def cells(**values: str) -> dict[str, str]:
    row = {
        "personal_id": good(1),
        "house_code": "H1",
        "full_name": "ชื่อ",
        "subdistrict_code": "500101",
        "monthly_income": "2500",
        "health_problem": "ใช่",
        "newborn": "",
        "disabled": "N",
        "elderly": "1",
        "chronically_ill": "false",
        "housing": "ทรุดโทรม",
        "welfare_access": "Y",
        "age": "70",
    }
    row.update(values)
    return row


def load(rows: list[dict[str, str]], targets: list[str] = TARGETS) -> None:
    sql.load_table_create([column.target for column in LAYOUT.columns])
    sql.load_rows(
        ["line", "width", *targets],
        [
            (index + 2, None, *[row[t] for t in targets])
            for index, row in enumerate(rows)
        ],
    )


@pytest.fixture
def in_transaction(small_map):
    with transaction.atomic():
        yield
        sql.load_table_drop()


def test_the_load_table_takes_rows_and_counts_them(in_transaction):
    load([cells(), cells(personal_id=good(2))])
    assert sql.load_count() == 2


def test_the_check_digit_in_sql_agrees_with_stdnum_for_many_ids(in_transaction):
    ids = [good(n) for n in range(1, 60)]
    bad = [pid[:12] + str((int(pid[12]) + n % 9 + 1) % 10) for n, pid in enumerate(ids)]
    load([cells(personal_id=pid) for pid in ids + bad])
    found, total = sql.load_problems(LAYOUT, TARGETS, "", 500)
    assert total == len(bad)
    assert {line for line, code, _ in found} == set(
        range(2 + len(ids), 2 + 2 * len(ids))
    )
    assert {code for _, code, _ in found} == {"pid-check-digit"}
    for pid in bad:
        with pytest.raises(Exception):  # noqa: B017,PT011 (stdnum agrees)
            clean_personal_id(pid)


def test_every_problem_is_found_with_its_code_by_line(in_transaction):
    load(
        [
            cells(),
            cells(personal_id=""),
            cells(personal_id="12345"),
            cells(personal_id="0" + good(3)[1:]),
            cells(house_code=""),
            cells(subdistrict_code="999999"),
            cells(subdistrict_code="100101"),
            cells(monthly_income="abc"),
            cells(monthly_income="1000000000"),
            cells(disabled="maybe"),
            cells(housing="castle"),
            cells(subdistrict_code=""),
        ]
    )
    found, total = sql.load_problems(LAYOUT, TARGETS, "50", 200)
    assert [(line, code) for line, code, _ in found] == [
        (3, "pid-missing"),
        (4, "pid-format"),
        (5, "pid-invalid"),
        (6, "house-missing"),
        (7, "subdistrict-unknown"),
        (8, "subdistrict-outside"),
        (9, "integer:monthly_income"),
        (10, "too-large:monthly_income"),
        (11, "boolean:disabled"),
        (12, "housing:housing"),
        (13, "subdistrict-missing"),
    ]
    assert total == 11
    limited, total = sql.load_problems(LAYOUT, TARGETS, "50", 3)
    assert len(limited) == 3 and total == 11


def test_duplicates_are_found_by_group_and_reported_with_the_first_line(in_transaction):
    load(
        [
            cells(),
            cells(personal_id=good(2)),
            cells(),
            cells(personal_id=f"{good(1)[:1]}-{good(1)[1:]}"),
        ]
    )
    assert sql.load_duplicates(200) == ([(4, 2), (5, 2)], 2)


def test_names_are_read_distinct_and_joined_when_the_file_gives_them(in_transaction):
    targets = [*TARGETS, "subdistrict_name", "district_name"]
    rows = [
        {**cells(subdistrict_code=""), "subdistrict_name": "ศรีภูมิ", "district_name": ""},
        {
            **cells(personal_id=good(2), subdistrict_code=""),
            "subdistrict_name": " ศรีภูมิ ",
            "district_name": "",
        },
        {
            **cells(personal_id=good(3), subdistrict_code=""),
            "subdistrict_name": "ไม่มี",
            "district_name": "",
        },
    ]
    load(rows, targets)
    assert sorted(sql.load_names()) == sorted([("ศรีภูมิ", ""), ("ไม่มี", "")])
    sql.names_table_fill(
        [
            ("ศรีภูมิ", "", "500101", "", ""),
            ("ไม่มี", "", None, "subdistrict-name-unknown", ""),
        ]
    )
    found, total = sql.load_problems(LAYOUT, targets, "50", 10)
    assert (found, total) == ([(4, "subdistrict-name-unknown", "")], 1)


def test_the_rows_are_inserted_with_their_values(in_transaction):
    load(
        [
            cells(),
            cells(
                personal_id=good(2),
                monthly_income="1,250.6",
                housing="",
                disabled="",
                age="",
            ),
        ]
    )
    sql.import_lock("basic_needs", 2569)
    imported = SourceImport.objects.create(
        kind="basic_needs",
        year=2569,
        file_name="x",
        file_sha256="0",
        layout="csv",
        retain_until="2030-01-01",
    )
    written = sql.staged_insert(
        LAYOUT, TARGETS, source_import_id=imported.pk, kind="basic_needs", year=2569
    )
    assert written == 2
    first = StagedPerson.objects.get(personal_id=good(1))
    assert (
        first.monthly_income,
        first.health_problem,
        first.newborn,
        first.disabled,
    ) == (2500, True, None, False)
    assert (
        first.elderly,
        first.chronically_ill,
        first.housing,
        first.welfare_access,
    ) == (True, False, "dilapidated", True)
    assert first.extra == {"age": "70"}
    assert (first.subdistrict_id, first.district_code, first.province_code) == (
        "500101",
        "5001",
        "50",
    )
    second = StagedPerson.objects.get(personal_id=good(2))
    assert (second.monthly_income, second.housing, second.disabled, second.extra) == (
        1251,
        "",
        None,
        {},
    )
