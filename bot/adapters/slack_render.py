"""Slack rendering: a `Digest` as a `chat.postMessage` payload of Block Kit blocks (plain dicts).

Article text is data. In mrkdwn it has `&`, `<` and `>` escaped as Slack requires (so `<!channel>`,
`<!here>`, `<@U123>` and `<url|label>` in an article are shown, never parsed), a zero-width space
after `@` and after the emphasis characters `* _ ~ `` ` (mrkdwn has no backslash escape), and every
mrkdwn object is `verbatim` so Slack does not link-ify names or mentions on its own. Plain-text
objects (the header) are not parsed for markup, so they are not entity-escaped (an `&amp;` there
would show as such); a zero-width space after `<` and `@` keeps them inert all the same. The only
live mention a message carries is its subscription's ping (`<!subteam^ID>` or `<!here>`), written
by us in the fallback text and in a section of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.adapters._text import fit, one_line, pack, safe_url, u16len
from bot.pings import Ping
from digests import Digest, Quote

HEADER_MAX = 150
SECTION_MAX = 3000
CONTEXT_ELEMENTS_MAX = 10
BLOCKS_MAX = 50
# Undocumented: chat.postMessage answers `msg_blocks_too_long` past roughly 12,000-13,000
# characters of text across a message's blocks (reported in slackapi/bolt-js#2509 and #2867, one
# report under 11,400), so the blocks of one message stay under this.
BLOCKS_TEXT_MAX = 10_000
TEXT_MAX = 3000  # the notification fallback; Slack truncates `text` far later, at 40,000

_ZWSP = "\u200b"
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_EMPHASIS = frozenset("*_~`")
_POINT_MAX = 1000
_QUOTE_MAX = 1000
_COMPACT_POINT_MAX = 350
_SOURCE_MAX = 200
_ROUNDUP_ITEMS_MAX = 20  # stories per roundup message: enough to read, well under 50 blocks
_MORE_NOTE = len("999 more quotes in the article")


def escape_mrkdwn(clusters: Sequence[str]) -> list[str]:
    """Escaper for mrkdwn text: HTML entities for & < >, ZWSP after '@' and emphasis marks."""
    out = []
    for c in clusters:
        if c in _ENTITIES:
            out.append(_ENTITIES[c])
        elif c == "@" or c in _EMPHASIS:
            out.append(c + _ZWSP)
        else:
            out.append(c)
    return out


def escape_plain_text(clusters: Sequence[str]) -> list[str]:
    """Escaper for plain_text objects: only a ZWSP after '<' and '@', which stays invisible."""
    return [c + _ZWSP if c in ("<", "@") else c for c in clusters]


def escape_fallback(clusters: Sequence[str]) -> list[str]:
    """Escaper for the notification `text`: entities and broken '@', no emphasis tricks needed."""
    return [_ENTITIES.get(c, c + _ZWSP if c == "@" else c) for c in clusters]


def group_mentions(pings: Sequence[Ping]) -> str:
    """Slack's mentions for these pings: user groups and @here (a Discord role means nothing here)."""
    out = []
    for ping in pings:
        if ping.kind == "group" and ping.id.isalnum():
            out.append(f"<!subteam^{ping.id}>")
        elif ping.kind == "here":
            out.append("<!here>")
    return " ".join(out)


def render_digest(digest: Digest, *, pings: Sequence[Ping] = ()) -> dict[str, Any]:
    """A chat.postMessage payload for one digest: blocks within Slack's limits plus `text`."""
    mention = group_mentions(pings)
    blocks: list[dict[str, Any]] = [_section(mention)] if mention else []
    blocks.append(_header(digest.title))
    if digest.key_points:
        lines = [_bullet(p, _POINT_MAX) for p in digest.key_points]
        blocks.append(_section(_pack(lines, SECTION_MAX)))
    context = _context(digest)
    # Room for the context and for a last line saying how many quotes were left out.
    room = BLOCKS_MAX - len(blocks) - 2
    chars = BLOCKS_TEXT_MAX - blocks_text_size([*blocks, context]) - _MORE_NOTE
    quote_blocks, left_out = _quote_sections(digest.quotes, room, chars)
    blocks.extend(quote_blocks)
    if left_out:
        more = f"{left_out} more quote{'s' if left_out > 1 else ''} in the article"
        blocks.append({"type": "context", "elements": [_mrkdwn(more)]})
    blocks.append(context)
    return _payload(_mentioned(mention, _fallback(digest, TEXT_MAX - len(mention) - 1)), blocks)


