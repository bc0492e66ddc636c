"""Thai calendar and numerals: Buddhist-era dates, Thai digits and the fiscal year.

The one place these rules live. The Buddhist era is the common era + 543; the fiscal
year runs 1 October to 30 September and is named by the B.E. year in which it ends
(FY 2564 = 2020-10-01 .. 2021-09-30).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from pythainlp.util import arabic_digit_to_thai_digit, thai_digit_to_arabic_digit

BE_OFFSET = 543

MONTHS_TH_FULL = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_TH_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
MONTHS_EN_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def to_be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def to_ce_year(be_year: int) -> int:
    return be_year - BE_OFFSET


def thai_digits(value: object) -> str:
    """Writes every Arabic digit of `value` in Thai digits (๐-๙)."""
    return str(arabic_digit_to_thai_digit(str(value)))


def arabic_digits(text: str) -> str:
    """Reads Thai digits as Arabic ones, so input typed either way is accepted."""
    return str(thai_digit_to_arabic_digit(text))


def _local_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The first instant of `day` and of the day after, in the local time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def format_date_be(
    value: date | datetime, *, style: str = "short", language: str = "th"
) -> str:
    """A date for people to read.

    style "short" is for screens (`27 ม.ค. 2564`), "long" spells the month
    (`27 มกราคม 2564`), "official" is the long form in Thai digits for official
    documents (`๒๗ มกราคม ๒๕๖๔`). In English the common era is used (`27 Jan 2021`).
    """
    day = _local_date(value)
    if language != "th":
        if style == "short":
            return f"{day.day} {MONTHS_EN_SHORT[day.month - 1]} {day.year}"
        return f"{day.day} {day.strftime('%B')} {day.year}"
    months = MONTHS_TH_SHORT if style == "short" else MONTHS_TH_FULL
    text = f"{day.day} {months[day.month - 1]} {to_be_year(day.year)}"
    return thai_digits(text) if style == "official" else text


def format_datetime_be(value: datetime, *, language: str = "th") -> str:
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    suffix = " น." if language == "th" else ""
    return f"{format_date_be(local, language=language)} {local:%H:%M}{suffix}"


def month_start(day: date, months_after: int = 0) -> date:
    """The first day of `day`'s month, or of the month `months_after` later."""
    index = day.year * 12 + day.month - 1 + months_after
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class FiscalYear:
    """A Thai government fiscal year, named by its B.E. year."""

    be_year: int

    @property
    def start(self) -> date:
        return date(to_ce_year(self.be_year) - 1, 10, 1)

    @property
    def end(self) -> date:
        return date(to_ce_year(self.be_year), 9, 30)

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return str(self.be_year)


def fiscal_year_of(value: date | datetime) -> FiscalYear:
    """The fiscal year a day falls in: October onwards belongs to the next year."""
    day = _local_date(value)
    ce_year = day.year + 1 if day.month >= 10 else day.year
    return FiscalYear(to_be_year(ce_year))


def current_fiscal_year() -> FiscalYear:
    return fiscal_year_of(timezone.localdate())
