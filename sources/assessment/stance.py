"""Does a passage support or refute a claim? Explainable rules, one line of reason each.

The signals, in the order they are weighed:

1. **Relevance.** The share of the claim's content words (stemmed) that the passage repeats. A
   passage below :attr:`StanceRules.min_overlap` is ``neutral`` ("about something else"), whatever
   numbers it holds, unless a claim figure agrees in a matching context and at least half that
   share is there (a short note confirming the date of a long claim).
2. **Values** (from :func:`claims.extraction.values.find_values`): dates, years, months,
   anniversaries, counts, percentages, money and ordinals. A claim value is compared only with
   passage values of the same family whose sentence shares a word with the claim's words around
   the value (so "established ... 1960" is compared with "established ... 1959", not with
   "marked ... in 2025"). Agreement respects precision: a year-only claim agrees with a full
   date in that year; a rounded claim figure agrees with the exact one. An anniversary with a
   ``reference_year`` fixes the year it counts from (65th in 2025 -> 1960). Counts and ordinals
   are compared only when they count the same thing (the word after them), percentages only
   with two shared context words. A figure next to people the passage does not name may
   confirm the claim's but never contradicts it (it may be another event).
3. **Negation and antonyms** in the passage sentence that best matches the claim: "did not
   establish" against "established" (only when the other side has no negation at all),
   "decrease" against "increase".
4. **Entities**: a passage that does not name the claim's people cannot support it on shared
   words alone ("Wang Xiaohong met ..." does not support "Chen Yixin met ...").

Then: a negation conflict -> ``refutes`` (agreeing figures of a denied event confirm nothing);
other conflicts and agreements -> ``mixed``; conflicts -> ``refutes``; agreements ->
``supports``; neither -> ``supports`` when the passage repeats most of the claim (and the claim
has no figure left unchecked), else ``neutral``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from claims.extraction.entities import find_entities
from claims.extraction.text import split_sentences
from claims.extraction.values import MONTHS, find_values

from .tokens import NEGATIONS, STOP_WORDS, Token, words

LABELS: tuple[str, ...] = ("supports", "refutes", "mixed", "neutral")

_MONTH_NAMES = {number: name for name, number in MONTHS.items()}
_CHECKABLE_KINDS = frozenset({"year", "date", "month", "anniversary", "count", "percent", "money"})
# Words around a value that say how a figure is meant: "more than 50", "about 3,000".
_AT_LEAST = ("more than", "over", "at least", "above", "exceeding", "upwards of")
_AT_MOST = ("less than", "fewer than", "under", "at most", "below", "up to")
_ABOUT = ("about", "around", "nearly", "almost", "roughly", "approximately", "some", "an estimated")
# How many words either side of a claim value count as its context.
_CONTEXT_WORDS = 8
# How many words after a negation it reaches ("did not formally establish").
_NEGATION_SCOPE = 4
_CLAUSE_BREAKS = frozenset({"but", "however", "although", "though", "whereas", "while"})
# Words between a number and what it counts: "36,000 fewer people", "32 confirmed cases".
_COUNT_MODIFIERS = frozenset(
    {"fewer", "additional", "extra", "other", "new", "confirmed", "probable", "total", "of"}
)
# Pairs of words (stems) that say opposite things.
_ANTONYM_PAIRS: tuple[tuple[str, str], ...] = (
    ("increas", "decreas"),
    ("increas", "reduc"),
    ("increas", "lower"),
    ("rise", "fall"),
    ("higher", "lower"),
    ("more", "less"),
    ("more", "fewer"),
    ("greater", "lower"),
    ("greater", "smaller"),
    ("improv", "worsen"),
    ("effectiv", "ineffectiv"),
    ("safe", "unsafe"),
    ("safe", "dangerou"),
    ("benefit", "harm"),
    ("positiv", "negativ"),
    ("strengthen", "weaken"),
    ("gain", "loss"),
    ("win", "lose"),
    ("accept", "reject"),
    ("approv", "reject"),
    ("allow", "ban"),
    ("allow", "prohibit"),
    ("support", "oppos"),
    ("confirm", "deny"),
    ("alive", "dead"),
    ("expand", "shrink"),
    ("open", "clos"),
    ("before", "after"),
    ("first", "last"),
    ("success", "failur"),
    ("protect", "risk"),
    ("common", "rare"),
    ("likely", "unlikely"),
    ("significant", "insignificant"),
    ("associat", "unassociat"),
)
_ANTONYMS: dict[str, frozenset[str]] = {}
for _a, _b in _ANTONYM_PAIRS:
    _ANTONYMS[_a] = _ANTONYMS.get(_a, frozenset()) | {_b}
    _ANTONYMS[_b] = _ANTONYMS.get(_b, frozenset()) | {_a}
# Stems that never anchor a value's context: they go with any figure.
_GENERIC = frozenset({"first", "year", "month", "day", "time", "per", "cent", "percent", "total"})
_NAME_LABELS = frozenset({"PERSON", "ORG"})
# Shared context words a passage value needs to be compared with a claim value of this kind:
# percentages are everywhere in reports, so they need two.
_MIN_LINK = {"percent": 2}
# Which claim values lead the reason: dates before figures before ordinals.
_KIND_ORDER = {"date": 0, "month": 1, "year": 2, "anniversary": 3, "percent": 4, "money": 5,
               "count": 6, "ordinal": 7}  # fmt: skip
_HEDGE_SPLIT = re.compile(r"\s+")


@dataclass(frozen=True)
class StanceRules:
    """The thresholds of the rules, in one place so they can be cross-validated."""

    # Below this share of the claim's words a passage is about something else.
    min_overlap: float = 0.25
    # A passage repeating this share of the claim (and contradicting nothing) supports it.
    support_overlap: float = 0.7
    # A negation or antonym counts only in a passage sentence sharing this share of the claim.
    sentence_overlap: float = 0.3
    # Relative tolerance for "about" figures.
    about_tolerance: float = 0.1


DEFAULT_RULES = StanceRules()


@dataclass(frozen=True)
class Stance:
    """``label`` in :data:`LABELS`; ``reason`` one line a human can check; ``strength`` 0..1 how
    firmly the rules reach the label; ``details`` what they found (JSON-serialisable), among
    it ``related``: False when the passage is about something else."""

    label: str
    reason: str
    strength: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Val:
    kind: str
    text: str
    value: Any
    start: int
    end: int


@dataclass(frozen=True)
class _Finding:
    kind: str  # "value", "negation", "antonym"
    reason: str


def _locate(text: str, needle: str, cursor: int) -> tuple[int, int]:
    """Where ``needle`` stands in ``text``: first at or after ``cursor``, else anywhere;
    (-1, -1) when it is not there."""
    if not needle:
        return -1, -1
    at = text.find(needle, cursor)
    if at < 0:
        at = text.find(needle)
    return (at, at + len(needle)) if at >= 0 else (-1, -1)


def _values(claim: str, raw: Sequence[Mapping[str, Any]]) -> list[_Val]:
    """The stored values, placed in the claim's wording. Stored offsets index the article (and
    the claim may be reworded), so each value is found again by its text; one that is not
    there keeps position -1 and is compared with the claim's words as a whole."""
    out: list[_Val] = []
    cursor = 0
    for v in sorted(raw, key=lambda v: v.get("start", 0) if isinstance(v, Mapping) else 0):
        try:
            kind, text, value = str(v["kind"]), str(v["text"]), v["value"]
        except (KeyError, TypeError):
            continue
        start, end = _locate(claim, text, cursor)
        cursor = max(cursor, end)
        out.append(_Val(kind, text, value, start, end))
    return out


