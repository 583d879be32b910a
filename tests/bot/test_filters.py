"""Keyword filters and pings of subscriptions: matching, and what the outbox and roundups owe."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.filters import FilterSet, KeywordFilter, problem, split_terms
from bot.outbox import Outbox
from bot.pings import Ping, PingError, parse_slack_mention, pings_of
from bot.roundups import run_due_roundups
from bot.schedules import parse_schedule
from bot.store import ChannelRef, Store, Subscription
from tests.bot.delivery_helpers import T0, RecordingSender, china_text, starter_topics, store_story
from tests.bot.delivery_helpers import worker as make_worker

NEWS = ChannelRef("console", "", "news")
OTHER = ChannelRef("console", "", "other")
EDITORS = Ping("group", "S0EDITORS", "@editors")


@pytest.fixture
def outbox(store: Store) -> Outbox:
    """An outbox over the test store with the starter topics."""
    return Outbox(store, starter_topics())


async def _set(store: Store, where: ChannelRef, topic: str, **values: Any) -> None:
    """Set columns of a channel's subscription, as the /news filter and ping commands do."""
    async with store.transaction() as tx:
        query = select(Subscription).where(
            Subscription.channel == where.channel, Subscription.topic == topic
        )
        sub = await tx.session.scalar(query)
        assert sub is not None
        for key, value in values.items():
            setattr(sub, key, value)


def test_include_needs_one_term_as_a_word_not_a_substring() -> None:
    """Include terms match whole words like topics do: "Xi" is not in "taxi"; a plural counts."""
    f = KeywordFilter(include=("Xi", "chip"))
    assert f.keeps("Xi meets Biden", "")
    assert f.keeps("A story", "Makers of chips rallied.")
    assert not f.keeps("Taxi drivers strike", "The taxi strike went on.")


def test_exclude_vetoes_and_phrases_match_words_in_a_row() -> None:
    """An exclude phrase anywhere rejects; its words apart do not."""
    f = KeywordFilter(exclude=("stock market",))
    assert not f.keeps("Quiet day", "The stock market fell.")
    assert f.keeps("Quiet day", "The market for stock cubes grew.")


def test_acronym_terms_keep_their_capitals() -> None:
    """`US` as a term is the acronym, as in topics: the pronoun "us" does not match it."""
    f = KeywordFilter(include=("US",))
    assert f.keeps("US sanctions", "")
    assert not f.keeps("Tell us", "Join us today.")


def test_filter_set_answers_for_many_subscriptions_at_once() -> None:
    """One scan gives every subscription whose filter rejects the story."""
    filters = FilterSet(
        {
            1: KeywordFilter(include=("flood",)),
            2: KeywordFilter(exclude=("flood",)),
            3: KeywordFilter(include=("drought",), exclude=("sport",)),
        }
    )
    assert filters.rejected("Flood warning", "Rivers rise.") == {2, 3}
    assert filters.rejected("Drought ends", "") == {1}
    assert FilterSet({}).rejected("Anything", "at all") == set()


def test_terms_are_words_or_quoted_phrases_separated_by_spaces_or_commas() -> None:
    """The command words (already split by quotes) become terms; commas split, duplicates go."""
    assert split_terms(["climate change,", "flood", "Flood", "a,b"]) == [
        "climate change",
        "flood",
        "a",
        "b",
    ]
    assert split_terms([" ", ","]) == []


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (["!!!"], "`!!!` has no words to match"),
        (["x" * 101], "too long for a term"),
        ([f"t{i}" for i in range(21)], "At most 20 terms"),
    ],
)
def test_bad_terms_are_named(terms: list[str], expected: str) -> None:
    """A term with no words, a very long one, or too many each get one clear line."""
    assert expected in (problem(terms) or "")


def test_good_terms_have_no_problem() -> None:
    """Words, phrases, acronyms and CJK terms are all matchable."""
    assert problem(["flood", "climate change", "AI", "习近平"]) is None


@pytest.mark.parametrize(
    ("text", "ping"),
    [
        ("<!subteam^S0EDITORS|@editors>", Ping("group", "S0EDITORS", "@editors")),
        ("<!subteam^S0EDITORS>", Ping("group", "S0EDITORS", "")),
        ("<!here>", Ping("here", "", "@here")),
        ("<!here|here>", Ping("here", "", "@here")),
        ("@here", Ping("here", "", "@here")),
    ],
)
def test_slack_mentions_parse(text: str, ping: Ping) -> None:
    """A user group (as Slack escapes it) or @here becomes a ping."""
    assert parse_slack_mention(text) == ping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!channel>", "never ping @channel"),
        ("@everyone", "never ping @everyone"),
        ("<@U0123ABC|ann>", "not to one person"),
        ("@editors", "as plain text"),
        ("editors", "is not a user group"),
    ],
)
def test_slack_mentions_refused(text: str, expected: str) -> None:
    """@channel, @everyone, a person or an unescaped name get one line saying what to give."""
    with pytest.raises(PingError, match=expected):
        parse_slack_mention(text)


