"""Placing a GeoReport request in a district. We have no polygons, so a point
cannot be placed; `address_id` is a subdistrict's DOPA code, and an
`address_string` must name the subdistrict and/or district (and may name the
province or the postal code to tell places of the same name apart).

An address string is read as Thai or English words: every run of one to four
words is put in the map's search form (`saduak/areas/search.py`: no spaces,
dots or level words) and compared whole with the names of provinces, districts
and subdistricts. A word before it such as ตำบล/ต./แขวง, อำเภอ/อ./เขต,
จังหวัด/จ. (or Tambon, Khwaeng, Amphoe, Khet, Changwat) says which level it names;
"Subdistrict", "District" and "Province" after a name are left out."""

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from saduak.areas.models import District, Province, Subdistrict
from saduak.areas.search import SEPARATOR, normal_query

SUBDISTRICT, DISTRICT, PROVINCE = "subdistrict", "district", "province"

# Level words, in Thai before the name (often without a space) and in English
# before or after it.
_THAI_MARKERS = [
    ("ตำบล", SUBDISTRICT),
    ("แขวง", SUBDISTRICT),
    ("ต.", SUBDISTRICT),
    ("อำเภอ", DISTRICT),
    ("เขต", DISTRICT),
    ("อ.", DISTRICT),
    ("จังหวัด", PROVINCE),
    ("จ.", PROVINCE),
]
_ENGLISH_MARKERS = {
    "tambon": SUBDISTRICT,
    "khwaeng": SUBDISTRICT,
    "amphoe": DISTRICT,
    "amphur": DISTRICT,
    "khet": DISTRICT,
    "changwat": PROVINCE,
}
_TRAILING_WORDS = {"subdistrict", "sub-district", "district", "province"}
_GLUED = re.compile(r"(?<=\S)(ตำบล|แขวง|อำเภอ|จังหวัด)")
_WORD = re.compile(r"[^\s,;/()]+")
_POSTAL = re.compile(r"^\d{5}$")
MAX_WORDS = 60
MAX_RUN = 4


class PlaceNotFound(Exception):
    """The address names no place we can find, or several: the message says which."""


@dataclass(frozen=True)
class Place:
    district: District
    subdistrict: Subdistrict | None


def place_from_address_id(code: str) -> Place:
    subdistrict = (
        Subdistrict.objects.select_related("district__province")
        .filter(code=code, is_active=True)
        .first()
    )
    if subdistrict is None:
        raise PlaceNotFound(
            _("address_id: there is no subdistrict with code %(code)s.")
            % {"code": code}
        )
    return Place(district=subdistrict.district, subdistrict=subdistrict)


@dataclass(frozen=True)
class _Term:
    key: str  # in the map's search form
    level: str | None  # the level a marker names, or None


def _words(text: str) -> list[tuple[str, str | None]]:
    """The words of the address, each with the level its marker names (the marker
    itself removed)."""
    words: list[tuple[str, str | None]] = []
    pending: str | None = None
    # Thai often glues the level word to what comes before it
    # ("หน้าที่ว่าการอำเภอจอมทอง"): it starts a word of its own.
    text = _GLUED.sub(r" \1", text)
    for word in _WORD.findall(text)[:MAX_WORDS]:
        lower = word.lower().rstrip(".")
        if lower in _TRAILING_WORDS:
            # "Suthep Subdistrict", "Mueang Chiang Mai District": the word follows
            # a name of several words; it is left out (any level may match).
            continue
        if lower in _ENGLISH_MARKERS:
            pending = _ENGLISH_MARKERS[lower]
            continue
        level = pending
        pending = None
        for marker, thai_level in _THAI_MARKERS:
            if word.startswith(marker):
                level = thai_level
                word = word[len(marker) :]
                break
        if word:
            words.append((word, level))
        elif level:
            pending = level
    return words


