"""newsbot's own exceptions: vendor errors (httpx, SQLAlchemy, pydantic) are translated at the boundary."""

from __future__ import annotations


class NewsbotError(Exception):
    """Base of every error newsbot raises on purpose; the message is meant for a person."""


class ConfigError(NewsbotError):
    """A bad setting or config file; the message names the key and the fix."""


class FetchError(NewsbotError):
    """A URL could not be fetched; `reason` says why in a few words ("HTTP 404", "too large: > 10 MB")."""

    def __init__(self, reason: str, *, url: str = "", retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        # Seconds the server asked us to wait (Retry-After on 429/503), a lower bound on the next try.
        self.retry_after = retry_after


class BlockedError(FetchError):
    """The URL is refused before any connection: bad scheme or a private/loopback address."""


class FeedError(NewsbotError):
    """A fetched document is not a feed we can read ("not a feed: got text/html")."""


class StoreError(NewsbotError):
    """The database could not be opened, migrated or written."""


class PublishError(NewsbotError):
    """A message could not be posted; `kind` says what the delivery worker should do about it.

    - ``retry``: transient (5xx, timeout, 429): try again later, after `retry_after` if given.
    - ``channel``: the bot cannot post to this channel any more (deleted, no access, token
      revoked): pause the channel's subscriptions with `reason`.
    - ``message``: this one message is refused (malformed, too large): fail the delivery only.
    """

    def __init__(
        self, reason: str, *, kind: str = "retry", retry_after: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """True when retrying cannot help."""
        return self.kind != "retry"


class StartupError(NewsbotError):
    """The bot cannot start as configured (bad token, missing scope or intent); one line per fix."""
