"""The pipeline: text or HTML in, `Digest` out."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from digests.cjk import word_count
from digests.clean import clean_text
from digests.html import extract_html
from digests.keypoints import key_points
from digests.model import Digest, DigestError, Span
from digests.quotes import find_quotes, main_quotes, verbatim
from digests.sentences import split_sentences
from digests.topics import TopicSet

# The check every returned quote passes; defined once, in the quotes package.
is_verbatim = verbatim
_WORDS_PER_MINUTE: Final = 230
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])


def digest_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    source: str | None = None,
    published: datetime | None = None,
    points: int = 3,
    quotes: int | None = 3,
    topics: TopicSet | None = None,
) -> Digest:
    """Digest an article's plain text; `quotes=None` keeps every quote found; `topics` tags it."""
    _check_text(text)
    body = text
    if title is None:
        title, body = _split_title_line(text)
    cleaned = clean_text(body)
    sentences = split_sentences(cleaned)
    if not sentences:
        raise DigestError("empty article: no sentences after cleaning")
    # find_quotes builds each quote from the cleaned text under its spans, and cleaning keeps
    # the input's length: a quote whose spans read the same in both is verbatim in the input
    # too; only one that overlaps what cleaning masked needs the check against the input itself.
    found = [
        q
        for q in find_quotes(cleaned)
        if cleaned is text
        or all(text[s:e] == cleaned[s:e] for s, e in q.spans)
        or is_verbatim(q, text)
    ]
    spans: list[Span] = [s for q in found for s in q.spans]
    points_ = key_points(cleaned, sentences, n=points, title=title, quote_spans=spans)
    words = word_count(cleaned)
    title = title or _fallback_title(cleaned, sentences[0])
    return Digest(
        title=title,
        url=url,
        source=source,
        published=published,
        key_points=tuple(points_),
        quotes=tuple(main_quotes(found, quotes)),
        topics=tuple(m.topic for m in topics.match(title, cleaned)) if topics is not None else (),
        reading_minutes=max(1, round(words / _WORDS_PER_MINUTE)),
        text=text,
    )


def digest_html(
    page: str | bytes,
    *,
    url: str | None = None,
    title: str | None = None,
    source: str | None = None,
    published: datetime | None = None,
    points: int = 3,
    quotes: int | None = 3,
    topics: TopicSet | None = None,
) -> Digest:
    """Digest an HTML page; quote spans then point into the extracted text (`Digest.text`)."""
    page_text = page if isinstance(page, str) else None
    if page_text is not None and not page_text.strip():
        raise DigestError("empty page")
    extracted = extract_html(page, url=url)
    return digest_text(
        extracted.text,
        title=title or extracted.title or "",
        url=url,
        source=source or extracted.source,
        published=published or extracted.published,
        points=points,
        quotes=quotes,
        topics=topics,
    )


def _check_text(text: str) -> None:
    if not text.strip():
        raise DigestError("empty article")
    sample = text[:8192]
    if "\x00" in sample or _controls(sample) > len(sample) // 100 + 2:
        raise DigestError("binary data, not article text")


def _controls(sample: str) -> int:
    """How many control characters (other than tab, line breaks and form feed) the sample holds."""
    # bytes.translate deletes them in one C pass, several times faster than a regex scan. In
    # UTF-8 every byte of a character beyond ASCII is >= 0x80, so only the controls are deleted.
    raw = sample.encode("utf-8", "surrogatepass")
    return len(raw) - len(raw.translate(None, _CONTROL_BYTES))


def _split_title_line(text: str) -> tuple[str | None, str]:
    """A short first line without closing punctuation, followed by more text, is the title.

    The title line is masked with spaces rather than cut, so offsets still point into `text`.
    """
    first, sep, rest = text.lstrip("\n").partition("\n")
    offset = len(text) - len(text.lstrip("\n"))
    line = first.strip()
    if not sep or not rest.strip() or not line or len(line) > 150 or line[-1] in ".!?\"”'’:;,":
        return None, text
    if len(line.split()) > 25:
        return None, text
    end = offset + len(first)
    return line.lstrip("# ").strip(), " " * end + text[end:]


def _fallback_title(text: str, first: Span) -> str:
    sentence = " ".join(text[first[0] : first[1]].split())
    if len(sentence) <= 90:
        return sentence
    return sentence[:90].rsplit(" ", 1)[0] + "…"
