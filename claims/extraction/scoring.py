"""Check-worthiness: a small, explainable heuristic (no trained model yet).

The score starts at :data:`BASE_SCORE`; each cue found in the sentence adds or subtracts a fixed
weight (see :data:`CUES`), and the sum is clamped to 0..1. A sentence is check-worthy (label
``"Yes"``) when the score is at least 0.5. :func:`explain_sentence` lists the cues that fired.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .entities import find_entities
from .records import Entity, SentenceScore, Value
from .text import INVISIBLE_CHARS, WORD_END, WORD_START, word_pattern
from .values import find_values

BASE_SCORE = 0.3
YES_THRESHOLD = 0.5
# A "sentence" longer than this is a table, a list run together or garbage, not one statement:
# it scores 0 without being analysed, which also keeps hostile input cheap.
MAX_SENTENCE_CHARS = 2000
# Fewer words than this is a fragment ("Yes.", "He won."), not a checkable statement.
MIN_WORDS = 3

_W = WORD_START
_E = WORD_END
_words = word_pattern


# name, pattern, weight. Each cue counts once per sentence, however often it matches.
CUES: tuple[tuple[str, re.Pattern[str], float], ...] = (
    (
        "office or title",
        _words(
            "minister",
            "president",
            "chief",
            "secretary",
            "premier",
            "chancellor",
            "ambassador",
            "governor",
            "senator",
            "spokes(?:man|woman|person)",
            "director",
            "chairman",
            "mayor",
            "official",
            "commissioner",
        ),
        0.15,
    ),
    (
        "superlative or first",
        _words(
            "first",
            "last",
            "only",
            "most",
            "least",
            "largest",
            "biggest",
            "highest",
            "lowest",
            "oldest",
            "newest",
            "greatest",
            "longest",
            "smallest",
            "strongest",
            "richest",
            "poorest",
            "deadliest",
            "best",
            "worst",
            "record",
        ),
        0.1,
    ),
    (
        "reported speech",
        re.compile(
            _W + r"(?:said|says|stated|stating|noted|noting|told|announced|according\s+to|"
            r"reported|confirmed|declared|expressed|praised|emphasi[sz]ed)"
            + _E
            + r"|[\u201c\u201d]",
            re.IGNORECASE,
        ),
        0.15,
    ),
    (
        "event verb",
        _words(
            "met",
            "signed",
            "established",
            "invested",
            "visited",
            "agreed",
            "launched",
            "approved",
            "elected",
            "appointed",
            "killed",
            "arrested",
            "voted",
            "passed",
            "founded",
            "opened",
            "closed",
            "won",
            "lost",
            "rose",
            "fell",
            "increased",
            "decreased",
            "imposed",
            "lifted",
            "faced",
            "held",
            "hosted",
            "discussed",
            "has\\s+invested",
            "coincided",
        ),
        0.15,
    ),
    ("anniversary", _words("anniversary", "anniversaries"), 0.2),
    (
        "speculation",
        # Case-sensitive so that the month "May" is not taken for the verb "may".
        re.compile(
            _W + r"(?:[Cc]ould|may|[Mm]ight|[Ww]ould|[Pp]erhaps|[Pp]ossibly|[Pp]otential(?:ly)?|"
            r"(?:is|are)\s+likely\s+to|likely|undoubtedly)" + _E
        ),
        -0.25,
    ),
    (
        "opinion or interpretation",
        _words(
            "underscores?",
            "underscoring",
            "reflects?",
            "reflecting",
            "signals?",
            r"raises?\s+questions",
            r"the\s+implications?",
            "perceived",
            r"I\s+think",
            "should",
            "indicative",
            "pivotal",
            "significant",
            "relevant",
            r"is\s+part\s+of",
            "framed",
            "aligns?",
            "rooted",
            "enduring",
            "symboli[sz]es",
            "highlighting",
            "highlights?",
            "inadvertently",
            "ideological",
        ),
        -0.15,
    ),
    (
        "intent or forecast",
        _words(
            r"aims?\s+to",
            r"seeks?\s+to",
            r"seeking\s+to",
            "will",
            r"look\s+to",
            r"continues\s+to\s+evolve",
            r"eager\s+to",
            "expects?",
            "expected",
            "forecasts?",
            r"be\s+closely\s+watched",
        ),
        -0.2,
    ),
)

_QUESTION = re.compile(r"\?[\"'\u201d\u2019)]*\s*$")


def _clean(sentence: str) -> str:
    if any(ch in INVISIBLE_CHARS for ch in sentence):
        sentence = "".join(ch for ch in sentence if ch not in INVISIBLE_CHARS)
    return sentence.strip()


def _too_long_or_short(s: str) -> list[tuple[str, float]] | None:
    if len(s) > MAX_SENTENCE_CHARS:
        return [("too long to be one statement", -1.0)]
    if len(s.split(maxsplit=MIN_WORDS)) < MIN_WORDS:
        return [("too short to be a statement", -1.0)]
    return None


def _cues(s: str, values: Sequence[Value], inner_names: set[str]) -> list[tuple[str, float]]:
    fired: list[tuple[str, float]] = []
    kinds = {v.kind for v in values}
    if kinds & {"year", "date"}:
        fired.append(("year or date", 0.2))
    elif "month" in kinds:
        fired.append(("month", 0.1))
    if kinds & {"percent", "money"}:
        fired.append(("percent or money", 0.2))
    if kinds & {"count", "ordinal", "duration"}:
        fired.append(("number", 0.15))
    if inner_names:
        fired.append(("named entities", round(min(0.2, 0.07 * len(inner_names)), 2)))
    for name, pattern, weight in CUES:
        if pattern.search(s):
            fired.append((name, weight))
    if _QUESTION.search(s):
        fired.append(("question", -0.3))
    if len(s.split()) < 6:
        fired.append(("very short", -0.3))
    return fired


def _inner_names(entities: Sequence[Entity], sentence_start: int) -> set[str]:
    """Distinct names (offices aside) that do not open the sentence."""
    return {e.text for e in entities if e.start > sentence_start and e.label != "OFFICE"}


def explain_sentence(sentence: str) -> list[tuple[str, float]]:
    """The cues that fired for ``sentence`` and their weights, in a fixed order."""
    if len(sentence) > MAX_SENTENCE_CHARS * 2:
        return [("too long to be one statement", -1.0)]
    s = _clean(sentence)
    if not s:
        return []
    limits = _too_long_or_short(s)
    if limits is not None:
        return limits
    return _cues(s, find_values(s), _inner_names(find_entities(s), 0))


def _to_score(fired: list[tuple[str, float]]) -> SentenceScore:
    if not fired:
        return SentenceScore(label="No", score=0.0)
    score = BASE_SCORE + sum(weight for _name, weight in fired)
    score = round(min(1.0, max(0.0, score)), 4)
    return SentenceScore(label="Yes" if score >= YES_THRESHOLD else "No", score=score)


def score_sentence(sentence: str) -> SentenceScore:
    """Score one sentence for check-worthiness; label ``"Yes"`` when the score is >= 0.5."""
    return _to_score(explain_sentence(sentence))


def quick_reject(sentence: str) -> bool:
    """True when ``sentence`` scores 0 without analysis (empty, too long or too short)."""
    if len(sentence) > MAX_SENTENCE_CHARS * 2:
        return True
    s = _clean(sentence)
    return not s or _too_long_or_short(s) is not None


def score_analysed(
    sentence: str, values: Sequence[Value], entities: Sequence[Entity], sentence_start: int
) -> SentenceScore:
    """Like :func:`score_sentence`, reusing values and entities the caller already found in
    ``sentence`` (offsets relative to ``sentence_start``). Call :func:`quick_reject` first."""
    return _to_score(_cues(sentence, values, _inner_names(entities, sentence_start)))
