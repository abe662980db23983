"""The bundled sample archive: a generated government-style site, served over HTTP on localhost."""

from __future__ import annotations

from pathlib import Path

from gongkai.samplesite.corpus import SampleDoc, generate
from gongkai.samplesite.render import write_site


def build_sample_site(root: str | Path, seed: int = 2024) -> dict[str, SampleDoc]:
    """Generate the sample corpus and write it as a static site under root."""
    return write_site(generate(seed=seed), root)
