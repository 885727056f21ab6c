"""Sending an issued invoice to the organisation over Peppol, through the service's access
point. The app talks to an access point by one interface; which one (and its endpoint and
credentials) comes from the configuration:

    PEPPOL_ACCESS_POINT = "http"      # or "local" (a fake that keeps what it is given)
    PEPPOL_ENDPOINT = "https://ap.example.be/api/documents"
    PEPPOL_TOKEN = "..."

With none configured, nothing is sent: the service downloads the XML (or the month's zip)
and hands it to its accounting system.
"""

import json
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from flask import current_app


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    message_id: str | None = None
    error: str | None = None


class AccessPoint(Protocol):
    def send(self, document: bytes, receiver: tuple[str, str]) -> SendResult: ...


class HttpAccessPoint:
    """An access point that takes the UBL by an authenticated POST (most Belgian ones do:
    the receiver's participant ID in a header, the document as the body)."""

    def __init__(self, endpoint: str, token: str, timeout: float = 30):
        if not endpoint.startswith("https://"):
            raise ValueError("PEPPOL_ENDPOINT must be an https:// address")
        self.endpoint, self.token, self.timeout = endpoint, token, timeout

    def send(self, document: bytes, receiver: tuple[str, str]) -> SendResult:
        request = urllib.request.Request(  # noqa: S310 - https only (checked above)
            self.endpoint, data=document, method="POST", headers={
            "Content-Type": "application/xml", "Authorization": f"Bearer {self.token}",
            "X-Peppol-Receiver": f"{receiver[0]}:{receiver[1]}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                answer = json.loads(response.read() or b"{}")
        except (OSError, ValueError) as error:
            return SendResult(False, error=type(error).__name__)
        return SendResult(True, message_id=str(answer.get("id") or ""))


class LocalAccessPoint:
    """A fake access point: keeps what it is sent (tests, demos); refuses a receiver listed
    in ``refuse``, as a real one refuses an unknown participant."""

    def __init__(self, refuse=()):
        self.sent: list[tuple[bytes, tuple[str, str]]] = []
        self.refuse = set(refuse)

    def send(self, document: bytes, receiver: tuple[str, str]) -> SendResult:
        if f"{receiver[0]}:{receiver[1]}" in self.refuse:
            return SendResult(False, error="unknown receiver")
        self.sent.append((document, receiver))
        return SendResult(True, message_id=f"local-{len(self.sent)}")


_local = LocalAccessPoint()


def access_point() -> AccessPoint | None:
    """The configured access point (None: documents are downloaded, not sent)."""
    kind = current_app.config.get("PEPPOL_ACCESS_POINT")
    if kind == "local":
        return current_app.extensions.setdefault("peppol_local", _local)
    if kind == "http" and current_app.config.get("PEPPOL_ENDPOINT"):
        return HttpAccessPoint(current_app.config["PEPPOL_ENDPOINT"],
                               current_app.config.get("PEPPOL_TOKEN", ""))
    return None
