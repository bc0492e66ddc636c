"""Synthetic people for Social Match: the bench (bench/social_targets.py,
docs/bench-social.md) and the demo.

Deterministic: the same subdistricts, scale and seed give the same people,
households, personal IDs and rows, byte for byte. Nothing here touches the
database; it writes files in the sources' layouts, which the real import
(`services/sources.py`) then reads.

The shares follow the national figures (TPMAP cross-confirms the basic
minimum needs survey of about 36 million people with the welfare card register
of about 11 million): at `scale=1` about 38 million people, of whom the survey
(BMN, จปฐ.) covers the households of about 36 million, the welfare card
register about 11 million (mostly people with a low income), the social map,
family data and the case system far fewer (`NATIONAL`). About 30% of the
people live in a household with an income under 3,000 THB a month.

People live in households (a house code of 11 digits: the district's four
digits, six running digits, a check digit) of 1 to 6 people. Personal IDs are
13 digits with a valid check digit, distinct within a run: a category digit,
the district's four digits, seven running digits (the district's n-th person,
shuffled by a bijection of 10^7 that depends on the seed), the check digit.

Sources disagree the way real registers do: each source's version of a
person is drawn once (income off by a factor in about one row in five, a yes
or no flipped now and then, a dilapidated home reported as adequate), so a
rule that asks two sources to agree finds fewer people than one that trusts
either.

Speed: a pool of person templates per household class is drawn once, each
with what every source says, already rendered as a row with the person's own
fields left as placeholders; a person is then a template index, a name and a
personal ID (checksum from two small tables), and a row one `str.format`.
Rows are written as they are made (`write_sources`), never held.
"""

import io
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from saduak.social.choices import Housing, SourceKind
from saduak.social.facts import FACTS

# People at scale 1 (the sources' universe: survey, register and the rest).
NATIONAL_PEOPLE = 38_000_000
# What each source holds at scale 1, roughly (the generator's expected counts;
# the test checks the shares within a tolerance).
NATIONAL: dict[str, int] = {
    SourceKind.BASIC_NEEDS: 36_000_000,
    SourceKind.WELFARE_CARD: 11_000_000,
    SourceKind.FAMILY: 1_450_000,
    SourceKind.SOCIAL_MAP: 1_000_000,
    SourceKind.CASE_SYSTEM: 270_000,
}
INCOME_THRESHOLD = 3_000

# The person's own fields every source row carries, in this order as the
# placeholders {0}..{3} of a row template; {4} is the household's housing and
# {5} its deprivation in living conditions (TPMAP), which follow from it.
PERSON_FIELDS = ("personal_id", "house_code", "full_name", "subdistrict_code")
_HOUSEHOLD_FIELDS = ("housing", "lacks_living")

# The facts each source gives, in its default column order (the default
# headers are the names themselves; `write_sources` takes any mapping).
SOURCE_FACTS: dict[str, tuple[str, ...]] = {
    SourceKind.BASIC_NEEDS: (
        "monthly_income",
        "health_problem",
        "newborn",
        "disabled",
        "elderly",
        "chronically_ill",
        "housing",
        "has_welfare_card",
        "welfare_access",
        "lacks_health",
        "lacks_living",
        "lacks_education",
        "lacks_income",
        "lacks_access",
    ),
    SourceKind.WELFARE_CARD: (
        "monthly_income",
        "has_welfare_card",
        "housing",
        "elderly",
        "disabled",
    ),
    SourceKind.SOCIAL_MAP: (
        "monthly_income",
        "health_problem",
        "newborn",
        "disabled",
        "elderly",
        "chronically_ill",
        "housing",
        "welfare_access",
        # The social map carries the five TPMAP-style dimensions (layouts.py).
        "lacks_health",
        "lacks_living",
        "lacks_education",
        "lacks_income",
        "lacks_access",
    ),
    SourceKind.FAMILY: (
        "monthly_income",
        "newborn",
        "elderly",
        "disabled",
        "chronically_ill",
        "housing",
    ),
    SourceKind.CASE_SYSTEM: (
        "monthly_income",
        "health_problem",
        "disabled",
        "chronically_ill",
        "has_welfare_card",
        "welfare_access",
    ),
}

