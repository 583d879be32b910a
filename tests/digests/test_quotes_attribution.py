"""Who said it: each attribution form, coreference, continuation, unresolved speakers, ranking."""

from __future__ import annotations

import pytest

from digests.model import Quote
from digests.quotes import find_quotes, main_quotes


def _speaker(text: str) -> str | None:
    quotes = find_quotes(text)
    assert len(quotes) == 1, quotes
    return quotes[0].speaker


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"The rail line will open in May," she said. ', None),
        ('"The rail line will open in May," said Jane Smith.', "Jane Smith"),
        ('"The rail line will open in May," Jane Smith said.', "Jane Smith"),
        (
            'Jane Smith, the city\'s engineer, said: "The rail line will open in May."',
            "Jane Smith",
        ),
        ('Omar Haddad told reporters: "We expect the vote on Friday."', "Omar Haddad"),
        ('"Nothing about this is normal, and everyone knows it." — Carla Mendes', "Carla Mendes"),
        ('"The numbers do not add up," according to Carla Mendes.', "Carla Mendes"),
        (
            'The Health Ministry said in a statement: "Vaccines are safe for children."',
            "Health Ministry",
        ),
        (
            'Governor Ray Tall was quoted as saying "we will not raise taxes this year."',
            "Ray Tall",
        ),
        (
            'Li Wei met the delegation. "Co-operation benefits both sides," Xinhua quoted Li as saying.',
            "Li Wei",
        ),
        (
            '"Co-operation benefits both sides," Li Wei said, the official Xinhua News Agency reported.',
            "Li Wei",
        ),
        (
            '"Co-operation benefits both sides of the strait," the official Xinhua News Agency reported.',
            "Xinhua News Agency",
        ),
    ],
    ids=[
        "pronoun-unresolved",
        "said-name",
        "name-said",
        "appositive",
        "told-colon",
        "dash",
        "according-to",
        "said-in-a-statement",
        "quoted-as-saying",
        "agency-quoted-x-as-saying",
        "agency-report-after-cue",
        "agency-report-alone",
    ],
)
def test_attribution_forms(text: str, speaker: str | None) -> None:
    """Each attribution form names the speaker (and the agency only when no one else)."""
    assert _speaker(text) == speaker


def test_he_she_resolve_to_the_subject_before() -> None:
    """A pronoun resolves to the person the previous sentence is about."""
    text = 'Maria Gonzalez runs the shelter. "We are full every night," she said.'
    assert _speaker(text) == "Maria Gonzalez"


def test_it_resolves_to_an_organisation() -> None:
    """ "It said" refers back to the organisation named before."""
    text = 'The Water Board met on Monday. It said "rates will rise for every household next year."'
    assert _speaker(text) == "Water Board"


def test_surname_maps_to_full_name() -> None:
    """A surname alone is the full name introduced earlier."""
    text = (
        "Maria Gonzalez runs the shelter.\n\n"
        'The city cut its grant in March. "We are full every night," Gonzalez said.'
    )
    assert _speaker(text) == "Maria Gonzalez"


def test_chinese_family_name_first() -> None:
    """ "Xi" maps to "Xi Jinping": the family name comes first."""
    text = 'Xi Jinping met the delegates. Later Xi said: "We welcome investment in every sector."'
    assert _speaker(text) == "Xi Jinping"


def test_description_resolves_through_its_role() -> None:
    """ "the premier" is the person introduced as the premier."""
    text = (
        "Tom Hale, the mayor, opened the plant with the premier, Anna Berg. "
        'Workers cheered. "This factory is the future of our region," the premier said.'
    )
    assert _speaker(text) == "Anna Berg"


def test_anonymous_description_is_the_speaker() -> None:
    """ "the official" introduced as "a senior official" has no name: the description speaks."""
    text = (
        "Anna Berg left early. A senior official spoke to reporters afterwards. "
        '"We were never consulted about the plan," the official said.'
    )
    assert _speaker(text) == "the official"


def test_quote_only_paragraph_continues_previous_speaker() -> None:
    """A paragraph that is only a quotation continues the previous quote's speaker."""
    text = (
        '"The bridge is safe," said Ana Okafor.\n\n'
        '"We checked every bolt twice and will check again next year."'
    )
    assert [q.speaker for q in find_quotes(text)] == ["Ana Okafor", "Ana Okafor"]


def test_second_sentence_continues_in_paragraph() -> None:
    """An unattributed quote after an attributed one in the same paragraph shares its speaker."""
    text = '"Patching it buys us ten years," Tom Reyes said. "Then we are back here again."'
    assert [q.speaker for q in find_quotes(text)] == ["Tom Reyes", "Tom Reyes"]


