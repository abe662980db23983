"""Write the relevance test set into tests/relevance/: documents and graded queries.

    .venv/bin/python bench/relevance_set.py

Documents come from the sample-site generator (fictional agencies, text this project writes):
annual reports in both formats, guides, budgets, notices. Judgments follow from how each
document was generated (grade 3: the document asked for; 2: on the topic in its title;
1: on the topic in its body), so they are reproducible and need no human labelling:

- known_item    agency + year + 年度报告, 文号, 索引号 (bracket and width variants)
- topic         依申请公开 答复, 行政复议 纠错, 三公经费 公务接待, …
- phrase        quoted strings; relevant = exactly the documents containing them
- subword       a word inside longer words (人民共和国 inside 中华人民共和国)
- traditional   a known-item or topic query written in traditional characters
- typo          a known-item query with one character wrong: judged by the suggestion
- pinyin        a query typed in pinyin: judged by the suggestion
- plain         plain-language words (年报, 三公经费): relevant = what they mean
- proximity     two words typed apart: best where they stand side by side
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import zhconv
from pypinyin import Style, lazy_pinyin

from gongkai.samplesite.corpus import AGENCIES, generate

OUT = Path(__file__).resolve().parent.parent / "tests" / "relevance"
EXTRA_AGENCIES = [
    ("青州市教育局", "青教", "11530100MB0009012F", "qzjy"),
    ("白河县财政局", "白财", "11530121MB0009123G", "bhcz"),
    ("临江区人民政府办公室", "临政办", "11530102MB0009234H", "ljq"),
    ("安澜镇人民政府", "安政", "11530121MB0009345J", "alz"),
]


def documents() -> list[dict]:
    docs = []
    for i, sample in enumerate(generate(seed=77, years=range(2012, 2025), notices_per_agency=6,
                                        agencies=AGENCIES + EXTRA_AGENCIES)):
        body = sample.body_text()
        year = re.search(r"(\d{4})年", sample.title)
        docs.append({"id": f"d{i:04d}", "url": f"http://{sample.slug}.example.gov.cn/{i}.html",
                     "title": sample.title, "body": body, "publisher": sample.publisher,
                     "pub_date": sample.pub_date.isoformat(), "doc_type": sample.doc_type,
                     "doc_number": sample.doc_number, "index_number": sample.index_number,
                     "report_year": int(year.group(1)) if sample.doc_type == "annual_report"
                     and year else None})
    return docs


def _containing(docs, *needles) -> dict[str, int]:
    """Grade 2 where every needle is in the title, 1 where all are in title + body."""
    grades = {}
    for d in docs:
        text = d["title"] + "\n" + d["body"]
        if all(n in text for n in needles):
            grades[d["id"]] = 2 if all(n in d["title"] for n in needles) else 1
    return grades


def queries(docs: list[dict], rng: random.Random) -> list[dict]:
    out = []
    reports = [d for d in docs if d["doc_type"] == "annual_report"]
    for d in rng.sample(reports, 48):
        name = d["publisher"]
        grades = {o["id"]: 1 for o in reports if o["publisher"] == name}
        grades[d["id"]] = 3
        short = name.replace("云江省", "").replace("人民政府", "政府")
        out.append({"kind": "known_item", "q": f"{short} {d['report_year']} 年度报告",
                    "grades": grades})
    notices = [d for d in docs if d["doc_number"]]
    for d in rng.sample(notices, 15):
        number = d["doc_number"]
        variant = rng.choice([number, number.replace("〔", "[").replace("〕", "]"),
                              number.replace("〔", "（").replace("〕", "）")])
        out.append({"kind": "known_item", "q": variant, "grades": {d["id"]: 3}})
    for d in rng.sample(docs, 10):
        out.append({"kind": "known_item", "q": d["index_number"], "grades": {d["id"]: 3}})
    topics = [("依申请公开 答复", ("依申请公开", "答复")), ("行政复议 纠错", ("行政复议",)),
              ("三公经费 公务接待", ("公务接待",)), ("政策解读", ("政策解读",)),
              ("保密审查", ("保密审查",)), ("行政许可 处理决定", ("行政许可",)),
              ("营商环境优化", ("营商环境优化",)), ("生态环境保护督察整改", ("生态环境保护督察整改",)),
              ("政府信息公开指南", ("政府信息公开指南",)), ("部门决算", ("部门决算",)),
              ("规范性文件", ("规范性文件",)), ("公开指南 公开目录", ("公开指南", "公开目录")),
              ("食品安全监管 通知", ("食品安全监管", "通知")), ("就业创业扶持", ("就业创业扶持",)),
              ("政务新媒体", ("政务新媒体",))]
    for q, needles in topics:
        out.append({"kind": "topic", "q": q, "grades": _containing(docs, *needles)})
    phrases = ["中华人民共和国政府信息公开条例", "以公开为常态、不公开为例外", "予以公开",
               "危及“三安全一稳定”", "全文电子化率", "本年制发件数", "本年新制作数量",
               "公务用车购置及运行费", "过紧日子", "政府信息公开行政复议", "按季度报送进展情况",
               "20个工作日内", "收费及减免情况", "本机关未收取信息处理费", "口岸通关便利化",
               "信息公开", "公开信息", "主动公开政府信息", "统计期限", "在线申请"]
    for phrase in phrases:
        out.append({"kind": "phrase", "q": f'"{phrase}"', "grades": _containing(docs, phrase)})
    for word in ["人民共和国", "共和国", "信息公开", "政务公开", "复议", "公开条例", "新媒体",
                 "督察", "一网通办", "公务接待"]:
        out.append({"kind": "subword", "q": word, "grades": _containing(docs, word)})
    for source in [q for q in out if q["kind"] in ("known_item", "topic")][:65:5]:
        out.append({"kind": "traditional", "q": zhconv.convert(source["q"], "zh-hant"),
                    "grades": source["grades"]})
    for source in [q for q in out if q["kind"] == "topic"][:10]:
        word = source["q"].split()[0]
        i = rng.randrange(len(word))
        typo = word[:i] + rng.choice("总坏还付书样") + word[i + 1:]
        out.append({"kind": "typo", "q": typo, "expect_suggestion": word,
                    "grades": _containing(docs, word)})
    for word in ["政府信息公开", "行政复议", "依申请公开", "政策解读", "保密审查", "营商环境",
                 "行政许可", "公务接待", "部门预算", "政务新媒体"]:
        out.append({"kind": "pinyin", "q": "".join(lazy_pinyin(word, style=Style.NORMAL)),
                    "expect_suggestion": word, "grades": _containing(docs, word)})
    plain = [("年报", ("年度报告",)), ("三公经费", ("公务接待",)), ("复议", ("行政复议",)),
             ("预决算", ("部门",)), ("不公开", ("不予公开",))]
    for q, needles in plain:
        grades = _containing(docs, *needles)
        if q == "预决算":
            grades = {d["id"]: 2 for d in docs if d["doc_type"] == "budget"}
        out.append({"kind": "plain", "q": q, "grades": grades})
    for first, second in [("公开", "指南"), ("行政", "复议"), ("政府", "网站"), ("公开", "目录"),
                          ("政策", "解读"), ("信息", "管理"), ("监督", "保障"), ("平台", "建设"),
                          ("主动", "公开"), ("公务", "接待")]:
        grades = {}
        for d in docs:  # grade 2: the words side by side, as typed; 1: both, apart only
            text = d["title"] + "\n" + d["body"]
            if first + second in text:
                grades[d["id"]] = 2
            elif first in text and second in text:
                grades[d["id"]] = 1
        out.append({"kind": "proximity", "q": f"{first} {second}", "grades": grades})
    return [q for q in out if q["grades"]]


def main() -> None:
    rng = random.Random(2026)
    docs = documents()
    qs = queries(docs, rng)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "documents.jsonl", "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    with open(OUT / "queries.jsonl", "w", encoding="utf-8") as fh:
        for q in qs:
            fh.write(json.dumps(q, ensure_ascii=False) + "\n")
    kinds: dict[str, int] = {}
    for q in qs:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    print(f"{len(docs)} documents, {len(qs)} queries: {kinds}")


if __name__ == "__main__":
    main()