DEFAULT_COLUMNS: dict[str, dict[str, str]] = {
    kind: {name: name for name in (*PERSON_FIELDS, *facts)}
    for kind, facts in SOURCE_FACTS.items()
}

FIRST_NAMES = (
    "สมชาย", "สมศักดิ์", "ประเสริฐ", "วิชัย", "สุริยา", "ธนพล", "อนุชา", "กิตติพงษ์",
    "ณัฐพล", "ชัยวัฒน์", "บุญมี", "สมบัติ", "ทองดี", "เอกชัย", "พิชิต", "วีระพงษ์",
    "สมหญิง", "มาลี", "สุนีย์", "วันเพ็ญ", "อรุณี", "ประภา", "กาญจนา", "สุภาพร",
    "นภัสสร", "พรทิพย์", "บุญเรือน", "จันทร์เพ็ญ", "รัตนา", "ศิริพร", "ปราณี", "ลำดวน",
)  # fmt: skip
SURNAMES = (
    "ใจดี", "ศรีสุข", "สุขสมบูรณ์", "แก้วมณี", "บุญมา", "ทองคำ", "พรหมมา", "จันทร์หอม",
    "ศรีวงศ์", "สายทอง", "มั่นคง", "รักไทย", "ชัยมงคล", "คำแสง", "บุญเรือง", "แสงจันทร์",
    "ทองสุข", "วงศ์ใหญ่", "สมบูรณ์ดี", "อินทร์แก้ว", "ปัญญาดี", "หอมจันทร์", "ศรีเมือง", "พลอยงาม",
    "นาคสวัสดิ์", "เพชรรัตน์", "ดวงดี", "มีสุข", "บัวขาว", "ภูมิใจ", "ทรัพย์มาก", "คงทน",
)  # fmt: skip

FAMILY_TYPES = ("ครอบครัวเดี่ยว", "ครอบครัวขยาย", "ครอบครัวเลี้ยงเดี่ยว", "ครอบครัวข้ามรุ่น")

# Household sizes 1..6 (mean about 3.1), as a 128-entry table drawn by 7 bits.
_SIZE_SHARES = ((1, 17), (2, 25), (3, 30), (4, 27), (5, 17), (6, 12))
_SIZES = tuple(size for size, count in _SIZE_SHARES for _n in range(count))
assert len(_SIZES) == 128

# Household classes: (name, share of households, P(housing none),
# P(dilapidated), P(in the social map), P(family data), P(case system)).
_CLASSES = (
    ("poor", 0.30, 0.04, 0.18, 0.068, 0.080, 0.0190),
    ("near", 0.25, 0.01, 0.05, 0.020, 0.040, 0.0040),
    ("well", 0.45, 0.002, 0.01, 0.002, 0.010, 0.0005),
)
_BMN_SHARE = NATIONAL[SourceKind.BASIC_NEEDS] / NATIONAL_PEOPLE
# P(a person holds a welfare card) by household class (adults only).
_WELFARE = {"poor": 0.735, "near": 0.41, "well": 0.091}

# The source bits of a household's membership (welfare card is per person).
_HOUSEHOLD_SOURCES = (
    SourceKind.BASIC_NEEDS,
    SourceKind.SOCIAL_MAP,
    SourceKind.FAMILY,
    SourceKind.CASE_SYSTEM,
)
_ALL_SOURCES = tuple(kind.value for kind in SourceKind)

# A bijection of 0..10^7-1 (multiplier prime to 10) shuffles the running
# numbers of personal IDs, and one of 0..10^6-1 those of house codes.
_ID_MULTIPLIER = 7_368_787
_HOUSE_MULTIPLIER = 737_371
_PID_WEIGHTS_HIGH = (8, 7, 6)  # the running number's first three digits
_PID_WEIGHTS_LOW = (5, 4, 3, 2)  # and its last four


def _weighted(value: int, width: int, weights: tuple[int, ...]) -> int:
    digits = f"{value:0{width}d}"
    return sum(
        int(digit) * weight for digit, weight in zip(digits, weights, strict=True)
    )


