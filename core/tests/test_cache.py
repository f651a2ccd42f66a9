"""The Redis cache keeps one client per server instead of building one per operation."""

import pytest
from django.conf import settings

from core.cache import RedisCache


def test_the_client_is_built_once_and_shares_the_pool():
    cache = RedisCache("redis://127.0.0.1:6379/9", {})
    first = cache._cache.get_client()
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first
    assert first.connection_pool is cache._cache._pools[0]


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL), as in CI")
def test_values_round_trip_through_redis():
    cache = RedisCache(settings.REDIS_URL, {})
    cache.set("kaikukanta-cache-test", {"n": 1}, 5)
    assert cache.get("kaikukanta-cache-test") == {"n": 1}
    assert cache.add("kaikukanta-cache-test", {"n": 2}, 5) is False
    cache.delete("kaikukanta-cache-test")
    assert cache.get("kaikukanta-cache-test") is None
