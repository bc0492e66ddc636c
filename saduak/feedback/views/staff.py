"""Staff pages of the happiness vote: the overview of a unit (the country's tile
map and movers, a province's districts, a district's offices), its comments with
replies and "acted on", the words people use, and the alerts."""

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts import units
from saduak.accounts.matrix import Action, may
from saduak.accounts.models import User
from saduak.accounts.permissions import acting_user, staff_required
from saduak.core.db_router import replica_reads
from saduak.core.errors import (
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDeniedError,
)
from saduak.core.forms import add_domain_error
from saduak.core.pagination import paginate
from saduak.core.periods import PeriodForm
from saduak.feedback.choices import FACES
from saduak.feedback.forms_staff import ActedOnForm, CommentFilterForm, ReplyForm
from saduak.feedback.models import Vote
from saduak.feedback.selectors import staff as selectors
from saduak.feedback.selectors.index import index_of, series_by_month
from saduak.feedback.selectors.ranking import weekly_movers
from saduak.feedback.selectors.words import comment_words
from saduak.feedback.services.alerts import happiness_alert_acknowledge
from saduak.feedback.services.comments import vote_mark_acted_on, vote_reply

COMMENTS_PER_PAGE = 20
PERIOD_FIELDS = ("fy", "quarter", "month", "start", "end")


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The `next` address posted with a form when it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def unit_query(unit: units.Unit, request: HttpRequest, **extra: str) -> str:
    """The unit and the period of this request as a query string."""
    params = dict(unit.params)
    params.update(
        {name: request.GET[name] for name in PERIOD_FIELDS if request.GET.get(name)}
    )
    params.update({name: value for name, value in extra.items() if value})
    return urlencode(params)


def unit_context(request: HttpRequest, unit: units.Unit) -> dict[str, Any]:
    viewer = acting_user(request)
    return {
        "unit": unit,
        "parent": units.unit_parent(viewer, unit),
        "unit_query": unit_query(unit, request),
        "waiting": selectors.waiting_counts(viewer=viewer, unit=unit),
    }


@staff_required
@never_cache
@replica_reads
def dashboard(request: HttpRequest) -> HttpResponse:
    """One unit's index for a period, the units below it (the tile map of
    provinces for the country), the week's movers and the open alerts."""
    viewer = acting_user(request)
    unit = units.unit_requested(viewer, request.GET)
    form = PeriodForm(request.GET or None)
    period = form.period()
    children = selectors.unit_children(unit=unit, start=period.start, end=period.end)
    show_movers = unit.level in (units.COUNTRY, units.PROVINCE)
    rises, falls = (
        weekly_movers(today=timezone.localdate(), where=unit.where)
        if show_movers
        else ([], [])
    )
    return render(
        request,
        "feedback/staff/dashboard.html",
        {
            **unit_context(request, unit),
            "form": form,
            "period": period,
            "index": index_of(start=period.start, end=period.end, where=unit.where),
            "children": children,
            "tiles": selectors.province_tiles(children)
            if unit.level == units.COUNTRY
            else [],
            "show_movers": show_movers,
            "movers_tables": [
                (rises, _("Biggest rises"), "rises-title"),
                (falls, _("Biggest falls"), "falls-title"),
            ],
            "series": [
                (month, index, selectors.mean_bar(index))
                for month, index in series_by_month(
                    start=period.start, end=period.end, where=unit.where
                )
            ],
            "alerts": [
                (
                    alert,
                    may(
                        viewer,
                        Action.HAPPINESS_ALERT_ACKNOWLEDGE,
                        district_code=alert.district_id,
                        province_code=alert.district.province_id,
                    ),
                )
                for alert in selectors.open_alerts(viewer=viewer, unit=unit)[:20]
            ],
        },
    )


@staff_required
@never_cache
def comments(request: HttpRequest) -> HttpResponse:
    """The unit's comments with filters, newest first, each with its reply
    and "acted on" forms for those who may answer."""
    viewer = acting_user(request)
    unit = units.unit_requested(viewer, request.GET)
    form = CommentFilterForm(
        request.GET or None, offices=list(selectors.offices_of(unit))
    )
    page = paginate(
        request,
        selectors.comment_list(viewer=viewer, unit=unit, filters=form.filters()),
        per_page=COMMENTS_PER_PAGE,
    )
    return render(
        request,
        "feedback/staff/comments.html",
        {
            **unit_context(request, unit),
            "form": form,
            "page": page,
            "rows": _comment_rows(viewer, list(page.object_list)),
            "filtering": any(request.GET.get(name) for name in form.fields),
            "here": request.get_full_path(),
        },
    )


