"""What the workers of a shared crawl (crawler/frontier.py) know together besides their queue:
each origin's robots.txt, fetched once per crawl, and what their answers say about bot walls.
Both live in Redis under the crawl's key prefix."""

from __future__ import annotations

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

from crawler.frontier import connect
from crawler.urls import origin
from crawler.walls import FIRST_WALLS, WALLS_IN_A_ROW, Walled, WallPolicy, wall_scope


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt once per origin per crawl: the first worker to fetch it stores it in Redis,
    the others parse the stored copy."""

    def _key(self, request) -> str | None:
        frontier = getattr(self.crawler, "gongkai_frontier", None)
        return None if frontier is None else f"{frontier.prefix}robots:{origin(request.url)}"

    async def robot_parser(self, request):
        key, netloc = self._key(request), urlparse_cached(request).netloc
        if key and netloc not in self._parsers:
            body = self.crawler.gongkai_frontier.server.get(key)
            if body is not None:  # parsed as if fetched: its Crawl-delay holds here too
                parser = self._parsers[netloc] = build_from_crawler(self._parserimpl,
                                                                    self.crawler, body)
                await self.crawler.signals.send_catch_log_async(
                    signal=signals.robots_parsed, robotparser=parser, request=request)
        return await super().robot_parser(request)

    async def _parse_robots(self, response, netloc, request):
        key = self._key(request)
        if key:
            self.crawler.gongkai_frontier.server.set(key, response.body)
        await super()._parse_robots(response, netloc, request)


class SharedWallPolicy(WallPolicy):
    """What every worker of a shared crawl knows about bot walls (crawler/walls.py): the
    walled scopes and closed origins, and per origin the real pages and the walls in a row
    that decide whether to close it, counted over all workers. The counts of walls met and
    requests skipped stay per worker, in each worker's crawl run."""

    def __init__(self, server, prefix: str):
        super().__init__()
        self.server = server
        self.prefix = prefix

    def _shared(self, origin_key: str) -> str:
        return f"{self.prefix}walls:{origin_key}"

    def refusal(self, url: str):
        key, state = self._state(url)
        for name, reason in self.server.hgetall(self._shared(key)).items():
            name, reason = name.decode(), reason.decode()
            if name == "closed" and state.closed is None:
                state.closed = Walled(reason)
            elif name.startswith("scope:"):
                state.scopes.setdefault(name.removeprefix("scope:"), Walled(reason))
        return super().refusal(url)

    def wall(self, url: str, reason: str) -> tuple[str, str, bool]:
        key, state = self._state(url)
        scope = wall_scope(url)
        state.scopes.setdefault(scope, Walled(reason)).walls += 1
        shared = self._shared(key)
        with self.server.pipeline() as pipe:
            pipe.hsetnx(shared, "scope:" + scope, reason)
            pipe.hincrby(shared, "in_a_row", 1)
            pipe.hget(shared, "pages")
            _, in_a_row, pages = pipe.execute()
        if state.closed is None and ((not pages or int(pages) == 0) and in_a_row >= FIRST_WALLS
                                     or in_a_row >= WALLS_IN_A_ROW):
            self.server.hsetnx(shared, "closed", reason)
            state.closed = Walled(reason, walls=in_a_row)
        return key, scope, state.closed is not None

    def page(self, url: str) -> None:
        super().page(url)
        shared = self._shared(origin(url))
        with self.server.pipeline() as pipe:
            pipe.hincrby(shared, "pages", 1)
            pipe.hset(shared, "in_a_row", 0)
            pipe.execute()


def wall_policy(settings) -> WallPolicy:
    """The crawl's wall policy: shared when this process is a worker of a shared crawl."""
    if settings.get("SCHEDULER") != "crawler.frontier.SharedScheduler":
        return WallPolicy()
    return SharedWallPolicy(connect(settings.get("REDIS_URL")),
                            settings.get("SCHEDULER_QUEUE_KEY"))
