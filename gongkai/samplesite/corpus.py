"""Generate disclosure documents in the style of real ones, from text this project writes.

Agencies are fictional (云江省, 青州市, 白河县). Annual reports follow the pre-2019 prose format, the
2019 trial template and the 2021 template (DOMAIN.md §2); guides, budgets and notices fill the rest.
Everything is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from gongkai.samplesite import report_tables as tables

AGENCIES = [
    # (name, short name for 文号, organisation code for 索引号, url slug)
    ("云江省人民政府办公厅", "云政办", "11530000MB0001234X", "szfbgt"),
    ("云江省商务厅", "云商", "11530000MB0002345Y", "swt"),
    ("云江省教育厅", "云教", "11530000MB0003456Z", "jyt"),
    ("云江省生态环境厅", "云环", "11530000MB0004567A", "sthjt"),
    ("云江省人力资源和社会保障厅", "云人社", "11530000MB0005678B", "rst"),
    ("青州市人民政府", "青政", "11530100MB0006789C", "qzs"),
    ("青州市市场监督管理局", "青市监", "11530100MB0007890D", "qzscjg"),
    ("白河县人民政府", "白政", "11530121MB0008901E", "bhx"),
]

TOPICS = ["行政审批制度改革", "营商环境优化", "生态环境保护督察整改", "义务教育均衡发展",
          "就业创业扶持", "城乡居民医疗保险", "农村人居环境整治", "安全生产专项整治",
          "政务服务一网通办", "食品安全监管", "外贸稳定增长", "口岸通关便利化"]
MEASURES = ["加强组织领导", "健全工作机制", "完善公开形式", "强化监督检查", "推进平台建设",
            "规范依申请公开办理", "加强政策解读", "做好保密审查"]
CHANNELS = ["门户网站", "政务新媒体", "政府公报", "新闻发布会", "政务服务大厅", "档案馆和图书馆"]


@dataclass
class SampleDoc:
    """One generated document with the fields a detail page shows."""

    slug: str
    title: str
    body_html: str
    publisher: str
    pub_date: dt.date
    doc_type: str
    column: str
    index_number: str
    doc_number: str = ""
    written_date: dt.date | None = None
    category: str = ""
    style: str = "hanweb"  # hanweb | trs: the markup family of the detail page
    files: list = field(default_factory=list)  # SampleFile attachments linked from the page
    # annual reports: what their statistics must read as (ReportNumbers, or the figures a
    # report before 2019 states in its sentences)
    stats: object = None

    def body_text(self) -> str:
        """The body as plain text: a line per paragraph, ' | ' after each table cell."""
        text = self.body_html.replace("</p>", "\n").replace("</td>", " | ")
        return re.sub(r"<[^>]+>", "", text).strip()


def _p(text: str) -> str:
    return f"<p>\u3000\u3000{text}</p>"


def _table(rows: list[list[str]]) -> str:
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table border="1" cellspacing="0">{cells}</table>'


def _intro(rng: random.Random, agency: str, year: int) -> str:
    topic = rng.choice(TOPICS)
    return _p(f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和有关规定编制。"
              f"{year}年，{agency}坚持以公开为常态、不公开为例外，围绕{topic}等重点工作，"
              f"深入推进政务公开。本年度报告中所列数据统计期限为{year}年1月1日至{year}年12月31日。"
              f"本年度报告电子版可从{agency}门户网站下载。")


def _old_report(rng: random.Random, agency: str, year: int,
                scale: int) -> tuple[str, dict[str, int]]:
    """A report before 2019: figures stated in sentences (returned too, as stats read them),
    about as many applications as the agency's later reports count, most granted."""
    applied = rng.randint(scale, 2 * scale)
    granted = round(applied * rng.uniform(0.5, 0.8))
    review, litigation = rng.randint(0, 3), rng.randint(0, 2)
    pages = [_intro(rng, agency, year), "<p>一、概述</p>",
             _p(f"{year}年，我{agency[-1]}成立政府信息公开工作领导小组，由主要负责同志任组长，"
                f"办公室负责日常工作，全年召开专题会议{rng.randint(2, 6)}次。"),
             "<p>二、主动公开政府信息情况</p>",
             _p(f"全年主动公开政府信息{rng.randint(120, 2400)}条，其中规范性文件{rng.randint(3, 40)}件，"
                f"通过{rng.choice(CHANNELS)}和{rng.choice(CHANNELS)}发布，全文电子化率达到100%。"),
             "<p>三、依申请公开政府信息情况</p>",
             _p(f"全年共收到政府信息公开申请{applied}件，已全部按期答复，其中予以公开{granted}件，"
                f"部分公开{applied - granted}件。依申请公开答复均在法定期限内完成。"),
             "<p>四、收费及减免情况</p>",
             _p("本年度未收取任何政府信息公开检索、复制、邮寄等费用。"),
             "<p>五、因政府信息公开申请行政复议、提起行政诉讼情况</p>",
             _p(f"全年发生政府信息公开行政复议案件{review}件，行政诉讼案件{litigation}件。"),
             "<p>六、存在的主要问题及改进措施</p>",
             _p(f"公开内容的深度和广度仍需拓展。下一步将{rng.choice(MEASURES)}，{rng.choice(MEASURES)}。")]
    figures = {"applications": applied, "granted": granted, "partial": applied - granted,
               "review": review, "litigation": litigation}
    return "".join(pages), figures


