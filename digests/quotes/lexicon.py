"""Small word lists behind the attribution rules (speech cues, titles, roles, organisations)."""

from __future__ import annotations

import re
from typing import Final


def _forms(words: str) -> set[str]:
    """Regular inflections of speech verbs: say-s, add-ed, note-d, argu-ing, …"""
    out: set[str] = set()
    for w in words.split():
        out.add(w)
        stem = w[:-1] if w.endswith("e") else w
        out.add(w + "es" if w.endswith(("sh", "ch", "s", "x")) else w + "s")
        if w.endswith("y") and w[-2] not in "aeiou":
            out.update({w[:-1] + "ied", w[:-1] + "ies"})
        else:
            out.add(stem + "ed")
        out.add(stem + "ing")
    return out


_REGULAR: Final = """add ask explain note state argue claim declare insist continue recall respond reply joke
warn urge acknowledge admit announce concede caution complain describe emphasize emphasise stress
suggest tweet post quip shout yell exclaim report remark observe conclude predict promise vow boast
lament maintain counter contend agree testify laugh sigh recount reflect wonder muse mutter whisper
scream plead demand confirm deny assert allege charge accuse blast slam criticize criticise praise
reveal disclose estimate proclaim repeat reiterate clarify hint worry explain elaborate interject
chime caution answer question inform assure advise reason retort snap gush rave marvel pledge
reassure affirm instruct remind recommend summarize summarise describe label dub bark roar scoff
growl hiss murmur stammer interrupt chuckle cry thunder beam retaliate chant mention cite echo
""".replace("\n", " ")
_IRREGULAR: Final = """said say says saying told tell tells telling wrote write writes writing written
thought felt knew put read went quoth quipped quipping snapped snapping admitted admitting
spoke spoken sang sung sing sings singing commented surmised opined called calls calling expressed expresses expressing shot fired remembered""".split()

CUE_VERBS: Final = frozenset(_forms(_REGULAR) | set(_IRREGULAR))
# Cues that name where a report came from rather than who spoke; used only when nothing better.
REPORT_CUES: Final = frozenset({"report", "reports", "reported", "according"})
# Verbs that need an object to be a cue (put it, went on, read a statement): accepted only when
# they sit next to a quotation.
WEAK_CUES: Final = frozenset(
    {
        "put",
        "went",
        "read",
        "thought",
        "felt",
        "knew",
        "continued",
        "continues",
        "shot",
        "fired",
        "remembered",
    }
)

PRONOUNS: Final = frozenset({"he", "she", "it", "they", "i", "we", "you"})
PERSONAL: Final = frozenset({"he", "she"})

# Titles that precede a name and are not part of it (stripped from speaker names).
TITLES: Final = frozenset(
    """mr mr. mrs mrs. ms ms. dr dr. prof prof. professor sir dame lord lady rev rev. father
    president vice mayor deputy councillor councilor coun. coun senator sen sen. rep rep.
    representative gov gov. governor premier minister prime secretary chief judge justice
    officer detective det. det const. constable sgt sgt. sergeant lt lt. lieutenant capt capt.
    captain gen gen. general col col. colonel cmdr commander admiral coach chairman chairwoman
    chair ceo founder director dean principal superintendent supt supt. inspector insp. chancellor
    king queen prince princess pope cardinal bishop rabbi imam pastor ambassador commissioner
    trustee alderman sheriff attorney speaker leader mp mpp mla mep candidate nominee
    spokesperson spokesman spokeswoman economist analyst former then- rival fellow billionaire
    businessman businesswoman editor reporter columnist host anchor correspondent editor-in-chief
    manager adviser advisor aide strategist pollster
    """.split()
)

