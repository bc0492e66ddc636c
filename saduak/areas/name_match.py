"""Matching the names people write in a table (an imported file) to the map.

A name in a spreadsheet is rarely written as the map writes it: "จ.เชียงใหม่",
"อำเภอเมือง", "Amphoe Mueang Chiang Mai", "CHIANG MAI PROVINCE", "เขต พระนคร",
"เเพร่" (two sara e for sara ae), Thai digits in a code. `name_key` puts a name in
one form (the map's names go through the same function), so all of these meet the
map's own names; a DOPA code (2 digits for a province, 4 for a district) or an
office code may be given instead of, or beside, the name.

Each name gets one of four answers (`MatchStatus`):

- **exact**: one place answers to the name (or the code) with nothing guessed;
- **likely**: no place answers to it exactly, but some are spelt closely enough
  (or the row says two things that do not agree, such as a code and a name of
  two different places): the candidates are offered for a person to confirm;
- **ambiguous**: several places answer to it exactly (a district name that exists
  in several provinces, when the row names no province);
- **unknown**: nothing answers to it.

Nothing is ever added to the map, and no name is ever dropped: the caller
reports each row's answer.

How close is close: difflib's `SequenceMatcher.ratio()` on the two keys, 2·M/T,
where M is the number of characters the two keys share in matching blocks and
T the characters of both together. A key one letter off a nine-letter name
("เชียงไหม่" for "เชียงใหม่", "chaingmai" for "chiangmai") scores 0.89; a
candidate is offered from LIKELY_RATIO (0.8) up. Short names need a closer
spelling than long ones by the same rule (one letter in four is 0.75, not
offered), which is what a reader expects. Thai and English keys are compared
with their own script only.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pythainlp.util import normalize as thai_normalize

from saduak.areas.models import District, Office, Province
from saduak.core.thai import arabic_digits

LIKELY_RATIO = 0.8
MAX_CANDIDATES = 5
MUEANG_TH = "เมือง"
MUEANG_EN = "mueang"

# Words written before a name for its level, in Thai (with the short forms,
# which need their dot: without it "อ" is the first letter of อ่างทอง) and in
# RTGS English. Removed one after another from the start of the name.
_THAI_PREFIX = re.compile(
    r"^(?:จังหวัด|จ\s*\.|กิ่ง\s*อำเภอ|กิ่ง\s*อ\s*\.|อำเภอ|อ\s*\.|เขต)\s*"
)
_ENGLISH_PREFIX = re.compile(
    r"^(?:changwat|province\s+of|king\s+amphoe|amphoe|amphur|amphor|"
    r"khet|district\s+of)\b\s*"
)
_ENGLISH_SUFFIX = re.compile(r"\s*\b(?:province|district|metropolis)$")
# What never tells two names apart: spaces, punctuation, the Thai abbreviation mark.
_MARKS = re.compile(r"[\s.,'’‘\"“”()\[\]/\\_\-–—ฯ]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# Names people use for a province that no spelling rule reaches.
PROVINCE_ALIASES: dict[str, tuple[str, ...]] = {
    "10": ("กทม", "กรุงเทพ", "bangkok", "krungthep", "krungthepmahanakhon"),
    "14": ("อยุธยา", "ayutthaya", "ayudhya"),
}


def name_key(text: str) -> str:
    """A name in the one form names are compared in: Unicode NFC, Thai typing
    slips repaired (pythainlp: doubled vowels and tone marks, two sara e for sara
    ae, sara am typed as two marks), Thai digits as Arabic, lower case, the
    level's word removed from the front ("จังหวัด", "จ.", "อำเภอ", "อ.",
    "กิ่งอำเภอ", "เขต", "Changwat", "Amphoe", "Khet") or the back ("Province",
    "District"), "Muang" spelt "Mueang", and no spaces or punctuation.
    Empty when nothing is left."""
    text = unicodedata.normalize("NFC", str(text or "")).translate(_INVISIBLE)
    text = thai_normalize(arabic_digits(text)).lower().replace("\u00a0", " ")
    text = " ".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = _THAI_PREFIX.sub("", text)
        text = _ENGLISH_PREFIX.sub("", text)
        text = _ENGLISH_SUFFIX.sub("", text).strip()
    key = _MARKS.sub("", text)
    if key.startswith("muang"):
        key = MUEANG_EN + key[len("muang") :]
    return key


def code_key(text: str) -> str:
    """A code as written (Thai digits, spaces, a trailing ".0" from a
    spreadsheet's number cell) in its plain form."""
    code = "".join(arabic_digits(str(text or "")).split()).lower()
    if re.fullmatch(r"\d+\.0+", code):
        code = code.split(".")[0]
    return code


def _is_thai(key: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in key)


class MatchStatus(StrEnum):
    EXACT = "exact"
    LIKELY = "likely"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"


class MatchReason(StrEnum):
    """Why a name got its answer (the page explains each in words)."""

    NAME = "name"  # exact by its name
    CODE = "code"  # exact by its code
    SPELLING = "spelling"  # likely: spelt closely
    CODE_AND_NAME = "code-and-name"  # likely: the code and the name disagree
    OTHER_PROVINCE = "other-province"  # likely: the name is of another province
    PROVINCE_UNSURE = "province-unsure"  # likely: the province needs confirming
    SEVERAL = "several"  # ambiguous: several places have this name
    UNKNOWN_CODE = "unknown-code"  # unknown: no place has this code
    NO_NAME = "no-name"  # unknown: the cell is empty
    NOT_FOUND = "not-found"  # unknown: nothing is named so


@dataclass(frozen=True)
class Place:
    """One province, district or office a name can mean, with the keys it
    answers to."""

    code: str
    name_th: str
    name_en: str
    province_code: str = ""
    province_name_th: str = ""
    province_name_en: str = ""
    keys: tuple[str, ...] = ()
    district_code: str = ""  # a district's own; an office's district


@dataclass(frozen=True)
class Candidate:
    code: str
    name_th: str
    name_en: str
    province_name_th: str
    province_name_en: str
    ratio: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_th": self.name_th,
            "name_en": self.name_en,
            "province_name_th": self.province_name_th,
            "province_name_en": self.province_name_en,
            "ratio": round(self.ratio, 3),
        }


