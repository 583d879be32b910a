"""newsbot's pure digest library: article text or HTML in, `Digest` out. No network, no platforms."""

from digests.digest import digest_html, digest_text, is_verbatim
from digests.model import Digest, DigestError, Quote, Span

__all__ = ["Digest", "DigestError", "Quote", "Span", "digest_html", "digest_text", "is_verbatim"]
