"""Sentence spans and heading detection.

Nothing here rewrites the input: every span is a pair of offsets into the exact string the caller
passed in, so curly quotes, accents, non-breaking spaces, zero-width characters and CRLF line ends
survive untouched. All scanning is linear in the length of the input: every regex is anchored or
free of nested quantifiers, and every look around a candidate boundary reads a bounded window.
"""

from __future__ import annotations

import re

# Word boundaries that treat a hyphen as part of the word ("Diaz-Canel", "re-tightening").
WORD_START = r"(?<![\w-])"
WORD_END = r"(?![\w-])"


def word_pattern(*alternatives: str) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of the alternatives as whole words."""
    return re.compile(WORD_START + "(?:" + "|".join(alternatives) + ")" + WORD_END, re.IGNORECASE)


# Word-set pre-tests for word patterns. Searching a pattern of many alternatives behind a
# look-behind costs a full regex attempt at every position; most sentences hold none of its
# words. So a sentence's lower-cased tokens (maximal runs of word characters and hyphens, the
# units WORD_START and WORD_END delimit) are collected once, and a pattern is searched only
# when one of them is the key word (the longest word) of one of its alternatives. For a
# case-insensitive pattern of single words the token test is the whole answer.
_TOKEN_RUN = re.compile(r"[\w-]+")
# Characters whose lower case is not one character, or whose case-insensitive regex match with
# an ASCII letter differs from their lower case ("\u0130", dotless i, long s): tokens are not
# used for text containing them (test_text checks every code point).
CASE_UNSAFE_CHARS = "\u0130\u0131\u017f"


def lower_tokens(text: str) -> frozenset[str] | None:
    """The lower-cased tokens of ``text`` for :meth:`WordTest.search`, or ``None`` when ``text``
    holds a character of :data:`CASE_UNSAFE_CHARS` (the tests then run the regex)."""
    if not text.isascii() and any(ch in text for ch in CASE_UNSAFE_CHARS):
        return None
    return frozenset(_TOKEN_RUN.findall(text.lower()))


def _split_alternatives(body: str) -> list[str] | None:
    """``body`` split at its top-level ``|``; ``None`` if its brackets do not balance."""
    parts: list[str] = []
    depth = 0
    current = ""
    for ch in body:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts if depth == 0 else None


def _word_forms(word: str) -> set[str] | None:
    """Every spelling (lower-cased) of one word of a regex alternative. Only a small subset of
    regex syntax is understood: ASCII letters, ``[xy]`` letter classes, ``(?:ab|cd)`` groups of
    letters, and a ``?`` after any of these; ``None`` for anything else or when the word may
    be empty."""
    forms = [""]
    i = 0
    while i < len(word):
        if word.startswith("(?:", i):
            close = word.find(")", i)
            options = word[i + 3 : close].split("|")
        elif word[i] == "[":
            close = word.find("]", i)
            options = list(word[i + 1 : close])
        else:
            close = i
            options = [word[i]]
        if close < 0 or not all(o.isascii() and o.isalpha() for o in options):
            return None
        i = close + 1
        if word.startswith("?", i):
            options = ["", *options]
            i += 1
        forms = [f + o for f in forms for o in options]
    if "" in forms:
        return None
    return {f.lower() for f in forms}


def _key_words(alternative: str) -> tuple[set[str], bool] | None:
    """The spellings of the most distinctive (longest) word of a regex ``alternative`` whose
    words are separated by ``\\s+``, and whether it has more than one word; ``None`` when
    :func:`_word_forms` does not understand a word. Each word of a match is a whole token."""
    words = [_word_forms(w) for w in alternative.split(r"\s+")]
    if any(forms is None for forms in words):
        return None
    known = [forms for forms in words if forms is not None]
    return max(known, key=lambda forms: min(map(len, forms))), len(known) > 1


# A curly double quote as the last alternative, as written in a raw or a plain string.
_QUOTE_ALTERNATIVES = ("|[\\u201c\\u201d]", "|[\u201c\u201d]")


class WordTest:
    """``pattern.search(text) is not None``, answered from :func:`lower_tokens` when it can be.

    ``pattern`` is understood when it is ``WORD_START (?:alternatives) WORD_END``, optionally
    followed by ``|[\u201c\u201d]`` (a curly double quote), with alternatives in the subset of
    :func:`_key_words`; any other pattern is simply searched.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self.words: frozenset[str] | None = None
        self.exact = False
        source = pattern.pattern
        self.quotes = source.endswith(_QUOTE_ALTERNATIVES)
        if self.quotes:
            source = source[: source.rindex("|")]
        head, tail = WORD_START + "(?:", ")" + WORD_END
        if not (source.startswith(head) and source.endswith(tail)):
            return
        alternatives = _split_alternatives(source[len(head) : -len(tail)])
        expanded = [_key_words(a) for a in alternatives or [""]]
        if alternatives is None or any(e is None or not e[0] for e in expanded):
            return
        words: set[str] = set()
        several = False
        for item in expanded:
            assert item is not None
            words |= item[0]
            several = several or item[1]
        self.words = frozenset(words)
        self.exact = bool(pattern.flags & re.IGNORECASE) and not several

    def search(self, text: str, tokens: frozenset[str] | None) -> bool:
        """Whether ``pattern`` matches ``text``; ``tokens`` is ``lower_tokens(text)``."""
        if tokens is None or self.words is None:
            return self.pattern.search(text) is not None
        if self.words.isdisjoint(tokens):
            if not (self.quotes and ("\u201c" in text or "\u201d" in text)):
                return False
            if self.exact:
                return True
        elif self.exact:
            return True
        return self.pattern.search(text) is not None


