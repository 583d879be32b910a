"""newsbot's pure digest library: article text or HTML in, `Digest` out. No network, no platforms."""

import importlib.machinery

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


def compiled() -> bool:
    """True when the per-article modules run as mypyc-compiled extensions (see setup.py)."""
    from digests import quotes

    return (quotes.__file__ or "").endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


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
    "compiled",
    "digest_html",
    "digest_text",
    "is_verbatim",
    "match_topics",
    "parse_topics",
]
