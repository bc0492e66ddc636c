"""The synthetic people of Social Match (saduak/social/generator.py)."""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

import pytest
from stdnum.th import pin

from saduak.social.choices import SourceKind
from saduak.social.generator import (
    DEFAULT_COLUMNS,
    NATIONAL,
    Population,
    csv_bytes,
    csv_layout,
    house_code_check_digit,
    personal_id_check_digit,
    write_sources,
)

SUBDISTRICTS = [
    f"50{district:02d}{sub:02d}" for district in (1, 2) for sub in (1, 2, 3)
]


@pytest.fixture(scope="module")
def population() -> Population:
    # 19,000 people over six subdistricts of two districts.
    return Population(subdistricts=SUBDISTRICTS, scale=0.0005, seed=7)


@pytest.fixture(scope="module")
def people(population: Population) -> list[tuple[str, str, str]]:
    return [
        (personal_id, household.house_code, household.subdistrict_code)
        for household in population.households()
        for personal_id, _name, _index in household.members
    ]


def test_every_personal_id_has_a_valid_check_digit_and_none_repeats(people):
    ids = [personal_id for personal_id, _house, _code in people]
    assert all(pin.is_valid(personal_id) for personal_id in ids)
    assert len(set(ids)) == len(ids)
    # Digits 2 to 5 are the district's code.
    assert all(pid[1:5] == code[:4] for pid, _house, code in people)


def test_the_check_digit_helpers_agree_with_python_stdnum():
    assert personal_id_check_digit("310060044563") == "5"
    for first_twelve in ("110010000001", "850199999999", "300000000000"):
        assert personal_id_check_digit(first_twelve) == pin.calc_check_digit(
            first_twelve
        )
    assert len(house_code_check_digit("5001000001")) == 1


def test_the_same_seed_gives_the_same_people_and_another_seed_others(population):
    again = Population(subdistricts=SUBDISTRICTS, scale=0.0005, seed=7)
    kind = SourceKind.WELFARE_CARD
    assert csv_bytes(again, kind) == csv_bytes(population, kind)
    other = Population(subdistricts=SUBDISTRICTS, scale=0.0005, seed=8)
    first = {row["personal_id"] for row in population.rows(kind)}
    second = {row["personal_id"] for row in other.rows(kind)}
    assert len(first & second) < len(first) / 10


def test_people_live_in_households_of_one_to_six_in_one_subdistrict(population):
    sizes = Counter()
    houses = set()
    people = 0
    for household in population.households():
        code = household.house_code
        assert len(code) == 11 and code.isdigit()
        assert code.startswith(household.subdistrict_code[:4])
        assert code[10] == house_code_check_digit(code[:10])
        assert code not in houses
        houses.add(code)
        sizes[len(household.members)] += 1
        people += len(household.members)
        names = [name for _pid, name, _index in household.members]
        assert len(set(names)) == len(names)
        assert len({name.split(" ")[1] for name in names}) == 1  # one surname
    assert set(sizes) == {1, 2, 3, 4, 5, 6}
    assert 2.6 < people / len(houses) < 3.6
    # Every subdistrict gets its share and the total is the scale's.
    assert people == population.people == 19_000
    assert sum(population.counts.values()) == people
    assert all(count > 0 for count in population.counts.values())


def test_each_source_holds_about_its_national_share(population):
    written = write_sources(
        population, {kind: io.StringIO() for kind in SourceKind}, header=False
    )
    for kind, national in NATIONAL.items():
        expected = national * population.scale
        tolerance = 0.05 if kind == SourceKind.BASIC_NEEDS else 0.4
        if kind == SourceKind.WELFARE_CARD:
            tolerance = 0.12
        assert abs(written[kind] - expected) <= expected * tolerance, kind
    # BMN covers almost everyone; the welfare register is near a third.
    assert written[SourceKind.BASIC_NEEDS] > 0.9 * population.people
    assert 0.22 < written[SourceKind.WELFARE_CARD] / population.people < 0.36


def test_about_three_in_ten_of_the_survey_people_earn_under_3000_a_month(population):
    rows = list(population.rows(SourceKind.BASIC_NEEDS))
    poor = sum(1 for row in rows if row["monthly_income"] < 3_000)
    assert 0.25 < poor / len(rows) < 0.40