def _found_values(text: str) -> list[_Val]:
    return [_Val(v.kind, v.text, v.value, v.start, v.end) for v in find_values(text)]


# --- time ------------------------------------------------------------------------------------

_Time = tuple[int | None, int | None, int | None]


def _time(v: _Val) -> _Time | None:
    """(year, month, day) with ``None`` for what the value does not say."""
    if v.kind == "year" and isinstance(v.value, int):
        return (v.value, None, None)
    if v.kind == "date" and isinstance(v.value, str):
        try:
            y, m, d = (int(part) for part in v.value.split("-"))
        except ValueError:
            return None
        return (y, m, d)
    if v.kind == "month" and isinstance(v.value, Mapping):
        year = v.value.get("year")
        month = v.value.get("month")
        day = v.value.get("day")
        return (
            year if isinstance(year, int) else None,
            month if isinstance(month, int) else None,
            day if isinstance(day, int) else None,
        )
    return None


def _time_text(t: _Time) -> str:
    year, month, day = t
    parts = [str(day) if day else "", _MONTH_NAMES.get(month or 0, ""), str(year or "")]
    return " ".join(p for p in parts if p)


def _compare_times(claim: _Time, passage: _Time) -> str:
    """ "agree" (the passage says at least what the claim says, the same), "conflict" (a field
    both give differs) or "" (compatible, not confirmed)."""
    for c, p in zip(claim, passage, strict=True):
        if c is not None and p is not None and c != p:
            return "conflict"
    if all(c is None or p is not None for c, p in zip(claim, passage, strict=True)):
        return "agree"
    return ""


