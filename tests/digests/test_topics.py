"""Topic matching and topic configuration."""

from __future__ import annotations

import random
import tomllib
from pathlib import Path
from typing import Any

import pytest

from digests import (
    Topic,
    TopicConfigError,
    TopicSet,
    digest_html,
    digest_text,
    match_topics,
    parse_topics,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"

CHINA = Topic("us-china", keywords=("Xi", "China"), phrases=("US-China",))
TECH = Topic("technology", keywords=("chip", "AI"), exclusions=("potato chips",))


def _names(title: str, text: str, *topics: Topic) -> list[str]:
    return [m.topic for m in match_topics(title, text, list(topics))]


def _config_topics() -> TopicSet:
    data = tomllib.loads((ROOT / "config" / "topics.toml").read_text(encoding="utf-8"))
    return TopicSet(parse_topics(data))


# --- whole words ---------------------------------------------------------------------------


def test_keyword_does_not_match_inside_a_word() -> None:
    """'Xi' is not found in 'taxi', 'Xinhua' or "Xi'an"."""
    text = "Taxi drivers in Xi'an read Xinhua. Taxis were late. Maxi taxi."
    assert _names("Taxi fares rise", text, CHINA) == []


def test_keyword_matches_whole_word_in_title_case_insensitively() -> None:
    """'XI' and 'xi' in a title both count as the keyword 'Xi'."""
    assert _names("XI MEETS ENVOYS", "Nothing else here.", CHINA) == ["us-china"]
    assert _names("xi meets envoys", "Nothing else here.", CHINA) == ["us-china"]


def test_possessive_matches_the_keyword() -> None:
    """ "China's" (straight or curly apostrophe) matches 'China'."""
    assert _names("China's exports grow", "", CHINA) == ["us-china"]
    assert _names("China’s exports grow", "", CHINA) == ["us-china"]


def test_plural_matches_the_keyword() -> None:
    """'chips' matches the keyword 'chip'."""
    assert _names("New chips announced", "", TECH) == ["technology"]


def test_phrase_matches_across_hyphen_and_dash() -> None:
    """'US-China', 'US–China' (en dash) and 'U.S.-China' all match the phrase 'US-China'."""
    topic = Topic("t", keywords=("zzz",), phrases=("US-China",))
    for title in ("US-China talks", "US–China talks", "U.S.-China talks", "US China talks"):
        assert _names(title, "", topic) == ["t"], title


def test_chinese_terms_match_their_characters_in_a_row() -> None:
    """Text without spaces: "习近平" and "中美" are found inside runs of Han characters."""
    topic = Topic("zh", keywords=("习近平",), phrases=("中美关系",))
    set_ = TopicSet([topic])
    [match] = set_.match("习近平会见拜登", "双方讨论了中美关系。中美关系紧张。")
    assert match.topic == "zh"
    assert {(e.term, e.where, e.count) for e in match.why} == {
        ("习近平", "title", 1),
        ("中美关系", "body", 2),
    }


def test_cjk_terms_stop_at_punctuation_and_need_every_character() -> None:
    """A term broken by a full-width comma, or missing a character, does not match."""
    topic = Topic("zh", keywords=("习近平",))
    assert _names("习近，平会见", "", topic) == []
    assert _names("近平会见", "", topic) == []


def test_japanese_and_korean_terms_match_inside_running_text() -> None:
    """Kanji with kana around them, and Hangul with a particle attached."""
    assert _names("東京都で地震", "", Topic("jp", keywords=("東京",))) == ["jp"]
    assert _names("서울에서 회의", "", Topic("ko", keywords=("서울",))) == ["ko"]


def test_an_exclusion_rules_out_a_longer_cjk_word() -> None:
    """ "中美洲" (Central America) holds "中美"; an exclusion keeps it out of the topic."""
    topic = Topic("zh", keywords=("中美",), exclusions=("中美洲",))
    assert _names("中美洲移民", "", topic) == []
    assert _names("中美贸易", "", topic) == ["zh"]


def test_phrase_does_not_match_across_a_sentence_break() -> None:
    """'white. House' is not the phrase 'White House'."""
    topic = Topic("t", keywords=("zzz",), phrases=("White House",))
    assert _names("Paint it white. House prices rise", "", topic) == []


def test_acronym_keyword_matches_only_in_capitals() -> None:
    """The keyword 'AI' matches 'AI' and 'AIs' but not the word 'ai' in lower case."""
    assert _names("AI rules drafted", "", TECH) == ["technology"]
    assert _names("Ai Weiwei exhibition", "", TECH) == []


def test_acronym_us_is_not_the_pronoun_us() -> None:
    """'US' matches 'U.S.' and 'US' but not 'us'."""
    topic = Topic("t", keywords=("US",))
    assert _names("Tell us more", "", topic) == []
    assert _names("U.S. trade deficit", "", topic) == ["t"]


def test_decomposed_accents_match_composed_keyword() -> None:
    """A keyword with an accent matches text whose accent is a combining mark (NFD)."""
    topic = Topic("t", keywords=("café",))
    assert _names("Cafe\u0301 closes", "", topic) == ["t"]


# --- scoring, exclusions, feeds ------------------------------------------------------------


def test_one_passing_mention_in_the_body_does_not_tag() -> None:
    """A single keyword mention deep in a long body stays under the minimum score."""
    body = "The council met on Tuesday. " * 60 + "A delegate had once visited China."
    assert _names("Council approves budget", body, CHINA) == []


def test_repeated_body_mentions_tag() -> None:
    """Three body mentions of a keyword reach the minimum score."""
    body = "China said. China added. China ended."
    assert _names("Talks end", body, CHINA) == ["us-china"]


def test_title_weighs_more_than_body() -> None:
    """The same keyword scores more once in the title than once in the body."""
    in_title = match_topics("China talks", "", [CHINA])
    in_body = match_topics("Talks", "China.", [CHINA], feed=None)
    assert in_title and in_title[0].score > 0
    assert in_body == []


def test_exclusion_vetoes_the_topic() -> None:
    """'potato chips' anywhere in the story vetoes 'technology' despite 'chips' in the title."""
    assert _names("Chips shortage", "Potato chips sold out at the fair.", TECH) == []


def test_story_gets_every_topic_it_matches_best_first() -> None:
    """A story matching two topics gets both, the higher score first."""
    matches = match_topics("China and AI", "China. China. Chips.", [TECH, CHINA])
    assert [m.topic for m in matches] == ["us-china", "technology"]
    assert matches[0].score > matches[1].score


def test_why_names_terms_and_where_they_matched() -> None:
    """The evidence lists each term with where it was found and how often."""
    [m] = match_topics("Xi visits", "China welcomed him. China agreed.", [CHINA])
    assert ("Xi", "title", 1) in [(e.term, e.where, e.count) for e in m.why]
    assert ("China", "body", 2) in [(e.term, e.where, e.count) for e in m.why]
    assert m.explain().startswith("Xi (title)")


def test_feed_listed_under_a_topic_tags_its_stories() -> None:
    """A story from a feed listed under a topic gets the topic without any keyword."""
    topic = Topic("science", keywords=("zzz",), feeds=("https://example.org/science.xml",))
    [m] = match_topics("A story", "Text.", [topic], feed="https://example.org/science.xml/")
    assert m.topic == "science"
    assert m.why[0].where == "feed"


def test_exclusion_vetoes_even_a_feed_topic() -> None:
    """An exclusion also vetoes a topic the story's feed would give it."""
    topic = Topic("science", keywords=("zzz",), exclusions=("horoscope",), feeds=("https://e.org",))
    assert match_topics("Your horoscope", "", [topic], feed="https://e.org") == []


def test_topic_set_is_reusable_across_stories() -> None:
    """A compiled TopicSet gives the same answer as matching against the topic list."""
    topic_set = TopicSet([CHINA, TECH])
    assert topic_set.match("Xi speaks", "") == match_topics("Xi speaks", "", [CHINA, TECH])


# --- the token scan: every word read once ---------------------------------------------------


def _body_counts(text: str, topic: Topic) -> dict[str, int]:
    """How often each term of `topic` was counted in a body (no minimum score)."""
    matches = TopicSet([topic], min_score=0.1).match("", text)
    return {e.term: e.count for m in matches for e in m.why}


def test_words_inside_punctuation_and_quote_marks_are_counted() -> None:
    """Commas, full stops, brackets and quote marks (straight or curly) are not part of a word."""
    text = 'China, "China" (China) “China” ‘China’ China. China: China? China! [China]'
    assert _body_counts(text, CHINA) == {"China": 10}


def test_acronym_inside_punctuation_keeps_its_capitals() -> None:
    """ "(AI)" and "AI." are the acronym; "(ai)" and "ai." are not."""
    assert _body_counts("(AI) AI. AI, (ai) ai. ai,", TECH) == {"AI": 3}


def test_dotted_acronym_at_the_end_of_a_sentence() -> None:
    """'U.S.' before a comma or closing a sentence is the acronym US; a lone 'u.' is not."""
    topic = Topic("t", keywords=("US",))
    assert _body_counts("the U.S., the U.S. and U.S.", topic) == {"US": 3}
    assert _body_counts("u. s. U. S.", topic) == {}


def test_possessives_plurals_and_curly_apostrophes_inside_quote_marks() -> None:
    """ "“China’s", "Chinas'" and "(chips)" match their terms; "China's" inside a word does not."""
    assert _body_counts("“China’s” 'China's' Chinas' UnChina's", CHINA) == {"China": 3}
    assert _body_counts("(chips), chip.", TECH) == {"chip": 2}


def test_phrase_ends_in_a_possessive_between_marks_but_no_mark_joins_it() -> None:
    """ "(Xi Jinping's)" and "Xi Jinping’s," are the phrase; 'Xi "Jinping's"' and "Xi's, Jinping" not."""
    topic = Topic("t", keywords=("zzz",), phrases=("Xi Jinping",))
    text = "(Xi Jinping's) Xi Jinping’s, Xi Jinping's."
    assert _body_counts(text, topic) == {"Xi Jinping": 3}
    assert _body_counts("Xi \"Jinping's\" Xi's, Jinping", topic) == {}


def test_phrase_continues_across_a_lone_dash_but_not_other_marks() -> None:
    """'US — China' is the phrase; 'US / China', 'US, China' and 'US "China' are not."""
    topic = Topic("t", keywords=("zzz",), phrases=("US-China",))
    assert _body_counts("US — China, US -- China, US-—China", topic) == {"US-China": 3}
    assert _body_counts('US / China, US, China, US "China, US" China', topic) == {}


def test_phrase_is_broken_by_a_word_in_no_term() -> None:
    """A word that belongs to no term between two words of a phrase ends the phrase there."""
    topic = Topic("t", keywords=("zzz",), phrases=("White House",))
    assert _body_counts("White big House. White House. white house", topic) == {"White House": 2}


def test_phrase_restarts_where_its_first_word_comes_again() -> None:
    """A phrase's middle words count only after its first word: it restarts at each first word."""
    topic = Topic("t", keywords=("zzz",), phrases=("Washington and Beijing",))
    text = "and Beijing. Washington and Washington and Beijing, Washington and; Beijing"
    assert _body_counts(text, topic) == {"Washington and Beijing": 1}


def test_phrase_across_pieces_with_punctuation_inside() -> None:
    """A phrase may start or end in a piece with marks: '"South China Sea,' and '(Xi Jinping)'."""
    topic = Topic("t", keywords=("zzz",), phrases=("South China Sea", "Xi Jinping"))
    counts = _body_counts('"South China Sea," (Xi Jinping) Xi-Jinping\'s South-China Sea.', topic)
    assert counts == {"South China Sea": 2, "Xi Jinping": 2}


def test_non_ascii_words_fold_case() -> None:
    """A keyword with letters beyond ASCII matches in any case, also next to marks."""
    topic = Topic("t", keywords=("Zürich", "straße"))
    assert _body_counts("ZÜRICH, zürich. (Zürich) STRASSE Straße", topic) == {
        "Zürich": 3,
        "straße": 2,
    }


def test_cjk_characters_beside_latin_letters_and_digits() -> None:
    """CJK characters are tokens of their own even when glued to Latin words or digits."""
    topic = Topic("zh", keywords=("中美", "China"))
    assert _body_counts("2024中美Trade China中美 中，美", topic) == {"中美": 2, "China": 1}


def test_each_mention_counts_once_in_a_long_text() -> None:
    """Counts are exact over a long body: every mention, however the word is written."""
    text = " ".join(["China's", "(China)", "china.", "other", "words"] * 200)
    assert _body_counts(text, CHINA) == {"China": 600}


# --- the pipeline and the shipped configuration ---------------------------------------------


def test_digest_text_fills_topics_when_given_a_topic_set() -> None:
    """digest_text(topics=...) puts the matching topic names on the Digest."""
    text = "Xi meets envoys\n\nChina's leader met envoys on Monday. The talks lasted an hour."
    assert digest_text(text, topics=TopicSet([CHINA])).topics == ("us-china",)
    assert digest_text(text).topics == ()


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        ("000_3509497b077d475c.txt", {"us-china", "us-politics", "world"}),
        ("010_harbour_bridge.txt", set()),
        ("020_lunar_probe.txt", {"science"}),
        ("030_chip_export.html", {"technology", "business"}),
        ("040_heatwave.md", {"climate"}),
    ],
)
def test_shipped_topics_tag_the_seeds(seed: str, expected: set[str]) -> None:
    """config/topics.toml tags each seed article with the topics a reader would expect."""
    path = SEEDS / seed
    topic_set = _config_topics()
    if path.suffix == ".html":
        digest = digest_html(path.read_bytes(), topics=topic_set)
    else:
        digest = digest_text(path.read_text(encoding="utf-8"), topics=topic_set)
    assert set(digest.topics) == expected


