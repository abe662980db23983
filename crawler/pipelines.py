"""Item pipelines, one job each; their order lives only in `ITEM_PIPELINES` (crawler/settings.py)."""

from __future__ import annotations

from crawler.archive import Archive, Document


class ArchivePipeline:
    """Write documents to the archive and record the crawl run with its counts."""

    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = path
        self.archive: Archive | None = None
        self.run_id = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("GONGKAI_ARCHIVE"))

    def open_spider(self, spider=None):
        self.archive = Archive(self.path)
        self.run_id = self.archive.start_run(self.crawler.spider.source["name"])

    def process_item(self, item, spider=None):
        stats = self.crawler.stats
        if isinstance(item, Document):
            stats.inc_value(f"gongkai/{self.archive.upsert(item)}")
        elif "gone" in item and self.archive.mark_gone(item["gone"]):
            stats.inc_value("gongkai/gone")
        elif "unchanged" in item and self.archive.touch(item["unchanged"]):
            stats.inc_value("gongkai/unchanged")
        return item

    def close_spider(self, spider=None):
        stats = self.crawler.stats.get_stats()
        counts = {k: stats.get(f"gongkai/{k}", 0)
                  for k in ("new", "updated", "unchanged", "gone", "attachments", "duplicate")}
        counts["pages"] = stats.get("downloader/response_count", 0)
        errors = _prefixed(stats, "gongkai/errors/")
        blocked = _prefixed(stats, "gongkai/blocked/")
        status = "finished" if stats.get("finish_reason", "finished") == "finished" else "stopped"
        self.archive.finish_run(self.run_id, counts, errors, status, blocked)
        self.archive.close()


def _prefixed(stats: dict, prefix: str) -> dict:
    return {k.removeprefix(prefix): v for k, v in stats.items() if k.startswith(prefix)}