def test_quote_in_paragraph_with_other_text_is_not_continued() -> None:
    """A quote in a new paragraph of narration, with no cue, gets no speaker."""
    text = (
        '"The bridge is safe," said Ana Okafor.\n\n'
        'Engineers disagree. A report found the bolts "had rusted far beyond anything the original builders could have imagined."'
    )
    assert find_quotes(text)[1].speaker is None


def _q(text: str, speaker: str | None, partial: bool = False) -> Quote:
    return Quote(text, speaker, partial, ((0, len(text)),))


def test_main_quotes_rank_full_named_long_first() -> None:
    """Full before partial, unknown speakers never, longer and more central speakers first."""
    quotes = [
        _q("short one", "Ana Okafor"),
        _q("an unattributed but very long quotation indeed", None),
        _q("fragment", "Ana Okafor", partial=True),
        _q("a much longer quotation from the mayor herself", "Ana Okafor"),
        _q("a medium quotation from Reyes", "Tom Reyes"),
    ]
    ranked = main_quotes(quotes, 3)
    assert [q.text for q in ranked] == [
        "a much longer quotation from the mayor herself",
        "a medium quotation from Reyes",
        "short one",
    ]
    assert len(main_quotes(quotes, 10)) == 4
    assert main_quotes(quotes, None) == quotes


def test_colon_paragraph_introduces_quote_below() -> None:
    """ "Okafor continued:" on its own line attributes the quotation set off below it."""
    text = (
        "Mayor Ana Okafor spoke to the council on Tuesday night.\n\n"
        "Okafor continued:\n\n"
        '"We will not let this bridge fall into the river while I am mayor."'
    )
    assert _speaker(text) == "Ana Okafor"


def test_title_inside_a_name_is_dropped() -> None:
    """ "Harbour Commission chair Dana Whitfield": the name follows the last title word."""
    text = '"We have no plan B for the harbour," Riverton Harbour Commission chair Dana Whitfield said.'
    assert _speaker(text) == "Dana Whitfield"


def test_person_of_organisation() -> None:
    """ "Lena Ortiz of Harbour Bank said": the person, not the bank."""
    text = '"Rates will stay where they are until spring," Lena Ortiz of Harbour Bank said.'
    assert _speaker(text) == "Lena Ortiz"


def test_his_statement_stands_for_him() -> None:
    """ "his statement said" resolves like "he said"."""
    text = (
        'Omar Haddad resigned on Friday. "I leave with a heavy heart and great pride," '
        "his statement said."
    )
    assert _speaker(text) == "Omar Haddad"


def test_opening_adverbial_is_not_the_subject() -> None:
    """ "Minutes later, Omar Haddad …, telling reporters, "…"": the subject after the opening."""
    text = (
        "Minutes later, Omar Haddad turned to the crowd, telling reporters, "
        '"We are not done yet, not by a long way."'
    )
    assert _speaker(text) == "Omar Haddad"


def test_pronoun_gender_from_given_name() -> None:
    """ "she" skips a man's name to find the woman mentioned with him."""
    text = (
        "Paul Weller chaired the meeting with Susan Marsh. "
        '"The vote will go ahead next month," she said.'
    )
    assert _speaker(text) == "Susan Marsh"


def test_report_noun_is_not_a_cue() -> None:
    """ "the big reveal:" is a noun, not a speech verb naming a speaker."""
    text = (
        '"Forget the old plan," Ruth Abbey said. And here was the big reveal: '
        '"We are building a second bridge next to the first one."'
    )
    assert [q.speaker for q in find_quotes(text)] == ["Ruth Abbey", "Ruth Abbey"]


def test_called_frames_a_fragment_as_partial_quote() -> None:
    """ "X called the ruling “reckless”": a one-word fragment someone said, kept as partial."""
    text = "Council member Rita Vance called the ruling “reckless” on Tuesday."
    (quote,) = find_quotes(text)
    assert (quote.text, quote.speaker, quote.partial) == ("reckless", "Rita Vance", True)


def test_main_quotes_give_each_speaker_a_turn() -> None:
    """Each speaker's best full quote comes before anyone's second one."""
    quotes = [
        _q("a long first quotation by the mayor about the bridge", "Ana Okafor"),
        _q("another long quotation by the mayor about the bridge", "Ana Okafor"),
        _q("a shorter one by Reyes", "Tom Reyes"),
        _q("frag", "Lena Ortiz", partial=True),
    ]
    assert [q.speaker for q in main_quotes(quotes, 4)] == [
        "Ana Okafor",
        "Tom Reyes",
        "Ana Okafor",
        "Lena Ortiz",
    ]


def test_surname_takes_the_latest_full_name_before_it() -> None:
    """With two people sharing a surname, "Okafor" is the one named most recently."""
    text = (
        "Ana Okafor chairs the council. Her brother Ben Okafor runs the ferry company.\n\n"
        '"The ferries will keep running all winter," Okafor said.'
    )
    assert _speaker(text) == "Ben Okafor"