_PID_HIGH = tuple(_weighted(n, 3, _PID_WEIGHTS_HIGH) for n in range(1_000))
_PID_LOW = tuple(_weighted(n, 4, _PID_WEIGHTS_LOW) for n in range(10_000))
_HOUSE_HIGH = tuple(_weighted(n, 3, (7, 6, 5)) for n in range(1_000))
_HOUSE_LOW = tuple(_weighted(n, 3, (4, 3, 2)) for n in range(1_000))


def personal_id_check_digit(first_twelve: str) -> str:
    """The check digit of a Thai personal ID (as python-stdnum computes it)."""
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(first_twelve))
    return str((11 - total % 11) % 10)


def house_code_check_digit(first_ten: str) -> str:
    """The generator's check digit for an 11-digit house code (weights 11..2,
    modulo 11, like the personal ID's)."""
    total = sum(int(digit) * (11 - index) for index, digit in enumerate(first_ten))
    return str((11 - total % 11) % 10)


def render_value(name: str, value: Any) -> str:
    """A fact's value as a CSV cell: yes/no as 1/0, nothing as an empty cell."""
    if value is None:
        return ""
    if value is True:
        return "1"
    if value is False:
        return "0"
    return str(value)


@dataclass(frozen=True)
class Template:
    """One drawn person: the category digit of their personal ID, whether they
    hold a welfare card, and each source's version of their facts (housing and
    lacks_living come from the household and are None here unless the source
    misreports them)."""

    category: str
    welfare_card: bool
    facts: dict[str, dict[str, Any]]
    extras: dict[str, str] = field(default_factory=dict)


def _maybe(rng: random.Random, value: Any, flip: float) -> Any:
    """A source's version of a yes/no: flipped with probability `flip`, or
    not given (None) with probability flip / 2."""
    draw = rng.random()
    if draw < flip:
        return not value
    if draw < flip * 1.5:
        return None
    return value


def _income_report(rng: random.Random, income: int) -> int:
    """A source's version of a monthly income: the same in about 4 rows of 5,
    else off by a factor of 0.5 to 2 (rounded to 100 THB)."""
    if rng.random() < 0.8:
        return income
    return int(round(income * rng.uniform(0.5, 2.0), -2))


def _draw_template(rng: random.Random, klass: str) -> Template:
    age = rng.random()
    newborn = age < 0.015
    child = age < 0.2
    elderly = age > 0.82
    if klass == "poor":
        income = 0 if (child or rng.random() < 0.25) else rng.randrange(500, 3_000, 100)
    elif klass == "near":
        income = rng.randrange(3_000, 6_000, 100)
    else:
        income = rng.randrange(6_000, 45_000, 500)
    disabled = rng.random() < (0.05 if klass == "poor" else 0.025)
    chronically_ill = rng.random() < (0.10 if elderly else 0.04)
    health_problem = chronically_ill or disabled or rng.random() < 0.05
    welfare_card = not child and rng.random() < _WELFARE[klass]
    welfare_access = rng.random() < (0.75 if klass == "poor" else 0.92)
    true: dict[str, Any] = {
        "monthly_income": income,
        "health_problem": health_problem,
        "newborn": newborn,
        "disabled": disabled,
        "elderly": elderly,
        "chronically_ill": chronically_ill,
        "has_welfare_card": welfare_card,
        "welfare_access": welfare_access,
        "lacks_health": health_problem and rng.random() < 0.5,
        "lacks_education": rng.random() < (0.15 if klass == "poor" else 0.04),
        "lacks_income": income < INCOME_THRESHOLD,
        "lacks_access": rng.random() < (0.10 if klass == "poor" else 0.02),
    }
    facts: dict[str, dict[str, Any]] = {}
    for kind in _ALL_SOURCES:
        told: dict[str, Any] = {}
        for name, value in true.items():
            if name == "monthly_income":
                told[name] = _income_report(rng, value)
            elif kind == SourceKind.WELFARE_CARD and name == "has_welfare_card":
                told[name] = True
            else:
                told[name] = _maybe(rng, value, 0.03)
        # None: the household's own housing; else this source misreports it.
        told["housing"] = Housing.ADEQUATE.value if rng.random() < 0.03 else None
        told["lacks_living"] = None
        facts[kind] = told
    category = "3" if elderly or (not child and rng.random() < 0.5) else "1"
    if newborn:
        age = 0
    elif child:
        age = rng.randrange(1, 18)
    elif elderly:
        age = rng.randrange(60, 96)
    else:
        age = rng.randrange(18, 60)
    extras = {
        "age": str(age),
        "card_credit": "300" if income < 2_500 else "200",
        "family_type": rng.choice(FAMILY_TYPES),
    }
    return Template(
        category=category, welfare_card=welfare_card, facts=facts, extras=extras
    )


