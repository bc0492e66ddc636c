import pytest
from django.core.cache import caches
from django.test import override_settings

from saduak.core import counters

REDIS = {
    "default": {
        "BACKEND": "saduak.core.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13",
        "KEY_PREFIX": "saduak-test",
    }
}


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/13").ping())
    except redis.RedisError:
        return False


def _redis_cache():
    if not redis_answers():
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    with override_settings(CACHES=REDIS):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


@pytest.fixture(params=["memory", "redis"])
def some_cache(request):
    if request.param == "redis":
        yield from _redis_cache()
    else:
        yield caches["default"]


@pytest.fixture
def redis_cache():
    yield from _redis_cache()


def test_a_counter_counts_from_one(some_cache):
    assert [counters.count_up("k", timeout=10) for _ in range(3)] == [1, 2, 3]
    assert int(some_cache.get("k")) == 3


def test_a_new_counter_starts_from_what_it_is_given_once(some_cache):
    asked = []

    def start():
        asked.append(1)
        return 40

    values = [counters.count_up("day", timeout=10, start=start) for _ in range(3)]
    assert values == [41, 42, 43]
    assert asked == [1]


def test_a_counter_expires(some_cache):
    counters.count_up("short", timeout=10)
    some_cache.delete("short")
    assert counters.count_up("short", timeout=10) == 1


def test_on_redis_a_counter_gets_its_lifetime(some_cache):
    from django.core.cache.backends.redis import RedisCache

    counters.count_up("ttl", timeout=30)
    counters.count_up("ttl", timeout=30)
    if isinstance(some_cache, RedisCache):
        key = some_cache.make_and_validate_key("ttl")
        assert 0 < some_cache._cache.get_client(key).ttl(key) <= 30


def test_several_counters_count_together(some_cache):
    first = counters.count_up_many([("a", 10, None), ("b", 10, lambda: 5)])
    second = counters.count_up_many([("a", 10, None), ("b", 10, lambda: 99)])
    assert (first, second) == ([1, 6], [2, 7])


def test_on_redis_the_counters_of_a_request_take_one_round_trip(
    redis_cache, monkeypatch
):
    """Through the settings, as the app counts: not Django's add + incr per counter."""
    import redis

    counters.count_up_many([("x", 10, None), ("y", 10, None)])  # made: a second trip
    sent = []
    monkeypatch.setattr(
        redis.Redis, "execute_command", lambda *a, **k: sent.append(a) or 0
    )
    executed = []
    original = redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.client.Pipeline,
        "execute",
        lambda self, *a, **k: executed.append(1) or original(self, *a, **k),
    )
    assert counters.count_up_many([("x", 10, None), ("y", 10, None)]) == [2, 2]
    assert (executed, sent) == ([1], [])
