"""Synthetic happiness votes for load tests and demonstrations: millions of
counted votes over every active district-level office and the last days, loaded
straight into the table (COPY on PostgreSQL), and the rollups rebuilt from them
on the database with one INSERT ... SELECT ... GROUP BY each.

The votes look like a year of the real vote: some districts are happier than
others, busy offices (registries of big districts) get most votes, weekdays most
of them and the vote grows in use over the year, scores lean to 4 and 5, and a
few votes carry a short Thai comment. The same seed makes the same votes.

Not a service: it writes rows past vote_cast on purpose (no limits, no masking,
no per-vote rollup moves), which only a bulk load of made-up data may do."""

import hashlib
import itertools
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from psycopg.errors import ObjectInUse

from saduak.areas.choices import DISTRICT_LEVEL_KINDS, OfficeKind
from saduak.areas.models import Office, Subdistrict
from saduak.feedback.choices import CommentState, VoteChannel, VoteStatus
from saduak.feedback.models import (
    SCORES,
    DistrictDayHappiness,
    OfficeDayHappiness,
    OfficeMonthHappiness,
    Vote,
)
from saduak.feedback.rollups import rollups_rebuild

# How often each score is given in a district of average mood; a district's
# mood tilts this towards 5 or towards 1.
AVERAGE_SCORE_SHARES = (0.04, 0.06, 0.15, 0.35, 0.40)
# Spread of the districts' moods, and of offices around their district's.
DISTRICT_MOOD_SPREAD = 0.6
OFFICE_MOOD_SPREAD = 0.25
# Registries do most of the counter work (ID cards, house registration).
KIND_BUSYNESS: dict[str, float] = {
    OfficeKind.DISTRICT_REGISTRY: 1.0,
    OfficeKind.LOCAL_REGISTRY: 0.6,
    OfficeKind.DISTRICT_OFFICE: 0.5,
    OfficeKind.DAMRONGDHAM_CENTER: 0.15,
}
OFFICE_BUSYNESS_SPREAD = 0.5
# Offices are shut at weekends but for a few mobile units and Saturday
# services; use of the vote grows over the year (posters go up, word spreads).
WEEKDAY_SHARE = (1.0, 1.0, 1.0, 1.0, 1.0, 0.08, 0.03)
GROWTH_OVER_THE_PERIOD = 0.6
# Votes are cast while offices are open: 08:30-16:30 in Bangkok, which is
# 01:30-09:30 UTC of the same day.
OPENS_UTC_SECONDS = 1 * 3600 + 30 * 60
OPEN_SECONDS = 8 * 3600
COMMENT_SHARE = 0.03
# Votes given from a served ticket's page (verified); the rest are QR votes.
VERIFIED_SHARE = 0.4
NETWORKS_PER_OFFICE = 3
# Each office's score distribution, as this many equally likely scores.
SCORE_TABLE_SIZE = 200

COMMENTS_BY_SCORE = {
    1: ("รอนานมาก ไม่มีคนบอกว่าต้องทำอะไร", "เจ้าหน้าที่พูดจาไม่สุภาพ"),
    2: ("คิวยาว ที่นั่งรอไม่พอ", "ระบบล่มต้องมาใหม่อีกวัน"),
    3: ("พอใช้ได้ แต่ที่จอดรถน้อย", "บริการปกติ ไม่รวดเร็วนัก"),
    4: ("เจ้าหน้าที่ใจดี อธิบายชัดเจน", "เร็วกว่าที่คิด ขอบคุณครับ"),
    5: ("บริการดีมาก รวดเร็ว ประทับใจค่ะ", "ทำบัตรเสร็จในสิบนาที ขอบคุณมาก"),
}

# The order of the columns each generated row gives (COPY's column list).
COLUMNS = (
    "office_id",
    "district_id",
    "province_id",
    "source_key",
    "day",
    "created_at",
    "updated_at",
    "score",
    "voter_key",
    "comment",
    "comment_public",
    "comment_state",
    "channel",
    "status",
    "hold_reason",
    "replaced_status",
    "times_cast",
    "reply",
    "action_taken",
    "verified",
    "public_key",
)
SQLITE_BATCH = 5000
# From this many votes on, PostgreSQL loads into the tables without their
# secondary indexes and foreign keys and builds them afterwards: keeping every
# index up row by row costs several times what one sorted build per index
# costs (measured with the vote's fifteen indexes: 72 against 19 microseconds a
# row), and millions of deferred key checks cost minutes at commit.
BULK_LOAD_VOTES = 200_000
# Memory for each index build (this transaction only); the default 64 MB
# sorts ten million keys on disk.
INDEX_BUILD_MEMORY = "256MB"