async def test_excluded_story_is_not_owed_and_others_still_are(
    store: Store, outbox: Outbox
) -> None:
    """An exclude filter leaves no delivery row for that channel; an unfiltered one gets the story."""
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(OTHER, "world", T0)
    await _set(store, NEWS, "world", exclude_terms=["sanctions"])
    title, text = china_text(1)  # "... China sanctions diplomats ..."
    await store_story(store, outbox, T0, slug="f1", title=title, text=text)
    rows = await outbox.deliveries()
    assert [(r.channel, r.status) for r in rows] == [("other", "pending")]
    sender = RecordingSender()
    summary = await make_worker(store, outbox, console=sender).run_once(T0)
    assert (summary.sent, summary.retrying, summary.failed) == (1, 0, 0)
    assert [where.channel for where, _, _ in sender.sent] == ["other"]


async def test_a_changed_filter_applies_to_the_next_stories_at_once(
    store: Store, outbox: Outbox
) -> None:
    """The outbox reuses its compiled filters only while they are unchanged: a filter cleared
    between two polls lets the next story through, and setting it again stops the one after."""
    await store.subscribe(NEWS, "world", T0)
    await _set(store, NEWS, "world", exclude_terms=["sanctions"])
    for n, slug in enumerate(("g1", "g2", "g3"), start=1):
        if slug == "g2":
            await _set(store, NEWS, "world", exclude_terms=None)
        if slug == "g3":
            await _set(store, NEWS, "world", exclude_terms=["sanctions"])
        title, text = china_text(n)
        await store_story(store, outbox, T0, slug=slug, title=title, text=text)
    assert [r.item for r in await outbox.deliveries()] == ["g2"]


async def test_include_filter_lets_matching_stories_through(store: Store, outbox: Outbox) -> None:
    """Only stories with an include term are owed: one with it arrives, one without does not."""
    await store.subscribe(NEWS, "world", T0)
    await _set(store, NEWS, "world", include_terms=["Beijing"])
    title, text = china_text(1)
    await store_story(store, outbox, T0, slug="f2", title=title, text=text)
    other = "Diplomats meet at the United Nations on the ceasefire"
    await store_story(store, outbox, T0, slug="f3", title=other, text=f"{other}. " * 3)
    assert [r.item for r in await outbox.deliveries()] == ["f2"]


async def test_another_subscription_of_the_channel_still_brings_a_filtered_story(
    store: Store, outbox: Outbox
) -> None:
    """Filters are per subscription: a story one rejects reaches the channel through another."""
    await store.subscribe(NEWS, "world", T0)
    await store.subscribe(NEWS, "us-china", T0)
    await _set(store, NEWS, "world", exclude_terms=["China"])
    title, text = china_text(4)
    await store_story(store, outbox, T0, slug="f4", title=title, text=text)
    [row] = await outbox.deliveries()
    assert (row.item, row.topic) == ("f4", "us-china")


async def test_instant_delivery_carries_the_subscriptions_ping(
    store: Store, outbox: Outbox
) -> None:
    """The ping is copied onto the delivery and handed to the sender's renderer."""
    await store.subscribe(NEWS, "world", T0)
    await _set(store, NEWS, "world", ping=EDITORS.to_json())
    title, text = china_text(5)
    await store_story(store, outbox, T0, slug="p1", title=title, text=text)
    [row] = await outbox.deliveries()
    assert pings_of(row.payload) == (EDITORS,)
    sender = RecordingSender()
    await make_worker(store, outbox, console=sender).run_once(T0)
    [(_, payload, _)] = sender.sent
    assert payload["pings"] == ["@editors"]


async def test_roundup_skips_filtered_stories_and_carries_the_ping(
    store: Store, outbox: Outbox
) -> None:
    """A roundup holds only the stories its filter keeps, and pings once."""
    await store.subscribe(NEWS, "world", T0, schedule=parse_schedule("daily 08:00"))
    await _set(
        store,
        NEWS,
        "world",
        include_terms=["China"],
        exclude_terms=["seed one"],
        ping=EDITORS.to_json(),
    )
    at = T0 + timedelta(minutes=1)
    for seed in range(3):
        title, text = china_text(seed)
        if seed == 1:
            title, text = f"Seed one {title}", f"Seed one. {text}"
        await store_story(store, outbox, at, slug=f"r{seed}", title=title, text=text)
    other = "Diplomats meet at the United Nations on the ceasefire"
    await store_story(store, outbox, at, slug="r3", title=other, text=f"{other}. " * 3)
    [result] = await run_due_roundups(store, T0 + timedelta(days=1))
    [row] = await outbox.deliveries()
    assert result.stories == 2
    assert sorted((row.payload or {})["articles"]) == ["r0", "r2"]
    assert pings_of(row.payload) == (EDITORS,)
