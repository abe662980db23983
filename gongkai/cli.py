"""The `gongkai` command: one click group; each subcommand calls the package entry points."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import time
from pathlib import Path

import click

from archive.copy import CopyError
from archive.db import ArchiveUnavailable
from crawler.inspect import InspectError
from gongkai import refresh as pipeline
from gongkai.config import ConfigError, load_config
from indexer.search import IndexReader, SearchError, SearchRequest
from indexer.store import IndexBusy, IndexMismatch, NoIndex

log = logging.getLogger("gongkai")
DEFAULT_CONFIG = "gongkai.toml"
WHOOSH_ADVICE = 20_000
WHOOSH_NOTE = ("note: {documents} documents on the Whoosh engine, which scores every match in "
               "Python: at 100,000 documents a search took 0.9 s (median, 3.3 s p95) against "
               "14 ms on tantivy. "
               "Set [index] engine = \"tantivy\" and run `gongkai index --full` "
               "(docs/search-engines.md).")
FAILURES = (ConfigError, pipeline.RefreshError, IndexBusy, NoIndex, IndexMismatch, SearchError,
            InspectError, ArchiveUnavailable, CopyError)


class _Group(click.Group):
    """Report expected failures as one line on stderr with exit code 1, not a traceback; a
    crawl stopped by a signal with its report and the shell's code for that signal (130 for
    SIGINT, 143 for SIGTERM)."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except pipeline.CrawlInterrupted as exc:  # what was crawled is kept and reported
            _print_crawl(exc.report)
            click.echo(f"error: {exc}", err=True)
            ctx.exit(128 + signal.Signals[exc.signame].value)
        except FAILURES as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help=f"Settings file (TOML). Default: ./{DEFAULT_CONFIG} if it exists.")
