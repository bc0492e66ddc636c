"""The map (provinces, districts, subdistricts keyed by DOPA geocodes) and the offices
that serve it. Areas are never deleted: an abolished area is kept, inactive, because old
records still point at it."""

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saduak.areas.choices import OfficeKind, Weekday
from saduak.areas.search import search_key
from saduak.core.models import (
    BilingualNameMixin,
    TimeStampedModel,
    in_current_language,
)


class SearchableNameMixin(BilingualNameMixin):
    """Keeps `search_key` in step with the names whenever the row is saved."""

    name_th: str
    name_en: str
    search_key: str

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = search_key(self.name_th, self.name_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name_th", "name_en"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)  # type: ignore[misc]


class AreaBase(SearchableNameMixin, models.Model):
    name_th = models.CharField(_("Thai name"), max_length=150)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    abolished_on = models.DateField(_("abolished on"), null=True, blank=True)
    # Thai and English names in geothai's normal form ("th|en"), for search.
    search_key = models.CharField(max_length=320, blank=True, editable=False)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"  # type: ignore[attr-defined]


class Province(AreaBase):
    code = models.CharField(_("province code"), max_length=2, primary_key=True)

    class Meta(AreaBase.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(AreaBase):
    code = models.CharField(_("district code"), max_length=4, primary_key=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts"
    )

    class Meta(AreaBase.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Subdistrict(AreaBase):
    code = models.CharField(_("subdistrict code"), max_length=6, primary_key=True)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="subdistricts"
    )
    postal_codes = models.CharField(_("postal codes"), max_length=60, blank=True)

    class Meta(AreaBase.Meta):
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")


class Office(SearchableNameMixin, TimeStampedModel):
    """A unit of the department: headquarters, a provincial administration office, or
    an office of a district. District-level offices carry both their district and its
    province so that scoping by province is one indexed filter."""

    code = models.SlugField(_("office code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OfficeKind.choices)
    name_th = models.CharField(_("Thai name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="offices",
    )
    address_th = models.CharField(_("address (Thai)"), max_length=300, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Where the office is (WGS 84), for "nearest first"; the office sets it.
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=420, blank=True, editable=False)

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="office_area_matches_kind",
                condition=(
                    Q(
                        kind=OfficeKind.HEADQUARTERS,
                        province__isnull=True,
                        district__isnull=True,
                    )
                    | Q(
                        kind=OfficeKind.PROVINCIAL_OFFICE,
                        province__isnull=False,
                        district__isnull=True,
                    )
                    | Q(
                        kind__in=[
                            OfficeKind.DISTRICT_OFFICE,
                            OfficeKind.DISTRICT_REGISTRY,
                            OfficeKind.LOCAL_REGISTRY,
                            OfficeKind.DAMRONGDHAM_CENTER,
                        ],
                        province__isnull=False,
                        district__isnull=False,
                    )
                ),
            )
        ]
        indexes = [
            models.Index(fields=["kind", "province", "district"]),
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self) -> str:
        return self.name


class OpeningHours(models.Model):
    """One open period of an office on a weekday; a day may have several (a lunch
    break splits it)."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["office", "weekday", "opens"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "weekday", "opens"], name="opening_unique"
            ),
            models.CheckConstraint(
                name="opening_closes_after_opens",
                condition=Q(closes__gt=models.F("opens")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Counter(models.Model):
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="counters"
    )
    number = models.PositiveSmallIntegerField(_("counter number"))
    label_th = models.CharField(_("Thai label"), max_length=100, blank=True)
    label_en = models.CharField(_("English label"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        ordering = ["office", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "number"], name="counter_number_unique"
            )
        ]

    def __str__(self) -> str:
        return in_current_language(self.label_th, self.label_en) or str(self.number)


class Holiday(BilingualNameMixin, TimeStampedModel):
    """A day offices are closed. Without an office it is a national public holiday
    (edited by HQ); with one it closes that office only."""

    date = models.DateField(_("date"))
    name_th = models.CharField(_("Thai name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, null=True, blank=True, related_name="holidays"
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                condition=Q(office__isnull=True),
                name="holiday_national_unique",
            ),
            models.UniqueConstraint(
                fields=["date", "office"],
                condition=Q(office__isnull=False),
                name="holiday_office_unique",
            ),
        ]
