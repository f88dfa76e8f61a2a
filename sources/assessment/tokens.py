"""Words for ranking and comparison: lower-cased, accents folded, stop words out, lightly stemmed.

Numbers and years stay tokens ("1960", "19" in "COVID-19"), so a claim's year counts towards a
passage's relevance. The stemmer is deliberately light (plurals, -ing, -ed, -ly and a short list of
irregular verbs): it joins "relations"/"relation" and "met"/"meeting"/"meets" without the
over-reach of a full Porter stemmer, and every rule can be read here.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import NamedTuple

from claims.extraction.words import IRREGULAR_STEMS
from claims.extraction.words import STOP_WORDS as STOP_WORDS_BASE

# A word: letters and digits; hyphens and apostrophes split words ("Diaz-Canel" -> diaz, canel).
_WORD = re.compile(r"[^\W_]+")

# The extractor's function words, plus words that carry little in a ranking of reports and
# abstracts ("study", "shows", "new"); "since" stays a content word here (it dates a claim).
STOP_WORDS: frozenset[str] = (STOP_WORDS_BASE - {"since"}) | {
    "t", "if", "how", "only", "just", "one", "us", "him", "me", "am", "because", "per", "via",
    "upon", "within", "among", "whether", "however", "thus", "therefore", "themselves",
    "itself", "yet", "onto", "like", "less", "new", "use", "used", "using", "well", "show",
    "shows", "shown", "study", "studies",
}  # fmt: skip

# Negation words are stop words for ranking but matter for stance (see stance.py).
NEGATIONS: frozenset[str] = frozenset(
    {"not", "no", "never", "neither", "nor", "without", "none", "cannot", "nothing", "nobody",
     "nowhere", "lack", "lacks", "lacked", "lacking", "absence", "absent", "fail", "fails",
     "failed", "unable"}
)  # fmt: skip
_CONTRACTED_NOT = re.compile(r"(?i)(?<=[a-z])n['\u2019]t\b")

# The extractor's irregular verbs ("left" aside: in reports it is mostly the side, not
# "leave"), plus irregular plurals and forms common in health reporting.
_IRREGULAR: dict[str, str] = {
    **{word: base for word, base in IRREGULAR_STEMS.items() if word != "left"},
    "children": "child", "women": "woman", "men": "man", "people": "people", "mice": "mouse",
    "data": "data", "viruses": "virus", "virus": "virus", "analyses": "analysis",
    "diagnoses": "diagnosis", "ties": "tie", "lies": "lie", "dies": "die", "died": "die",
    "dying": "die",
}  # fmt: skip
# Tried in order; the first that leaves at least three letters wins. A final "e" is dropped
# afterwards, so "cause", "caused", "causes" and "causing" all become "caus".
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("ational", "ation"),
    ("ations", "ation"),
    ("ingly", ""),
    ("edly", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("ed", ""),
    ("ly", ""),
    ("s", ""),
)
# Words whose endings look like suffixes but are not.
_KEEP = frozenset(
    {"this", "thus", "has", "was", "is", "us", "its", "bus", "gas", "series", "species",
     "news", "less", "loss", "across", "always", "perhaps", "during", "thing", "king",
     "ring", "spring", "string", "sing", "bring", "nothing", "something", "anything",
     "everything", "according", "covid", "sars", "aids", "mers", "hiv", "pneumonia",
     "diabetes", "analysis", "diagnosis", "basis", "crisis", "status", "virus", "bias",
     "focus", "consensus", "corpus", "stimulus", "plus", "minus", "bonus", "census",
     "red", "bed", "need", "seed", "speed", "feed", "indeed", "shed", "hundred",
     "only", "early", "family", "italy", "july", "apply", "supply", "reply", "rely",
     "fly", "ally", "daily", "weekly", "monthly", "yearly", "likely", "unlikely"}
)  # fmt: skip
_DOUBLE_CONSONANT = re.compile(r"([bdfgmnprt])\1$")
_UNSTRIPPED = ("ss", "us", "is", "ous")


def fold(text: str) -> str:
    """Lower case without accents: "Bermúdez" -> "bermudez"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem of a lower-cased word: "relations" -> "relation", "established" ->
    "establish", "meetings"/"met" -> "meet", "stopped" -> "stop", "studies" -> "study",
    "reduced"/"reduces" -> "reduc"."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _KEEP or not word.isalpha() or len(word) <= 3 or word.endswith(_UNSTRIPPED):
        return word
    base = word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)] + replacement
            if suffix in {"ing", "ed", "ings", "edly", "ingly"} and _DOUBLE_CONSONANT.search(base):
                base = base[:-1]  # "stopped" -> "stop", "transmitted" -> "transmit"
            break
    if base.endswith("e") and len(base) > 4:
        base = base[:-1]
    return base


class Token(NamedTuple):
    """One word of a text: its stem, its folded form and where it stands in the text."""

    stem: str
    word: str
    start: int
    end: int


def _scan(text: str, *, content_only: bool) -> list[Token]:
    out: list[Token] = []
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower-case to two ("\u0130")
        lowered = "".join(ch.lower()[:1] or ch for ch in text)
    skip_to = -1
    for m in _WORD.finditer(lowered):
        word = m.group()
        start, end = m.span()
        if start < skip_to:
            continue  # the "t" of "n't"
        if word.endswith("n") and _CONTRACTED_NOT.match(lowered, end - 1):
            skip_to = end + 2
            word = word[:-1]
            if not content_only:
                if word:
                    out.append(Token(stem(word), word, start, end - 1))
                out.append(Token("not", "not", end - 1, end + 2))
                continue
            end -= 1
        if not word.isascii():
            word = fold(word)
        if content_only and (word in STOP_WORDS or word in NEGATIONS or not word):
            continue
        out.append(Token(stem(word), word, start, end))
    return out


def words(text: str) -> list[Token]:
    """Every word of ``text`` (stop words included) with its span; ``n't`` becomes "not"."""
    return _scan(text, content_only=False)


def content_tokens(text: str) -> list[Token]:
    """The words of ``text`` that carry meaning: no stop words, no negations."""
    return _scan(text, content_only=True)


def tokenize(text: str) -> list[str]:
    """Stems of the content words of ``text`` in order, for ranking."""
    return [t.stem for t in content_tokens(text)]