# What some reports do wrong, by (agency index, reporting year): the checks they must fail.
ERRORS = {(0, 2021): "applications.results", (1, 2022): "review.sum",
          (2, 2020): "applications.columns"}
JUMPS = {(1, 2023)}  # new applications eight times last year's (and back the year after)
CARRIED_MISMATCH = {(2, 2022)}  # 上年结转 not last year's 结转下年度
# rows an editor left out of a report's tables: it must say it is incomplete
INCOMPLETE = {(0, 2020): {("item", "not_processed", 4), ("active", "enforcement")}}
COPIER = 2  # this agency reuses last year's wording from 2020 on
REPORT_FORMATS = ("html", "html", "docx", "html", "xlsx", "html", "pdf")


def _planted(index: int, year: int) -> bool:
    """Whether a report, or the one after it, carries an error or jump the checks must see."""
    return any((index, y) in planted for y in (year, year - 1)
               for planted in (ERRORS, JUMPS, CARRIED_MISMATCH, INCOMPLETE))


def failing_checks(index: int, year: int, stats) -> set[str]:
    """The checks an agency's report of a year must fail (the ground truth of tests and
    bench): its own planted errors, and the history checks against the year before."""
    failing = set(stats.failing) if isinstance(stats, tables.ReportNumbers) else set()
    if (index, year) in JUMPS or (index, year - 1) in JUMPS:
        failing.add("history.jump")
    if (index, year) in CARRIED_MISMATCH:
        failing.add("history.carried_over")
    if (index, year) in INCOMPLETE:
        failing.add("tables.incomplete")
    if index == COPIER and year >= 2021:
        failing.add("history.copied_text")
    return failing


@dataclass
class SampleFile:
    """An attachment of a sample document: its file name, link text and bytes (made when first
    read: most users of the corpus only want texts)."""

    name: str
    link_text: str
    make: Callable[[], bytes]

    @cached_property
    def data(self) -> bytes:
        return self.make()


def _report_text(rng: random.Random, agency: str, year: int, received: int) -> list[str]:
    """The sentences around the tables of a report in the 2019/2021 format."""
    return [
        _p(f"（一）主动公开。全年主动公开政府信息{rng.randint(200, 3000)}条，"
           f"围绕{rng.choice(TOPICS)}发布政策解读{rng.randint(3, 30)}篇。"),
        _p(f"（二）依申请公开。全年新收政府信息公开申请{received}件，均按期作出答复。"),
        _p("（三）政府信息管理。严格落实保密审查制度，动态更新政府信息公开指南和公开目录。"),
        _p(f"（四）政府信息公开平台建设。加强{rng.choice(CHANNELS)}建设，优化栏目设置，"
           f"完善{rng.choice(CHANNELS)}的信息发布和解读回应机制。"),
        _p(f"（五）监督保障。将政务公开纳入年度绩效考核，{rng.choice(MEASURES)}，"
           f"组织专题培训，对照考核指标逐项整改。"),
    ], [
        _p(f"政策解读形式还不够丰富，{rng.choice(TOPICS)}领域信息公开的及时性有待提高。"
           f"下一步将{rng.choice(MEASURES)}，{rng.choice(MEASURES)}，提升公开质量。"),
        _p(f"{agency}将继续加强政务公开队伍建设，健全信息发布协调机制，"
           f"推动{rng.choice(TOPICS)}相关信息集中统一公开。"),
    ]


