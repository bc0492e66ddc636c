"""A draft directive request and a GECC round being prepared, for the report
form editor's tests (test_request_forms.py, the matrix walk, the browser
test)."""

from datetime import date, timedelta

from saduak.areas.models import Office
from saduak.performance.choices import RequestKind, RequestRoute, RequestStatus
from saduak.performance.models import GeccRound, ReportRequest


def draft_request(issuer_code: str = "hq", **fields: object) -> ReportRequest:
    """A draft directive request issued by `issuer_code` (hq or pao-XX)."""
    issuer = Office.objects.get(code=issuer_code)
    values: dict[str, object] = {
        "kind": RequestKind.DIRECTIVE,
        "fiscal_year": 2569,
        "issuer": issuer,
        "province_id": issuer.province_id,
        "title_th": "รายงานผลการให้บริการ",
        "title_en": "Service report",
        "due_on": date.today() + timedelta(days=14),
        "route": RequestRoute.THROUGH_PROVINCES,
        "status": RequestStatus.DRAFT,
        **fields,
    }
    return ReportRequest.objects.create(**values)


def draft_round(fiscal_year: int = 2569) -> GeccRound:
    """The year's GECC round, being prepared."""
    return GeccRound.objects.create(
        fiscal_year=fiscal_year,
        title_th=f"ศูนย์ราชการสะดวก ปี {fiscal_year}",
        title_en=f"GECC {fiscal_year}",
        registration_due_on=date.today() + timedelta(days=30),
        progress_due_on=date.today() + timedelta(days=90),
    )
