"""Request hygiene for the app's server: CSRF tokens, Origin/Host checks, body limits, public error text.

* **Host** (DNS rebinding): on a loopback bind only loopback ``Host`` headers are served; a request
  without ``Host`` is refused.
* **Origin** (cross-site requests): every state-changing request (not GET/HEAD/OPTIONS) must carry an
  ``Origin`` (or, failing that, a ``Referer``) whose host is the ``Host`` it was sent to; neither is 403.
* **Token** (CSRF): ``GET /api/session`` sets an HttpOnly, SameSite=Strict session cookie and returns
  ``{"token": HMAC(server secret, session)}``; every state-changing ``/api/`` request must send it as
  ``X-Spatial-Token``. A page on another site can neither read the token nor set the header on a
  form post, and JSON routes accept only ``Content-Type: application/json``.
* **Bodies**: state-changing requests must declare a ``Content-Length`` (411 otherwise) within the
  route's limit (413).
* **Errors**: :func:`public_message` makes one short line without server paths of any error text.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

SESSION_COOKIE = "spatial_session"
TOKEN_HEADER = "x-spatial-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\'\"]+){2,}[/\\]?")


class Tokens:
    """Per-session CSRF tokens derived from a per-process secret (nothing to store)."""

    def __init__(self) -> None:
        self._secret = secrets.token_bytes(32)

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        return hmac.new(self._secret, session.encode(), hashlib.sha256).hexdigest()

    def valid(self, session: str | None, token: str | None) -> bool:
        if not session or not token or len(session) > 100 or len(token) > 100:
            return False
        return hmac.compare_digest(self.token(session), token)


def host_allowed(host: str, allowed: set[str] | None) -> bool:
    """``allowed`` None: any non-empty Host (non-loopback binds: the Origin check still applies)."""
    host = (host or "").lower()
    if not host:
        return False
    return allowed is None or host in allowed


def loopback_hosts(port: int) -> set[str]:
    return {f"{h}:{port}" for h in LOOPBACK_NAMES} | set(LOOPBACK_NAMES)


def same_origin(headers, host: str) -> bool:
    """Does the request's Origin (or Referer) name the host it was sent to?"""
    src = headers.get("origin") or headers.get("referer")
    if not src or src == "null":
        return False
    try:
        parts = urlsplit(src)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and parts.netloc.lower() == (host or "").lower()


def is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def public_message(exc_or_text, limit: int = 300) -> str:
    """One line without file-system paths (``<path>`` instead), at most ``limit`` characters."""
    text = str(exc_or_text) or type(exc_or_text).__name__
    text = " ".join(text.split())
    text = _PATH.sub("<path>", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