# Nouns that describe a speaker ("the official", "a city spokesperson").
ROLE_NOUNS: Final = frozenset(
    """official officials spokesperson spokesman spokeswoman spokespeople leader president mayor
    premier minister secretary senator governor chief director manager executive ceo chairman
    chairwoman chair judge justice officer detective sergeant constable captain lieutenant general
    commander coach professor researcher scientist expert analyst economist engineer lawyer
    attorney doctor physician nurse teacher principal student resident residents neighbour
    neighbor witness owner founder president-elect candidate nominee councillor councilor
    representative ambassador diplomat source sources adviser advisor aide spokesman head
    organizer organiser activist author writer critic historian dean inspector superintendent
    commissioner sheriff prosecutor defender mother father parent son daughter wife husband
    woman man friend colleague worker employee driver pilot agent veteran victim survivor
    chancellor king queen prince pope bishop pastor rabbi imam speaker member members
    legislator lawmaker lawmakers congressman congresswoman politician strategist pollster
    economist consultant observer observers player players manager star captain
    delegate voter supporter protester volunteer donor staffer operative surrogate
    farmer firefighter soldier tenant homeowner grandmother grandfather brother sister uncle
    aunt cousin entrepreneur investor artist musician actor actress singer comedian journalist
    blogger pundit commentator hopeful front-runner frontrunner contender challenger incumbent
    opponent ally backer
    """.split()
)
# Heads of descriptions that name a document or thing, not a speaker ("the report said"): never
# resolved to a person or organisation, but a speaker when nothing better is known.
DOCUMENTS: Final = frozenset(
    """report study statement data poll survey document letter memo release website article
    paper book bill law ruling decision agreement plan proposal complaint lawsuit filing post
    tweet message note sign notice email text video ad advertisement show film song label
    website page policy rule guide guidelines analysis review budget forecast""".split()
)
# Roles of people an article quotes without naming them: "the spokesman said" after a named
# minister is the minister's spokesman, not the minister.
UNNAMED_ROLES: Final = frozenset(
    """spokesperson spokesman spokeswoman spokespeople source aide adviser advisor official""".split()
)
ORG_NOUNS: Final = frozenset(
    """company firm agency ministry department government police council committee commission
    board group organization organisation university college school hospital union party campaign
    team city county province state administration office bank court army military service
    network newspaper station association institute foundation club league church
    """.split()
)
# Words that make a capitalised name an organisation rather than a person.
ORG_WORDS: Final = frozenset(
    """house agency ministry department inc inc. corp corp. co co. company council police service
    services university college association party committee office government commission court
    bank board group institute foundation union federation network news times post journal
    press reuters ap afp xinhua cnn bbc cbc ctv nbc abc cbs fox msnbc tass kremlin pentagon
    administration campaign authority authorities hospital school center centre club league
    society trust fund coalition alliance organization organisation ltd ltd. llc plc
    corporation industries airlines bureau agency force forces army navy embassy parliament
    congress senate assembly legislature cabinet commons tribune herald globe star mail telegraph
    guardian chronicle gazette magazine radio tv television channel studio studios team
    tower hotel courier images wire photography computer computers systems technologies motors
    pharmaceuticals holdings partners labs communications entertainment""".split()
)
NEWS_WORDS: Final = frozenset(
    "news agency press reuters ap afp xinhua tass cnn bbc cbc ctv newspaper times post".split()
)
# Capitalised words that begin sentences or name dates/places rather than speakers.
NOT_NAMES: Final = frozenset(
    """the a an but and or so yet he she it they we i you his her their its our this that these
    those there here then now when while if as in on at by for from with without after before
    during under over into about since until despite although though however meanwhile also
    still even just only last next first monday tuesday wednesday thursday friday saturday
    sunday january february march april may june july august september october november
    december today yesterday tomorrow earlier later what why how where who which some many
    most more several both each every all no not one two three four five six seven eight nine
    ten mr mrs ms dr according asked speaking photo advertisement watch related update instead
    story continues below sign ms. mr. mrs. dr. st. across among around between against
    """.split()
)
# Words that may sit between a subject and its cue ("Smith also said", "she has repeatedly said").
BETWEEN: Final = frozenset(
    """also later then has had have was were is are previously once recently earlier simply
    reportedly would will could might can did does do later again quickly finally further
    publicly privately repeatedly often frequently always never flatly bluntly angrily calmly
    quietly told just recently initially originally already has since still only""".split()
)
# Name particles ("Jan van den Berg", "Maria de la Cruz", "Omar al Rashid"); several may follow
# one another before the capitalised part of a surname.
CONNECTORS: Final = frozenset(
    """de del der den van von ter ten bin bint al el da du la las los le di della dos das ibn ben
    abu st. mc y zu""".split()
)
# Capitalised words that open a sentence without being a name, though a name may follow them:
# adverbs, prepositions, determiners, imperatives ("Meanwhile Smith", "Unlike Jones",
# "See Sexton’s timeline", "Neither Johnson nor …"). Speech verbs and long "-ing"/"-ly" words
# count too (see names.opens_sentence).
OPENERS: Final = frozenset(
    """unlike like despite amid amidst among per via alongside beside atop aboard versus
    following including regarding concerning
    beyond besides behind toward towards within upon throughout except near outside inside
    unless whether once because although though whereas to of off out up down through
    meanwhile indeed perhaps maybe afterward afterwards instead otherwise nonetheless
    nevertheless moreover furthermore additionally similarly likewise finally eventually
    ultimately currently recently previously originally initially separately elsewhere overall
    already again even ever never always often sometimes soon thus hence therefore accordingly
    notably specifically importantly interestingly unfortunately fortunately clearly obviously
    apparently reportedly allegedly ironically sadly tellingly wait see watch listen look let
    please another neither either every each any such other both many few much several most
    former only not no yes well oh photo photos credit courtesy file""".split()
)
# Dates that follow a name without being part of it ("said Pence Thursday").
DATE_WORDS: Final = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    july september october november december""".split()
)

WORD: Final[re.Pattern[str]] = re.compile(r"[^\W_](?:[\w’'.\-]*[^\W_])?|[^\w\s]")

# Roles and titles that say whether "he" or "she" stands for a name ("her father Khaled").
MALE_ROLES: Final = frozenset(
    """father husband son man mr mr. king prince congressman businessman boyfriend brother
    uncle grandfather""".split()
)
FEMALE_ROLES: Final = frozenset(
    """mother wife daughter woman mrs mrs. ms ms. queen princess congresswoman businesswoman
    girlfriend sister aunt grandmother actress""".split()
)
GENDERED: Final = MALE_ROLES | FEMALE_ROLES

# Common given names by usual gender, so that "she" does not pick "Rob Fleming" (a small list:
# names not in it are compatible with either pronoun).
FEMALE: Final = frozenset(
    """mary patricia jennifer linda elizabeth barbara susan jessica sarah karen nancy lisa betty
    margaret sandra ashley kimberly emily donna michelle dorothy carol amanda melissa deborah
    stephanie rebecca sharon laura cynthia kathleen amy shirley angela helen anna brenda pamela
    nicole emma samantha katherine christine debra rachel catherine carolyn janet ruth maria
    heather diane virginia julie joyce victoria olivia kelly christina lauren joan evelyn judith
    megan cheryl andrea hannah martha jacqueline frances gloria ann teresa kathryn sara janice
    alice madison doris abigail julia judy grace denise amber marilyn beverly danielle
    theresa sophia marie diana brittany natalie isabella charlotte rose alexis kayla hillary
    nadia chrystia jody wendy moyra marie cindy tatiana erin caroline claire jane lena priya
    kathleen nikki elise ellen sheila louise fiona jill joanne leah naomi meng mona susanne
    kristen kirsten melanie monica yvonne nathalie sylvie genevieve isabelle chantal francine
    carla elena sofia lucia ana""".split()
)
MALE: Final = frozenset(
    """james robert john michael william david richard joseph thomas charles christopher daniel
    matthew anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy
    ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin
    scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis jerry
    tyler aaron jose adam nathan henry douglas zachary peter kyle noah ethan jeremy walter
    christian keith roger terry austin sean gerald carl harold dylan arthur lawrence jordan
    jesse bryan billy bruce gabriel joe logan albert willie alan eugene russell vincent philip
    bobby johnny bradley roy ralph randy louis harry wayne howard fred doug tom bill mike jim
    bob rob dave dan steve ken ted ben tony greg andy chris jeff tim ron don nick matt
    jean-pierre pierre francois marc luc andre yves guy jacques rick ricky elon hamish darrin
    hiram mamadou navdeep marco andrew justin vladimir alexei donald barack ted marco bernie
    mitt newt rand jeb ben""".split()
)