def _new_report(rng: random.Random, agency: str, index: int, year: int,
                carried: list[int], scale: int) -> tuple[str, list[SampleFile], tables.ReportNumbers]:
    """A report in the 2019 (trial) or 2021 format: text sections and the three tables, inline
    or in an attachment (DOCX, XLSX or PDF), some with quirks of real pages, some wrong."""
    template = "2021" if year >= 2021 else "2019"
    if (index, year) in CARRIED_MISMATCH:
        carried = [c + 3 for c in carried]
    report = tables.numbers(rng, template, carried, scale * (8 if (index, year) in JUMPS else 1))
    if (index, year) in ERRORS:
        tables.break_arithmetic(report, ERRORS[(index, year)])
    report.dropped = set(INCOMPLETE.get((index, year), ()))
    quirk_rng = random.Random(f"{agency}-{year}-quirks")
    quirks = {q for q in tables.QUIRKS if quirk_rng.random() < 0.3}
    pdf_style = quirk_rng.choice(("ruled", "ruled", "narrow", "lines"))  # how a PDF is exported
    wide_sheet = quirk_rng.random() < 0.5  # an XLSX filled in by hand
    fmt = REPORT_FORMATS[(index + year) % len(REPORT_FORMATS)]
    if _planted(index, year) or fmt == "pdf" and pdf_style == "lines":
        quirks.discard("blank_totals")  # planted errors stay checkable; text shows no blanks
    report.blank_totals = "blank_totals" in quirks
    text_rng = random.Random(f"{agency}-text" if index == COPIER and year >= 2020
                             else f"{agency}-{year}-text")
    overview, closing = _report_text(text_rng, agency, year, report.applications["new"][6])
    files: list[SampleFile] = []
    if fmt == "html":
        html = tables.html_tables(report, quirks)
        middle = ["<p>二、主动公开政府信息情况</p>", html["active"],
                  "<p>三、收到和处理政府信息公开申请情况</p>", html["applications"],
                  "<p>四、政府信息公开行政复议、行政诉讼情况</p>", html["cases"]]
    else:
        def grids():
            return [tables.active_grid(report, quirks),
                    [*sum(tables.applications_grid(report, quirks), [])],
                    tables.cases_grid(report, quirks)]

        title = f"{agency}{year}年政府信息公开工作年度报告统计表"
        make = {"docx": lambda: tables.docx_file(grids(), [title]),
                "xlsx": lambda: tables.xlsx_file(grids(), wide=wide_sheet),
                "pdf": lambda: tables.pdf_file(tables.text_lines(grids(), wrap=14))
                if pdf_style == "lines" else
                tables.pdf_tables_file(grids(), [title], narrow=pdf_style == "narrow")}[fmt]
        name = f"P0{year + 1}0120{index:02d}{year % 100:02d}0001.{fmt}"
        link = f"附件：{year}年政府信息公开工作年度报告统计表.{fmt}"
        files.append(SampleFile(name, link, make))
        middle = ["<p>二、主动公开政府信息情况</p>",
                  "<p>主动公开、依申请公开和行政复议、行政诉讼的统计数据见附件。</p>",
                  f'<p><a href="{name}">{link}</a></p>']
    parts = [_intro(rng, agency, year), "<p>一、总体情况</p>", *overview, *middle,
             "<p>五、存在的主要问题及改进情况</p>", closing[0],
             "<p>六、其他需要报告的事项</p>", closing[1]]
    return "".join(parts), files, report


def _guide(rng: random.Random, agency: str) -> str:
    return "".join([
        _p(f"为便于公民、法人和其他组织获取{agency}的政府信息，根据《中华人民共和国政府信息公开条例》，"
           "编制本指南。"),
        "<p>一、主动公开</p>",
        _p(f"主动公开的政府信息通过{'、'.join(rng.sample(CHANNELS, 3))}等途径公开，"
           "属于主动公开范围的信息，自形成或者变更之日起20个工作日内予以公开。"),
        "<p>二、依申请公开</p>",
        _p("申请人可以通过当面提交、邮政寄送、在线申请等方式提出政府信息公开申请。"
           "行政机关收到申请后能够当场答复的应当当场答复，不能当场答复的自收到申请之日起20个工作日内答复。"),
        "<p>三、监督和救济</p>",
        _p("公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。"),
    ])