class AlreadyLoaded(Exception):
    """The votes of this seed are in the table already (load with replace)."""


@dataclass(frozen=True)
class GeneratedVotes:
    votes: int
    offices: int
    first_day: date
    last_day: date
    day_rollups: int
    month_rollups: int
    load_seconds: float
    rollup_seconds: float
    # Indexes rebuilt and constraints checked (at commit, for small loads).
    index_seconds: float
    tidy_seconds: float

    @property
    def seconds(self) -> float:
        return (
            self.load_seconds
            + self.rollup_seconds
            + self.index_seconds
            + self.tidy_seconds
        )


@dataclass(frozen=True)
class _OfficeProfile:
    """What every vote for one office shares: its ids, its networks, how it is
    scored, and its share of the votes."""

    office_id: int
    district_id: str
    province_id: str
    sources: tuple[str, ...]
    scores: tuple[int, ...]
    busyness: float


def votes_generate(
    *,
    votes: int,
    days: int = 365,
    end: date | None = None,
    seed: int = 1,
    replace: bool = False,
) -> GeneratedVotes:
    """Loads `votes` counted votes over every active district-level office and
    the `days` days up to `end` (today in Bangkok), then rebuilds both rollups
    from all counted votes, as rollups_recount would. With `replace`, every vote
    and rollup is deleted first. One transaction; raises AlreadyLoaded when the
    votes of `seed` are there already (and then changes nothing)."""
    if votes < 0 or days < 1:
        raise ValueError("need votes >= 0 and days >= 1")
    end = end or timezone.localdate()
    first_day = end - timedelta(days=days - 1)
    rng = random.Random(seed)
    profiles = _office_profiles(rng, seed=seed)
    if votes and not profiles:
        raise ValueError("no active district-level office: run load_areas first")
    rows = _vote_rows(
        rng,
        profiles,
        _votes_per_day(votes, first_day=first_day, days=days),
        first_day=first_day,
        seed=seed,
    )
    if not replace and votes and _seed_loaded(seed):
        # Checked by the first key, whatever the days: the unique constraint
        # would only catch a second load over the very same days.
        raise AlreadyLoaded(
            f"votes of seed {seed} are loaded already: replace them or choose "
            "another seed"
        )
    bulk = connection.vendor == "postgresql" and votes >= BULK_LOAD_VOTES
    tables = [
        _table(model)
        for model in (
            Vote,
            OfficeDayHappiness,
            OfficeMonthHappiness,
            DistrictDayHappiness,
        )
    ]
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if replace:
                _empty(tables)
            set_aside = indexes_set_aside(tables) if bulk else []
            if connection.vendor == "postgresql":
                _copy(rows, freeze=replace and bulk)
            else:
                _insert(rows)
            loaded = time.perf_counter()
            day_rollups, month_rollups = rollups_rebuild()
            rolled_up = time.perf_counter()
            indexes_restore(set_aside)
    except IntegrityError as error:
        raise AlreadyLoaded(
            f"votes of seed {seed} are loaded already: replace them or choose "
            "another seed"
        ) from error
    indexed = time.perf_counter()
    tables_analyse(tables)
    return GeneratedVotes(
        votes=votes,
        offices=len(profiles),
        first_day=first_day,
        last_day=end,
        day_rollups=day_rollups,
        month_rollups=month_rollups,
        load_seconds=loaded - started,
        rollup_seconds=rolled_up - loaded,
        index_seconds=indexed - rolled_up,
        tidy_seconds=time.perf_counter() - indexed,
    )


def _office_profiles(rng: random.Random, *, seed: int) -> list[_OfficeProfile]:
    """Every active district-level office, with its district's mood (and a
    little of its own) and its busyness."""
    offices = (
        Office.objects.filter(
            kind__in=DISTRICT_LEVEL_KINDS, is_active=True, district__isnull=False
        )
        .order_by("district_id", "pk")
        .values_list("pk", "code", "kind", "district_id", "province_id")
    )
    # Districts with more subdistricts have more people to serve.
    subdistricts = dict(
        Subdistrict.objects.values("district_id")
        .annotate(count=Count("code"))
        .order_by()
        .values_list("district_id", "count")
    )
    moods: dict[str, float] = {}
    profiles = []
    for pk, code, kind, district_id, province_id in offices:
        if district_id not in moods:
            moods[district_id] = rng.gauss(0, DISTRICT_MOOD_SPREAD)
        mood = moods[district_id] + rng.gauss(0, OFFICE_MOOD_SPREAD)
        profiles.append(
            _OfficeProfile(
                office_id=pk,
                district_id=district_id,
                province_id=province_id,
                sources=tuple(
                    _hex(f"source:{seed}:{code}:{network}")
                    for network in range(NETWORKS_PER_OFFICE)
                ),
                scores=_score_table(mood),
                busyness=KIND_BUSYNESS.get(kind, 0.5)
                * math.sqrt(subdistricts.get(district_id) or 1)
                * rng.lognormvariate(0, OFFICE_BUSYNESS_SPREAD),
            )
        )
    return profiles