def test_us_china_ranks_first_on_the_biden_xi_seed() -> None:
    """The Biden–Xi call is first of all a US–China story."""
    text = (SEEDS / "000_3509497b077d475c.txt").read_text(encoding="utf-8")
    assert digest_text(text, topics=_config_topics()).topics[0] == "us-china"


def test_example_config_parses_and_has_feeds() -> None:
    """config/topics.example.toml is valid and lists at least one feed per topic."""
    data = tomllib.loads((ROOT / "config" / "topics.example.toml").read_text(encoding="utf-8"))
    topics = parse_topics(data)
    assert topics and all(t.feeds for t in topics)


# --- configuration errors -------------------------------------------------------------------


def _one(**fields: Any) -> dict[str, Any]:
    return {"topics": [{"name": "tech", "keywords": ["chip"], **fields}]}


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(TopicConfigError) as info:
        parse_topics(data)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_parse_topics_reads_all_fields() -> None:
    """A full topic table becomes a Topic with every field."""
    [topic] = parse_topics(
        _one(
            description=" Chips ",
            phrases=["data centre"],
            exclusions=["potato chips"],
            feeds=["https://example.org/feed"],
        )
    )
    assert topic == Topic(
        "tech",
        "Chips",
        ("chip",),
        ("data centre",),
        ("potato chips",),
        ("https://example.org/feed",),
    )


