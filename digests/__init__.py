"""newsbot's pure digest library: article text or HTML in, `Digest` out. No network, no platforms."""

from digests.digest import digest_html, digest_text
from digests.model import Digest, DigestError, Quote, Span
from digests.quotes import verbatim as is_verbatim
from digests.topics import (
    Evidence,
    Topic,
    TopicConfigError,
    TopicMatch,
    TopicSet,
    match_topics,
    parse_topics,
)

__all__ = [
    "Digest",
    "DigestError",
    "Evidence",
    "Quote",
    "Span",
    "Topic",
    "TopicConfigError",
    "TopicMatch",
    "TopicSet",
    "digest_html",
    "digest_text",
    "is_verbatim",
    "match_topics",
    "parse_topics",
]
