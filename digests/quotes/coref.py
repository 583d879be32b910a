"""Resolving a speaker mention (pronoun, description, surname) to the name it stands for."""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

from digests.quotes import lexicon as lx
from digests.quotes import names as nm
from digests.quotes.attribution import Mention
from digests.quotes.names import Entity

_ING_CUES: Final = frozenset(w for w in lx.CUE_VERBS if w.endswith("ing"))
# Every word `add_sentence` asks whether a sentence holds: one C-level intersection with the
# sentence finds them all (hashing each word once), and the questions then go to that small set
# instead of each scanning the sentence again.
_LOOKED_FOR: Final = _ING_CUES | lx.PERSONAL | lx.ROLE_NOUNS | {"a", "an", "and"}
# Words after a capitalised word that may carry its name on ("Jean de la", "U.S.", "Bank of").
_RUN_GOES_ON: Final = lx.CONNECTORS | {"of", "for", "."}
_new = tuple.__new__
# How many sentences back a pronoun or description may find its referent.
_WINDOW: Final = 6
# Words before a name that make it a place ("in San Jose", "near Kelso").
_PLACE_BEFORE: Final = frozenset("in near across throughout outside inside".split())
# Things a person issues: "her statement read", "his office said" stand for that person.
_ISSUED: Final = frozenset("statement office post letter email tweet release website".split())


@lru_cache(maxsize=4096)
def _bare(name: str) -> tuple[str, list[str]]:
    """A name without its titles, and its words (memoised: speakers recur in an article)."""
    bare = nm.strip_titles(nm.after_titles(name))
    return bare, bare.split()


def _particles_lowered(words: list[str]) -> list[str]:
    """Name particles in lower case: "Van den Berg" at a sentence's start is "van den Berg"."""
    return [w.lower() if w.lower() in lx.CONNECTORS else w for w in words]


