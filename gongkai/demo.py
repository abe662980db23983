"""`gongkai demo`: the sample site served on localhost, crawled, indexed and searchable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gongkai.config import Config
from gongkai.samplesite import build_sample_site
from gongkai.samplesite.serve import serve_directory


def demo_config(config: Config, site_port: int) -> Config:
    """Return the config with one source: the sample site on localhost, crawled without delay."""
    values = dict(config.values, **{"crawl.delay": 0.0})
    source = {"name": "demo", "start_urls": [f"http://127.0.0.1:{site_port}/index.html"],
              "allowed_domains": ["127.0.0.1"]}
    return dataclasses.replace(config, values=values, sources=[source])


def start_sample_site(data_dir: Path, port: int):
    """Write the sample site under data_dir/sample_site and serve it; return (server, pages)."""
    pages = build_sample_site(data_dir / "sample_site")
    return serve_directory(data_dir / "sample_site", port=port), len(pages)
