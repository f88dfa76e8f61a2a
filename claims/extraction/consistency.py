"""Consistency checks across one article's claims.

Each check is a small function from the article's claims (in reading order) to
:class:`~claims.extraction.records.Finding` records whose ``claims`` index that sequence:

- :func:`check_anniversaries`: "the 65th anniversary of diplomatic relations" + "established
  diplomatic ties ... in 1960" -> the events are in 2025 (info); an explicit other year for the
  same event, or an article date more than a year away, is a conflict.
- :func:`check_durations`: "over the past two decades" counted back from the article date (or a
  reference year) -> the start is around 2005 (info); "since 2015" for the same subject is a
  conflict.
- :func:`check_percent_sums`: shares of one whole in one claim that add up to more than 101%.
- :func:`check_titles`: the same person given two incompatible titles ("former" titles aside).

:func:`check_consistency` runs them all; :func:`reference_year` gives the year "now" is in, for
:func:`claims.extraction.values.resolve_months`. All checks are heuristics that prefer silence to
a false alarm; the work is linear in the number of claims (candidate searches are capped).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .entities import is_nationality, name_parts
from .records import Entity, ExtractedClaim, Finding, Value

# How many claims (nearest first) a check looks at when pairing one claim with another.
MAX_CANDIDATES = 100
# At most this many other claims are taken to be about the same event as an anniversary.
MAX_SAME_EVENT = 8
# A percentage total above this is more than rounding can explain.
MAX_PERCENT_TOTAL = 101.0

_WORD = re.compile(r"[^\W\d_]+(?:[-'\u2019][^\W\d_]+)*")
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or",
        "but", "as", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
        "this", "that", "these", "those", "it", "its", "their", "they", "them", "his", "her",
        "he", "she", "we", "our", "which", "who", "whom", "whose", "what", "when", "where",
        "while", "than", "then", "there", "here", "not", "no", "also", "very", "more", "most",
        "over", "under", "into", "about", "after", "before", "during", "since", "until", "past",
        "last", "between", "both", "each", "other", "such", "so", "up", "out", "all", "any",
        "some", "many", "much", "would", "will", "could", "should", "may", "might", "can",
        "did", "do", "does", "just", "only", "one", "two", "three", "four", "five", "six",
        "seven", "eight", "nine", "ten", "first", "second", "third", "s", "year", "years",
        "decade", "decades", "month", "months", "century", "anniversary", "nation", "nations",
        "country", "countries", "side", "sides", "time", "times", "day", "days", "event",
        "including", "particularly", "recently", "recent", "heavily", "ago", "around", "marked",
        "mark", "marks", "marking", "coincided", "coincide", "coinciding", "celebrate",
        "celebrated", "celebrating", "commemorate", "commemorated", "commemorating",
    }
)  # fmt: skip
# Words that name the same subject differently ("ties" / "relations").
_SYNONYMS: dict[str, str] = {
    "ties": "relation", "tie": "relation", "relations": "relation",
    "relationship": "relation", "relationships": "relation", "establishment": "establish",
    "established": "establish", "establishing": "establish", "founded": "found",
    "founding": "found", "foundation": "found", "investment": "invest",
    "investments": "invest", "invested": "invest", "investing": "invest",
    "invests": "invest",
}  # fmt: skip

_FOUNDING_CUE = re.compile(
    r"(?<![\w-])(?:establish\w{0,6}|founded|founding|foundation|formed|formation|created|"
    r"creation|launched|began|begun|started|inaugurated|opened|signed|independence|born|"
    r"introduced|built|set\s+up|since)(?![\w-])",
    re.IGNORECASE,
)
_SUBJECT_AFTER = re.compile(
    r"\s{0,3}(?:of|since)\s{1,3}(?P<subject>[^,;:.()\u2013\u2014\"\u201d]{1,160})"
)
_SUBJECT_CUT = re.compile(r"\s(?:which|that|who|when|where|while|as|and\s+(?:is|was|has))\s")
_OWNER_BEFORE = re.compile(r"(?P<owner>[\w-]{2,40})[\u2019']s\s+(?:[\w-]{1,20}\s+)?$")
# A year after one of these is not the year the event itself took place.
_NOT_EVENT_YEAR = re.compile(
    r"(?:since|from|until|till|by|before|after|between|to|through)\s{1,3}$", re.IGNORECASE
)
_SINCE_BEFORE = re.compile(r"(?:since|from)\s{1,3}$", re.IGNORECASE)
_PAST_BEFORE = re.compile(r"(?:past|last|previous|preceding)\s{1,3}$", re.IGNORECASE)
_AGO_AFTER = re.compile(r"\s{1,3}ago(?!\w)", re.IGNORECASE)
_REFERS_BACK = re.compile(
    r"(?<![\w-])(?:this|that|the|these)\s+(?P<noun>meetings?|visits?|summit|talks|ceremony|"
    r"celebrations?|conference|trip|parade|forum|gathering|reception|event)(?![\w-])",
    re.IGNORECASE,
)
_EVENT_FORMS: dict[str, frozenset[str]] = {
    "meeting": frozenset({"meeting", "meetings", "met", "meet", "meets"}),
    "visit": frozenset({"visit", "visits", "visited"}),
    "summit": frozenset({"summit"}),
    "talks": frozenset({"talks", "talked"}),
    "ceremony": frozenset({"ceremony"}),
    "celebration": frozenset({"celebration", "celebrations", "celebrated"}),
    "conference": frozenset({"conference"}),
    "trip": frozenset({"trip"}),
    "parade": frozenset({"parade"}),
    "forum": frozenset({"forum"}),
    "gathering": frozenset({"gathering"}),
    "reception": frozenset({"reception"}),
    "event": frozenset({"event"}),
}
# Percentages of one whole: "54% voted yes and 52% voted no".
_CHANGE = re.compile(
    r"(?<![\w-])(?:rose|rise|rises|risen|rising|fell|fall|falls|fallen|falling|increased?|"
    r"increases|increasing|decreased?|decreases|decreasing|grew|grow|grows|growth|dropped|"
    r"drop|drops|jumped|jump|climbed|climb|declined?|higher|lower|more|less|than|compared|"
    r"from|up|down|gained|lost|cut|boosted|points?)(?![\w-])",
    re.IGNORECASE,
)
_ANSWERS: tuple[frozenset[str], ...] = (
    frozenset({"yes", "no"}),
    frozenset({"for", "against"}),
    frozenset({"support", "supported", "supports", "oppose", "opposed", "opposes"}),
    frozenset({"approve", "approved", "approves", "disapprove", "disapproved", "disapproves"}),
    frozenset({"agree", "agreed", "agrees", "disagree", "disagreed", "disagrees"}),
    frozenset({"favour", "favor", "favoured", "favored", "against"}),
    frozenset({"leave", "remain"}),
)
# Words after a share that answer the question; the third options join a pair's answers.
_ANSWER_WORDS = frozenset().union(
    *_ANSWERS, {"undecided", "unsure", "abstained", "neither", "other", "don't"}
)
# Title words: modifiers that make a different office, and words that say nothing about it.
_SIGNIFICANT_MODIFIERS = frozenset(
    {"vice", "deputy", "prime", "assistant", "under", "associate", "lieutenant", "general"}
)
_IGNORED_TITLE_WORDS = frozenset(
    {"the", "a", "an", "his", "her", "its", "their", "acting", "interim", "current", "new",
     "outgoing", "incoming", "newly", "appointed", "top", "then", "now", "of", "and"}
)  # fmt: skip
_FORMER = frozenset({"former", "ex", "late", "then", "one-time", "onetime", "erstwhile"})
_HEAD_SYNONYMS: dict[str, str] = {
    "chief": "head", "head": "head", "minister": "head", "secretary": "head", "director": "head",
    "boss": "head", "defence": "defense", "spokeswoman": "spokesperson",
    "spokesman": "spokesperson", "chairwoman": "chair", "chairman": "chair",
    "chairperson": "chair",
}  # fmt: skip
# Party and leadership titles are held alongside state offices ("party chief", "leader").
_COEXISTING_TITLE_WORDS = frozenset({"party", "leader", "communist"})
_APPOSITION_WORDS = _IGNORED_TITLE_WORDS | _FORMER


# --- small helpers --------------------------------------------------------------------------


def _local(claim: ExtractedClaim, pos: int) -> int:
    """Offset into ``claim.sentence`` of the input offset ``pos``."""
    return pos - claim.start


def _stem(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """Lower-cased, lightly stemmed content words of ``text`` ("ties" and "relations" both give
    "relation"); stop words, numbers and time words are left out."""
    out: set[str] = set()
    for m in _WORD.finditer(text):
        word = m.group().lower()
        if word in _STOPWORDS:
            continue
        stem = _stem(word)
        if stem not in _STOPWORDS and len(stem) > 1:
            out.add(stem)
    return out


def _year_of(value: Value) -> int | None:
    """The calendar year a year, date or dated month value names; ``None`` otherwise."""
    if value.kind == "year" and isinstance(value.value, int):
        return value.value
    if value.kind == "date" and isinstance(value.value, str) and value.value[:4].isdigit():
        return int(value.value[:4])
    if value.kind == "month" and isinstance(value.value, dict):
        year = value.value.get("year")
        return year if isinstance(year, int) else None
    return None


def _text_before(claim: ExtractedClaim, value_start: int, width: int = 24) -> str:
    lo = _local(claim, value_start)
    return claim.sentence[max(0, lo - width) : lo]


def _event_years(claim: ExtractedClaim, exclude: Value | None = None) -> list[tuple[int, Value]]:
    """Years the claim dates its own event with ("in 2023", "on 5 May 2024"), leaving out
    ``exclude`` and years after "since", "until", "by", ... ."""
    out: list[tuple[int, Value]] = []
    for v in claim.values:
        year = _year_of(v)
        if year is None or v is exclude or _NOT_EVENT_YEAR.search(_text_before(claim, v.start)):
            continue
        out.append((year, v))
    return out


def _around(count: int, centre: int, limit: int = MAX_CANDIDATES) -> Iterator[int]:
    """Indexes in ``range(count)`` other than ``centre``, nearest first (the earlier one on a
    tie), at most ``limit`` of them."""
    given = 0
    for distance in range(1, count):
        if centre - distance < 0 and centre + distance >= count:
            return
        for j in (centre - distance, centre + distance):
            if 0 <= j < count:
                yield j
                given += 1
                if given >= limit:
                    return


class _Facts:
    """Per-claim facts several checks need, each computed at most once."""

    def __init__(self, claims: Sequence[ExtractedClaim]) -> None:
        self.claims = claims
        self._words: dict[int, set[str]] = {}
        self._founding: dict[int, Value | None] = {}
        self._people: dict[int, set[str]] = {}
        self._tokens: dict[int, set[str]] = {}

    def words(self, j: int) -> set[str]:
        if j not in self._words:
            self._words[j] = content_words(self.claims[j].sentence)
        return self._words[j]

    def founding(self, j: int) -> Value | None:
        if j not in self._founding:
            self._founding[j] = _founding_year_in(self.claims[j])
        return self._founding[j]

    def people(self, j: int) -> set[str]:
        """The PERSON names of claim ``j``."""
        if j not in self._people:
            self._people[j] = _people(self.claims[j].entities)
        return self._people[j]

    def tokens(self, j: int) -> set[str]:
        """The lower-cased words of claim ``j``, unstemmed."""
        if j not in self._tokens:
            self._tokens[j] = {w.lower() for w in _WORD.findall(self.claims[j].sentence)}
        return self._tokens[j]


# --- anniversaries --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Founding:
    claim: int
    year: int
    value: Value


def _anniversary_subject(claim: ExtractedClaim, value: Value) -> tuple[str, int, int]:
    """The phrase naming what the anniversary is of ("diplomatic relations between the two
    nations") and its span in the sentence; ``("", 0, 0)`` when there is none."""
    s = claim.sentence
    end = _local(claim, value.end)
    m = _SUBJECT_AFTER.match(s, end)
    if m:
        subject = m["subject"]
        cut = _SUBJECT_CUT.search(subject)
        if cut:
            subject = subject[: cut.start()]
        return subject.strip(), m.start("subject"), m.start("subject") + len(subject)
    start = _local(claim, value.start)
    owner = _OWNER_BEFORE.search(s, max(0, start - 64), start)
    if owner and owner["owner"].lower() not in {"it", "its", "their"}:
        return owner["owner"], owner.start("owner"), owner.end("owner")
    return "", 0, 0


def _founding_year_in(
    claim: ExtractedClaim, exclude: Value | None = None, span: tuple[int, int] = (0, 0)
) -> Value | None:
    """The year value the claim gives a founding with: inside ``span`` (the anniversary's
    subject, "the 1960 revolution") or within 60 characters of a founding word."""
    cues = [(m.start(), m.end()) for m in _FOUNDING_CUE.finditer(claim.sentence)]
    best: tuple[int, Value] | None = None
    for v in claim.values:
        if v is exclude or _year_of(v) is None:
            continue
        lo, hi = _local(claim, v.start), _local(claim, v.end)
        if span[0] <= lo and hi <= span[1] and span[1] > span[0]:
            return v
        for a, b in cues:
            distance = lo - b if lo >= b else a - hi
            if 0 <= distance <= 60 and (best is None or distance < best[0]):
                best = (distance, v)
    return best[1] if best else None


def _find_founding(
    facts: _Facts, index: int, anniversary: Value, subject: set[str], span: tuple[int, int]
) -> _Founding | None:
    claims = facts.claims
    own = _founding_year_in(claims[index], exclude=anniversary, span=span)
    if own is not None:
        year = _year_of(own)
        assert year is not None
        return _Founding(index, year, own)
    if not subject:
        subject = facts.words(index)
    needed = min(2, len(subject))
    if needed == 0:
        return None
    best: tuple[int, int, _Founding] | None = None
    for rank, j in enumerate(_around(len(claims), index)):
        value = facts.founding(j)
        if value is None:
            continue
        overlap = len(subject & facts.words(j))
        if overlap < needed:
            continue
        year = _year_of(value)
        assert year is not None
        if best is None or (overlap, -rank) > (best[0], best[1]):
            best = (overlap, -rank, _Founding(j, year, value))
    return best[2] if best else None


def _same_event_claims(facts: _Facts, index: int) -> list[int]:
    """Other claims about the event the anniversary claim is about: the claim "this meeting"
    refers back to (up to three claims back), and claims naming the same kind of event with at
    least two of the same people; nearest first."""
    claims = facts.claims
    claim = claims[index]
    nouns: set[str] = set()
    for m in _REFERS_BACK.finditer(claim.sentence):
        noun = m["noun"].lower()
        nouns.add(next((k for k, forms in _EVENT_FORMS.items() if noun in forms), noun))
    if not nouns:
        return []
    forms = frozenset().union(*(_EVENT_FORMS.get(n, frozenset({n})) for n in nouns))

    def mentions(j: int) -> bool:
        return not forms.isdisjoint(facts.tokens(j))

    related: list[int] = []
    antecedent = next((j for j in range(index - 1, max(-1, index - 4), -1) if mentions(j)), None)
    if antecedent is not None:
        related.append(antecedent)
    people = set(facts.people(index))
    if antecedent is not None:
        people |= facts.people(antecedent)
    if len(people) >= 2:
        for j in _around(len(claims), index):
            if j == antecedent:
                continue
            if len(people & facts.people(j)) >= 2 and mentions(j):
                related.append(j)
                if len(related) >= MAX_SAME_EVENT:
                    break
    return related


def _people(entities: Sequence[Entity]) -> set[str]:
    return {e.text for e in entities if e.label == "PERSON"}


def check_anniversaries(
    claims: Sequence[ExtractedClaim], *, article_date: datetime.date | None = None
) -> list[Finding]:
    """For each "Nth anniversary of X" whose founding year an article claim gives (the same
    claim or the one sharing most subject words with X, e.g. "diplomatic" and "relations"/
    "ties"): an ``anniversary_year`` info finding (founding year + N), and an
    ``anniversary_conflict`` finding for every explicit other year of the same event and for an
    ``article_date`` more than one year away."""
    findings: list[Finding] = []
    facts = _Facts(claims)
    for i, claim in enumerate(claims):
        for value in claim.values:
            if value.kind != "anniversary" or not isinstance(value.value, int):
                continue
            n = value.value
            subject_text, lo, hi = _anniversary_subject(claim, value)
            founding = _find_founding(facts, i, value, content_words(subject_text), (lo, hi))
            if founding is None:
                continue
            year = founding.year + n
            pair = (i,) if founding.claim == i else (i, founding.claim)
            what = f"{value.text} of {subject_text}" if subject_text else value.text
            findings.append(
                Finding(
                    kind="anniversary_year",
                    severity="info",
                    message=(
                        f"The {what} (established in {founding.year}) places the event in {year}."
                    ),
                    claims=pair,
                    value={"year": year, "founded": founding.year, "anniversary": n},
                )
            )
            findings.extend(
                _anniversary_conflicts(facts, i, value, founding, year, what, article_date)
            )
    return findings


def _anniversary_conflicts(
    facts: _Facts, index: int, anniversary: Value, founding: _Founding, year: int, what: str,
    article_date: datetime.date | None,
) -> list[Finding]:  # fmt: skip
    claims = facts.claims
    found: list[Finding] = []
    base = {"year": year, "founded": founding.year, "anniversary": anniversary.value}
    pair = (index,) if founding.claim == index else (index, founding.claim)
    reported: set[int] = set()  # one conflict per other year, from the nearest claim
    for j in [index, *_same_event_claims(facts, index)]:
        exclude = founding.value if j == founding.claim else None
        for other, v in _event_years(claims[j], exclude=exclude):
            if other in reported or other == year:
                continue
            if j == founding.claim and other == founding.year:
                continue
            reported.add(other)
            involved = tuple(sorted({*pair, j}))
            found.append(
                Finding(
                    kind="anniversary_conflict",
                    severity="conflict",
                    message=(
                        f"The {what} (established in {founding.year}) places the event in {year}, "
                        f"but the article dates it {v.text!r} ({other})."
                    ),
                    claims=involved,
                    value={**base, "other_year": other},
                )
            )
    if article_date is not None and abs(article_date.year - year) > 1:
        found.append(
            Finding(
                kind="anniversary_conflict",
                severity="conflict",
                message=(
                    f"The {what} (established in {founding.year}) places the event in {year}, "
                    f"but the article is dated {article_date.isoformat()}."
                ),
                claims=pair,
                value={**base, "article_year": article_date.year},
            )
        )
    return found


# --- durations ------------------------------------------------------------------------------


def _duration_years(value: Value) -> float | None:
    if value.kind != "duration" or not isinstance(value.value, dict):
        return None
    years = value.value.get("years")
    return float(years) if isinstance(years, (int, float)) and years >= 1 else None


def _since_years(claims: Sequence[ExtractedClaim]) -> list[tuple[int, int, Value]]:
    """(claim index, year, value) for every "since 2015" / "from 2015" in the article."""
    out: list[tuple[int, int, Value]] = []
    for j, claim in enumerate(claims):
        for v in claim.values:
            year = _year_of(v)
            if year is not None and _SINCE_BEFORE.search(_text_before(claim, v.start)):
                out.append((j, year, v))
    return out


def check_durations(
    claims: Sequence[ExtractedClaim],
    *,
    article_date: datetime.date | None = None,
    reference_year: int | None = None,
) -> list[Finding]:
    """ "Over the past two decades" / "two decades ago", counted back from the article date's
    year (else ``reference_year``; without either, nothing): a ``duration_start`` info finding
    with the year it places the start (or the event) in. A "since <year>" in a claim about the
    same subject (two or more shared content words) that is further from that start than a
    quarter of the duration (at least a year) is a ``duration_conflict``."""
    if article_date is not None:
        now, now_from = article_date.year, "article date"
    elif reference_year is not None:
        now, now_from = reference_year, "reference year"
    else:
        return []
    findings: list[Finding] = []
    facts = _Facts(claims)
    since = _since_years(claims)
    since_claims = [j for j, _year, _value in since]
    for i, claim in enumerate(claims):
        for value in claim.values:
            years = _duration_years(value)
            if years is None:
                continue
            after = claim.sentence[_local(claim, value.end) : _local(claim, value.end) + 8]
            ago = bool(_AGO_AFTER.match(after))
            if not ago and not _PAST_BEFORE.search(_text_before(claim, value.start)):
                continue
            start = round(now - years)
            phrase = f"{value.text} ago" if ago else f"the past {value.text}"
            findings.append(
                Finding(
                    kind="duration_start",
                    severity="info",
                    message=(
                        f"{phrase[0].upper()}{phrase[1:]}, counted back from {now}, places the "
                        f"{'event' if ago else 'start'} around {start}."
                    ),
                    claims=(i,),
                    value={"start": start, "years": years, "now": now, "now_from": now_from},
                )
            )
            if not ago:
                # Only "since" claims near this one (bounded work on huge inputs).
                lo = bisect.bisect_left(since_claims, i - MAX_CANDIDATES)
                hi = bisect.bisect_right(since_claims, i + MAX_CANDIDATES)
                nearby = since[lo:hi]
                findings.extend(_since_conflicts(facts, i, value, start, years, now, nearby))
    return findings


def _since_conflicts(
    facts: _Facts, index: int, value: Value, start: int, years: float, now: int,
    since: list[tuple[int, int, Value]],
) -> list[Finding]:  # fmt: skip
    found: list[Finding] = []
    subject = facts.words(index)
    tolerance = max(1.0, years / 4)
    reported: set[int] = set()  # one conflict per "since" year, from the nearest claim
    for j, year, v in sorted(since, key=lambda item: (abs(item[0] - index), item[0])):
        if year in reported or abs(year - start) <= tolerance:
            continue
        if j != index and len(subject & facts.words(j)) < 2:
            continue
        reported.add(year)
        found.append(
            Finding(
                kind="duration_conflict",
                severity="conflict",
                message=(
                    f"{value.text!r} counted back from {now} starts around {start}, "
                    f"but {v.text!r} for the same subject starts in {year}."
                ),
                claims=tuple(sorted({index, j})),
                value={"start": start, "since": year, "years": years, "now": now},
            )
        )
    return found


# --- percentages ----------------------------------------------------------------------------


def _after_words(sentence: str, lo: int, hi: int, limit: int = 4) -> list[str]:
    return [m.group().lower() for m in _WORD.finditer(sentence, lo, hi)][:limit]


# Words that end the noun phrase of a whole ("30% of registered voters | said ...").
_WHOLE_ENDS = frozenset(
    {
        "said", "say", "says", "voted", "vote", "votes", "were", "was", "are", "is", "be",
        "believe", "believed", "think", "thought", "have", "had", "has", "and", "or", "but",
        "who", "that", "which", "support", "supported", "oppose", "opposed", "want", "wanted",
        "agree", "agreed", "disagree", "disagreed", "in", "on", "at", "for", "to", "from", "by",
    }
)  # fmt: skip


def _share_signature(words: list[str]) -> str:
    """ "voted" for "54% voted yes"; "of:registered voters" for "30% of registered voters
    said ..." (the whole's noun phrase, so "81% of overweight boys and 71% of overweight girls"
    name two different wholes)."""
    if not words:
        return ""
    if words[0] == "of":
        phrase: list[str] = []
        for word in words[1:]:
            if word.lower() in _WHOLE_ENDS or len(phrase) == 4:
                break
            if word.lower() not in {"the", "all", "those"}:
                phrase.append(word.lower())
        return "of:" + " ".join(phrase)
    return words[0]


def _shares(claim: ExtractedClaim) -> list[Value]:
    """The percentages of ``claim`` that are shares of one whole, or ``[]``."""
    percents = [v for v in claim.values if v.kind == "percent" and isinstance(v.value, float)]
    if len(percents) < 2 or _CHANGE.search(claim.sentence):
        return []
    s = claim.sentence
    windows: list[list[str]] = []
    for k, v in enumerate(percents):
        hi = _local(claim, percents[k + 1].start) if k + 1 < len(percents) else len(s)
        windows.append(_after_words(s, _local(claim, v.end), hi))
    signatures = [_share_signature(w) for w in windows]
    wholes = {sig for sig in signatures if sig.startswith("of:")}
    if len(wholes) > 1:
        return []  # "54% of men and 52% of women": shares of different wholes
    if signatures[0] and len(set(signatures)) == 1:
        return percents
    words = {w.lower() for w in _WORD.findall(s)}
    if any(len(pair & words) >= 2 for pair in _ANSWERS):
        answered = [v for v, w in zip(percents, windows, strict=True) if set(w) & _ANSWER_WORDS]
        return answered if len(answered) >= 2 else []
    return []


def check_percent_sums(claims: Sequence[ExtractedClaim]) -> list[Finding]:
    """Shares of one whole in one claim ("54% voted yes and 52% voted no": the same word after
    each, or answers such as yes/no) whose total exceeds :data:`MAX_PERCENT_TOTAL`: a
    ``percent_sum`` conflict. Changes ("rose from 40% to 70%") and percentage points are never
    summed."""
    findings: list[Finding] = []
    for i, claim in enumerate(claims):
        shares = _shares(claim)
        total = sum(float(v.value) for v in shares if isinstance(v.value, float))
        if total > MAX_PERCENT_TOTAL:
            texts = " + ".join(v.text for v in shares)
            findings.append(
                Finding(
                    kind="percent_sum",
                    severity="conflict",
                    message=f"Shares of one whole add up to {total:g}%: {texts}.",
                    claims=(i,),
                    value={"percents": [v.value for v in shares], "total": total},
                )
            )
    return findings


# --- titles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Title:
    claim: int
    person: str
    title: str
    former: bool


def _former_before(sentence: str, lo: int) -> bool:
    words = [w.lower() for w in _WORD.findall(sentence[max(0, lo - 24) : lo])]
    return bool(words) and (words[-1] in _FORMER or sentence[max(0, lo - 3) : lo] == "ex-")


def _apposition_gap(gap: str) -> tuple[bool, bool]:
    """(whether ``gap`` joins a name to the title after it, whether it says "former"):
    ", ", ", the ", ", China's ", ", the former "."""
    if not gap.startswith(",") or len(gap) > 48 or "," in gap[1:]:
        return False, False
    words = gap[1:].replace("ex-", "ex ").split()
    former = False
    for word in words:
        bare = word.lower().strip("\u2019'")
        if bare in _FORMER:
            former = True
        elif bare not in _APPOSITION_WORDS and not word[:1].isupper():
            return False, False
    return True, former


def _could_be_a_name(text: str) -> bool:
    """A lone capitalised word that is not a nationality, acronym or number ("Chen")."""
    return (
        " " not in text
        and text[:1].isupper()
        and text[1:].islower()
        and text.isalpha()
        and not is_nationality([text])
    )


def _titles_in(index: int, claim: ExtractedClaim) -> list[_Title]:
    """(person, title) pairs stated in one claim: "President Xi Jinping", "Chen Yixin, China's
    state security chief", "Cuba's interior minister, Lazaro Alberto Alvarez Casas,"."""
    s = claim.sentence
    out: list[_Title] = []
    # People and offices only (a place or nationality in between, "China's", is checked as part
    # of the gap); a lone capitalised word (MISC, "Chen") counts as a name.
    entities = sorted(
        (
            e
            for e in claim.entities
            if e.label in {"PERSON", "OFFICE"} or (e.label == "MISC" and _could_be_a_name(e.text))
        ),
        key=lambda e: e.start,
    )
    for a, b in itertools.pairwise(entities):
        gap = s[_local(claim, a.end) : _local(claim, b.start)]
        if a.label == "OFFICE" and b.label == "PERSON":
            former = _former_before(s, _local(claim, a.start))
            if gap in {" ", ". "}:
                out.append(_Title(index, b.text, a.text, former))
                continue
            after = s[_local(claim, b.end) : _local(claim, b.end) + 1]
            if gap == ", " and after in {",", ".", ""}:
                out.append(_Title(index, b.text, a.text, former))
        elif b.label == "OFFICE" and a.label in {"PERSON", "MISC"}:
            joined, former = _apposition_gap(gap)
            if joined:
                out.append(_Title(index, a.text, b.text, former))
    return out


def _title_words(title: str) -> frozenset[str]:
    words = []
    for word in _WORD.findall(title.replace("-", " ")):
        lower = word.lower()
        if lower in _IGNORED_TITLE_WORDS or (word[:1].isupper() and lower not in _TITLE_CASED):
            continue
        words.append(_HEAD_SYNONYMS.get(lower, lower))
    return frozenset(words)


# Capitalised words that are part of a title ("President", "Prime Minister") rather than a
# nationality or place in front of it ("Cuban", "China's").
_TITLE_CASED = frozenset(
    {
        "president", "minister", "secretary", "chief", "premier", "chancellor", "ambassador",
        "governor", "senator", "director", "chairman", "chairwoman", "chair", "mayor", "king",
        "queen", "prince", "commissioner", "envoy", "judge", "justice", "prosecutor", "general",
        "admiral", "colonel", "commander", "vice", "prime", "deputy", "foreign", "interior",
        "state", "security", "defense", "defence", "finance", "trade", "health", "home",
        "treasury", "affairs", "spokesman", "spokeswoman", "spokesperson", "head", "leader",
        "speaker", "party", "assistant", "under", "lieutenant", "attorney", "representative",
    }
)  # fmt: skip


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b or a == b:
        return True
    if (a | b) & _COEXISTING_TITLE_WORDS:
        return True
    if (a & _SIGNIFICANT_MODIFIERS) != (b & _SIGNIFICANT_MODIFIERS):
        return False
    return a <= b or b <= a


def _canonical_people(titles: list[_Title]) -> dict[str, str]:
    """Map each name to the full name it stands for: a one-word name ("Chen") to the only
    longer name containing it ("Chen Yixin")."""
    parts = name_parts(t.person for t in titles)
    return {
        t.person: t.person if " " in t.person else parts.get(t.person, t.person) for t in titles
    }


def check_titles(claims: Sequence[ExtractedClaim]) -> list[Finding]:
    """The same person given two incompatible titles in the article ("Chen Yixin, China's state
    security chief" and "Chen Yixin, the foreign minister"): a ``title_conflict`` naming the
    claims of both. Titles marked "former"/"ex-" are left out; "foreign minister" and "minister
    of foreign affairs", or "minister" and "foreign minister", are compatible; "president" and
    "vice president" are not."""
    titles = [t for i, c in enumerate(claims) for t in _titles_in(i, c) if not t.former]
    names = _canonical_people(titles)
    # Per person, the first title seen with each distinct set of title words.
    seen: dict[str, dict[frozenset[str], _Title]] = {}
    findings: list[Finding] = []
    reported: set[tuple[str, frozenset[frozenset[str]]]] = set()
    for t in titles:
        person = names[t.person]
        words = _title_words(t.title)
        known = seen.setdefault(person, {})
        if words in known:
            continue
        for earlier_words, earlier in known.items():
            key = (person, frozenset({earlier_words, words}))
            if _compatible(earlier_words, words) or key in reported:
                continue
            reported.add(key)
            findings.append(
                Finding(
                    kind="title_conflict",
                    severity="conflict",
                    message=(
                        f"{person} is called {earlier.title!r} and {t.title!r} in the same article."
                    ),
                    claims=tuple(sorted({earlier.claim, t.claim})),
                    value={"person": person, "titles": [earlier.title, t.title]},
                )
            )
        known[words] = t
    return findings


# --- all checks -----------------------------------------------------------------------------


def check_consistency(
    claims: Sequence[ExtractedClaim],
    *,
    article_date: datetime.date | None = None,
    reference_year: int | None = None,
) -> list[Finding]:
    """All findings across one article's ``claims`` (in reading order), ordered by the first
    claim they involve, info before conflicts on the same claim. ``reference_year`` (for
    example from :func:`reference_year`) only stands in for a missing ``article_date`` when
    durations are counted back; it is never derived here, so each finding rests on the article's
    own words and its date."""
    findings = [
        *check_anniversaries(claims, article_date=article_date),
        *check_durations(claims, article_date=article_date, reference_year=reference_year),
        *check_percent_sums(claims),
        *check_titles(claims),
    ]
    findings.sort(key=lambda f: (min(f.claims), f.severity != "info"))
    return findings


def reference_year(
    claims: Sequence[ExtractedClaim],
    findings: Sequence[Finding],
    article_date: datetime.date | None = None,
) -> int | None:
    """The year "now" is in for this article: the article date's year when given; else the
    year the ``anniversary_year`` findings place the events in, when they agree and no
    ``anniversary_conflict`` casts doubt on them; else ``None``. ``claims`` is accepted for
    symmetry with :func:`check_consistency` (the findings already index it)."""
    del claims  # the findings carry everything needed
    if article_date is not None:
        return article_date.year
    if any(f.kind == "anniversary_conflict" for f in findings):
        return None
    years = {
        f.value["year"]
        for f in findings
        if f.kind == "anniversary_year" and isinstance(f.value, dict)
    }
    return years.pop() if len(years) == 1 else None