@dataclass
class Household:
    subdistrict_code: str
    house_code: str
    klass: str
    housing: str
    sources: frozenset[str]  # the household-wide sources it is in
    # (personal_id, full_name, index of the person's template in the class's pool)
    members: list[tuple[str, str, int]] = field(default_factory=list)


class Population:
    """The synthetic people of `subdistricts` (6-digit codes of the map) at
    `scale` (1 = the whole country, `NATIONAL_PEOPLE`), spread over the
    subdistricts with seeded weights. Iterating twice gives the same people."""

    def __init__(
        self,
        *,
        subdistricts: Sequence[str],
        scale: float,
        seed: int = 1,
        templates: int = 2048,
    ) -> None:
        if not subdistricts:
            raise ValueError("at least one subdistrict")
        if templates < 2 or templates & (templates - 1):
            raise ValueError("templates is a power of two")
        for code in subdistricts:
            if len(code) != 6 or not code.isdigit():
                raise ValueError(f"not a subdistrict code: {code!r}")
        self.subdistricts = list(subdistricts)
        self.scale = scale
        self.seed = seed
        self.people = max(1, round(NATIONAL_PEOPLE * scale))
        rng = random.Random(f"social-generator:{seed}")
        self.templates: dict[str, list[Template]] = {
            klass[0]: [_draw_template(rng, klass[0]) for _n in range(templates)]
            for klass in _CLASSES
        }
        weights = [rng.lognormvariate(0, 0.6) for _code in self.subdistricts]
        total = sum(weights)
        counts = [int(self.people * weight / total) for weight in weights]
        for index in range(self.people - sum(counts)):  # the remainder, one each
            counts[index % len(counts)] += 1
        self.counts = dict(zip(self.subdistricts, counts, strict=True))
        self._id_offset = rng.randrange(10**7)
        self._house_offset = rng.randrange(10**6)

    def expected(self, kind: str) -> int:
        """About how many rows the source gets (its national count x scale)."""
        return round(NATIONAL[kind] * self.scale)

    def households(self) -> Iterator[Household]:
        """Every household, subdistrict by subdistrict in the given order."""
        people_in: dict[str, int] = {}
        houses_in: dict[str, int] = {}
        templates = self.templates
        pid_high, pid_low = _PID_HIGH, _PID_LOW
        house_high, house_low = _HOUSE_HIGH, _HOUSE_LOW
        id_offset, house_offset = self._id_offset, self._house_offset
        first_names, surnames = FIRST_NAMES, SURNAMES
        size_table = _SIZES
        mask = len(templates[_CLASSES[0][0]]) - 1
        for code in self.subdistricts:
            rng = random.Random(f"{self.seed}:{code}")
            getrandbits, draw = rng.getrandbits, rng.random
            district = code[:4]
            district_sum = sum(
                int(d) * w for d, w in zip(district, (12, 11, 10, 9), strict=True)
            )
            house_sum = sum(
                int(d) * w for d, w in zip(district, (11, 10, 9, 8), strict=True)
            )
            person_n = people_in.get(district, 0)
            house_n = houses_in.get(district, 0)
            left = self.counts[code]
            while left > 0:
                size = min(size_table[getrandbits(7)], left)
                left -= size
                roll = draw()
                klass = _CLASSES[0] if roll < 0.30 else (
                    _CLASSES[1] if roll < 0.55 else _CLASSES[2]
                )  # fmt: skip
                name, _share, p_none, p_dilapidated, p_map, p_family, p_case = klass
                roll = draw()
                housing = (
                    "none"
                    if roll < p_none
                    else (
                        "dilapidated" if roll < p_none + p_dilapidated else "adequate"
                    )
                )
                sources = []
                if draw() < _BMN_SHARE:
                    sources.append(SourceKind.BASIC_NEEDS.value)
                roll = draw()
                if roll < p_case:
                    sources.append(SourceKind.CASE_SYSTEM.value)
                if roll < p_map:
                    sources.append(SourceKind.SOCIAL_MAP.value)
                if draw() < p_family:
                    sources.append(SourceKind.FAMILY.value)
                number = (house_n * _HOUSE_MULTIPLIER + house_offset) % 1_000_000
                house_n += 1
                high, low = divmod(number, 1_000)
                check = (11 - (house_sum + house_high[high] + house_low[low]) % 11) % 10
                house_code = f"{district}{number:06d}{check}"
                pool = templates[name]
                surname = surnames[getrandbits(5)]
                first = getrandbits(5)  # first names distinct within a household
                members = []
                for member in range(size):
                    index = getrandbits(16) & mask
                    template = pool[index]
                    number = (person_n * _ID_MULTIPLIER + id_offset) % 10_000_000
                    person_n += 1
                    high, low = divmod(number, 10_000)
                    category = template.category
                    total = (
                        int(category) * 13
                        + district_sum
                        + pid_high[high]
                        + pid_low[low]
                    )
                    members.append(
                        (
                            f"{category}{district}{number:07d}{(11 - total % 11) % 10}",
                            f"{first_names[(first + member * 7) % 32]} {surname}",
                            index,
                        )
                    )
                yield Household(
                    code, house_code, name, housing, frozenset(sources), members
                )
            people_in[district] = person_n
            houses_in[district] = house_n

    def rows(self, kind: str) -> Iterator[dict[str, Any]]:
        """The rows the source `kind` holds, as dicts of the person's fields
        and every fact (the source's version). For tests and small uses;
        `write_sources` is the fast way."""
        kind = SourceKind(kind).value
        for household in self.households():
            lacks_living = household.housing != Housing.ADEQUATE
            pool = self.templates[household.klass]
            for personal_id, full_name, index in household.members:
                template = pool[index]
                if not _holds(kind, household, template):
                    continue
                facts = template.facts[kind]
                row: dict[str, Any] = {
                    "personal_id": personal_id,
                    "house_code": household.house_code,
                    "full_name": full_name,
                    "subdistrict_code": household.subdistrict_code,
                }
                for name in FACTS:
                    value = facts.get(name)
                    if name == "housing":
                        value = value or household.housing
                    elif name == "lacks_living":
                        value = lacks_living
                    row[name] = value
                yield row