def _score_table(mood: float) -> tuple[int, ...]:
    """SCORE_TABLE_SIZE scores in the proportions of an office of this mood:
    picking one at random is drawing a score."""
    tilted = [
        math.exp(math.log(share) + mood * (score - 3) * 0.6)
        for share, score in zip(AVERAGE_SCORE_SHARES, SCORES, strict=True)
    ]
    total = sum(tilted)
    table: list[int] = []
    cumulative = 0.0
    for score, weight in zip(SCORES, tilted, strict=True):
        cumulative += weight / total
        table += [score] * (round(cumulative * SCORE_TABLE_SIZE) - len(table))
    return tuple(table)


def _votes_per_day(votes: int, *, first_day: date, days: int) -> list[int]:
    """`votes` shared out over the days by weekday and growth, exactly."""
    weights = [
        WEEKDAY_SHARE[(first_day + timedelta(days=n)).weekday()]
        * (1 + GROWTH_OVER_THE_PERIOD * n / max(days - 1, 1))
        for n in range(days)
    ]
    total = sum(weights)
    shares = [votes * weight / total for weight in weights]
    counts = [int(share) for share in shares]
    # The largest remainders take the votes that rounding down left over.
    by_remainder = sorted(range(days), key=lambda n: counts[n] - shares[n])
    for n in by_remainder[: votes - sum(counts)]:
        counts[n] += 1
    return counts


Row = tuple[str | int, ...]


def _vote_rows(
    rng: random.Random,
    profiles: list[_OfficeProfile],
    per_day: list[int],
    *,
    first_day: date,
    seed: int,
) -> Iterator[list[Row]]:
    """The votes office by office (a list of rows in COLUMNS order for each),
    each office's in the order they were cast. Offices come in district order:
    the table is then in the order of most of its indexes, which makes
    building them afterwards mostly a matter of reading (the sort finds its
    input sorted), where a table in time order sorts ten million district codes
    in a collation several times over."""
    days = len(per_day)
    cumulative_busyness = list(itertools.accumulate(p.busyness for p in profiles))
    votes_on = [[0] * days for _ in profiles]  # per office, per day
    everyone = range(len(profiles))
    for offset, count in enumerate(per_day):
        for index in rng.choices(everyone, cum_weights=cumulative_busyness, k=count):
            votes_on[index][offset] += 1
    day_texts = [(first_day + timedelta(days=n)).isoformat() for n in range(days)]
    clock = [
        f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        for seconds in range(OPENS_UTC_SECONDS, OPENS_UTC_SECONDS + OPEN_SECONDS)
    ]
    comments = {
        score: [(text, CommentState.PUBLIC.value) for text in texts]
        for score, texts in COMMENTS_BY_SCORE.items()
    }
    no_comment = ("", CommentState.NONE.value)
    draw = rng.random
    table_size = SCORE_TABLE_SIZE
    counted, qr = VoteStatus.COUNTED.value, VoteChannel.QR.value
    ticket = VoteChannel.TICKET.value
    # QR votes are anonymous, ticket votes verified ("f"/"t" to COPY, 0/1 to
    # SQLite).
    postgres = connection.vendor == "postgresql"
    anonymous: str | int = "f" if postgres else 0
    verified: str | int = "t" if postgres else 1
    serial = 0
    for profile, by_day in zip(profiles, votes_on, strict=True):
        rows: list[Row] = []
        scores, sources = profile.scores, profile.sources
        for offset, count in enumerate(by_day):
            if not count:
                continue
            day = day_texts[offset]
            step = OPEN_SECONDS / count
            # In key order within the office's day, like the unique index.
            voter_keys = sorted(
                _voter_key(seed, number) for number in range(serial, serial + count)
            )
            for number, voter_key in enumerate(voter_keys):
                at = f"{day} {clock[int((number + draw()) * step)]}"
                score = scores[int(draw() * table_size)]
                comment, comment_state = (
                    rng.choice(comments[score])
                    if draw() < COMMENT_SHARE
                    else no_comment
                )
                from_ticket = draw() < VERIFIED_SHARE
                rows.append(
                    (
                        profile.office_id,
                        profile.district_id,
                        profile.province_id,
                        sources[serial % NETWORKS_PER_OFFICE],
                        day,
                        at,
                        at,
                        score,
                        voter_key,
                        comment,
                        comment,
                        comment_state,
                        ticket if from_ticket else qr,
                        counted,
                        "",
                        "",
                        1,
                        "",
                        "",
                        verified if from_ticket else anonymous,
                        # The voter key's second half: distinct for every
                        # vote and free (no second hash), and a UUID in the
                        # 32 hex digits both databases read.
                        voter_key[32:],
                    )
                )
                serial += 1
        if rows:
            yield rows


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _copy(offices: Iterator[list[Row]], *, freeze: bool) -> None:
    """COPY FROM STDIN in text format, an office at a time; psycopg sends each
    office's rows from a thread of its own while the next are made. With
    `freeze` (the table was emptied in this transaction) rows are written
    frozen, so that the VACUUM after has next to nothing to do."""
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    # Timestamps are UTC; nothing generated holds a tab, newline or backslash,
    # so no value needs COPY's escaping.
    template = (
        "\t".join(
            "%s+00" if column in ("created_at", "updated_at") else "%s"
            for column in COLUMNS
        )
        + "\n"
    )
    connection.ensure_connection()
    raw = connection.connection
    with (
        raw.cursor() as cursor,
        cursor.copy(
            f"COPY {_table(Vote)} ({columns}) FROM STDIN"
            + (" (FREEZE)" if freeze else ""),
            writer=QueuedLibpqWriter(cursor),
        ) as copy,
    ):
        for rows in offices:
            copy.write("".join([template % row for row in rows]))


