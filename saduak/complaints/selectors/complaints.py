"""Reading complaints: staff through their read reach (the holder office, its
district and province), the complainant through their account or the secret
of the tracking link."""

import hmac

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from saduak.accounts.models import User
from saduak.accounts.scoping import read_reach
from saduak.complaints.choices import OPEN_STATUSES
from saduak.complaints.models import Complaint, ComplaintCategory, ComplaintEvent
from saduak.core.errors import NotFound
from saduak.core.references import normalise_reference

# How far a chain of merges is followed (a merged complaint's survivor may
# itself be merged later).
MERGE_DEPTH = 10
# Complaints merged into one complaint whose complainants are told.
FOLLOWERS_LIMIT = 200


def _related(queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return queryset.select_related(
        "category", "category__parent", "office", "district", "subdistrict"
    )


def complaints_for_staff(
    *,
    user: User,
    status: str | None = None,
    overdue: bool | None = None,
    category: ComplaintCategory | int | None = None,
    channel: str | None = None,
    escalated: bool | None = None,
    q: str = "",
) -> QuerySet[Complaint]:
    """The complaints held by offices `user` can read, newest first, filtered.
    `status` "open" means every open state; `category` is a category id (a
    group's id takes its leaves too); `q` is a reference or words of the
    description."""
    reach = read_reach(user)
    queryset = Complaint.objects.filter(
        reach.q(
            office="office_id",
            district="holder_district_code",
            province="holder_province_code",
        )
    )
    if status == "open":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if overdue is not None:
        queryset = queryset.filter(is_overdue=overdue)
    if isinstance(category, ComplaintCategory):
        category = category.pk
    if category is not None:
        queryset = queryset.filter(
            Q(category_id=category) | Q(category__parent_id=category)
        )
    if channel:
        queryset = queryset.filter(channel=channel)
    if escalated is not None:
        queryset = (
            queryset.filter(escalation__gt=0)
            if escalated
            else queryset.filter(escalation=0)
        )
    text = q.strip()
    if text:
        queryset = queryset.filter(
            Q(reference=normalise_reference(text)) | Q(description__icontains=text)
        )
    return _related(queryset).order_by("-received_at", "-pk")


def complaint_get_for_staff(*, reference: str, user: User) -> Complaint:
    """The complaint with `reference` if `user` can read it; NotFound otherwise
    (outside the reach is answered as if it did not exist)."""
    code = normalise_reference(reference)
    found = (
        complaints_for_staff(user=user)
        .select_related("complainant", "assigned_to", "merged_into", "open311_key")
        .filter(reference=code)
        .first()
    )
    if found is None:
        raise NotFound(
            _("There is no complaint %(reference)s that you can see.")
            % {"reference": code}
        )
    return found


def complaint_get_by_tracking(*, token: str) -> Complaint:
    """The complaint whose tracking link carries `token`; NotFound otherwise."""
    token = (token or "").strip()
    found = (
        _related(Complaint.objects.filter(tracking_token=token))
        .select_related("merged_into")
        .first()
        if 20 <= len(token) <= 64
        else None
    )
    # The lookup is by an indexed unique column; the comparison after it
    # keeps the answer's timing from saying how much of a guess was right.
    if found is None or not hmac.compare_digest(found.tracking_token, token):
        raise NotFound(
            _("This tracking link is not valid. Check the link you were sent.")
        )
    return found


def complaints_of_citizen(*, user: User) -> QuerySet[Complaint]:
    """The complaints `user` filed (signed in), newest first."""
    return _related(Complaint.objects.filter(complainant=user)).order_by(
        "-received_at", "-pk"
    )


def complaint_survivor(complaint: Complaint) -> Complaint:
    """The complaint a merged one now lives on in (itself if not merged)."""
    current = complaint
    for _step in range(MERGE_DEPTH):
        if current.merged_into_id is None:
            return current
        current = Complaint.objects.select_related("merged_into").get(
            pk=current.merged_into_id
        )
    return current


def complaint_timeline(
    *, complaint: Complaint, public_only: bool
) -> list[ComplaintEvent]:
    """The complaint's timeline, oldest first. The complainant's view
    (`public_only`) leaves out internal lines; a merged complaint's public
    timeline goes on with its survivor's public lines after the merge."""
    events = ComplaintEvent.objects.select_related(
        "from_office", "to_office", "actor", "complaint"
    ).prefetch_related("attachments")
    own = events.filter(complaint=complaint)
    if public_only:
        own = own.filter(is_public=True)
    lines = list(own.order_by("at", "id"))
    if public_only and complaint.merged_into_id is not None:
        survivor = complaint_survivor(complaint)
        merged_at = complaint.closed_at
        later = events.filter(complaint=survivor, is_public=True)
        if merged_at is not None:
            later = later.filter(at__gte=merged_at)
        lines.extend(later.order_by("at", "id"))
    return lines


def complaint_recipients(*, complaint: Complaint) -> list[Complaint]:
    """The complaints whose complainants are told of the complaint's public
    answers: itself and every complaint merged into it (and into those)."""
    found = [complaint]
    seen = {complaint.pk}
    frontier = [complaint.pk]
    for _step in range(MERGE_DEPTH):
        if not frontier or len(found) >= FOLLOWERS_LIMIT:
            break
        merged = list(
            Complaint.objects.filter(merged_into_id__in=frontier)
            .select_related("complainant")
            .exclude(pk__in=seen)
            .order_by("pk")[:FOLLOWERS_LIMIT]
        )
        frontier = [item.pk for item in merged]
        seen.update(frontier)
        found.extend(merged)
    return found[:FOLLOWERS_LIMIT]


def complaint_duplicates(
    *, complaint: Complaint, limit: int = 5
) -> list[tuple[Complaint, float]]:
    """Open complaints that may be the same as `complaint`, best first, with
    their similarity (similarity.py)."""
    from saduak.complaints.similarity import similar_complaints

    return similar_complaints(complaint=complaint, limit=limit)