def _terms(words: list[tuple[str, str | None]]) -> list[_Term]:
    """Runs of 1 to MAX_RUN words; a run starting at a marked word names that level
    (and never crosses another marked word)."""
    terms: dict[tuple[str, str | None], _Term] = {}
    for start in range(len(words)):
        level = words[start][1]
        for length in range(1, MAX_RUN + 1):
            if start + length > len(words):
                break
            if length > 1 and words[start + length - 1][1] is not None:
                break
            key = normal_query(
                " ".join(word for word, _l in words[start : start + length])
            )
            if key and not key.isdigit():
                terms.setdefault((key, level), _Term(key, level))
    return list(terms.values())


def _named(queryset: QuerySet, keys: set[str]) -> QuerySet:
    """Rows whose Thai or English name is one of `keys` (whole, in search form)."""
    if not keys:
        return queryset.none()
    conditions = [
        Q(search_key__startswith=key + SEPARATOR)
        | Q(search_key__endswith=SEPARATOR + key)
        for key in sorted(keys)
    ]
    return queryset.filter(reduce(or_, conditions), is_active=True)


def place_from_address(text: str) -> Place:
    """The one district (and subdistrict, when it is named) the address names.

    Each subdistrict or district whose name appears is a reading of the address;
    a reading scores one for each level (subdistrict, district, province) named
    by words of its own, and one for a matching postal code. The best reading
    wins; readings tied at the top in one district give that district without a
    subdistrict; tied in several districts, the address is ambiguous."""
    words = _words(text)
    terms = _terms(words)
    postal = {word for word, _l in words if _POSTAL.match(word)}

    def keys_for(level: str) -> set[str]:
        return {term.key for term in terms if term.level in (None, level)}

    districts = list(
        _named(District.objects.select_related("province"), keys_for(DISTRICT))
    )
    subdistricts = list(
        _named(
            Subdistrict.objects.select_related("district__province"),
            keys_for(SUBDISTRICT),
        )
    )

    def naming(area: Province | District | Subdistrict, level: str) -> set[_Term]:
        """The words (terms) that name `area` at `level`."""
        keys = _keys_of(area)
        return {t for t in terms if t.level in (None, level) and t.key in keys}

    readings: list[tuple[int, Place]] = []
    for subdistrict in subdistricts:
        used = naming(subdistrict, SUBDISTRICT)
        by_district = naming(subdistrict.district, DISTRICT) - used
        by_province = (
            naming(subdistrict.district.province, PROVINCE) - used - by_district
        )
        score = 1 + bool(by_district) + bool(by_province)
        score += bool(postal & set(subdistrict.postal_codes.split(",")))
        readings.append((score, Place(subdistrict.district, subdistrict)))
    for district in districts:
        used = naming(district, DISTRICT)
        score = 1 + bool(naming(district.province, PROVINCE) - used)
        readings.append((score, Place(district, None)))
    if not readings:
        raise PlaceNotFound(
            _(
                "address_string: no subdistrict or district of Thailand is named in it. "
                "Name the subdistrict (ตำบล/แขวง) and district (อำเภอ/เขต), or send "
                "address_id (the subdistrict's 6-digit code)."
            )
        )
    best = max(score for score, _place in readings)
    top = [place for score, place in readings if score == best]
    if len(top) == 1:
        return top[0]
    top_districts = {place.district.code: place.district for place in top}
    if len(top_districts) == 1:
        return Place(district=top[0].district, subdistrict=None)
    names = ", ".join(
        sorted(
            f"{d.name_th} ({d.province.name_th}, {d.code})"
            for d in list(top_districts.values())[:6]
        )
    )
    raise PlaceNotFound(
        _(
            "address_string: the place is ambiguous, it may be in %(places)s. Add the "
            "district and province, or send address_id (the subdistrict's code)."
        )
        % {"places": names}
    )


def _keys_of(area: District | Subdistrict | Province) -> set[str]:
    th, _sep, en = area.search_key.partition(SEPARATOR)
    return {key for key in (th, en) if key}
