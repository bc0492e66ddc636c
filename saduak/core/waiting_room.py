"""A fair waiting room for booking surges (docs/appointments.md, "Surges").

Each arrival at a guarded page, when anyone is already waiting or the admission
budget is spent, gets a signed place in line (first come first served). When an
operator announces an opening time for a room, those who arrive before it get an
entry in a draw instead and their places are drawn at the opening (a random order
among them), then first come first served after it. A head pointer moves forward
at the admission rate (a token bucket with a small burst); a person is admitted
only when their place is at or below the head, so nobody is admitted out of
order. An admitted person gets a short-lived signed admission token (a cookie for
pages, the `Waiting-Room-Token` header for the API) that lets them finish the
booking without queueing again. At rest (nobody waiting, budget available) an
arrival goes straight through in one call.

The state of a room is one Redis hash changed by one Lua script (atomic over all
app servers), or, with no Redis (the embedded demo, the test suite), a dict in
this process changed by `step`, the same arithmetic in Python: the Lua mirrors
`step` line for line and the contract tests (saduak/core/tests/
test_waiting_room.py) run against both. All arithmetic is on integers
(milliseconds, thousandths of a person a second, millionths of a person) so the
two give the same answers.

The admission rate follows measured capacity: admitted requests' durations are
kept (the last WAITING_ROOM_SAMPLES, sent along with the next call of the script,
so recording costs no round trip of its own) and, at most once every
WAITING_ROOM_CONTROL_SECONDS over all servers (a Redis SET NX lock), `control`
lowers the rate when their p95 is over WAITING_ROOM_TARGET_P95_MS and raises it
slowly while people wait and p95 is fine, between WAITING_ROOM_MIN_RATE and the
operator's `admission_rate` (the ceiling).

When Redis does not answer, each process admits on its own at
WAITING_ROOM_FALLBACK_PER_SECOND with the memory room (fail open, but no app
server overrun), and a warning is logged at most every FALLBACK_WARN_SECONDS."""

import dataclasses
import logging
import math
import secrets
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import redis
from django.conf import settings
from django.core import signing
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache

from saduak.core.memo import once_per_process

logger = logging.getLogger(__name__)

BOOKING_ROOM = "booking"
TICKET_SALT = "saduak.waiting-room.ticket"
ADMISSION_SALT = "saduak.waiting-room.admission"
# The refresh interval of a waiting page grows with the expected wait, so that a
# long wait costs few requests: half the expected wait, within these bounds.
REFRESH_MIN_SECONDS = 5
REFRESH_MAX_SECONDS = 60
FALLBACK_WARN_SECONDS = 30
# Longest time counted at once when refilling the bucket (a room idle for days).
MAX_ELAPSED_MS = 3_600_000

IN, WAIT, EARLY = "in", "wait", "early"
# What a room on Redis raises when Redis does not answer.
BACKEND_FAILURES = (redis.RedisError, OSError)


@dataclasses.dataclass(frozen=True)
class Ticket:
    """What a signed ticket says: a place in line (`kind` "place") or an entry in
    the draw of an opening (`kind` "entry", `opening_ms` the opening it is for),
    in one room and one epoch of its state (a room whose state was lost starts a
    new epoch, and old tickets then count as new arrivals)."""

    room: str
    epoch: str
    kind: str
    number: int
    opening_ms: int = 0


