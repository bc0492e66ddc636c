"""How far a staff member reaches. Every selector and service that touches records
tied to an office filters or checks through a Reach, so one district's officer never
sees or changes another district's records."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from saduak.accounts.choices import Role
from saduak.accounts.models import StaffRole, User
from saduak.areas.models import Office


@dataclass(frozen=True)
class Reach:
    everything: bool = False
    provinces: frozenset[str] = field(default_factory=frozenset)
    districts: frozenset[str] = field(default_factory=frozenset)
    offices: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.provinces or self.districts or self.offices)

    def q(
        self,
        *,
        office: str = "office_id",
        district: str = "district_id",
        province: str = "province_id",
    ) -> Q:
        """A filter for rows whose office, district or province columns are named by
        the arguments. An empty reach matches nothing."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if self.offices:
            condition |= Q(**{f"{office}__in": self.offices})
        if self.districts:
            condition |= Q(**{f"{district}__in": self.districts})
        if self.provinces:
            condition |= Q(**{f"{province}__in": self.provinces})
        return condition

    def offices_q(self) -> Q:
        return self.q(office="id")

    def covers_office(self, office: Office) -> bool:
        return (
            self.everything
            or office.pk in self.offices
            or (office.district_id is not None and office.district_id in self.districts)
            or (office.province_id is not None and office.province_id in self.provinces)
        )

    def covers_area(
        self, *, district_code: str | None, province_code: str | None
    ) -> bool:
        return (
            self.everything
            or (district_code is not None and district_code in self.districts)
            or (province_code is not None and province_code in self.provinces)
        )


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
        elif staff_role.role == Role.DISTRICT_ADMIN and office.district_id:
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
