"""OCR engines on scanned pages: character error rate and speed, to choose one (issue #18).

    .venv/bin/python bench/ocr.py [--pages 4] [--engines rapidocr,tesseract]

Pages of notice text are drawn as a scanner gives them (gongkai.samplesite.scans): 200 dpi,
grey paper noise, a slight rotation; each page once clean and once with a red seal stamped over
part of the text. Each engine reads every page; reported per engine and condition: the
character error rate (edit distance over the true text, whitespace ignored) and pages per
second. `rapidocr` is rapidocr-onnxruntime (PP-OCR models in its wheel); `tesseract` is
Debian's tesseract-ocr with chi_sim (run as a command, if installed).
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gongkai.samplesite.scans import NOTICE_PAGES, scanned_page  # noqa: E402
from reading.ocr import _ink  # noqa: E402


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def cer(truth: str, read: str) -> float:
    truth, read = "".join(truth.split()), "".join(read.split())
    return edit_distance(truth, read) / max(1, len(truth))


def rapidocr():
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()

    def read(image) -> str:
        result, _ = engine(image)
        return "\n".join(text for _, text, _ in result or [])
    return read


def tesseract():
    if not shutil.which("tesseract"):
        raise SystemExit("tesseract is not installed (apt-get install tesseract-ocr "
                         "tesseract-ocr-chi-sim)")

    def read(image) -> str:
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return subprocess.run(["tesseract", "-", "-", "-l", "chi_sim", "--psm", "6"],
                              input=buf.getvalue(), capture_output=True, check=True
                              ).stdout.decode()
    return read


ENGINES = {"rapidocr": rapidocr, "tesseract": tesseract}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=len(NOTICE_PAGES))
    parser.add_argument("--engines", default="rapidocr,tesseract")
    parser.add_argument("--red", choices=("keep", "drop"), default="drop",
                        help="drop: as reading.ocr reads pages (the red channel, light "
                             "made white), where a red seal is paper")
    args = parser.parse_args()
    pages = NOTICE_PAGES[:args.pages]
    for name in args.engines.split(","):
        read = ENGINES[name]()
        read(scanned_page(pages[0], seed=0))  # warm up (model load)
        for sealed in (False, True):
            images = [scanned_page(lines, seed=n, seal=sealed) for n, lines in enumerate(pages)]
            errors, started = [], time.perf_counter()  # drawing the scans is not timed
            for lines, image in zip(pages, images, strict=True):
                errors.append(cer("".join(lines), read(_ink(image) if args.red == "drop"
                                                       else image)))
            seconds = time.perf_counter() - started
            print(f"{name:9s} {'sealed' if sealed else 'clean ':6s} red {args.red}  CER "
                  f"{sum(errors) / len(errors):6.2%} (worst {max(errors):6.2%})  "
                  f"{len(pages) / seconds:5.2f} pages/s")


if __name__ == "__main__":
    main()
