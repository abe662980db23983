"""OCR as a stage after the crawl: scans in the archive get their text (`gongkai ocr`)."""
