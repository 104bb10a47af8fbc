"""Django's Redis cache backend, with one Redis client kept per connection pool.

Django's backend builds a new `redis.Redis` for every cache operation. With redis-py 8
building one sets up its table of response callbacks anew, which costs more than the
GET itself on a local Redis: a signed-in page reads the cache half a dozen times. A
`redis.Redis` is safe to share between threads (each command takes a connection from
the pool), and the pool itself starts afresh in a forked process, so one is kept.
"""

from django.core.cache.backends import redis


class KeptClients(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClients
