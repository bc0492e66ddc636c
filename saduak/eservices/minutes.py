"""The minutes of a committee meeting as a PDF: an official Thai document (Thai
text, B.E. dates and Thai digits), whatever language the officer's page is in.
A meeting not yet decided prints as a draft."""

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from saduak.core.pdf import FONTS, pdf_from_template
from saduak.core.thai import format_date_be, thai_digits
from saduak.eservices.choices import CommitteeDecisionKind, MeetingStatus
from saduak.eservices.models import CommitteeMeeting

TEMPLATE = "eservices/staff/minutes_pdf.html"
DECISION_TH = {
    CommitteeDecisionKind.APPROVE: "อนุมัติ",
    CommitteeDecisionKind.REJECT: "ไม่อนุมัติ",
    "": "ยังไม่พิจารณา",
}


def baht(amount: Decimal | None) -> str:
    return thai_digits(f"{amount:,.2f}") if amount is not None else "-"


def minutes_context(meeting: CommitteeMeeting) -> dict[str, Any]:
    """What the minutes show: the meeting, its members, one row per case and
    the totals. Three queries (the meeting's office is loaded with it)."""
    decisions = list(
        meeting.decisions.select_related(
            "application__applicant", "application__service"
        )
        .only(
            "decision",
            "amount",
            "reason",
            "application__reference",
            "application__applicant__first_name",
            "application__applicant__last_name",
            "application__service__name_th",
        )
        .order_by("application__reference")
    )
    approved = [
        row for row in decisions if row.decision == CommitteeDecisionKind.APPROVE
    ]
    rejected = [
        row for row in decisions if row.decision == CommitteeDecisionKind.REJECT
    ]
    total = sum((row.amount or Decimal("0") for row in approved), Decimal("0"))
    return {
        "meeting": meeting,
        "office": meeting.office,
        "draft": meeting.status != MeetingStatus.CLOSED,
        "meets_on": format_date_be(meeting.meets_on, style="official"),
        "decided_at": format_date_be(meeting.decided_at, style="official")
        if meeting.decided_at
        else "",
        "printed_on": format_date_be(timezone.localdate(), style="official"),
        "members": [line for line in meeting.members.splitlines() if line.strip()],
        "rows": [
            {
                "number": thai_digits(position),
                "reference": row.application.reference,
                "applicant": row.application.applicant.full_name,
                "service": row.application.service.name_th,
                "decision": DECISION_TH.get(row.decision, row.decision),
                "amount": baht(row.amount)
                if row.decision == CommitteeDecisionKind.APPROVE
                else "-",
                "reason": row.reason,
            }
            for position, row in enumerate(decisions, start=1)
        ],
        "cases": thai_digits(len(decisions)),
        "approved": thai_digits(len(approved)),
        "rejected": thai_digits(len(rejected)),
        "total": baht(total),
    }


def minutes_html(meeting: CommitteeMeeting) -> str:
    return render_to_string(
        TEMPLATE, {**minutes_context(meeting), "fonts": FONTS.as_uri()}
    )


def minutes_pdf(meeting: CommitteeMeeting) -> bytes:
    return pdf_from_template(TEMPLATE, minutes_context(meeting))


def minutes_filename(meeting: CommitteeMeeting) -> str:
    return f"committee-minutes-{meeting.office.code}-{meeting.meets_on:%Y%m%d}-{meeting.pk}"
