"""Split one check-worthy sentence into the atomic statements it asserts.

Rule-based and deliberately conservative: a wrong split is worse than no split. What is cut out:

- appositions that describe a named person (or organisation): "Chen Yixin, China's state security
  chief, met ..." gives "Chen Yixin is China's state security chief." and "Chen Yixin met ...";
  also "X, the former mayor of Y," and the reversed "Cuba's interior minister, X,";
- non-restrictive relative clauses on the subject ("This meeting, which coincided with ...,
  underscores ...") and ", who ..." after a named person anywhere in the sentence;
- coordinated independent clauses ("X did A, and Y did B"; "X did A and did B" when both halves
  are full predicates), never inside quotes, lists or "between A and B";
- leading adverbials that carry no fact ("In a significant diplomatic move, ", "However, ").

Everything is computed on offsets into the original input; the work per sentence is linear in its
length (plus a sort of the few cut-out intervals).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence

from .entities import OFFICE_WORDS
from .records import Entity, Statement

# A sentence longer than this is returned whole (the scorer rejects such "sentences" anyway).
MAX_SPLIT_CHARS = 2000

# Dotted acronyms ("U.S.", "K.C."), words with inner hyphens/apostrophes/dots/thousands
# separators ("Diaz-Canel", "China's", "1,000", "3.5"), or any other single character.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|[^\W_](?:\w|[-'\u2019.](?=\w)|,(?=\d{3}(?!\d)))*"
    r"|\S"
)
_TERMINATORS = frozenset(".!?\u2026")
_CLOSERS = frozenset("\"'\u201d\u2019\u00bb)]")
_TRIM = " \t\r\n,;:\u2013\u2014-"

_AUX = frozenset(
    {
        "is", "are", "was", "were", "be", "been", "am", "has", "have", "had", "will", "would",
        "can", "could", "may", "might", "must", "shall", "should", "does", "do", "did", "cannot",
    }
)  # fmt: skip
_BE = frozenset({"is", "are", "was", "were", "be", "been", "am", "being"})
# Irregular past forms that are (nearly) never nouns or adjectives.
_IRREGULAR = frozenset(
    {
        "said", "met", "told", "made", "took", "taken", "gave", "given", "went", "gone", "came",
        "saw", "seen", "became", "began", "begun", "held", "led", "won", "lost", "found", "got",
        "kept", "brought", "thought", "felt", "paid", "built", "sent", "spent", "stood", "wrote",
        "written", "ran", "grew", "grown", "knew", "known", "drew", "drawn", "rose", "risen",
        "fell", "fallen", "sold", "bought", "taught", "caught", "fought", "sought", "meant",
        "heard", "struck", "spoke", "spoken", "broke", "broken", "chose", "chosen", "drove",
        "driven", "flew", "flown", "threw", "thrown", "ate", "eaten", "fled", "shook", "shaken",
        "sat", "slept", "swore", "sworn", "hid", "hidden", "dealt", "dug", "froze", "frozen",
        "hung", "overcame", "overtook", "rode", "rang", "sang", "sank", "stole", "stolen",
        "stuck", "swept", "swung", "tore", "torn", "understood", "undertook", "upheld",
        "withdrew", "withdrawn", "endured", "forgave", "forgot", "forgotten", "arose", "woke",
    }
)  # fmt: skip
# Words ending in -ed that are not verbs.
_NOT_ED_VERBS = frozenset(
    {"need", "speed", "seed", "bed", "red", "shed", "hundred", "creed", "greed", "breed",
     "steed", "indeed", "weed", "feed", "deed", "reed", "sacred", "naked", "wicked", "kindred",
     "rugged", "ragged", "wretched", "beloved", "aged", "learned", "alleged", "so-called"}
)  # fmt: skip
_ADVERBS = frozenset(
    {"also", "recently", "now", "still", "already", "never", "not", "then", "just", "often",
     "later", "since", "once", "again", "soon", "even", "ever", "only", "further", "finally"}
)  # fmt: skip
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "there"})
_DETS = frozenset(
    {
        "the", "a", "an", "this", "that", "these", "those", "its", "his", "her", "their", "our",
        "my", "your", "some", "many", "most", "both", "all", "each", "every", "no", "several",
        "few", "such", "another", "any", "much", "more", "one", "two", "three", "four", "five",
    }
)  # fmt: skip
_PREPS = frozenset(
    {
        "of", "in", "on", "at", "to", "for", "with", "from", "by", "about", "into", "over",
        "under", "after", "before", "between", "through", "during", "against", "without",
        "within", "among", "across", "toward", "towards", "around", "amid", "upon", "since",
        "until", "as", "than", "like", "near", "off", "out", "up", "down", "that",
    }
)  # fmt: skip
# Words in the left half that mean the split point may sit inside an embedded clause.
_EMBEDDING = frozenset(
    {
        "that", "which", "who", "whom", "whose", "because", "if", "whether", "when", "while",
        "although", "though", "unless", "where", "said", "says", "say", "told", "tells",
        "stating", "noting", "saying", "according", "claimed", "claims", "believes", "believed",
        "believe", "think", "thinks", "thought", "reported", "added", "warned", "warns",
        "argued", "argues", "so",
    }
)  # fmt: skip
_REPORTING = frozenset(
    {"said", "says", "say", "told", "reported", "reports", "added", "according", "stated",
     "announced", "confirmed", "claimed", "claims", "wrote", "writes", "noted"}
)  # fmt: skip
_SAID = frozenset({"said", "says", "told", "tells", "added", "wrote", "writes", "explained"})
# Finite or reporting verbs that cannot occur in an apposition ("X, the report said, ...").
_NOT_IN_APPOSITION = (
    frozenset(
        {
            "said",
            "says",
            "say",
            "told",
            "tells",
            "reported",
            "reports",
            "added",
            "adds",
            "noted",
            "notes",
            "according",
            "believes",
            "thinks",
            "argued",
            "argues",
            "wrote",
            "writes",
            "claimed",
            "claims",
            "insisted",
            "explained",
            "stated",
            "announced",
            "confirmed",
        }
    )
    | _AUX
)
# Sentence openers that introduce a leading adverbial phrase or clause.
_PREFIX_STARTERS = frozenset(
    {
        "in", "on", "at", "during", "after", "before", "since", "for", "by", "under", "amid",
        "amidst", "following", "despite", "with", "without", "as", "when", "while", "whilst",
        "although", "though", "because", "if", "over", "through", "throughout", "across",
        "within", "from", "according", "last", "earlier", "later", "unlike", "like", "besides",
        "beyond", "among", "against", "upon", "once", "until", "to", "yesterday", "today",
        "between", "back", "around", "this", "next",
    }
)  # fmt: skip
# Leading adverbials that carry no checkable fact; they are dropped from the wording.
_DISCOURSE = frozenset(
    {
        "however", "meanwhile", "moreover", "furthermore", "additionally", "notably", "indeed",
        "importantly", "interestingly", "significantly", "crucially", "nevertheless",
        "nonetheless", "still", "also", "thus", "hence", "therefore", "consequently",
        "ultimately", "overall", "similarly", "likewise", "again", "specifically",
        "surprisingly", "unfortunately", "fortunately", "clearly", "of course", "in addition",
        "in fact", "in turn", "in short", "in particular", "in other words",
        "on the other hand", "at the same time", "instead", "besides", "yet", "so", "now",
        "first", "second", "third", "finally", "lastly", "above all", "after all",
        "as such", "in any case", "by contrast", "in contrast", "that said", "to be sure",
        "but", "and", "yes", "well", "you know", "and yes", "for example",
        "for instance",
    }
)  # fmt: skip
_EMPTY_FRAME = re.compile(
    r"in\s+an?\s+(?:[\w-]+\s+){0,4}"
    r"(?:move|step|development|twist|turn|shift|departure|gesture|sign|show|display|push)"
)
# Openers that make a time phrase only when a time word follows ("This week, ...").
_TIME_DEICTIC = frozenset({"this", "last", "next", "earlier", "later"})
_TIME_WORDS = frozenset(
    {
        "week", "weeks", "month", "months", "year", "years", "morning", "afternoon", "evening",
        "night", "weekend", "spring", "summer", "autumn", "fall", "winter", "day", "days",
        "decade", "century", "time", "season", "quarter", "monday", "tuesday", "wednesday",
        "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april",
        "may", "june", "july", "august", "september", "october", "november", "december", "on",
        "in", "this", "that",
    }
)  # fmt: skip
_RELATIVE = frozenset({"which", "who"})
# Words that may open an apposition without "a"/"the" ("X, former security chief, ...").
_OFFICE_OPENERS = OFFICE_WORDS | {
    "former", "acting", "then", "current", "outgoing", "incoming", "retired", "longtime",
    "state", "security", "chief", "top",
}  # fmt: skip
# What may follow "NAME," when an apposition starts there (a cheap pre-test).
_APPOSITION_AFTER = re.compile(
    r",\s+(?:an?\s|the\s|who\s|[^\W\d_][\w-]*['\u2019]s\s|(?:[a-z]+\s+){0,2}(?:"
    + "|".join(sorted(_OFFICE_OPENERS, key=len, reverse=True))
    + r")(?![\w-]))"
)
_TRIGGER = re.compile(
    r",\s+(?:which|who|and|but)(?![\w-])|;"
    r"|(?<![\w-])(?:and|but)\s+(?:(?:"
    + "|".join(sorted(_ADVERBS))
    + r"|[a-z]+ly)\s+){0,2}(?:"
    + "|".join(sorted(_AUX | _IRREGULAR))
    + r"|[a-z]+ed|[a-z]+n['\u2019]t)(?![\w-])"
)
_QUOTE_CHARS = re.compile('["\u201c\u201d\u2018\u2019()\\[\\]]')
_COORDINATORS = frozenset({"and", "but"})
_LIST_WORDS = frozenset({"and", "or", "nor"})
_NOT_SHARED_SUBJECT = frozenset({"between", "both", "either", "neither", "whether"})
_MAX_PREFIX_WORDS = 14
_MAX_SUBJECT_WORDS = 8
_MAX_APPOSITION_WORDS = 16


class _Tok:
    """One token: a word or a punctuation character, with its quote/bracket depth."""

    __slots__ = ("depth", "end", "is_word", "lower", "start", "text")

    def __init__(self, start: int, end: int, text: str, depth: int) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.lower = text.lower()
        self.depth = depth  # inside quotes or brackets when > 0
        self.is_word = text[0].isalnum()


def _tokens(text: str, start: int, end: int) -> list[_Tok]:
    """Tokens of ``text[start:end]`` with quote/bracket depth (quotes and brackets themselves
    carry the depth outside them)."""
    if not _QUOTE_CHARS.search(text, start, end):
        return [_Tok(m.start(), m.end(), m.group(), 0) for m in _TOKEN.finditer(text, start, end)]
    out: list[_Tok] = []
    quotes = 0
    straight = False
    brackets = 0
    single = 0
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        depth = quotes + brackets + single + (1 if straight else 0)
        if word == "\u201c":
            quotes += 1
        elif word == "\u201d":
            quotes = max(0, quotes - 1)
            depth = quotes + brackets + single + (1 if straight else 0)
        elif word == '"':
            straight = not straight
            depth = quotes + brackets + single
        elif word in "([":
            brackets += 1
        elif word in ")]":
            brackets = max(0, brackets - 1)
            depth = quotes + brackets + single + (1 if straight else 0)
        elif word == "\u2018":
            single += 1
        elif word == "\u2019" and single:
            single -= 1
            depth = quotes + brackets + single + (1 if straight else 0)
        out.append(_Tok(m.start(), m.end(), word, depth))
    return out


def _is_ed_verb(tok: _Tok) -> bool:
    w = tok.lower
    return (
        tok.text[0].islower()
        and len(w) >= 4
        and w.endswith("ed")
        and w not in _NOT_ED_VERBS
        and w.isalpha()
    )


def _is_s_verb(toks: list[_Tok], i: int) -> bool:
    """An -s form ("underscores", "holds") followed by what typically opens an object. A
    preposition does not count: "waves from", "relations between" are plural nouns."""
    tok = toks[i]
    w = tok.lower
    if not (tok.text[0].islower() and len(w) >= 4 and w.isalpha() and w.endswith("s")):
        return False
    if w.endswith(("ss", "us", "is", "ics", "ous", "ness")):
        return False
    if i + 1 >= len(toks):
        return False
    nxt = toks[i + 1]
    return (
        nxt.lower in _DETS
        or nxt.lower in _ADVERBS
        or nxt.lower == "that"
        or (nxt.is_word and (nxt.text[0].isdigit() or nxt.lower.endswith("ly")))
    )


def _is_verb(toks: list[_Tok], i: int, *, allow_s: bool = True) -> bool:
    """Whether token ``i`` looks like the first word of a verb group."""
    for j in range(i, min(i + 3, len(toks))):
        tok = toks[j]
        if not tok.is_word:
            return False
        w = tok.lower
        if w in _AUX or w in _IRREGULAR or w.endswith(("n't", "n\u2019t")):
            return True
        if _is_ed_verb(tok) or (allow_s and _is_s_verb(toks, j)):
            return True
        if not (w in _ADVERBS or (w.endswith("ly") and len(w) > 4 and tok.text[0].islower())):
            return False
    return False


def _subject_verb(toks: list[_Tok], i: int, limit: int) -> int | None:
    """If ``toks[i:limit]`` opens with a short subject noun phrase followed by a verb, the index
    of the verb group's first token; otherwise ``None``."""
    if i >= limit or not toks[i].is_word:
        return None
    first = toks[i]
    if first.lower in _PRONOUNS:
        return i + 1 if i + 1 < limit and _is_verb(toks, i + 1) else None
    if not (first.lower in _DETS or first.text[0].isupper() or first.text[0].isdigit()):
        return None
    for j in range(i + 1, min(limit, i + 1 + _MAX_SUBJECT_WORDS)):
        tok = toks[j]
        if not tok.is_word and tok.text not in "-\u2013":
            return None
        if j == i + 1 and first.lower in _DETS:
            continue  # "the partnerships in ...": a determiner is followed by a noun
        if tok.is_word and _is_verb(toks, j):
            return j
    return None


