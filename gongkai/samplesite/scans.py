"""Scanned pages, as agencies post their signed and sealed documents: text drawn at 200 dpi on
grey paper with noise, turned a little, and a red seal stamped over part of it.

Used by the OCR tests and bench/ocr.py. The text is this project's own (notices in the style of
红头文件), drawn with WenQuanYi Micro Hei, the Chinese font `.ci/run` installs.
"""

from __future__ import annotations

import math
import random

FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DPI = 200
PAGE = (1654, 2339)  # A4 at 200 dpi
MARGIN = 190
LINE = 33  # 12 pt at 200 dpi
LEAD = 62

# each line a short paragraph of its own, as in the signed notices agencies scan
NOTICE_PAGES = [
    ["示例市人民政府办公室关于做好二〇二四年防汛工作的通知",
     "各区人民政府，市政府各部门：",
     "\u3000\u3000为切实做好今年防汛工作，保障人民群众生命财产安全，",
     "\u3000\u3000经市政府同意，现就有关事项通知如下。",
     "\u3000\u3000一、压实防汛责任。各区要落实行政首长负责制，",
     "\u3000\u3000明确每一座水库、每一段堤防的责任人。",
     "\u3000\u3000二、加强隐患排查。汛前完成对病险水库、",
     "\u3000\u3000地质灾害隐患点和城市易涝点的全面排查整治。",
     "\u3000\u3000三、做好应急准备。储备足够的防汛物资，",
     "\u3000\u3000组织开展应急演练，确保关键时刻拉得出、用得上。",
     "示例市人民政府办公室",
     "2024年5月6日"],
    ["示例县人民政府关于公布行政许可事项清单的通知",
     "各乡镇人民政府，县政府各部门：",
     "\u3000\u3000根据国务院关于深化行政审批制度改革的要求，",
     "\u3000\u3000县政府对本级行政许可事项进行了全面梳理。",
     "\u3000\u3000现将清单予以公布，共计一百三十七项，",
     "\u3000\u3000请各单位严格按照清单实施行政许可。",
     "\u3000\u3000清单之外不得违法设定或者变相设定行政许可。",
     "\u3000\u3000清单实行动态管理，调整情况及时向社会公布。",
     "示例县人民政府",
     "2023年12月20日"],
    ["关于征集二〇二五年民生实事项目意见的公告",
     "\u3000\u3000为广泛听取社会各界意见建议，",
     "\u3000\u3000现面向社会公开征集二〇二五年民生实事项目。",
     "\u3000\u3000征集范围包括教育、医疗、养老、交通和住房等领域，",
     "\u3000\u3000项目应当群众受益面广、可在年内完成。",
     "\u3000\u3000征集时间为二〇二四年十月八日至十月三十一日。",
     "\u3000\u3000来信请注明姓名和联系电话，我们将依法保护个人信息。",
     "示例市发展和改革委员会",
     "2024年9月30日"],
    ["示例区教育局关于义务教育阶段招生入学工作的通知",
     "各中小学校：",
     "\u3000\u3000为做好本年度义务教育阶段招生入学工作，",
     "\u3000\u3000坚持免试就近入学，严禁以任何形式选拔学生。",
     "\u3000\u3000适龄儿童少年由户籍所在地学校招收，",
     "\u3000\u3000随迁子女按照居住证登记地就近安排入学。",
     "\u3000\u3000各校须于七月十日前公布招生计划和划片范围，",
     "\u3000\u3000接受家长和社会监督。",
     "示例区教育局",
     "2024年6月3日"]
]


def scanned_page(lines: list[str], seed: int = 0, seal: bool = False, signed: int = 2):
    """A PIL image of the lines as a scan: grey paper, noise, a slight turn, maybe a seal over
    the signature and some lines above it. The first line is the centred title, the last
    `signed` lines the signature (right); a line starting with two ideographic spaces begins
    a paragraph (indented), others run flush left (a salutation, a paragraph's next lines)."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(seed)
    font = ImageFont.truetype(FONT, LINE)
    page = Image.new("RGB", PAGE, (246, 244, 238))
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for n, line in enumerate(lines):
        centred = n == 0
        signature = n >= len(lines) - signed
        indent = line.startswith("　　")  # a paragraph's first line; others run flush
        line = line.strip("　")
        width = draw.textlength(line, font=font)
        x = (PAGE[0] - width) / 2 if centred else \
            PAGE[0] - MARGIN - width - 60 if signature else MARGIN + (2 * LINE if indent else 0)
        draw.text((x, y), line, font=font, fill=(25, 25, 25))
        y += LEAD * (1.6 if centred else 1)
    if seal:
        _seal(page, (PAGE[0] - MARGIN - 240, int(y - LEAD * 1.8)), rng)
    return _scanned(page, rng)


def _scanned(page, rng: random.Random):
    """A page as a scanner gives it back: turned a little, grainy, a little soft (the grain
    drawn from `rng`: the same seed, the same scan)."""
    import numpy
    from PIL import Image, ImageFilter

    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False,
                       fillcolor=(246, 244, 238))
    grain = numpy.random.default_rng(rng.randrange(2**32)).normal(128, 14, page.size[::-1])
    noise = Image.fromarray(grain.clip(0, 255).astype("uint8")).convert("RGB")
    return Image.blend(page, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6))


def scanned_copy(pdf: bytes, seed: int = 0, seal: bool = True) -> bytes:
    """A PDF printed, signed, sealed and scanned back: every page an image at DPI (a seal on
    the first, over its upper right), no text layer."""
    import pypdfium2

    rng = random.Random(seed)
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for n in range(len(document)):
        page = document[n].render(scale=DPI / 72).to_pil().convert("RGB")
        if seal and n == 0:
            _seal(page, (page.width - MARGIN - 300, MARGIN + 400), rng)
        pages.append(_scanned(page, rng))
    document.close()
    return images_pdf(pages)


def images_pdf(pages) -> bytes:
    """A PDF of page images (what a scanner's software saves)."""
    import io

    buf = io.BytesIO()
    pages[0].save(buf, format="PDF", resolution=DPI, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def _seal(page, centre: tuple[int, int], rng: random.Random) -> None:
    """A round red seal (ring, star, name around) blended over the page."""
    from PIL import Image, ImageDraw, ImageFont

    radius = 170
    layer = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    red = (214, 30, 35, 150)
    cx, cy = centre
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=12)
    star = [(cx + 55 * math.cos(math.pi / 2 + k * math.pi * 4 / 5),
             cy - 55 * math.sin(math.pi / 2 + k * math.pi * 4 / 5)) for k in range(5)]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(FONT, 38)
    name = "示例市人民政府办公室"
    for k, char in enumerate(name):
        angle = math.radians(210 - k * 240 / (len(name) - 1))
        x, y = cx + (radius - 45) * math.cos(angle), cy - (radius - 45) * math.sin(angle)
        draw.text((x - 19, y - 19), char, font=font, fill=red)
    layer = layer.rotate(rng.uniform(-20, 20), center=centre)
    page.paste(layer, (0, 0), layer)
