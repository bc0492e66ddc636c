"""How far a staff member reaches. Every selector and service that touches records
tied to an office filters or checks through a Reach, so one district's officer never
sees or changes another district's records."""

from collections.abc import Iterable

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole, User
from saduak.areas.reach import Reach

__all__ = [
    "Reach",
    "active_roles",
    "has_role",
    "is_staff_member",
    "reach_of",
    "read_reach",
]


def active_roles(user: User) -> list[StaffRole]:
    """The user's active roles, loaded once per user object."""
    cached: list[StaffRole] | None = getattr(user, "_active_staff_roles", None)
    if cached is None:
        if not user.is_authenticated or not user.is_active:
            cached = []
        else:
            cached = list(
                StaffRole.objects.filter(
                    user=user, is_active=True, office__is_active=True
                )
                .select_related("office")
                .order_by("id")
            )
        user._active_staff_roles = cached  # type: ignore[attr-defined]
    return cached


def is_staff_member(user: User) -> bool:
    return bool(active_roles(user))


def has_role(user: User, roles: Iterable[Role]) -> bool:
    wanted = set(roles)
    return any(role.role in wanted for role in active_roles(user))


def reach_of(user: User, roles: Iterable[Role] | None = None) -> Reach:
    """The union of what the user's roles (all of them, or only `roles`) reach."""
    wanted = set(roles) if roles is not None else set(Role)
    everything = False
    provinces: set[str] = set()
    districts: set[str] = set()
    offices: set[int] = set()
    for staff_role in active_roles(user):
        if staff_role.role not in wanted:
            continue
        office = staff_role.office
        reaches_all = staff_role.role in (Role.HQ_ADMIN, Role.AUDITOR) or (
            staff_role.role == Role.FINANCE_OFFICER and office.province_id is None
        )
        if reaches_all:
            everything = True
        elif (
            staff_role.role in (Role.PROVINCIAL_STAFF, Role.FINANCE_OFFICER)
            and office.province_id
        ):
            provinces.add(office.province_id)
        elif (
            staff_role.role in (Role.DISTRICT_ADMIN, Role.SOCIAL_WORKER)
            and office.district_id
        ):
            districts.add(office.district_id)
        elif staff_role.role == Role.COUNTER_OFFICER:
            offices.add(office.pk)
        # An e-service administrator builds services; it reaches no office's
        # records.
    return Reach(
        everything, frozenset(provinces), frozenset(districts), frozenset(offices)
    )


def read_reach(user: User) -> Reach:
    return reach_of(user)
