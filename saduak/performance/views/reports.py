"""The performance reports (docs/performance.md): a framework's dashboard for
one round and one unit (`?round=<months>&level=&code=`, the unit checked
against the viewer's read reach), and the KPI and organisation reports as PDF
(`?digits=thai` for Thai digits) and XLSX."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts import units
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.accounts.scoping import read_reach
from saduak.areas.province_shapes import CREDIT, CREDIT_URL, SHAPES_STATIC_PATH
from saduak.core.db_router import replica_reads
from saduak.core.errors import InvalidInput, NotFound, PermissionDeniedError
from saduak.core.exports import XLSX
from saduak.performance.choices import RoundStatus, UnitLevel
from saduak.performance.models import Framework, Round
from saduak.performance.reports.pdf import DIGITS, framework_report_pdf, kpi_report_pdf
from saduak.performance.reports.xlsx import framework_report_xlsx
from saduak.performance.selectors.dashboard import framework_dashboard
from saduak.performance.selectors.frameworks import framework_get, kpi_get, round_list

TEMPLATE = "performance/reports/dashboard.html"
PDF = "application/pdf"


def round_chosen(request: HttpRequest, rounds: list[Round]) -> Round | None:
    """The round of `?round=<months>` (404 for one the framework does not
    have), or the latest locked round, or the latest round."""
    asked = request.GET.get("round", "")
    if asked:
        found = next((r for r in rounds if str(r.months) == asked), None)
        if found is None:
            raise NotFound(_("This framework has no such round."))
        return found
    locked = [r for r in rounds if r.status == RoundStatus.LOCKED]
    latest = locked or rounds
    return latest[-1] if latest else None


def framework_unit(viewer: User, framework: Framework) -> units.Unit:
    """The unit the framework evaluates as accounts/units.py's Unit."""
    if framework.unit_level == UnitLevel.COUNTRY:
        return units.unit_get(viewer=viewer, level=units.COUNTRY, code="")
    return units.unit_get(
        viewer=viewer, level=framework.unit_level, code=framework.unit_code
    )


def within(framework: Framework, unit: units.Unit) -> bool:
    if framework.unit_level == UnitLevel.COUNTRY:
        return True
    if framework.unit_level == UnitLevel.PROVINCE:
        return unit.province is not None and unit.province.code == framework.unit_code
    return unit.district is not None and unit.district.code == framework.unit_code


def unit_chosen(request: HttpRequest, viewer: User, framework: Framework) -> units.Unit:
    """`?level=&code=` inside the framework's unit and the viewer's reach
    (403 outside the reach, 400 outside the framework); without them the
    framework's own unit, or the viewer's widest unit inside it."""
    if request.GET.get("level"):
        unit = units.unit_requested(viewer, request.GET)
    else:
        try:
            unit = framework_unit(viewer, framework)
        except PermissionDeniedError:
            unit = units.unit_default(viewer)
    if not within(framework, unit):
        raise InvalidInput(
            _("This framework does not evaluate %(unit)s.") % {"unit": unit.name},
            field="level",
        )
    return unit


@staff_required
@never_cache
@replica_reads
def dashboard(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Scores per component and KPI, each KPI's three-year trend, and the
    breakdown by the unit's provinces (on a map) or districts; each chart
    drawn from the table beside it."""
    viewer = acting_user(request)
    framework = framework_get(viewer=viewer, public_id=public_id)
    rounds = list(round_list(framework=framework))
    round = round_chosen(request, rounds)
    try:
        unit = unit_chosen(request, viewer, framework)
    except InvalidInput as error:
        return render(
            request,
            TEMPLATE,
            {"framework": framework, "unit_error": error.message},
            status=400,
        )
    board = framework_dashboard(
        framework=framework, round=round, unit=unit, reach=read_reach(viewer)
    )
    return render(
        request,
        TEMPLATE,
        {
            "framework": framework,
            "board": board,
            "rounds": rounds,
            "parent": units.unit_parent(viewer, unit)
            if unit.level != framework.unit_level
            else None,
            "shapes_path": SHAPES_STATIC_PATH,
            "map_credit": CREDIT,
            "map_credit_url": CREDIT_URL,
        },
    )


def _digits(request: HttpRequest) -> str:
    digits = request.GET.get("digits") or "arabic"
    if digits not in DIGITS:
        raise InvalidInput(_("Choose Arabic or Thai digits."), field="digits")
    return digits


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _framework_and_round(
    request: HttpRequest, public_id: UUID
) -> tuple[Framework, Round]:
    framework = framework_get(viewer=acting_user(request), public_id=public_id)
    round = round_chosen(request, list(round_list(framework=framework)))
    if round is None:
        raise NotFound(_("This framework has no reporting round yet."))
    return framework, round


def _report_name(framework: Framework, round: Round) -> str:
    unit = framework.unit_code or framework.unit_level
    return f"performance-{framework.fiscal_year}-{unit}-{round.months}"


def _bad_request(request: HttpRequest, error: InvalidInput) -> HttpResponse:
    return render(request, "errors/400.html", {"reason": error.message}, status=400)


@staff_required
@never_cache
@replica_reads
def framework_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The organisation's report for `?round=` as PDF (`?digits=thai`)."""
    framework, round = _framework_and_round(request, public_id)
    try:
        digits = _digits(request)
    except InvalidInput as error:
        return _bad_request(request, error)
    content = framework_report_pdf(framework=framework, round=round, digits=digits)
    return _download(content, PDF, f"{_report_name(framework, round)}.pdf")


@staff_required
@never_cache
@replica_reads
def framework_xlsx(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The organisation's report for `?round=` as an XLSX workbook."""
    framework, round = _framework_and_round(request, public_id)
    content = framework_report_xlsx(framework=framework, round=round)
    return _download(content, XLSX, f"{_report_name(framework, round)}.xlsx")


@staff_required
@never_cache
@replica_reads
def kpi_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One KPI's report for `?round=` as PDF (`?digits=thai`)."""
    kpi = kpi_get(viewer=acting_user(request), public_id=public_id)
    framework = kpi.component.framework
    round = round_chosen(request, list(round_list(framework=framework)))
    if round is None:
        raise NotFound(_("This framework has no reporting round yet."))
    try:
        digits = _digits(request)
    except InvalidInput as error:
        return _bad_request(request, error)
    content = kpi_report_pdf(kpi=kpi, round=round, digits=digits)
    name = f"{_report_name(framework, round)}-kpi-{kpi.code}.pdf"
    return _download(content, PDF, name)