@dataclasses.dataclass(frozen=True)
class Visit:
    """The answer of the room to one arrival. `outcome` is IN (admitted: `place`
    is 0 at rest), WAIT (`place` in line, `head` the last place admitted) or
    EARLY (before the opening: `place` is the entry in the draw)."""

    outcome: str
    place: int
    head: int
    tail: int
    rate_milli: int
    epoch: str
    opening_ms: int
    kind: str = "place"

    @property
    def rate(self) -> float:
        """People admitted a second now."""
        return self.rate_milli / 1000

    @property
    def ahead(self) -> int:
        """People in line before this one who are not admitted yet."""
        return max(0, self.place - self.head - 1)

    def wait_seconds(self, now_ms: int) -> int:
        """Expected wait: until the opening, then people ahead (and this one) at
        the current rate."""
        if self.outcome == EARLY:
            return max(1, math.ceil((self.opening_ms - now_ms) / 1000))
        if self.outcome == IN:
            return 0
        return max(1, math.ceil((self.place - self.head) * 1000 / self.rate_milli))

    def refresh_seconds(self, now_ms: int) -> int:
        """When the waiting page asks again: half the expected wait, 5 to 60 s
        (before an opening: at the opening, within those bounds)."""
        wait = self.wait_seconds(now_ms)
        if self.outcome == EARLY:
            return max(REFRESH_MIN_SECONDS, min(REFRESH_MAX_SECONDS, wait))
        return max(REFRESH_MIN_SECONDS, min(REFRESH_MAX_SECONDS, math.ceil(wait / 2)))

    def ticket(self, room: str) -> Ticket | None:
        if self.outcome == IN:
            return None
        kind = "entry" if self.outcome == EARLY else self.kind
        opening = self.opening_ms if kind == "entry" else 0
        return Ticket(room, self.epoch, kind, self.place, opening)


# --- The state machine in Python (the memory room; the Lua below mirrors it) ---------


def new_state(*, now_ms: int, epoch: str) -> dict[str, Any]:
    return {
        "epoch": epoch,
        "tail": 0,
        "head": 0,
        "tokens": -1,  # full at the first visit (the burst is known then)
        "updated": now_ms,
        "rate": 0,  # 0: the ceiling
        "opening": 0,
        "entries": 0,
        "base": 0,
        "drawn": 0,
        "draw": {},  # entry -> random score (a sorted set on Redis)
    }


