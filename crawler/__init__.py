"""Gongkai's crawler: a Scrapy spider, list-page adapters, extraction and the archive writer."""