class Registry:
    """The names an article introduces, in order, with the roles attached to them."""

    def __init__(self) -> None:
        # Capitalised runs are recorded as they come, but turned into entities only when a
        # question about the names needs them (most never do): each entity depends on its own
        # sentence alone, so the answers are those of recording every name up front.
        # (texts, lowered texts, start, i, j, sentence, lead, subject of a cue) of sentence[i:j]
        self._runs: list[tuple[list[str], list[str], int, int, int, int, bool, bool]] = []
        self._run_sentences: list[int] = []  # each run's sentence, for bisecting a window
        self._entity_of: dict[int, Entity | None] = {}  # run -> its entity, once made
        self._pending: dict[str, list[int]] = {}  # word a run's name may hold -> unmade runs
        self._pending_long: dict[str, list[int]] = {}  # the same for runs of two words or more
        self.anonymous: list[tuple[int, str]] = []  # (start, head) of "a senior official"
        # Names of two or more words by each of their words, in article order, so that a lone
        # surname finds its full name without scanning every mention.
        self._by_word: dict[str, dict[str, list[int]]] = {}  # word -> full name -> starts
        self._kinds: dict[str, set[str]] = {}
        # Last words of names the article shows to be people: speakers of a cue ("Lonechild
        # said"), names with a title or a role ("Mayor Ana Okafor", "Jane Smith, the engineer,").
        self._people: set[str] = set()
        self._pronouns: dict[int, set[str]] = {}  # sentence -> personal pronouns in it
        # Sentences whose subject is two people ("Tore Sohlberg and Lehla Abreder said"):
        # sentence -> where the two names start in it, for "they".
        self._pairs: dict[int, tuple[int, int]] = {}
        # Capitalised words seen inside sentences: a capital at a sentence's start proves nothing.
        self._mid_caps: set[str] = set()
        self._full_names: dict[int, str] = {}
        self._said: set[int] = set()  # starts of names a speech verb is about ("X said")
        self._modifiers: set[int] = set()  # starts of names before a role noun ("Trump aide")
        self._places: set[str] = set()  # names the article puts a place word before ("in X")
        self._confirmed: set[str] = set()  # last words of names a cue, title or role confirm
        # Names a gendered role or title marks ("her father Khaled", "Mrs. Cook"): the names
        # as mentioned, so that "Megda Belkacemi" is not "he" for her father's "Khaled".
        self._gender: dict[str, str] = {}  # name -> "he" | "she"

    def add_sentence(
        self,
        text: list[str],
        words: list[str],
        starts: list[int],
        index: int,
        caps: list[int] | None = None,
    ) -> None:
        """Record the names (and indefinite role descriptions) of one sentence.

        `text` holds the sentence's token texts (a quotation stands as QUOTE_TEXT), `words` the
        same lowercased, `starts` their offsets; `caps`, when given, the indexes of the tokens
        that start with a capital. The lists are kept, not copied.
        """
        if caps is None:
            caps = [k for k, t in enumerate(text) if t[:1].isupper()]
        # Runs start at capitals other than "The", "He", ... (run_end would stop there at once).
        # Openers never start a name, even where a quotation hid the sentence's end from us
        # ('… could go." Neither Johnson nor Weld …').
        caps = [i for i in caps if words[i] not in lx.NOT_NAMES and words[i] not in lx.OPENERS]
        lead_at = nm.lead_index(text, words) if caps else 0
        hits = _LOOKED_FOR.intersection(words)
        if caps and "and" in hits:
            pair = nm.pair_at(text, words)
            if pair is not None:
                self._pairs[index] = (pair[0], pair[2])
        # "Meanwhile Smith", "Knowing Smith": no name starts at the opening word, unless the
        # article shows it capitalised inside a sentence too ("Sterling" as a given name).
        if (
            caps
            and caps[0] < lead_at
            and nm.opens_sentence(words[caps[0]])
            and text[caps[0]] not in self._mid_caps
        ):
            caps = caps[1:]
        # The subject of a sentence with a speech cue is taken to be a person (or organisation).
        # ("Xi ..., telling Biden that ..."); a run's last field.
        cued = not _ING_CUES.isdisjoint(hits)
        pronouns = lx.PERSONAL.intersection(hits)
        if pronouns:
            self._pronouns.setdefault(index, set()).update(pronouns)
        # An indefinite description needs a role noun: most sentences have none.
        if ("a" in hits or "an" in hits) and not lx.ROLE_NOUNS.isdisjoint(hits):
            for k in [k for k, word in enumerate(words[:-1]) if word == "a" or word == "an"]:
                head = nm.head_after(text, k + 1)
                if head:
                    self.anonymous.append((starts[k], head))
        after = 0
        n = len(text)
        # Bound once: this loop runs for every capitalised word of the article.
        runs, run_sentences, pending = self._runs, self._run_sentences, self._pending
        for i in caps:
            if i < after:
                continue
            word = text[i]
            if i + 1 == n or (not text[i + 1][:1].isupper() and words[i + 1] not in _RUN_GOES_ON):
                # The usual one-word name: nothing after it can extend the run (nm.run_end).
                run_end = i + 1
            else:
                run_end = nm.run_end(text, i, words)
                if run_end == i:
                    continue
            if run_end < n and text[run_end] == "/" and i and text[i - 1] == "(":
                # "(Ana Okafor/CBC)": a photo credit names who took a picture, not anyone in
                # the story.
                after = run_end
                continue
            run = len(runs)
            runs.append(
                (text, words, starts[i], i, run_end, index, i == lead_at, cued and i == lead_at)
            )
            run_sentences.append(index)
            after = run_end
            if run_end == i + 1 and "’s" not in word and "'s" not in word:
                # A one-word name: its one key is the word itself (see nm.name_words).
                if i > lead_at:
                    self._mid_caps.add(word)
                pending.setdefault(word, []).append(run)
                continue
            if i > lead_at:
                self._mid_caps.update(text[i:run_end])
            keys, long = nm.name_words(text, i, run_end)
            for key in keys:
                pending.setdefault(key, []).append(run)
                if long:
                    self._pending_long.setdefault(key, []).append(run)

    @property
    def entities(self) -> list[Entity]:
        """Every name recorded so far, in article order."""
        self._make(range(len(self._runs)))
        return [e for e in map(self._entity_of.get, range(len(self._runs))) if e is not None]

    def _need(self, word: str, long: bool = False) -> None:
        """Make the entities of every run whose name may contain this word.

        `long`: only runs whose name may have two words or more (all that _by_word holds).
        """
        runs = (self._pending_long if long else self._pending).pop(word, None)
        if runs:
            self._make(runs)

    def _make(self, runs: Iterable[int]) -> None:
        for run in runs:
            if run in self._entity_of:
                continue
            self._entity_of[run] = None
            text, words, start, i, run_end, index, lead, subject = self._runs[run]
            entity = nm.entity(text, start, i, run_end, index, lead, words)
            if entity is None:
                continue
            if nm.speaks(text, i, run_end, words):
                self._said.add(entity.start)
            elif (
                run_end < len(words) and words[run_end] in lx.ROLE_NOUNS and text[run_end].islower()
            ):
                # "a Donald Trump supporter", "Clinton aides": the name only modifies the noun.
                self._modifiers.add(entity.start)
            if i and words[i - 1] in _PLACE_BEFORE:
                self._places.add(entity.name)
            confirmed = entity.kind != "org" and (
                subject or nm.person_context(text, i, run_end, words)
            )
            if confirmed:
                self._confirmed.add(entity.name.split()[-1])
                name, _, start, sentence, lead, _, roles = entity
                entity = _new(Entity, (name, "person", start, sentence, lead, False, roles))
            self._entity_of[run] = entity
            if entity.roles and not entity.roles.isdisjoint(lx.GENDERED):
                he = not entity.roles.isdisjoint(lx.MALE_ROLES)
                if he != (not entity.roles.isdisjoint(lx.FEMALE_ROLES)):
                    self._gender[entity.name] = "he" if he else "she"
            self._add(entity, confirmed)

    def _add(self, entity: Entity, confirmed: bool) -> None:
        self._kinds.setdefault(entity.name, set()).add(entity.kind)
        words = entity.name.split()
        given = words[0].lower()
        known = (
            confirmed
            or entity.roles
            or given in lx.FEMALE
            or given in lx.MALE
            or (entity.lead and len(words) > 1)
        )
        if entity.kind == "person" and known:
            self._people.add(words[-1])
        if len(words) > 1:
            for word in set(words):
                names = self._by_word.setdefault(word, {})
                # Entities are made out of article order: keep each list sorted for bisecting.
                insort(names.setdefault(entity.name, []), entity.start)

    def _is_person(self, word: str) -> bool:
        """True when some name ending in this word is shown to be a person's."""
        self._need(word)
        return word in self._people

    def canonical(self, name: str, before: int, pronoun: str = "") -> str:
        """A surname, given name or shortened form mapped to the full name introduced earlier.

        `pronoun` ("he", "she"), when given, leaves out full names it cannot stand for: "she"
        after "Clinton" is Hillary Clinton, though Bill Clinton was named since.
        """
        name, tokens = _bare(name)
        if not tokens:
            return name
        # A person's name ending in the words ("Trump" -> "Donald Trump") before any other name
        # holding them ("Trump Tower", "Trump University"); then the one mentioned latest before
        # the mention, else the first one after it.
        best: tuple[int, int, int, str] | None = None  # (fit, before?, start or -start, name)
        n = len(tokens)
        candidates = self._names_with(tokens[0])
        if tokens[0].lower() in lx.CONNECTORS:
            # "Van den Berg" and "van den Berg", "Al Rashid" and "al Rashid" are one name.
            tokens = _particles_lowered(tokens)
            candidates = {
                **self._names_with(tokens[0]),
                **self._names_with(tokens[0].capitalize()),
            }
        for full, starts in candidates.items():
            words = full.split()
            if tokens[0] in lx.CONNECTORS:
                words = _particles_lowered(words)
            if len(words) <= n or not nm.contains(words, tokens):
                continue
            if pronoun and (
                words[-n:] != tokens
                or len(words) > 4
                or self._kinds.get(full, ()) != {"person"}
                or not self._gender_of_fits(full, pronoun)
            ):
                continue  # only people whose name ends in the words can be "he" or "she"
            fit = 2 * ("org" not in self._kinds.get(full, ())) + (words[-n:] == tokens)
            k = bisect_left(starts, before)
            key = (fit, 1, starts[k - 1], full) if k else (fit, 0, -starts[0], full)
            if best is None or key > best:
                best = key
        return best[3] if best is not None else name

    def _names_with(self, word: str) -> dict[str, list[int]]:
        """Full names (two words or more) holding the word, with their mentions' starts."""
        self._need(word, long=True)
        return self._by_word.get(word, {})

    def kind_of(self, name: str) -> str:
        """person, org or other, as the article's mentions of that name suggest."""
        words = name.split()
        if words:
            self._need(words[0])
        kinds = self._kinds.get(name, set())
        if "org" in kinds:
            return "org"
        if "person" in kinds or self._is_person(words[-1]):
            return "person"
        return "other"

    def resolve(self, mention: Mention, sentence: int, last: str | None) -> str | None:
        """The name a mention refers to, or None when the article does not say."""
        if mention.kind == "name":
            return self.canonical(mention.text, mention.start)
        if mention.kind == "pronoun":
            if mention.text in lx.PERSONAL:
                return self._salient(mention.text, mention.start, sentence, last)
            if mention.text == "they":
                pair = self._pair_before(sentence)
                if pair is not None:
                    return pair
            if mention.text in ("it", "they"):
                return self._salient(mention.text, mention.start, sentence, None)
            return None
        words = mention.text.lower().split()
        for k, word in enumerate(words[1:], 1):
            if word in ("of", "from", "for") and words[k - 1] in lx.ROLE_NOUNS:
                words = words[:k]  # "the senator from Vermont": the senator
                break
        head = words[-1]
        if words[0] in ("his", "her", "its", "their") and head in _ISSUED:
            pronoun = {"his": "he", "her": "she"}.get(words[0], "it")
            return self._salient(pronoun, mention.start, sentence, last)
        if mention.indefinite or head in lx.DOCUMENTS or words[0] not in ("the", "this", "that"):
            return None
        if head.endswith("s") and head not in ("boss", "witness", "actress", "hostess"):
            return None
        if head in lx.ORG_NOUNS and head not in lx.ROLE_NOUNS:
            return self._salient("it", mention.start, sentence, None)
        # The latest person with that role, unless the previous speaker has it too: "the
        # minister said" after Freeland spoke is Freeland, though a Prime Minister came since.
        latest: str | None = None
        for run in range(len(self._runs) - 1, -1, -1):
            _, low, start, i, j = self._runs[run][:5]
            if start >= mention.start:
                continue  # its entity would start there too: not before the mention
            if head not in low[max(0, i - 8) : j + 10]:
                continue  # no role word that near (see _entity): head cannot be among its roles
            self._make((run,))
            e = self._entity_of.get(run)
            if e is not None and e.kind == "person" and head in e.roles:
                name = self.canonical(e.name, e.start)
                if last is None or name == last:
                    return name
                latest = latest or name
        if latest is not None:
            return latest
        if head in lx.UNNAMED_ROLES or any(
            s < mention.start and h == head for s, h in self.anonymous
        ):
            # "the spokesman": someone the article does not name, not the person nearby.
            return None
        return self._salient("", mention.start, sentence, last)

    def _salient(self, pronoun: str, before: int, sentence: int, last: str | None) -> str | None:
        """The name a pronoun most likely stands for.

        This sentence's subject; else, in the closest sentence back with a fitting name, its
        subject, else whoever a speech verb there is about ("Trump adviser Jason Miller said in
        a statement"), else its first name — unless that sentence holds the same pronoun, whose
        referent is then further back ("He finished behind Ted Cruz. “…,” he said." is not Cruz);
        else the previous quote's speaker.
        """
        want = "org" if pronoun in ("it", "they") else "person"
        here = self._fitting(sentence, pronoun, before, lead_only=True)
        if here:
            return self._named(here[0].name, here[0].start, pronoun)
        other: Entity | None = None
        for back in range(sentence - 1, sentence - _WINDOW - 1, -1):
            found = self._fitting(back, pronoun, before)
            if found:
                pick = next((e for e in found if e.lead), None) or next(
                    (e for e in found if e.start in self._said), None
                )
                if pick is None and pronoun in self._pronouns.get(back, ()):
                    # "He nodded to his finish behind Ted Cruz.": the same "he" again, so the
                    # names in passing there are someone else; look further back.
                    other = other or found[0]
                    continue
                pick = pick or found[0]
                return self._named(pick.name, pick.start, pronoun)
            if pronoun and pronoun not in self._pronouns.get(back, set()) and back < sentence - 2:
                break
        if (
            last is not None
            and (want == "org") == (self.kind_of(last) == "org")
            and self._gender_fits(last, pronoun)
            and self._gender.get(last, pronoun) == pronoun
        ):
            return last
        return self._named(other.name, other.start, pronoun) if other is not None else None

    def _pair_before(self, sentence: int) -> str | None:
        """ "A and B", when a sentence just before has two people as its subject ("they")."""
        for back in range(sentence, sentence - 3, -1):
            pair = self._pairs.get(back)
            if pair is not None:
                i, k = pair
                lo = bisect_left(self._run_sentences, back)
                hi = bisect_right(self._run_sentences, back, lo)
                names = []
                for r in range(lo, hi):
                    if self._runs[r][3] in (i, k):
                        self._make((r,))
                        e = self._entity_of.get(r)
                        if e is not None and e.kind == "person":
                            names.append(self.canonical(e.name, e.start))
                if len(names) == 2:
                    return f"{names[0]} and {names[1]}"
        return None

    def _named(self, name: str, start: int, pronoun: str) -> str:
        """The full name of a mention a pronoun stands for: the usual one, unless the pronoun
        rules it out and another person of that surname fits ("Clinton … she")."""
        full = self.canonical(name, start)
        if pronoun in lx.PERSONAL and not self._gender_of_fits(full, pronoun):
            other = self.canonical(name, start, pronoun)
            if len(other.split()) > 1:
                return other
        return full

    def _gender_of_fits(self, name: str, pronoun: str) -> bool:
        """True unless the name's gendered role or given name rules the pronoun out."""
        gender = self._gender.get(name)
        if gender is not None:
            return gender == pronoun
        return self._gender_fits(name, pronoun)

    @staticmethod
    def _gender_fits(name: str, pronoun: str) -> bool:
        given = name.split(None, 1)[0].lower() if name else ""
        if pronoun == "he":
            return given not in lx.FEMALE
        if pronoun == "she":
            return given not in lx.MALE
        return True

    def _fitting(
        self, sentence: int, pronoun: str, before: int, lead_only: bool = False
    ) -> list[Entity]:
        """The names of one sentence, before a position, that the pronoun may refer to."""
        # Runs are recorded in article order: a sentence's runs are one slice. A run's entity
        # starts where the run does, so runs from `before` on need not be made at all.
        lo = bisect_left(self._run_sentences, sentence)
        hi = bisect_right(self._run_sentences, sentence, lo)
        runs = [r for r in range(lo, hi) if self._runs[r][2] < before]
        self._make(runs)
        return [
            e
            for e in map(self._entity_of.get, runs)
            if e is not None
            and (e.lead or not lead_only)
            and e.start not in self._modifiers
            and self._fits(e, pronoun)
        ]

    def _full(self, e: Entity) -> str:
        """The full name of an entity's mention, memoised (asked for each pronoun nearby)."""
        full = self._full_names.get(e.start)
        if full is None:
            full = self._full_names[e.start] = self.canonical(e.name, e.start)
        return full

    def _fits(self, e: Entity, pronoun: str) -> bool:
        if pronoun == "they":
            return e.kind == "org"
        if pronoun == "it":
            # An organisation, or a name the article shows neither as a person nor as a
            # place ("Hydro One raised its rates. … it said").
            given = e.name.split()[0].lower()
            return e.kind == "org" or (
                e.lead
                and not e.roles
                and e.name not in self._places
                and given not in lx.MALE
                and given not in lx.FEMALE
                and e.name not in self._gender
            )
        # Only names the article shows to be people (a lone surname counts through its full
        # name): "he" is never "Kinder Morgan" or "Christmas Day".
        if e.kind == "org":
            return False
        full = self._full(e).split()
        if len(full) == 1 and e.weak and full[0] not in self._mid_caps:
            return False
        if e.kind == "org" or (
            not self._is_person(full[-1]) and not self._is_person(e.name.split()[-1])
        ):
            return False
        if (e.name in self._places or " ".join(full) in self._places) and not (
            full[-1] in self._confirmed or e.name.split()[-1] in self._confirmed
        ):
            # "in San Jose" elsewhere, and never "San Jose said": a place, not a person.
            return False
        gender = self._gender.get(e.name)
        if gender is not None:
            return gender == pronoun
        if pronoun not in lx.PERSONAL or self._gender_of_fits(" ".join(full), pronoun):
            return True
        # Another full name with that surname may fit: "Clinton … she" after Bill Clinton.
        other = self.canonical(e.name, e.start, pronoun)
        return len(other.split()) > 1 and other != " ".join(full)