def step(
    state: dict[str, Any],
    *,
    now_ms: int,
    ceiling_milli: int,
    burst_ms: int,
    ticket: Ticket | None,
    score: float,
) -> Visit:
    """One arrival (with or without a ticket) at the room `state`, changed in
    place. `score` is the random number the arrival draws if it gets an entry in
    an opening's draw."""
    rate = ceiling_milli
    if 0 < state["rate"] < ceiling_milli:
        rate = state["rate"]
    burst = max(1_000_000, rate * burst_ms)  # millionths of a person
    tokens = state["tokens"] if state["tokens"] >= 0 else burst
    elapsed = min(MAX_ELAPSED_MS, max(0, now_ms - state["updated"]))
    # Not capped yet: while people wait the head moves at the full rate however
    # seldom anyone calls; only the budget left when nobody waits is capped.
    tokens = tokens + elapsed * rate
    state["updated"] = max(state["updated"], now_ms)
    state["tokens"] = min(burst, tokens)

    def answer(outcome: str, place: int, kind: str = "place") -> Visit:
        return Visit(
            outcome,
            place,
            state["head"],
            state["tail"],
            rate,
            state["epoch"],
            state["opening"],
            kind,
        )

    valid = ticket is not None and ticket.epoch == state["epoch"]
    opening = state["opening"]
    if opening > 0 and now_ms < opening:  # before the opening: entries in the draw
        if (
            valid
            and ticket is not None
            and ticket.kind == "entry"
            and ticket.opening_ms == opening
            and 0 < ticket.number <= state["entries"]
        ):
            return answer(EARLY, ticket.number, "entry")
        state["entries"] += 1
        state["draw"][state["entries"]] = score
        return answer(EARLY, state["entries"], "entry")
    if opening > 0 and state["drawn"] == 0:  # the opening: the draw's places
        state["base"] = state["tail"]
        state["tail"] += state["entries"]
        state["drawn"] = 1
        # The time before the opening earns no one a place: a burst, then the rate.
        tokens = min(tokens, burst + (now_ms - opening) * rate)
    if state["tail"] > state["head"]:
        moved = min(state["tail"] - state["head"], tokens // 1_000_000)
        state["head"] += moved
        tokens = tokens - moved * 1_000_000
    state["tokens"] = tokens = min(burst, tokens)
    place = 0
    if valid and ticket is not None:
        if ticket.kind == "place":
            place = ticket.number
        elif (
            ticket.kind == "entry"
            and state["drawn"] == 1
            and ticket.opening_ms == opening
            and ticket.number in state["draw"]
        ):
            place = state["base"] + _rank(state["draw"], ticket.number) + 1
    if 0 < place <= state["tail"]:
        return answer(IN if place <= state["head"] else WAIT, place)
    if state["tail"] == state["head"] and tokens >= 1_000_000:
        state["tokens"] = tokens - 1_000_000
        return answer(IN, 0)
    state["tail"] += 1
    return answer(WAIT, state["tail"])


def _rank(draw: dict[int, float], entry: int) -> int:
    """The entry's rank by its score, ties by the entry's text (as ZRANK does)."""
    mine = (draw[entry], str(entry))
    return sum(1 for other, score in draw.items() if (score, str(other)) < mine)


def control_rate(
    *,
    rate_milli: int,
    ceiling_milli: int,
    floor_milli: int,
    p95_ms: float | None,
    target_ms: int,
    waiting: int,
) -> int:
    """The next admission rate. When admitted requests' p95 is over the target:
    in proportion (rate x target / p95) and at least a quarter lower, but at most
    4 times lower in one round (the controller runs every few seconds, so a short
    surge leaves it one or two rounds: a slow answer seen at once takes the rate
    down at once). A tenth (and at least one a second) higher while people wait
    and p95 is under 0.8 of the target, else the same; always between the floor
    and the ceiling (the operator's rate)."""
    if rate_milli <= 0 or rate_milli > ceiling_milli:
        rate_milli = ceiling_milli
    if p95_ms is not None and p95_ms > target_ms:
        proportional = int(rate_milli * target_ms / p95_ms)
        rate_milli = max(rate_milli // 4, min(rate_milli * 3 // 4, proportional))
    elif waiting > 0 and (p95_ms is None or p95_ms <= target_ms * 0.8):
        rate_milli = rate_milli + max(1000, rate_milli // 10)
    floor_milli = min(floor_milli, ceiling_milli)
    return max(floor_milli, min(ceiling_milli, rate_milli))


def spread(seconds: int, *, share: float, draw: Callable[[int], int]) -> int:
    """`seconds` moved at random by up to `share` of it (at least one second when
    share > 0) either way, never under 1: people who arrived in the same second,
    told the same wait, come back over a few seconds, not in one wave. `draw(n)`
    gives 0..n-1 (secrets.randbelow)."""
    reach = max(1, round(seconds * share)) if share > 0 else 0
    if reach == 0:
        return seconds
    return max(1, seconds - reach + draw(2 * reach + 1))


def queued_ms(header: str, *, now_ms: int, limit_ms: int = 120_000) -> int | None:
    """Milliseconds since the reverse proxy received the request, from its
    `X-Request-Start: t=<seconds>.<milliseconds>` (nginx's $msec): the time the
    request waited for an app server's thread counts too. None for a missing or
    nonsense stamp (not a number, more than a second in the future: clocks
    apart, older than `limit_ms`)."""
    text = header.strip().removeprefix("t=")
    if not text or len(text) > 20:
        return None
    try:
        started_ms = int(float(text) * 1000)
    except (ValueError, OverflowError):  # "abc", "nan", "inf"
        return None
    waited = now_ms - started_ms
    if not -1000 <= waited <= limit_ms:
        return None
    return max(0, waited)


def p95(samples: Sequence[int]) -> float | None:
    """The 95th percentile (nearest rank) of durations, None for none."""
    if not samples:
        return None
    ordered = sorted(samples)
    return float(ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)])


# --- Backends ------------------------------------------------------------------------


class Backend(Protocol):
    def visit(
        self,
        room: str,
        *,
        now_ms: int,
        ceiling_milli: int,
        burst_ms: int,
        ticket: Ticket | None,
        score: float,
        durations: Sequence[int],
        keep: int,
    ) -> Visit: ...

    def durations_add(
        self, room: str, durations: Sequence[int], *, keep: int
    ) -> None: ...

    def durations_take(self, room: str, *, minimum: int) -> list[int]: ...

    def lock(self, room: str, *, seconds: float) -> bool: ...

    def state(self, room: str) -> dict[str, Any]: ...

    def update(self, room: str, **fields: int) -> None: ...

    def reset(self, room: str) -> None: ...


class MemoryBackend:
    """The room in this process's memory (one process admits on its own)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rooms: dict[str, dict[str, Any]] = {}
        self._durations: dict[str, list[int]] = {}
        self._locked_until: dict[str, float] = {}

    def _room(self, room: str, now_ms: int) -> dict[str, Any]:
        if room not in self._rooms:
            self._rooms[room] = new_state(now_ms=now_ms, epoch=secrets.token_hex(4))
        return self._rooms[room]

    def visit(
        self,
        room: str,
        *,
        now_ms: int,
        ceiling_milli: int,
        burst_ms: int,
        ticket: Ticket | None,
        score: float,
        durations: Sequence[int],
        keep: int,
    ) -> Visit:
        with self._lock:
            self._durations_add(room, durations, keep=keep)
            return step(
                self._room(room, now_ms),
                now_ms=now_ms,
                ceiling_milli=ceiling_milli,
                burst_ms=burst_ms,
                ticket=ticket,
                score=score,
            )

    def _durations_add(self, room: str, durations: Sequence[int], *, keep: int) -> None:
        kept = self._durations.setdefault(room, [])
        kept[:0] = reversed(durations)  # newest first, as LPUSH
        del kept[keep:]

    def durations_add(self, room: str, durations: Sequence[int], *, keep: int) -> None:
        with self._lock:
            self._durations_add(room, durations, keep=keep)

    def durations_take(self, room: str, *, minimum: int) -> list[int]:
        with self._lock:
            kept = self._durations.get(room, [])
            if len(kept) < minimum:
                return []
            self._durations[room] = []
            return kept

    def lock(self, room: str, *, seconds: float) -> bool:
        with self._lock:
            now = time.monotonic()
            if self._locked_until.get(room, 0) > now:
                return False
            self._locked_until[room] = now + seconds
            return True

    def state(self, room: str) -> dict[str, Any]:
        with self._lock:
            state = dict(self._room(room, _now_ms()))
            state["durations"] = list(self._durations.get(room, []))
            return state

    def update(self, room: str, **fields: int) -> None:
        with self._lock:
            state = self._room(room, _now_ms())
            if "opening" in fields and fields["opening"] != state["opening"]:
                state.update(entries=0, drawn=0, base=0, draw={})
            state.update(fields)

    def reset(self, room: str) -> None:
        with self._lock:
            self._rooms.pop(room, None)
            self._durations.pop(room, None)
            self._locked_until.pop(room, None)


# KEYS: the room's hash, its draw (sorted set), its durations (list).
# ARGV: now_ms, ceiling_milli, burst_ms, ticket epoch, kind, number, opening,
# score, new epoch, keep, durations...
VISIT_LUA = """
local room, draw, durations = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[1])
local ceiling = tonumber(ARGV[2])
local burst_ms = tonumber(ARGV[3])
local t_epoch, t_kind = ARGV[4], ARGV[5]
local t_number, t_opening = tonumber(ARGV[6]), tonumber(ARGV[7])
local score, keep = ARGV[8], tonumber(ARGV[10])
if #ARGV > 10 then
  redis.call('LPUSH', durations, unpack(ARGV, 11))
  redis.call('LTRIM', durations, 0, keep - 1)
