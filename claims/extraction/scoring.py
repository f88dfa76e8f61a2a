"""Check-worthiness: the trained model combined with what a news desk knows.

The trained model (:mod:`claims.extraction.model`, ClaimBuster debates) gives a logit, already
shifted so that its own decision threshold sits at 0. A news desk's cues (:data:`CUES`: dates,
figures, offices, superlatives, quotes, reported events, opinion, speculation, forecasts,
questions) then add their weights to it, in logit units. The sum goes through a sigmoid, so the
score is in 0..1 and the label is ``"Yes"`` when it is at least 0.5. In article prose,
:func:`article_rules` adds fixed penalties for speculation, opinion and forecasts.
:func:`explain_sentence` lists the model's share and every cue that fired, for a reviewer to see.

Which cues exist is desk knowledge written down here (ARCHITECTURE section 5); how much each
weighs is learned on the training file alone, by a second logistic regression over the model's
out-of-fold logit and the cues (see :mod:`claims.extraction.training`); the weights ship in the
model file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from .entities import find_entities
from .model import shipped_model, sigmoid
from .records import Entity, SentenceScore, Value
from .text import WORD_END, WORD_START, WordTest, lower_tokens, remove_invisible, word_pattern
from .values import find_values

YES_THRESHOLD = 0.5
# A "sentence" longer than this is a table, a list run together or garbage, not one statement:
# it scores 0 without being analysed, which also keeps hostile input cheap.
MAX_SENTENCE_CHARS = 2000
# Fewer words than this is a fragment ("Yes.", "He won."), not a checkable statement.
MIN_WORDS = 3

_W = WORD_START
_E = WORD_END
_words = word_pattern


# name, pattern. Each cue counts once per sentence, however often it matches; its weight is
# learned and ships in the model file (cue_weights).
CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
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
    ),
    ("anniversary", _words("anniversary", "anniversaries")),
    (
        "speculation",
        # Case-sensitive so that the month "May" is not taken for the verb "may".
        re.compile(
            _W + r"(?:[Cc]ould|may|[Mm]ight|[Ww]ould|[Pp]erhaps|[Pp]ossibly|[Pp]otential(?:ly)?|"
            r"(?:is|are)\s+likely\s+to|likely|undoubtedly)" + _E
        ),
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
    ),
)


# The cue patterns with their word-set pre-tests (see WordTest), in the order of CUES.
_CUE_TESTS: tuple[tuple[str, WordTest], ...] = tuple(
    (name, WordTest(pattern)) for name, pattern in CUES
)

_QUESTION = re.compile(r"\?[\"'\u201d\u2019)]*\s*$")


# Fixed penalties for analysis prose in articles; see article_rules().
ARTICLE_RULES: dict[str, float] = {
    "speculation": -1.5,
    "opinion or interpretation": -1.5,
    "intent or forecast": -1.2,
}
_RULE_TESTS = tuple((name, test) for name, test in _CUE_TESTS if name in ARTICLE_RULES)
_REJECTED = 0.0  # the score of a sentence rejected before analysis
MODEL_CUE = "trained model"


def _clean(sentence: str) -> str:
    return remove_invisible(sentence).strip()


def _too_long_or_short(s: str) -> list[tuple[str, float]] | None:
    if len(s) > MAX_SENTENCE_CHARS:
        return [("too long to be one statement", -math.inf)]
    if len(s.split(maxsplit=MIN_WORDS)) < MIN_WORDS:
        return [("too short to be a statement", -math.inf)]
    return None


def cue_names(s: str, values: Sequence[Value], inner_names: set[str]) -> list[str]:
    """The desk cues that fire for the cleaned sentence ``s``, in a fixed order."""
    fired: list[str] = []
    kinds = {v.kind for v in values}
    if kinds & {"year", "date"}:
        fired.append("year or date")
    elif "month" in kinds:
        fired.append("month")
    if kinds & {"percent", "money"}:
        fired.append("percent or money")
    if kinds & {"count", "ordinal", "duration"}:
        fired.append("number")
    if inner_names:
        fired.append(f"named entities: {min(len(inner_names), 3)}")
    tokens = lower_tokens(s)
    fired.extend(name for name, test in _CUE_TESTS if test.search(s, tokens))
    if _QUESTION.search(s):
        fired.append("question")
    if len(s.split()) < 6:
        fired.append("very short")
    return fired


def _cues(s: str, values: Sequence[Value], inner_names: set[str]) -> list[tuple[str, float]]:
    weights = shipped_model().cue_weights
    return [(name, weights.get(name, 0.0)) for name in cue_names(s, values, inner_names)]


def sentence_cues(sentence: str) -> list[str]:
    """:func:`cue_names` of a raw sentence (values and entities found here); for training."""
    s = _clean(sentence)
    return cue_names(s, find_values(s), _inner_names(find_entities(s), 0))


def _inner_names(entities: Sequence[Entity], sentence_start: int) -> set[str]:
    """Distinct names (offices aside) that do not open the sentence."""
    return {e.text for e in entities if e.start > sentence_start and e.label != "OFFICE"}


def _model(s: str, *, cues: bool = True) -> tuple[str, float]:
    model = shipped_model()
    logit = model.calibrated_logit(s)
    if cues:
        logit = model.cue_scale * logit + model.cue_bias
    return (MODEL_CUE, round(logit, 4))


def explain_sentence(sentence: str, *, cues: bool = True) -> list[tuple[str, float]]:
    """What the score of ``sentence`` is made of, in logit units: the trained model's share
    first, then each desk cue that fired. ``cues=False`` leaves the desk cues out."""
    if len(sentence) > MAX_SENTENCE_CHARS * 2:
        return [("too long to be one statement", -math.inf)]
    s = _clean(sentence)
    if not s:
        return []
    limits = _too_long_or_short(s)
    if limits is not None:
        return limits
    if not cues:
        return [_model(s, cues=False)]
    return [_model(s), *_cues(s, find_values(s), _inner_names(find_entities(s), 0))]


def _to_score(fired: list[tuple[str, float]]) -> SentenceScore:
    total = sum(weight for _name, weight in fired)
    if not fired or total == -math.inf:
        return SentenceScore(label="No", score=_REJECTED)
    score = round(sigmoid(total), 4)
    return SentenceScore(label="Yes" if score >= YES_THRESHOLD else "No", score=score)


def score_sentence(sentence: str, *, cues: bool = True) -> SentenceScore:
    """Score one sentence for check-worthiness; label ``"Yes"`` when the score is >= 0.5.

    ``cues=False`` gives the trained model's judgement alone (for evaluation)."""
    return _to_score(explain_sentence(sentence, cues=cues))


