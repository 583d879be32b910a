"""The poller end to end: real loopback server, real SQLite file, the clock passed in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fetch import Fetcher
from bot.poll import FeedOutcome, Poller
from bot.settings import Settings
from bot.store import Store
from tests.bot.conftest import make_settings
from tests.servers.feed_server import FeedServer, Item, publish_story, rss

pytestmark = pytest.mark.both_databases  # run on SQLite and PostgreSQL (conftest)

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def _poll(poller: Poller, store: Store, url: str, now: datetime) -> FeedOutcome:
    feed = await store.feed(url)
    assert feed is not None
    return await poller.poll_feed(feed, now)


async def _feed(store: Store, url: str, **kw: object) -> str:
    await store.add_feed(url, T0, **kw)  # type: ignore[arg-type]
    return url


async def test_first_poll_posts_nothing_then_new_entries_appear(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """Existing entries are recorded as seen; an entry published later is new, once."""
    items = [publish_story(server, f"s{i}", f"Story {i}", i) for i in range(3)]
    server.static("/feed", rss(items))
    url = await _feed(store, server.url("/feed"))
    first = await _poll(poller, store, url, T0)
    assert first.new == () and first.error is None and first.seen == 3
    items.insert(0, publish_story(server, "s9", "Story nine", 9))
    server.static("/feed", rss(items))
    second = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    assert [s.title for s in second.new] == ["Story nine"]
    assert second.new[0].digest is not None and second.new[0].note is None
    third = await _poll(poller, store, url, T0 + timedelta(minutes=20))
    assert third.new == ()
    assert [a.title for a in await store.articles()] == ["Story nine"]


async def test_backfill_posts_the_newest_n(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """backfill = 2 posts the two newest entries on the first poll, and only those."""
    items = []
    for i in range(4):
        item = publish_story(server, f"b{i}", f"Backfill {i}", 100 + i)
        items.append(Item(item.guid, item.link, item.title, T0 - timedelta(hours=i)))
    server.static("/feed", rss(items))
    url = await _feed(store, server.url("/feed"), backfill=2)
    outcome = await _poll(poller, store, url, T0)
    assert sorted(s.title for s in outcome.new) == ["Backfill 0", "Backfill 1"]


async def test_not_modified_round(server: FeedServer, store: Store, poller: Poller) -> None:
    """With an ETag the next poll gets 304: nothing parsed, nothing new, feed still healthy."""
    server.static("/feed", rss([publish_story(server, "e", "Etag story", 5)]), etag='"v1"')
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    outcome = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    feed = await store.feed(url)
    assert outcome.not_modified and feed is not None
    assert feed.etag == '"v1"' and feed.state == "ok"
    assert server.last_headers["/feed"]["If-None-Match"] == '"v1"'


async def test_next_poll_interval_with_jitter_and_max_age(
    server: FeedServer, store: Store, poller: Poller, settings: Settings
) -> None:
    """The next poll is the interval ± jitter, but never before Cache-Control max-age."""
    server.static("/a", rss([]))
    server.static("/b", rss([]), headers={"Cache-Control": "max-age=7200"})
    a = await _feed(store, server.url("/a"))
    b = await _feed(store, server.url("/b"))
    await _poll(poller, store, a, T0)
    await _poll(poller, store, b, T0)
    fa, fb = await store.feed(a), await store.feed(b)
    assert fa is not None and fb is not None
    delay = (fa.next_poll_at - T0).total_seconds()
    assert settings.poll_interval * 0.9 <= delay <= settings.poll_interval * 1.1
    assert (fb.next_poll_at - T0).total_seconds() >= 7200


async def test_429_waits_for_retry_after(server: FeedServer, store: Store, poller: Poller) -> None:
    """429 with Retry-After: 3600 counts as a failure and the next poll waits at least that long."""
    server.static("/feed", b"busy", status=429, headers={"Retry-After": "3600"})
    url = await _feed(store, server.url("/feed"))
    outcome = await _poll(poller, store, url, T0)
    feed = await store.feed(url)
    assert outcome.error == "HTTP 429" and feed is not None
    assert feed.next_poll_at >= T0 + timedelta(seconds=3600)


async def test_500s_back_off_then_disable(server: FeedServer, store: Store, poller: Poller) -> None:
    """Failures back off 5 min × 2ⁿ; after max_failures (3) the feed is disabled with the reason."""
    server.static("/feed", b"oops", status=500)
    url = await _feed(store, server.url("/feed"))
    delays = []
    now = T0
    for _ in range(3):
        await _poll(poller, store, url, now)
        feed = await store.feed(url)
        assert feed is not None
        delays.append((feed.next_poll_at - now).total_seconds())
        now = feed.next_poll_at
    assert delays[:2] == [300, 600]
    feed = await store.feed(url)
    assert feed is not None
    assert feed.state == "disabled" and "HTTP 500" in (feed.disabled_reason or "")
    assert feed.last_error == "HTTP 500"
    assert await store.claim_due(now + timedelta(days=30)) == []


async def test_success_resets_failures(server: FeedServer, store: Store, poller: Poller) -> None:
    """One good poll after a failure clears the failure count and the error."""
    server.static("/feed", b"oops", status=500)
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    server.static("/feed", rss([]))
    await _poll(poller, store, url, T0 + timedelta(minutes=5))
    feed = await store.feed(url)
    assert feed is not None and feed.consecutive_failures == 0 and feed.last_error is None


async def test_html_instead_of_feed_is_a_failure(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """A URL that serves a web page fails with "not a feed: got text/html"."""
    server.static("/page", b"<!doctype html><html><body>hi</body></html>", content_type="text/html")
    url = await _feed(store, server.url("/page"))
    outcome = await _poll(poller, store, url, T0)
    assert outcome.error == "not a feed: got text/html"


async def test_malformed_feed_still_yields_new_entries(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """A feed with broken XML still delivers the entries feedparser could read."""
    items = [publish_story(server, "m1", "Malformed one", 21)]
    server.static("/feed", rss(items))
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    items.append(publish_story(server, "m2", "Malformed & two", 22))
    broken = rss(items).replace(b"&amp; two", b"& two").replace(b"</channel></rss>", b"")
    server.static("/feed", broken)
    outcome = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    assert [s.url for s in outcome.new] == [server.url("/a/m2")]


async def test_feed_rewriting_every_date_posts_nothing(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """A feed without guids or links that changes every entry's date each poll does not flood."""

    def items(day: int) -> list[Item]:
        when = T0 + timedelta(days=day)
        return [Item(None, None, f"Dateless {i}", when, f"Text {i}") for i in range(3)]

    server.static("/feed", rss(items(0)))
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    server.static("/feed", rss(items(1)))
    outcome = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    assert outcome.new == () and outcome.error is None