end
local raw = redis.call('HGETALL', room)
local s = {}
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local epoch = s.epoch or ARGV[9]
local tail = tonumber(s.tail or '0')
local head = tonumber(s.head or '0')
local stored_tokens = tonumber(s.tokens or '-1')
local updated = tonumber(s.updated or ARGV[1])
local stored_rate = tonumber(s.rate or '0')
local opening = tonumber(s.opening or '0')
local entries = tonumber(s.entries or '0')
local base = tonumber(s.base or '0')
local drawn = tonumber(s.drawn or '0')

local rate = ceiling
if stored_rate > 0 and stored_rate < ceiling then rate = stored_rate end
local burst = math.max(1000000, rate * burst_ms)
local tokens = stored_tokens
if tokens < 0 then tokens = burst end
local elapsed = math.min(3600000, math.max(0, now - updated))
tokens = tokens + elapsed * rate
updated = math.max(updated, now)

local function save()
  redis.call('HSET', room, 'epoch', epoch, 'tail', string.format('%.0f', tail),
    'head', string.format('%.0f', head), 'tokens', string.format('%.0f', tokens),
    'updated', string.format('%.0f', updated), 'entries', string.format('%.0f', entries),
    'base', string.format('%.0f', base), 'drawn', drawn)
end
local function answer(outcome, place, kind)
  save()
  return {outcome, string.format('%.0f', place), string.format('%.0f', head),
    string.format('%.0f', tail), string.format('%.0f', rate), epoch,
    string.format('%.0f', opening), kind or 'place'}
