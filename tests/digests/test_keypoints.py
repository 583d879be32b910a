"""Key points: tightening, quotation handling, order and repeats, on small hand-written texts."""

from __future__ import annotations

import random

import pytest

from digests.keypoints import (
    _DATELINE,
    _LEADING_MARKERS,
    _NOT_WORD_ASCII,
    _NUMBER,
    _PAREN_ASIDE,
    _SOURCE_TAG,
    _WORD,
    _numbers,
    _spaced,
    _split_words,
    key_points,
    quote_marked_spans,
    sentence_features,
    tighten,
)
from digests.sentences import split_sentences


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("But the council approved the plan.", "The council approved the plan."),
        ("And the river kept rising.", "The river kept rising."),
        ("However, the mayor disagreed.", "The mayor disagreed."),
        ("Meanwhile, ferries ran late.", "Ferries ran late."),
    ],
)
def test_tighten_drops_leading_discourse_markers(sentence: str, expected: str) -> None:
    """A leading "But", "And", "However," goes and the sentence is recapitalised."""
    assert tighten(sentence) == expected


def test_tighten_drops_a_trailing_source_tag() -> None:
    """ ", the AP reports" at the end of a sentence goes; the full stop stays."""
    assert tighten("The bridge will reopen in May, the AP reports.") == (
        "The bridge will reopen in May."
    )


def test_tighten_drops_parenthetical_asides() -> None:
    """An aside in parentheses goes with the space before it."""
    assert tighten("The council (which met on Monday) approved the plan.") == (
        "The council approved the plan."
    )


def test_tighten_drops_an_agency_dateline() -> None:
    """ "LONDON (Reuters) --" opening a long sentence goes."""
    sentence = "LONDON (Reuters) -- The central bank held its rate at four percent on Thursday."
    assert tighten(sentence) == "The central bank held its rate at four percent on Thursday."


@pytest.mark.parametrize(
    "sentence",
    [
        "Butter prices rose by a third over the winter.",
        "Andrea Kim won the race on Sunday.",
        "The report said costs rose, but the council kept the plan.",
        "Sales fell, officials said.",
        "So far, three ferries have been cancelled.",
        "Instead of a bridge, the council chose a tunnel.",
        "In addition to the fine, the firm must repay customers.",
        "Now that the vote is over, work can start.",
        "Then the storm reached the coast.",
    ],
)
def test_tighten_keeps_meaning_bearing_words(sentence: str) -> None:
    """Words that merely start like a marker, inner "but", and plain attributions stay."""
    assert tighten(sentence) == sentence


def test_quote_marks_of_mixed_shapes_pair_up() -> None:
    """A quotation opened with a curly mark and closed with a straight one is one quotation."""
    text = 'They said the “talks went well." Then they left.'
    (span,) = quote_marked_spans(text)
    assert text[span[0] : span[1]] == '“talks went well."'


_ARTICLE = (
    "The city council approved a new flood barrier for the harbour on Tuesday after a long debate. "
    '"We cannot wait for the next storm to decide this for us," the mayor said. '
    "The barrier will cost 40 million dollars and take three years to build, officials said. "
    "Residents of the low-lying east side have asked for protection since the 2019 floods. "
    "Work is due to start in the spring once the contracts are signed. "
    "The council will meet again next month to choose a builder for the project."
)


def test_key_points_skip_quotation_led_sentences() -> None:
    """A sentence that is mostly a direct quotation is never a key point."""
    points = key_points(_ARTICLE, split_sentences(_ARTICLE), n=3)
    assert len(points) == 3
    assert all("next storm" not in p for p in points)


def test_key_points_keep_article_order() -> None:
    """Key points come out in the order of the article."""
    points = key_points(_ARTICLE, split_sentences(_ARTICLE), n=4)
    positions = [_ARTICLE.find(p[:30]) for p in points]
    assert all(p >= 0 for p in positions)
    assert positions == sorted(positions)


def test_key_points_never_repeat_each_other() -> None:
    """A sentence repeating an earlier one (as a wire story often does) is not a second point."""
    text = (
        "Storms closed the main harbour bridge on Monday night, stranding hundreds of drivers. "
        "Storms closed the main harbour bridge on Monday night, stranding hundreds of drivers again. "
        "Engineers will inspect the bridge deck for damage before it reopens to traffic. "
        "The ferry service added extra crossings to carry stranded commuters home."
    )
    points = key_points(text, split_sentences(text), n=3)
    assert sum("stranding hundreds" in p for p in points) == 1


def test_key_points_skip_a_line_repeating_the_title() -> None:
    """A body line that repeats the title is not a key point."""
    title = "Council approves harbour flood barrier"
    text = f"{title}\n{_ARTICLE}"
    points = key_points(text, split_sentences(text), n=3, title=title)
    assert title not in points


