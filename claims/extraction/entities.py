"""A deliberately simple named-entity finder: runs of capitalised words plus a list of office
words. Labels are PERSON, ORG, PLACE, OFFICE or MISC. Linear in the sentence length.
"""

from __future__ import annotations

import re

from .records import Entity
from .values import MONTHS

# A word: a dotted acronym ("U.S."), or letters/digits with inner hyphens or apostrophes.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_](?:\w|[-'\u2019](?=\w))*")
_POSSESSIVE = ("\u2019s", "'s")
_JOINING_GAPS = frozenset({" ", "\u00a0", "-"})
_CONNECTORS = frozenset({"of", "de", "del", "da", "la", "y", "bin", "van", "von"})

# Capitalised words that start sentences or phrases but are not names.
_STOP = frozenset(
    {
        "The", "This", "That", "These", "Those", "A", "An", "In", "On", "At", "As", "For", "By",
        "During", "Over", "Under", "After", "Before", "Since", "While", "When", "Where", "If",
        "Although", "Though", "But", "And", "Or", "So", "Yet", "However", "Meanwhile", "It",
        "He", "She", "They", "We", "I", "You", "Its", "His", "Her", "Their", "Our", "My", "Both",
        "Some", "Many", "Most", "Several", "According", "With", "Without", "From", "To", "Despite",
        "Amid", "There", "Here", "Such", "Each", "Every", "All", "No", "Yes", "Other", "Another",
        "What", "Why", "How", "Who", "Which", "Also", "Still", "Then", "Now", "Today",
    }
)  # fmt: skip

OFFICE_WORDS: frozenset[str] = frozenset(
    {
        "president", "minister", "secretary", "chief", "premier", "chancellor", "ambassador",
        "governor", "senator", "sen", "gen", "gov", "rep", "representative", "general",
        "director", "chairman", "chairwoman", "chair", "spokesman", "spokeswoman",
        "spokesperson", "mayor", "king", "queen", "prince", "commissioner", "envoy", "pope",
        "judge", "justice", "prosecutor", "admiral", "colonel", "commander", "vice", "prime",
        "deputy", "foreign", "interior",
    }
)  # fmt: skip
# Office words that can stand alone as a title ("vice", "prime" only modify another one).
_OFFICE_HEADS = OFFICE_WORDS - {"vice", "prime", "deputy", "foreign", "interior"}

_ORG_WORDS = frozenset(
    {
        "ministry", "department", "government", "party", "council", "administration", "agency",
        "bank", "committee", "university", "association", "union", "organization",
        "organisation", "corporation", "company", "inc", "ltd", "corp", "group", "institute",
        "commission", "office", "bureau", "army", "navy", "force", "forces", "court",
        "parliament", "congress", "senate", "assembly", "nations", "fund", "foundation",
        "service", "police", "embassy", "news", "times", "post",
    }
)  # fmt: skip
_PLACES = frozenset(
    {
        "China", "Cuba", "Beijing", "Havana", "United States", "U.S.", "US", "USA", "U.K.", "UK",
        "United Kingdom", "Washington", "Latin America", "South America", "North America",
        "Central America", "Western Hemisphere", "Europe", "Asia", "Africa", "Caribbean",
        "Russia", "Moscow", "Venezuela", "Mexico", "Brazil", "Canada", "Taiwan", "Japan",
        "India", "France", "Germany", "Britain", "London", "Paris", "Berlin", "Tokyo",
        "Ukraine", "Kyiv", "Iran", "Israel", "Gaza", "Syria", "Turkey", "Spain", "Italy",
        "New York", "Hong Kong", "Shanghai", "Miami", "Florida", "Nicaragua", "Argentina",
        "Chile", "Colombia", "Peru", "Korea", "North Korea", "South Korea", "Vietnam",
    }
)  # fmt: skip
_PLACE_SUFFIXES = frozenset(
    {
        "City", "Province", "Island", "Islands", "Republic", "Hemisphere", "America", "Sea",
        "Ocean", "Region", "County", "Kingdom", "Coast", "Strait", "Gulf", "River", "Mountains",
    }
)  # fmt: skip
_MISC_WORDS = frozenset(
    {"War", "Pandemic", "Revolution", "Crisis", "Agreement", "Treaty", "Act", "Day", "Games",
     "Cup", "Summit", "Accords", "Prize", "Award"}
)  # fmt: skip
_MONTH_NAMES = frozenset(MONTHS)
_NATIONALITY_SUFFIXES = ("ese", "ian", "an", "ish", "ic", "i")

_LOWER_OFFICE = re.compile(
    r"(?<![\w-])(?:(?:state|security|interior|foreign|prime|defen[cs]e|finance|economy|trade|"
    r"health|justice|deputy|vice|top|home|intelligence|police|army|military|party|executive|"
    r"attorney|education|energy|agriculture|chief)\s){0,2}"
    r"(?:minister|secretary|chief|president|premier|ambassador|governor|senator|director|"
    r"chairman|chairwoman|spokesman|spokeswoman|spokesperson|mayor|chancellor|commissioner|"
    r"envoy|prosecutor)(?![\w-])"
)

