"""List-page adapters: each turns a list or navigation page into the requests worth following.

One module per CMS family (DOMAIN.md §1); `adapter_for` picks one by fingerprinting the page.
Only the generic adapter exists so far; the platform adapters plug in here.
"""

from __future__ import annotations

from crawler.adapters import generic

ADAPTERS = {"generic": generic}


def adapter_for(response, platform: str = ""):
    """Return the adapter module for a response (a configured platform wins over detection)."""
    if platform:
        return ADAPTERS[platform]
    for adapter in ADAPTERS.values():
        if adapter is not generic and adapter.matches(response):
            return adapter
    return generic
