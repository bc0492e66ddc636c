"""Complaint oversight figures (docs/complaints-reports.md): for one unit (the
country, a province, a district or an office) and a period, how many
complaints were received, how many are open and overdue now, the median
working days to acknowledge and to resolve, the share acknowledged and
resolved within the category's target, and the ratings; broken down by the
units one level below, by category (top-level group and leaf), by channel, by
month (the 12 months to the period's end) and, for a district, the open
complaints by subdistrict.

Read from the rollups only (docs/layout.md 8.4, pattern A), never from the
complaints: ComplaintReportCounts (per receive day, or whole month, at a
holding office, category and channel), ComplaintDurations (the histogram of
working days, medians taken in the database by `core.rollups.
histogram_medians`) and ComplaintOpenCounts (open and overdue now). The
complaint services move them in their own transaction, so the figures are
exact right after a write. A report costs a fixed number of queries (about
twenty), whatever the number of complaints.

The period counts a cohort: the complaints *received* in the period, and of
those how many have been acknowledged, resolved (in time or not), closed,
reopened and rated so far. "Open" and "overdue" are now, whatever the
period. The unit is a complaint's *holder* (the office that has it now, with
its district and province): a complaint transferred to another district
counts there. The caller checks the unit against the viewer's reach
(`accounts.units.unit_get`); the public page builds its unit itself."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from saduak.accounts.units import COUNTRY, DISTRICT, OFFICE, PROVINCE, Unit
from saduak.areas.models import District, Office, Province, Subdistrict
from saduak.complaints.choices import Channel, DurationMeasure
from saduak.complaints.models import (
    ComplaintCategory,
    ComplaintDurations,
    ComplaintOpenCounts,
    ComplaintReportCounts,
)
from saduak.core.rollups import histogram_medians, period_q
from saduak.core.thai import MONTHS_EN_SHORT, MONTHS_TH_SHORT, month_start, to_be_year

COUNT_FIELDS = (
    "received",
    "acknowledged",
    "acknowledged_in_time",
    "resolved",
    "resolved_in_time",
    "closed",
    "reopened",
    "rated",
    "rating_sum",
)
OPEN_FIELDS = ("open", "overdue")
TREND_MONTHS = 12
# The key of rows whose holder has no district (a provincial office that took
# a complaint over) in a province's breakdown by district.
PROVINCE_HELD = "-"


@dataclass
class Figures:
    """The figures of one group. Counts are of the complaints received in the
    period; `open` and `overdue` are now. Shares and means are None when
    there is nothing to divide by."""

    received: int = 0
    acknowledged: int = 0
    acknowledged_in_time: int = 0
    resolved: int = 0
    resolved_in_time: int = 0
    closed: int = 0
    reopened: int = 0
    rated: int = 0
    rating_sum: int = 0
    open: int = 0
    overdue: int = 0
    median_acknowledge_days: float | None = None
    median_resolve_days: float | None = None

    @property
    def acknowledged_in_time_share(self) -> float | None:
        """Of the complaints acknowledged, the share acknowledged in time."""
        if self.acknowledged <= 0:
            return None
        return self.acknowledged_in_time / self.acknowledged

    @property
    def resolved_in_time_share(self) -> float | None:
        """Of the complaints resolved, the share resolved in time."""
        if self.resolved <= 0:
            return None
        return self.resolved_in_time / self.resolved

    @property
    def mean_rating(self) -> float | None:
        if self.rated <= 0:
            return None
        return self.rating_sum / self.rated

    @property
    def is_empty(self) -> bool:
        return not (self.received or self.open or self.overdue)

    def add_counts(self, values: Mapping[str, Any]) -> None:
        for name in (*COUNT_FIELDS, *OPEN_FIELDS):
            if name in values:
                setattr(self, name, getattr(self, name) + int(values[name] or 0))


@dataclass
class Row:
    """One line of a breakdown: `key` is the code (a province, district or
    office code, a category code, a channel, a month's first day in ISO, a
    subdistrict code); `level` and `code` say where a drill-down goes."""

    key: str
    label: str
    figures: Figures
    level: str = ""
    code: str = ""
    parent_label: str = ""
    bar: int = 0
    # The district of an open-data line (its Thai and English names).
    district: District | None = None


@dataclass
class ComplaintReport:
    unit: Unit
    start: date
    end: date
    total: Figures
    child_level: str | None
    children: list[Row]
    groups: list[Row]
    categories: list[Row]
    channels: list[Row]
    months: list[Row]
    subdistricts: list[Row] = field(default_factory=list)

    @property
    def max_month_received(self) -> int:
        return max((row.figures.received for row in self.months), default=0)


# --- the rollup reads -------------------------------------------------------------


def _counts(unit: Unit, start: date, end: date) -> QuerySet[ComplaintReportCounts]:
    return ComplaintReportCounts.objects.filter(
        unit.where, period_q(start, end)
    ).order_by()


def _durations(unit: Unit, start: date, end: date) -> QuerySet[ComplaintDurations]:
    return ComplaintDurations.objects.filter(
        unit.where, period_q(start, end)
    ).order_by()


def _open(unit: Unit) -> QuerySet[ComplaintOpenCounts]:
    return ComplaintOpenCounts.objects.filter(unit.where).order_by()


def _sums(fields: Sequence[str]) -> dict[str, Any]:
    return {f"{name}_sum": Sum(name) for name in fields}


def _unsummed(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name.removesuffix("_sum"): value
        for name, value in values.items()
        if name.endswith("_sum")
    }


def _grouped(
    queryset: QuerySet[Any], group: str, fields: Sequence[str]
) -> dict[Any, dict[str, Any]]:
    """{group value: {field: sum}} in one query."""
    return {
        values[group]: _unsummed(values)
        for values in queryset.values(group).annotate(**_sums(fields))
    }


def _medians(
    queryset: QuerySet[ComplaintDurations], group: str | None = None
) -> dict[tuple[Any, str], float]:
    """{(group value, measure): median working days}, in one query whatever
    the number of complaints (`histogram_medians`). Without `group`, the
    group value is None."""
    fields = [group, "measure"] if group else ["measure"]
    histogram = (
        queryset.values(*fields, "working_days")
        .annotate(n=Sum("count"))
        .values_list(*fields, "working_days", "n")
    )
    found = histogram_medians(histogram, len(fields))
    medians: dict[tuple[Any, str], float] = {}
    for key, value in found.items():
        if group:
            medians[(_normal_key(group, key[0]), str(key[1]))] = value
        else:
            medians[(None, str(key[0]))] = value
    return medians


def _normal_key(group: str, value: Any) -> Any:
    """Raw SQL gives a truncated month as text (SQLite) or a datetime
    (PostgreSQL); the grouped ORM counts have it as a date."""
    if group == "month":
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
        if isinstance(value, datetime):
            return value.date()
    return value


def _figures(
    counts: Mapping[str, Any] | None,
    opened: Mapping[str, Any] | None,
    medians: Mapping[tuple[Any, str], float],
    key: Any,
) -> Figures:
    figures = Figures()
    figures.add_counts(counts or {})
    figures.add_counts(opened or {})
    figures.median_acknowledge_days = medians.get((key, DurationMeasure.ACKNOWLEDGE))
    figures.median_resolve_days = medians.get((key, DurationMeasure.RESOLVE))
    return figures


def _breakdown(
    unit: Unit, start: date, end: date, group: str, *, with_open: bool = True
) -> tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, Any]], dict[Any, Any]]:
    """Counts, open counts and medians grouped by `group`: three queries."""
    counts = _grouped(_counts(unit, start, end), group, COUNT_FIELDS)
    opened = _grouped(_open(unit), group, OPEN_FIELDS) if with_open else {}
    medians = _medians(_durations(unit, start, end), group)
    return counts, opened, medians


def _rows(
    keys: Iterable[Any],
    counts: Mapping[Any, Mapping[str, Any]],
    opened: Mapping[Any, Mapping[str, Any]],
    medians: Mapping[tuple[Any, str], float],
) -> dict[Any, Figures]:
    return {
        key: _figures(counts.get(key), opened.get(key), medians, key) for key in keys
    }


def _bars(rows: list[Row], value: str = "received") -> list[Row]:
    """Each row's bar in twentieths of the largest value (a CSS class, no
    inline style)."""
    largest = max((getattr(row.figures, value) for row in rows), default=0)
    for row in rows:
        amount = getattr(row.figures, value)
        row.bar = round(max(amount, 0) / largest * 20) if largest > 0 else 0
    return rows


# --- the breakdowns ---------------------------------------------------------------


def _children(unit: Unit, start: date, end: date) -> tuple[str | None, list[Row]]:
    """The units one level below, every one of them (those without complaints
    too), most open first. Four queries."""
    if unit.level == COUNTRY:
        group, child_level = "province_id", PROVINCE
        named: list[tuple[object, str, str]] = [
            (province.code, province.code, province.name)
            for province in Province.objects.filter(is_active=True).order_by("code")
        ]
    elif unit.level == PROVINCE:
        group, child_level = "district_id", DISTRICT
        named = [
            (district.code, district.code, district.name)
            for district in District.objects.filter(
                province_id=unit.code, is_active=True
            ).order_by("code")
        ]
    elif unit.level == DISTRICT:
        group, child_level = "office_id", OFFICE
        named = []
    else:
        return None, []
    counts, opened, medians = _breakdown(unit, start, end, group)
    if unit.level == DISTRICT:
        # The offices that hold or held complaints (the Damrongdham center,
        # and any office a category names).
        keys = set(counts) | set(opened)
        named = [
            (office.pk, office.code, office.name)
            for office in Office.objects.filter(pk__in=keys).order_by("code")
        ]
    figures = _rows([key for key, _code, _name in named], counts, opened, medians)
    rows = [
        Row(str(code), name, figures[key], level=child_level, code=str(code))
        for key, code, name in named
    ]
    if unit.level == PROVINCE and (None in counts or None in opened):
        held = _figures(counts.get(None), opened.get(None), medians, None)
        rows.append(Row(PROVINCE_HELD, _("Held by the provincial office"), held))
    rows.sort(key=lambda row: (-row.figures.open, -row.figures.received, row.key))
    return child_level, _bars(rows, "open")


def _categories(unit: Unit, start: date, end: date) -> tuple[list[Row], list[Row]]:
    """The top-level groups and the leaves, most received first. Five queries
    (counts, open counts and medians by leaf, medians by group, the tree)."""
    counts, opened, medians = _breakdown(unit, start, end, "category_id")
    group_medians = _medians(
        _durations(unit, start, end).annotate(
            top=Coalesce(F("category__parent_id"), F("category_id"))
        ),
        "top",
    )
    tree = {category.pk: category for category in ComplaintCategory.objects.all()}
    leaves: list[Row] = []
    groups: dict[int, Figures] = {}
    for key in set(counts) | set(opened):
        category = tree.get(key)
        if category is None:
            continue
        figures = _figures(counts.get(key), opened.get(key), medians, key)
        top = tree.get(category.parent_id) if category.parent_id else category
        top = top or category
        parent_label = top.name if top.pk != category.pk else ""
        leaves.append(
            Row(category.code, category.name, figures, parent_label=parent_label)
        )
        total = groups.setdefault(top.pk, Figures())
        total.add_counts(counts.get(key) or {})
        total.add_counts(opened.get(key) or {})
    group_rows = []
    for pk, figures in groups.items():
        figures.median_acknowledge_days = group_medians.get(
            (pk, DurationMeasure.ACKNOWLEDGE)
        )
        figures.median_resolve_days = group_medians.get((pk, DurationMeasure.RESOLVE))
        group_rows.append(Row(tree[pk].code, tree[pk].name, figures))

    def order(row: Row) -> tuple[int, int, str]:
        return (-row.figures.received, -row.figures.open, row.label)

    return _bars(sorted(group_rows, key=order)), _bars(sorted(leaves, key=order))


def _channels(unit: Unit, start: date, end: date) -> list[Row]:
    """Every channel, in the order of the choices. Three queries."""
    counts, opened, medians = _breakdown(unit, start, end, "channel")
    figures = _rows([str(value) for value in Channel.values], counts, opened, medians)
    return _bars(
        [
            Row(str(value), str(label), figures[str(value)])
            for value, label in Channel.choices
        ]
    )


def month_label(value: date) -> str:
    if (get_language() or "th").startswith("en"):
        return f"{MONTHS_EN_SHORT[value.month - 1]} {value.year}"
    return f"{MONTHS_TH_SHORT[value.month - 1]} {to_be_year(value.year)}"


def trend_start(end: date) -> date:
    """The first day of the 12 months that end with `end`'s month."""
    return month_start(end, -(TREND_MONTHS - 1))


