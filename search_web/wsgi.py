"""WSGI entry for any WSGI server: `search_web.wsgi:app_from_env()` (the index under
GONGKAI_DATA_DIR, the engine from GONGKAI_INDEX_ENGINE)."""

import os

from search_web import create_app


def app_from_env():
    """Build the app for a WSGI server from the GONGKAI_DATA_DIR and GONGKAI_INDEX_ENGINE
    environment variables."""
    data_dir = os.environ.get("GONGKAI_DATA_DIR", "index_data")
    return create_app({"INDEX_ROOT": os.path.join(data_dir, "index"),
                       "INDEX_ENGINE": os.environ.get("GONGKAI_INDEX_ENGINE", "whoosh")})