# Characters that are not whitespace for ``str.isspace`` but carry no visible text: zero-width
# spaces and joiners, the word joiner, the BOM, soft hyphen, and bidirectional marks, embeddings
# and isolates (RTL text).
INVISIBLE_CHARS: frozenset[str] = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u00ad\u034f\u180e\u2061\u2062\u2063\u2064"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_INVISIBLE_CLASS = "".join(sorted(INVISIBLE_CHARS))
_DROP_INVISIBLE = {ord(ch): None for ch in INVISIBLE_CHARS}
_INVISIBLE = re.compile("[" + _INVISIBLE_CLASS + "]")


def remove_invisible(text: str) -> str:
    """``text`` without the characters in :data:`INVISIBLE_CHARS` (fast: one C-level pass).

    For display and matching only: offsets into the result do not index the input.
    """
    if text.isascii() or _INVISIBLE.search(text) is None:
        return text  # every invisible character is outside ASCII
    return text.translate(_DROP_INVISIBLE)


# Whitespace and invisible characters between two sentences.
_GAP = re.compile(r"[\s" + _INVISIBLE_CLASS + r"]*+")

_CLOSER_CLASS = "\"'\u201d\u2019\u00bb)\\]\u300d\u300f"
_PUNCT_CLASS = ".!?\u2026\u3002\uff01\uff1f"  # "\u3002\uff01\uff1f": CJK full stop, "!" and "?"
_CJK_TERMINATORS = frozenset("\u3002\uff01\uff1f")
_OPENER_CLASS = "\"'\u201c\u2018\u00ab(\\[\u300c\u300e\u201e"
# A run of sentence-ending punctuation (it starts where the previous character is not one, and
# group "rest" ends where it ends), then the closing quotes and brackets that may follow it, then
# a gap and what may start a sentence (a letter that is not ASCII lower case, a digit, an opening
# quote or bracket), or a capitalised word with no gap ("a deal.Fishing"); after CJK punctuation,
# anything.
# The single leading character class keeps the scan fast; the look-behind and the possessive runs
# keep it linear on runs of dots or quotes.
_TERMINATOR = re.compile(
    "[" + _PUNCT_CLASS + "](?<![" + _PUNCT_CLASS + "][" + _PUNCT_CLASS + "])"
    "(?P<rest>[" + _PUNCT_CLASS + "]*+)[" + _CLOSER_CLASS + "]*+"
    r"(?=[\s" + _INVISIBLE_CLASS + r"]++(?:[^\W\d_a-z]|\d|[" + _OPENER_CLASS + r"])"
    r"|[\"\u201c]?[A-Z](?!\.)"
    r"|(?<=[\u3002\uff01\uff1f])|(?<=[\u3002\uff01\uff1f][\u300d\u300f\u201d)]))"
)
_OPENERS = frozenset("\"'\u201c\u2018\u00ab([\u300c\u300e\u201e")  # = _OPENER_CLASS
_CLOSER_CHARS = "\"'\u201d\u2019\u00bb)]\u300d\u300f"
_CLOSERS = frozenset(_CLOSER_CHARS)
_QUOTE_CLOSERS = frozenset("\"'\u201d\u2019\u00bb\u300d\u300f")