@click.option("-v", "--verbose", is_flag=True, help="Log progress (INFO) to stderr.")
@click.pass_context
def cli(ctx, config_path, verbose):
    """Gongkai (公开): crawl government disclosure sites, index them, search them."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if config_path is None and Path(DEFAULT_CONFIG).exists():
        config_path = DEFAULT_CONFIG
    ctx.obj = {"config_path": config_path, "log_level": "INFO" if verbose else "WARNING"}


def _config(ctx):
    if "config" not in ctx.obj:
        ctx.obj["config"] = load_config(ctx.obj["config_path"])
    return ctx.obj["config"]


def _print_crawl(report) -> None:
    for run in report.runs:
        errors = json.loads(run["error_detail"] or "{}")
        detail = ", ".join(f"{k} {v}" for k, v in sorted(errors.items())) or "none"
        click.echo(f"crawl {run['source']}: {run['pages']} pages, {run['new']} new, "
                   f"{run['updated']} updated, {run['unchanged']} unchanged, {run['gone']} "
                   f"withdrawn, {run['restored']} restored, "
                   f"{run['attachments']} attachments, {run['duplicates']} duplicates; "
                   f"errors: {detail} ({run['status']})")
        if errors.get("js_only_page"):
            click.echo(f"  {errors['js_only_page']} pages left to scripts: a source whose "
                       f"pages scripts fill in needs render = \"browser\" "
                       f"(docs/configuration.md)")
        walls = json.loads(run["walls"] or "{}")
        for origin, wall in sorted(walls.get("blocked", {}).items()):
            click.echo(f"  blocked origin: {origin} ({wall['reason']}): every answer was a "
                       f"wall ({wall['walls']}); {wall['skipped']} requests not sent")
        for origin, scopes in sorted(walls.get("walled", {}).items()):
            for scope, wall in sorted(scopes.items()):
                click.echo(f"  walled path: {origin}{scope} ({wall['reason']}): "
                           f"{wall['walls']} walls, {wall['skipped']} requests not sent")
        _print_limits(json.loads(run.get("limits") or "{}"))
    click.echo(f"crawl took {report.seconds:.1f}s")


def _print_limits(limits: dict) -> None:
    """What a crawl run held back (crawler/outcomes.py), a line each."""
    for pattern, skipped in sorted(limits.get("traps", {}).items()):
        click.echo(f"  trap: {pattern}: page after page with nothing new; "
                   f"{skipped} requests not sent")
    for origin, wait in sorted(limits.get("retry_after", {}).items()):
        click.echo(f"  Retry-After: {origin}: waited {wait['waits']} times, "
                   f"{wait['seconds']:g}s in all")
    for origin, delay in sorted(limits.get("crawl_delay", {}).items()):
        click.echo(f"  Crawl-delay: {origin}: {delay:g}s between requests (robots.txt)")
    if limits.get("robots_txt"):
        click.echo(f"  robots.txt: {limits['robots_txt']} requests forbidden, not sent")
    if limits.get("truncated"):
        click.echo(f"  truncated: {limits['truncated']} pages too large to read whole; "
                   "read in their first part")
    if limits.get("interrupted_by"):
        click.echo(f"  interrupted by {limits['interrupted_by']}: the crawl did not finish")


def _print_index(report) -> None:
    kind = "full rebuild" if report.full else "incremental update"
    click.echo(f"index ({kind}, {report.engine}, {report.generation}): {report.added} added or "
               f"updated, {report.withdrawn} withdrawn, {report.documents} documents, "
               f"{report.seconds:.1f}s")
    if report.engine == "whoosh" and report.documents > WHOOSH_ADVICE:
        click.echo(WHOOSH_NOTE.format(documents=report.documents))


def _print_stats(report) -> None:
    click.echo(f"stats: {report.reports} annual reports ({report.parsed} parsed), "
               f"{report.failed} with failed checks, {report.seconds:.1f}s")


def _index(config, full: bool = False):
    """Update the index, with a progress bar (documents, docs/s, time left) on a terminal."""
    if not sys.stderr.isatty():
        return pipeline.index(config, full=full)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]:>6.0f} docs/s"), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("index", total=None, rate=0.0)
        started = time.monotonic()

        def progress(done: int, expected: int) -> None:
            rate = done / max(time.monotonic() - started, 1e-6)
            bar.update(task, completed=done, total=expected, rate=rate)

        return pipeline.index(config, full=full, progress=progress)


@cli.command()
@click.option("--source", "sources", multiple=True, help="Crawl only this source (repeatable).")
@click.option("--full", is_flag=True,
              help="Re-walk every page: no conditional GETs, no early stop of list paging.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Crawler processes on this machine; above 1 needs [crawl] redis_url. "
                   "With redis_url, the same command on other machines joins the same crawl.")
@click.pass_context
def crawl(ctx, sources, full, workers):
    """Crawl the configured sources into the archive (incremental unless --full)."""
    _print_crawl(pipeline.crawl(_config(ctx), tuple(sources), ctx.obj["log_level"], full=full,
                                progress=True, workers=workers))


@cli.command("ocr")
@click.pass_context
def ocr_cmd(ctx):
    """Read the scanned documents the crawl kept by OCR (within [ocr] max_pages and seconds;
    what is left waits for the next run). `refresh` runs it after the crawl."""
    _print_ocr(_ocr(_config(ctx)))


def _ocr(config):
    """OCR the waiting scans, with a progress bar (documents) on a terminal."""
    if not sys.stderr.isatty():
        return pipeline.ocr(config)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("ocr"), BarColumn(), MofNCompleteColumn(), transient=True) as bar:
        task = bar.add_task("ocr", total=None)

        def progress(done: int, expected: int) -> None:
            bar.update(task, completed=done, total=expected)

        return pipeline.ocr(config, progress=progress)


def _print_ocr(report) -> None:
    click.echo(f"ocr: {report.documents} documents read ({report.pages} pages, "
               f"{report.failed} unreadable), {report.left} left for the next run; "
               f"took {report.seconds:.1f}s")


@cli.command()
@click.option("--full", is_flag=True, help="Rebuild into a new index generation and swap it in.")
@click.pass_context
def index(ctx, full):
    """Update the search index from the archive (incremental unless --full)."""
    _print_index(_index(_config(ctx), full=full))


@cli.command()
@click.option("--full", is_flag=True, help="Re-walk every page while crawling (see crawl --full).")
@click.pass_context
def refresh(ctx, full):
    """Crawl every source, then update the index."""
    from gongkai.schedule import run_line

    report = pipeline.refresh(_config(ctx), ctx.obj["log_level"], full=full, progress=True,
                              index=_index)
    _print_crawl(report.crawl)
    _print_ocr(report.ocr)
    _print_index(report.index)
    _print_stats(report.stats)
    click.echo(run_line(report.run))


@cli.command()
@click.option("--host", default=None, help="Listen address (default: [web] host).")
@click.option("--port", type=int, default=None, help="Port (default: [web] port).")
@click.pass_context
def serve(ctx, host, port):
    """Serve the web UI and JSON API (gunicorn: [web] workers × threads)."""
    config = _config(ctx)
    _serve(config, host or config["web.host"], port or config["web.port"])


def _serve(config, host: str, port: int) -> None:
    from gongkai.serve import serve, workers

    click.echo(f"Gongkai is serving on http://{host}:{port}/  ({workers(config)} workers × "
               f"{config['web.threads']} threads, {config['index.engine']} engine; "
               "Ctrl+C to stop)")
    serve(config, host, port)


@cli.command()
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="Print the same object as /api/search.")
@click.option("--size", type=int, default=10, show_default=True, help="Hits per page (1-100).")
@click.option("--page", type=int, default=1, show_default=True, help="Page number.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True, help="Order of the hits.")
@click.option("--type", "doc_type", default="", help="Only this document type.")
@click.option("--publisher", default="", help="Only this publisher.")
@click.option("--year", default="", help="Only documents published in this year.")
@click.pass_context
def search(ctx, query, as_json, size, page, sort, doc_type, publisher, year):
    """Search the index from the command line."""
    req = SearchRequest.from_params({"q": query, "size": str(size), "page": str(page),
                                     "sort": sort, "type": doc_type, "publisher": publisher,
                                     "year": year})
    config = _config(ctx)
    result = IndexReader(config.index_root, config["index.engine"],
                         total_bound=config["search.total_bound"], cache_entries=0).search(req)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    more = "more than " if result.total_relation == "gte" else ""
    click.echo(f"{more}{result.total} results ({result.took_ms} ms)")
    for n, hit in enumerate(result.hits, start=(page - 1) * size + 1):
        click.echo(f"{n:3}. {hit.title}  [{hit.publisher} {hit.pub_date}]\n     {hit.url}")


@cli.command()
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="From this day on (YYYY-MM-DD, local time); default: the last 7 days.")
@click.option("--source", "sources", multiple=True, help="Only this source (repeatable).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array of the changes, each as /api/changes gives it.")
@click.pass_context
def changes(ctx, since, sources, as_json):
    """What the crawls found new, changed, withdrawn or restored, newest first: one line per
    document, by its latest change (the archive keeps every version; see /doc/<id>)."""
    from archive import Archive
    from archive.versions import public

    start = since.timestamp() if since else time.time() - 7 * 86_400
    with Archive(_config(ctx).archive) as archive:
        found = archive.changes_between(start, time.time() + 1, tuple(sources),
                                        limit=1_000_000)
    if as_json:
        click.echo(json.dumps([public(c) for c in found], ensure_ascii=False, indent=1))
        return
    for change in found:
        what = "、".join(change["changed"])
        click.echo(f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(change['at']))} "
                   f"{change['kind']:<9} {change['title']}"
                   f"{f' ({what})' if what else ''}  [{change['publisher'] or '—'}]\n"
                   f"{'':27}{change['url']}")
    click.echo(f"{len(found)} documents changed since "
               f"{time.strftime('%Y-%m-%d %H:%M', time.localtime(start))}")


@cli.command()
@click.option("--publisher", default="", help="Only this agency (exactly as published).")
@click.option("--year", type=int, default=None, help="Only reports on this year.")
@click.option("--csv", "as_csv", is_flag=True,
              help="Print every value as CSV (UTF-8 with BOM, Chinese headers) instead.")
@click.option("--rebuild", is_flag=True,
              help="Parse every report again from the kept files (after a parser change).")
@click.pass_context
def stats(ctx, publisher, year, as_csv, rebuild):
    """The numbers of the annual reports (表二, 表三, 表四) and their checks."""
    from archive import Archive
    from reports.export import csv_text, summary_lines

    config = _config(ctx)
    report = pipeline.stats(config, rebuild=rebuild)
    with Archive(config.archive) as archive:
        _, reports = archive.report_stats(publisher=publisher, year=year, limit=1_000_000)
    if as_csv:
        click.echo(csv_text(reports), nl=False)
        return
    _print_stats(report)
    for line in summary_lines(reports):
        click.echo(line)


@cli.group()
def archive():
    """Look after the archive itself (see docs/scaling.md)."""


@archive.command("copy")
@click.argument("source")
@click.argument("destination")
def archive_copy(source, destination):
    """Copy the archive SOURCE into the empty archive DESTINATION, then compare every table's
    rows and contents on both sides. Each is a SQLite file or a postgresql:// URL, e.g.
    `gongkai archive copy index_data/archive.sqlite3 postgresql://gongkai@db/gongkai`;
    then set [archive] url to use the copy."""
    from archive.copy import copy_archive
    from archive.db import redacted

    started = time.perf_counter()
    report = copy_archive(source, destination)
    for table, (rows, digest) in report.items():
        click.echo(f"{table:<14} {rows:>9} rows  sha256-sum {digest[:16]}  identical")
    click.echo(f"copied {redacted(source)} to {redacted(destination)} in "
               f"{time.perf_counter() - started:.1f}s; every table verified")


@cli.command("extract")
@click.argument("target")
@click.option("--url", default="", help="The page's URL, for a saved file (dates, links).")
def extract_cmd(target, url):
    """Print what the crawler extracts from a page or attachment (a file or a URL) as JSON."""
    from crawler.inspect import inspect_target

    click.echo(json.dumps(inspect_target(target, url), ensure_ascii=False, indent=1))


@cli.command()
@click.option("--runs", type=int, default=None, help="Stop after this many refreshes.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None,
              help="Also append each run's line to this file (with a timestamp).")
@click.pass_context
def schedule(ctx, runs, log_file):
    """Run refresh at each time of [schedule] cron; never two at once. Each run logs one line
    to stderr (`refresh ok started=… pages=… new=… updated=… gone=… indexed=… seconds=…` or
    `refresh failed … error="…"`); under systemd the journal adds the timestamp."""
    from gongkai.schedule import log as schedule_log
    from gongkai.schedule import run_schedule

    config = _config(ctx)
    _log_runs(schedule_log, log_file)
    click.echo(f"scheduling refresh at cron {config['schedule.cron']!r}", err=True)
    run_schedule(config, runs=runs)


class _JournalFormatter(logging.Formatter):
    """The message with a syslog priority prefix (`<3>` error, `<6>` info) that journald
    turns into the entry's priority; the journal keeps its own timestamps."""

    def format(self, record: logging.LogRecord) -> str:
        priority = 3 if record.levelno >= logging.ERROR else \
            4 if record.levelno >= logging.WARNING else 6
        return f"<{priority}>{record.getMessage()}"