def _insert(offices: Iterator[list[Row]]) -> None:
    """executemany in batches (SQLite, and any database without COPY)."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = (
        f"INSERT INTO {_table(Vote)} ({columns}) "  # noqa: S608 (model names)
        f"VALUES ({placeholders})"
    )
    batch: list[Row] = []
    with connection.cursor() as cursor:
        for rows in offices:
            batch += rows
            if len(batch) >= SQLITE_BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _empty(tables: list[str]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Nothing points at these tables; TRUNCATE is instant where DELETE
            # of ten million rows takes minutes and leaves them all dead.
            try:
                with transaction.atomic():
                    cursor.execute(f"TRUNCATE {', '.join(tables)}")
                return
            except OperationalError as error:
                # Rows written earlier in the caller's transaction wait for
                # their deferred key checks, which TRUNCATE may not skip.
                if not isinstance(error.__cause__, ObjectInUse):
                    raise
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def indexes_set_aside(tables: list[str]) -> list[str]:
    """Drops the tables' indexes but their primary keys, and their unique and
    foreign key constraints, and returns the statements that make them again
    (unique constraints first, foreign keys last: their check is one join).
    Inside the caller's transaction, so a failure puts every one back."""
    statements: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, contype, "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = ANY(CAST(%s AS regclass[])) AND contype IN ('u', 'f') "
            "ORDER BY contype DESC, conname",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT CAST(indexrelid AS regclass)::text, pg_get_indexdef(indexrelid) "
            "FROM pg_index WHERE indrelid = ANY(CAST(%s AS regclass[])) "
            "AND NOT indisprimary AND indexrelid NOT IN "
            "(SELECT conindid FROM pg_constraint WHERE contype IN ('u', 'p')) "
            "ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        quote = connection.ops.quote_name
        for table, name, _kind, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        unique = [row for row in constraints if row[2] == "u"]
        foreign = [row for row in constraints if row[2] == "f"]
        statements += [
            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
            for table, name, _kind, definition in unique
        ]
        statements += [definition for _name, definition in indexes]
        statements += [
            f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
            for table, name, _kind, definition in foreign
        ]
    return statements


def indexes_restore(statements: list[str]) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        for statement in statements:
            cursor.execute(statement)


def tables_analyse(tables: list[str]) -> None:
    """Fresh planner statistics and visibility maps, so that what is measured
    next neither plans on an empty table nor races autovacuum over it."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run inside a transaction (a test's, say); ANALYZE can.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"{command} {table}")


def _voter_key(seed: int, number: int) -> str:
    """Looks like a salted hash, as real keys do; distinct for every vote."""
    return hashlib.blake2b(b"voter:%d:%d" % (seed, number), digest_size=32).hexdigest()


def _seed_loaded(seed: int) -> bool:
    return Vote.objects.filter(voter_key=_voter_key(seed, 0)).exists()


def _hex(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=32).hexdigest()
