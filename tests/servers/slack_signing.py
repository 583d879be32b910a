"""Genuinely signed Slack requests (v0 HMAC-SHA256), for tests of bolt apps in HTTP mode."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from tests.servers.slack_socket_mode import slash_command_payload

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SignedRequest:
    """A request body with the headers Slack would send with it."""

    body: bytes
    headers: dict[str, str]


def slack_signature(signing_secret: str, timestamp: int, body: bytes) -> str:
    """`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def signed_request(
    signing_secret: str, body: bytes, *, timestamp: int | None = None, content_type: str = FORM
) -> SignedRequest:
    """Sign `body` as Slack does; `timestamp` defaults to now (pass an old one to test replay)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": slack_signature(signing_secret, stamp, body),
    }
    return SignedRequest(body, headers)


def slash_command_body(text: str, *, response_url: str, **fields: str) -> bytes:
    """The form-encoded body Slack POSTs for a slash command (fields as in slash_command_payload)."""
    return urlencode(slash_command_payload(text, response_url=response_url, **fields)).encode()


def signed_slash_command(
    signing_secret: str,
    text: str,
    *,
    response_url: str,
    timestamp: int | None = None,
    user_id: str = "U0READER",
    channel_id: str = "C0NEWS",
) -> SignedRequest:
    """A signed `/news {text}` slash-command request."""
    body = slash_command_body(
        text, response_url=response_url, user_id=user_id, channel_id=channel_id
    )
    return signed_request(signing_secret, body, timestamp=timestamp)
