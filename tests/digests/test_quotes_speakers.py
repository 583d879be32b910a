"""Speakers on unseen news text (issue #12): each error class, in text written for these tests."""

from __future__ import annotations

import pytest

from digests.quotes import find_quotes


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in find_quotes(text)]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Ana Okafor chairs the council. Meanwhile Okafor stayed home. "
            '"The ferries will keep running all winter," Okafor said.',
            "Ana Okafor",
        ),
        (
            "Knowing Okafor, the board waited. "
            '"The ferries will keep running all winter," Okafor said.',
            "Okafor",
        ),
        (
            "Unlike Ruiz, Ben Tamm voted no. "
            '"The ferries will keep running all winter," Ruiz told the board.',
            "Ruiz",
        ),
        ('Said Tamm: "The ferries will keep running all winter."', "Tamm"),
        (
            "Ben Tamm spoke on the radio.\n\nStated Tamm:\n\n"
            '"The ferries will keep running all winter, whatever the weather."',
            "Ben Tamm",
        ),
        (
            "(See Tamm’s full timeline below.) Ben Tamm spoke on the radio. "
            '"The ferries will keep running all winter," Tamm said.',
            "Ben Tamm",
        ),
    ],
    ids=["meanwhile", "knowing", "unlike", "said-x-colon", "stated-x-colon", "see-x"],
)
def test_opening_words_are_not_names(text: str, speaker: str) -> None:
    """Adverbs, participles, prepositions and verbs opening a sentence are not glued to names."""
    assert _speakers(text) == [speaker]


def test_a_date_after_a_name_is_not_part_of_it() -> None:
    """ "said Tamm Thursday": Thursday is when, not who."""
    text = (
        'Ben Tamm runs the ferries. "The ferries will keep running all winter," said Tamm Thursday.'
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_a_surname_is_the_person_not_a_building_named_after_them() -> None:
    """ "Tamm" after "Ben Tamm" and "Tamm Tower" is Ben Tamm, however recent the tower."""
    text = (
        "Ben Tamm owns the ferry line. Protesters gathered outside Tamm Tower on Monday. "
        '"The ferries will keep running all winter," Tamm said.'
    )
    assert _speakers(text) == ["Ben Tamm"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Jan van den Berg, the mayor, opened the bridge. "
            '"We will rebuild the old one next," van den Berg said.',
            "Jan van den Berg",
        ),
        ('"We will rebuild the old one next," said Jan van den Berg.', "Jan van den Berg"),
        (
            'Maria de la Cruz runs the clinic. "We treat everyone who walks in," de la Cruz said.',
            "Maria de la Cruz",
        ),
        (
            'Omar Al Rashid runs the clinic. "We treat everyone who walks in," Al Rashid said.',
            "Omar Al Rashid",
        ),
        (
            'Ludwig von Hagen runs the clinic. "We treat everyone who walks in," said von Hagen.',
            "Ludwig von Hagen",
        ),
    ],
    ids=["van-den", "van-den-after-cue", "de-la", "al", "von-after-cue"],
)
def test_name_particles_and_compound_surnames(text: str, speaker: str) -> None:
    """Particles (van den, de la, al, von) belong to the surname, first mention and later."""
    assert _speakers(text) == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"Rates will rise for every household," the commission said.', "the commission"),
        ('"The ferry will not sail on Sunday," a spokesperson said.', "a spokesperson"),
        (
            "Energy Minister Ana Okafor opened the plant. "
            '"The minister is travelling this week," the spokesman said.',
            "the spokesman",
        ),
        (
            "The Kelso Water Utility raised its rates on Monday. "
            '"The increase pays for new pipes across the valley," the utility said.',
            "Kelso Water Utility",
        ),
        (
            "The Port Authority of Kelso closed the bridge. "
            '"The bridge is not safe for heavy trucks," it said in a statement.',
            "Port Authority of Kelso",
        ),
    ],
    ids=["description", "indefinite", "role-not-the-person-nearby", "the-utility", "it"],
)
def test_organisations_and_descriptions_speak(text: str, speaker: str) -> None:
    """An organisation named before is "it" / "the utility"; an unnamed description speaks."""
    assert _speakers(text) == [speaker]