def test_welfare_card_holders_mostly_have_a_low_income(population):
    rows = list(population.rows(SourceKind.WELFARE_CARD))
    low = sum(1 for row in rows if row["monthly_income"] < 6_000)
    assert low / len(rows) > 0.6
    assert all(row["has_welfare_card"] is True for row in rows)


def test_sources_sometimes_disagree_about_the_same_person(population):
    survey = {
        row["personal_id"]: row for row in population.rows(SourceKind.BASIC_NEEDS)
    }
    both = [
        (survey[row["personal_id"]], row)
        for row in population.rows(SourceKind.WELFARE_CARD)
        if row["personal_id"] in survey
    ]
    assert len(both) > 1_000
    differ = sum(1 for a, b in both if a["monthly_income"] != b["monthly_income"])
    # Most agree, a good share do not: a rule asking two sources finds fewer.
    assert 0.15 < differ / len(both) < 0.6
    one_says_poor = sum(
        1
        for a, b in both
        if (a["monthly_income"] < 3_000) != (b["monthly_income"] < 3_000)
    )
    assert one_says_poor > 0


def test_the_csv_holds_the_rows_under_their_headers(population):
    kind = SourceKind.FAMILY
    parsed = list(csv.DictReader(io.StringIO(csv_bytes(population, kind).decode())))
    rows = list(population.rows(kind))
    assert len(parsed) == len(rows) > 0
    assert list(parsed[0]) == list(DEFAULT_COLUMNS[kind])
    for cells, row in zip(parsed, rows, strict=True):
        assert cells["personal_id"] == row["personal_id"]
        assert cells["house_code"] == row["house_code"]
        assert cells["full_name"] == row["full_name"]
        assert cells["monthly_income"] == str(row["monthly_income"])
        assert cells["housing"] == row["housing"]
        assert cells["elderly"] == {True: "1", False: "0", None: ""}[row["elderly"]]


@dataclass(frozen=True)
class _Column:
    target: str
    header_th: str
    header_en: str
    width: int


@dataclass(frozen=True)
class _Layout:
    columns: tuple[_Column, ...]


def test_a_named_layout_sets_the_columns_headers_and_extras(population):
    layout = _Layout(
        (
            _Column("personal_id", "เลขประจำตัวประชาชน", "personal_id", 13),
            _Column("house_code", "รหัสบ้าน", "house_code", 11),
            _Column("subdistrict_code", "รหัสตำบล", "subdistrict_code", 6),
            _Column("subdistrict_name", "ตำบล", "subdistrict", 0),
            _Column("lacks_living", "มิติความเป็นอยู่", "living", 1),
            _Column("housing", "สภาพที่อยู่อาศัย", "housing", 12),
            _Column("age", "อายุ", "age", 3),
            _Column("case_number", "เลขที่กรณี", "case_number", 20),
        )
    )
    kind = SourceKind.CASE_SYSTEM
    text = csv_bytes(population, kind, layout=csv_layout(layout)).decode()
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == [
        "เลขประจำตัวประชาชน",
        "รหัสบ้าน",
        "รหัสตำบล",
        "มิติความเป็นอยู่",
        "สภาพที่อยู่อาศัย",
        "อายุ",
        "เลขที่กรณี",
    ]
    by_house = defaultdict(set)
    for pid, house, code, living, housing, age, case in parsed[1:]:
        assert pin.is_valid(pid) and code in SUBDISTRICTS
        assert (
            living == ("0" if housing == "adequate" else "1") or housing == "adequate"
        )
        assert 0 <= int(age) < 100
        assert case == f"CS-{house}"
        by_house[house].add(housing)
    # A household's housing is one, unless a source misreports it as adequate.
    assert all(len(values - {"adequate"}) <= 1 for values in by_house.values())
    english = csv_layout(layout, language="en")
    assert list(english.columns.values())[0] == "personal_id"


def test_a_bad_subdistrict_code_is_refused():
    with pytest.raises(ValueError):
        Population(subdistricts=["5001"], scale=0.001)