def _months(unit: Unit, end: date) -> list[Row]:
    """The 12 calendar months up to `end` (the last one up to `end`), in time
    order, months without complaints included. Two queries."""
    start = trend_start(end)
    counts = _grouped(
        _counts(unit, start, end).annotate(month=TruncMonth("day")),
        "month",
        COUNT_FIELDS,
    )
    counts = {_normal_key("month", key): value for key, value in counts.items()}
    medians = _medians(
        _durations(unit, start, end).annotate(month=TruncMonth("day")), "month"
    )
    months = [month_start(start, number) for number in range(TREND_MONTHS)]
    rows = [
        Row(
            first.isoformat(),
            month_label(first),
            _figures(counts.get(first), None, medians, first),
        )
        for first in months
    ]
    return _bars(rows)


def _subdistricts(unit: Unit) -> list[Row]:
    """The open complaints a district holds, by the subdistrict where they
    happened: every subdistrict of the district (none open too), those of
    other districts it holds complaints of (after a transfer), and one row
    for complaints that name no subdistrict; most open first. Two queries."""
    opened = _grouped(_open(unit), "subdistrict_code", OPEN_FIELDS)
    codes = [code for code in opened if code]
    subdistricts = Subdistrict.objects.filter(
        Q(district_id=unit.code, is_active=True) | Q(code__in=codes)
    ).select_related("district")
    rows = []
    for subdistrict in subdistricts:
        figures = Figures()
        figures.add_counts(opened.get(subdistrict.code) or {})
        other = subdistrict.district_id != unit.code
        rows.append(
            Row(
                subdistrict.code,
                subdistrict.name,
                figures,
                parent_label=subdistrict.district.name if other else "",
            )
        )
    if opened.get(""):
        figures = Figures()
        figures.add_counts(opened[""])
        rows.append(Row("", _("No subdistrict given"), figures))
    rows.sort(key=lambda row: (-row.figures.open, -row.figures.overdue, row.key))
    return _bars(rows, "open")