def _collapse(s: str) -> str:
    return " ".join(s.split())


def _assemble(text: str, lo: int, hi: int, removed: Sequence[tuple[int, int]]) -> str:
    """``text[lo:hi]`` without the ``removed`` intervals (sorted), whitespace collapsed."""
    pieces: list[str] = []
    pos = lo
    for a, b in removed:
        if b <= pos or a >= hi:
            continue
        if a > pos:
            pieces.append(text[pos:a])
        pos = max(pos, b)
    if pos < hi:
        pieces.append(text[pos:hi])
    return _collapse("".join(pieces))


def _finish(s: str) -> str:
    """A full sentence: trimmed, capitalised, ending with terminal punctuation."""
    s = s.strip(_TRIM)
    if not s:
        return s
    if s[0].islower():
        s = s[0].upper() + s[1:]
    tail = s.rstrip("".join(_CLOSERS))
    if tail and tail[-1] in _TERMINATORS:
        return s
    return s + "."


def _lower_first(s: str) -> str:
    """Lower-case a leading determiner ("The former mayor" -> "the former mayor")."""
    head, _, rest = s.partition(" ")
    if head.lower() in _DETS and head[:1].isupper() and rest:
        return head.lower() + " " + rest
    return s


class _Splitter:
    """The analysis of one sentence; see :func:`split_statements`."""

    def __init__(self, text: str, start: int, end: int, entities: Sequence[Entity]) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.toks = _tokens(text, start, end)
        self.entities = [e for e in entities if start <= e.start and e.end <= end]
        self.office_starts = {e.start for e in self.entities if e.label == "OFFICE"}
        self.by_start = {t.start: i for i, t in enumerate(self.toks)}
        self.removed: list[tuple[int, int]] = []
        self.gone = bytearray(len(self.toks))  # tokens inside a removed interval
        self.starts = [t.start for t in self.toks]
        self._verbs: dict[tuple[int, bool], bool] = {}
        self.subs: list[Statement] = []
        self.used_entities: set[int] = set()
        # Body: the sentence without its final terminator (when nothing closes after it).
        self.body = len(self.toks)
        while self.body > 0 and self.toks[self.body - 1].text in _TERMINATORS:
            self.body -= 1
        self.body_end = self.toks[self.body - 1].end if self.body else start
        self.last_punct = max(
            (
                i
                for i in range(self.body)
                if self.toks[i].depth or self.toks[i].text in ",;:()\u2013\u2014"
            ),
            default=-1,
        )
        self.clause_start = 0
        self.prefix_end: int | None = None  # token index of the comma closing a kept prefix
        self.drop_prefix = False

    # -- helpers -----------------------------------------------------------------------------

    def _is_removed(self, pos: int) -> bool:
        i = self.by_start.get(pos)
        if i is not None:
            return bool(self.gone[i])
        return any(a <= pos < b for a, b in self.removed)

    def _remove(self, a: int, b: int) -> None:
        """Cut ``text[a:b]`` out of the main statement's wording."""
        self.removed.append((a, b))
        lo = bisect.bisect_left(self.starts, a)
        hi = bisect.bisect_left(self.starts, b)
        self.gone[lo:hi] = b"\x01" * (hi - lo)

    def _kept(self, lo: int, hi: int) -> list[int]:
        """Token indexes in ``[lo, hi)`` that are not inside a removed interval."""
        gone = self.gone
        return [i for i in range(lo, hi) if not gone[i]]

    def _verb(self, i: int, *, allow_s: bool = True) -> bool:
        """:func:`_is_verb`, memoised per token."""
        key = (i, allow_s)
        found = self._verbs.get(key)
        if found is None:
            found = self._verbs[key] = _is_verb(self.toks, i, allow_s=allow_s)
        return found

    def _tok_at(self, pos: int) -> int | None:
        return self.by_start.get(pos)

    def _text(self, lo: int, hi: int) -> str:
        return _assemble(self.text, lo, hi, sorted(self.removed))

    def _has_office(self, first: int, stop: int) -> bool:
        """Whether tokens ``first..stop-1`` hold an office word or start an OFFICE entity."""
        return any(
            self.toks[i].lower in OFFICE_WORDS or self.toks[i].start in self.office_starts
            for i in range(first, stop)
        )

    def _add_sub(self, text: str, lo: int, hi: int) -> None:
        self.subs.append(Statement(text=_finish(text), start=lo, end=hi))

    # -- appositions --------------------------------------------------------------------------

    def _apposition_end(self, j: int) -> tuple[int, int | None] | None:
        """From token ``j`` (first word after the comma): (index after the last apposition
        token, index of the closing comma or None at sentence end)."""
        depth = self.toks[j].depth
        k = j
        while k < self.body:
            if k - j > _MAX_APPOSITION_WORDS:
                return None
            tok = self.toks[k]
            if tok.depth != depth:
                return None
            if tok.text == ",":
                return k, k
            if not tok.is_word and tok.text not in "-\u2013'\u2019":
                return None
            k += 1
        return k, None

    def _appositions(self) -> None:
        for n, e in enumerate(self.entities):
            if e.label not in {"PERSON", "MISC", "ORG"}:
                continue
            comma = self._tok_at(e.end)
            if comma is None or self.toks[comma].text != "," or comma + 1 >= self.body:
                continue
            j = comma + 1
            bounds = self._apposition_end(j)
            if bounds is None:
                continue
            k, closing = bounds
            words = self.toks[j:k]
            if not 1 <= len(words) <= _MAX_APPOSITION_WORDS:
                continue
            lo, hi = words[0].start, words[-1].end
            office = self._has_office(j, k)
            if e.label != "PERSON" and not office:
                continue
            office_first = words[0].lower in _OFFICE_OPENERS or lo in self.office_starts
            if not self._apposition_form(words, office, office_first):
                continue
            if closing is not None:
                nxt = self.toks[closing + 1] if closing + 1 < len(self.toks) else None
                if nxt is None or not self._continues(nxt):
                    continue
                # "X, a doctor, according to ..." keeps its comma; "X, a minister, in Beijing"
                # and "X, a minister, said" do not.
                keep_comma = nxt.lower == "according"
                cut = (e.end, self.toks[closing].start if keep_comma else self.toks[closing].end)
            else:
                cut = (e.end, self.body_end)
            name = _collapse(e.text)
            self._add_sub(f"{name} is {_collapse(self.text[lo:hi])}", e.start, hi)
            self._remove(*cut)
            self.used_entities.add(n)
        self._reverse_appositions()

    @staticmethod
    def _apposition_form(words: list[_Tok], office: bool, office_first: bool) -> bool:
        """Whether ``words`` (after "NAME, ") read as a description of the name: "the former
        mayor of X", "a doctor who ...", "China's security chief", "state security chief"."""
        first = words[0]
        if first.lower in _IRREGULAR or _is_ed_verb(first):
            return False  # "X, ran for ..." / "X, served as ...": a clause, not a description
        before_relative: list[_Tok] = []
        for tok in words:
            if tok.lower in {"who", "that", "which", "whose", "whom"}:
                break
            before_relative.append(tok)
        if any(t.lower in _NOT_IN_APPOSITION for t in before_relative):
            return False
        for a, b in itertools.pairwise(words):
            if a.lower in _LIST_WORDS and (b.text[0].isupper() or b.lower in _DETS):
                return False  # "the US and Russia", "a doctor and a nurse": a list
        if first.lower in {"a", "an", "the"} and first.text[0].islower():
            rest = [t for t in words[1:] if t.is_word and t.lower not in {"of", "and"}]
            if not rest:
                return False
            # "the United States" is a name in a list, not a description.
            return office or not all(t.text[0].isupper() for t in rest)
        if first.text[0].isupper() and first.lower.endswith(("'s", "\u2019s")):
            return office and len(words) >= 2
        return office_first and first.text[0].islower()

    @staticmethod
    def _continues(nxt: _Tok) -> bool:
        """Whether the word after an apposition's closing comma carries on the sentence
        ("recently met", "in Beijing", "said"); "and ...", "who ..." or a capitalised word
        ("Pictou County, Nova Scotia") mean the comma was something else."""
        return (
            nxt.is_word
            and nxt.text[0].islower()
            and nxt.lower not in _LIST_WORDS
            and nxt.lower not in _RELATIVE
        )

    def _reverse_appositions(self) -> None:
        """ "Cuba's interior minister, Lazaro Alberto Alvarez Casas, said" ."""
        people = {e.start: (n, e) for n, e in enumerate(self.entities) if e.label == "PERSON"}
        for office in self.entities:
            if office.label != "OFFICE" or self._is_removed(office.start):
                continue
            comma = self._tok_at(office.end)
            if comma is None or self.toks[comma].text != "," or comma + 1 >= self.body:
                continue
            found = people.get(self.toks[comma + 1].start)
            if found is None or found[0] in self.used_entities:
                continue
            n, person = found
            after = self._tok_at(person.end)
            if after is not None and after < self.body and self.toks[after].text != ",":
                continue
            if after is not None and after < self.body:
                nxt = self.toks[after + 1] if after + 1 < len(self.toks) else None
                if nxt is None or not self._continues(nxt):
                    continue
            first = self._tok_at(office.start)
            if first is None:
                continue
            np_start = office.start
            prev = first - 1
            if prev >= 0 and self.toks[prev].is_word:
                p = self.toks[prev]
                if (p.text[0].isupper() and p.lower.endswith(("'s", "\u2019s"))) or (
                    p.lower in {"the", "a", "an"}
                ):
                    np_start = p.start
            if np_start == office.start:
                continue  # "president, X," (no "the" or "Cuba's") is not safe to reword
            phrase = _lower_first(_collapse(self.text[np_start : office.end]))
            self._add_sub(f"{_collapse(person.text)} is {phrase}", np_start, person.end)
            self._remove(np_start, person.start)
            if after is not None and after < self.body:
                self._remove(person.end, self.toks[after].end)
            self.used_entities.add(n)

    # -- leading adverbial --------------------------------------------------------------------

    def _prefix(self) -> None:
        kept = self._kept(0, min(self.body, 3 * _MAX_PREFIX_WORDS))
        if not kept:
            return
        first = self.toks[kept[0]]
        words = 0
        for i in kept:
            tok = self.toks[i]
            if tok.depth:
                return
            if tok.text == ",":
                break
            if not tok.is_word:
                return
            words += 1
            if words > _MAX_PREFIX_WORDS:
                return
        else:
            return
        if words == 0:
            return
        phrase = _collapse(self.text[first.start : self.toks[i - 1].end]).lower()
        starter = first.lower
        participial = first.text[0].isupper() and starter.endswith(("ing", "ed"))
        drop = phrase in _DISCOURSE or _EMPTY_FRAME.fullmatch(phrase) is not None
        if starter in _TIME_DEICTIC:
            second = self.toks[kept[1]].lower if len(kept) > 1 else ""
            if second not in _TIME_WORDS:
                return  # "This meeting, which ..." is a subject, "This week, ..." a prefix
        if not (drop or starter in _PREFIX_STARTERS or participial):
            return
        rest = [j for j in kept if j > i]
        if not rest or self.toks[rest[0]].lower in _RELATIVE:
            return
        self.prefix_end = i
        self.clause_start = rest[0]
        self.drop_prefix = drop

    # -- relative clauses ---------------------------------------------------------------------

    def _next_kept(self, idx: int, within: int) -> int | None:
        """The first kept token among the ``within`` tokens after ``idx`` (body only)."""
        for i in range(idx + 1, min(self.body, idx + 1 + within)):
            if not self.gone[i]:
                return i
        return None

    def _predicate_after(self, idx: int) -> bool:
        """Whether a verb group opens right after token ``idx``."""
        nxt = self._next_kept(idx, 5)
        return nxt is not None and self._verb(nxt)

    def _closing_comma(self, after: int, *, need_predicate: bool) -> int | None:
        """The first depth-0 comma after ``after`` that closes a relative clause."""
        for i in range(after + 1, self.body):
            tok = self.toks[i]
            if tok.depth or self.gone[i]:
                continue
            if tok.text in ";:\u2013\u2014(":
                return None
            if tok.text != ",":
                continue
            nxt = self._next_kept(i, 1)
            if nxt is None:
                return None
            following = self.toks[nxt]
            if following.lower in _LIST_WORDS:
                return None
            if need_predicate:
                if self._predicate_after(i):
                    return i
                continue
            if not following.is_word or not following.text[0].islower():
                return None
            # "X, who was born in 1884, confirmed ... and died ...": a list of predicates; but
            # '"...," said X, who wrote Y, told Z' is fine.
            if self._verb(nxt) and following.lower not in _SAID:
                return None
            return i
        return None

    def _subject_relative(self) -> None:
        kept = self._kept(self.clause_start, min(self.body, self.clause_start + 12))
        if not kept:
            return
        pos = 0
        while pos < len(kept) and self.toks[kept[pos]].text != ",":
            i = kept[pos]
            if not self.toks[i].is_word or self._verb(i, allow_s=False):
                return
            pos += 1
        if not 1 <= pos <= 6 or pos + 1 >= len(kept):
            return
        comma = kept[pos]
        rel = kept[pos + 1]
        if self.toks[rel].lower not in _RELATIVE or not self._predicate_after(rel):
            return
        closing = self._closing_comma(rel, need_predicate=True)
        if closing is None:
            return
        lo = self.toks[self.clause_start].start
        subject = self._text(lo, self.toks[comma].start)
        clause = self._text(self.toks[rel].end, self.toks[closing].start)
        if len(clause.split()) < 2:
            return
        last = self._kept(rel, closing)[-1]
        self._add_sub(f"{subject} {clause}", lo, self.toks[last].end)
        self._remove(self.toks[comma].start, self.toks[closing].end)

    def _opens_clause(self, pos: int) -> bool:
        """Whether only a title ("Judge", "Dr.") stands between the clause start and ``pos``."""
        for i in range(self.clause_start, len(self.toks)):
            tok = self.toks[i]
            if self.gone[i]:
                continue
            if tok.start >= pos:
                return True
            if not (tok.text == "." or (tok.is_word and tok.text[0].isupper())):
                return False
        return False

    def _person_relatives(self) -> None:
        for e in self.entities:
            if e.label != "PERSON" or self._is_removed(e.start):
                continue
            comma = self._tok_at(e.end)
            if comma is None or self.toks[comma].text != "," or comma + 2 >= self.body:
                continue
            rel = comma + 1
            if self.toks[rel].lower != "who" or not self._predicate_after(rel):
                continue
            is_subject = self._opens_clause(e.start)
            closing = self._closing_comma(rel, need_predicate=is_subject)
            if closing is None and is_subject:
                continue
            if closing is None and self.last_punct > rel:
                continue  # the clause would run on past other punctuation
            stop = closing if closing is not None else self.body
            clause = self._text(self.toks[rel].end, self.toks[stop - 1].end)
            if len(clause.split()) < 2:
                continue
            self._add_sub(f"{_collapse(e.text)} {clause}", e.start, self.toks[stop - 1].end)
            cut_end = self.toks[closing].end if closing is not None else self.body_end
            self._remove(e.end, cut_end)

    # -- coordinated clauses ------------------------------------------------------------------

    def _clauses(self) -> list[tuple[int, int, str | None]]:
        """Clause boundaries as (first token, token after the last, shared subject or None)."""
        kept = self._kept(self.clause_start, self.body)
        if not kept:
            return []
        clauses: list[tuple[int, int, str | None]] = []
        cur = kept[0]
        cur_subject: str | None = None
        verb = _subject_verb_kept(self, kept, 0)
        left = _Left()
        pos = 0
        while pos < len(kept):
            i = kept[pos]
            if verb is not None and i > verb and not self.toks[i].depth:
                split = self._split_at(kept, pos, verb, left)
                if split is not None:
                    right, shared = split
                    subject = None
                    if shared:
                        subject = cur_subject or self._text(
                            self.toks[cur].start, self.toks[verb].start
                        )
                    clauses.append((cur, i, cur_subject))
                    cur, cur_subject, left, pos = kept[right], subject, _Left(), right
                    verb = cur if shared else _subject_verb_kept(self, kept, right)
                    continue
            tok = self.toks[i]
            left.update(tok, i, verb, left.needs_verb and tok.is_word and self._verb(i))
            pos += 1
        clauses.append((cur, kept[-1] + 1, cur_subject))
        return clauses

    def _split_at(
        self, kept: list[int], pos: int, verb: int, left: _Left
    ) -> tuple[int, bool] | None:
        """Whether the clause may split at ``kept[pos]``: (position in ``kept`` of the right
        half's first token, whether the right half shares the left half's subject)."""
        tok = self.toks[kept[pos]]
        if tok.text == ",":
            if pos + 2 >= len(kept) or self.toks[kept[pos + 1]].lower not in _COORDINATORS:
                return None
            right = pos + 2
        elif tok.text == ";":
            right = pos + 1
        elif tok.lower in _COORDINATORS:
            right = pos + 1
            if left.embedded or right >= len(kept) or (left.saw_comma and not left.segment_verb):
                return None
            return (right, True) if self._shared_subject_ok(kept, right, left) else None
        else:
            return None
        if left.embedded or right >= len(kept):
            return None
        if (left.saw_comma and not left.segment_verb) or self._dangling(left):
            return None  # "A, B, and C": the segment before ", and" is a list item
        if self._verb(kept[right], allow_s=False):
            return (right, True) if self._shared_subject_ok(kept, right, left) else None
        if _subject_verb_kept(self, kept, right) is None or self._words(kept, right, 3) < 3:
            return None
        return right, False

    def _words(self, kept: list[int], pos: int, enough: int) -> int:
        """How many words ``kept[pos:]`` holds, counting no further than ``enough``."""
        count = 0
        for n in range(pos, len(kept)):
            if self.toks[kept[n]].is_word:
                count += 1
                if count >= enough:
                    break
        return count

    def _dangling(self, left: _Left) -> bool:
        """Whether the left half ends in a word that needs more ("lived in, and ...")."""
        last = self.toks[left.last_word].lower if left.last_word >= 0 else ""
        return last in _PREPS or last in _DETS or last in _LIST_WORDS

    def _shared_subject_ok(self, kept: list[int], right: int, left: _Left) -> bool:
        """Shared subject ("X did A and did B"): both halves must be full predicates."""
        first = kept[right]
        rtok = self.toks[first]
        if not rtok.is_word or not self._verb(first, allow_s=False):
            return False
        if self._words(kept, right, 2) < 2 or left.predicate_words < 2:
            return False
        if left.last_word < 0 or self._verb(left.last_word) or self._dangling(left):
            return False
        if any(w in _NOT_SHARED_SUBJECT for w in left.recent):
            return False
        participle = rtok.lower not in _AUX and not rtok.lower.endswith(("n't", "n\u2019t"))
        return not (participle and left.passive)

    def _trailing_attribution(self) -> bool:
        """A trailing "..., the newspaper said." reports the whole sentence: its clauses stay
        together."""
        words = 0
        for i in range(self.body - 1, self.clause_start - 1, -1):
            tok = self.toks[i]
            if tok.depth or self._is_removed(tok.start):
                continue
            if tok.text == ",":
                break
            if tok.is_word:
                words += 1
                if words > 6:
                    return False
                if tok.lower in _COORDINATORS:
                    return False
        else:
            return False
        return any(self.toks[j].lower in _REPORTING for j in range(i + 1, self.body))

    # -- driver -------------------------------------------------------------------------------

    def run(self) -> list[Statement]:
        whole = Statement(_collapse(self.text[self.start : self.end]), self.start, self.end)
        if not self.toks or self.body == 0:
            return [whole]
        self._appositions()
        self._prefix()
        self._subject_relative()
        self._person_relatives()
        self.removed.sort()
        clauses = self._clauses() if not self._trailing_attribution() else []
        if not clauses:
            clauses = [(self.clause_start, self.body, None)]
        if not clauses or (len(clauses) == 1 and not self.subs and not self.drop_prefix):
            return [whole]
        prefix = ""
        if self.prefix_end is not None and not self.drop_prefix:
            prefix = self._text(self.start, self.toks[self.prefix_end].start)
        terminator = ""
        if self.body < len(self.toks):
            terminator = self.toks[-1].text
        lead = self.toks[self.clause_start].start if self.drop_prefix else self.start
        subs = sorted(self.subs, key=lambda s: s.start)
        out: list[Statement] = []
        for n, (first, stop, subject) in enumerate(clauses):
            last = n == len(clauses) - 1
            inside = self._kept(first, stop)
            if not inside:
                continue
            end_tok = self.toks[inside[-1]]
            body = self._text(lead if n == 0 else self.toks[first].start, end_tok.end)
            if subject:
                body = f"{subject} {body}"
            if n and prefix:
                body = f"{prefix}, {body}"
            body = body.rstrip(_TRIM)
            if last and terminator in {"?", "!"}:
                body += terminator
            lo = self.start if n == 0 else self.toks[first].start
            hi = self.end if last else end_tok.end
            while subs and (last or subs[0].start < end_tok.end):
                out.append(subs.pop(0))
            out.append(Statement(_finish(body), lo, hi))
        out.extend(subs)
        return out


