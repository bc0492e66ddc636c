"""Dates as people type them on a form: day/month/year with the year in the
Buddhist era (2569), which is how Thai forms ask; a common-era year (2026) and
ISO dates (2026-01-31, what the API sends) are read too."""

import re
from datetime import date

from saduak.core.thai import arabic_digits, to_be_year, to_ce_year

ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
TYPED = re.compile(r"^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})$")
# A phone's number pad has no "/": 31012569.
DIGITS_ONLY = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
# Years from here on are Buddhist-era years: B.E. 2400 is 1857 CE, long before
# anyone who applies was born, and CE 2400 is far away.
FIRST_BE_YEAR = 2400
EARLIEST = date(1850, 1, 1)
LATEST = date(2200, 12, 31)


def parse_date_text(text: str) -> date | None:
    """The date `text` means, or None when it is not a date."""
    text = arabic_digits(str(text or "")).strip()
    found = ISO.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
    else:
        found = TYPED.match(text) or DIGITS_ONLY.match(text)
        if not found:
            return None
        day, month, year = (int(part) for part in found.groups())
        if year >= FIRST_BE_YEAR:
            year = to_ce_year(year)
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    return value if EARLIEST <= value <= LATEST else None


def be_text(value: date) -> str:
    """A date as a form shows it for editing: 31/01/2569."""
    return f"{value.day:02d}/{value.month:02d}/{to_be_year(value.year)}"
