"""A subdistrict named in a source file matched to the map, within the
import's province (areas/name_match.py's keys and close spellings): Thai or
English, with or without ตำบล/ต./แขวง/Tambon/Khwaeng, and the district's name
beside it to tell apart subdistricts of the same name. Each distinct name of a
file is matched once (a file of millions of rows names a few thousand
subdistricts at most); an unknown, ambiguous or only closely spelt name is a
problem of every row that names it."""

import re

from saduak.areas.models import Subdistrict
from saduak.areas.name_match import Place, PlaceIndex, district_index, name_key

_PREFIX = re.compile(r"^(?:ตำบล|ต\s*\.|แขวง|tambon|khwaeng|subdistrict\s+of)\s*", re.I)
_SUFFIX = re.compile(r"\s*\b(?:subdistrict|sub-district)$", re.I)

UNKNOWN = "subdistrict-name-unknown"
AMBIGUOUS = "subdistrict-name-ambiguous"
LIKELY = "subdistrict-name-likely"
DISTRICT_UNKNOWN = "district-name-unknown"


def subdistrict_key(text: str) -> str:
    text = " ".join(str(text or "").split())
    previous = None
    while previous != text:
        previous = text
        text = _SUFFIX.sub("", _PREFIX.sub("", text)).strip()
    return name_key(text)


def _label(place: Place) -> str:
    return f"{place.code} {place.name_th} / {place.name_en}"


class SubdistrictMatcher:
    """The subdistricts of one province (every one for a national import),
    read once."""

    def __init__(self, province_code: str) -> None:
        subdistricts = Subdistrict.objects.filter(is_active=True).select_related(
            "district"
        )
        if province_code:
            subdistricts = subdistricts.filter(district__province_id=province_code)
        self.province_code = province_code
        self.index = PlaceIndex(
            [
                Place(
                    code=sub.code,
                    name_th=sub.name_th,
                    name_en=sub.name_en,
                    province_code=sub.district.province_id,
                    keys=tuple(
                        key
                        for key in dict.fromkeys(
                            (subdistrict_key(sub.name_th), subdistrict_key(sub.name_en))
                        )
                        if key
                    ),
                    district_code=sub.district_id,
                )
                for sub in subdistricts.order_by("code")
            ]
        )
        self.districts = district_index()

    def match(self, name: str, district: str) -> tuple[str | None, str, str]:
        """(code or None, problem code or "", hint) for one name pair."""
        key = subdistrict_key(name)
        if not key:
            return None, UNKNOWN, ""
        within = {self.province_code} if self.province_code else None
        places = self.index.exact(key, within)
        if district.strip():
            district_codes = {
                place.code for place in self.districts.exact(name_key(district), within)
            }
            if not district_codes:
                return None, DISTRICT_UNKNOWN, ""
            places = [p for p in places if p.district_code in district_codes]
        if len(places) == 1:
            return places[0].code, "", ""
        if places:
            return None, AMBIGUOUS, "; ".join(_label(place) for place in places[:5])
        close = self.index.close(key, within)
        if close:
            return (
                None,
                LIKELY,
                "; ".join(f"{c.code} {c.name_th} / {c.name_en}" for c in close),
            )
        return None, UNKNOWN, ""