# --- numbers ---------------------------------------------------------------------------------


def _amount(v: _Val) -> tuple[str, float] | None:
    """A comparable (unit, amount): percentages, money per currency, counts, ordinals."""
    value = v.value
    if v.kind == "percent":
        if isinstance(value, int | float):
            return ("percent", float(value))
        if isinstance(value, Mapping) and isinstance(value.get("amount"), int | float):
            return ("percentage point", float(value["amount"]))
    if v.kind == "money" and isinstance(value, Mapping):
        amount = value.get("amount")
        if isinstance(amount, int | float):
            return ("money " + str(value.get("currency", "")), float(amount))
    if v.kind in {"count", "ordinal"} and isinstance(value, int | float):
        return (v.kind, float(value))
    return None


def _hedge(claim: str, v: _Val) -> str:
    if v.start < 0:
        return ""
    before = claim[max(0, v.start - 24) : v.start].lower()
    before = " ".join(_HEDGE_SPLIT.split(before))
    for kind, phrases in (("at least", _AT_LEAST), ("at most", _AT_MOST), ("about", _ABOUT)):
        if any(before.endswith(p + " ") or before.endswith(p) for p in phrases):
            return kind
    return ""


def _significant_round(x: float, digits: int) -> float:
    if x == 0:
        return 0.0
    return round(x, -math.floor(math.log10(abs(x))) + (digits - 1))


def _significant_digits(text: str) -> int:
    digits = "".join(ch for ch in text if ch.isdigit()).rstrip("0")
    digits = digits.lstrip("0")
    return max(1, len(digits))


def _compare_amounts(claim: float, passage: float, hedge: str, text: str, tol: float) -> str:
    if hedge == "at least":
        return "agree" if passage >= claim else "conflict"
    if hedge == "at most":
        return "agree" if passage <= claim else "conflict"
    if hedge == "about":
        return "agree" if abs(passage - claim) <= tol * max(abs(claim), 1e-9) else "conflict"
    if passage == claim:
        return "agree"
    # A round claim figure ("36,000", "3 billion") agrees with the passage's figure rounded
    # to as many significant digits.
    digits = _significant_digits(text)
    if any(ch.isdigit() for ch in text) and _significant_round(passage, digits) == claim:
        return "agree"
    return "conflict"


# --- words -----------------------------------------------------------------------------------


def _content(tokens: Sequence[Token]) -> list[Token]:
    return [t for t in tokens if t.word not in STOP_WORDS and t.word not in NEGATIONS]


def _negated(tokens: Sequence[Token]) -> tuple[dict[str, str], dict[str, str]]:
    """(scope, heads): the stems inside a negation's scope and the first content word after
    each negation (what is denied: "not *lower*", "no *airborne* transmission"), each mapped to
    the word as written."""
    scope: dict[str, str] = {}
    heads: dict[str, str] = {}
    for i, t in enumerate(tokens):
        if t.word not in NEGATIONS:
            continue
        reach = 0
        for u in tokens[i + 1 :]:
            if u.word in _CLAUSE_BREAKS:
                break
            if u.word in STOP_WORDS or u.word in NEGATIONS:
                continue
            if reach == 0:
                heads.setdefault(u.stem, u.word)
            scope.setdefault(u.stem, u.word)
            reach += 1
            if reach == _NEGATION_SCOPE:
                break
    return scope, heads


def _entity_found(name: str, passage_words: set[str]) -> bool:
    """Whether the passage names ``name``: all its words, or for a name of several words most
    of them including one past the first."""
    parts = [w.word for w in words(name) if w.word not in STOP_WORDS]
    if not parts:
        return True
    present = sum(1 for p in parts if p in passage_words)
    if len(parts) > 1:
        # "Miguel Diaz-Canel Bermudez" is "Miguel Diaz-Canel": most of the name, or the surname.
        return present * 2 >= len(parts) and any(p in passage_words for p in parts[1:])
    return present == len(parts)


def _sentences(text: str) -> list[tuple[int, int]]:
    return split_sentences(text) or [(0, len(text))]