def test_key_points_honour_n() -> None:
    """n=0 gives none and n=2 gives two."""
    sentences = split_sentences(_ARTICLE)
    assert key_points(_ARTICLE, sentences, n=0) == []
    assert len(key_points(_ARTICLE, sentences, n=2)) == 2


def test_given_quote_spans_exclude_their_sentences() -> None:
    """Spans from the quotes finder count as quotation even without marks in the text."""
    text = (
        "The river rose two metres overnight and flooded the lower town. "
        "We have never seen water like this in forty years of living here. "
        "Emergency crews moved two hundred people to the school gym by morning. "
        "The regional government promised money for repairs within a week."
    )
    sentences = split_sentences(text)
    quoted = sentences[1]
    points = key_points(text, sentences, n=3, quote_spans=[quoted])
    assert all("forty years" not in p for p in points)


_PARAGRAPHED = (
    "The harbour authority closed the eastern pier on Monday after divers found cracks in "
    "three of its concrete piles. It said the closure could last a month.\n"
    "Inspectors will survey every pile under the pier this week and publish their findings "
    "by Friday. They will use sonar.\n"
    'The fishing cooperative called the closure "a disaster for the season" in a statement. '
    '"We have nowhere else to land the catch," its chair said.\n'
    "Ferry services will move to the western pier until the repairs are finished, the "
    "operator told passengers in an email on Tuesday. Timetables are unchanged."
)


def test_paragraphed_story_gives_one_point_per_lead_paragraph() -> None:
    """Paragraphs of several sentences: each point comes from its own paragraph."""
    sentences = split_sentences(_PARAGRAPHED)
    points = key_points(_PARAGRAPHED, sentences, n=3)
    assert [p[:20] for p in points] == [
        "The harbour authorit",
        "Inspectors will surv",
        "Ferry services will ",
    ]


def test_paragraphed_story_skips_pronoun_led_sentences_that_lean_on_the_previous_one() -> None:
    """ "It said the closure..." cannot stand alone as a point, so its paragraph gives another."""
    points = key_points(_PARAGRAPHED, split_sentences(_PARAGRAPHED), n=3)
    assert all(not p.startswith(("It ", "They ")) for p in points)


def test_quotation_led_sentences_are_not_key_points() -> None:
    """A sentence opened by a quotation is not a point even when its tail is longer."""
    text = (
        "The regional council voted on Tuesday to close the old ferry terminal by next summer. "
        '"We had no choice and we will not reopen it," the council leader told reporters after the vote. '
        "The terminal has lost money for six years and needs repairs costing 12 million euros. "
        "A new terminal is planned two kilometres north, next to the rail station."
    )
    sentences = split_sentences(text)
    a, b = sentences[1]
    assert 0.25 < (text.index(",", a) + 2 - a) / (b - a) < 0.5  # led by, not mostly, a quotation
    points = key_points(text, sentences, n=4)
    assert len(points) == 3
    assert all("no choice" not in p for p in points)


def test_a_short_quoted_title_opening_a_sentence_does_not_disqualify_it() -> None:
    """'"Lantern" reached orbit…' opens with a quoted name, not a quotation."""
    text = (
        '"Lantern" reached lunar orbit on Wednesday after a four-month journey from Earth. '
        "The probe weighs fourteen kilograms and was built by a university team. "
        "It carries one camera and a small radio."
    )
    points = key_points(text, split_sentences(text), n=3)
    assert len(points) == 3
    assert points[0].startswith('"Lantern" reached')


def test_overlapping_quote_spans_count_once() -> None:
    """A finder span over the same quotation as the marks does not double its share."""
    text = (
        'The mayor said the plan was "a good start" and promised money for the harbour wall soon. '
        "Builders will start work in the spring and finish the wall within two years. "
        "The council approved the budget for the project on Monday evening."
    )
    sentences = split_sentences(text)
    a = text.index('"a good')
    b = text.index('start"') + len('start"')
    # Marks and finder overlap on a quarter of the first sentence: not mostly a quotation.
    points = key_points(text, sentences, n=3, quote_spans=[(a, b), (a + 1, b - 1), (a, b - 2)])
    assert len(points) == 3


def test_single_curly_quotation_after_a_word_is_not_opened() -> None:
    """A ‘ glued to a word is an apostrophe, not an opening mark; after a space it opens."""
    assert quote_marked_spans("rock‘n roll") == []
    assert quote_marked_spans("He said ‘no way’ twice.") == [(8, 16)]


def test_centrality_counts_words_between_the_given_sentences() -> None:
    """Words in text the sentence spans leave out still count towards centrality."""
    text = "Budget vote. budget budget. Plan vote."
    plan = text.index("Plan")
    rows = sentence_features(text, [(0, 12), (plan, len(text))], [])
    # budget 3 times, vote twice, plan once: (2 + 1) / 3 against (0 + 1) / 3.
    assert rows[1][11] == pytest.approx(1 / 3)