def test_a_description_does_not_turn_a_term_into_a_quote() -> None:
    """A described speaker is no name: two quoted words elsewhere stay a scare quote."""
    text = 'The agency said on Monday that what forecasters call "polar waves" would bring snow.'
    assert find_quotes(text) == []


def test_he_prefers_whoever_the_speech_verb_is_about() -> None:
    """With no subject name, "he" is the person who "told reporters", not the one in passing."""
    text = (
        "The report by Carl Mendes was read out before adviser Ben Ortiz told reporters "
        'the plan works. "We will finish by June," he said.'
    )
    assert _speakers(text) == ["Ben Ortiz"]


def test_quote_continues_the_previous_sentence_speaker() -> None:
    """ "X said in a statement that … . “Q.”": the quotation is X's, same paragraph or next."""
    same = (
        "Ana Okafor said in a statement on Monday that the bridge would close. "
        '"The bridge is not safe for heavy trucks."'
    )
    next_paragraph = same.replace(' "The', '\n\n"The')
    assert _speakers(same) == ["Ana Okafor"]
    assert _speakers(next_paragraph) == ["Ana Okafor"]


def test_quote_after_a_sentence_without_speech_verb_has_no_speaker() -> None:
    """The sentence before must report speech: "Okafor visited the bridge." names no speaker."""
    text = 'Ana Okafor visited the bridge on Monday. "The bridge is not safe for heavy trucks."'
    assert _speakers(text) == [None]


def test_a_quote_continues_the_quote_before_it_not_the_sentence() -> None:
    """A quotation after an attributed one keeps that speaker (the existing continuation)."""
    text = '"The bridge is shut," Ben Ortiz said. "It will not open before June."'
    assert _speakers(text) == ["Ben Ortiz", "Ben Ortiz"]


def test_subject_after_several_opening_phrases() -> None:
    """ "On Thursday, after …, X endorsed Y, saying, “…”": X, past every opening phrase."""
    text = (
        "On Thursday, after remaining neutral, Okafor endorsed Tamm, saying, "
        '"I think having a fighter in the lead is what this town needs."'
    )
    assert _speakers(text) == ["Okafor"]


@pytest.mark.parametrize("verb", ["barked", "shot back", "scoffed"])
def test_more_speech_verbs(verb: str) -> None:
    """Less common speech verbs attribute the quotation; "shot" only beside it."""
    assert _speakers(f'"Go back to your seat," Okafor {verb}.') == ["Okafor"]


def test_shot_away_from_a_quotation_is_no_speech() -> None:
    """ "was shot" far from the quotation names no speaker."""
    text = 'Ana Okafor was shot at on Monday near the old bridge that "nobody uses any more."'
    assert [q.speaker for q in find_quotes(text)] in ([], [None])


def test_the_name_before_a_colon_speaks() -> None:
    """ "The surge does not surprise pollster Dana Shaw: “…”": Shaw, not the sentence's subject."""
    text = (
        "The timing of the surge does not surprise pollster Dana Shaw: "
        '"Lesser-known candidates who win early contests see the biggest boost."'
    )
    assert _speakers(text) == ["Dana Shaw"]


def test_a_person_of_a_place_is_the_person() -> None:
    """ "said Rob Antal of the Kelso delegation": the person, not Kelso."""
    text = (
        '"There is a passion for this plan in every town," said Rob Antal of the Kelso delegation.'
    )
    assert _speakers(text) == ["Rob Antal"]


def test_an_opening_word_alone_is_no_speaker() -> None:
    """ "Wait, it gets better:" introduces a quotation without naming anyone."""
    text = (
        "Ben Tamm wrote the memo.\n\nWait, it gets better:\n\n"
        '"By law, the council sets the maximum number of ferries every year."'
    )
    assert _speakers(text) != ["Wait"]