def quick_reject(sentence: str) -> bool:
    """True when ``sentence`` scores 0 without analysis (empty, too long or too short)."""
    if len(sentence) > MAX_SENTENCE_CHARS * 2:
        return True
    s = _clean(sentence)
    return not s or _too_long_or_short(s) is not None


def article_rules(s: str) -> list[tuple[str, float]]:
    """The rules a news desk applies to article prose on top of the learned score.

    Presidential debates, the training data, hardly contain the analyst's prose of news articles
    ("this underscores", "raises questions", "may provide", "aims to"), so the learned weights of
    those cues are near zero. In an article such sentences are commentary, not claims: these
    fixed penalties (in logit units, set by hand on the seed article, the development text) keep
    them out. ``score`` (sentences alone) does not apply them.
    """
    tokens = lower_tokens(s)
    return [
        (f"article: {name}", ARTICLE_RULES[name])
        for name, test in _RULE_TESTS
        if test.search(s, tokens)
    ]


def model_logit(sentence: str) -> float:
    """The trained model's share of the score of ``sentence`` (scaled, with the cue bias)."""
    return _model(_clean(sentence))[1]


def cannot_pass(logit: float, threshold: float) -> bool:
    """True when a sentence whose model share is ``logit`` stays below ``threshold`` even if
    every desk cue with a positive weight fired: its values and cues need not be computed."""
    if threshold <= 0.0:
        return False
    return sigmoid(logit + shipped_model().cue_gain) < threshold


def score_analysed(
    sentence: str,
    values: Sequence[Value],
    entities: Sequence[Entity],
    sentence_start: int,
    *,
    logit: float | None = None,
) -> SentenceScore:
    """Like :func:`score_sentence`, reusing values and entities the caller already found in
    ``sentence`` (offsets relative to ``sentence_start``) and, when given, the model's share
    from :func:`model_logit`. Call :func:`quick_reject` first."""
    s = _clean(sentence)
    model = (MODEL_CUE, logit) if logit is not None else _model(s)
    return _to_score([model, *_cues(s, values, _inner_names(entities, sentence_start))])


def score_statement(sentence_score: SentenceScore, statement: str) -> SentenceScore:
    """The check-worthiness of one statement cut from a scored sentence: the sentence's score
    with :func:`article_rules` applied to the statement's own wording, so that "This meeting
    underscores a commitment" drops out while "This meeting coincided with the 65th anniversary"
    cut from the same sentence stays."""
    if sentence_score.score <= 0.0:
        return sentence_score
    p = min(max(sentence_score.score, 1e-6), 1.0 - 1e-6)
    rules = article_rules(_clean(statement))
    if not rules:
        return sentence_score
    return _to_score([("sentence", math.log(p / (1.0 - p))), *rules])