# A list marker at the start of a line: "- ", "* ", "+ ", dashes, bullet symbols, "1. ", "1) ",
# "(1) ", "a) ", "(a) ", and "1." glued to a capitalised item ("1.Abigail"). The marker is never
# part of a span.
_BULLET = re.compile(
    r"(?:[-*+\u2013\u2014]|\(?\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-z]\))[\s\u00a0]"
    r"|\d{1,3}[.)](?=[A-Z\"\u201c])"
    r"|[\u2022\u2023\u2043\u2219\u00b7\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25ba\u25b8\u27a2"
    r"\u2713\u2714\u2705\u2192]"
)
# A bullet symbol between two items on one line ("Havana \u2022 Beijing \u2022 Moscow").
_INLINE_BULLET = re.compile(r"\s[\u2022\u25cf\u25aa\u25e6\u2023]\s")
# A news-agency dateline at the start of a line: "(CNN)", "Kathmandu, Nepal (CNN) --",
# "WASHINGTON (Reuters) -". It becomes a span of its own, so the first sentence starts after it.
_DATELINE = re.compile(
    r"(?P<dateline>(?:[^\W\d_][^\n!?()]{0,60})?"
    r"\((?:CNN|Reuters|AP|AFP|BBC|UPI|Bloomberg|CNBC|dpa|DPA|Xinhua|EFE|ANSA|TASS|PTI|IANS|AA)\))"
    r"(?:[\s\u00a0]*(?:--|[-\u2013\u2014:])(?=[\s\u00a0]))?"
)

# "Mr. Smith", "Gen. Allen": a full stop after these never ends a sentence.
_TITLES = frozenset(
    {
        "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Gen", "Gov", "Sen", "Sens", "Rep", "Reps", "Rev",
        "Hon", "St", "Ste", "Mt", "Ft", "Lt", "Col", "Capt", "Cpt", "Sgt", "Maj", "Adm", "Cmdr",
        "Cdr", "Brig", "Pres", "Supt", "Insp", "Det", "Cpl", "Pvt", "Amb", "Atty", "Fr", "Sr",
        "Jr", "Messrs", "Mme", "Mlle", "Sra", "Srta",
    }
)  # fmt: skip
# Titles that may also end a sentence ("Martin Luther King Jr. The march ..."): split after them
# only before a typical sentence opener.
_TITLES_AT_END = frozenset({"Jr", "Sr"})
# Abbreviations that never end a sentence whatever follows (case-insensitive).
_NEVER_SPLIT_LOWER = frozenset(
    {"e.g", "i.e", "vs", "v", "cf", "viz", "approx", "ca", "incl", "esp"}
)  # fmt: skip
# Abbreviations that come before a number ("No. 3", "Jan. 5", "p. 12", "Art. 4", "et al. (2010)"):
# no split before a digit or a bracket; before a capitalised word they end the sentence
# ("... in Oct. The ...").
_BEFORE_NUMBER = frozenset(
    {
        "no", "nos", "vol", "vols", "fig", "figs", "p", "pp", "art", "sec", "ch", "para", "op",
        "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
# Company suffixes: split after them before any capitalised word ("Apple Inc. Shares rose") but
# not before another suffix ("Samsung Co. Ltd.").
_COMPANY = frozenset({"Inc", "Ltd", "Corp", "Co", "Cos", "Bros", "LLC", "Plc", "plc", "PLC", "etc"})
# "a.m."/"p.m.": before a capitalised word they end the sentence, unless the word continues the
# time ("9 a.m. Tuesday", "5 p.m. ET").
_CLOCK = frozenset({"a.m", "p.m", "A.M", "P.M"})
_TIME_WORDS = frozenset(
    {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
        "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December", "ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "PT", "PST", "PDT",
        "GMT", "BST", "UTC", "CET", "CEST", "Eastern", "Central", "Mountain", "Pacific",
        "Beijing", "Havana", "Moscow", "London", "Tokyo",
    }
)  # fmt: skip
# After a dotted acronym ("U.S."), an initial or "Jr.", a sentence ends only before these words.
_SENTENCE_OPENERS = frozenset(
    {
        "The", "This", "That", "These", "Those", "It", "He", "She", "They", "We", "I", "You",
        "In", "But", "And", "However", "A", "An", "Its", "Their", "His", "Her", "Our", "My",
        "There", "Meanwhile", "Still", "Yet", "So", "As", "On", "At", "After", "Before", "When",
        "While", "If", "Since", "Although", "Though", "Despite", "For", "By", "During", "Over",
        "Under", "Now", "Then", "Today", "Yesterday", "Earlier", "Later", "Last", "Next", "Some",
        "Many", "Most", "Both", "Each", "Every", "Such", "What", "Why", "How", "Who", "Where",
        "Also", "Instead", "Indeed", "Nevertheless", "Moreover", "Furthermore", "Thus", "Hence",
        "Asked", "According", "Officials", "Critics", "Experts", "Analysts",
    }
)  # fmt: skip
# A dotted abbreviation: "U.S", "U.K", "D.C", "Ph.D" (the final full stop is not included).
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.[^\W\d_]{1,2})+")
# After a closing quote: "\u201cWhy now?\u201d Chen asked." is one sentence.
_SPEECH_AFTER_QUOTE = re.compile(
    r"(?:[A-Z][\w'\u2019.-]*[\s\u00a0]+){1,4}"
    r"(?:said|says|asked|asks|added|adds|replied|replies|told|tells|wrote|writes|recalled|"
    r"continued|insisted|explained|noted|tweeted|declared|shouted|warned|argued|stressed)\b"
)
_LOOKBACK = 24  # abbreviations are short; never scan further back than this
# The word at a position: opening quotes and brackets, then up to _LOOKBACK word characters.
_WORD_AFTER = re.compile(r"[\"'\u201c\u2018\u00ab(\[]{0,4}([^\s.,;:!?\"'\u201d\u2019)\]]{0,24})")
_LOOKAHEAD = 80  # never read further ahead than this to judge a boundary

# Minor words that do not count against Title Case in headings.
_MINOR_WORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "nor", "of", "in", "on", "at", "to", "for", "by",
        "with", "from", "as", "amid", "into", "over", "vs", "via", "per", "de", "la", "is",
    }
)  # fmt: skip
_HEADING_END_PUNCT = frozenset(".!?:;,\u2026\u3002\uff01\uff1f")


