"""WSGI entry for any WSGI server: `gongkai.wsgi:app_from_env()` builds the app from the
configuration file named by GONGKAI_CONFIG (optional) and the GONGKAI_* environment variables,
exactly as `gongkai serve` does."""

import os

from gongkai.config import load_config
from gongkai.serve import app_config
from search_web import create_app


def app_from_env():
    """Build the app for a WSGI server from GONGKAI_CONFIG and GONGKAI_* variables."""
    return create_app(app_config(load_config(os.environ.get("GONGKAI_CONFIG") or None)))