def _holds(kind: str, household: Household, template: Template) -> bool:
    if kind == SourceKind.WELFARE_CARD:
        return template.welfare_card
    return kind in household.sources


Render = Callable[[str, Any], str]


@dataclass(frozen=True)
class CsvLayout:
    """How to write one source as CSV: the columns in order, each a field
    (a PERSON_FIELDS name, a fact, or an extra) with its header. An extra is
    the person's own (`Template.extras`: age, card_credit, family_type) or
    else `constants`' cell, written as is into the row's format string (so
    "CS-{1}" is "CS-" and the house code); `render` turns a fact's value
    into a cell."""

    columns: Mapping[str, str]
    constants: Mapping[str, str] = field(default_factory=dict)
    render: Render = render_value
    delimiter: str = ","

    def header(self) -> str:
        return self.delimiter.join(_cell(text) for text in self.columns.values())


# Extras of the sources' layouts the templates do not draw (CsvLayout.constants).
EXTRA_CONSTANTS = {"case_number": "CS-{1}"}


def csv_layout(layout: Any, *, language: str = "th") -> CsvLayout:
    """The CSV writer's layout for a source's named layout (`layouts.Layout`:
    its columns' `target`, `header_th`, `header_en`), with Thai or English
    headers. Columns without a width (the subdistrict's and district's names,
    for files without codes) are left out: the generator writes codes."""
    columns = {
        column.target: column.header_th if language == "th" else column.header_en
        for column in layout.columns
        if column.width > 0
    }
    return CsvLayout(columns=columns, constants=EXTRA_CONSTANTS)