def _is_blank(ch: str) -> bool:
    return ch.isspace() or ch in INVISIBLE_CHARS


def _skip_gap(text: str, pos: int, hi: int) -> int:
    """The first position at or after ``pos`` (at most ``hi``) that is not blank."""
    m = _GAP.match(text, pos, hi)
    return m.end() if m else pos


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and _is_blank(text[start]):
        start += 1
    while end > start and _is_blank(text[end - 1]):
        end -= 1
    return start, end


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every line in ``text`` (as ``str.splitlines`` cuts it), line breaks excluded."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


def _token_before(text: str, lo: int, pos: int) -> str:
    """The non-space token that ends at ``pos`` (looking back at most ``_LOOKBACK`` chars),
    without the opening quotes or brackets in front of it."""
    start = pos - _LOOKBACK
    chunk = text[start if start > lo else lo : pos]
    if not chunk or _is_blank(chunk[-1]):
        return ""
    return chunk.split()[-1].lstrip("\"'\u201c\u2018\u00ab([")


def _word_after(text: str, pos: int, hi: int) -> str:
    """The word starting at ``pos``: letters and digits up to the first space or punctuation,
    opening quotes and brackets skipped (at most ``_LOOKBACK`` characters)."""
    m = _WORD_AFTER.match(text, pos, hi)
    return m[1] if m else ""


def _full_stop_ends_sentence(text: str, stop: int, nxt: int, lo: int, hi: int) -> bool:
    """Whether the single full stop at ``stop`` ends a sentence, the next one starting at ``nxt``
    (with a capital letter, digit or opening quote/bracket there)."""
    token = _token_before(text, lo, stop)
    if not token:
        return True  # " . " on its own
    if token in _TITLES:
        return token in _TITLES_AT_END and _word_after(text, nxt, hi) in _SENTENCE_OPENERS
    if len(token) == 1 and token.isalpha() and token.isupper():
        # An initial ("J. K. Rowling", "John F. Kennedy"), unless a typical sentence opener
        # follows ("World War I. It ...", "vitamin C. The ...").
        after = _word_after(text, nxt, hi)
        return len(after) > 1 and after in _SENTENCE_OPENERS
    lower = token.lower()
    if lower in _NEVER_SPLIT_LOWER:
        return False
    if lower in _BEFORE_NUMBER:
        return not (text[nxt].isdigit() or text[nxt] in "([")
    if token in _CLOCK:
        return _word_after(text, nxt, hi) not in _TIME_WORDS
    if token in _COMPANY:
        return _word_after(text, nxt, hi) not in _COMPANY
    if _DOTTED.fullmatch(token):
        return _word_after(text, nxt, hi) in _SENTENCE_OPENERS
    return True


