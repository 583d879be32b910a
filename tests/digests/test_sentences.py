"""The sentence splitter on small hand-written news prose."""

from __future__ import annotations

import random
import re

import pytest

from digests.sentences import _CANDIDATE, _DOTTED, _dotted, _marks, split_sentences


def _split(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Okafor met Sen. Lind in the capital. They talked for an hour.",
        "The U.S. Senate voted on Jan. 12 to fund the bridge. Work starts soon.",
        "Dr. Ames and Gov. Ruiz visited St. Paul on Tuesday. Crowds were small.",
        "The rate rose to 3.5 percent in May. It was 2.9 percent a year ago.",
        "The No. 2 seed lost in Washington, D.C., on Sunday. Fans left early.",
    ],
)
def test_abbreviations_and_decimals_do_not_end_sentences(text: str) -> None:
    """Titles, U.S., month abbreviations and decimals stay inside their sentence."""
    assert len(_split(text)) == 2


def test_no_before_a_word_is_the_word_no() -> None:
    """ "said no. Others…" ends a sentence: "No." abbreviates only before a number."""
    text = "Rep. Ana Ruiz, D-Texas, said no. Others agreed."
    assert _split(text) == ["Rep. Ana Ruiz, D-Texas, said no.", "Others agreed."]


def test_lower_case_words_spelled_like_abbreviations_end_sentences() -> None:
    """ "ill." and "sun." are words in cased text, unlike "Ill." (Illinois) or "Sun." (Sunday)."""
    text = "The driver fell ill. Doctors kept him out of the sun. Marsh said he was fine."
    assert _split(text) == [
        "The driver fell ill.",
        "Doctors kept him out of the sun.",
        "Marsh said he was fine.",
    ]


def test_initials_stay_with_the_name() -> None:
    """A middle initial and dotted initials are not sentence ends."""
    text = "John F. Marsh and J.R. Tolland spoke first. The vote followed."
    assert _split(text) == ["John F. Marsh and J.R. Tolland spoke first.", "The vote followed."]


def test_us_at_the_end_of_a_sentence_ends_it() -> None:
    """ "U.S." followed by a typical sentence opener is a sentence end."""
    text = "The firm moved its offices to the U.S. The move took a year."
    assert _split(text) == ["The firm moved its offices to the U.S.", "The move took a year."]


def test_a_quotation_of_several_sentences_keeps_its_marks_with_its_sentences() -> None:
    """Each sentence of a quotation is one sentence; the closing mark stays with the last one."""
    text = 'She said: "We are ready. The river will not wait." Officials agreed.'
    assert _split(text) == [
        'She said: "We are ready.',
        'The river will not wait."',
        "Officials agreed.",
    ]


def test_attribution_after_a_quoted_exclamation_stays_in_the_sentence() -> None:
    """'"Stop!" he shouted.' is one sentence: the next word is in lower case."""
    assert _split('"Stop!" he shouted. Nobody did.') == ['"Stop!" he shouted.', "Nobody did."]


def test_paragraph_breaks_end_sentences_even_without_a_period() -> None:
    """A heading-like line and a blank-line paragraph break are boundaries."""
    text = "Storm warning for the coast\n\nThe storm arrived at dawn. Roads closed"
    assert _split(text) == [
        "Storm warning for the coast",
        "The storm arrived at dawn.",
        "Roads closed",
    ]


def test_a_hard_wrapped_line_continues_its_sentence() -> None:
    """A single line break followed by a lower-case word does not split the sentence."""
    text = "The council said the bridge\nwould reopen in May. Traffic was light."
    assert _split(text) == [
        "The council said the bridge\nwould reopen in May.",
        "Traffic was light.",
    ]


def test_spans_are_trimmed_offsets_into_the_text() -> None:
    """Spans point into the input and carry no surrounding whitespace."""
    text = "  First one.   Second one.  "
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]


def test_lowercased_tokenised_text_splits_at_standalone_periods() -> None:
    """In PTB-tokenised lower-case text " . " ends a sentence and "u.s." does not."""
    text = "the u.s. senate met on jan. 5 . `` we will act . '' he said . the vote came later ."
    assert _split(text) == [
        "the u.s. senate met on jan. 5 .",
        "`` we will act . ''",
        "he said .",
        "the vote came later .",
    ]


def test_empty_and_blank_text_have_no_sentences() -> None:
    """Nothing to split gives no spans."""
    assert split_sentences("") == []
    assert split_sentences("  \n\n ") == []


# The candidate pattern as first written (marks in group 1); _CANDIDATE is its faster form.
_PLAIN_CANDIDATE = re.compile(
    r"(?:([.!?…]+)[\"'”’)\]»]*(?:[ \t]+(?:''|'|\)|-rrb-|\"|”|’)(?=\s))*(?=\s|\Z)|\n)"
    r"(?=([ \t\r\n\f\v\u00a0]*)(\S*))",
)


def test_candidate_pattern_finds_what_the_plain_pattern_finds() -> None:
    """Same spans, marks, gaps and next words, on random text full of marks and quotes."""
    rng = random.Random(20261130)
    pieces = ["a", "Bc", " ", "  ", "\n", "\t", ".", "!", "?", "…", "'", "''", '"', "”", "’", ")"]
    pieces += ["-rrb-", "»", "]", "\u00a0", "U.S.", "Mr.", "“"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        plain = [(m.span(), m.groups()) for m in _PLAIN_CANDIDATE.finditer(text)]
        fast = [
            (m.span(), (None if m.group()[0] == "\n" else _marks(m.group()), *m.groups()))
            for m in _CANDIDATE.finditer(text)
        ]
        assert fast == plain, repr(text)


def test_chinese_and_japanese_full_stops_end_sentences_without_a_space() -> None:
    """。！？ end a sentence at once; a closing 」 stays with it."""
    text = (
        "中美两国元首周三会晤。习近平表示，对抗将带来灾难！「会谈坦率。」白宫说。東京で会議？はい"
    )
    sentences = [text[a:b] for a, b in split_sentences(text)]
    assert sentences == [
        "中美两国元首周三会晤。",
        "习近平表示，对抗将带来灾难！",
        "「会谈坦率。」",
        "白宫说。",
        "東京で会議？",
        "はい",
    ]


def test_dotted_words_are_the_regex_ones() -> None:
    """The period-second shortcut never turns down a word _DOTTED matches."""
    rng = random.Random(12)
    for _ in range(2000):
        word = "".join(rng.choice("ab.1é") for _ in range(rng.randrange(0, 7)))
        assert _dotted(word) == (_DOTTED.fullmatch(word) is not None)