async def test_same_story_in_two_feeds_is_linked(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """The same URL in a second feed is a duplicate of the first copy, with "also reported by"."""
    server.static("/one", rss([]))
    server.static("/two", rss([]))
    one = await _feed(store, server.url("/one"))
    two = await _feed(store, server.url("/two"))
    await _poll(poller, store, one, T0)
    await _poll(poller, store, two, T0)
    story = publish_story(server, "shared", "Shared story", 31)
    tracked = Item("other-guid", f"{story.link}?utm_source=feed2", story.title)
    server.static("/one", rss([story]))
    server.static("/two", rss([tracked]))
    first = await _poll(poller, store, one, T0 + timedelta(minutes=10))
    second = await _poll(poller, store, two, T0 + timedelta(minutes=10))
    assert [s.url for s in first.new] == [story.link]
    assert second.new == () and [d.duplicate_of for d in second.duplicates] == [story.link]
    [article] = await store.articles()
    assert {r.feed_url for r in await store.reports(article.id)} == {one, two}


async def test_near_duplicate_text_is_linked(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """Wire copy at a different URL with a new headline is linked to the first copy."""
    server.static("/one", rss([]))
    server.static("/two", rss([]))
    one = await _feed(store, server.url("/one"))
    two = await _feed(store, server.url("/two"))
    await _poll(poller, store, one, T0)
    await _poll(poller, store, two, T0)
    original = publish_story(server, "wire-a", "Floods close the coast road", 41)
    copy = publish_story(server, "wire-b", "Coast road closed by floods", 41)
    server.static("/one", rss([original]))
    server.static("/two", rss([copy]))
    await _poll(poller, store, one, T0 + timedelta(minutes=10))
    outcome = await _poll(poller, store, two, T0 + timedelta(minutes=11))
    assert outcome.new == () and outcome.duplicates[0].duplicate_of == original.link
    by_url = {a.url: a for a in await store.articles()}
    assert by_url[copy.link or ""].duplicate_of == by_url[original.link or ""].id


async def test_page_failure_falls_back_to_feed_summary(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """When the article page fails, the digest comes from the feed's summary and says so."""
    server.static("/feed", rss([]))
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    summary = "The harbour bridge reopens on Monday after repairs. Drivers were warned of delays."
    item = Item("gone", server.url("/a/gone"), "Bridge reopens", T0, summary)
    server.static("/feed", rss([item]))
    outcome = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    [story] = outcome.new
    assert story.digest is not None and "harbour bridge reopens" in story.digest.text
    assert story.note is not None and "feed's summary" in story.note and "HTTP 404" in story.note


async def test_poll_due_polls_only_due_feeds(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """poll_due takes only feeds whose next poll time has come; the database decides."""
    server.static("/feed", rss([]))
    url = await _feed(store, server.url("/feed"))
    assert len((await poller.poll_due(T0)).outcomes) == 1
    assert (await poller.poll_due(T0 + timedelta(minutes=1))).outcomes == ()
    assert len((await poller.poll_due(T0 + timedelta(minutes=12))).outcomes) == 1
    assert server.hits["/feed"] == 2 and url


async def test_poll_due_claims_batch_after_batch_until_none_is_due(
    server: FeedServer, store: Store, poller: Poller
) -> None:
    """More due feeds than one claim holds are all polled in the round, each once."""
    server.static("/feed", rss([]))
    for i in range(5):
        await _feed(store, server.url(f"/feed?n={i}"))
    poller.claim_batch = 2
    report = await poller.poll_due(T0)
    assert sorted(o.feed for o in report.outcomes) == [server.url(f"/feed?n={i}") for i in range(5)]
    assert all(o.error is None for o in report.outcomes) and server.hits["/feed"] == 5
    assert (await poller.poll_due(T0)).outcomes == ()


async def test_flood_keeps_the_newest(
    server: FeedServer, store: Store, fetcher: Fetcher, tmp_path: Path
) -> None:
    """More new entries than max_new_per_poll at once: the newest are posted, the rest counted."""
    poller = Poller(store, fetcher, make_settings(tmp_path, max_new_per_poll=2))
    server.static("/feed", rss([]))
    url = await _feed(store, server.url("/feed"))
    await _poll(poller, store, url, T0)
    items = []
    for i in range(5):
        item = publish_story(server, f"fl{i}", f"Flood {i}", 80 + i)
        items.append(Item(item.guid, item.link, item.title, T0 - timedelta(hours=i)))
    server.static("/feed", rss(items))
    outcome = await _poll(poller, store, url, T0 + timedelta(minutes=10))
    assert sorted(s.title for s in outcome.new) == ["Flood 0", "Flood 1"]
    assert outcome.skipped == 3
    again = await _poll(poller, store, url, T0 + timedelta(minutes=20))
    assert again.new == () and again.skipped == 0