def _is_boundary(
    text: str, punct_start: int, punct_end: int, end: int, nxt: int, lo: int, hi: int
) -> bool:
    """Whether the punctuation ``text[punct_start:punct_end]`` (plus closers up to ``end``) ends a
    sentence whose successor would start at ``nxt`` (``nxt == end`` when nothing separates them).
    """
    if text[punct_end - 1] in _CJK_TERMINATORS:
        return True
    first = text[nxt]
    if first.islower():
        return False
    if nxt == end:
        # Sentences run together without a space ("...a deal.Fishing regions ..."): split only
        # after a word without inner full stops and before a capitalised word or an opening
        # quote followed by one, so "U.S.Army", "3.5", "v1.2" and "Node.js" stay whole.
        second = text[nxt + 1] if nxt + 1 < hi else ""
        if first in '"\u201c':
            if not second.isupper():
                return False
        elif not (first.isupper() and (second.islower() or second.isspace())):
            return False
        core = _token_before(text, lo, punct_start).rstrip(_CLOSER_CHARS)
        if not core or not core[-1].isalnum() or "." in core:
            return False  # "U.S.Army", "3.5", "..."
        if "/" in core or "@" in core or "www" in core.lower():
            return False  # a URL, file name or e-mail address
    elif not (first.isalpha() or first.isdigit() or first in _OPENERS):
        return False  # a letter here is upper case or of a caseless script (Arabic, CJK, ...)
    if (
        end > punct_end
        and text[end - 1] in _QUOTE_CLOSERS
        and _SPEECH_AFTER_QUOTE.match(text, nxt, min(hi, nxt + _LOOKAHEAD))
    ):
        return False  # "\u201cWhy now?\u201d Chen asked.": the attribution continues the sentence
    if punct_end - punct_start > 1 or text[punct_start] != ".":
        return True  # "!", "?", "...", "\u2026", "?!"
    return _full_stop_ends_sentence(text, punct_start, nxt, lo, hi)


def _closers_end(text: str, punct_end: int, match_end: int, hi: int, open_quote: bool) -> int:
    """Where the sentence ends inside the closers ``text[punct_end:match_end]``.

    A straight double quote closes the sentence when one is open in it, or when nothing but
    whitespace follows; otherwise (``."It``) it opens the next sentence and the sentence ends
    before it.
    """
    end = punct_end
    for i in range(punct_end, match_end):
        if text[i] == '"':
            follows = text[i + 1] if i + 1 < hi else " "
            if not open_quote and not _is_blank(follows) and follows not in _CLOSERS:
                break
            open_quote = not open_quote
        end = i + 1
    return end


def _list_number_start(text: str, current: int, stop: int) -> int:
    """Where an inline list number ending at the full stop ``stop`` starts ("steps: 1. Call",
    "Done. 2. Call"), or -1. It is one or two digits opening the current sentence or following a
    colon."""
    start = stop
    while start > current and stop - start < 3 and text[start - 1].isdigit():
        start -= 1
    if start == stop or stop - start > 2 or (start > current and text[start - 1].isdigit()):
        return -1
    before = start
    while before > current and start - before < 8 and _is_blank(text[before - 1]):
        before -= 1
    if before == current:
        return start
    return start if before < start and text[before - 1] == ":" else -1


def _split_segment(text: str, lo: int, hi: int, spans: list[tuple[int, int]]) -> None:
    """Append the sentence spans of ``text[lo:hi]`` (one line or one bulleted item)."""
    current = lo
    quotes = 0  # straight double quotes in text[current:counted]
    counted = lo
    gap_match = _GAP.match
    for m in _TERMINATOR.finditer(text, lo, hi):
        punct_start = m.start()
        punct_end = m.end("rest")
        match_end = m.end()
        if match_end > punct_end:
            quotes += text.count('"', counted, punct_start)
            counted = punct_start
            end = _closers_end(text, punct_end, match_end, hi, quotes % 2 == 1)
        else:
            end = punct_end
        gap = gap_match(text, end, hi)
        nxt = gap.end() if gap else end
        if nxt >= hi:
            continue
        if (
            end == punct_end == punct_start + 1 < nxt
            and punct_start > current
            and text[punct_start - 1].isdigit()
            and text[punct_start] == "."
        ):
            number = _list_number_start(text, current, punct_start)
            if number >= 0:  # an inline list number: it belongs to no sentence
                start, stop = _strip_span(text, current, number)
                if start < stop:
                    spans.append((start, stop))
                current = counted = nxt
                quotes = 0
                continue
        if not _is_boundary(text, punct_start, punct_end, end, nxt, lo, hi):
            continue
        start, stop = _strip_span(text, current, end)
        if start < stop:
            spans.append((start, stop))
        current = counted = nxt
        quotes = 0
    start, stop = _strip_span(text, current, hi)
    if start < stop:
        spans.append((start, stop))


