"""Moderation pages: the votes held for review (why, grouped by office and
hour, and one by one) and the comments waiting for a moderator, with the
decisions on them."""

from collections.abc import Callable
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from saduak.accounts import units
from saduak.accounts.matrix import Action, may
from saduak.accounts.permissions import acting_user, staff_required
from saduak.areas.models import Office
from saduak.core.errors import DomainError, NotFound, PermissionDeniedError
from saduak.core.forms import posted_id
from saduak.core.pagination import paginate
from saduak.feedback.choices import FACES
from saduak.feedback.forms_staff import HeldBatchForm
from saduak.feedback.models import Vote
from saduak.feedback.selectors import staff as selectors
from saduak.feedback.services import moderation
from saduak.feedback.views.staff import safe_next, unit_context

HELD_PER_PAGE = 30


@staff_required
@never_cache
def moderation_page(request: HttpRequest) -> HttpResponse:
    viewer = acting_user(request)
    unit = units.unit_requested(viewer, request.GET)
    page = paginate(
        request, selectors.held_votes(viewer=viewer, unit=unit), per_page=HELD_PER_PAGE
    )
    held = list(page.object_list)
    same_source = selectors.same_source_counts(held)
    return render(
        request,
        "feedback/staff/moderation.html",
        {
            **unit_context(request, unit),
            "groups": [
                (group, may(viewer, Action.VOTE_MODERATE, office=group.office))
                for group in selectors.held_groups(viewer=viewer, unit=unit)
            ],
            "page": page,
            "held": [
                (
                    vote,
                    same_source.get(vote.pk, 0),
                    may(viewer, Action.VOTE_MODERATE, office=vote.office),
                )
                for vote in held
            ],
            "in_review": [
                (vote, may(viewer, Action.COMMENT_MODERATE, office=vote.office))
                for vote in selectors.comments_in_review(viewer=viewer, unit=unit)[:50]
            ],
            "faces": FACES,
            "here": request.get_full_path(),
        },
    )


def _decide(
    request: HttpRequest,
    vote_key: UUID,
    service: Callable[..., Vote],
    done: str,
) -> HttpResponse:
    viewer = acting_user(request)
    vote = selectors.vote_get(viewer=viewer, public_key=vote_key)
    try:
        service(
            vote=vote,
            actor=viewer,
            expected_version=posted_id(request.POST.get("version")),
        )
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect(safe_next(request, reverse("feedback-staff:moderation")))


@staff_required
@require_POST
def vote_release_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _decide(
        request, vote_key, moderation.vote_release, _("The vote is counted.")
    )


@staff_required
@require_POST
def vote_reject_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _decide(
        request,
        vote_key,
        moderation.vote_reject,
        _("The vote is rejected and does not count."),
    )


@staff_required
@require_POST
def comment_publish_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _decide(
        request,
        vote_key,
        moderation.comment_publish,
        _("The comment is public, with personal data and abusive words masked."),
    )


@staff_required
@require_POST
def comment_hide_view(request: HttpRequest, vote_key: UUID) -> HttpResponse:
    return _decide(
        request,
        vote_key,
        moderation.comment_hide,
        _("The comment is hidden from the public pages."),
    )


@staff_required
@require_POST
def held_batch_view(request: HttpRequest) -> HttpResponse:
    """Releases or rejects all the votes held for one office on one day or
    in one hour."""
    viewer = acting_user(request)
    back = safe_next(request, reverse("feedback-staff:moderation"))
    form = HeldBatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a group of held votes from the list."))
        return redirect(back)
    office = Office.objects.filter(code=form.cleaned_data["office"]).first()
    if office is None:
        raise NotFound(_("There is no such office."))
    release = form.cleaned_data["decision"] == "release"
    day: date = form.cleaned_data["day"]
    try:
        outcome = moderation.held_votes_decide(
            office=office,
            day=day,
            hour=form.cleaned_data["hour"],
            hold_reason=form.cleaned_data["hold_reason"],
            release=release,
            actor=viewer,
        )
    except (NotFound, PermissionDeniedError):
        raise
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(back)
    message = (
        _("%(count)s held votes are counted.")
        if release
        else _("%(count)s held votes are rejected.")
    ) % {"count": outcome.decided}
    if outcome.left:
        message += " " + _(
            "%(left)s more are still held: press the button again for them."
        ) % {"left": outcome.left}
    messages.success(request, message)
    return redirect(back)
