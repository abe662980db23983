"""Scrapy settings: Scrapy's polite defaults plus what a government-site crawl needs."""

from __future__ import annotations


def scrapy_settings(archive_path: str, delay: float, user_agent: str, *,
                    max_pages: int = 0, timeout: float = 20.0, retries: int = 2,
                    full: bool = False, log_level: str = "WARNING") -> dict:
    """Return the Scrapy settings for one crawl; the caller passes every value explicitly."""
    return {
        "GONGKAI_ARCHIVE": str(archive_path),
        "GONGKAI_FULL": full,  # re-walk everything: no conditional GETs, no early paging stop
        "USER_AGENT": user_agent,
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0.5,  # each delay varies by ±50 %
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "DOWNLOAD_TIMEOUT": timeout,
        "DOWNLOAD_MAXSIZE": 50 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": retries,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "CLOSESPIDER_PAGECOUNT": max_pages,
        "COOKIES_ENABLED": True,
        "REQUEST_FINGERPRINTER_CLASS": "crawler.urls.CanonicalFingerprinter",
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": True,
        "DOWNLOADER_MIDDLEWARES": {
            # process_response runs from high numbers to low: after redirects (600) and
            # decompression (590), before retries (550)
            "crawler.middlewares.BotWallMiddleware": 585,
            "crawler.middlewares.EncodingMiddleware": 580,
            # sees 5xx answers and timeouts before RetryMiddleware (550) re-queues them
            "crawler.middlewares.BackoffMiddleware": 560,
        },
        "ITEM_PIPELINES": {
            "crawler.pipelines.ArchivePipeline": 800,
        },
    }
