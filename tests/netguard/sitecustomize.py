"""Network guard for tests: Python loads this module at start-up when this directory is on
PYTHONPATH, so every process of a command under test (and the crawler child it spawns) records
each DNS lookup or connection to a host outside the loopback network in $GONGKAI_NETGUARD_LOG.
"""

import ipaddress
import os
import sys

_LOG = os.environ.get("GONGKAI_NETGUARD_LOG")


def _loopback(host) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _hook(event, args):
    if event == "socket.getaddrinfo":
        host = args[0]
    elif event == "socket.connect" and isinstance(args[1], tuple):  # not a Unix socket
        host = args[1][0]
    else:
        return
    if not _loopback(host):
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {event} {host}\n")


if _LOG:
    sys.addaudithook(_hook)
