"""Discord rendering: a `Digest` as message payloads of plain JSON dicts in Discord's API shapes.

Pure functions (no discord.py, no network) so that every limit is testable; the adapter builds
`discord.Embed.from_dict` from the embeds and passes `allowed_mentions` on (its `roles` only: a
subscription's ping is the one mention a message may make). Article text is data:
markdown that would change its meaning is backslash-escaped, and `@` and `<` are followed by a
zero-width space so `@everyone`, `<@id>`, `<@&id>` and `<#id>` are inert even where
`allowed_mentions` would not apply (a copy of the text pasted elsewhere, a client that renders).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from bot.adapters._text import fit, one_line, pack, safe_url, u16len
from bot.pings import Ping
from digests import Digest, Quote

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000  # across every embed of one message
EMBEDS_MAX = 10
CONTENT_MAX = 2000

COLOUR = 0x2B6CB0
_ZWSP = "\u200b"
# Markup anywhere in a line (links, emphasis, code, spoilers); '|' only when doubled.
_MARKUP = frozenset("\\*_~`[]")
# After these a zero-width space breaks mentions (@everyone, <@id>, <@&id>, <#id>), timestamps
# and custom emoji whatever the field renders; a backslash would show in plain fields.
_BREAK_AFTER = frozenset("@<")
# Markup only at the start of a line: headings, lists, block quotes, subtext.
_LEAD = frozenset("#->+")
_POINT_MAX = 1000  # one key point in a digest embed
_COMPACT_POINT_MAX = 350  # the key point under each story of a roundup
_SOURCE_MAX = 200
_QUOTE_VALUE_MIN = 80  # a quote cut shorter than this is left out instead


def escape_markdown(clusters: Sequence[str]) -> list[str]:
    """Escaper for fields that render markdown: backslash before markup, ZWSP after '@' '<'."""
    out = []
    for i, c in enumerate(clusters):
        if c in _MARKUP or (i == 0 and c in _LEAD):
            out.append("\\" + c)
        elif c == "|" and (_at(clusters, i - 1) == "|" or _at(clusters, i + 1) == "|"):
            out.append("\\|")
        elif c in _BREAK_AFTER:
            out.append(c + _ZWSP)
        else:
            out.append(c)
    return out


def escape_title(clusters: Sequence[str]) -> list[str]:
    """Escaper for an embed title, which renders inline emphasis but no links or mentions."""
    out = escape_markdown(clusters)
    # Brackets mean nothing in a title, where a backslash before them would show.
    return [c if c in ("[", "]") else o for c, o in zip(clusters, out, strict=True)]


def escape_plain(clusters: Sequence[str]) -> list[str]:
    """Escaper for fields shown as plain text (footer, author): only mentions are broken."""
    return [c + _ZWSP if c in _BREAK_AFTER else c for c in clusters]


def no_mentions() -> dict[str, list[str]]:
    """`allowed_mentions` that lets nothing ping: no users, roles, @everyone or @here."""
    return {"parse": []}


def role_mentions(pings: Sequence[Ping]) -> tuple[str, dict[str, list[str]]]:
    """The content that pings these roles and the `allowed_mentions` letting exactly them ping.

    Only Discord roles count (a Slack group or @here means nothing here); never @everyone.
    """
    roles = [p.id for p in pings if p.kind == "role" and p.id.isdigit()]
    if not roles:
        return "", no_mentions()
    return " ".join(f"<@&{r}>" for r in roles), {"parse": [], "roles": roles}


def render_digest(
    digest: Digest, *, content: str | None = None, pings: Sequence[Ping] = ()
) -> dict[str, Any]:
    """A message payload for one digest: one embed, optional content, only the pings' roles allowed."""
    mention, allowed = role_mentions(pings)
    payload: dict[str, Any] = {"embeds": [digest_embed(digest)], "allowed_mentions": allowed}
    text = (
        fit(
            one_line(content),
            CONTENT_MAX - (u16len(mention) + 1 if mention else 0),
            escape_markdown,
        )
        if content
        else ""
    )
    if mention or text:
        payload["content"] = " ".join(t for t in (mention, text) if t)
    return payload


def render_notice(text: str) -> dict[str, Any]:
    """A short plain message from the bot: its text escaped like article text, no mentions."""
    content = fit(one_line(text), CONTENT_MAX, escape_markdown) or "…"
    return {"content": content, "allowed_mentions": no_mentions()}


