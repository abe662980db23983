"""WSGI entry: `waitress-serve --call search_web.wsgi:app_from_env` (INDEX_ROOT from GONGKAI_DATA_DIR)."""

import os

from search_web import create_app


def app_from_env():
    """Build the app for a WSGI server from the GONGKAI_DATA_DIR environment variable."""
    data_dir = os.environ.get("GONGKAI_DATA_DIR", "index_data")
    return create_app({"INDEX_ROOT": os.path.join(data_dir, "index")})