@pytest.mark.parametrize("agency", ["The Valley Courier", "The Canadian Press", "Kelso Images"])
def test_photo_credit_is_not_glued_to_the_person(agency: str) -> None:
    """ "Photo / The Agency Name Ana Okafor at …": the agency is neither the speaker nor her name."""
    text = (
        f"Photo / {agency} Ana Okafor at the bridge on Monday. "
        '"The bridge is not safe for heavy trucks," she said.'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_place_is_not_he() -> None:
    """A name the article puts "in" and never shows speaking is a place, not a pronoun's person."""
    text = (
        "Protesters marched in San Jose on Monday. San Jose police made no arrests. "
        '"Many of the people who attacked them came from elsewhere," he said.'
    )
    assert _speakers(text) == [None]


def test_in_a_person_stays_a_person() -> None:
    """ "In Okafor, he found a publisher": a person the article shows speaking stays a person."""
    text = (
        "Ana Okafor said she would publish him. In Okafor, he found a publisher. "
        '"She took a chance on me when nobody else would," said Ben Tamm. '
        '"You have to start somewhere," she said.'
    )
    assert _speakers(text)[-1] == "Ana Okafor"


def test_an_organisation_title_before_a_full_name() -> None:
    """ "Bank of Canada Governor Stephen Poloz": the person, without the organisation's title."""
    text = (
        "Bank of Canada Governor Stephen Poloz spoke first. "
        '"Rates will stay where they are," he said.'
    )
    assert _speakers(text) == ["Stephen Poloz"]


def test_a_name_in_an_opening_phrase_is_not_the_subject() -> None:
    """ "In a Facebook post …, Tamm said …": "he" is Tamm, not Facebook, though both come first."""
    text = (
        "In a Facebook post to his constituents at the time, Ben Tamm said the law went too far.\n\n"
        '"As a lawyer for twenty years, I worry about passing this law," he wrote.'
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_a_capitalised_verb_inside_a_sentence_is_a_name() -> None:
    """ "… to the United States and added, “…”": "States" is no speech verb."""
    text = (
        "In a prison interview last year, Ana Okafor said she welcomed extradition to the "
        'United States and added, "I will plead guilty, no problem."'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_an_opener_after_a_quotation_starts_no_name() -> None:
    """'… could go." Neither Tamm nor Weld …': the quotation hid the sentence's end."""
    text = (
        "Ben Tamm spoke in Kelso. He joked about pole vaulters who could go "
        '"higher than the fence." Neither Tamm nor Weld attacked the mayor.\n\n'
        '"You make mistakes along the trail," Tamm said.'
    )
    assert _speakers(text)[-1] == "Ben Tamm"


def test_he_skips_names_in_passing_where_he_is_already_the_subject() -> None:
    """ "X said …. He finished behind Ben Tamm. “…,” he said.": X, not Tamm named in between."""
    text = (
        '"We won the vote," said prosecutor Carl Mendes.\n\n'
        "He finished the day well ahead of the defendant, Ben Tamm.\n\n"
        '"We learned a lot about this case in one week," he said.'
    )
    assert _speakers(text) == ["Carl Mendes", "Carl Mendes"]


def test_the_subject_after_an_opening_participle() -> None:
    """ "Anticipating blowback from Jane Ruiz, Okafor remarked that she …": Okafor, not Ruiz."""
    text = (
        "Anticipating blowback from Mayor Jane Ruiz, Ana Okafor remarked that she had consulted "
        'scholar Mia Howard.\n\n"I want to be crystal clear about this," she said.'
    )
    assert _speakers(text) == ["Ana Okafor"]


@pytest.mark.parametrize(
    "text",
    [
        'Among the replies was a tweet from Rikkie Wells who tweeted, "You never follow the rules."',
        'The endorsement came from Rikkie Wells, who declared in the spin room, "It is time to unite."',
    ],
    ids=["who", "comma-who"],
)
def test_who_before_the_speech_verb(text: str) -> None:
    """ "X, who declared, “…”": the name before "who" speaks."""
    assert _speakers(text) == ["Rikkie Wells"]


def test_a_surname_ending_in_ing_is_a_name() -> None:
    """ "Boreing said": an "-ing" surname opening a sentence is still a name."""
    text = (
        "Ben Boreing runs the club. Boreing said the members will still meet, but said, "
        '"It is time we change how we do it."'
    )
    assert _speakers(text) == ["Ben Boreing"]


def test_the_name_a_preposition_governs_is_not_the_subject() -> None:
    """ "Okafor answered on Kelso Radio writing, “…”": Okafor, not the radio station."""
    text = 'Ana Okafor answered on Kelso Radio writing, "Yes, I will. That was a poor choice."'
    assert _speakers(text) == ["Ana Okafor"]


def test_a_name_set_off_by_commas_before_said_is_the_speaker() -> None:
    """ "And a third, Dan Traynor, said that …. “…,” he said": Traynor, not a name in passing."""
    text = (
        "A second delegate, Jim Poolman, was leaning the other way.\n\n"
        "And a third, Dan Traynor, said that he opposed the plan because of Ben Ruiz.\n\n"
        '"I prefer the old bridge," he said.'
    )
    assert _speakers(text) == ["Dan Traynor"]


def test_a_speech_verb_after_and_takes_the_clause_subject() -> None:
    """ "Silverman was joined by Al Franken and joked, “…”": Silverman, not Franken."""
    text = (
        "As the crowd chanted, Silverman was joined on stage by Al Franken and joked, "
        '"You are being ridiculous," drawing jeers.'
    )
    assert _speakers(text) == ["Silverman"]


def test_remembered_beside_a_quotation_is_a_cue() -> None:
    """ "“…,” remembered Roy Verley": a speech verb when it stands beside the quotation."""
    text = '"An awful lot of analysts said no," remembered Roy Verley, the former spokesman.'
    assert _speakers(text) == ["Roy Verley"]


def test_a_middle_initial_and_an_organisation_title() -> None:
    """ "said Senate Minority Leader Harry M. Reid (D-Nev.)": the full name, initial kept."""
    text = '"I do not remember anything this shameful," said Senate Minority Leader Harry M. Reid.'
    assert _speakers(text) == ["Harry M Reid"]


def test_a_quotation_ending_in_a_period_ends_its_sentence() -> None:
    """'“… yet.” Tamm said he …' starts a new sentence: its cue is not the quotation's."""
    text = (
        'Ana Okafor spoke first. "The ferries will keep running," Okafor told the board. '
        '"We have not decided on the fares yet." Ben Tamm said he would vote against the plan.'
    )
    assert _speakers(text) == ["Ana Okafor", "Ana Okafor"]


def test_a_capitalised_pronoun_after_a_quotation_starts_a_new_sentence() -> None:
    """'… Tamm interjected: “….” He said …' is Tamm's quotation, not the next sentence's."""
    text = (
        "Ana Okafor defended the fares, to which Ben Tamm interjected: "
        '"That is simply not true." He said the ferries lose money every winter.'
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_a_period_typed_for_a_comma_still_attributes() -> None:
    """'“… winter.” Tamm said.' is a typo for a comma: Tamm still speaks."""
    text = 'Ben Tamm runs the ferries. "The ferries will keep running all winter." Tamm said.'
    assert _speakers(text) == ["Ben Tamm"]


def test_a_role_before_another_name_is_not_the_place_s() -> None:
    """'in Brookfield, law professor Ben Tamm': Brookfield is no person for 'she'."""
    text = (
        "Ana Okafor chairs the ferry board. Her rival in Brookfield, law professor Ben Tamm, "
        'wants lower fares. "The fares will stay as they are," she said.'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_speech_verb_opening_a_sentence_is_no_name() -> None:
    """'Adding, “…”' after someone's words is no speaker called Adding."""
    text = 'Ben Tamm said the ferries were "doing fine." Adding, "The fares will stay as they are."'
    assert _speakers(text) == ["Ben Tamm", "Ben Tamm"]


def test_a_gendered_role_rules_out_the_other_pronoun() -> None:
    """'Her father Khaled' is not 'she', though he is named last."""
    text = (
        "Noor Haddad waited outside the courthouse all morning. Her father Khaled was among the "
        'victims. "I am ready to hear the sentence," she said.'
    )
    assert _speakers(text) == ["Noor Haddad"]


def test_she_after_a_shared_surname_is_the_woman_of_that_name() -> None:
    """'Okafor … she' after Ben Okafor was named is Maria Okafor, not no one."""
    text = (
        "Maria Okafor runs the bakery. Her husband, Ben Okafor, opened it in 1990. He still "
        "bakes the bread every night. The shop sells rye and sourdough. Okafor said on Monday "
        'that the shop would stay open. "We will be open on Sunday," she added.'
    )
    assert _speakers(text) == ["Maria Okafor"]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            "Brookfield’s Ana Okafor, one of three new council members, said the fares would "
            'stay. "We will keep the ferries running," she said.',
            "Ana Okafor",
        ),
        (
            "Ben Tamm wants to cut the fares. Tamm senior policy adviser Sam Okafor said in a "
            'statement that the fares would stay. "We will keep the ferries running," he said.',
            "Sam Okafor",
        ),
        (
            "Ben Tamm wants to cut the fares. Tamm’s plan will not pass, Sam Okafor said on "
            'Monday. "We will keep the ferries running," he said.',
            "Sam Okafor",
        ),
    ],
    ids=["possessive-place", "name-role-name", "possessive-subject"],
)
def test_a_name_that_only_modifies_the_subject_is_not_it(text: str, speaker: str) -> None:
    """'Brookfield’s Ana Okafor', 'Tamm adviser Ana Okafor', 'Tamm’s plan': not Tamm."""
    assert _speakers(text) == [speaker]


def test_a_particle_joined_by_a_hyphen_starts_a_name() -> None:
    """'al-Nour said' names al-Nour, though the name opens in lower case."""
    text = 'In a statement on Friday, al-Nour said: "The ferries will keep running all winter."'
    assert _speakers(text) == ["al-Nour"]


def test_a_photo_credit_is_nobody_in_the_story() -> None:
    """'(Ben Tamm/Daily Star)' under a picture is the photographer, not whom 'she' means."""
    text = (
        "Ana Okafor runs the shelter on King Street.\n\nThe shelter opened in 2019. "
        "(Ben Tamm/Daily Star)\n\n"
        '"We just need more beds before the winter," she said.'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_role_of_an_organisation_is_one_description() -> None:
    """'one veteran of the port authority commented:' is that veteran, not 'the authority'."""
    text = (
        "The new terminal is two years late. As one veteran of the port authority commented: "
        '"I have never seen one finish ahead of schedule."'
    )
    assert _speakers(text) == ["one veteran of the port authority"]


def test_initials_do_not_end_a_sentence() -> None:
    """'scholar A.E. Ben Tamm' is one sentence: Tamm is named in passing, not its subject."""
    text = (
        "Sam Okafor said he had consulted the city lawyer and scholar A.E. Ben Tamm before "
        'signing. "I want to be clear about what the order does," he said.'
    )
    assert _speakers(text) == ["Sam Okafor"]


def test_the_subject_after_a_conjunction_and_an_opening_phrase() -> None:
    """'And in 2008, Ana Okafor …, when she …': Okafor is the subject 'she' goes back to."""
    text = (
        "Maria Tamm backed the plan. Tamm spoke first.\n\nAnd in 2008, Ana Okafor slammed the "
        "ferry plan and bragged about her father teaching her to sail when she was a girl. "
        '"The ferry is part of who we are," she said at the time.'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_person_after_of_is_still_a_person() -> None:
    """'supporters of Mark Tamm': a given name says person, though 'of' often leads to a place."""
    text = (
        "Hundreds of supporters of Mark Tamm filled the hall. Mayor Ben Okafor spoke first. "
        "Tamm blamed local officials on Twitter before the speech. "
        '"The council made all the wrong moves," he wrote.'
    )
    assert _speakers(text) == ["Mark Tamm"]


@pytest.mark.parametrize(
    "text",
    [
        "Sam Okafor, 30, of Brookfield, who was among the riders polled on the pier, said: "
        '"The ferries have never been this late."',
        '"The ferries have never been this late," Sam Okafor, a retired engineer who has taken '
        "the morning boat for twenty years and knows every deckhand, said on Friday.",
    ],
    ids=["before", "after"],
)
def test_a_long_aside_between_a_name_and_its_verb(text: str) -> None:
    """'Sam Okafor, 30, of Brookfield, who …, said': the name the aside follows speaks."""
    assert _speakers(text) == ["Sam Okafor"]


def test_a_dash_credit_under_a_quotation_names_its_speaker() -> None:
    """A quotation set off alone, then '—Ana Okafor, Brookfield.': Okafor's words."""
    text = (
        'Ben Tamm spoke first. "The ferry is late again," Tamm said.\n\n'
        '"We hear about the ferry all the time, and it needs to stop."\n\n'
        "—Ana Okafor, Brookfield."
    )
    assert _speakers(text) == ["Ben Tamm", "Ana Okafor"]


def test_a_surname_spelled_like_a_verb_still_speaks() -> None:
    """'Read said' after 'Ian Read' is Ian Read, not the verb 'read'."""
    text = (
        "In a call on Monday, chief executive Ian Read defended the merger.\n\n"
        '"We believe this deal is a great deal for shareholders," Read said.'
    )
    assert _speakers(text) == ["Ian Read"]


def test_the_issuer_of_a_statement_speaks_its_words() -> None:
    """'Immediately after the vote, Tamm issued a statement, “…”': Tamm's words."""
    text = (
        "Immediately after the vote, Ben Tamm issued a statement, "
        '"The ferries will keep running all winter, whatever the council decides."'
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_two_names_joined_by_and_both_speak() -> None:
    """'Ana Okafor and Ben Tamm wrote' is both of them, not only the second."""
    text = '"The ferries will keep running all winter," Ana Okafor and Ben Tamm wrote.'
    assert _speakers(text) == ["Ana Okafor and Ben Tamm"]


def test_one_of_a_party_is_a_description() -> None:
    """'said one Republican involved in the talks' is no 'Republican National Committee'."""
    text = (
        "The Republican National Committee met on Monday. "
        '"Fundraising is not a problem," said one Republican involved in the talks.'
    )
    assert _speakers(text) == ["one Republican"]


def test_a_participle_speaks_for_the_verb_before_it() -> None:
    """'Even a top strategist said …, saying, “…”': the strategist, not the opening name."""
    text = (
        "Alongside BLM calls for action, even a top GOP strategist said the mayor must choose, "
        'saying, "At some point, she will have to come out and say where she stands."'
    )
    assert _speakers(text) == ["a top GOP strategist"]


def test_a_name_set_off_after_a_company_is_who_speaks() -> None:
    """'at the security firm Fenwick, Sam Okafor, agreed': Okafor is 'he', not Fenwick."""
    text = (
        "Director of research at the security firm Fenwick, Mark Okafor, agreed with the "
        'finding.\n\n"We believe it is the same group," he confirmed.'
    )
    assert _speakers(text) == ["Mark Okafor"]


def test_adjectives_set_off_by_a_comma_stay_in_the_description() -> None:
    """'the lanky, bespectacled engineer said' is the engineer the article named."""
    text = (
        "Ben Tamm, the engineer behind the new bridge, walked the deck on Monday. "
        '"Nobody builds a bridge like this for that price," the lanky, bespectacled engineer '
        "said."
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_a_person_of_an_organisation_speaks_not_the_organisation() -> None:
    """'Ana Okafor of the Centre for Ferry Studies wrote': Okafor, not the centre."""
    text = (
        '"The ferries will keep running all winter," Ana Okafor of the Centre for Ferry '
        "Studies wrote in December."
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_the_topic_set_off_before_a_clause_is_its_pronoun() -> None:
    """'As for Tamm, he said he is not worried. “…”': Tamm, not the last speaker."""
    text = (
        '"We need to respect the voters," Sam Okafor said.\n\n'
        "As for Mark Tamm, he said he is not worried. "
        '"I think I will have the votes," he said.'
    )
    assert _speakers(text) == ["Sam Okafor", "Mark Tamm"]


def test_a_bare_quotation_after_a_paragraph_that_reports_speech() -> None:
    """A quotation set off alone after 'Tamm said he found a flat. He moved in on Monday.'"""
    text = (
        '"We need more beds," Ana Okafor said.\n\n'
        "For his part, Ben Tamm said he found a flat with the shelter's help. "
        "He moved in on Monday.\n\n"
        '"It feels warm. And nobody can bother you."'
    )
    assert _speakers(text) == ["Ana Okafor", "Ben Tamm"]


def test_the_author_of_a_document_speaks_its_words() -> None:
    """'according to a court document filed by prosecutor Ana Okafor': Okafor."""
    text = (
        '"The evidence cannot prove every element of the crime," according to a court '
        "document filed by state prosecutor Ana Okafor."
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_spokeswoman_for_a_committee_speaks_for_it() -> None:
    """'A spokeswoman for the Harbour Armed Patrol Committee emailed …, arguing, “…”'."""
    text = (
        "A spokeswoman for the Harbour Armed Patrol Committee emailed reporters the text of "
        'the law, arguing, "As you can see, the law says nothing of the kind."'
    )
    assert _speakers(text) == ["Harbour Armed Patrol Committee"]


def test_it_stands_for_an_organisation_without_an_org_word() -> None:
    """'Hydro North raised its rates. “…,” it said': the company, though no 'Inc.' says so."""
    text = (
        "Hydro North raised its rates on Monday. "
        '"The increase covers the cost of new lines," it said in a statement.'
    )
    assert _speakers(text) == ["Hydro North"]


def test_a_capitalised_particle_finds_the_full_name() -> None:
    """'said Van den Berg' at a sentence's start is Jan van den Berg."""
    text = 'Jan van den Berg runs the port. "The bridge is not safe," said Van den Berg.'
    assert _speakers(text) == ["Jan van den Berg"]


def test_a_wire_dateline_is_no_speaker() -> None:
    """'BROOKFIELD, June 3 (Wire) — …, saying, “…”': the town is where, not who."""
    text = (
        "BROOKFIELD, June 3 (Wire) — Ben Tamm, the ferry captain, addressed the crowd on "
        'Monday, saying, "We have to be ready for the storm."'
    )
    assert _speakers(text) == ["Ben Tamm"]


@pytest.mark.parametrize(
    "text",
    [
        'Gov. Mark Tamm spoke in Brookfield. "We will win this county," the governor of '
        "Westland said.",
        'Gov. Mark Tamm spoke in Brookfield. "We will win this county," said the governor '
        "from Westland.",
    ],
    ids=["of", "from"],
)
def test_a_role_of_a_place_is_the_role_not_the_place(text: str) -> None:
    """'the governor of Westland said' is the governor (Tamm), not Westland."""
    assert _speakers(text) == ["Mark Tamm"]


def test_it_after_a_described_organisation_is_that_organisation() -> None:
    """'“…,” the union said. “…,” it added.': the union both times, not no one."""
    text = (
        'The union met on Monday. "We will not back down," the union said. '
        '"We have the votes to strike," it added.'
    )
    assert _speakers(text) == ["the union", "the union"]


def test_a_title_abbreviation_ends_no_sentence() -> None:
    """'Const. Ana Okafor said' is one sentence with the quotation before it."""
    text = 'Police arrested two men. "The investigation is ongoing," Const. Ana Okafor said.'
    assert _speakers(text) == ["Ana Okafor"]


def test_they_after_two_people_who_spoke_is_both() -> None:
    """'… owners Ana Okafor and Ben Tamm said they … “…,” they said.': the two of them."""
    text = (
        "In a statement, the owners Ana Okafor and Ben Tamm said they respected the vote.\n\n"
        '"Our priority is a safe workplace," they said.'
    )
    assert _speakers(text) == ["Ana Okafor and Ben Tamm"]


def test_a_delegate_is_a_person_he_may_stand_for() -> None:
    """'courtesy of Wes Tamm, a delegate from Westland who …': Tamm is 'he'."""
    text = (
        "Mark Okafor spoke for an hour. The mayor made an appearance of sorts, courtesy of "
        "Wes Tamm, a delegate from Westland who dressed up as her.\n\n"
        '"I thought it would be funny," he said.'
    )
    assert _speakers(text) == ["Wes Tamm"]


def test_her_brother_is_not_she() -> None:
    """'Her brother Sam' is a man: 'she' goes back to Noor Haddad."""
    text = (
        "Noor Haddad opened the bakery in 2019. Her brother Sam runs the ovens. "
        '"We sell out every morning," she said.'
    )
    assert _speakers(text) == ["Noor Haddad"]


def test_a_front_runner_before_a_name_is_a_role() -> None:
    """'Democratic front-runner Ana Okafor was the first …': Okafor is the subject 'she' means."""
    text = (
        "Westland Democratic Party leaders met on Friday. Democratic front-runner Ana Okafor "
        'was the first to weigh in. "Proud of my friend the governor," she wrote.'
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_a_capitalised_job_title_is_cut_from_the_name() -> None:
    """'Campaign Manager Sam Okafor' is Sam Okafor."""
    text = 'Campaign Manager Sam Okafor spoke on Monday. "We will win," Okafor said.'
    assert _speakers(text) == ["Sam Okafor"]


def test_a_share_of_people_speaks_as_a_description() -> None:
    """'21 percent said “not too likely” and 14 percent said “…”': each share its own words."""
    text = (
        "Voters were asked how likely Ana Okafor was to win, to which 21 percent said "
        '"not too likely" and 14 percent said "not at all likely."'
    )
    assert _speakers(text) == ["21 percent", "14 percent"]


def test_a_crowd_chanting_speaks_its_chant() -> None:
    """'Hundreds of ferry workers chanted “…”': the workers' words."""
    text = 'Outside the hall, hundreds of ferry workers chanted "no contract, no sailing."'
    assert _speakers(text) == ["hundreds of ferry workers"]


def test_a_question_then_a_capitalised_pronoun_starts_a_new_sentence() -> None:
    """'… responded: “What difference does it make?” Her critics cited it …': Okafor's."""
    text = (
        'Ana Okafor, exasperated, responded: "What difference does it make?" Her critics '
        "cited it as evidence that she did not care."
    )
    assert _speakers(text) == ["Ana Okafor"]


def test_mentioned_and_cited_are_speech_verbs() -> None:
    """'Tamm mentioned the report. “Does that not speak to your judgment?”' is Tamm's."""
    text = (
        "Ben Tamm seemed taken aback and mentioned that the photo was on the website. "
        '"Does that not speak to your judgment in any way?"'
    )
    assert _speakers(text) == ["Ben Tamm"]


def test_a_name_before_a_role_noun_is_no_antecedent() -> None:
    """'at least one Mark Okafor supporter': Okafor is no one 'he' stands for here."""
    text = (
        "Ben Tamm practises law in Ripley. The town is home to at least one Mark Okafor "
        'supporter.\n\n"The politics are just so blatant," he said.'
    )
    assert _speakers(text) == ["Ben Tamm"]