def test_split_words_are_the_word_regex_words() -> None:
    """The split of ASCII text (apostrophes, digits, marks, any spacing) gives `_WORD`'s words."""
    rng = random.Random(7)
    pieces = ["don't", "'90s", "rock'n'roll", "it''s", "o'9", "x'", "'", "a1b", "U.S.", "--", "_"]
    pieces += ["said,", "(cnn)", "3.5%", "e-mail", "\t", "\n\n", "\x1f", "  ", "word", "Top"]
    pieces += ["'a", "a'", "''", "x'y'z"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", ".", "'"]) for _ in range(40))
        lower = text.lower()
        spaced = _spaced(lower)
        assert spaced == lower.translate(_NOT_WORD_ASCII)  # the byte table is the same map
        a = rng.randrange(len(lower) + 1)
        b = rng.randrange(a, len(lower) + 1)
        assert _split_words(spaced, lower, a, b) == _WORD.findall(lower, a, b)
        assert _split_words(spaced, lower, 0, len(spaced)) == _WORD.findall(lower)


def test_words_beyond_ascii_are_the_word_regex_words() -> None:
    """Text with curly apostrophes, accents, dashes and "?" splits into `_WORD`'s words too."""
    rng = random.Random(11)
    pieces = ["don’t", "’90s", "rock’n’roll", "it’’s", "naïve", "café’s", "word—word", "“no”"]
    pieces += ["Ωmega", "x’", "’", "?", "why?", "a?b", "don't", "'90s", "日本", "😀x", "\u00a0"]
    pieces += ["said,", "(cnn)", "3.5%", "e-mail", "\t", "\n", "  ", "word", "Top", "'a"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", ".", "’"]) for _ in range(40))
        lower = text.lower()
        spaced = _spaced(lower)
        assert len(spaced) == len(lower)
        a = rng.randrange(len(lower) + 1)
        b = rng.randrange(a, len(lower) + 1)
        assert _split_words(spaced, lower, a, b) == _WORD.findall(lower, a, b)
        assert _split_words(spaced, lower, 0, len(spaced)) == _WORD.findall(lower)


def test_features_of_ascii_text_are_those_of_the_regex_path() -> None:
    """One non-ASCII character at the end (regex path) changes no feature of the sentences."""
    text = (
        "Officials don't expect the vote's result before 9 p.m. on Monday. "
        "The council's plan, worth $3.5m, was approved by 7 votes to 2. "
        "Critics say it's rock'n'roll politics. The vote was held in public."
    )
    sentences = split_sentences(text)[:3]
    assert sentence_features(text, sentences, []) == sentence_features(text + " é", sentences, [])


def _tighten_every_pattern(sentence: str) -> str:
    """tighten as it was, every pattern tried on every sentence (the reference for the guards)."""
    s = " ".join(sentence.split())
    s = _DATELINE.sub("", s, count=1) if len(s) > 60 else s
    s = _LEADING_MARKERS.sub("", s, count=1)
    s = _PAREN_ASIDE.sub("", s)
    s = _SOURCE_TAG.sub("", s)
    if s and s[0].islower():
        s = s[0].upper() + s[1:]
    return s


@pytest.mark.parametrize(
    "sentence",
    [
        "LONDON -LRB- CNN -RRB- -- The central bank held its rate at four percent on Thursday.",
        "washington -lrb- ap -rrb- - the senate passed the bill late on tuesday after a long day.",
        "However, the bridge will reopen in May (or June), the Daily Mail w(an aside)rote.",
        "The bridge will reopen in May, the Daily Mail reported on Monday after the vote.",
        "The bridge (which closed in 2019) will reopen in May, The New York Times writes.",
        "Officials said the plan -- first proposed in March -- would cost $3 million in total.",
        "But the council -lrb- which met on Monday -rrb- approved it, Reuters wrote",
        "No marks at all in this sentence that is long enough for a dateline to be tried on it",
    ],
)
def test_tighten_with_its_guards_is_tighten_with_every_pattern(sentence: str) -> None:
    """Skipping a pattern whose mark or word a sentence lacks changes no sentence."""
    assert tighten(sentence) == _tighten_every_pattern(sentence)


def test_numbers_are_the_digits_the_regex_finds() -> None:
    """_numbers counts what _NUMBER.findall counts: digits not after a letter, digit or "_"."""
    rng = random.Random(9)
    alphabet = ["1", "23", "a", "_", " ", ".", "-", "é", "٣", "Ⅻ", "$", "x9", "\n", "'"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        a = rng.randrange(len(text) + 1)
        b = rng.randrange(a, len(text) + 1)
        assert _numbers(text, a, b) == len(_NUMBER.findall(text, a, b))
