"""The directive services for the role x action walk (tests/test_role_matrix.py
through matrix_scenarios.py): Chiang Mai's own directive (issued by
`pao-50`), which its provincial staff and HQ may write, file, send and give
a letterhead; everyone else is refused and nothing changes."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from saduak.accounts.matrix import Action
from saduak.accounts.tests.matrix_walk import Scenario
from saduak.areas.models import Office
from saduak.core.uploads.sample_files import one_page_pdf
from saduak.performance.models import (
    Directive,
    LetterCounter,
    Letterhead,
    ReportRequest,
    RequestAttachment,
)
from saduak.performance.services import directives
from saduak.performance.tests.directive_factories import SYSTEM, draft, ready

# Where the walk seats each role: provincial staff at pao-50, HQ at hq.
OFFICE = "do-5001"
ISSUER = "pao-50"


def _map(request: Any) -> None:
    request.getfixturevalue("small_map")


def _draft(request: Any) -> Directive:
    _map(request)
    return draft(ISSUER, with_form=False)


def _with_file(request: Any) -> RequestAttachment:
    directive = _draft(request)
    return directives.directive_attachment_add(
        actor=SYSTEM, directive=directive, upload=_pdf()
    )


def _ready(request: Any) -> Directive:
    return ready(request.getfixturevalue("make_staff"), ISSUER)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("แนวทาง.pdf", one_page_pdf(), "application/pdf")


def _directive_state(directive: Directive) -> tuple[Any, ...]:
    stored = Directive.objects.select_related("request").get(pk=directive.pk)
    return (
        stored.body,
        stored.number,
        stored.signer_name,
        stored.request.status,
        list(LetterCounter.objects.values_list("office_id", "year", "last_number")),
    )


def _scenario(name: str, setup: Any, act: Any, state: Any) -> Scenario:
    return Scenario(Action.DIRECTIVE_ISSUE, name, OFFICE, setup, act, state)


DIRECTIVE_SCENARIOS = [
    _scenario(
        "letterhead_save",
        _map,
        lambda actor, ctx, r: directives.letterhead_save(
            actor=actor,
            office=Office.objects.get(code=ISSUER),
            book_code="ชม 0017.3",
            issuer_name="ศาลากลางจังหวัดเชียงใหม่",
            address="ถนนโชตนา เชียงใหม่",
            owner_unit="ที่ทำการปกครองจังหวัด",
        ),
        lambda ctx: list(Letterhead.objects.values_list("office_id", "book_code")),
    ),
    _scenario(
        "directive_create",
        _map,
        lambda actor, ctx, r: draft(ISSUER, actor=actor, with_form=False),
        lambda ctx: (ReportRequest.objects.count(), Directive.objects.count()),
    ),
    _scenario(
        "directive_update",
        _draft,
        lambda actor, directive, r: directives.directive_update(
            actor=actor, directive=directive, body="ขอให้รายงานภายในกำหนด"
        ),
        _directive_state,
    ),
    _scenario(
        "directive_attachment_add",
        _draft,
        lambda actor, directive, r: directives.directive_attachment_add(
            actor=actor, directive=directive, upload=_pdf()
        ),
        lambda directive: RequestAttachment.objects.count(),
    ),
    _scenario(
        "directive_attachment_remove",
        _with_file,
        lambda actor, attachment, r: directives.directive_attachment_remove(
            actor=actor, attachment=attachment
        ),
        lambda attachment: RequestAttachment.objects.count(),
    ),
    _scenario(
        "directive_send",
        _ready,
        lambda actor, directive, r: directives.directive_send(
            actor=actor, directive=directive
        ),
        _directive_state,
    ),
]
