"""Shared fixtures: tiny real archives, indexes, apps and fixture sites served on localhost."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive, Document
from gongkai.cli import cli
from gongkai.samplesite.corpus import AGENCIES, generate
from gongkai.samplesite.render import write_site
from gongkai.samplesite.serve import serve_directory
from indexer.build import build_index
from indexer.engines import ENGINES
from search_web import create_app

SMALL_AGENCIES = AGENCIES[:3]


def make_doc(url: str, title: str, body: str, **fields) -> Document:
    """Return a Document for the archive with sensible defaults."""
    fields.setdefault("publisher", "云江省商务厅")
    fields.setdefault("pub_date", "2023-02-01")
    return Document(url=url, source="test", site="example.gov.cn", title=title, body=body,
                    **fields)


DOCS = [
    make_doc("http://example.gov.cn/a1.html", "云江省商务厅2022年政府信息公开工作年度报告",
             "本报告根据《中华人民共和国政府信息公开条例》编制。全年收到依申请公开申请12件，"
             "行政复议案件1件。", doc_type="annual_report", report_year=2022,
             index_number="11530000MB0002345Y/2023-00001"),
    make_doc("http://example.gov.cn/a2.html", "云江省教育厅2021年政府信息公开工作年度报告",
             "政府信息公开工作稳步推进。主动公开政府信息300条。行政诉讼案件0件。",
             publisher="云江省教育厅", pub_date="2022-01-20", doc_type="annual_report",
             report_year=2021),
    make_doc("http://example.gov.cn/n1.html", "关于做好营商环境优化工作的通知",
             "各有关单位：为推进营商环境优化，现将有关事项通知如下。公开信息要及时。",
             publisher="青州市人民政府", pub_date="2020-05-06", doc_type="notice",
             doc_number="青政发〔2020〕12号"),
    make_doc("http://example.gov.cn/b1.html", "云江省商务厅2023年部门预算",
             "“三公”经费预算：公务接待费12.5万元。<script>alert(1)</script> A&B 公司",
             pub_date="2023-03-10", doc_type="budget"),
    make_doc("http://example.gov.cn/t1.html", "2010年度政府信息公開年度報告",
             "本機關依照條例辦理政府信息公開申請。信息公开的传统写法。",
             publisher="白河县人民政府", pub_date="2011-03-01", doc_type="annual_report",
             report_year=2010),
]


def fill_archive(path: Path, docs: list[Document]) -> Path:
    """Write documents into an archive file and return its path."""
    with Archive(path) as archive:
        for doc in docs:
            archive.upsert(doc)
    return path


BACKENDS = ("sqlite", "postgres")


@pytest.fixture(params=BACKENDS)
def archive_target(request, tmp_path):
    """An empty archive's target on each back end: a SQLite file, a PostgreSQL schema."""
    if request.param == "sqlite":
        yield tmp_path / "a.sqlite3"
        return
    from tests.services import postgres_schema

    with postgres_schema() as url:
        yield url


@pytest.fixture
def archive_path(tmp_path) -> Path:
    return fill_archive(tmp_path / "archive.sqlite3", DOCS)


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """Every test that builds or reads an index runs once per search engine."""
    return request.param


@pytest.fixture
def index_root(tmp_path, archive_path, engine) -> Path:
    root = tmp_path / "index"
    build_index(archive_path, root, engine=engine)
    return root


@pytest.fixture
def app(index_root, engine):
    app = create_app({"INDEX_ROOT": str(index_root), "INDEX_ENGINE": engine, "TESTING": True})
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory):
    """A small generated site (3 agencies) written once: (root, {path: SampleDoc})."""
    root = tmp_path_factory.mktemp("site")
    docs = generate(seed=7, years=range(2016, 2024), notices_per_agency=3, agencies=SMALL_AGENCIES)
    return root, write_site(docs, root)


@pytest.fixture
def site_server(sample_site):
    """Serve the small sample site on a free localhost port; yield its base URL."""
    server = serve_directory(sample_site[0])
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def crawled(tmp_path_factory, sample_site):
    """The small sample site crawled over HTTP, indexed and its report statistics made:
    (config path, {path: SampleDoc}, a test client of the app, `gongkai stats` output)."""
    root, pages = sample_site
    server = serve_directory(root)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    data = tmp_path_factory.mktemp("stats")
    config = data / "gongkai.toml"
    config.write_text(f'data_dir = "data"\n[crawl]\ndelay = 0\n[[sources]]\nname = "sample"\n'
                      f'start_urls = ["{base}/"]\n', encoding="utf-8")
    try:
        for command in (["crawl"], ["index"]):
            result = CliRunner().invoke(cli, ["--config", str(config), *command])
            assert result.exit_code == 0, result.output
    finally:
        server.shutdown()
        server.server_close()
    out = CliRunner().invoke(cli, ["--config", str(config), "stats"])  # the site is gone now
    assert out.exit_code == 0, out.output
    client = create_app({"INDEX_ROOT": str(data / "data" / "index")}).test_client()
    return config, pages, client, out.output


def screenshot_dir() -> Path:
    """Where the browser tests keep their screenshots: test-output/screenshots/ at the top of
    the checkout, or under $GONGKAI_TEST_OUTPUT."""
    root = os.environ.get("GONGKAI_TEST_OUTPUT") or Path(__file__).resolve().parent.parent \
        / "test-output"
    out = Path(root) / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    return out


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run should have installed it")
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser.new_page()
        browser.close()


def serve_app(app):
    """Serve a Flask app on a free localhost port in a thread; return (url, server)."""
    from waitress.server import create_server  # a test server; `gongkai serve` runs gunicorn

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    return f"http://127.0.0.1:{server.effective_port}", server