end

local valid = t_kind ~= '' and t_epoch == epoch
if opening > 0 and now < opening then
  if valid and t_kind == 'entry' and t_opening == opening and t_number > 0
      and t_number <= entries then
    tokens = math.min(burst, tokens)
    return answer('early', t_number, 'entry')
  end
  tokens = math.min(burst, tokens)
  entries = entries + 1
  redis.call('ZADD', draw, score, string.format('%.0f', entries))
  return answer('early', entries, 'entry')
end
if opening > 0 and drawn == 0 then
  base = tail
  tail = tail + entries
  drawn = 1
  tokens = math.min(tokens, burst + (now - opening) * rate)
end
if tail > head then
  local moved = math.min(tail - head, math.floor(tokens / 1000000))
  head = head + moved
  tokens = tokens - moved * 1000000
end
tokens = math.min(burst, tokens)
local place = 0
if valid then
  if t_kind == 'place' then
    place = t_number
  elseif t_kind == 'entry' and drawn == 1 and t_opening == opening then
    local rank = redis.call('ZRANK', draw, string.format('%.0f', t_number))
    if rank then place = base + rank + 1 end
  end
end
if place > 0 and place <= tail then
  if place <= head then return answer('in', place) end
  return answer('wait', place)
end
if tail == head and tokens >= 1000000 then
  tokens = tokens - 1000000
  return answer('in', 0)