def _cell(text: str) -> str:
    if any(mark in text for mark in ',"\n\r{}'):
        escaped = text.replace('"', '""').replace("{", "{{").replace("}", "}}")
        return f'"{escaped}"'
    return text


def _row_format(layout: CsvLayout, kind: str, template: Template) -> str:
    """The template's row for the source, with {0}..{5} for the person's and
    the household's fields."""
    facts = template.facts[kind]
    cells = []
    for name in layout.columns:
        if name in PERSON_FIELDS:
            cells.append(f"{{{PERSON_FIELDS.index(name)}}}")
        elif name == "housing":
            told = facts.get("housing")
            cells.append("{4}" if told is None else _cell(layout.render(name, told)))
        elif name == "lacks_living":
            cells.append("{5}")
        elif name in FACTS:
            cells.append(_cell(layout.render(name, facts.get(name))))
        elif name in template.extras:
            cells.append(_cell(template.extras[name]))
        else:
            cells.append(layout.constants.get(name, ""))
    return layout.delimiter.join(cells) + "\n"


def write_sources(
    population: Population,
    outputs: Mapping[str, IO[str]],
    *,
    layouts: Mapping[str, CsvLayout] | None = None,
    header: bool = True,
    buffer_rows: int = 20_000,
) -> dict[str, int]:
    """Writes each source of `outputs` (kind -> an open text file) as CSV in
    one pass over the population, a buffer of rows at a time; returns the
    rows written per source. `layouts` defaults to DEFAULT_COLUMNS."""
    kinds = [SourceKind(kind).value for kind in outputs]
    chosen = {
        kind: (layouts or {}).get(kind) or CsvLayout(columns=DEFAULT_COLUMNS[kind])
        for kind in kinds
    }
    formats: dict[str, dict[str, list[str]]] = {}
    for kind in kinds:
        layout = chosen[kind]
        formats[kind] = {
            klass: [_row_format(layout, kind, template) for template in pool]
            for klass, pool in population.templates.items()
        }
        if header:
            outputs[kind].write(layout.header() + "\n")
    housing_cells = {
        kind: {
            value: _cell(chosen[kind].render("housing", value))
            for value in Housing.values
        }
        for kind in kinds
    }
    living_cells = {
        kind: {
            value: _cell(chosen[kind].render("lacks_living", value))
            for value in (True, False)
        }
        for kind in kinds
    }
    welfare = SourceKind.WELFARE_CARD.value
    welfare_cards = {
        klass: [template.welfare_card for template in pool]
        for klass, pool in population.templates.items()
    }
    buffers: dict[str, list[str]] = {kind: [] for kind in kinds}
    counts = dict.fromkeys(kinds, 0)
    pending = 0
    for household in population.households():
        klass = household.klass
        for kind in kinds:
            if kind != welfare and kind not in household.sources:
                continue
            row_formats = formats[kind][klass]
            housing = housing_cells[kind][household.housing]
            living = living_cells[kind][household.housing != "adequate"]
            house_code, code = household.house_code, household.subdistrict_code
            buffer = buffers[kind]
            welfare_of = welfare_cards[klass]
            for personal_id, full_name, index in household.members:
                if kind == welfare and not welfare_of[index]:
                    continue
                buffer.append(
                    row_formats[index].format(
                        personal_id, house_code, full_name, code, housing, living
                    )
                )
                pending += 1
        if pending >= buffer_rows:
            for kind in kinds:
                outputs[kind].write("".join(buffers[kind]))
                counts[kind] += len(buffers[kind])
                buffers[kind].clear()
            pending = 0
    for kind in kinds:
        outputs[kind].write("".join(buffers[kind]))
        counts[kind] += len(buffers[kind])
    return counts


def csv_bytes(
    population: Population, kind: str, *, layout: CsvLayout | None = None
) -> bytes:
    """One source as a CSV file's bytes (UTF-8), for tests and small scales."""
    out = io.StringIO()
    write_sources(population, {kind: out}, layouts={kind: layout} if layout else None)
    return out.getvalue().encode()
