"""A part of the map: everything, or some provinces, districts and offices. A staff
member's roles give them one (accounts/scoping.py: `reach_of`, `read_reach`), and
every selector and service that touches records tied to an office filters or
checks through it, so one district's officer never sees or changes another
district's records. It is plain map data, so the map's own reads take it as an
argument without knowing about roles."""

from dataclasses import dataclass, field

from django.db.models import Q

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
