"""Scrapy settings: Scrapy's polite defaults plus what a government-site crawl needs."""

from __future__ import annotations

# Scrapy 2.19 hands a slot's queued requests to coroutines that mark them "transferring" only
# when they run; with a delay of 0 its dispatch loop never pauses, so every queued request of
# an origin goes out at once. A delay, however small, makes it send one and wait.
MIN_DELAY = 0.001


def scrapy_settings(archive_path: str, crawl: dict, *, full: bool = False,
                    progress: bool = False, log_level: str = "WARNING",
                    frontier: dict | None = None, browser: str = "") -> dict:
    """Return the Scrapy settings for one crawl. `crawl`: the `[crawl]` settings
    (gongkai/config.py, each one given); `frontier`: the settings of a shared crawl
    (crawler.frontier.frontier_settings); `browser`: the Chromium that opens the pages of
    sources with render = "browser" (crawler/browser.py), if there are any."""
    settings = {
        "GONGKAI_ARCHIVE": str(archive_path),
        "GONGKAI_FULL": full,  # re-walk everything: no conditional GETs, no early paging stop
        "GONGKAI_MAX_PAGES": crawl["max_pages"],  # per source; 0: no limit
        "GONGKAI_PROGRESS": progress,  # per-source progress on stderr (crawler/progress.py)
        # names of URL parameters that carry a session, besides crawler.urls.SESSION_PARAMETERS
        "GONGKAI_SESSION_PARAMETERS": [n for n in crawl["session_parameters"].split(",")
                                       if n.strip()],
        "GONGKAI_MAX_DELAY": crawl["max_delay"],  # crawler/politeness.py
        "GONGKAI_MAX_RETRY_AFTER": crawl["max_retry_after"],
        "GONGKAI_READ_TIMEOUT": crawl["read_timeout"],  # crawler/reader.py
        "GONGKAI_TRAP_LIMIT": crawl["trap_limit"],  # crawler/traps.py
        "GONGKAI_RECHECK": crawl["recheck"],  # crawler/withdrawals.py
        "GONGKAI_QUERY_VARIANTS": crawl["query_variants"],
        "USER_AGENT": crawl["user_agent"],
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": max(crawl["delay"], MIN_DELAY),
        "DOWNLOAD_DELAY_JITTER": 0.5,  # each delay varies by ±50 %
        # All sources run in one engine. Download slots are origins (SourceMiddleware): one
        # request at a time per origin, `concurrency` origins at once, and the scheduler hands
        # out requests of the origins with the fewest downloads in flight first.
        "CONCURRENT_REQUESTS": max(1, crawl["concurrency"]),
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOAD_TIMEOUT": crawl["timeout"],
        "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": crawl["retries"],
        # a retry goes before fresh work: behind it, a crawl with much to do never retries
        # (its origin's backoff and any Retry-After still hold it back: crawler/politeness.py)
        "RETRY_PRIORITY_ADJUST": 10,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "COOKIES_ENABLED": True,
        "REQUEST_FINGERPRINTER_CLASS": "crawler.urls.CanonicalFingerprinter",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "DOWNLOADER_MIDDLEWARES": {
            # process_request runs from low numbers to high, process_response the other way
            "crawler.middlewares.SourceMiddleware": 50,  # before robots.txt (100)
            "crawler.middlewares.TrapMiddleware": 60,
            # sees a known document's redirect before RedirectMiddleware (600) follows it
            "crawler.withdrawals.WithdrawnRedirects": 650,
            "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
            "crawler.middlewares.Decompression": 590,
            # after redirects (600) and decompression (590), before retries (550)
            "crawler.middlewares.BotWallMiddleware": 585,
            "crawler.middlewares.EncodingMiddleware": 580,
            # sees 5xx answers and timeouts before RetryMiddleware (550) re-queues them
            "crawler.politeness.BackoffMiddleware": 560,
        },
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.middlewares.WallAwareDownloadHandler",
            "https": "crawler.middlewares.WallAwareDownloadHandler",
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.ArchivePipeline": 800,
        },
        "EXTENSIONS": {
            "crawler.progress.Progress": 500,
            "crawler.politeness.Pace": 0,
        },
    }
    if browser:
        from crawler.browser import browser_settings

        settings.update(browser_settings(browser, crawl["timeout"], crawl["user_agent"]))
    if frontier:  # one worker of a crawl shared through Redis (crawler/frontier.py)
        settings.update(frontier)
        settings["DOWNLOADER_MIDDLEWARES"].update({
            "crawler.frontier.LeaseMiddleware": 10,  # outermost: sees every failure
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.sharing.SharedRobotsTxtMiddleware": 100,
        })
    return settings