end
tail = tail + 1
return answer('wait', tail)
"""


class RedisBackend:
    """The room in Redis: one hash per room changed by one Lua script, shared by
    every app server."""

    def __init__(self, client: Any, prefix: str = "saduak:wr") -> None:
        self.client = client
        self.prefix = prefix
        self._visit = client.register_script(VISIT_LUA)

    def _keys(self, room: str) -> list[str]:
        # One hash tag, so that a Redis Cluster keeps a room's keys together.
        tag = f"{self.prefix}:{{{room}}}"
        return [f"{tag}:state", f"{tag}:draw", f"{tag}:durations", f"{tag}:lock"]

    def visit(
        self,
        room: str,
        *,
        now_ms: int,
        ceiling_milli: int,
        burst_ms: int,
        ticket: Ticket | None,
        score: float,
        durations: Sequence[int],
        keep: int,
    ) -> Visit:
        arguments = [
            now_ms,
            ceiling_milli,
            burst_ms,
            ticket.epoch if ticket else "",
            ticket.kind if ticket else "",
            ticket.number if ticket else 0,
            ticket.opening_ms if ticket else 0,
            repr(score),
            secrets.token_hex(4),
            keep,
            *durations,
        ]
        raw = self._visit(keys=self._keys(room)[:3], args=arguments)
        text = [part.decode() if isinstance(part, bytes) else part for part in raw]
        return Visit(
            outcome=text[0],
            place=int(text[1]),
            head=int(text[2]),
            tail=int(text[3]),
            rate_milli=int(text[4]),
            epoch=text[5],
            opening_ms=int(text[6]),
            kind=text[7],
        )

    def durations_add(self, room: str, durations: Sequence[int], *, keep: int) -> None:
        if not durations:
            return
        key = self._keys(room)[2]
        pipeline = self.client.pipeline(transaction=False)
        pipeline.lpush(key, *durations)
        pipeline.ltrim(key, 0, keep - 1)
        pipeline.execute()

    def durations_take(self, room: str, *, minimum: int) -> list[int]:
        key = self._keys(room)[2]
        taken = self.client.lrange(key, 0, -1)
        if len(taken) < minimum:
            return []
        # Only what was read goes: samples pushed since stay for the next round.
        self.client.ltrim(key, 0, -len(taken) - 1)
        return [int(value) for value in taken]

    def lock(self, room: str, *, seconds: float) -> bool:
        return bool(
            self.client.set(self._keys(room)[3], "1", nx=True, px=int(seconds * 1000))
        )

    def state(self, room: str) -> dict[str, Any]:
        state_key, _, durations_key, _ = self._keys(room)
        pipeline = self.client.pipeline(transaction=False)
        pipeline.hgetall(state_key)
        pipeline.lrange(durations_key, 0, -1)
        raw, durations = pipeline.execute()
        state: dict[str, Any] = {
            key.decode(): value.decode() for key, value in raw.items()
        }
        for name in ("tail", "head", "tokens", "updated", "rate", "opening"):
            state[name] = int(state.get(name, 0))
        for name in ("entries", "base", "drawn"):
            state[name] = int(state.get(name, 0))
        state["durations"] = [int(value) for value in durations]
        return state

    def update(self, room: str, **fields: int) -> None:
        state_key, draw_key, _, _ = self._keys(room)
        pipeline = self.client.pipeline(transaction=True)
        if "opening" in fields:  # a new opening: a new draw
            pipeline.hset(state_key, mapping={"entries": 0, "drawn": 0, "base": 0})
            pipeline.delete(draw_key)
        pipeline.hset(state_key, mapping=fields)
        pipeline.execute()

    def reset(self, room: str) -> None:
        self.client.delete(*self._keys(room))


# --- The room as the app uses it -----------------------------------------------------


def _now_ms() -> int:
    return int(time.time() * 1000)


@once_per_process
def memory_backend() -> MemoryBackend:
    """The room of this process when there is no Redis."""
    return MemoryBackend()


@once_per_process
def fallback_backend() -> MemoryBackend:
    """The room of this process while Redis does not answer."""
    return MemoryBackend()


def shared_backend() -> Backend:
    """Redis when the cache is Redis (its client and connection pool), else this
    process's memory."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    if isinstance(cache, RedisCache):
        return _redis_backend(cache)
    return memory_backend()


@once_per_process
def _redis_backends() -> "weakref.WeakKeyDictionary[RedisCache, RedisBackend]":
    """A backend per cache object (Django makes one per thread, each with its own
    connection pool), so the script is registered once per thread."""
    return weakref.WeakKeyDictionary()


def _redis_backend(cache: RedisCache) -> RedisBackend:
    held = _redis_backends()
    backend = held.get(cache)
    if backend is None:
        client = cache._cache.get_client(None, write=True)  # type: ignore[attr-defined]
        backend = held[cache] = RedisBackend(client, prefix=cache.make_key("wr"))
    return backend