class _Left:
    """What the scan has seen of the current clause so far (kept cheap: O(1) per token)."""

    __slots__ = (
        "embedded", "last_word", "passive", "predicate_words", "recent", "saw_comma",
        "segment_verb",
    )  # fmt: skip

    def __init__(self) -> None:
        self.embedded = False
        self.saw_comma = False
        self.segment_verb = False
        self.predicate_words = 0
        self.passive = False
        self.last_word = -1
        self.recent: list[str] = []

    def update(self, tok: _Tok, i: int, verb: int | None, is_verb: bool) -> None:
        """Take in token ``i``; ``is_verb`` matters only while :attr:`needs_verb`."""
        if tok.lower in _EMBEDDING or tok.depth:
            self.embedded = True
        if tok.text == ",":
            self.saw_comma = True
            self.segment_verb = False
        if not tok.is_word:
            return
        self.recent.append(tok.lower)
        if len(self.recent) > 6:
            del self.recent[0]
        if is_verb:
            self.segment_verb = True
        if verb is not None and i >= verb:
            self.predicate_words += 1
            if self.predicate_words <= 3 and tok.lower in _BE:
                self.passive = True
        self.last_word = i

    @property
    def needs_verb(self) -> bool:
        """Whether the current comma-separated segment still lacks a verb (a list item?)."""
        return self.saw_comma and not self.segment_verb