def render_roundup(
    heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
) -> list[dict[str, Any]]:
    """A roundup as chat.postMessage payloads, one section per story, split to fit; [] if empty.

    The pings are mentioned in the first message only: one notification per roundup.
    """
    mention = group_mentions(pings)
    # The header (at most 150) and the mention are budgeted up front so each chunk fits with them.
    chunks = pack(
        [_section(_compact(d)) for d in digests],
        lambda section: blocks_text_size([section]),
        max_items=_ROUNDUP_ITEMS_MAX,
        max_size=BLOCKS_TEXT_MAX - HEADER_MAX - u16len(mention),
    )
    heading = one_line(heading) or "Roundup"
    messages = []
    for number, chunk in enumerate(chunks, start=1):
        part = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        title = fit(heading, HEADER_MAX - len(part), escape_plain_text) + part
        lead = mention if number == 1 else ""
        blocks = [*([_section(lead)] if lead else []), _header_block(title), *chunk]
        count = f"{len(chunk)} stor{'ies' if len(chunk) > 1 else 'y'}"
        room = TEXT_MAX - len(part) - len(count) - 2 - (len(lead) + 1 if lead else 0)
        text = fit(heading, room, escape_fallback)
        messages.append(_payload(_mentioned(lead, f"{text}{part}: {count}"), blocks))
    return messages


def render_notice(text: str) -> dict[str, Any]:
    """A short plain message from the bot: one mrkdwn section, escaped like article text."""
    line = one_line(text) or "…"
    blocks = [_section(fit(line, SECTION_MAX, escape_mrkdwn))]
    return _payload(fit(line, TEXT_MAX, escape_fallback), blocks)


def blocks_text_size(blocks: Sequence[dict[str, Any]]) -> int:
    """The text characters of blocks, which Slack limits per message beyond the 50 blocks."""
    size = 0
    for block in blocks:
        if "text" in block:
            size += u16len(block["text"]["text"])
        for element in block.get("elements", ()):
            size += u16len(element.get("text", ""))
    return size


def _quote_sections(
    quotes: Sequence[Quote], room: int, chars: int
) -> tuple[list[dict[str, Any]], int]:
    """Quotes packed into at most `room` sections and `chars` characters; (blocks, left out)."""
    sections: list[list[str]] = []
    sizes: list[int] = []
    shown = 0
    for quote in quotes:
        line = _quote_line(quote)
        size = u16len(line)
        if size + 1 > chars:
            break
        chars -= size + 1
        if sections and sizes[-1] + 1 + size <= SECTION_MAX:
            sections[-1].append(line)
            sizes[-1] += 1 + size
        elif len(sections) < room:
            sections.append([line])
            sizes.append(size)
        else:
            break
        shown += 1
    return [_section("\n".join(lines)) for lines in sections], len(quotes) - shown


def _quote_line(quote: Quote) -> str:
    speaker = one_line(quote.speaker or "") or "unattributed"
    said = fit(speaker, 200, escape_mrkdwn)
    # Our own mrkdwn around escaped text: a block quote line, then the speaker in italics.
    tail = f"\n>— _{said}_"
    room = _QUOTE_MAX - u16len(tail) - 3
    return ">“" + fit(one_line(quote.text), room, escape_mrkdwn) + "”" + tail


def _header(title: str) -> dict[str, Any]:
    return _header_block(fit(one_line(title) or "(untitled)", HEADER_MAX, escape_plain_text))


def _header_block(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text, "emoji": False}}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _bullet(point: str, limit: int) -> str:
    return "• " + fit(one_line(point), limit, escape_mrkdwn)


def _pack(lines: list[str], limit: int) -> str:
    out: list[str] = []
    used = 0
    for line in lines:
        extra = u16len(line) + (1 if out else 0)
        if used + extra > limit:
            break
        out.append(line)
        used += extra
    return "\n".join(out)


def _context(digest: Digest) -> dict[str, Any]:
    elements = []
    source = fit(one_line(digest.source or ""), _SOURCE_MAX, escape_mrkdwn) or "the article"
    url = safe_url(digest.url)
    link = f"<{url.replace('&', '&amp;')}|{source}>" if url else source
    elements.append(_mrkdwn(f"{link} · {digest.reading_minutes} min read"))
    if digest.published:
        elements.append(_mrkdwn(_date(digest.published)))
    if digest.topics:
        topics = fit(", ".join(digest.topics), SECTION_MAX - 8, escape_mrkdwn)
        elements.append(_mrkdwn(f"Topics: {topics}"))
    return {"type": "context", "elements": elements[:CONTEXT_ELEMENTS_MAX]}


def _date(when: datetime) -> str:
    """Slack's date token: shown in the reader's time zone, with a UTC fallback."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    fallback = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _compact(digest: Digest) -> str:
    title = fit(one_line(digest.title) or "(untitled)", 250, escape_mrkdwn)
    url = safe_url(digest.url)
    head = f"*<{url.replace('&', '&amp;')}|{title}>*" if url else f"*{title}*"
    lines = [head]
    if digest.key_points:
        lines.append(fit(one_line(digest.key_points[0]), _COMPACT_POINT_MAX, escape_mrkdwn))
    if digest.source:
        lines.append("_" + fit(one_line(digest.source), _SOURCE_MAX, escape_mrkdwn) + "_")
    return "\n".join(lines)


def _fallback(digest: Digest, limit: int = TEXT_MAX) -> str:
    parts = [one_line(digest.title) or "(untitled)"]
    if digest.source:
        parts.append(one_line(digest.source))
    return fit(" — ".join(parts), limit, escape_fallback)


def _mentioned(mention: str, text: str) -> str:
    """The notification text with the ping first, so the people pinged see why."""
    return f"{mention} {text}" if mention else text


def _payload(text: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"text": text, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}