class Durations:
    """Admitted requests' durations (ms) waiting to be sent with the next visit;
    sent on their own when none comes for a while."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: list[int] = []
        self._since = 0.0

    def add(self, milliseconds: int) -> bool:
        """Keeps one; True when they should be sent now (many, or old)."""
        with self._lock:
            if not self._pending:
                self._since = time.monotonic()
            self._pending.append(milliseconds)
            return len(self._pending) >= 50 or time.monotonic() - self._since > 2

    def take(self) -> list[int]:
        with self._lock:
            taken, self._pending = self._pending, []
            return taken


@once_per_process
def pending_durations() -> Durations:
    return Durations()


class WaitingRoom:
    """A room's rules (the settings) over a backend, with the fallback to this
    process's memory while the backend (Redis) fails."""

    def __init__(
        self,
        name: str = BOOKING_ROOM,
        *,
        backend: Backend | None = None,
        ceiling: Callable[[], float] | None = None,
        clock: Callable[[], int] | None = None,
    ) -> None:
        self.name = name
        self.backend = backend if backend is not None else shared_backend()
        self._ceiling = ceiling
        self.clock = clock if clock is not None else _now_ms

    def ceiling_milli(self) -> int:
        """The operator's rate (`manage.py admission_rate`, else the setting) in
        thousandths of a person a second; 0: no waiting room."""
        if self._ceiling is not None:
            return int(self._ceiling() * 1000)
        from saduak.core.admission import admission_rate

        try:
            return admission_rate() * 1000
        except BACKEND_FAILURES as error:  # the operator's rate is in Redis too
            _warn_fallback(error)
            return int(settings.BOOKING_ADMISSIONS_PER_SECOND) * 1000

    def visit(self, ticket: Ticket | None) -> Visit | None:
        """One arrival: None when there is no waiting room (rate 0)."""
        ceiling = self.ceiling_milli()
        if ceiling <= 0:
            return None
        durations = pending_durations().take()
        arguments: dict[str, Any] = {
            "now_ms": self.clock(),
            "ceiling_milli": ceiling,
            "burst_ms": settings.WAITING_ROOM_BURST_MS,
            "ticket": ticket if ticket and ticket.room == self.name else None,
            "score": secrets.randbits(52) / 2**52,
            "durations": durations,
            "keep": settings.WAITING_ROOM_SAMPLES,
        }
        try:
            visit = self.backend.visit(self.name, **arguments)
        except BACKEND_FAILURES as error:  # Redis does not answer: degrade
            _warn_fallback(error)
            arguments["ceiling_milli"] = int(
                settings.WAITING_ROOM_FALLBACK_PER_SECOND * 1000
            )
            arguments["durations"] = []
            return fallback_backend().visit(self.name, **arguments)
        if visit.tail > visit.head:  # at rest: one call, no controller round trips
            self.maybe_control(waiting=visit.tail - visit.head)
        return visit

    def record(self, milliseconds: int) -> None:
        """Keeps an admitted request's duration for the controller: sent with the
        next visit, or on its own when many are pending or the oldest is old."""
        if pending_durations().add(milliseconds):
            try:
                self.backend.durations_add(
                    self.name,
                    pending_durations().take(),
                    keep=settings.WAITING_ROOM_SAMPLES,
                )
            except BACKEND_FAILURES as error:
                _warn_fallback(error)

    def maybe_control(self, *, waiting: int) -> int | None:
        """Adjusts the rate if no server did in the last WAITING_ROOM_CONTROL_SECONDS
        (a lock in the backend); returns the new rate, or None when it was not
        this server's turn."""
        seconds = settings.WAITING_ROOM_CONTROL_SECONDS
        if not _control_turn(self.name, seconds):
            return None
        try:
            if not self.backend.lock(self.name, seconds=seconds):
                return None
            samples = self.backend.durations_take(
                self.name, minimum=settings.WAITING_ROOM_MIN_SAMPLES
            )
            state = self.backend.state(self.name)
            ceiling = self.ceiling_milli()
            rate = control_rate(
                rate_milli=state["rate"],
                ceiling_milli=ceiling,
                floor_milli=int(settings.WAITING_ROOM_MIN_RATE * 1000),
                p95_ms=p95(samples),
                target_ms=settings.WAITING_ROOM_TARGET_P95_MS,
                waiting=waiting,
            )
            # At the ceiling the room keeps 0 ("the ceiling"), not the number: a
            # rate stored as 40/s would hold the room at 40/s after the operator
            # raised the ceiling (it takes min(stored, ceiling)).
            stored = 0 if rate >= ceiling else rate
            if stored != state["rate"]:
                self.backend.update(self.name, rate=stored)
            return rate
        except BACKEND_FAILURES as error:
            _warn_fallback(error)
            return None

    def release(self) -> None:
        """Back to the operator's ceiling: forgets the rate the controller chose
        and the durations it was chosen on (when the operator sets or resets the
        admission rate)."""
        self.backend.update(self.name, rate=0)
        self.backend.durations_take(self.name, minimum=0)

    def open_at(self, opening_ms: int) -> None:
        """Announces an opening: arrivals before it get an entry in a draw, and
        their places are drawn at the opening. 0 takes the announcement back."""
        self.backend.update(self.name, opening=opening_ms)

    def reset(self) -> None:
        """Forgets the room (a new epoch: tickets given so far count no more)."""
        self.backend.reset(self.name)

    def status(self) -> dict[str, Any]:
        """What operators and the bench watch: head, tail, waiting, rate, p95."""
        state = self.backend.state(self.name)
        ceiling = self.ceiling_milli()
        rate = state["rate"] if 0 < state["rate"] < ceiling else ceiling
        durations = state.get("durations", [])
        return {
            "room": self.name,
            "epoch": state.get("epoch", ""),
            "head": state["head"],
            "tail": state["tail"],
            "waiting": max(0, state["tail"] - state["head"]),
            "entries_before_opening": state["entries"] if not state["drawn"] else 0,
            "opening_ms": state["opening"],
            "rate": rate / 1000,
            "ceiling": ceiling / 1000,
            "p95_ms": p95(durations),
            "samples": len(durations),
        }