_Token = tuple[int, int, str]


def _tokens(sentence: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _TOKEN.finditer(sentence):
        start, end, word = m.start(), m.end(), m.group()
        for suffix in _POSSESSIVE:
            if word.endswith(suffix) and len(word) > len(suffix):
                end -= len(suffix)
                word = word[: -len(suffix)]
                break
        out.append((start, end, word))
    return out


def _capitalised(word: str) -> bool:
    return word[0].isupper()


def _groups(sentence: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Runs of capitalised tokens separated by a single space or hyphen ("of" may join them)."""
    groups: list[list[_Token]] = []
    current: list[_Token] = []
    pending: list[_Token] = []  # a connector word waiting for a capitalised word after it
    for token in tokens:
        start, _end, word = token
        if current:
            prev_end = (pending or current)[-1][1]
            joined = sentence[prev_end:start] in _JOINING_GAPS
        else:
            joined = False
        if _capitalised(word):
            if joined:
                current.extend(pending)
                current.append(token)
            else:
                if current:
                    groups.append(current)
                current = [token]
            pending = []
        elif current and joined and not pending and word in _CONNECTORS:
            pending = [token]
        else:
            if current:
                groups.append(current)
            current, pending = [], []
    if current:
        groups.append(current)
    return groups


def _classify(words: list[str]) -> str:
    name = " ".join(words)
    lowered = {w.lower() for w in words}
    if lowered & _ORG_WORDS:
        return "ORG"
    if name in _PLACES or words[-1] in _PLACE_SUFFIXES:
        return "PLACE"
    if words[-1] in _MISC_WORDS or any(any(c.isdigit() for c in w) for w in words):
        return "MISC"
    if len(words) == 1:
        word = words[0]
        if len(word) > 1 and word.isupper():
            return "ORG"  # an acronym such as NATO
        return "MISC"
    if words[-1].endswith(_NATIONALITY_SUFFIXES) and not words[-1].endswith("man"):
        return "MISC"  # "Sino-Latin American"
    if 2 <= len(words) <= 4 and all(w.replace("-", "").isalpha() for w in words):
        return "PERSON"
    return "MISC"


def _entity(sentence: str, tokens: list[_Token], label: str, offset: int) -> Entity:
    start, end = tokens[0][0], tokens[-1][1]
    return Entity(text=sentence[start:end], label=label, start=start + offset, end=end + offset)


def _split_group(group: list[_Token], first_token_start: int) -> list[tuple[list[_Token], str]]:
    """Drop leading stop words, then split a capitalised run around office words."""
    lo, hi = 0, len(group)
    while lo < hi and (group[lo][2] in _STOP or group[lo][2].lower() in _CONNECTORS):
        lo += 1
    while hi > lo and group[hi - 1][2].lower() in _CONNECTORS:
        hi -= 1
    group = group[lo:hi]
    if not group:
        return []
    if len(group) == 1:
        word = group[0][2]
        if word in _MONTH_NAMES:
            return []  # months are values, not entities
        if group[0][0] == first_token_start and word.lower().endswith(("ing", "ly", "ed")):
            return []  # "Strengthening ...", "Recently ..." at the start of a sentence
    words = [t[2] for t in group]
    if {w.lower() for w in words} & _ORG_WORDS:
        return [(group, "ORG")]
    parts: list[tuple[list[_Token], str]] = []
    i = 0
    while i < len(group):
        if group[i][2].lower() in OFFICE_WORDS:
            j = i
            while j < len(group) and group[j][2].lower() in OFFICE_WORDS:
                j += 1
            office = group[i:j]
            if any(t[2].lower() in _OFFICE_HEADS for t in office):
                parts.append((office, "OFFICE"))
                rest = group[j:]
                if rest:
                    rest_words = [t[2] for t in rest]
                    label = _classify(rest_words)
                    parts.append((rest, "PERSON" if label in {"MISC", "PERSON"} else label))
                return parts if i == 0 else [*_plain(group[:i]), *parts]
            i = j
        else:
            i += 1
    return _plain(group)


def _plain(group: list[_Token]) -> list[tuple[list[_Token], str]]:
    return [(group, _classify([t[2] for t in group]))] if group else []


def find_entities(sentence: str, offset: int = 0) -> list[Entity]:
    """Entities in ``sentence`` in reading order, spans shifted by ``offset``."""
    tokens = _tokens(sentence)
    if not tokens:
        return []
    first_start = tokens[0][0]
    found: list[Entity] = []
    occupied = bytearray(len(sentence))
    for group in _groups(sentence, tokens):
        for part, label in _split_group(group, first_start):
            entity = _entity(sentence, part, label, offset)
            found.append(entity)
            occupied[part[0][0] : part[-1][1]] = b"\x01" * (part[-1][1] - part[0][0])
    for m in _LOWER_OFFICE.finditer(sentence):
        if occupied.find(1, m.start(), m.end()) == -1:
            found.append(
                Entity(
                    text=m.group(),
                    label="OFFICE",
                    start=m.start() + offset,
                    end=m.end() + offset,
                )
            )
    found.sort(key=lambda e: e.start)
    return found
