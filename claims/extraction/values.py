"""Find and normalise values in a sentence: years, dates, months, ordinals, anniversaries,
durations, percentages, money and plain counts.

Every pattern starts with a look-behind that rejects matches beginning in the middle of a number
or word, so a failed attempt costs O(1) at all but a few positions and the whole scan stays linear
even on hostile input (megabyte-long digit runs, repeated dots, ...).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from .records import Value

MONTHS: dict[str, int] = {
    name: number
    for number, name in enumerate(
        (
            "January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December",
        ),
        start=1,
    )
}  # fmt: skip
_MONTH_ALT = "|".join(MONTHS)

_UNITS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINAL_UNITS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}  # fmt: skip
_ORDINAL_TENS: dict[str, int] = {
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
    "seventieth": 70, "eightieth": 80, "ninetieth": 90, "hundredth": 100,
}  # fmt: skip

_MULTIPLIERS: dict[str, int] = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}
_SYMBOL_CURRENCIES: dict[str, str] = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
_WORD_CURRENCIES: dict[str, str] = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound": "GBP",
    "pounds": "GBP",
    "yuan": "CNY",
    "renminbi": "CNY",
}

# A number as written in prose: 3, 3.5, 1,250,000.
# At most 15 digits before the point: longer digit runs are not values (and would not parse).
_NUM = r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,10})?(?!\d|[.,]\d)"
_START = r"(?<![\w.,$€£])"  # not inside a number or word
_NUMWORD = (
    r"(?:(?:" + "|".join(_TENS) + r")(?:-(?:" + "|".join(k for k in _UNITS if len(k) > 2) + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)

_DATE_DMY = re.compile(
    _START + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>" + _MONTH_ALT + r"),?\s+"
    r"(?P<y>\d{4})(?!\d)"
)
_DATE_MDY = re.compile(
    r"(?<!\w)(?P<m>" + _MONTH_ALT + r")\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
)
_DATE_ISO = re.compile(r"(?<![\w-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-])")
_MONEY_SYMBOL = re.compile(
    r"(?<![\w.,])(?P<cur>US\$|\$|€|£)\s?(?P<num>" + _NUM + r")"
    r"(?:\s*(?P<mult>(?i:thousand|million|billion|trillion|bn|mn|m|k))\b)?"
)
_MONEY_WORD = re.compile(
    _START + r"(?P<num>" + _NUM + r")(?:\s+(?P<mult>(?i:thousand|million|billion|trillion)))?"
    r"\s+(?P<cur>(?i:dollars?|euros?|pounds?|yuan|renminbi))\b"
)
_PERCENT = re.compile(_START + r"(?P<num>" + _NUM + r")(?:\s?%|\s+(?i:percent|per\s+cent)\b)")
_ANNIVERSARY = re.compile(
    r"(?<![\w.,-])(?P<ord>\d{1,4}(?:st|nd|rd|th)|[A-Za-z]+(?:-[A-Za-z]+)?)\s+(?i:anniversary)\b"
)
_DURATION = re.compile(
    r"(?<![\w.,-])(?P<num>\d{1,4}|(?i:" + _NUMWORD + r"))(?:\s+|-)"
    r"(?P<unit>(?i:decades?|years?|months?|weeks?|days?))\b"
)
_ORDINAL = re.compile(_START + r"(?P<num>\d{1,4})(?:st|nd|rd|th)\b")
_YEAR = re.compile(r"(?<![\w.,$€£])(?P<y>1\d{3}|20\d{2})(?!\w|[.,]\d|\s?%)")
_MONTH = re.compile(r"(?<!\w)(?P<m>" + _MONTH_ALT + r")(?!\w)")
_COUNT = re.compile(r"(?<![\w.,$€£-])(?P<num>" + _NUM + r")(?!\w|[.,]\d|\s?%)")

# Words before "May" that make it the month, not the modal verb.
_MAY_CONTEXT = frozenset(
    {"in", "on", "since", "by", "until", "of", "last", "next", "early", "late", "mid", "through",
     "from", "between", "and", "before", "after", "during", "this"}
)  # fmt: skip


def _number(text: str) -> int | float:
    """Parse "1,250" or "3.5" as int when integral, float otherwise."""
    cleaned = text.replace(",", "")
    return float(cleaned) if "." in cleaned else int(cleaned)


def _word_number(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in _UNITS:
        return _UNITS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and (not unit or unit in _UNITS):
        return _TENS[tens] + (_UNITS[unit] if unit else 0)
    return None


def ordinal_value(word: str) -> int | None:
    """``"65th"`` -> 65, ``"sixty-fifth"`` -> 65, ``"first"`` -> 1; ``None`` if not an ordinal."""
    word = word.lower()
    if word[:-2].isdigit() and word[-2:] in {"st", "nd", "rd", "th"}:
        return int(word[:-2])
    if word in _ORDINAL_UNITS:
        return _ORDINAL_UNITS[word]
    if word in _ORDINAL_TENS:
        return _ORDINAL_TENS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and unit in _ORDINAL_UNITS and _ORDINAL_UNITS[unit] < 10:
        return _TENS[tens] + _ORDINAL_UNITS[unit]
    return None


def _amount(num: str, mult: str | None) -> int | float:
    try:
        amount = Decimal(num.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex only admits digits
        return 0
    if mult:
        amount *= _MULTIPLIERS[mult.lower()]
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _iso_date(year: str, month: int, day: str) -> str | None:
    try:
        return datetime.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


_Candidate = tuple[int, int, str, object]  # start, end, kind, value
_Finder = Callable[[str], list[_Candidate]]


def _dates(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for pattern in (_DATE_DMY, _DATE_MDY):
        for m in pattern.finditer(s):
            iso = _iso_date(m["y"], MONTHS[m["m"]], m["d"])
            if iso:
                found.append((m.start(), m.end(), "date", iso))
    for m in _DATE_ISO.finditer(s):
        iso = _iso_date(m["y"], int(m["m"]), m["d"])
        if iso:
            found.append((m.start(), m.end(), "date", iso))
    return found


def _money(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _MONEY_SYMBOL.finditer(s):
        currency = _SYMBOL_CURRENCIES[m["cur"].lower()]
        found.append(
            (
                m.start(),
                m.end(),
                "money",
                {"amount": _amount(m["num"], m["mult"]), "currency": currency},
            )
        )
    for m in _MONEY_WORD.finditer(s):
        currency = _WORD_CURRENCIES[m["cur"].lower()]
        found.append(
            (
                m.start(),
                m.end(),
                "money",
                {"amount": _amount(m["num"], m["mult"]), "currency": currency},
            )
        )
    return found


def _percents(s: str) -> list[_Candidate]:
    return [
        (m.start(), m.end(), "percent", float(m["num"].replace(",", "")))
        for m in _PERCENT.finditer(s)
    ]


def _anniversaries(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _ANNIVERSARY.finditer(s):
        n = ordinal_value(m["ord"])
        if n is not None:
            found.append((m.start(), m.end(), "anniversary", n))
    return found


def _durations(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _DURATION.finditer(s):
        n = _word_number(m["num"])
        if n is None:
            continue
        unit = m["unit"].lower().rstrip("s")
        value = {"years": n * 10} if unit == "decade" else {unit + "s": n}
        found.append((m.start(), m.end(), "duration", value))
    return found


def _ordinals(s: str) -> list[_Candidate]:
    return [(m.start(), m.end(), "ordinal", int(m["num"])) for m in _ORDINAL.finditer(s)]


def _years(s: str) -> list[_Candidate]:
    return [(m.start(), m.end(), "year", int(m["y"])) for m in _YEAR.finditer(s)]


def _months(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _MONTH.finditer(s):
        if m["m"] == "May":
            before = s[max(0, m.start() - 12) : m.start()].split()
            after = s[m.end() : m.end() + 3].lstrip()
            previous = before[-1].lower().rstrip("-") if before else ""
            if previous not in _MAY_CONTEXT and not after[:1].isdigit():
                continue  # probably the verb "may"
        found.append((m.start(), m.end(), "month", MONTHS[m["m"]]))
    return found


def _counts(s: str) -> list[_Candidate]:
    return [(m.start(), m.end(), "count", _number(m["num"])) for m in _COUNT.finditer(s)]


# In priority order: on equal length, an earlier finder wins an overlap.
_FINDERS: tuple[_Finder, ...] = (
    _dates,
    _money,
    _percents,
    _anniversaries,
    _durations,
    _ordinals,
    _years,
    _months,
    _counts,
)


def find_values(sentence: str, offset: int = 0) -> list[Value]:
    """Values in ``sentence``, in reading order, spans shifted by ``offset``.

    Overlapping candidates are resolved longest first ("65th anniversary" beats "65th",
    "28 September 1960" beats "1960"); on equal length the more specific kind wins.
    """
    candidates: list[tuple[int, int, int, str, object]] = []
    for priority, finder in enumerate(_FINDERS):
        for start, end, kind, value in finder(sentence):
            candidates.append((start, end, priority, kind, value))
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    occupied = bytearray(len(sentence))
    chosen: list[tuple[int, int, str, object]] = []
    for start, end, _priority, kind, value in candidates:
        if occupied.find(1, start, end) != -1:
            continue
        occupied[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, kind, value))
    chosen.sort()
    return [
        Value(
            kind=kind, text=sentence[start:end], value=value, start=start + offset, end=end + offset
        )
        for start, end, kind, value in chosen
    ]
