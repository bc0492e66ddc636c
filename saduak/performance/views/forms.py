"""The shared form editor (saduak/forms_engine/editor_views.py) hosted by a
draft report request (its report form) and by a GECC round being prepared
(its readiness form). Changes go through services/request_forms.py; the
pages are for those who may change the form (`directive.issue` over the
issuer office, `gecc.manage` for a round) and read-only once sent or open."""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from saduak.accounts.matrix import Action, ensure_may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.errors import NotFound
from saduak.forms_engine.editing import Operation
from saduak.forms_engine.editor_views import EditorHost, editor_urls
from saduak.performance.choices import GeccRoundStatus, RequestKind, RequestStatus
from saduak.performance.models import GeccRound, ReportRequest
from saduak.performance.services.request_forms import (
    REPORT_FIELD_TYPES,
    gecc_readiness_form_edit,
    report_form_problems,
    request_form_edit,
)

REQUEST_HOST, GECC_HOST = "request", "gecc"


def _link(name: str, args: list[Any]) -> str:
    """A page of another part of the collection (directives, GECC), or the
    staff home when that part is not mounted."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse("areas:staff-home")


class ReportFormHost(EditorHost):
    """What the report form editors share: the report field types, no
    prefill, the problems that stop sending, the page around the editor."""

    namespace = "performance-forms"
    page_name = "edit"
    field_types = REPORT_FIELD_TYPES
    prefill = False
    kind = ""
    public_id: UUID

    def url_args(self) -> list[Any]:
        return [self.kind, self.public_id]

    def problems(self) -> list[str]:
        return report_form_problems(self.definition())

    def page(self, *, title: str, back: tuple[str, str], read_only: str) -> dict:
        return {
            "editor_title": title,
            "editor_heading": _("Form of the report"),
            "editor_breadcrumbs": [{"label": back[0], "url": back[1]}],
            "editor_intro": _(
                "Each section is one page of the office's report. Tables may have "
                "number columns: the province's consolidated report sums them. "
                "Never ask for a password or another secret."
            ),
            "read_only_text": read_only,
            "problems_heading": _("Before sending:"),
            "no_sections_text": _(
                "The form has no sections yet. Add one, then its fields."
            ),
        }


class RequestFormHost(ReportFormHost):
    kind = REQUEST_HOST

    def __init__(self, request: ReportRequest) -> None:
        self.request = request
        self.public_id = request.public_id
        self.read_only = request.status != RequestStatus.DRAFT

    def definition(self) -> dict[str, Any]:
        return self.request.form or {}

    def edit(self, *, actor: Any, operation: Operation) -> None:
        request_form_edit(actor=actor, request=self.request, operation=operation)

    def context(self) -> dict[str, Any]:
        return self.page(
            title=self.request.title,
            back=(
                _("The directive"),
                _link("performance-directives:detail", [self.public_id]),
            ),
            read_only=_("The request is sent: its report form can no longer change."),
        )


class GeccFormHost(ReportFormHost):
    kind = GECC_HOST

    def __init__(self, round: GeccRound) -> None:
        self.round = round
        self.public_id = round.public_id
        self.read_only = round.status != GeccRoundStatus.DRAFT

    def definition(self) -> dict[str, Any]:
        return self.round.readiness_form or {}

    def edit(self, *, actor: Any, operation: Operation) -> None:
        gecc_readiness_form_edit(actor=actor, round=self.round, operation=operation)

    def context(self) -> dict[str, Any]:
        return {
            **self.page(
                title=_("Readiness form: %(round)s") % {"round": self.round.title},
                back=(
                    _("The GECC round"),
                    _link("performance-gecc:round", [self.round.fiscal_year]),
                ),
                read_only=_(
                    "The round is open: its readiness form can no longer change."
                ),
            ),
            "editor_heading": _("The readiness form"),
        }


def form_host(request: HttpRequest, host: str, public_id: UUID) -> EditorHost:
    """The form named by the URL, for someone who may change it: a directive's
    request (`directive.issue` over its issuer; NotFound outside what they
    can read) or a GECC round (`gecc.manage`)."""
    user = acting_user(request)
    if host == REQUEST_HOST:
        report = (
            ReportRequest.objects.select_related("issuer")
            .filter(public_id=public_id, kind=RequestKind.DIRECTIVE)
            .first()
        )
        if report is None:
            raise NotFound(_("There is no such request."))
        ensure_may(user, Action.DIRECTIVE_ISSUE, office=report.issuer)
        return RequestFormHost(report)
    if host == GECC_HOST:
        round = GeccRound.objects.filter(public_id=public_id).first()
        if round is None:
            raise NotFound(_("There is no such GECC round."))
        ensure_may(user, Action.GECC_MANAGE)
        return GeccFormHost(round)
    raise NotFound(_("There is no such form."))


def _page(view: Any) -> Any:
    return staff_required(never_cache(view))


def form_editor_urls() -> list[Any]:
    """The editor's pages: `edit` (`<host>/<public_id>/`) and its actions
    (forms_engine.editor_views.editor_urls)."""
    return editor_urls(
        "<str:host>/<uuid:public_id>/", form_host, decorate=_page, page_name="edit"
    )