def complaints_report(*, unit: Unit, start: date, end: date) -> ComplaintReport:
    """Everything the dashboard and the public page show for `unit` over
    [start, end]: a fixed number of queries over the rollups (about twenty),
    whatever the number of complaints. The unit must have been checked
    against the viewer's reach (or be public)."""
    total = Figures()
    total.add_counts(
        _unsummed(_counts(unit, start, end).aggregate(**_sums(COUNT_FIELDS)))
    )
    total.add_counts(_unsummed(_open(unit).aggregate(**_sums(OPEN_FIELDS))))
    medians = _medians(_durations(unit, start, end))
    total.median_acknowledge_days = medians.get((None, DurationMeasure.ACKNOWLEDGE))
    total.median_resolve_days = medians.get((None, DurationMeasure.RESOLVE))
    child_level, children = _children(unit, start, end)
    groups, categories = _categories(unit, start, end)
    return ComplaintReport(
        unit=unit,
        start=start,
        end=end,
        total=total,
        child_level=child_level,
        children=children,
        groups=groups,
        categories=categories,
        channels=_channels(unit, start, end),
        months=_months(unit, end),
        subdistricts=_subdistricts(unit) if unit.level == DISTRICT else [],
    )


# --- downloads --------------------------------------------------------------------

TABLE_FIELDS = (
    "received",
    "acknowledged",
    "acknowledged_in_time",
    "resolved",
    "resolved_in_time",
    "closed",
    "reopened",
    "open",
    "overdue",
)