def _subject_verb_kept(splitter: _Splitter, kept: list[int], pos: int) -> int | None:
    """:func:`_subject_verb` over the kept tokens only (removed appositions are skipped)."""
    if pos >= len(kept):
        return None
    toks = [splitter.toks[i] for i in kept[pos : pos + _MAX_SUBJECT_WORDS + 4]]
    found = _subject_verb(toks, 0, len(toks))
    return None if found is None else kept[pos + found]


def _may_split(text: str, start: int, end: int, entities: Sequence[Entity]) -> bool:
    """A cheap test that some rule could apply; most sentences fail it and skip the analysis."""
    if _TRIGGER.search(text, start, end):
        return True
    for e in entities:
        if (
            start <= e.start
            and e.end < end
            and text[e.end] == ","
            and (e.label == "OFFICE" or _APPOSITION_AFTER.match(text, e.end, end))
        ):
            return True
    comma = text.find(",", start, min(end, start + 120))
    if comma == -1:
        return False
    phrase = _collapse(text[start:comma]).lower()
    return phrase in _DISCOURSE or _EMPTY_FRAME.fullmatch(phrase) is not None


def split_statements(
    text: str, start: int, end: int, entities: Sequence[Entity]
) -> list[Statement]:
    """The atomic statements asserted by the sentence ``text[start:end]``, in reading order.

    ``entities`` are the entities found in that sentence (offsets into ``text``). A sentence
    that asserts one thing gives one :class:`Statement` whose text is the sentence with its
    whitespace collapsed and whose span is the sentence. Every statement's text is a full
    sentence ending in terminal punctuation; every span satisfies ``start <= s.start < s.end <=
    end`` and is trimmed of surrounding whitespace and commas. Linear in the sentence length.
    """
    lo, hi = start, end
    while lo < hi and (text[lo].isspace() or text[lo] == ","):
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] == ","):
        hi -= 1
    if lo >= hi:
        return []
    if hi - lo > MAX_SPLIT_CHARS:
        return [Statement(_collapse(text[lo:hi]), lo, hi)]
    if not _may_split(text, lo, hi, entities):
        return [Statement(_collapse(text[lo:hi]), lo, hi)]
    statements = _Splitter(text, lo, hi, entities).run()
    return [s for s in statements if s.text and lo <= s.start < s.end <= hi]