def test_unknown_key_is_named() -> None:
    """A misspelt key names the topic and the key."""
    message = _error(_one(keyword=["x"]))
    assert "'tech'" in message and "'keyword'" in message


def test_empty_keyword_list_is_an_error() -> None:
    """An empty keywords list names the topic and 'keywords'."""
    message = _error({"topics": [{"name": "tech", "keywords": []}]})
    assert "'tech'" in message and "keywords" in message


def test_missing_keywords_is_an_error() -> None:
    """A topic without keywords names the topic and 'keywords'."""
    assert "keywords" in _error({"topics": [{"name": "tech"}]})


def test_duplicate_name_is_an_error() -> None:
    """Two topics with one name name the duplicate."""
    data = {"topics": [{"name": "tech", "keywords": ["a"]}, {"name": "tech", "keywords": ["b"]}]}
    message = _error(data)
    assert "'tech'" in message and "more than once" in message


@pytest.mark.parametrize("name", ["Tech", "tech news", "-tech", "tech--news", "x" * 33, ""])
def test_bad_name_format_is_an_error(name: str) -> None:
    """Names must be short, lowercase, with single hyphens."""
    assert "name" in _error({"topics": [{"name": name, "keywords": ["a"]}]})


def test_keyword_with_a_space_points_to_phrases() -> None:
    """A keyword with a space is refused with a hint to use phrases."""
    assert "phrases" in _error(_one(keywords=["white house"]))


