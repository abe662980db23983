"""Stateless web nodes: two `gongkai serve` processes on one index directory and one
PostgreSQL archive follow each newly published generation under load without a failed
query, and keep one shared query log (热门搜索) in the archive's database."""

from __future__ import annotations

import threading
import time

from archive import Archive
from indexer.build import build_index
from indexer.querylog import QueryLog
from tests.conftest import DOCS, make_doc
from tests.services import postgres_schema
from tests.sites import start_serve
from tests.test_serve import get

QUERY = "/api/search?q=%E5%B9%B4%E5%BA%A6%E6%8A%A5%E5%91%8A&size=5"  # 年度报告


def test_two_web_nodes_swap_generations_and_share_the_query_log(tmp_path):
    with postgres_schema() as url:
        with Archive(url) as archive:
            for doc in DOCS:
                archive.upsert(doc)
        index_root = tmp_path / "data" / "index"
        build_index(url, index_root, engine="tantivy")
        settings = {"GONGKAI_DATA_DIR": str(tmp_path / "data"), "GONGKAI_ARCHIVE_URL": url,
                    "GONGKAI_INDEX_ENGINE": "tantivy", "GONGKAI_WEB_WORKERS": "1",
                    "GONGKAI_WEB_THREADS": "4", "GONGKAI_WEB_RATE_LIMIT": ""}
        nodes = [start_serve(settings, cwd=tmp_path) for _ in range(2)]
        try:
            ports = [port for _, port in nodes]
            before = get(ports[0], QUERY)[1]["total"]
            answers: list[tuple[int, int, int]] = []
            stop = threading.Event()

            def load(port: int) -> None:
                while not stop.is_set():
                    status, data = get(port, QUERY)
                    answers.append((port, status, data.get("total", -1)))

            clients = [threading.Thread(target=load, args=(port,)) for port in ports * 2]
            for client in clients:
                client.start()
            with Archive(url) as archive:
                archive.upsert(make_doc("http://example.gov.cn/a9.html",
                                        "云江省财政厅2023年政府信息公开工作年度报告", "年度报告正文。",
                                        doc_type="annual_report", report_year=2023))
            build_index(url, index_root, engine="tantivy")
            for _ in range(2):
                build_index(url, index_root, full=True, engine="tantivy")
                time.sleep(0.3)
            time.sleep(0.5)
            stop.set()
            for client in clients:
                client.join()
            assert len(answers) > 20 and all(status == 200 for _, status, _ in answers)
            assert {total for _, _, total in answers} <= {before, before + 1}
            for port in ports:  # each node follows the newest generation
                assert get(port, QUERY)[1]["total"] == before + 1
                assert get(port, "/healthz")[1] == {"ok": True, "documents": len(DOCS) + 1}
            with Archive(url) as archive:
                (asked,) = archive.db.execute("SELECT sum(asked) FROM queries "
                                              "WHERE query = '年度报告'").fetchone()
            # every search on either node: the load, the first and the two last ones
            assert asked == len(answers) + 1 + len(ports)
            log = QueryLog(url)
            assert log.hot() == ["年度报告"]  # what 热门搜索 shows on every node
            log.close()
        finally:
            for server, _ in nodes:
                server.terminate()
                server.wait(30)
