"""Direct quotations: found verbatim by their marks, attributed, and ranked for the digest."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Final

from digests.model import Quote, Span
from digests.quotes import lexicon as lx
from digests.quotes.attribution import Mention, cue_subject, forward, reports, speaker_mention
from digests.quotes.coref import Registry
from digests.quotes.marks import Marked, find_marked, paragraphs
from digests.quotes.tokens import (
    QUOTE_TEXT,
    Token,
    Words,
    capital_marks,
    capitals,
    lowered,
    paragraph_words,
    sentence_bounds,
    tokens_of,
)

__all__ = ["find_quotes", "main_quotes", "verbatim"]

# Up to this many words, a fragment inside a sentence is a partial quote; a longer run of the
# speaker's words reads as a quotation in its own right.
_PARTIAL_WORDS: Final = 7
_LINK_LINE: Final = re.compile(
    r"(?:READ MORE|WATCH|RELATED|MORE|LISTEN|PHOTOS?|VIDEO|Watch|Read more)\b[^.]{0,40}:"
)


def find_quotes(text: str) -> list[Quote]:
    """Every direct quotation in the text, in order, verbatim, with its speaker when known."""
    paras = paragraphs(text)
    marked = find_marked(text, paras)
    if not marked:
        return []
    by_para: dict[int, list[tuple[int, Span]]] = {}
    for index, m in enumerate(marked):
        for para, extent in zip(m.paragraphs, m.extents, strict=True):
            by_para.setdefault(para, []).append((index, extent))
    registry = Registry()
    mentions: dict[int, tuple[Mention, int]] = {}
    cued: set[int] = set()  # quotes whose sentence has a speech cue
    only_quotes: set[int] = set()
    framed: set[int] = set()  # quotes a speech verb leads into ("caused “serious difficulties”")
    # Only the paragraphs a quotation opens in are ever asked about.
    opening = {m.paragraphs[0] for m in marked}
    headings = {p for p in opening if _is_heading(text[paras[p][0] : paras[p][1]])}
    count = 0
    # The last sentence of the previous paragraph when it ends in a colon ("Cruz continued:").
    lead_in: list[Token] | None = None
    # The sentence just before, when it has no quotation (words, bounds, index, lowercased).
    before: tuple[Words, int, int, int, list[str]] | None = None
    # Such sentences since the last quotation, in this paragraph or the one before a bare
    # quotation (looked at only when the one just before names no speaker).
    reported: list[tuple[Words, int, int, int, list[str]]] = []
    # Names introduced after the last quotation cannot be anyone's antecedent: stop there.
    last_para = max(by_para)
    marks = capital_marks(text)
    # One paragraph more: a credit line under the last quotation ("—Ana Okafor, Ottawa").
    for p, (start, end) in enumerate(paras[: last_para + 2]):
        if p > last_para and last_para not in only_quotes:
            break
        pw = paragraph_words(text, start, end, by_para.get(p, []))
        texts = pw.texts
        if p - 1 in only_quotes and len(texts) > 1 and texts[0] in _DASHES:
            # "“…”" over "—President Obama, tweeting after the speech.": the dash credits the
            # quotation above it.
            credit = speaker_mention_after_dash(tokens_of(pw, 0, min(len(texts), 12)))
            if credit is not None:
                for index, _ in by_para.get(p - 1, []):
                    if index not in mentions:
                        mentions[index] = (credit, count)
                        cued.add(index)
        if p > last_para:
            break
        if texts and all(not t[:1].isalnum() for t in texts):
            # Nothing but quotations and marks (a quotation's token starts with no letter).
            only_quotes.add(p)
            if lead_in is not None and texts[0] == QUOTE_TEXT:
                # The colon's sentence introduces the quotation set off below it.
                first = tokens_of(pw, 0, 1)
                mention = speaker_mention([*lead_in, *first], len(lead_in))
                if mention is not None:
                    mentions[first[0].quote] = (mention, count - 1)
                    cued.add(first[0].quote)
        else:
            before = None  # the sentence before, across paragraphs only into a bare quotation
            reported = []
        lows = lowered(pw, marks, end)
        bounds = sentence_bounds(texts)
        if pw.quoted:
            bounds = _split_after_quotes(bounds, pw, text, marked, p)
        colon = bool(bounds) and texts[bounds[-1][1] - 1] == ":"
        lead_in = tokens_of(pw, *bounds[-1]) if colon else None
        caps = capitals(texts)
        starts = pw.starts
        quoted = [at for at, _ in pw.quoted]  # in order, as the sentences are
        ci = qi = 0
        n_caps, n_quoted = len(caps), len(quoted)
        for a, b in bounds:
            low = lows[a:b]
            # The capitals and quotations of this sentence: both lists are in order, and the
            # sentences too, so each scan goes on from where the last one stopped.
            cj = ci
            while cj < n_caps and caps[cj] < b:
                cj += 1
            registry.add_sentence(texts[a:b], low, starts[a:b], count, [k - a for k in caps[ci:cj]])
            qj = qi
            while qj < n_quoted and quoted[qj] < b:
                qj += 1
            quotes_here = quoted[qi:qj]
            ci, qi = cj, qj
            if quotes_here:
                # Only sentences with a quotation need tokens and the attribution rules.
                sent = tokens_of(pw, a, b)
                cue = not lx.CUE_VERBS.isdisjoint(low)
                for at in quotes_here:
                    k = at - a
                    tok = sent[k]
                    if tok.quote in mentions:
                        continue
                    # A quote over several paragraphs is attributed wherever its cue stands.
                    if cue:
                        cued.add(tok.quote)
                    if reports(sent, k):
                        framed.add(tok.quote)
                    mention = speaker_mention(sent, k, low)
                    if mention is not None:
                        mentions[tok.quote] = (mention, count)
                    elif k == 0 and before is not None:
                        # "X said in a statement that … . “Q.”": the quotation opening the next
                        # sentence continues the speaker of the one before.
                        mention = _said_before(*before)
                        if mention is None:
                            # "Tamm said the plan would fail. The vote is Monday. “Q.”": the
                            # speech verb a sentence further back in the paragraph reports.
                            for earlier in reversed(reported[:-1]):
                                mention = _said_before(*earlier)
                                if mention is not None:
                                    before = earlier
                                    break
                        if mention is not None:
                            mentions[tok.quote] = (mention, before[3])
                before = None
                reported = []
            else:
                before = (pw, a, b, count, low)
                reported.append(before)
            count += 1
    described: set[int] = set()
    speakers = _speakers(marked, registry, mentions, only_quotes, described)
    out: list[Quote] = []
    size_of_text = len(text)
    for index, m in enumerate(marked):
        if len(m.spans) == 1:
            parts = text[m.spans[0][0] : m.spans[0][1]].split()
        else:
            parts = " ".join(text[s:e] for s, e in m.spans).split()
        words = " ".join(parts)  # whitespace-collapsed: one space between words
        embedded = _embedded(text, m)
        if _is_title(words, embedded) or m.paragraphs[0] in headings:
            continue
        size = len(parts)
        partial = (embedded and size <= _PARTIAL_WORDS) or size <= 2
        speaker = speakers.get(index)
        if partial and (speaker is None or index not in cued or index in described):
            # A scare quote or a term in quotation marks, not anyone's words.
            continue
        if size <= 2 and embedded and index not in framed:
            # One or two words a cue elsewhere in the sentence does not lead into: a scare quote.
            continue
        # `verbatim` holds by construction: `words` is the text under the spans, collapsed
        # exactly as `verbatim` collapses both sides, so only its test of the spans is left.
        if _spans_fit(m.spans, size_of_text):
            out.append(Quote(words, speaker, partial, m.spans))
    return out


def _speakers(
    marked: list[Marked],
    registry: Registry,
    mentions: dict[int, tuple[Mention, int]],
    only_quotes: set[int],
    described: set[int],
) -> dict[int, str]:
    """Resolve each quote's speaker; unattributed quotes continue their paragraph's speaker.

    A description the article names no one for ("the commission said", "a spokesperson said")
    is the speaker itself; its quotes go into `described` (not a name: partial quotes need one).
    """
    out: dict[int, str] = {}
    last: str | None = None
    named: str | None = None  # the last speaker with a name: what a pronoun may fall back to
    last_para = -1
    for index, m in enumerate(marked):
        para = m.paragraphs[0]
        found = mentions.get(index)
        name = registry.resolve(found[0], found[1], named) if found else None
        if name is not None:
            named = name
        elif found is not None and found[0].kind == "description":
            name = found[0].text
            if name.rsplit(None, 1)[-1].lower() not in lx.ROLE_NOUNS:
                # A person's role ("the spokesman") frames a fragment as someone's words; "the
                # agency said … the “polar waves”" does not.
                described.add(index)
        continues = para == last_para or (para in only_quotes and para - last_para <= 2)
        if (
            name is None
            and found is not None
            and found[0].text in ("it", "they")
            and last is not None
            and last != named
            and para - last_para <= 1
        ):
            # "“…,” the union said. “…,” it added.": the organisation the article only
            # describes.
            name = last
            described.add(index)
        if name is None and found is None and continues:
            name = last
            if last != named:
                described.add(index)
        if name is not None:
            out[index] = name
            last, last_para = name, m.paragraphs[-1]
    # A quote opening a paragraph before its attribution ("Q1." "Q2," she said.) takes the
    # speaker named later in the same paragraph.
    for index in range(len(marked) - 2, -1, -1):
        if index not in out and index not in mentions:
            nxt = index + 1
            if nxt in out and marked[nxt].paragraphs[0] == marked[index].paragraphs[-1]:
                out[index] = out[nxt]
                if nxt in described:
                    described.add(index)
    return out


_DASHES: Final = frozenset("-—–")
# Capitalised words that start a sentence, never an attribution after "?" or "!".
_FUNCTION_WORDS: Final = frozenset(
    "he she they it we i you his her their its our the this that these those but and".split()
)


def speaker_mention_after_dash(tokens: list[Token]) -> Mention | None:
    """The name a credit line gives after its dash ("—Ana Okafor, Ottawa."), if any."""
    mention = forward(tokens, 1)
    return mention if mention is not None and mention.kind == "name" else None


def _split_after_quotes(
    bounds: list[tuple[int, int]], pw: Words, text: str, marked: list[Marked], p: int
) -> list[tuple[int, int]]:
    """Sentences also end after a quotation that ends in a period before a capital.

    '“… too late.” Kasich said he would …' is two sentences: the quotation's own period ends
    the first (attribution after a quotation takes a comma, "!" or "?" instead: “Stop!” Ana
    shouted). The tokens hide the quotation's text, so the marks are read here.
    """
    texts = pw.texts
    ends: list[int] = []
    for at, index in pw.quoted:
        if at + 1 >= len(texts) or not texts[at + 1][:1].isupper():
            continue
        m = marked[index]
        # The content span leaves out a comma before the closing mark ('… etc.,”'): read up to
        # the mark itself.
        k = m.paragraphs.index(p)
        said = text[m.spans[k][0] : m.extents[k][1] - 1].rstrip()
        # After "?" or "!", an attribution goes on in lower case ('“Why?” the senator asked'):
        # a capitalised pronoun or article starts the next sentence ('“Why?” Her critics …').
        stop = said.endswith(".") and not said.endswith("..")
        stop = stop or (said.endswith(("?", "!")) and texts[at + 1].lower() in _FUNCTION_WORDS)
        if stop and not _attribution(texts, at + 1):
            ends.append(at + 1)
    if not ends:
        return bounds
    out: list[tuple[int, int]] = []
    for a, b in bounds:
        for cut in ends:
            if a < cut < b:
                out.append((a, cut))
                a = cut
        out.append((a, b))
    return out


def _attribution(texts: list[str], k: int) -> bool:
    """True when the words from k to the next stop only attribute ('“….” Trump said.'): a
    period typed for the comma, not a new sentence."""
    rest = texts[k : k + 7]
    end = next((i for i, t in enumerate(rest) if t in ".!?"), -1)
    if end < 2:
        return False
    return rest[0].lower() in lx.CUE_VERBS or rest[end - 1].lower() in lx.CUE_VERBS


def _said_before(pw: Words, a: int, b: int, _index: int, lowered: list[str]) -> Mention | None:
    """The speaker a sentence without a quotation reports ("Okafor said … that …"), if any."""
    if lx.CUE_VERBS.isdisjoint(lowered):
        return None
    return cue_subject(tokens_of(pw, a, b), lowered)


def _is_heading(paragraph: str) -> bool:
    """Headlines, subheads and link lines ("READ MORE: …"), whose quotes are not reported speech."""
    line = paragraph.strip()
    if _LINK_LINE.match(line):
        return True
    # maxsplit: a long paragraph is told from a heading without splitting all of it.
    if len(line.split(None, 16)) > 16 or "—" in line or " – " in line:
        return False
    return line.rstrip("\"”’'")[-1:] not in ".!?…:;,"


def _embedded(text: str, m: Marked) -> bool:
    """True when the quotation sits inside a sentence: a word leads into it, no colon or comma."""
    start = m.extents[0][0]
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    before = text[i] if i >= 0 else "\n"
    first = text[m.spans[0][0]]
    if before in "\n:" or before in ".!?":
        return False
    word = text[max(0, i - 12) : i + 1].split()
    if word and word[-1].lower() in lx.CUE_VERBS:
        return False
    return first.islower() or before.isalnum() or before in "-—–("


def _is_title(words: str, embedded: bool) -> bool:
    """Titles of works and names: short, no sentence punctuation, every main word capitalised."""
    # A title may end in the sentence's own period or comma, never in "!" or "?" (an exclamation
    # or a question is speech), and has no punctuation inside.
    words = words.rstrip(".,")
    parts = words.split()
    if not parts or len(parts) > 8 or not words[:1].isupper() or any(c in words for c in ".!?;:,"):
        return False
    main = [w for w in parts if len(w) > 3 or w == parts[0]]
    capitalised = all(w[:1].isupper() or w[:1].isdigit() for w in main)
    # A capitalised phrase of three main words reads as a title even at a sentence's start.
    return capitalised and (embedded or len(parts) <= 4 or len(main) >= 3)


def verbatim(quote: Quote, text: str) -> bool:
    """True when a quote's text is exactly the text under its spans (whitespace collapsed)."""
    # The one verbatim check. find_quotes builds each quote from the text under its spans, so it
    # tests the spans alone (`_spans_fit`); the pipeline (digest.is_verbatim) applies the whole
    # check against the original input wherever cleaning masked text under a quote.
    if not _spans_fit(quote.spans, len(text)):
        return False
    source = " ".join(" ".join(text[s:e] for s, e in quote.spans).split())
    said = " ".join(quote.text.split())
    return said == source or said == source.rstrip(",")


def _spans_fit(spans: Sequence[Span], size: int) -> bool:
    """True when there are spans and each is a non-empty range within a text of `size`."""
    return bool(spans) and all(0 <= s < e <= size for s, e in spans)


def main_quotes(quotes: Sequence[Quote], n: int | None) -> list[Quote]:
    """The n quotes a digest shows; None means every quote found, partial ones included.

    Full quotations before partial ones; only quotes with a known speaker; then longer quotes by
    speakers the story quotes most, each speaker's best quote before anyone's second.
    """
    if n is None:
        return list(quotes)
    named = [q for q in quotes if q.speaker]
    weight = Counter(q.speaker for q in named)
    ranked = sorted(
        named,
        key=lambda q: (q.partial, -min(len(q.text), 280) * (1 + 0.25 * weight[q.speaker])),
    )
    firsts: list[Quote] = []
    rest: list[Quote] = []
    seen: set[str | None] = set()
    for q in ranked:
        if q.partial or q.speaker in seen:
            rest.append(q)
        else:
            firsts.append(q)
            seen.add(q.speaker)
    # rest keeps its ranking, so full quotes still come before partial ones.
    return [*firsts, *rest][:n]