def digest_embed(digest: Digest) -> dict[str, Any]:
    """The digest as one embed within every Discord limit, the 6,000 total included."""
    embed = _base_embed(digest)
    description = _pack(["• " + one_line(p) for p in digest.key_points], DESCRIPTION_MAX)
    if description:
        embed["description"] = description
    footer = _footer_text(digest)
    # Keep room for the footer to say how many quotes did not fit.
    room = EMBED_TOTAL_MAX - embed_size(embed) - u16len(footer) - len(" · 999 more quotes")
    fields = []
    for quote in digest.quotes[:FIELDS_MAX]:
        field = _quote_field(quote, room)
        if field is None:
            break
        fields.append(field)
        room -= u16len(field["name"]) + u16len(field["value"])
    if fields:
        embed["fields"] = fields
    left_out = len(digest.quotes) - len(fields)
    if left_out:
        footer += f" · {left_out} more quote{'s' if left_out > 1 else ''}"
    embed["footer"] = {"text": footer}
    return embed


def render_roundup(
    heading: str, digests: Sequence[Digest], *, pings: Sequence[Ping] = ()
) -> list[dict[str, Any]]:
    """A roundup as message payloads: one compact embed per story, split to fit; [] if empty.

    The pings' roles are mentioned (and allowed) on the first message only: one notification.
    """
    groups = pack(
        [compact_embed(d) for d in digests],
        embed_size,
        max_items=EMBEDS_MAX,
        max_size=EMBED_TOTAL_MAX,
    )
    heading = one_line(heading) or "Roundup"
    mention, allowed = role_mentions(pings)
    messages = []
    for number, embeds in enumerate(groups, start=1):
        part = f" ({number}/{len(groups)})" if len(groups) > 1 else ""
        lead = f"{mention} " if mention and number == 1 else ""
        content = (
            lead + fit(heading, CONTENT_MAX - len(part) - u16len(lead), escape_markdown) + part
        )
        mentions = allowed if lead else no_mentions()
        messages.append({"content": content, "embeds": embeds, "allowed_mentions": mentions})
    return messages


def compact_embed(digest: Digest) -> dict[str, Any]:
    """A story in a roundup: linked title, first key point, source and time."""
    embed = _base_embed(digest)
    if digest.key_points:
        point = one_line(digest.key_points[0])
        embed["description"] = fit(point, _COMPACT_POINT_MAX, escape_markdown)
    embed["footer"] = {"text": _footer_text(digest)}
    return embed


def embed_size(embed: dict[str, Any]) -> int:
    """The characters Discord counts towards the 6,000 limit of a message's embeds."""
    size = u16len(embed.get("title", "")) + u16len(embed.get("description", ""))
    size += u16len(embed.get("footer", {}).get("text", ""))
    size += u16len(embed.get("author", {}).get("name", ""))
    for field in embed.get("fields", ()):
        size += u16len(field["name"]) + u16len(field["value"])
    return size


def _base_embed(digest: Digest) -> dict[str, Any]:
    title = fit(one_line(digest.title) or "(untitled)", TITLE_MAX, escape_title)
    embed: dict[str, Any] = {"type": "rich", "title": title, "color": COLOUR}
    url = safe_url(digest.url)
    if url:
        embed["url"] = url
    if digest.published:
        published = digest.published
        if published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        embed["timestamp"] = published.isoformat()  # Discord shows it in the footer, local time
    if digest.topics:
        embed["author"] = {"name": fit(" · ".join(digest.topics), AUTHOR_MAX, escape_plain)}
    return embed


def _footer_text(digest: Digest) -> str:
    parts = [fit(one_line(digest.source), _SOURCE_MAX, escape_plain)] if digest.source else []
    parts.append(f"{digest.reading_minutes} min read")
    return " · ".join(parts)


def _quote_field(quote: Quote, room: int) -> dict[str, Any] | None:
    name = fit(one_line(quote.speaker or "") or "Unattributed", FIELD_NAME_MAX, escape_markdown)
    limit = min(FIELD_VALUE_MAX, room - u16len(name))
    if limit < _QUOTE_VALUE_MIN:
        return None
    text = one_line(quote.text)
    # The curly quotes stay outside the cut, so a truncated quote still closes.
    return {
        "name": name,
        "value": "“" + fit(text, limit - 2, escape_markdown) + "”",
        "inline": False,
    }


def _pack(raw_lines: list[str], limit: int) -> str:
    """Escaped lines joined while they fit; the first that does not is cut if room is left."""
    out: list[str] = []
    used = 0
    for raw in raw_lines:
        line = fit(raw, _POINT_MAX, escape_markdown)
        extra = u16len(line) + (1 if out else 0)
        if used + extra > limit:
            rest = limit - used - (1 if out else 0)
            if rest >= _QUOTE_VALUE_MIN:
                out.append(fit(raw, rest, escape_markdown))
            break
        out.append(line)
        used += extra
    return "\n".join(out)


def _at(items: Sequence[str], i: int) -> str | None:
    return items[i] if 0 <= i < len(items) else None