def _sentence_at(spans: Sequence[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= pos < end:
            return start, end
    return spans[-1]


@dataclass
class _Analysis:
    agreements: list[_Finding] = field(default_factory=list)
    conflicts: list[_Finding] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)


def _claim_context(
    claim: str, claim_tokens: Sequence[Token], v: _Val, exclude: set[str]
) -> set[str]:
    """Content stems near a claim value, without names (the entities' words and any
    capitalised word past the first): what the value is about ("establish diplomatic ties")."""
    if v.start < 0:
        near = list(claim_tokens)  # not found in the wording: the whole claim
    else:
        before = [t for t in claim_tokens if t.end <= v.start]
        after = [t for t in claim_tokens if t.start >= v.end]
        near = before[-_CONTEXT_WORDS:] + after[:_CONTEXT_WORDS]
    first = claim_tokens[0].start if claim_tokens else 0
    return {
        t.stem
        for t in _content(near)
        if t.stem not in exclude
        and not t.word.isdigit()
        and t.stem not in _GENERIC
        and not (t.start > first and claim[t.start : t.start + 1].isupper())
    }


def _names_near(
    entities: Sequence[tuple[str, str, int, int]], v: _Val, claim_tokens: Sequence[Token]
) -> list[str]:
    """The claim's people and organisations within the value's context window."""
    if v.start < 0:
        return [name for name, label, _s, _e in entities if label in _NAME_LABELS]
    before = [t for t in claim_tokens if t.end <= v.start][-_CONTEXT_WORDS * 2 :]
    after = [t for t in claim_tokens if t.start >= v.end][: _CONTEXT_WORDS * 2]
    lo = before[0].start if before else v.start
    hi = after[-1].end if after else v.end
    return [
        name
        for name, label, start, end in entities
        if label in _NAME_LABELS and (start < 0 or (start < hi and end > lo))
    ]


def _passage_context(
    passage_tokens: Sequence[Token], spans: Sequence[tuple[int, int]], v: _Val
) -> set[str]:
    start, end = _sentence_at(spans, v.start)
    return {t.stem for t in _content(passage_tokens) if start <= t.start < end}


def _compare_values(
    claim: str,
    claim_values: Sequence[_Val],
    claim_tokens: Sequence[Token],
    passage_values: Sequence[_Val],
    passage_tokens: Sequence[Token],
    passage: str,
    entities: Sequence[tuple[str, str, int, int]],
    reference_year: int | None,
    rules: StanceRules,
) -> _Analysis:
    result = _Analysis()
    spans = _sentences(passage)
    contexts = [_passage_context(passage_tokens, spans, pv) for pv in passage_values]
    name_stems = {w.stem for name, _label, _s, _e in entities for w in words(name)}
    passage_words = {t.word for t in passage_tokens}
    ordered = sorted(claim_values, key=lambda v: _KIND_ORDER.get(v.kind, 9))
    for cv in ordered:
        context = _claim_context(claim, claim_tokens, cv, name_stems)
        near = _names_near(entities, cv, claim_tokens)
        # A figure about people the passage does not name may belong to another event: it
        # can confirm the claim's figure but not contradict it.
        may_conflict = not near or any(_entity_found(n, passage_words) for n in near)
        linked = [
            (pv, ctx)
            for pv, ctx in zip(passage_values, contexts, strict=True)
            if not context or len(context & ctx) >= min(len(context), _MIN_LINK.get(cv.kind, 1))
        ]
        agree: _Finding | None = None
        conflict: _Finding | None = None
        compared = False
        for pv, _ctx in linked:
            outcome, reason = _compare_one(claim, passage, cv, pv, reference_year, rules)
            if not outcome:
                continue
            compared = compared or outcome == "agree" or may_conflict
            if outcome == "agree" and agree is None:
                agree = _Finding("value", reason)
            elif outcome == "conflict" and conflict is None and may_conflict:
                conflict = _Finding("value", reason)
        if agree is not None:
            result.agreements.append(agree)
        elif conflict is not None:
            result.conflicts.append(conflict)
        elif not compared and cv.kind in _CHECKABLE_KINDS:
            result.unchecked.append(cv.text)
    return result


def _describe(v: _Val) -> str:
    """The value as written, with the year the extractor resolved: "May (2025)"."""
    if v.kind == "month" and isinstance(v.value, Mapping):
        year = v.value.get("year")
        if isinstance(year, int) and str(year) not in v.text:
            return f"{v.text} ({year})"
    return v.text


def _unit_after(text: str, v: _Val) -> str:
    """The stem of what a count or ordinal counts: the first content word after it."""
    if v.start < 0:
        return ""
    for token in words(text[v.end : v.end + 60])[:4]:
        if token.word in STOP_WORDS or token.word in _COUNT_MODIFIERS or token.word.isdigit():
            continue
        return token.stem
    return ""


def _compare_one(
    claim: str,
    passage: str,
    cv: _Val,
    pv: _Val,
    reference_year: int | None,
    rules: StanceRules,
) -> tuple[str, str]:
    """("agree" | "conflict" | "", reason) for one claim value against one passage value."""
    said = f"passage says {pv.text}; claim says {_describe(cv)}"
    claim_time = _time(cv)
    passage_time = _time(pv)
    if claim_time is not None and passage_time is not None:
        return _compare_times(claim_time, passage_time), said
    if cv.kind == "anniversary" and isinstance(cv.value, int):
        if pv.kind == "anniversary" and isinstance(pv.value, int):
            return ("agree" if pv.value == cv.value else "conflict"), said
        if passage_time is not None and passage_time[0] is not None and reference_year:
            since = reference_year - cv.value
            if passage_time[0] == reference_year:
                return "", said  # the anniversary year itself: neither confirms nor refutes
            how = f"the {cv.text} in {reference_year} places it in {since}"
            outcome = _compare_times((since, None, None), passage_time)
            return outcome, f"passage says {pv.text}; {how}"
        return "", said
    if pv.kind == "anniversary" and claim_time is not None and isinstance(pv.value, int):
        return "", said
    claim_amount = _amount(cv)
    passage_amount = _amount(pv)
    if cv.kind in {"count", "ordinal"} and _unit_after(claim, cv) != _unit_after(passage, pv):
        return "", said  # "36,000 deaths" and "78,000 cases" count different things
    if claim_amount and passage_amount and claim_amount[0] == passage_amount[0]:
        outcome = _compare_amounts(
            claim_amount[1],
            passage_amount[1],
            _hedge(claim, cv),
            cv.text,
            rules.about_tolerance,
        )
        return outcome, said
    return "", said


def _best_sentence(
    claim_stems: set[str], passage: str, passage_tokens: Sequence[Token]
) -> tuple[list[Token], float]:
    best: list[Token] = []
    best_share = 0.0
    for start, end in _sentences(passage):
        tokens = [t for t in passage_tokens if start <= t.start < end]
        stems = {t.stem for t in _content(tokens)}
        share = len(claim_stems & stems) / len(claim_stems) if claim_stems else 0.0
        if share > best_share:
            best, best_share = tokens, share
    return best, best_share


def _polarity(
    claim_tokens: Sequence[Token], sentence: Sequence[Token], claim_stems: set[str]
) -> list[_Finding]:
    found: list[_Finding] = []
    sentence_stems = {t.stem for t in _content(sentence)}
    claim_negated, claim_heads = _negated(claim_tokens)
    passage_negated, passage_heads = _negated(sentence)
    # Polarity differs only when one side has no negation at all: "a lack of type I IFNs"
    # and "completely absent" both deny, in different places.
    if not claim_heads:
        for stem_, word in passage_heads.items():
            if stem_ in claim_stems:
                found.append(_Finding("negation", f"passage negates '{word}'"))
                break
    if not passage_heads:
        for stem_, word in claim_heads.items():
            if stem_ in sentence_stems:
                found.append(_Finding("negation", f"claim negates '{word}'; the passage does not"))
                break
    claim_words = {t.stem: t.word for t in _content(claim_tokens)}
    sentence_words = {t.stem: t.word for t in _content(sentence)}
    for stem_, word in claim_words.items():
        if stem_ in claim_negated or stem_ in sentence_stems:
            continue
        for opposite in _ANTONYMS.get(stem_, frozenset()):
            if opposite in sentence_words and opposite not in passage_negated:
                passage_word = sentence_words[opposite]
                found.append(
                    _Finding(
                        "antonym", f"passage says '{passage_word}' where the claim says '{word}'"
                    )
                )
                return found
    return found


def _entities(
    claim: str, given: Sequence[Mapping[str, Any]] | None
) -> list[tuple[str, str, int, int]]:
    """(text, label, start, end) of the claim's entities; stored ones are placed in the
    claim's wording like values (see :func:`_values`)."""
    if given is None:
        return [(e.text, e.label, e.start, e.end) for e in find_entities(claim)]
    out: list[tuple[str, str, int, int]] = []
    cursor = 0
    for e in given:
        if not isinstance(e, Mapping) or not isinstance(e.get("text"), str):
            continue
        text = str(e["text"])
        start, end = _locate(claim, text, cursor)
        cursor = max(cursor, end)
        out.append((text, str(e.get("label", "")), start, end))
    return out


def assess_stance(
    claim_text: str,
    passage: str,
    *,
    claim_values: Sequence[Mapping[str, Any]] | None = None,
    claim_entities: Sequence[Mapping[str, Any]] | None = None,
    reference_year: int | None = None,
    rules: StanceRules = DEFAULT_RULES,
) -> Stance:
    """The stance of ``passage`` towards ``claim_text``.

    ``claim_values``/``claim_entities`` are the extractor's dicts as stored on the Claim (their
    offsets may index the article: each is found again in ``claim_text`` by its text); when
    ``None`` they are found here. ``reference_year`` is the
    year the claim is made in (the article's year): it turns "65th anniversary" into a year.
    """
    c_values = (
        _values(claim_text, claim_values) if claim_values is not None else _found_values(claim_text)
    )
    entities = _entities(claim_text, claim_entities)
    claim_tokens = words(claim_text)
    passage_tokens = words(passage)
    claim_stems = {t.stem for t in _content(claim_tokens)}
    passage_stems = {t.stem for t in _content(passage_tokens)}
    shared = claim_stems & passage_stems
    overlap = len(shared) / len(claim_stems) if claim_stems else 0.0
    passage_words = {t.word for t in passage_tokens}
    names = list(dict.fromkeys(n for n, label, _s, _e in entities if label in _NAME_LABELS))
    missing = [name for name in names if not _entity_found(name, passage_words)]
    details: dict[str, Any] = {
        "overlap": round(overlap, 3),
        "shared_words": sorted(shared),
        "missing_entities": missing,
    }
    analysis = _compare_values(
        claim_text,
        c_values,
        claim_tokens,
        _found_values(passage),
        passage_tokens,
        passage,
        entities,
        reference_year,
        rules,
    )
    if overlap < rules.min_overlap and not (
        analysis.agreements and overlap >= rules.min_overlap / 2
    ):
        # About something else, unless a figure of the claim agrees in a matching context
        # (a long claim shares few words with a short note that confirms its date).
        details["related"] = False
        return Stance(
            "neutral",
            f"passage is about something else ({len(shared)} of {len(claim_stems)} claim words)",
            0.0,
            details,
        )
    details["related"] = True
    sentence, sentence_share = _best_sentence(claim_stems, passage, passage_tokens)
    if sentence_share >= rules.sentence_overlap:
        analysis.conflicts.extend(_polarity(claim_tokens, sentence, claim_stems))
    details["agreements"] = [f.reason for f in analysis.agreements]
    details["conflicts"] = [f.reason for f in analysis.conflicts]
    details["unchecked_values"] = analysis.unchecked
    negations = [f for f in analysis.conflicts if f.kind == "negation"]
    if negations:
        # The passage denies what the claim asserts (or the reverse): agreeing figures of a
        # denied event confirm nothing.
        return Stance("refutes", negations[0].reason, 0.6, details)
    if analysis.conflicts and analysis.agreements:
        reason = f"{analysis.agreements[0].reason}, but {analysis.conflicts[0].reason}"
        return Stance("mixed", reason, 0.5, details)
    if analysis.conflicts:
        strength = 0.9 if analysis.conflicts[0].kind == "value" else 0.6
        return Stance("refutes", analysis.conflicts[0].reason, strength, details)
    if analysis.agreements:
        reason = analysis.agreements[0].reason
        if missing:
            reason += f" (passage does not name {', '.join(missing)})"
        return Stance("supports", reason, 0.9 if not missing else 0.6, details)
    if analysis.unchecked:
        what = ", ".join(analysis.unchecked)
        return Stance("neutral", f"passage gives nothing to compare with {what}", 0.0, details)
    if missing:
        return Stance("neutral", f"passage does not name {', '.join(missing)}", 0.0, details)
    if overlap >= rules.support_overlap:
        reason = f"passage repeats {len(shared)} of {len(claim_stems)} claim words"
        return Stance("supports", reason, round(overlap, 3) * 0.7, details)
    reason = (
        f"passage is related ({len(shared)} of {len(claim_stems)} claim words) "
        "but neither confirms nor contradicts it"
    )
    return Stance("neutral", reason, 0.0, details)
