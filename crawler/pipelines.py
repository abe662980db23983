"""Item pipelines, one job each; their order lives only in `ITEM_PIPELINES` (crawler/settings.py)."""

from __future__ import annotations

from archive import Archive, Document
from crawler.outcomes import interrupted

COUNTS = ("new", "updated", "unchanged", "gone", "restored", "attachments", "duplicate",
          "pages")


class ArchivePipeline:
    """Write documents to the archive and record one crawl run per source with its counts
    (the spider and middlewares count per source under `gongkai/<source>/…`)."""

    def __init__(self, crawler, path: str):
        self.crawler = crawler
        self.path = path
        self.archive: Archive | None = None
        self.runs: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, crawler.settings.get("GONGKAI_ARCHIVE"))

    def open_spider(self, spider=None):
        self.archive = Archive(self.path)
        self.runs = {name: self.archive.start_run(name) for name in self.crawler.spider.sources}

    def process_item(self, item, spider=None):
        stats = self.crawler.stats
        if isinstance(item, Document):
            stats.inc_value(f"gongkai/{item.source}/{self.archive.upsert(item)}")
        elif "gone" in item:  # a known document is gone; any other URL is a broken link
            outcome = self.archive.mark_gone(item["gone"])
            if outcome != "still_gone":
                stats.inc_value(f"gongkai/{item['source']}/" + (
                    outcome or f"errors/{item['missing']}"))
        elif "unchanged" in item:  # a 304: confirmed, or a withdrawn document back
            outcome = self.archive.touch(item["unchanged"])
            if outcome:
                stats.inc_value(f"gongkai/{item['source']}/{outcome}")
        return item

    def close_spider(self, spider=None):
        stats = self.crawler.stats.get_stats()
        finished = stats.get("finish_reason", "finished") == "finished"
        stopped_by = interrupted(self.crawler)
        for name, run_id in self.runs.items():
            prefix = f"gongkai/{name}/"
            counts = {k: stats.get(prefix + k, 0) for k in COUNTS}
            errors = {k.removeprefix(prefix + "errors/"): v for k, v in stats.items()
                      if k.startswith(prefix + "errors/")}
            limits = dict(stats.get(prefix + "limits") or {})
            if stopped_by:
                limits["interrupted_by"] = stopped_by
            status = "interrupted" if stopped_by else \
                "finished" if finished and not stats.get(prefix + "stopped") else "stopped"
            self.archive.finish_run(run_id, counts, errors, status, stats.get(prefix + "walls"),
                                    limits)
        self.archive.close()