def _budget(rng: random.Random, agency: str, year: int, final: bool) -> str:
    kind = "决算" if final else "预算"
    rows = [["项目", f"{year}年{kind}数（万元）"],
            ["因公出国（境）费", f"{rng.uniform(0, 80):.2f}"],
            ["公务用车购置及运行费", f"{rng.uniform(5, 150):.2f}"],
            ["公务接待费", f"{rng.uniform(1, 60):.2f}"]]
    return "".join([
        _p(f"{agency}{year}年部门{kind}公开如下。"),
        _p(f"本部门{year}年收支总{kind}{rng.randint(3000, 90000)}万元，"
           "主要用于保障机构正常运转和履行职能。"),
        "<p>“三公”经费情况说明</p>",
        _table(rows),
        _p("“三公”经费较上年有所下降，主要是严格落实过紧日子要求，压减公务接待支出。"),
    ])


def _notice(rng: random.Random, agency: str, topic: str, number: str) -> str:
    return "".join([
        _p(f"各有关单位：为深入推进{topic}，经研究，现将有关事项通知如下。"),
        _p(f"一、工作目标。到年底，{topic}取得明显成效，群众满意度进一步提升。"),
        _p(f"二、主要任务。{rng.choice(MEASURES)}；{rng.choice(MEASURES)}；严格依法行政，"
           "涉及行政许可、行政处罚、行政强制的事项一律公开办理依据和结果。"),
        _p("三、保障措施。各单位要明确责任分工，按季度报送进展情况。"),
        _p(f"本通知自印发之日起施行（{number}）。"),
    ])


def _agency_docs(rng: random.Random, agency: tuple[str, str, str, str], style: str,
                 years: range, notices: int, index: int) -> list[SampleDoc]:
    """Return one agency's annual reports, guide, budgets and notices."""
    name, short, code, slug = agency
    docs: list[SampleDoc] = []
    seq = iter(range(1, 10_000))

    def add(title, body, pub, doc_type, column, number="", cat="综合政务", **more):
        docs.append(SampleDoc(slug=slug, title=title, body_html=body, publisher=name,
                              pub_date=pub, doc_type=doc_type, column=column,
                              index_number=f"{code}/{pub.year}-{next(seq):05d}",
                              doc_number=number, category=cat, style=style,
                              written_date=pub - dt.timedelta(days=rng.randint(0, 6)), **more))

    carried = [0] * 6
    scale = 6 + 4 * index
    for year in years:
        pub = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
        word = rng.choice(["年", "年度"])
        if year < 2019:
            body, figures = _old_report(rng, name, year, scale)
            more = {"stats": figures}
        else:
            body, files, report = _new_report(rng, name, index, year, carried, scale)
            carried = report.applications["carried_forward"][:6]
            more = {"stats": report, "files": files}
        add(f"{name}{year}{word}政府信息公开工作年度报告", body, pub, "annual_report", "ndbg",
            **more)
    add(f"{name}政府信息公开指南", _guide(rng, name),
        dt.date(2020, rng.randint(1, 12), rng.randint(1, 28)), "guide", "gkzn")
    for year in (years.stop - 3, years.stop - 2, years.stop - 1):
        for final in (False, True):
            pub = dt.date(year + (1 if final else 0), rng.randint(2, 8), rng.randint(1, 28))
            title = f"{name}{year}年部门{'决算' if final else '预算'}"
            add(title, _budget(rng, name, year, final), pub, "budget", "czzj", cat="财政预决算")
    for n in range(notices):
        year = rng.choice(list(years))
        topic = rng.choice(TOPICS)
        number = f"{short}发〔{year}〕{n + rng.randint(1, 90)}号"
        add(f"{name}关于做好{topic}工作的通知", _notice(rng, name, topic, number),
            dt.date(year, rng.randint(1, 12), rng.randint(1, 28)), "notice", "tzgg", number)
    return docs


def generate(seed: int = 2024, years: range = range(2012, 2025), notices_per_agency: int = 8,
             agencies: list[tuple[str, str, str, str]] | None = None) -> list[SampleDoc]:
    """Return the sample corpus: every agency's reports, guide, budgets and notices."""
    rng = random.Random(seed)
    docs: list[SampleDoc] = []
    for i, agency in enumerate(agencies or AGENCIES):
        style = "hanweb" if i % 2 == 0 else "trs"
        docs += _agency_docs(rng, agency, style, years, notices_per_agency, i)
    return docs
