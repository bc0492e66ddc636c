"""Who may see a screened household's people, and the record of each look
(PDPA: health and welfare data are sensitive). Every page and API answer that
shows a person of a household goes through `household_people_view`: it checks
`social.person_view` over the household's district (the district's social
workers and administrator, the province's staff; never HQ, which sees
statistics only), writes a "who used my data" row for each person who has a
digital ID, and one audit event without personal IDs."""

from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise

from saduak.accounts import matrix
from saduak.accounts.choices import Role
from saduak.accounts.matrix import Action
from saduak.accounts.models import User
from saduak.accounts.scoping import active_roles
from saduak.areas.models import Office
from saduak.audit.services import audit_record
from saduak.identity.data_access import data_access_record
from saduak.identity.models import AccessChannel
from saduak.social.models import StagedPerson, TargetHousehold

DATA_ITEM = "social_welfare"


def household_rows(household: TargetHousehold) -> list[StagedPerson]:
    """Every current source row of the household's people (each source's own
    row, so that disagreements show), without checking who asks: for callers
    that checked already."""
    return list(
        StagedPerson.objects.filter(
            house_code=household.house_code,
            year=household.rule_set.year,
            superseded_by__isnull=True,
            source_import__status="applied",
        )
        .select_related("subdistrict")
        .order_by("personal_id", "kind")
    )


def office_acting_for(
    user: User, action: Action, *, district_code: str, province_code: str = ""
) -> Office | None:
    """The office at which `user` holds a role that `action` allows and that
    reaches the district (a province's staff: its province), or None: where
    a look at a household came from, and where a case worker works."""
    roles = matrix.allowed_roles(action)
    for staff_role in active_roles(user):
        if staff_role.role not in roles:
            continue
        office = staff_role.office
        if office.district_id == district_code or (
            staff_role.role == Role.PROVINCIAL_STAFF
            and office.province_id == province_code
        ):
            return office
    return None


def household_people_view(
    *, household: TargetHousehold, actor: User, purpose: str
) -> list[StagedPerson]:
    """The household's people as the sources describe them, for `actor`.

    Checks `social.person_view` over the household's district (NotFound
    outside what the actor can read). Writes a `DataAccess` row (channel
    staff_view, item `social_welfare`, `purpose` in Thai) for each person
    with a digital ID, and audits `social.household.view` with the number of
    people shown, never their IDs."""
    matrix.ensure_may(
        actor,
        Action.SOCIAL_PERSON_VIEW,
        district_code=household.district_code,
        province_code=household.province_code,
    )
    rows = household_rows(household)
    personal_ids = sorted({row.personal_id for row in rows})
    office = office_acting_for(
        actor,
        Action.SOCIAL_PERSON_VIEW,
        district_code=household.district_code,
        province_code=household.province_code,
    )
    with transaction.atomic():
        for citizen in User.objects.filter(personal_id__in=personal_ids):
            data_access_record(
                citizen=citizen,
                channel=AccessChannel.STAFF_VIEW,
                data_items=[DATA_ITEM],
                purpose=purpose,
                staff_user=actor,
                office=office,
            )
        audit_record(
            actor=actor,
            action="social.household.view",
            target=household,
            after={"people": len(personal_ids)},
            district_code=household.district_code,
            province_code=household.province_code,
        )
    return rows


def purpose_text(message: Promise | str) -> str:
    """A purpose (a `gettext_lazy` text) stored in Thai, the language of the
    record, whatever the officer's page was in."""
    with translation.override("th"):
        return str(message)