@once_per_process
def _control_turns() -> dict[str, float]:
    return {}


def _control_turn(room: str, seconds: float) -> bool:
    """At most one controller attempt per room per process each `seconds`."""
    turns = _control_turns()
    now = time.monotonic()
    if turns.get(room, 0) > now:
        return False
    turns[room] = now + seconds
    return True


@once_per_process
def _last_warning() -> list[float]:
    """When this process last warned that Redis does not answer."""
    return [0.0]


def _warn_fallback(error: Exception) -> None:
    now = time.monotonic()
    last = _last_warning()
    if now - last[0] > FALLBACK_WARN_SECONDS or last[0] == 0:
        last[0] = now
        logger.warning(
            "waiting room: Redis does not answer (%s); each process admits at most "
            "%s a second on its own",
            error,
            settings.WAITING_ROOM_FALLBACK_PER_SECOND,
        )


# --- Signed tickets and admission tokens ---------------------------------------------


def ticket_sign(ticket: Ticket) -> str:
    """A ticket only this site can make, bound to its room (in the salt too)."""
    return signing.dumps(
        [ticket.room, ticket.epoch, ticket.kind, ticket.number, ticket.opening_ms],
        salt=f"{TICKET_SALT}:{ticket.room}",
        compress=False,
    )


def ticket_read(token: str, *, room: str) -> Ticket | None:
    """The ticket a token carries, or None for a forged, expired or another room's
    one (or an admission token)."""
    try:
        room_of, epoch, kind, number, opening = signing.loads(
            token,
            salt=f"{TICKET_SALT}:{room}",
            max_age=settings.WAITING_ROOM_TICKET_HOURS * 3600,
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if room_of != room or kind not in ("place", "entry"):
        return None
    return Ticket(room, str(epoch), str(kind), int(number), int(opening))


def admission_sign(*, room: str, place: int) -> str:
    """The short-lived token of an admitted person."""
    return signing.dumps(
        ["admitted", room, place], salt=f"{ADMISSION_SALT}:{room}", compress=False
    )


def admission_valid(token: str, *, room: str) -> bool:
    """True for this room's admission token younger than WAITING_ROOM_ADMISSION_SECONDS."""
    try:
        marker, room_of, _ = signing.loads(
            token,
            salt=f"{ADMISSION_SALT}:{room}",
            max_age=settings.WAITING_ROOM_ADMISSION_SECONDS,
        )
    except (signing.BadSignature, ValueError, TypeError):
        return False
    return bool(marker == "admitted" and room_of == room)


def booking_room() -> WaitingRoom:
    return WaitingRoom(BOOKING_ROOM)
