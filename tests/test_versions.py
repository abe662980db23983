"""A site that edits what it published between crawls: each edit keeps the version it
replaces, with what changed and when, on SQLite and on PostgreSQL; an unchanged document
(a 304, or the same content) adds nothing."""

from __future__ import annotations

import dataclasses

import pytest

from archive import Archive
from gongkai import refresh
from gongkai.config import load_config
from tests.services import postgres_schema
from tests.sites import FixtureServer, hanweb_detail, html, make_pdf, para

PUBLISHER = "示例市人民政府办公室"


def notice(number: str, body: str) -> bytes:
    return hanweb_detail("关于做好2024年防汛工作的通知", "2024-05-06", PUBLISHER, number,
                         "11000000/2024-00009", body)


def routes() -> dict:
    links = "".join(f'<a href="/art/{n}.html">{n}</a>' for n in (1, 2, 3, 4))
    return {
        "/index.html": html(f"<html><body>{links}</body></html>"),
        "/art/1.html": notice("示政办发〔2024〕9号", para("请各区做好防汛准备。")),
        "/art/2.html": hanweb_detail("关于公布办事指南的公告", "2024-05-07", PUBLISHER, "",
                                     "11000000/2024-00010", para("办事指南请见附件。") +
                                     '<p><a href="/files/guide.pdf">办事指南</a></p>'),
        "/art/3.html": hanweb_detail("政府信息公开指南", "2024-01-02", PUBLISHER, "",
                                     "11000000/2024-00001", para("本指南每年更新。")),
        "/art/4.html": hanweb_detail("关于调整办公时间的通知", "2024-05-08", PUBLISHER, "",
                                     "11000000/2024-00011", para("自六月起调整办公时间。")),
        "/files/guide.pdf": (make_pdf(["办事指南（第一版）", "窗口受理时间为工作日上午"]),
                             "application/pdf"),
    }


@pytest.fixture(params=["sqlite", "postgres"])
def target(request, tmp_path):
    if request.param == "sqlite":
        yield ""
        return
    with postgres_schema() as url:
        yield url


def test_edits_keep_the_versions_they_replace(tmp_path, target):
    server = FixtureServer(routes(), "127.0.0.61")
    env = {"GONGKAI_DATA_DIR": str(tmp_path), "GONGKAI_CRAWL_DELAY": "0",
           "GONGKAI_ARCHIVE_URL": target}
    config = dataclasses.replace(load_config(None, env=env), sources=[
        {"name": "site", "start_urls": [server.base + "/index.html"]}])
    try:
        refresh.crawl(config)
        # the editors: a body rewritten, a 文号 corrected, the attachment replaced; one
        # page is served anew with the same content (a CMS republishing it)
        server.change("/art/1.html", notice("示政办发〔2024〕9号",
                                            para("请各区做好防汛准备，汛期实行二十四小时值班。")))
        server.change("/art/4.html", routes()["/art/4.html"])
        first = refresh.crawl(config).runs[0]
        server.change("/art/1.html", notice("示政办发〔2024〕10号",
                                            para("请各区做好防汛准备，汛期实行二十四小时值班。")))
        server.change("/files/guide.pdf", (make_pdf(["办事指南（第二版）", "窗口受理时间延长至晚上"]),
                                            "application/pdf"))
        second = refresh.crawl(config).runs[0]
    finally:
        server.close()
    assert (first["updated"], second["updated"]) == (1, 2)
    with Archive(config.archive) as archive:
        edited = archive.versions(server.base + "/art/1.html")
        assert [(v["version"], v["changed"], v["current"]) for v in edited] == [
            (1, [], False), (2, ["body"], False), (3, ["doc_number"], True)]
        assert "二十四小时值班" not in edited[0]["body"] and \
            "二十四小时值班" in edited[1]["body"]
        assert edited[1]["fields"]["doc_number"] == "示政办发〔2024〕9号"
        assert edited[0]["last_seen"] < edited[1]["first_seen"] <= edited[1]["last_seen"] < \
            edited[2]["first_seen"]
        guide = archive.versions(server.base + "/files/guide.pdf")
        assert [v["changed"] for v in guide] == [[], ["body"]]
        assert "第一版" in guide[0]["body"] and "第二版" in guide[1]["body"]
        # the same content served again, and pages asked conditionally (304): no version
        for n in (2, 3, 4):
            assert [v["version"] for v in archive.versions(f"{server.base}/art/{n}.html")] == [1]
