"""A crawl frontier shared by many crawler processes through Redis (`[crawl] redis_url`).

Built on scrapy-redis: its Scheduler (requests in Redis, serialized by it) and its dupefilter
(one seen-set of request fingerprints, here Gongkai's canonical ones). What scrapy-redis does
not give, politeness across processes and recovery of a killed worker's requests, is the queue
below, one Redis list per origin plus a sorted set of origins:

- `ready` scores each origin with queued work by the time (Redis server clock, ms) its next
  request may start. A worker pops only from origins whose time has come, and only when it can
  take the origin's lease (`lease:O`, expiring, renewed by a heartbeat while the request is in
  flight). So there is never more than one request in flight per origin in the whole cluster.
  When the answer arrives (`ack`) the lease goes and the origin's next time becomes now + the
  delay (±50 % jitter, as in one process).
- A popped request is held in its worker's `held:W` until the worker is done with it: answer
  parsed, documents stored, new requests queued. `workers` has each worker's last heartbeat.
  A worker whose heartbeat stops for a lease's time is dead: the first other worker to notice
  puts everything it held back at the head of its origins' lists. So a worker killed with
  SIGKILL loses nothing, whether it was waiting for an answer or parsing one.
- A worker closes only when no origin is queued and no live worker holds a request, so one
  still parsing a list page that will add requests keeps the others from leaving.

A crawl has an id shared through Redis (`join`): every worker started while it runs joins it,
and the first worker to find it finished ends it; the next `gongkai crawl` starts a new one.
robots.txt and what is learnt about bot walls are shared too (crawler/sharing.py).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import time

from scrapy import signals
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import Base
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.urls import origin

log = logging.getLogger(__name__)

KEEP_SECONDS = 7 * 24 * 3600  # a finished crawl's keys (seen-set, queues) expire after this
LEASE_MS = 30_000
POLL_MS = 1000  # an idle worker looks for due origins at least this often
_META = "gongkai_lease"  # request meta: (origin leased, token of the held request)

# KEYS: none (every key is under ARGV[1], the crawl's prefix). Redis's own clock decides, so
# the workers' clocks may differ.
_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""
# ARGV: prefix, worker, lease ms, candidates → {request, origin, token} or {false, ms to wait}
_POP = _NOW + """
local p, me, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local due = redis.call('ZRANGEBYSCORE', p .. 'ready', '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
for _, o in ipairs(due) do
  if not redis.call('GET', p .. 'lease:' .. o) then
    local item = redis.call('LPOP', p .. 'q:' .. o)
    if item then
      local token = o .. ' ' .. redis.call('INCR', p .. 'tokens')
      redis.call('SET', p .. 'lease:' .. o, me, 'PX', ttl)
      redis.call('ZADD', p .. 'ready', now + ttl, o)
      redis.call('HSET', p .. 'held:' .. me, token, item)
      redis.call('HSET', p .. 'workers', me, now)
      return {item, o, token}
    end
    redis.call('ZREM', p .. 'ready', o)
  end
end
local first = redis.call('ZRANGE', p .. 'ready', 0, 0, 'WITHSCORES')
if first[2] then return {false, math.max(tonumber(first[2]) - now, 0)} end
return {false, -1}
"""
# ARGV: prefix, worker, origin, delay ms → 1 if the lease was this worker's
_ACK = _NOW + """
local p, me, o = ARGV[1], ARGV[2], ARGV[3]
if redis.call('GET', p .. 'lease:' .. o) ~= me then return 0 end
redis.call('DEL', p .. 'lease:' .. o)
redis.call('ZADD', p .. 'ready', now + tonumber(ARGV[4]), o)
return 1
"""
# ARGV: prefix, worker, lease ms, origins… → how many leases were still this worker's
_RENEW = _NOW + """
local p, me, ttl, kept = ARGV[1], ARGV[2], tonumber(ARGV[3]), 0
for i = 4, #ARGV do
  local o = ARGV[i]
  if redis.call('GET', p .. 'lease:' .. o) == me then
    redis.call('PEXPIRE', p .. 'lease:' .. o, ttl)
    redis.call('ZADD', p .. 'ready', now + ttl, o)
    kept = kept + 1
  end
end
redis.call('HSET', p .. 'workers', me, now)
return kept
"""
# ARGV: prefix, worker, lease ms → 1 if another live worker holds requests (or a dead one's
# were just put back); a worker silent for a lease's time is dead and loses what it held
_OTHERS_BUSY = _NOW + """
local p, me, ttl, busy = ARGV[1], ARGV[2], tonumber(ARGV[3]), 0
local seen = redis.call('HGETALL', p .. 'workers')
for i = 1, #seen, 2 do
  local w = seen[i]
  if w ~= me then
    if tonumber(seen[i + 1]) > now - ttl then
      if redis.call('HLEN', p .. 'held:' .. w) > 0 then busy = 1 end
    else
      local held = redis.call('HGETALL', p .. 'held:' .. w)
      for j = 1, #held, 2 do
        local o = string.match(held[j], '^(.*) %d+$')
        redis.call('LPUSH', p .. 'q:' .. o, held[j + 1])
        redis.call('ZADD', p .. 'ready', 'NX', 0, o)
        busy = 1
      end
      redis.call('DEL', p .. 'held:' .. w)
      redis.call('HDEL', p .. 'workers', w)
    end
  end
end
return busy
"""
# ARGV: prefix, worker, delay ms → put back what this worker holds (it is closing: an
# interrupted worker may have had an answer a moment ago, so its origins wait the delay)
_RELEASE = _NOW + """
local p, me = ARGV[1], ARGV[2]
local due = now + tonumber(ARGV[3])
local held = redis.call('HGETALL', p .. 'held:' .. me)
for j = 1, #held, 2 do
  local o = string.match(held[j], '^(.*) %d+$')
  redis.call('LPUSH', p .. 'q:' .. o, held[j + 1])
  if redis.call('GET', p .. 'lease:' .. o) == me then redis.call('DEL', p .. 'lease:' .. o) end
  local at = redis.call('ZSCORE', p .. 'ready', o)
  if not at or tonumber(at) < due then redis.call('ZADD', p .. 'ready', due, o) end
end
redis.call('DEL', p .. 'held:' .. me)
redis.call('HDEL', p .. 'workers', me)
"""
# KEYS: origin's list, ready, seen-set ("": none); ARGV: request, origin, fingerprint → 1 if
# queued (a fingerprint already in the seen-set is not queued again)
_PUSH = """
if KEYS[3] ~= '' and redis.call('SADD', KEYS[3], ARGV[3]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'NX', 0, ARGV[2])
return 1
"""
# ARGV: namespace, start seq → {crawl id, start seq}
_JOIN = """
local ns = ARGV[1]
local id = redis.call('GET', ns .. 'current')
if not id then
  id = tostring(redis.call('INCR', ns .. 'crawls'))
  redis.call('SET', ns .. 'current', id)
  redis.call('SET', ns .. 'crawl:' .. id .. ':start_seq', ARGV[2])
end
return {id, redis.call('GET', ns .. 'crawl:' .. id .. ':start_seq')}
"""
# ARGV: namespace, crawl id → 1 if this call ended the crawl
_FINISH = """
local ns, id = ARGV[1], ARGV[2]
if redis.call('GET', ns .. 'current') ~= id then return 0 end
redis.call('DEL', ns .. 'current')
return 1
"""


def namespace(archive_id: str) -> str:
    """The Redis key prefix of the crawls writing one archive (`Archive.identity`; crawls of
    other archives may share the Redis server)."""
    return f"gongkai:{archive_id}:"


def connect(url: str):
    """A Redis client for a `redis://` URL (bytes in, bytes out)."""
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=60)


def join(url: str, archive_id: str, start_seq: int) -> tuple[str, int]:
    """Join the running crawl of an archive, or start one: (its key prefix, the archive's
    sequence number when it started, which incremental paging compares with)."""
    ns = namespace(archive_id)
    crawl_id, seq = connect(url).eval(_JOIN, 0, ns, start_seq)
    return f"{ns}crawl:{crawl_id.decode()}:", int(seq)


def frontier_settings(url: str, prefix: str, start_seq: int, lease_ms: int = LEASE_MS) -> dict:
    """The Scrapy settings that make a crawler process one worker of a shared crawl."""
    return {
        "REDIS_URL": url,
        "SCHEDULER": "crawler.frontier.SharedScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.OriginQueue",
        "SCHEDULER_QUEUE_KEY": prefix,
        "DUPEFILTER_CLASS": "crawler.frontier.CanonicalDupeFilter",
        "SCHEDULER_DUPEFILTER_KEY": prefix + "seen",
        "SCHEDULER_PERSIST": True,  # the queue outlives any one worker
        "GONGKAI_START_SEQ": start_seq,
        "GONGKAI_LEASE_MS": lease_ms,
    }


class CanonicalDupeFilter(RFPDupeFilter):
    """scrapy-redis's shared seen-set, keyed by Gongkai's canonical request fingerprints (the
    same page under another spelling of its URL is the same request)."""

    fingerprinter = None

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class OriginQueue(Base):
    """scrapy-redis queue interface over per-origin lists with leases (see the module doc).
    Request priorities are not kept: each origin's requests go in order of arrival."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer or picklecompat)
        settings = spider.crawler.settings
        self.prefix = key
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{random.getrandbits(32):08x}"
        self.lease_ms = settings.getint("GONGKAI_LEASE_MS", LEASE_MS)
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.jitter = settings.getfloat("DOWNLOAD_DELAY_JITTER", 0.5)
        self.leased: dict[str, str] = {}  # origin → token of its request awaiting an answer
        self.held: dict[str, object] = {}  # token → request this worker is not done with
        self.wait_ms = -1  # after a pop that found nothing: until the next origin is due
        self.on_ack = lambda seconds: None  # the scheduler wakes the engine when it is due
        self._pop = server.register_script(_POP)
        self._ack = server.register_script(_ACK)
        self._renew = server.register_script(_RENEW)
        self._others_busy = server.register_script(_OTHERS_BUSY)
        self._release = server.register_script(_RELEASE)
        self._push = server.register_script(_PUSH)

    def __len__(self) -> int:
        return self.server.zcard(self.prefix + "ready")

    def push(self, request, seen: tuple[str, str] | None = None) -> bool:
        """Queue a request; with `seen` (the seen-set's key, the request's fingerprint) only
        if the fingerprint is new, in one step: a worker killed between marking a request seen
        and queueing it would lose it for good. Return whether it was queued."""
        slot = origin(request.url)
        request.meta.pop(_META, None)  # a retry or redirect is a request of its own
        key, fingerprint = seen or ("", "")
        return bool(self._push(keys=[f"{self.prefix}q:{slot}", self.prefix + "ready", key],
                               args=[self._encode_request(request), slot, fingerprint]))

    def pop(self, timeout: int = 0):
        item, value, token = (self._pop(args=[self.prefix, self.worker, self.lease_ms, 64])
                              + [None])[:3]
        if not item:
            self.wait_ms = int(value)
            return None
        slot, token = value.decode(), token.decode()
        request = self._decode_request(item)
        request.meta[_META] = (slot, token)
        self.leased[slot] = token
        self.held[token] = request
        return request

    def ack(self, request) -> None:
        """The request's answer (or failure) is in: free its origin after the delay."""
        slot, token = request.meta.get(_META, (None, None))
        if slot is None or self.leased.get(slot) != token:
            return  # not leased here, or acknowledged already
        del self.leased[slot]
        low, high = 1 - self.jitter, 1 + self.jitter
        delay_ms = int(self.delay * random.uniform(low, high) * 1000)
        if not self._ack(args=[self.prefix, self.worker, slot, delay_ms]):
            log.warning("lease on %s had expired before its answer came", slot)
        self.on_ack(delay_ms / 1000)

    def done(self, in_progress) -> None:
        """Forget the held requests the engine is done with (not among `in_progress`)."""
        finished = [t for t, r in self.held.items() if r not in in_progress]
        if finished:
            self.server.hdel(f"{self.prefix}held:{self.worker}", *finished)
            for token in finished:
                del self.held[token]

    def heartbeat(self) -> bool:
        """Keep this worker's leases and say it is alive; put back what dead workers held.
        Return whether another worker holds requests."""
        self._renew(args=[self.prefix, self.worker, self.lease_ms, *sorted(self.leased)])
        return self.others_busy()

    def others_busy(self) -> bool:
        return bool(self._others_busy(args=[self.prefix, self.worker, self.lease_ms]))

    def release(self) -> None:
        """On close: put back what this worker still holds, for the others."""
        self._release(args=[self.prefix, self.worker, int(self.delay * 1000)])
        self.leased.clear()
        self.held.clear()

    def clear(self) -> None:
        for key in self.server.scan_iter(match=self.prefix + "*"):
            self.server.delete(key)


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler with the per-origin queue: it wakes the engine when the next
    origin is due, keeps leases alive, and reports the crawl pending while any worker is busy."""

    crawler = None

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.stats = None  # scrapy-redis counts through a deprecated Scrapy call
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.queue = OriginQueue(self.server, spider, self.queue_key, self.serializer)
        self.df = CanonicalDupeFilter.from_spider(spider)
        if len(self.queue):
            spider.logger.info("joining a crawl with %d origins to visit", len(self.queue))
        self.crawler.gongkai_frontier = self.queue
        self.queue.on_ack = self._wake_in
        self._wake, self._wake_due = None, 0.0
        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(self.queue.lease_ms / 3000, now=False)

    def _in_progress(self) -> set:
        """The requests the engine is not done with (downloading, or their answer being
        parsed and its output stored and queued)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        return slot.inprogress if slot is not None else set()

    def _heartbeat(self) -> None:
        self.queue.done(self._in_progress())
        self.queue.heartbeat()

    def _locally_idle(self) -> bool:
        engine = self.crawler.engine
        return engine.scraper.slot is None or (engine.scraper.slot.is_idle()
                                               and not engine.downloader.active)

    def enqueue_request(self, request) -> bool:
        """scrapy-redis's, with the seen-set and the queue written in one step (OriginQueue)."""
        seen = None if request.dont_filter else (self.df.key,
                                                 self.df.request_fingerprint(request))
        if not self.queue.push(request, seen):
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis", spider=self.spider)
        return True

    def next_request(self):
        request = super().next_request()
        if request is None and self.queue.wait_ms >= 0:
            # an origin is due later, or another worker may free one: look again by then
            self._wake_in(min(self.queue.wait_ms, POLL_MS) / 1000)
        return request

    def _wake_in(self, seconds: float) -> None:
        """Have the engine ask for requests again in `seconds` (Scrapy itself looks only
        after each answer and every five seconds)."""
        from twisted.internet import reactor

        due = time.monotonic() + seconds
        if self._wake is not None and self._wake.active():
            if self._wake_due <= due:
                return
            self._wake.cancel()
        self._wake_due = due
        self._wake = reactor.callLater(max(seconds, 0.005), self._poke)

    def _poke(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)  # the engine's "look again" call
        if slot is not None:
            slot.nextcall.schedule()

    def has_pending_requests(self) -> bool:
        if len(self.queue):
            return True
        if not self._locally_idle():
            return True
        self.queue.done(self._in_progress())
        return self.queue.heartbeat()  # whether another worker holds requests

    def close(self, reason):
        if self._beat.running:
            self._beat.stop()
        if self._wake is not None and self._wake.active():
            self._wake.cancel()
        self.queue.release()
        if reason == "finished" and not len(self.queue) and not self.queue.others_busy():
            prefix = self.queue.prefix  # "<namespace>crawl:<id>:"
            ns, crawl_id = prefix.rsplit("crawl:", 1)
            if self.server.eval(_FINISH, 0, ns, crawl_id.rstrip(":")):
                for key in self.server.scan_iter(match=prefix + "*"):
                    self.server.expire(key, KEEP_SECONDS)
        return super().close(reason)


class LeaseMiddleware:
    """The outermost downloader middleware: acknowledges a leased request that fails before
    it reaches the downloader (robots.txt, a bot wall, a page limit); answers and download
    errors are acknowledged as they leave the downloader."""

    def __init__(self, crawler):
        self.crawler = crawler
        crawler.signals.connect(self._left, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _frontier(self) -> OriginQueue | None:
        return getattr(self.crawler, "gongkai_frontier", None)

    def _left(self, request, spider=None):
        if self._frontier() is not None:
            self._frontier().ack(request)

    def process_exception(self, request, exception, spider=None):
        if self._frontier() is not None:
            self._frontier().ack(request)
