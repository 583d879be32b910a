"""Finding quotations by their marks: pairing, paragraphs, apostrophes, titles and scare quotes."""

from __future__ import annotations

import random
import re

from digests.model import Quote
from digests.quotes import find_quotes
from digests.quotes.marks import paragraphs


def _texts(text: str) -> list[str]:
    return [q.text for q in find_quotes(text)]


def test_straight_double_quotes() -> None:
    """A quotation between straight marks is found without its marks and trailing comma."""
    text = '"The rail line will open in May," said Jane Smith.'
    assert _texts(text) == ["The rail line will open in May"]


def test_curly_and_guillemet_quotes() -> None:
    """Curly marks and « » delimit quotations too."""
    text = "“We are ready,” said Omar Haddad. « Nous sommes prêts », a ajouté Omar Haddad."
    assert _texts(text)[0] == "We are ready"
    assert "Nous sommes prêts" in _texts(text)


def test_mixed_pair_opens_curly_closes_straight() -> None:
    """A quotation opened with “ and closed with a straight mark is still one quotation."""
    text = 'The agency said the “plan will cut waiting times in half by the end of next year." No one objected.'
    assert _texts(text) == ["plan will cut waiting times in half by the end of next year."]


def test_nested_single_quotes_stay_inside() -> None:
    """Single quotes inside a double quotation are part of it, not quotations of their own."""
    text = "\"He told me, 'Never give up on this town,' and I never did,\" said Ruth Abbey."
    assert _texts(text) == ["He told me, 'Never give up on this town,' and I never did"]


def test_unpaired_mark_isolated_to_its_paragraph() -> None:
    """A stray opening mark does not pair across paragraphs or spoil later quotations."""
    text = (
        'Jo Park wrote "an open letter to the council.\n\n'
        '"We will rebuild the library by spring," said Lena Ortiz.\n\n'
        '"It will have twice the shelf space," she said.'
    )
    assert _texts(text) == [
        "We will rebuild the library by spring",
        "It will have twice the shelf space",
    ]


def test_quote_over_several_paragraphs() -> None:
    """A paragraph without a closing mark continues in the next one, which reopens the quote."""
    text = (
        "Lena Ortiz described the storm.\n\n"
        '"The water came up to the second floor and stayed there for three days.\n\n'
        '"We lost everything we had, but nobody was hurt," she said.'
    )
    (quote,) = find_quotes(text)
    assert quote.text == (
        "The water came up to the second floor and stayed there for three days. "
        "We lost everything we had, but nobody was hurt"
    )
    assert len(quote.spans) == 2
    assert quote.speaker == "Lena Ortiz"


def test_british_single_quotes_with_apostrophes() -> None:
    """Single marks as primary quotes are told apart from it’s, Xi’s, the ’90s, rock ’n’ roll."""
    text = (
        "It’s a quiet town. Xi’s visit came in the ’90s, when rock ’n’ roll bars lined the "
        "street. ‘I’d be over the moon,’ said Ruth Abbey. ‘It’s been a long season.’"
    )
    assert _texts(text) == ["I’d be over the moon", "It’s been a long season."]


def test_plural_possessive_does_not_close_a_single_quote() -> None:
    """‘The players’ union…’: the possessive mark inside is not the closing mark."""
    text = "‘The players’ union will not accept this offer,’ said Ruth Abbey."
    assert _texts(text) == ["The players’ union will not accept this offer"]


def test_scare_quotes_are_not_quotations() -> None:
    """One- or two-word terms in quotation marks, with nobody saying them, are dropped."""
    text = 'The so-called "experts" were wrong, and the "reform" failed within a year.'
    assert _texts(text) == []


def test_titles_of_works_are_not_quotations() -> None:
    """Titles (short, every main word capitalised) are not quotes, even with a comma inside."""
    text = 'Dana Cole starred in "The Long Road Home" and in “Blue Harbour,” both dramas, she said.'
    assert _texts(text) == []


def test_short_fragment_with_speaker_is_partial() -> None:
    """A short fragment in a sentence with a speech cue is kept as a partial quote."""
    text = 'Omar Haddad said the plan was "deeply flawed" and should be withdrawn.'
    (quote,) = find_quotes(text)
    assert quote.text == "deeply flawed"
    assert quote.partial
    assert quote.speaker == "Omar Haddad"


def test_headline_quotes_are_skipped() -> None:
    """A quoted headline or a "READ MORE:" line is not reported speech."""
    text = (
        "'Not a lot of room left'\n\n"
        "READ MORE: Mayor says budget is 'under control' after review\n\n"
        '"We need more beds," said Nadia Cole.'
    )
    assert _texts(text) == ["We need more beds"]


def test_every_quote_is_verbatim_under_its_spans() -> None:
    """Property: for varied texts, each quote's text is the input under its spans."""
    texts = [
        '"A," he said. “B c d e f,” she said.\n\n"G h\n\n"I j k," said Al Bo.',
        "‘Don’t,’ said Ed Ray, ‘go there.’ The ’80s were rock ’n’ roll years.",
        '"Unclosed here.\n\nNo marks at all.\n\n“x y z” and "p q r s t u v w x y," said Cy Li.',
        '«Oui», dit-il.  "Trailing,"   he said, "spaces   inside   here."',
        '""  "" " " “” ‘’ \'\' ,"," ."',
    ]
    for text in texts:
        for quote in find_quotes(text):
            joined = " ".join(" ".join(text[s:e] for s, e in quote.spans).split())
            assert quote.text in (joined, joined.rstrip(",")), quote
            assert all(0 <= s < e <= len(text) for s, e in quote.spans)


def test_quote_is_a_frozen_value() -> None:
    """find_quotes returns Quote objects whose spans are (start, end) offsets."""
    (quote,) = find_quotes('"We are open," said Lena Ortiz.')
    assert isinstance(quote, Quote)
    assert quote.spans == ((1, 12),)


def test_curly_quotes_nested_in_straight_ones() -> None:
    """A straight-quoted quotation may hold a curly-quoted one; both stay one quotation."""
    text = (
        '"The engineers told us, “This bridge will stand another century,” and we believed '
        'them," said Ana Okafor.'
    )
    (quote,) = find_quotes(text)
    assert quote.text.startswith("The engineers told us, “This bridge")
    assert quote.text.endswith("and we believed them")


def test_title_case_phrase_is_a_title_even_at_sentence_start() -> None:
    """A capitalised phrase of three or more main words ("The Kid Who Would Be King") is a title."""
    text = "“The Night Harbour Never Slept” opens on Friday, the studio said."
    assert _texts(text) == []


def test_exclamation_is_speech_not_a_title() -> None:
    """ "You Lie!" ends in "!": someone's words, kept as a (partial) quote."""
    text = 'Omar Haddad yelled "You Lie!" at the minister during the debate.'
    assert _texts(text) == ["You Lie!"]


def test_two_word_scare_quote_with_unrelated_cue_dropped() -> None:
    """Two quoted words far from the sentence's speech verb are a scare quote, not a quotation."""
    text = (
        "The agency said on Monday that the large swirling air masses known to forecasters as "
        'the "polar waves" would bring snow.'
    )
    assert _texts(text) == []


def test_paragraphs_are_the_non_blank_lines() -> None:
    """Every line holding more than whitespace, as the regex [^\\n]+ and a strip find them."""
    rng = random.Random(6)
    alphabet = ["a", " ", "\n", "\n\n", "\t", "\u00a0", "\u2028", "é", "\r"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 20)))
        lines = [m.span() for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
        assert paragraphs(text) == lines