_INLINE_BULLET_CHARS = "\u2022\u25cf\u25aa\u25e6\u2023"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in ``text``, headings included, in order.

    Guarantees: ``0 <= start < end <= len(text)``; spans are in order and never overlap; no span
    starts or ends on whitespace or an invisible character (:data:`INVISIBLE_CHARS`); no span
    crosses a line break, so a heading (a line without final punctuation) is always a span of
    its own. A list marker at the start of a line ("- ", "\u2022 ", "1. ", "1) ") is left out of
    the span, and so is a bullet symbol between items on one line. A news-agency dateline
    ("Kathmandu, Nepal (CNN)") is a span of its own. Blank lines yield no span.

    Inside a line, a run of ``.``, ``!``, ``?`` or ``\u2026`` (plus any closing quotes or
    brackets) ends a sentence when whitespace and a capital letter, digit or opening quote follow,
    unless a full stop belongs to an abbreviation ("U.S.", "Gen.", "No. 3", "Jan. 5", "a.m.") or
    an initial ("J. K. Rowling"), or a closing quote is followed by its attribution
    ("\u201cWhy?\u201d Chen asked"). Sentences run together without a space ("a deal.Fishing
    regions") are split too. Runs in time linear in ``len(text)``.
    """
    spans: list[tuple[int, int]] = []
    for line_lo, line_hi in _line_spans(text):
        lo = _skip_gap(text, line_lo, line_hi)
        if lo >= line_hi:
            continue
        bullet = _BULLET.match(text, lo, line_hi)
        if bullet:
            lo = bullet.end()
        elif text.find("(", lo, lo + 80) != -1:
            dateline = _DATELINE.match(text, lo, line_hi)
            if dateline:
                spans.append(dateline.span("dateline"))
                lo = dateline.end()
        for ch in _INLINE_BULLET_CHARS:
            if text.find(ch, lo, line_hi) != -1:
                for item in _INLINE_BULLET.finditer(text, lo, line_hi):
                    _split_segment(text, lo, item.start(), spans)
                    lo = item.end()
                break
        _split_segment(text, lo, line_hi, spans)
    return spans


def is_heading(sentence: str, *, max_words: int = 12, title_ratio: float = 0.75) -> bool:
    """Whether ``sentence`` looks like a heading rather than a statement.

    A heading has no terminal punctuation (closing quotes and brackets aside), at most
    ``max_words`` words, not both a number and a lower-case word (that makes it a statement:
    "GDP fell 3%"), and is either very short (three words or fewer) or mostly Title Case (minor
    words such as "of" and "and" ignored). Runs in constant time for long input.
    """
    if len(sentence) > max_words * 40:
        return False  # far too long to be a heading; also keeps hostile input cheap
    s = remove_invisible(sentence).strip()
    if not s:
        return False
    body = s.rstrip(_CLOSER_CHARS)
    if not body or body[-1] in _HEADING_END_PUNCT:
        return False
    words = s.split()
    if len(words) > max_words:
        return False
    if any(ch.isdigit() for ch in s) and any(
        w[:1].islower() and w.lower() not in _MINOR_WORDS for w in words
    ):
        return False  # a number and a lower-case word: "GDP fell 3%", "appointed in 2009"
    if len(words) <= 3:
        return True  # "Conclusion", "Key Points", "Chapter 3"
    content = [
        w
        for w in words
        if any(c.isalpha() for c in w) and w.strip("\"'()[]").lower() not in _MINOR_WORDS
    ]
    if not content:
        return False
    capitalised = sum(1 for w in content if next(c for c in w if c.isalpha()).isupper())
    return capitalised / len(content) >= title_ratio
