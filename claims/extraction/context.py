"""Make atomic statements stand alone: replace "this meeting", "the two nations", "the country",
"the region", a leading "he"/"she" and bare surnames with what they refer to in the article.

A :class:`Resolver` is fed every sentence of one article in reading order (:meth:`Resolver.observe`)
and resolves each statement against what came before it (:meth:`Resolver.resolve`). When the
article does not make a referent clear (no candidate, or two), the wording is left alone and the
result is marked ``ambiguous``. All work is proportional to the sentence or statement at hand plus
a short look-back, so a whole article costs linear time.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .entities import OFFICE_WORDS
from .records import Entity, Replacement, Statement
from .text import is_heading

# Country names (and common aliases) -> canonical name.
_COUNTRY_NAMES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia",
    "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados",
    "Belarus", "Belgium", "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia and Herzegovina",
    "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia",
    "Cameroon", "Canada", "Cape Verde", "Central African Republic", "Chad", "Chile", "China",
    "Colombia", "Comoros", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czech Republic",
    "Czechia", "Denmark", "Djibouti", "Dominica", "Dominican Republic", "Ecuador", "Egypt",
    "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji",
    "Finland", "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada",
    "Guatemala", "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland",
    "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Ivory Coast", "Jamaica",
    "Japan", "Jordan", "Kazakhstan", "Kenya", "Kiribati", "Kosovo", "Kuwait", "Kyrgyzstan",
    "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein", "Lithuania",
    "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta",
    "Marshall Islands", "Mauritania", "Mauritius", "Mexico", "Micronesia", "Moldova", "Monaco",
    "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal",
    "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Korea",
    "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Palestine", "Panama",
    "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar",
    "Romania", "Russia", "Rwanda", "Saint Lucia", "Samoa", "San Marino", "Saudi Arabia",
    "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia",
    "Solomon Islands", "Somalia", "South Africa", "South Korea", "South Sudan", "Spain",
    "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan",
    "Tanzania", "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia",
    "Turkey", "Turkmenistan", "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates",
    "United Kingdom", "United States", "Uruguay", "Uzbekistan", "Vanuatu", "Vatican",
    "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe",
)  # fmt: skip
_COUNTRY_ALIASES: dict[str, str] = {
    "U.S.": "United States", "US": "United States", "USA": "United States",
    "U.S.A.": "United States", "America": "United States", "United States of America":
    "United States", "U.K.": "United Kingdom", "UK": "United Kingdom", "Britain":
    "United Kingdom", "Great Britain": "United Kingdom", "UAE": "United Arab Emirates",
    "Burma": "Myanmar", "Holland": "Netherlands", "Czechia": "Czech Republic",
    "Türkiye": "Turkey", "Korea": "South Korea", "DPRK": "North Korea",
}  # fmt: skip
COUNTRIES: dict[str, str] = {name: name for name in _COUNTRY_NAMES} | _COUNTRY_ALIASES
# Names that take "the" in running text.
_WITH_ARTICLE = frozenset(
    {"United States", "United Kingdom", "Netherlands", "Philippines", "Czech Republic",
     "Dominican Republic", "Central African Republic", "Bahamas", "Gambia", "Maldives",
     "United Arab Emirates", "Marshall Islands", "Solomon Islands", "Comoros", "Seychelles",
     "U.S.", "US", "USA", "U.S.A.", "U.K.", "UK", "UAE"}
)  # fmt: skip
# Adjectives of nationality: they count towards "the two nations" but never put a single
# country in focus ("a French rescue team" in Nepal does not make France "the country").
DEMONYMS: dict[str, str] = {
    "Chinese": "China", "Sino": "China", "Cuban": "Cuba", "American": "United States",
    "Russian": "Russia", "British": "United Kingdom", "French": "France", "German": "Germany",
    "Japanese": "Japan", "Indian": "India", "Iranian": "Iran", "Israeli": "Israel",
    "Ukrainian": "Ukraine", "Mexican": "Mexico", "Brazilian": "Brazil", "Canadian": "Canada",
    "Venezuelan": "Venezuela", "Syrian": "Syria", "Turkish": "Turkey", "Spanish": "Spain",
    "Italian": "Italy", "Nepali": "Nepal", "Nepalese": "Nepal", "Pakistani": "Pakistan",
    "Afghan": "Afghanistan", "Iraqi": "Iraq", "Saudi": "Saudi Arabia", "Egyptian": "Egypt",
    "Nigerian": "Nigeria", "Australian": "Australia", "Argentine": "Argentina",
    "Argentinian": "Argentina", "Chilean": "Chile", "Colombian": "Colombia", "Peruvian": "Peru",
    "Vietnamese": "Vietnam", "Taiwanese": "Taiwan", "Polish": "Poland", "Dutch": "Netherlands",
    "Swedish": "Sweden", "Norwegian": "Norway", "Greek": "Greece", "Irish": "Ireland",
    "Qatari": "Qatar", "Emirati": "United Arab Emirates", "Nicaraguan": "Nicaragua",
    "Bolivian": "Bolivia", "Korean": "South Korea", "North Korean": "North Korea",
    "South Korean": "South Korea", "Palestinian": "Palestine", "Lebanese": "Lebanon",
}  # fmt: skip
REGIONS: frozenset[str] = frozenset(
    {
        "Latin America", "South America", "North America", "Central America",
        "Western Hemisphere", "Caribbean", "Europe", "Asia", "Africa", "Middle East",
        "Southeast Asia", "East Asia", "Central Asia", "South Asia", "Eastern Europe",
        "Western Europe", "Balkans", "Pacific", "Asia-Pacific", "Indo-Pacific", "Arctic",
        "Sahel", "Persian Gulf", "Horn of Africa", "Scandinavia", "Baltics", "Caucasus",
        "Mediterranean", "Oceania", "Sub-Saharan Africa", "North Africa", "West Africa",
        "East Africa", "Southern Africa", "Gulf", "Himalayas", "Amazon", "Andes",
    }
)  # fmt: skip

_W = r"(?<![\w-])"
_E = r"(?![\w-])"
# References, tried in this order at each position. A reference is never followed by a phrase
# that already says what it is ("the meeting between ...", "the country of ...").
_REFERENCE = re.compile(
    _W + r"(?:"
    r"(?P<event>(?:[Tt]his|[Tt]hat|[Tt]he)\s+(?:meeting|talks|summit|encounter)"
    r"|(?:[Tt]his|[Tt]hat)\s+collaboration)"
    r"|(?P<leaders>(?:[Tt]he\s+two|[Bb]oth)\s+(?:leaders|officials|men|women|ministers))"
    r"|(?P<pair>(?:[Tt]he\s+two|[Bb]oth)\s+(?:nations|countries))"
    r"|(?P<country>[Tt]he\s+(?:country|nation))"
    r"|(?P<region>[Tt]he\s+region)"
    r"|(?P<relation>[Tt]his\s+(?P<adj>(?:strengthened|growing|new|enduring|close|bilateral)\s+)?"
    r"(?P<noun>relationship|partnership|alliance|cooperation|friendship))"
    r")" + _E + r"(?!\s+(?:between|with|of|in|on|at|to|from)" + _E + r")"
)
_KINDS = ("event", "leaders", "pair", "country", "region", "relation")
# Every reference ends in one of these; a statement without any skips the pattern.
_REFERENCE_NOUNS = (
    "meeting", "talks", "summit", "encounter", "collaboration", "leaders", "officials", "men",
    "ministers", "nation", "countr", "region", "relationship", "partnership", "alliance",
    "cooperation", "friendship",
)  # fmt: skip
# A personal pronoun anywhere in a statement ("... when he was elected").
_PERSONAL_PRONOUN = re.compile(r"(?<![\w-])(?:[Hh]e|[Ss]he|[Hh]im|[Hh]is|[Hh]er|[Hh]ers)(?![\w-])")


def _dangling_pronoun(text: str, people: Sequence[str]) -> bool:
    """Whether ``text`` uses he/she/him/his/her before naming any of ``people``: the statement
    does not say who it is about, so it cannot be checked on its own."""
    m = _PERSONAL_PRONOUN.search(text)
    if m is None:
        return False
    return not any(0 <= text.find(name) < m.start() for name in people if name)


_LEADING_PRONOUN = re.compile(r"(?P<pronoun>He|She|They)" + _E)
_CAPITALISED = re.compile(r"(?<![\w-])[^\W\d_][\w\u2019'-]*")
_EVENT_VERB = re.compile(
    _W + r"(?:(?:met|meets|meet)(?:\s+with)?|held\s+talks\s+with)" + _E, re.IGNORECASE
)
_EVENT_NOUN = re.compile(_W + r"(?:meeting|talks)\s+between" + _E, re.IGNORECASE)
_IN_BEFORE = re.compile(r"\bin\s+$")
_SENTENCE_END = frozenset(".!?:;,")
# Name parts that are never taken for a short reference to a person.
_NOT_NAME_PARTS = frozenset(
    {"The", "This", "That", "Mr", "Mrs", "Ms", "Dr", "Jr", "Sr", "De", "Van", "Von", "Bin",
     "Al", "El", "La", "Le", "Di", "Da", "Del", "Of", "And"}
)  # fmt: skip
# "the two nations": a pair beats the runner-up when it co-occurs this many times as often.
_PAIR_MARGIN = 2
_LOOKBACK = 3  # sentences searched back for "the country"


@dataclass(frozen=True)
class Resolved:
    """A statement made to stand alone.

    ``text`` is the statement with its references replaced; ``replacements`` lists each replaced
    phrase with its span in the input; ``ambiguous`` is True when a reference was found whose
    referent the article does not make clear (its wording is then left as it was).
    """

    text: str
    replacements: tuple[Replacement, ...]
    ambiguous: bool


@dataclass(frozen=True)
class _Event:
    pos: int
    where: str  # " in Beijing" or ""
    participants: tuple[str, ...]


@dataclass
class _Seen:
    """What one observed sentence mentions, with input positions."""

    start: int
    end: int
    people: list[tuple[int, str]] = field(default_factory=list)
    countries: list[tuple[int, str]] = field(default_factory=list)  # named outright
    demonyms: list[tuple[int, str]] = field(default_factory=list)
    regions: list[tuple[int, str]] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)


def _canonical_country(name: str) -> str | None:
    return COUNTRIES.get(name)


def _capitalise(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


class Resolver:
    """Resolves references in the statements of one article.

    Call :meth:`observe` for every sentence in reading order (headings too), and
    :meth:`resolve` for the statements of sentence *i* only after observing sentence *i*;
    references resolve to what came before them in the article or in the same sentence.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._seen: list[_Seen] = []
        self._starts: list[int] = []
        self._name_parts: dict[str, set[str]] = {}
        self._people: set[str] = set()
        self._standalone: set[str] = set()  # one-word names seen before any full name held them
        self._pairs: Counter[frozenset[str]] = Counter()
        self._top_pairs: list[tuple[frozenset[str], int]] | None = None
        self._display: dict[str, str] = {}  # canonical country -> wording used in the article
        self._first_seen: dict[str, int] = {}  # canonical country -> order of first mention
        self._last_event: _Event | None = None
        self._events_before: list[_Event | None] = []  # last event before each sentence
        self._region_sentence: list[int] = []  # last sentence up to each one naming a region

    # -- observing ----------------------------------------------------------------------------

    def observe(self, start: int, end: int, entities: Sequence[Entity]) -> None:
        """Record what the sentence ``text[start:end]`` mentions (people, countries, regions,
        meetings). Sentences must come in reading order."""
        sentence = self.text[start:end]
        seen = _Seen(start, end)
        # A sentence ending in a full stop is never a heading; skip the heading test for it.
        heading = sentence[-1:] not in _SENTENCE_END and is_heading(sentence)
        entities = sorted(entities, key=lambda e: e.start)
        for e in entities:
            self._observe_place(seen, e)
        place_starts = {p for p, _ in seen.countries} | {p for p, _ in seen.regions}
        place_starts |= {p for p, _ in seen.demonyms}
        if not heading:
            for e in entities:
                if e.label == "PERSON" and len(e.text.split()) >= 2 and e.start not in place_starts:
                    self._register_name(e.text)
            for e in entities:
                if e.start in place_starts or e.label not in {"PERSON", "MISC"}:
                    continue
                name = self.full_name(e.text)
                if name is not None:
                    seen.people.append((e.start, name))
            for e in entities:
                if " " not in e.text and e.text not in self._name_parts:
                    self._standalone.add(e.text)
            self._chain_pronoun(seen, sentence)
            places = [(e.start, e.text) for e in entities if e.label == "PLACE"]
            self._observe_events(seen, sentence, start, places)
        countries = {c for _, c in seen.countries} | {c for _, c in seen.demonyms}
        for _p, c in sorted(seen.countries + seen.demonyms):
            self._first_seen.setdefault(c, len(self._first_seen))
        if 2 <= len(countries) <= 4:
            for pair in combinations(sorted(countries), 2):
                self._pairs[frozenset(pair)] += 1
            self._top_pairs = None
        self._events_before.append(self._last_event)
        if seen.events:
            self._last_event = seen.events[-1]
        previous = self._region_sentence[-1] if self._region_sentence else -1
        self._region_sentence.append(len(self._seen) if seen.regions else previous)
        self._seen.append(seen)
        self._starts.append(start)

    def _observe_place(self, seen: _Seen, e: Entity) -> None:
        name = " ".join(e.text.split())
        if name in REGIONS:
            seen.regions.append((e.start, name))
            return
        country = _canonical_country(name)
        if country is not None:
            seen.countries.append((e.start, country))
            if country not in self._display:
                article = name in _WITH_ARTICLE or (name == country and country in _WITH_ARTICLE)
                self._display[country] = f"the {name}" if article else name
            return
        if name in DEMONYMS:
            seen.demonyms.append((e.start, DEMONYMS[name]))
            return
        if "-" in name:  # "U.S.-Cuba relations", "Sino-Latin American"
            offset = e.start
            for part in name.split("-"):
                canonical = _canonical_country(part) or DEMONYMS.get(part)
                if canonical is not None:
                    seen.demonyms.append((offset, canonical))
                offset += len(part) + 1

    def _register_name(self, name: str) -> None:
        """Remember a full name and the parts that may later stand for it. A word already seen
        on its own before the name ("Kathmandu" before "Kathmandu Today") is not such a part."""
        full = " ".join(name.split())
        self._people.add(full)
        for part in full.split():
            if len(part) < 3 or part in _NOT_NAME_PARTS or part.lower() in OFFICE_WORDS:
                continue
            if part in COUNTRIES or part in DEMONYMS or part in self._standalone:
                continue
            self._name_parts.setdefault(part, set()).add(full)

    def _chain_pronoun(self, seen: _Seen, sentence: str) -> None:
        """A sentence opening with "He"/"She" mentions the previous sentence's only person, so
        that "She escaped ..." after "She endured ..." still finds its referent."""
        m = _LEADING_PRONOUN.match(sentence.lstrip("\"\u201c\u2018'"))
        if m is None or m.group() == "They" or not self._seen:
            return
        if seen.people and seen.people[0][0] < seen.start + m.end() + 2:
            return
        previous = {n for _p, n in self._seen[-1].people}
        if len(previous) == 1:
            seen.people.insert(0, (seen.start, previous.pop()))

    def full_name(self, name: str) -> str | None:
        """The full name of a person seen so far for ``name`` (a full name or one unambiguous
        part of one, e.g. "Chen" -> "Chen Yixin"); ``None`` if unknown or ambiguous."""
        name = " ".join(name.split())
        if " " in name:
            return name if name in self._people else None
        found = self._name_parts.get(name)
        if found is None or len(found) != 1:
            return None
        return next(iter(found))

    def _observe_events(
        self, seen: _Seen, sentence: str, offset: int, places: list[tuple[int, str]]
    ) -> None:
        """Meetings: "X met (with) Y in Z", "X and Y met in Z", "the meeting between X and Y"."""
        people = seen.people
        if len(people) < 2:
            return
        lowered = sentence.lower()
        if "met" not in lowered and "meet" not in lowered and "talks" not in lowered:
            return  # the common case, decided without running the patterns
        for m in _EVENT_NOUN.finditer(sentence):
            pos = offset + m.start()
            after = [n for p, n in people if p > pos]
            if len(after) >= 2 and after[0] != after[1]:
                self._add_event(seen, pos, after[0], after[1], offset + m.end(), places)
        for m in _EVENT_VERB.finditer(sentence):
            pos = offset + m.start()
            before = [n for p, n in people if p < pos]
            after = [n for p, n in people if p > pos]
            if before and after and before[-1] != after[0]:
                self._add_event(seen, pos, before[-1], after[0], offset + m.end(), places)
            elif len(before) >= 2 and not after and before[-2] != before[-1]:
                self._add_event(seen, pos, before[-2], before[-1], offset + m.end(), places)
        seen.events.sort(key=lambda event: event.pos)

    def _add_event(
        self,
        seen: _Seen,
        pos: int,
        first: str,
        second: str,
        search_from: int,
        places: list[tuple[int, str]],
    ) -> None:
        """Record "the meeting between FIRST and SECOND [in PLACE]" at ``pos``; the place is the
        first one after ``search_from`` that follows "in"."""
        where = ""
        for e_pos, name in places:
            if e_pos >= search_from and _IN_BEFORE.search(self.text[max(0, e_pos - 4) : e_pos]):
                where = " in " + " ".join(name.split())
                break
        seen.events.append(_Event(pos, where, (first, second)))

    # -- resolving ----------------------------------------------------------------------------

    def _sentence_index(self, pos: int) -> int:
        i = bisect.bisect_right(self._starts, pos) - 1
        return max(0, min(i, len(self._seen) - 1))

    def resolve(self, statement: Statement, entities: Sequence[Entity]) -> Resolved:
        """``statement`` with its references made explicit.

        ``entities`` are the entities of the statement's sentence. The rest of the wording is
        kept as it is; a replacement that opens the statement is capitalised. When a reference
        cannot be resolved confidently it is left in place and ``ambiguous`` is True; a
        statement without references comes back unchanged with ``ambiguous`` False.
        """
        text = statement.text
        if not self._seen:
            return Resolved(text, (), False)
        index = self._sentence_index(statement.start)
        finder = _SpanFinder(self.text, statement, self._seen[index])
        pieces: list[str] = []
        replacements: list[Replacement] = []
        ambiguous = False
        pos = 0
        for kind, m_start, m_end, phrase in self._references(text, entities):
            span = finder.find(phrase, m_start, len(text))
            if span is None:
                continue
            replacement = self._referent(kind, phrase, span[0], index)
            if replacement is None:
                ambiguous = True
                continue
            if m_start == 0:
                replacement = _capitalise(replacement)
            pieces.append(text[pos:m_start])
            pieces.append(replacement)
            pos = m_end
            replacements.append(Replacement(self.text[span[0] : span[1]], *span, replacement))
        if replacements:
            pieces.append(text[pos:])
            text = "".join(pieces)
        people = [e.text for e in entities if e.label == "PERSON"]
        people.extend(r.replacement for r in replacements)
        ambiguous = ambiguous or _dangling_pronoun(text, people)
        return Resolved(text, tuple(replacements), ambiguous)

    def _references(self, text: str, entities: Sequence[Entity]) -> list[tuple[str, int, int, str]]:
        """(kind, start, end, phrase) of every reference in ``text``, in order, not overlapping."""
        found: list[tuple[str, int, int, str]] = []
        lead = _LEADING_PRONOUN.match(text)
        if lead is not None:
            found.append(("pronoun", 0, lead.end(), lead.group()))
        lowered = text.lower()
        if any(noun in lowered for noun in _REFERENCE_NOUNS):
            for m in _REFERENCE.finditer(text):
                kind = next(k for k in _KINDS if m.group(k))
                found.append((kind, m.start(), m.end(), m.group()))
        found.extend(self._short_names(text, entities))
        found.sort(key=lambda r: r[1])
        out: list[tuple[str, int, int, str]] = []
        end = -1
        for ref in found:
            if ref[1] >= end:
                out.append(ref)
                end = ref[2]
        return out

    def _short_names(
        self, text: str, entities: Sequence[Entity]
    ) -> list[tuple[str, int, int, str]]:
        """Bare name parts ("Chen") that stand for a full name seen earlier ("Chen Yixin")."""
        singles = {
            e.text
            for e in entities
            if e.label in {"PERSON", "MISC"} and " " not in e.text and e.text in self._name_parts
        }
        if not singles:
            return []
        out: list[tuple[str, int, int, str]] = []
        done: set[str] = set()
        for m in _CAPITALISED.finditer(text):
            word = m.group()
            for suffix in ("\u2019s", "'s"):
                if word.endswith(suffix):
                    word = word[: -len(suffix)]
            if word not in singles or word not in self._name_parts:
                continue
            full = self.full_name(word)
            if full is None:
                out.append(("name", m.start(), m.start() + len(word), word))
                continue
            if full in done or full == word:
                continue
            # Already the full name here ("Chen Yixin")?
            lo = max(0, m.start() - len(full))
            if full in text[lo : m.start() + len(full)]:
                done.add(full)
                continue
            done.add(full)
            out.append(("name", m.start(), m.start() + len(word), word))
        return out

    def _referent(self, kind: str, phrase: str, pos: int, index: int) -> str | None:
        if kind == "event":
            event = self._event_before(pos, index)
            if event is None:
                return None
            # "the talks" -> "the talks between X and Y"; "this collaboration" -> the meeting.
            noun = phrase.split()[-1].lower()
            noun = "meeting" if noun == "collaboration" else noun
            a, b = event.participants
            return f"the {noun} between {a} and {b}{event.where}"
        if kind == "leaders":
            event = self._event_before(pos, index)
            return " and ".join(event.participants) if event else None
        if kind == "pair":
            pair = self._pair_before(pos, index)
            return " and ".join(pair) if pair else None
        if kind == "relation":
            pair = self._pair_before(pos, index)
            if pair is None:
                return None
            words = phrase.split()
            return "the " + " ".join(words[1:]) + " between " + " and ".join(pair)
        if kind == "country":
            return self._country_before(pos, index)
        if kind == "region":
            return self._region_before(pos, index)
        if kind == "pronoun":
            if phrase == "They":
                return None
            return self._person_before(pos, index)
        if kind == "name":
            return self.full_name(phrase)
        return None

    def _event_before(self, pos: int, index: int) -> _Event | None:
        same = [e for e in self._seen[index].events if e.pos < pos]
        if same:
            return same[-1]
        return self._events_before[index]

    def _country_name(self, canonical: str) -> str:
        return self._display.get(canonical, canonical)

    def _pair_names(self, a: str, b: str) -> tuple[str, str]:
        """Two countries in the order the article first mentions them ("China and Cuba")."""
        if self._first_seen.get(b, 0) < self._first_seen.get(a, 0):
            a, b = b, a
        return self._country_name(a), self._country_name(b)

    def _pair_before(self, pos: int, index: int) -> tuple[str, str] | None:
        for i in range(index, max(-1, index - _LOOKBACK - 1), -1):
            seen = self._seen[i]
            mentions = [(p, c) for p, c in seen.countries + seen.demonyms if i < index or p < pos]
            ordered: list[str] = []
            for _p, c in sorted(mentions):
                if c not in ordered:
                    ordered.append(c)
            if len(ordered) == 2:
                return self._pair_names(ordered[0], ordered[1])
            if len(ordered) > 2:
                pairs = sorted(
                    ((self._pairs[frozenset(p)], p) for p in combinations(ordered, 2)),
                    key=lambda cp: -cp[0],
                )
                if pairs[0][0] >= _PAIR_MARGIN * max(1, pairs[1][0]):
                    a, b = pairs[0][1]
                    return self._pair_names(a, b)
                return None
        return self._article_pair()

    def _article_pair(self) -> tuple[str, str] | None:
        """The pair of countries the article names together most often, if clearly ahead."""
        if self._top_pairs is None:
            self._top_pairs = self._pairs.most_common(2)
        top = self._top_pairs
        if not top:
            return None
        if len(top) == 2 and top[0][1] < _PAIR_MARGIN * top[1][1]:
            return None
        a, b = sorted(top[0][0])
        return self._pair_names(a, b)

    def _country_before(self, pos: int, index: int) -> str | None:
        for i in range(index, max(-1, index - _LOOKBACK), -1):
            seen = self._seen[i]
            names = {c for p, c in seen.countries if i < index or p < pos}
            if len(names) == 1:
                return self._country_name(names.pop())
            if names:
                return None
        return None

    def _region_before(self, pos: int, index: int) -> str | None:
        """The region named last before ``pos``: earlier in the sentence, else in the last
        sentence that names one (however far back); ``None`` if none or two."""
        names = {r for p, r in self._seen[index].regions if p < pos}
        if not names and index > 0:
            last = self._region_sentence[index - 1]
            if last >= 0:
                names = {r for _p, r in self._seen[last].regions}
        return names.pop() if len(names) == 1 else None

    def _person_before(self, pos: int, index: int) -> str | None:
        same = {n for p, n in self._seen[index].people if p < pos}
        if same:
            return same.pop() if len(same) == 1 else None
        if index == 0:
            return None
        previous = {n for _p, n in self._seen[index - 1].people}
        return previous.pop() if len(previous) == 1 else None


class _SpanFinder:
    """Maps a phrase found in a statement's wording back to its span in the input.

    The statement's wording is cut from its sentence, so the phrase is searched in the
    statement's span first and then in the whole sentence; among several occurrences the one at
    the closest relative position wins.
    """

    def __init__(self, text: str, statement: Statement, seen: _Seen) -> None:
        self.text = text
        self.statement = statement
        self.seen = seen

    def find(self, phrase: str, at: int, length: int) -> tuple[int, int] | None:
        pattern = re.compile(
            r"(?<![\w-])" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?![\w-])",
            re.IGNORECASE,
        )
        ranges = [(self.statement.start, self.statement.end)]
        if self.seen.start <= self.statement.start < self.seen.end:
            ranges.append((self.seen.start, max(self.seen.end, self.statement.end)))
        for lo, hi in ranges:
            spans = [(m.start(), m.end()) for m in pattern.finditer(self.text, lo, hi)]
            if not spans:
                continue
            if len(spans) == 1:
                return spans[0]
            target = lo + (hi - lo) * (at / max(1, length))
            return min(spans, key=lambda s: abs(s[0] - target))
        return None
