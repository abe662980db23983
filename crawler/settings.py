"""Scrapy settings: Scrapy's polite defaults plus what a government-site crawl needs."""

from __future__ import annotations

# Scrapy 2.19 hands a slot's queued requests to coroutines that mark them "transferring" only
# when they run; with a delay of 0 its dispatch loop never pauses, so every queued request of
# an origin goes out at once. A delay, however small, makes it send one and wait.
MIN_DELAY = 0.001


def scrapy_settings(archive_path: str, delay: float, user_agent: str, *,
                    max_pages: int = 0, timeout: float = 20.0, retries: int = 2,
                    concurrency: int = 16, full: bool = False, progress: bool = False,
                    log_level: str = "WARNING", frontier: dict | None = None,
                    session_parameters: str = "") -> dict:
    """Return the Scrapy settings for one crawl; the caller passes every value explicitly.
    `frontier`: the settings of a shared crawl (crawler.frontier.frontier_settings)."""
    settings = {
        "GONGKAI_ARCHIVE": str(archive_path),
        "GONGKAI_FULL": full,  # re-walk everything: no conditional GETs, no early paging stop
        "GONGKAI_MAX_PAGES": max_pages,  # per source; 0: no limit
        "GONGKAI_PROGRESS": progress,  # per-source progress on stderr (crawler/progress.py)
        # names of URL parameters that carry a session, besides crawler.urls.SESSION_PARAMETERS
        "GONGKAI_SESSION_PARAMETERS": [n for n in session_parameters.split(",") if n.strip()],
        "USER_AGENT": user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": max(delay, MIN_DELAY),
        "DOWNLOAD_DELAY_JITTER": 0.5,  # each delay varies by ±50 %
        # All sources run in one engine. Download slots are origins (SourceMiddleware): one
        # request at a time per origin, `concurrency` origins at once, and the scheduler hands
        # out requests of the origins with the fewest downloads in flight first.
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "COOKIES_ENABLED": True,
        "REQUEST_FINGERPRINTER_CLASS": "crawler.urls.CanonicalFingerprinter",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "DOWNLOADER_MIDDLEWARES": {
            # process_request runs from low numbers to high, process_response the other way
            "crawler.middlewares.SourceMiddleware": 50,  # before robots.txt (100)
            # after redirects (600) and decompression (590), before retries (550)
            "crawler.middlewares.BotWallMiddleware": 585,
            "crawler.middlewares.EncodingMiddleware": 580,
            # sees 5xx answers and timeouts before RetryMiddleware (550) re-queues them
            "crawler.middlewares.BackoffMiddleware": 560,
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
        },
    }
    if frontier:  # one worker of a crawl shared through Redis (crawler/frontier.py)
        settings.update(frontier)
        settings["DOWNLOADER_MIDDLEWARES"].update({
            "crawler.frontier.LeaseMiddleware": 10,  # outermost: sees every failure
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.sharing.SharedRobotsTxtMiddleware": 100,
        })
    return settings