def test_keywords_must_be_strings() -> None:
    """A non-string keyword names the key."""
    assert "keywords" in _error(_one(keywords=["a", 3]))


def test_feed_must_be_http_url() -> None:
    """A feed that is not an http(s) URL is refused."""
    assert "feeds" in _error(_one(feeds=["ftp://example.org/feed"]))


def test_no_topics_table_is_an_error() -> None:
    """A document without [[topics]] is refused."""
    assert "topics" in _error({})


def test_topics_as_a_table_instead_of_array_is_explained() -> None:
    """[topics.world] instead of [[topics]] gets a hint, not a confusing type error."""
    assert "[[topics]]" in _error({"topics": {"world": {"keywords": ["a"]}}})


def test_term_without_words_is_an_error() -> None:
    """A phrase of punctuation only cannot match anything and is refused."""
    assert "phrases" in _error(_one(phrases=["!!"]))


def test_marks_and_hyphenated_pieces_are_read_as_the_token_regex_reads_them() -> None:
    """The shortcuts for a piece of marks only ("--", "—") and for hyphenated ASCII words
    ("e-mail") give the tokens, joins and link of the regex path."""
    topics = TopicSet([Topic("t", keywords=("mail", "19", "US"), phrases=("e mail", "covid 19"))])
    rng = random.Random(13)
    parts = ["e", "mail", "covid", "19", "US", "us", "x", "é", "—", "-", "--", "‐", ".", "...", "'"]
    for _ in range(2000):
        piece = rng.choice(["", "-", "—"]).join(rng.choice(parts) for _ in range(rng.randint(1, 4)))
        if not piece or any(c.isspace() for c in piece):
            continue
        for link in (False, True):
            fast: tuple[list[str], list[str], list[bool]] = ([], [], [])
            slow: tuple[list[str], list[str], list[bool]] = ([], [], [])
            got = topics._piece_words(piece, link, *fast)
            assert (got, fast) == (topics._piece_tokens(piece, link, *slow), slow), piece