def _candidate(place: Place, ratio: float = 1.0) -> Candidate:
    return Candidate(
        code=place.code,
        name_th=place.name_th,
        name_en=place.name_en,
        province_name_th=place.province_name_th,
        province_name_en=place.province_name_en,
        ratio=ratio,
    )


@dataclass(frozen=True)
class NameMatch:
    """A name's answer. `code` is set only when the status is exact."""

    status: MatchStatus
    reason: MatchReason
    code: str = ""
    candidates: tuple[Candidate, ...] = ()

    @property
    def candidate_codes(self) -> list[str]:
        return [candidate.code for candidate in self.candidates]

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "reason": str(self.reason),
            "code": self.code,
            "candidates": [candidate.as_dict() for candidate in self.candidates],
        }


def _exact(place: Place, reason: MatchReason) -> NameMatch:
    return NameMatch(MatchStatus.EXACT, reason, place.code, (_candidate(place),))


@dataclass
class PlaceIndex:
    """The places of one level, looked up by code, by key, or by a close key."""

    places: list[Place]
    by_code: dict[str, Place] = field(init=False)
    by_key: dict[str, list[Place]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_code = {place.code.lower(): place for place in self.places}
        self.by_key = {}
        for place in self.places:
            for key in dict.fromkeys(place.keys):
                self.by_key.setdefault(key, []).append(place)

    def exact(self, key: str, within: set[str] | None = None) -> list[Place]:
        return [
            place
            for place in self.by_key.get(key, [])
            if within is None or place.province_code in within
        ]

    def close(self, key: str, within: set[str] | None = None) -> list[Candidate]:
        """Places with a key of the same script at least LIKELY_RATIO alike,
        closest first (then by code), at most MAX_CANDIDATES."""
        thai = _is_thai(key)
        best: dict[str, tuple[float, Place]] = {}
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for place in self.places:
            if within is not None and place.province_code not in within:
                continue
            for candidate_key in place.keys:
                if _is_thai(candidate_key) != thai:
                    continue
                matcher.set_seq1(candidate_key)
                if matcher.real_quick_ratio() < LIKELY_RATIO:
                    continue
                if matcher.quick_ratio() < LIKELY_RATIO:
                    continue
                ratio = matcher.ratio()
                if ratio >= LIKELY_RATIO and ratio > best.get(place.code, (0.0,))[0]:
                    best[place.code] = (ratio, place)
        ranked = sorted(best.values(), key=lambda item: (-item[0], item[1].code))
        return [_candidate(place, ratio) for ratio, place in ranked[:MAX_CANDIDATES]]


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(key for key in dict.fromkeys(name_key(name) for name in names) if key)


def province_index() -> PlaceIndex:
    """The active provinces, answering to their Thai and English names and the
    aliases people use (กทม, Ayutthaya)."""
    return PlaceIndex(
        [
            Place(
                code=province.code,
                name_th=province.name_th,
                name_en=province.name_en,
                province_code=province.code,
                province_name_th=province.name_th,
                province_name_en=province.name_en,
                keys=_keys(
                    province.name_th,
                    province.name_en,
                    *PROVINCE_ALIASES.get(province.code, ()),
                ),
            )
            for province in Province.objects.filter(is_active=True).order_by("code")
        ]
    )


def _is_capital(district: District, province: Province) -> bool:
    """The province's capital district: "เมือง<province>" ("Mueang <province>"),
    or one named as the province itself (พระนครศรีอยุธยา, which has no Mueang)."""
    district_th, province_th = name_key(district.name_th), name_key(province.name_th)
    return district_th in (MUEANG_TH + province_th, province_th) or name_key(
        district.name_en
    ) == MUEANG_EN + name_key(province.name_en)


def district_index() -> PlaceIndex:
    """The active districts, answering to their Thai and English names; a
    province's capital district also to "เมือง" and "Mueang" alone (which
    names it only within its province: nationwide that is ambiguous)."""
    places = []
    districts = (
        District.objects.filter(is_active=True)
        .select_related("province")
        .order_by("code")
    )
    for district in districts:
        province = district.province
        keys = list(_keys(district.name_th, district.name_en))
        if _is_capital(district, province):
            keys += [MUEANG_TH, MUEANG_EN]
        places.append(
            Place(
                code=district.code,
                name_th=district.name_th,
                name_en=district.name_en,
                province_code=province.code,
                province_name_th=province.name_th,
                province_name_en=province.name_en,
                keys=tuple(keys),
                district_code=district.code,
            )
        )
    return PlaceIndex(places)


def office_index() -> PlaceIndex:
    """The active offices, answering to their Thai and English names (their
    code, "do-5001", is looked up as a code)."""
    offices = (
        Office.objects.filter(is_active=True)
        .select_related("province")
        .order_by("code")
    )
    return PlaceIndex(
        [
            Place(
                code=office.code,
                name_th=office.name_th,
                name_en=office.name_en,
                province_code=office.province_id or "",
                province_name_th=office.province.name_th if office.province else "",
                province_name_en=office.province.name_en if office.province else "",
                keys=_keys(office.name_th, office.name_en),
                district_code=office.district_id or "",
            )
            for office in offices
        ]
    )


class MapMatcher:
    """Matches names (and codes) of one level, "province", "district" or
    "office", optionally with the province each row names. Reads the map once
    (two or three queries) when made; make one per file."""

    LEVELS = ("province", "district", "office")

    def __init__(self, level: str) -> None:
        if level not in self.LEVELS:
            raise ValueError(f"no map names for the level {level!r}")
        self.level = level
        self.provinces = province_index()
        if level == "province":
            self.index = self.provinces
        elif level == "district":
            self.index = district_index()
        else:
            self.index = office_index()

    def match_province(self, name: str = "", code: str = "") -> NameMatch:
        return _match(self.provinces, name=name, code=code, province=None)

    def match(self, *, name: str = "", code: str = "", province: str = "") -> NameMatch:
        """The answer for one row's name and/or code; `province` is the row's
        province (name or code) when the file has such a column."""
        if self.level == "province" or not (province or "").strip():
            return _match(self.index, name=name, code=code, province=None)
        is_code = code_key(province).isdigit()
        province_match = self.match_province(
            name="" if is_code else province, code=province if is_code else ""
        )
        return _match(self.index, name=name, code=code, province=province_match)


def _match(
    index: PlaceIndex, *, name: str, code: str, province: NameMatch | None
) -> NameMatch:
    if code_key(code):
        return _match_code(index, name=name, code=code, province=province)
    key = name_key(name)
    if not key:
        return NameMatch(MatchStatus.UNKNOWN, MatchReason.NO_NAME)
    if province is None:
        return _match_key(index, key, within=None, sure=True)
    if province.status == MatchStatus.EXACT:
        found = _match_key(index, key, within={province.code}, sure=True)
        if found.status != MatchStatus.UNKNOWN:
            return found
        elsewhere = index.exact(key)
        if elsewhere:
            return NameMatch(
                MatchStatus.LIKELY,
                MatchReason.OTHER_PROVINCE,
                candidates=tuple(_candidate(place) for place in elsewhere),
            )
        return found
    # The province itself is misspelt, ambiguous or unknown: its candidates
    # narrow the name down, but whatever is found needs a person's eye.
    within = set(province.candidate_codes) or None
    found = _match_key(index, key, within=within, sure=False)
    if found.status == MatchStatus.UNKNOWN and within is not None:
        found = _match_key(index, key, within=None, sure=False)
    return found


def _match_key(
    index: PlaceIndex, key: str, *, within: set[str] | None, sure: bool
) -> NameMatch:
    places = index.exact(key, within)
    if len(places) == 1:
        if sure:
            return _exact(places[0], MatchReason.NAME)
        return NameMatch(
            MatchStatus.LIKELY,
            MatchReason.PROVINCE_UNSURE,
            candidates=(_candidate(places[0]),),
        )
    if places:
        return NameMatch(
            MatchStatus.AMBIGUOUS,
            MatchReason.SEVERAL,
            candidates=tuple(_candidate(place) for place in places),
        )
    close = index.close(key, within)
    if close:
        return NameMatch(
            MatchStatus.LIKELY, MatchReason.SPELLING, candidates=tuple(close)
        )
    return NameMatch(MatchStatus.UNKNOWN, MatchReason.NOT_FOUND)


def _match_code(
    index: PlaceIndex, *, name: str, code: str, province: NameMatch | None
) -> NameMatch:
    place = index.by_code.get(code_key(code))
    if place is None:
        return NameMatch(MatchStatus.UNKNOWN, MatchReason.UNKNOWN_CODE)
    disagree: list[Place] = []
    key = name_key(name)
    if key and key not in place.keys:
        disagree = [other for other in index.exact(key) if other.code != place.code]
        if disagree or not _close_to(key, place):
            return NameMatch(
                MatchStatus.LIKELY,
                MatchReason.CODE_AND_NAME,
                candidates=tuple(_candidate(p) for p in [place, *disagree]),
            )
    if province is not None and (
        province.status != MatchStatus.EXACT or province.code != place.province_code
    ):
        return NameMatch(
            MatchStatus.LIKELY,
            MatchReason.PROVINCE_UNSURE,
            candidates=(_candidate(place),),
        )
    return _exact(place, MatchReason.CODE)


def _close_to(key: str, place: Place) -> bool:
    return any(
        difflib.SequenceMatcher(None, key, candidate).ratio() >= LIKELY_RATIO
        for candidate in place.keys
    )