def report_table(report: ComplaintReport) -> tuple[list[str], list[list[object]]]:
    """One table for the CSV and XLSX downloads: a line per group of every
    breakdown, the first column naming the breakdown. No personal data: the
    rollups hold none."""
    header = [
        _("Breakdown"),
        _("Code"),
        _("Name"),
        pgettext("complaint figures", "Received"),
        pgettext("complaint figures", "Acknowledged"),
        _("Acknowledged within target"),
        pgettext("complaint figures", "Resolved"),
        _("Resolved within target"),
        _("Closed"),
        pgettext("complaint figures", "Reopened"),
        _("Open now"),
        _("Overdue now"),
        _("Median working days to acknowledge"),
        _("Median working days to resolve"),
        _("Share acknowledged within target (%)"),
        _("Share resolved within target (%)"),
        pgettext("complaint figures", "Ratings"),
        _("Mean rating (1-5)"),
    ]
    child_names = {
        PROVINCE: _("Province"),
        DISTRICT: _("District"),
        OFFICE: _("Office"),
    }
    sections: list[tuple[str, list[Row]]] = [
        (_("Total"), [Row(report.unit.code, report.unit.name, report.total)]),
        (child_names.get(report.child_level or "", ""), report.children),
        (_("Category group"), report.groups),
        (pgettext("complaint figures", "Category"), report.categories),
        (_("Channel"), report.channels),
        (_("Month received"), report.months),
        (_("Open by subdistrict"), report.subdistricts),
    ]
    rows: list[list[object]] = []
    for name, lines in sections:
        for row in lines:
            figures = row.figures
            rows.append(
                [
                    name,
                    row.key,
                    row.label,
                    *(getattr(figures, item) for item in TABLE_FIELDS),
                    _rounded(figures.median_acknowledge_days, 1),
                    _rounded(figures.median_resolve_days, 1),
                    _percent(figures.acknowledged_in_time_share),
                    _percent(figures.resolved_in_time_share),
                    figures.rated,
                    _rounded(figures.mean_rating, 2),
                ]
            )
    return header, rows


