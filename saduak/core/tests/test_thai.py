from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from saduak.core.thai import (
    FiscalYear,
    arabic_digits,
    fiscal_year_of,
    format_date_be,
    format_datetime_be,
    thai_digits,
    to_be_year,
)


def test_the_buddhist_era_is_the_common_era_plus_543():
    assert to_be_year(2021) == 2564


def test_screens_show_short_thai_months_and_the_buddhist_year():
    assert format_date_be(date(2021, 1, 27)) == "27 ม.ค. 2564"


def test_official_documents_spell_the_month_in_thai_digits():
    assert format_date_be(date(2021, 1, 27), style="official") == "๒๗ มกราคม ๒๕๖๔"


def test_english_pages_use_the_common_era():
    assert format_date_be(date(2021, 1, 27), language="en") == "27 Jan 2021"


def test_an_aware_time_is_shown_in_bangkok_time():
    late_utc = datetime(2021, 1, 26, 18, 30, tzinfo=UTC)  # 01:30 on the 27th in Bangkok
    assert format_datetime_be(late_utc) == "27 ม.ค. 2564 01:30 น."


def test_thai_digits_round_trip():
    assert thai_digits("2564") == "๒๕๖๔"
    assert arabic_digits("๒๕๖๔") == "2564"


def test_fiscal_year_2564_runs_from_1_october_2020_to_30_september_2021():
    fiscal_year = FiscalYear(2564)
    assert (fiscal_year.start, fiscal_year.end) == (
        date(2020, 10, 1),
        date(2021, 9, 30),
    )


def test_the_day_before_the_fiscal_year_starts_belongs_to_the_year_before():
    assert fiscal_year_of(date(2020, 9, 30)).be_year == 2563
    assert fiscal_year_of(date(2020, 10, 1)).be_year == 2564


def test_the_last_day_of_the_fiscal_year_and_the_day_after():
    assert fiscal_year_of(date(2021, 9, 30)).be_year == 2564
    assert fiscal_year_of(date(2021, 10, 1)).be_year == 2565


def test_the_fiscal_year_of_a_moment_is_decided_in_bangkok_time():
    # 17:30 UTC on 30 September is already 1 October in Bangkok.
    moment = datetime(2020, 9, 30, 17, 30, tzinfo=UTC)
    assert fiscal_year_of(moment).be_year == 2564
    assert fiscal_year_of(moment - timedelta(hours=1)).be_year == 2563


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)))
def test_every_day_lies_inside_the_fiscal_year_it_is_given(day):
    fiscal_year = fiscal_year_of(day)
    assert day in fiscal_year
    assert (fiscal_year.end - fiscal_year.start).days in (364, 365)


def test_month_start_counts_months_across_years():
    from saduak.core.thai import month_start

    assert month_start(date(2026, 11, 30)) == date(2026, 11, 1)
    assert month_start(date(2026, 11, 30), 1) == date(2026, 12, 1)
    assert month_start(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert month_start(date(2026, 10, 1), 12) == date(2027, 10, 1)