def _comment_rows(viewer: User, votes: list[Vote]) -> list[dict[str, Any]]:
    return [
        {
            "vote": vote,
            "face": FACES.get(vote.score, ""),
            "may_reply": may(viewer, Action.VOTE_REPLY, office=vote.office),
            "may_act": may(viewer, Action.VOTE_MARK_ACTED_ON, office=vote.office),
            "may_moderate_comment": may(
                viewer, Action.COMMENT_MODERATE, office=vote.office
            ),
            "may_moderate_vote": may(viewer, Action.VOTE_MODERATE, office=vote.office),
            "reply_form": ReplyForm(
                initial={"text": vote.reply, "version": vote.times_cast},
                prefix=f"r{vote.pk}",
            ),
            "acted_form": ActedOnForm(
                initial={"text": vote.action_taken, "version": vote.times_cast},
                prefix=f"a{vote.pk}",
            ),
        }
        for vote in votes
    ]


@staff_required
@never_cache
def vote_detail(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    viewer = acting_user(request)
    vote = selectors.vote_get(viewer=viewer, public_key=vote_key)
    return _vote_page(request, viewer, vote)


def _vote_page(
    request: HttpRequest,
    viewer: User,
    vote: Vote,
    *,
    reply_form: ReplyForm | None = None,
    acted_form: ActedOnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    row = _comment_rows(viewer, [vote])[0]
    detail_url = reverse("feedback-staff:vote", args=[vote.public_key])
    return render(
        request,
        "feedback/staff/vote.html",
        {
            **row,
            "reply_form": reply_form or row["reply_form"],
            "acted_form": acted_form or row["acted_form"],
            "bound_form": reply_form or acted_form,
            "open_forms": "reply" if reply_form else "acted" if acted_form else "",
            "next": safe_next(request, detail_url),
            "detail_url": detail_url,
            "comments_url": reverse("feedback-staff:comments")
            + "?"
            + urlencode({"level": "office", "code": vote.office.code}),
        },
        status=status,
    )


def _answer(request: HttpRequest, vote_key: UUID, *, reply: bool) -> HttpResponse:
    viewer = acting_user(request)
    vote = selectors.vote_get(viewer=viewer, public_key=vote_key)
    form_class = ReplyForm if reply else ActedOnForm
    form = form_class(request.POST, prefix=f"{'r' if reply else 'a'}{vote.pk}")
    detail = reverse("feedback-staff:vote", args=[vote.public_key])
    if form.is_valid():
        service = vote_reply if reply else vote_mark_acted_on
        try:
            service(
                vote=vote,
                text=form.cleaned_data["text"],
                actor=viewer,
                expected_version=form.cleaned_data["version"],
            )
        except InvalidInput as error:
            add_domain_error(form, error)
        except (NotFound, PermissionDeniedError):
            raise
        except DomainError as error:
            messages.error(request, str(error.message))
            return redirect(detail)
        else:
            messages.success(
                request,
                _("The reply is published next to the comment.")
                if reply
                else _("The comment is marked as acted on."),
            )
            return redirect(safe_next(request, detail) + f"#vote-{vote.pk}")
    forms = {"reply_form": form} if reply else {"acted_form": form}
    return _vote_page(request, viewer, vote, status=400, **forms)  # type: ignore[arg-type]


@staff_required
@require_POST
def vote_reply_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _answer(request, vote_key, reply=True)


@staff_required
@require_POST
def vote_acted_on_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _answer(request, vote_key, reply=False)


@staff_required
@never_cache
@replica_reads
def words(request: HttpRequest) -> HttpResponse:
    """The words used by most comments of the unit in the period, each a link
    to the comments that use it."""
    viewer = acting_user(request)
    unit = units.unit_requested(viewer, request.GET)
    form = PeriodForm(request.GET or None)
    period = form.period()
    return render(
        request,
        "feedback/staff/words.html",
        {
            **unit_context(request, unit),
            "form": form,
            "period": period,
            "summary": comment_words(
                where=unit.where,
                scope=f"{unit.level}:{unit.code}",
                start=period.start,
                end=period.end,
            ),
        },
    )


@staff_required
@require_POST
def alert_acknowledge_view(request: HttpRequest, alert_key: UUID) -> HttpResponse:
    viewer = acting_user(request)
    alert = selectors.alert_get(viewer=viewer, public_key=alert_key)
    try:
        happiness_alert_acknowledge(alert=alert, actor=viewer)
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The alert for %(district)s is acknowledged.")
            % {"district": alert.district.name},
        )
    return redirect(safe_next(request, reverse("feedback-staff:dashboard")))