def _rounded(value: float | None, places: int) -> object:
    return "" if value is None else round(value, places)


def _percent(share: float | None) -> object:
    return "" if share is None else round(share * 100, 1)


def figures_data(figures: Figures) -> dict[str, Any]:
    """The figures as plain values for the open data's JSON."""
    return {
        **{name: getattr(figures, name) for name in TABLE_FIELDS},
        "median_working_days_to_acknowledge": figures.median_acknowledge_days,
        "median_working_days_to_resolve": figures.median_resolve_days,
        "share_acknowledged_within_target": _share(figures.acknowledged_in_time_share),
        "share_resolved_within_target": _share(figures.resolved_in_time_share),
        "ratings": figures.rated,
        "mean_rating": _share(figures.mean_rating),
    }


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def district_rows(*, unit: Unit, start: date, end: date) -> list[Row]:
    """Every active district of the unit (a province, or the country) with its
    figures, in code order: the open data. Four queries."""
    counts, opened, medians = _breakdown(unit, start, end, "district_id")
    districts = District.objects.filter(is_active=True).select_related("province")
    if unit.level == PROVINCE:
        districts = districts.filter(province_id=unit.code)
    elif unit.level == DISTRICT:
        districts = districts.filter(code=unit.code)
    rows = []
    for district in districts.order_by("code"):
        figures = _figures(
            counts.get(district.code), opened.get(district.code), medians, district.code
        )
        rows.append(
            Row(
                district.code,
                district.name,
                figures,
                level=DISTRICT,
                code=district.code,
                parent_label=district.province.name,
                district=district,
            )
        )
    return rows
