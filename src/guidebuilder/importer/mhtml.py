"""A page saved by Chrome as "Webpage, single file" (.mhtml): a MIME message whose first
text/html part is the page. Only that part is read; the images and styles beside it are not."""

from __future__ import annotations

import email
import email.policy
import re

from ..errors import GuideError

SUFFIXES = {".mhtml", ".mht"}
_WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+")


def looks_like_mhtml(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"multipart/related" in head and b"mime-version" in head


def html_part(data: bytes) -> tuple[bytes, str | None, str | None]:
    """The page's HTML bytes, the charset its MIME headers give, and the http(s) address it
    was saved from (Content-Location), if any."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    if not message.is_multipart():
        raise GuideError("this .mhtml file is not a saved page (no MIME parts in it)")
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if not payload or not payload.strip():
                raise GuideError("the page inside this .mhtml file is empty")
            location = str(part.get("Content-Location") or message.get("Snapshot-Content-Location") or "")
            saved_from = location.strip() if _WEB_ADDRESS.fullmatch(location.strip()) else None
            return payload, part.get_content_charset(), saved_from
    raise GuideError("this .mhtml file holds no HTML page")
