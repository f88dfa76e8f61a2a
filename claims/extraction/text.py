"""Sentence spans and heading detection.

Nothing here rewrites the input: every span is a pair of offsets into the exact string the caller
passed in, so curly quotes, accents and CRLF line ends survive untouched. All scanning is linear in
the length of the input.
"""

from __future__ import annotations

import re

# Word boundaries that treat a hyphen as part of the word ("Diaz-Canel", "re-tightening").
WORD_START = r"(?<![\w-])"
WORD_END = r"(?![\w-])"


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of the alternatives as whole words."""
    return re.compile(WORD_START + "(?:" + "|".join(alternatives) + ")" + WORD_END, re.IGNORECASE)


# Characters that are not whitespace for ``str.isspace`` but carry no visible text.
INVISIBLE_CHARS: frozenset[str] = frozenset("\u200b\u200c\u200d\u2060\ufeff\u200e\u200f")

# Sentence terminators, optionally followed by closing quotes/brackets that stay with the sentence.
_TERMINATOR = re.compile(r"[.!?]+[\"'\u201d\u2019\u00bb)\]]*")
_OPENERS = frozenset("\"'\u201c\u2018\u00ab([")

# "Mr. Smith", "No. 3", "e.g. Cuba": a full stop after these never ends a sentence.
_NEVER_SPLIT = frozenset(
    {
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Gov", "Sen", "Rep", "Rev", "Hon", "St", "Mt",
        "Ft", "Lt", "Col", "Capt", "Sgt", "Maj", "Adm", "Cmdr", "Pres", "No", "Nos", "Fig",
        "Vol", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
        "Dec", "e.g", "i.e", "vs", "cf", "approx",
    }
)  # fmt: skip
# These can end a sentence ("... with the U.S. The talks ...") but usually do not; split after
# them only when the next word is a typical sentence opener.
_MAYBE_SPLIT = frozenset({"Jr", "Sr", "Inc", "Ltd", "Co", "Corp", "etc"})
_SENTENCE_OPENERS = frozenset(
    {
        "The", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "I", "In",
        "But", "And", "However", "A", "An", "Its", "Their", "His", "Her", "Our", "There",
        "Meanwhile", "Still", "Yet", "So", "As", "On", "At", "After", "Before", "When", "While",
        "If", "Since", "Although", "Despite", "For",
    }
)  # fmt: skip
_DOTTED_ACRONYM = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_LOOKBACK = 24  # abbreviations are short; never scan further back than this

# Minor words that do not count against Title Case in headings.
_MINOR_WORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by",
        "with", "from", "as", "amid", "into", "over", "vs", "via", "per", "de", "la", "is",
    }
)  # fmt: skip
_HEADING_END_PUNCT = frozenset(".!?:;,\u2026")
_CLOSERS = frozenset("\"'\u201d\u2019\u00bb)]")


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in INVISIBLE_CHARS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in INVISIBLE_CHARS):
        end -= 1
    return start, end


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Line spans (without line terminators) of every line in ``text``."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _token_before(text: str, lo: int, pos: int) -> str:
    """The non-space token that ends at ``pos`` (looking back at most ``_LOOKBACK`` chars)."""
    chunk = text[max(lo, pos - _LOOKBACK) : pos]
    if not chunk or chunk[-1].isspace():
        return ""
    token = chunk.split()[-1]
    return token.lstrip("\"'\u201c\u2018\u00ab([")


def _word_after(text: str, pos: int, hi: int) -> str:
    chunk = text[pos : min(hi, pos + _LOOKBACK)]
    parts = chunk.split(maxsplit=1)
    return parts[0].rstrip(",;:") if parts else ""


def _is_boundary(text: str, match: re.Match[str], next_pos: int, lo: int, hi: int) -> bool:
    """Whether the terminator ``match`` (followed by whitespace) ends a sentence."""
    nxt = text[next_pos]
    if not (nxt.isupper() or nxt.isdigit() or nxt in _OPENERS):
        return False
    if match.group() != ".":
        return True  # "!", "?", "...", or a full stop followed by a closing quote
    token = _token_before(text, lo, match.start())
    if not token:
        return True
    if token in _NEVER_SPLIT or token.lower() in {"e.g", "i.e", "vs", "cf"}:
        return False
    if len(token) == 1 and token.isalpha() and token.isupper():
        return False  # an initial, as in "John F. Kennedy"
    if token in _MAYBE_SPLIT or _DOTTED_ACRONYM.fullmatch(token):
        return _word_after(text, next_pos, hi) in _SENTENCE_OPENERS
    return True


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in ``text``, headings included.

    Paragraphs are lines. Inside a line, a run of ``.``, ``!`` or ``?`` (plus any closing quotes)
    ends a sentence when whitespace and then a capital letter, digit or opening quote follow, unless
    the full stop belongs to a known abbreviation or an initial. Spans never include surrounding
    whitespace; blank lines yield no span.
    """
    spans: list[tuple[int, int]] = []
    for lo, hi in _paragraph_spans(text):
        current = lo
        for match in _TERMINATOR.finditer(text, lo, hi):
            end = match.end()
            if end >= hi or not text[end].isspace():
                continue
            nxt = end
            while nxt < hi and text[nxt].isspace():
                nxt += 1
            if nxt >= hi or not _is_boundary(text, match, nxt, lo, hi):
                continue
            start, stop = _strip_span(text, current, end)
            if start < stop:
                spans.append((start, stop))
            current = nxt
        start, stop = _strip_span(text, current, hi)
        if start < stop:
            spans.append((start, stop))
    return spans


def is_heading(sentence: str, *, max_words: int = 12, title_ratio: float = 0.75) -> bool:
    """Whether ``sentence`` looks like a heading rather than a statement.

    A heading has no terminal punctuation, at most ``max_words`` words, and is either very short
    (three words or fewer) or mostly Title Case (minor words such as "of" and "and" ignored).
    """
    if len(sentence) > max_words * 40:
        return False  # far too long to be a heading; also keeps hostile input cheap
    s = "".join(ch for ch in sentence.strip() if ch not in INVISIBLE_CHARS).strip()
    if not s:
        return False
    last = s.rstrip("".join(_CLOSERS))[-1:] if s[-1] in _CLOSERS else s[-1]
    if last in _HEADING_END_PUNCT:
        return False
    words = s.split()
    if len(words) > max_words:
        return False
    if len(words) <= 3:
        return True
    content = [
        w
        for w in words
        if any(c.isalpha() for c in w) and w.strip("\"'()[]").lower() not in _MINOR_WORDS
    ]
    if not content:
        return False
    capitalised = sum(1 for w in content if next(c for c in w if c.isalpha()).isupper())
    return capitalised / len(content) >= title_ratio