def _log_runs(logger: logging.Logger, log_file: str | None) -> None:
    """Send a logger's lines to stderr (timestamped unless systemd's journal reads it) and to
    a file, whatever -v says."""
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stamped = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(_JournalFormatter() if os.environ.get("JOURNAL_STREAM") else stamped)
    logger.addHandler(stderr)
    if log_file:
        to_file = logging.FileHandler(log_file, encoding="utf-8")
        to_file.setFormatter(stamped)
        logger.addHandler(to_file)


@cli.command()
@click.option("--site-port", type=int, default=8001, show_default=True,
              help="Port for the bundled sample site.")
@click.option("--no-serve", is_flag=True, help="Build the index, then exit without serving.")
@click.pass_context
def demo(ctx, site_port, no_serve):
    """Serve the bundled sample site on localhost, crawl it, index it and serve the search UI."""
    from gongkai.demo import demo_config, start_sample_site

    config = demo_config(_config(ctx), site_port)
    server, pages = start_sample_site(config.data_dir, site_port)
    click.echo(f"sample site: {pages} documents on http://127.0.0.1:{site_port}/")
    _print_crawl(pipeline.crawl(config, log_level=ctx.obj["log_level"], progress=True))
    _print_index(_index(config))
    _print_stats(pipeline.stats(config))
    if not no_serve:
        _serve(config, config["web.host"], config["web.port"])
    server.shutdown()


def main() -> None:
    """Entry point of the console script."""
    cli(prog_name="gongkai")


if __name__ == "__main__":
    sys.exit(main())
