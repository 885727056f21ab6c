"""Which addresses a webhook may be sent to: https, to a host on the public internet.

A subscription's URL is typed by a person, and the worker that calls it sits inside the
operator's network: an address that resolves to a private, loopback or link-local range
would let anyone with a contact person's login make the server call its own neighbours.
So the host is resolved when the URL is saved, and again before each delivery (a name
may point elsewhere later); redirects are never followed. ``WEBHOOKS_ALLOW_LOOPBACK``
lets the tests' receiver on 127.0.0.1 (and plain http to it) through.

Before a delivery the name is resolved once, by ``destination``: the worker then connects
to one of the very addresses it checked (``delivery.post``), never resolving it again; a
DNS answer that changes between the check and the connection (DNS rebinding) cannot
lead it inside.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError, ValueError):
        return []
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in found]


def _loopback_allowed() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_LOOPBACK"))


@dataclass(frozen=True)
class Destination:
    """Where a delivery goes: the URL's parts, and the addresses its host had when it was
    checked (every one of them allowed)."""
    url: str
    scheme: str
    host: str
    port: int
    target: str
    addresses: tuple[str, ...]


def check_url(url: str, field: str = "url") -> str:
    """The URL, cleaned, if a webhook may be sent there; a ``RuleError`` saying why not."""
    return destination(url, field).url


def destination(url: str, field: str = "url") -> Destination:
    """Where a webhook to the URL may go, its host resolved once; a ``RuleError`` saying
    why not."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise RuleError(_l("This is not a web address."), field) from None
    if not parts.hostname or parts.scheme not in ("https", "http"):
        raise RuleError(_l("Give a full address starting with https://."), field)
    if parts.username or parts.password:
        raise RuleError(_l("Leave the user name and password out of the address: the "
                           "signature tells your system the message is ours."), field)
    https_only = RuleError(_l("Only https addresses are accepted: the messages must "
                              "travel encrypted."), field)
    if parts.scheme != "https" and not _loopback_allowed():
        raise https_only
    addresses = _addresses(parts.hostname)
    if not addresses:
        raise RuleError(_l("The address’s host cannot be found. Check the spelling."), field)
    loopback = _loopback_allowed() and all(address.is_loopback for address in addresses)
    if parts.scheme != "https" and not loopback:
        raise https_only
    if not loopback and not all(address.is_global for address in addresses):
        raise RuleError(_l("This address leads into a private network. Give the public "
                           "https address of your system."), field)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(url=url, scheme=parts.scheme, host=parts.hostname,
                       port=parts.port or (443 if parts.scheme == "https" else 80),
                       target=target, addresses=tuple(str(address) for address in addresses))
