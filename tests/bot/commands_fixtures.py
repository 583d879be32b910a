"""Shared pieces for the slash-command tests: a small topic set, a fixed clock, a core, and how a
test sends `/news` on each platform (a Discord interaction, a signed Slack command)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from bot.commands.core import Caller, Core, Keep, RoundupSource
from bot.fetch import Fetcher
from bot.outbox import topic_json
from bot.poll import article_id
from bot.store import Article, ChannelRef, Store
from digests import Digest, Topic, TopicSet
from tests.servers.discord_payloads import OptionValue
from tests.servers.discord_records import InteractionReply
from tests.servers.fake_discord import FakeDiscord
from tests.servers.fake_slack import FakeSlack
from tests.servers.loopback import wait_until
from tests.servers.slack_signing import signed_slash_command

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TOPICS = TopicSet(
    [
        Topic("world", "International affairs", keywords=("diplomat", "embassy", "ceasefire")),
        Topic("science", "Research and discoveries", keywords=("telescope", "probe", "physics")),
        Topic("technology", "Chips, software and the internet", keywords=("chip", "software")),
    ]
)
ADMIN = Caller("discord", "G1", "C1", "U1", can_manage=True)
READER = Caller("discord", "G1", "C1", "U2", can_manage=False)
SLACK_SECRET = "test-signing-secret"  # the bolt app's signing secret in the `slack_events` fixture
SLACK_ADMIN = "U0ADMIN"  # a workspace admin of the fake Slack


def make_core(
    store: Store, fetcher: Fetcher, *, roundups: RoundupSource | None = None, now: datetime = T0
) -> Core:
    """A core over the test store and fetcher, with the clock fixed at `now`."""
    return Core(store=store, fetcher=fetcher, topics=TOPICS, roundups=roundups, clock=lambda: now)


async def add_article(
    store: Store, title: str, text: str, *, at: datetime = T0, url: str | None = None
) -> None:
    """Store one original article with a digest, as the poller would."""
    link = url or f"https://news.example/{abs(hash(title))}"
    digest = Digest(title=title, url=link, key_points=(text,))
    async with store.transaction() as tx:
        await tx.add(
            Article(
                id=article_id(link),
                url=link,
                title=title,
                text=text,
                digest=digest.to_json(),
                topics=[topic_json(m) for m in TOPICS.match(title, text)],
                created_at=at,
            )
        )


class RecordingRoundups:
    """A roundup builder that returns fixed stories and records what it was asked for."""

    def __init__(self, stories: dict[str, Sequence[Digest]]) -> None:
        self.fixed = stories
        self.calls: list[tuple[str, datetime, datetime]] = []

    async def stories(
        self,
        topic: str,
        since: datetime,
        until: datetime,
        *,
        keep: Keep | None = None,
        where: ChannelRef | None = None,
    ) -> Sequence[Digest]:
        """The fixed stories of `topic` (the channel's filter is not applied to fixed stories)."""
        self.calls.append((topic, since, until))
        return self.fixed.get(topic, ())


def hours(n: float) -> timedelta:
    """n hours."""
    return timedelta(hours=n)


async def discord_followup(
    fake: FakeDiscord, subcommand: str, options: dict[str, OptionValue], *, manage: bool = True
) -> InteractionReply:
    """Send one `/news subcommand` interaction (by a moderator unless `manage` is False); its first
    follow-up, once it arrived."""
    payload = await fake.send_interaction(subcommand, options, manage_channels=manage)
    mine = int(payload["id"])

    def of_it() -> list[InteractionReply]:
        return [r for r in fake.interaction_replies if r.interaction_id == mine]

    await wait_until(lambda: len(of_it()) >= 2, seconds=10)
    return of_it()[1]


async def slack_ask(
    fake: FakeSlack, url: str, text: str, user_id: str = SLACK_ADMIN
) -> dict[str, Any]:
    """POST a signed `/news text` to the bolt app at `url`; the reply posted to its response_url."""
    before = len(fake.responses)
    request = signed_slash_command(
        SLACK_SECRET, text, response_url=fake.response_url("r1"), user_id=user_id
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=request.body, headers=request.headers) as response,
    ):
        assert response.status == 200
    await wait_until(lambda: len(fake.responses) > before, seconds=10)
    body: dict[str, Any] = fake.responses[before].body
    return body
