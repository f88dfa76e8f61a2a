"""Find and normalise values in a sentence: years, decades, dates, months, ordinals,
anniversaries, durations, percentages, money and plain counts.

What :func:`find_values` returns, by kind (``value`` is always JSON-serialisable):

- ``year``: the year as an int ("in 1960" -> 1960). A decade ("the 1960s") is a ``year`` too, with
  a dict value ``{"decade": 1960, "from": 1960, "to": 1969}``.
- ``date``: an ISO string ("28 September 1960", "September 28, 1960", "Sept. 28, 1960",
  "2025-05-09" -> "1960-09-28" ...). Impossible dates (31 February) are not dates.
- ``month``: ``{"month": 5, "year": None}`` for "in May", ``{"month": 5, "year": 1960}`` for
  "May 1960", ``{"month": 9, "year": None, "day": 28}`` for "September 28"; "last May" / "next May"
  add ``"relative": "last" | "next"``. :func:`resolve_months` fills the missing years.
- ``ordinal`` (int): "3rd", "fifth", "twenty-first"; ``anniversary`` (int): "65th anniversary".
- ``duration``: ``{"amount": 18, "unit": "month", "years": 1.5}``; units from a month up carry
  ``years``, weeks and days carry ``days``, hours/minutes/seconds only ``amount`` and ``unit``.
- ``percent``: a float for a percentage ("50 per cent" -> 50.0); percentage points are marked with
  a dict ``{"amount": 3.5, "unit": "percentage point"}`` so they are never summed as shares.
- ``money``: ``{"amount": 3000000000, "currency": "USD"}`` (ISO 4217 codes).
- ``count`` (int or float): "1,200 people" -> 1200, "two million barrels" -> 2000000, "twenty"
  -> 20. Spelled numbers below ten ("the two nations") are not counts; nor are "dozens",
  years, ordinals, dates, phone numbers, unformatted runs of more than six digits, or numbers
  naming a thing ("Boeing 737", "Article 5").

Values never overlap: the longest candidate wins, and on equal length the more specific kind.

Every pattern starts with a look-behind that rejects matches beginning in the middle of a number
or word, so a failed attempt costs O(1) at all but a few positions and the whole scan stays linear
even on hostile input (megabyte-long digit runs, repeated dots, ...). Quantifiers are bounded or
separated by fixed literals, so no pattern backtracks more than a constant amount per position.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
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
_MONTH_NAMES = tuple(MONTHS)
# "Jan", "Sept." ...: abbreviations are only taken next to a day or year ("Sept. 28, 1960").
_MONTH_ABBREVIATIONS: dict[str, int] = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sept": 9, "Sep": 9,
    "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_MONTH_FULL_OR_ABBR = (
    r"(?:" + _MONTH_ALT + r")(?!\w)|(?:" + "|".join(_MONTH_ABBREVIATIONS) + r")(?:\.|(?!\w))"
)

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
    "hundred": 10**2,
    "thousand": 10**3,
    "k": 10**3,
    "lakh": 10**5,
    "lakhs": 10**5,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "crore": 10**7,
    "crores": 10**7,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
    "tn": 10**12,
}
_PREFIX_CURRENCIES: dict[str, str] = {
    "$": "USD", "us$": "USD", "u.s.$": "USD", "u.s. $": "USD", "a$": "AUD", "au$": "AUD",
    "c$": "CAD", "ca$": "CAD", "hk$": "HKD", "nz$": "NZD", "s$": "SGD", "r$": "BRL",
    "€": "EUR", "£": "GBP", "₹": "INR", "rs": "INR", "rs.": "INR", "usd": "USD", "eur": "EUR",
    "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "jpy": "JPY", "inr": "INR", "chf": "CHF",
}  # fmt: skip
_WORD_CURRENCIES: dict[str, str] = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "pounds sterling": "GBP", "sterling": "GBP", "yuan": "CNY",
    "renminbi": "CNY", "rupee": "INR", "rupees": "INR", "yen": "JPY", "rouble": "RUB",
    "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "won": "KRW", "usd": "USD", "eur": "EUR",
    "gbp": "GBP", "cny": "CNY", "rmb": "CNY", "jpy": "JPY", "inr": "INR",
}  # fmt: skip
# "pounds" (weight) and "won" (the verb) are money only with a multiplier: "2 million pounds".
_NEEDS_MULTIPLIER = frozenset({"pound", "pounds", "won"})
_QUALIFIED_CURRENCIES: dict[tuple[str, str], str] = {
    ("canadian", "dollar"): "CAD", ("australian", "dollar"): "AUD",
    ("hong kong", "dollar"): "HKD", ("singapore", "dollar"): "SGD",
    ("new zealand", "dollar"): "NZD", ("taiwan", "dollar"): "TWD",
    ("taiwanese", "dollar"): "TWD", ("mexican", "peso"): "MXN", ("cuban", "peso"): "CUP",
    ("argentine", "peso"): "ARS", ("argentinian", "peso"): "ARS", ("chilean", "peso"): "CLP",
    ("colombian", "peso"): "COP", ("philippine", "peso"): "PHP",
}  # fmt: skip

# A number as written in prose: 3, 3.5, 1,250,000.
# At most 15 digits before the point: longer digit runs are not values (and would not parse).
_NUM = r"(?:\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(?:\.\d{1,10})?(?!\d|[.,]\d)"
_START = r"(?<![\w.,$€£₹])"  # not inside a number or word
_UNIT_WORDS = "|".join(k for k in sorted(_UNITS, key=len, reverse=True) if len(k) > 2)
_TENS_WORDS = "|".join(_TENS)
# A spelled number from one to ninety-nine ("a"/"an" count as one).
_NUMWORD = (
    r"(?:(?:" + _TENS_WORDS + r")(?:-(?:" + _UNIT_WORDS + r"))?"
    r"|" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
)
# The same without "a"/"an" (for percentages: "a percent" is not a value).
_NUMWORD_NO_A = r"(?:(?:" + _TENS_WORDS + r")(?:-(?:" + _UNIT_WORDS + r"))?|" + _UNIT_WORDS + r")"
# Spelled numbers that are counts on their own: ten and up ("twenty", "forty-two").
_NUMWORD_COUNT = (
    r"(?:(?:" + _TENS_WORDS + r")(?:-(?:" + _UNIT_WORDS + r"))?"
    r"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)"
)
_MULT_WORD = r"(?:hundred|thousand|million|billion|trillion)"
_MULT_ANY = r"(?:hundred|thousand|million|billion|trillion|crores?|lakhs?|bn|mn|tn|m|k)"

_DATE_DMY = re.compile(
    _START + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<m>" + _MONTH_FULL_OR_ABBR + r"),?\s"
    r"(?P<y>\d{4})(?!\d|[.,]\d)"
)
_DATE_MDY = re.compile(
    r"(?<!\w)(?P<m>" + _MONTH_FULL_OR_ABBR + r")\s?(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s"
    r"(?P<y>\d{4})(?!\d|[.,]\d)"
)
_DATE_ISO = re.compile(r"(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w-]|\.\d)")
_MONTH_YEAR = re.compile(
    r"(?<!\w)(?P<m>" + _MONTH_FULL_OR_ABBR + r"),?\s(?:of\s)?(?P<y>1\d{3}|20\d{2})(?!\w|[.,]\d)"
)
_MONTH_DAY = re.compile(
    r"(?<!\w)(?P<m>" + _MONTH_FULL_OR_ABBR + r")\s?(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\w%]|[.,]\d)"
)
_DAY_MONTH = re.compile(
    _START + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s(?:of\s)?(?P<m>" + _MONTH_ALT + r")(?!\w)"
)
_MONTH = re.compile(r"(?<!\w)(?:(?P<rel>[Ll]ast|[Nn]ext)\s)?(?P<m>" + _MONTH_ALT + r")(?!\w)")
_DECADE = re.compile(r"(?<![\w.,$€£'\u2019-])(?P<y>1\d{2}0|20\d0)['\u2019]?s(?!\w)")
_YEAR = re.compile(r"(?<![\w.,$€£₹])(?P<y>1\d{3}|20\d{2})(?!\w|[.,]\d|\s?%)")

_MONEY_PREFIX = re.compile(
    r"(?<![\w.,$€£₹])(?P<cur>US\$|U\.S\.\s?\$|AU?\$|CA?\$|HK\$|NZ\$|S\$|R\$|\$|€|£|₹|Rs\.?"
    r"|USD|EUR|GBP|CNY|RMB|JPY|INR|CHF)\s?(?P<num>" + _NUM + r")"
    r"(?:(?:\s?|-)(?P<mult>(?i:" + _MULT_ANY + r"))(?!\w))?"
)
_MONEY_WORD = re.compile(
    _START + r"(?P<num>" + _NUM + r"|(?i:" + _NUMWORD + r"))"
    r"(?:[\s-](?P<mult>(?i:" + _MULT_ANY + r")))?\s"
    r"(?:(?P<qual>US|U\.S\.|American|Canadian|Australian|Hong\sKong|Singapore|New\sZealand"
    r"|Taiwan(?:ese)?|Mexican|Cuban|Argentine|Argentinian|Chilean|Colombian|Philippine)\s)?"
    r"(?P<cur>(?i:dollars?|euros?|pounds?\ssterling|pounds?|sterling|yuan|renminbi|rupees?|yen"
    r"|roubles?|rubles?|pesos?)|won|USD|EUR|GBP|CNY|RMB|JPY|INR)(?!\w)"
)
_PERCENT = re.compile(
    _START + r"(?P<num>" + _NUM + r"|(?i:" + _NUMWORD_NO_A + r"))"
    r"(?:\s?%|[\s-](?i:percent|per\scent|pct)(?!\w))"
)
_POINTS = re.compile(
    _START + r"(?P<num>" + _NUM + r"|(?i:" + _NUMWORD_NO_A + r"))"
    r"(?:\s?%|[\s-](?i:percent|per\scent))?\s(?i:percentage)[\s-](?i:points?)(?!\w)"
)
_ANNIVERSARY = re.compile(
    r"(?<![\w.,-])(?P<ord>\d{1,4}(?:st|nd|rd|th)|[A-Za-z]{1,12}(?:-[A-Za-z]{1,12})?)[\s-]"
    r"(?i:anniversary)(?!\w)"
)
_DURATION = re.compile(
    r"(?<![\w.,-])(?P<num>" + _NUM + r"|(?i:" + _NUMWORD + r"))(?:\s|-)"
    r"(?:(?i:more|additional|extra|consecutive|straight|full|long|whole)\s)?"
    r"(?P<unit>(?i:centur(?:y|ies)|decades?|years?|months?|weeks?|days?|hours?|minutes?|seconds?))"
    r"(?!\w)"
)
_DURATION_HALF = re.compile(
    r"(?<![\w-])(?P<frac>(?i:half|a\squarter|quarter))\s(?:(?i:of\s)?(?i:an?)\s)?"
    r"(?P<unit>(?i:century|decade|year))(?!\w)"
)
_ORDINAL = re.compile(_START + r"(?P<num>\d{1,4})(?:st|nd|rd|th)(?!\w)")
_ORDINAL_WORD = re.compile(
    r"(?<![\w-])(?P<w>(?i:(?:" + _TENS_WORDS + r")[\s-](?:" + "|".join(_ORDINAL_UNITS) + r")"
    r"|" + "|".join(sorted({**_ORDINAL_UNITS, **_ORDINAL_TENS}, key=len, reverse=True)) + r"))"
    r"(?![\w-])"
)
_COUNT = re.compile(
    r"(?<![\w.,$€£₹-])(?P<num>" + _NUM + r")(?:[\s-](?P<mult>(?i:" + _MULT_WORD + r"))(?!\w))?"
    r"(?!\w|[.,]\d|\s?%|-\d)"
)
_COUNT_WORD = re.compile(
    r"(?<![\w-])(?:(?P<num>(?i:half\sa|" + _NUMWORD + r"))[\s-](?P<mult>(?i:" + _MULT_WORD + r"))"
    r"|(?P<alone>(?i:" + _NUMWORD_COUNT + r")))(?![\w-])"
)
# Phone numbers and similar identifiers: three or more digit groups joined by "-", "." or
# spaces (spaces only after a "+country" prefix). They block counts but are never values.
_PHONE = re.compile(
    r"(?<![\w.,+-])(?:\+\d{1,3}[\s.-]?|\(\d{2,5}\)\s?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}(?![\w-]|[.,]\d)"
)

# Words before "May" that make it the month, not the modal verb.
_MAY_CONTEXT = frozenset(
    {"in", "on", "since", "by", "until", "of", "last", "next", "early", "late", "mid", "through",
     "from", "between", "and", "before", "after", "during", "this", "or", "to", "till"}
)  # fmt: skip
# A year-shaped number after one of these words is a count: "about 2000 people".
_COUNT_CONTEXT = frozenset(
    {"about", "around", "some", "nearly", "almost", "roughly", "approximately", "than", "least",
     "estimated", "another", "additional", "extra", "only", "just", "over", "under", "up"}
)  # fmt: skip
_COUNT_NOUNS = frozenset(
    {"people", "persons", "troops", "soldiers", "workers", "residents", "deaths", "cases",
     "jobs", "votes", "families", "children", "students", "homes", "houses", "migrants",
     "refugees", "protesters", "members", "employees", "patients", "men", "women", "units",
     "tons", "tonnes", "barrels", "miles", "kilometres", "kilometers", "km", "feet", "metres",
     "meters", "acres", "vehicles", "flights", "passengers", "officers", "fighters"}
)  # fmt: skip
# A number right after one of these (or any name, see _counts) is an identifier, not a count.
_ID_WORDS = frozenset({"no", "nos", "number", "flight", "route", "room", "page", "line"})
_DIGIT_RUN = re.compile(r"\d+")


def _number(text: str) -> int | float:
    """Parse "1,250" or "3.5" as int when integral, float otherwise."""
    cleaned = text.replace(",", "")
    return float(cleaned) if "." in cleaned else int(cleaned)


def _word_number(word: str) -> int | float | None:
    """``"two"`` -> 2, ``"forty-two"`` -> 42, ``"18"`` -> 18, ``"1.5"`` -> 1.5, else ``None``."""
    word = word.lower()
    if word[:1].isdigit():
        try:
            return _number(word)
        except ValueError:
            return None
    if word == "half a":
        return 0.5
    if word in _UNITS:
        return _UNITS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and (not unit or unit in _UNITS):
        return _TENS[tens] + (_UNITS[unit] if unit else 0)
    return None


def ordinal_value(word: str) -> int | None:
    """``"65th"`` -> 65, ``"sixty-fifth"`` -> 65, ``"first"`` -> 1; ``None`` if not an ordinal."""
    word = word.lower().replace(" ", "-")
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


def _integral(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _amount(num: str, mult: str | None) -> int | float | None:
    """``num`` (digits or a spelled number) times the multiplier word, if any."""
    if num[:1].isdigit():
        try:
            amount = Decimal(num.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex only admits digits
            return None
    else:
        spelled = _word_number(num)
        if spelled is None:
            return None
        amount = Decimal(str(spelled))
    if mult:
        amount *= _MULTIPLIERS[mult.lower()]
    return _integral(amount)


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or _MONTH_ABBREVIATIONS[name]


def _iso_date(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _valid_day(month: int, day: int) -> bool:
    return _iso_date(2000, month, day) is not None  # 2000 is a leap year: 29 February is valid


def _previous_word_at(s: str, pos: int) -> tuple[str, int]:
    """The word just before ``pos`` (one to three spaces between) and where it starts, or
    ``("", pos)``. Looks back at most 33 characters."""
    end = pos
    while end > 0 and pos - end < 3 and s[end - 1] == " ":
        end -= 1
    if end == pos:
        return "", pos
    start = end
    while (
        start > 0 and end - start < 30 and (s[start - 1].isalnum() or s[start - 1] in "_.'\u2019")
    ):
        start -= 1
    return (s[start:end], start) if start < end else ("", pos)


def _previous_word(s: str, pos: int) -> str:
    return _previous_word_at(s, pos)[0]


def _next_word(s: str, pos: int) -> str:
    """The lower-cased word after the single space at ``pos`` (punctuation stripped), or ``""``."""
    if s[pos : pos + 1] != " ":
        return ""
    words = s[pos : pos + 24].split(maxsplit=1)
    return words[0].lower().strip(",.;:!?") if words else ""


_Candidate = tuple[int, int, str, object]  # start, end, kind, value; kind "" blocks, never shown


def _dates(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for pattern in (_DATE_DMY, _DATE_MDY):
        for m in pattern.finditer(s):
            iso = _iso_date(int(m["y"]), _month_number(m["m"]), int(m["d"]))
            if iso:
                found.append((m.start(), m.end(), "date", iso))
    for m in _DATE_ISO.finditer(s):
        iso = _iso_date(int(m["y"]), int(m["m"]), int(m["d"]))
        if iso:
            found.append((m.start(), m.end(), "date", iso))
    return found


def _money_prefixed(s: str) -> list[_Candidate]:
    """ "$3 billion", "US$5 million", "€2.5m", "Rs 10 crore"."""
    found: list[_Candidate] = []
    for m in _MONEY_PREFIX.finditer(s):
        cur = m["cur"]
        code = _PREFIX_CURRENCIES.get(cur.lower())
        if code is None:  # pragma: no cover - every alternative of the pattern has a code
            continue
        mult = m["mult"]
        if mult and mult.lower() in {"crore", "crores", "lakh", "lakhs"} and code != "INR":
            continue
        amount = _amount(m["num"], mult)
        if amount is not None:
            found.append((m.start(), m.end(), "money", {"amount": amount, "currency": code}))
    return found


def _money_words(s: str) -> list[_Candidate]:
    """ "3 billion dollars", "1.2 trillion yuan", "5 million Canadian dollars"."""
    found: list[_Candidate] = []
    for m in _MONEY_WORD.finditer(s):
        cur = m["cur"].lower()
        mult = m["mult"]
        if cur in _NEEDS_MULTIPLIER and not mult:
            continue
        qual = (m["qual"] or "").lower().replace("u.s.", "us")
        singular = cur.rstrip("s") if cur.endswith(("dollars", "pesos")) else cur
        code = _QUALIFIED_CURRENCIES.get((qual, singular))
        if code is None:
            if singular == "peso":
                continue  # a peso of an unnamed country: no safe currency code
            code = _WORD_CURRENCIES.get(cur)
        amount = _amount(m["num"], mult)
        if code is not None and amount is not None:
            found.append((m.start(), m.end(), "money", {"amount": amount, "currency": code}))
    return found


def _percents(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _POINTS.finditer(s):
        amount = _word_number(m["num"])
        if amount is not None:
            value = {"amount": amount, "unit": "percentage point"}
            found.append((m.start(), m.end(), "percent", value))
    for m in _PERCENT.finditer(s):
        amount = _word_number(m["num"])
        if amount is None:
            continue
        start = m.start()
        if s[max(0, start - len(_HALF_OF)) : start].lower() == _HALF_OF:
            start, amount = start - len(_HALF_OF), amount / 2  # "half of one percent"
        found.append((start, m.end(), "percent", float(amount)))
    return found


_HALF_OF = "half of "


def _anniversaries(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _ANNIVERSARY.finditer(s):
        n = ordinal_value(m["ord"])
        if n is not None:
            found.append((m.start(), m.end(), "anniversary", n))
    return found


_UNIT_YEARS: dict[str, float] = {"century": 100, "decade": 10, "year": 1, "month": 1 / 12}
_UNIT_DAYS: dict[str, int] = {"week": 7, "day": 1}
# "a year" after these is a rate ("£2,100 a year", "twice a year"), not a duration.
_RATE_WORDS = frozenset({"once", "twice", "times", "per", "each", "every"})


def _unit(word: str) -> str:
    word = word.lower()
    if word.startswith("centur"):
        return "century"
    return word[:-1] if word.endswith("s") else word


def _duration_value(amount: int | float, unit: str) -> dict[str, object]:
    value: dict[str, object] = {"amount": amount, "unit": unit}
    if unit in _UNIT_YEARS:
        years = round(amount * _UNIT_YEARS[unit], 4)
        value["years"] = int(years) if years == int(years) else years
    elif unit in _UNIT_DAYS:
        value["days"] = amount * _UNIT_DAYS[unit]
    return value


def _durations(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _DURATION.finditer(s):
        n = _word_number(m["num"])
        if n is None:
            continue
        unit = _unit(m["unit"])
        if m["num"].lower() in {"a", "an"}:
            before = _previous_word(s, m.start()).lower()
            if before in _RATE_WORDS or before[-1:].isdigit() or before in _WORD_CURRENCIES:
                continue
            if unit == "second" and s[m.end() : m.end() + 2].strip(" ")[:1].isalpha():
                continue  # "a second term": the ordinal
        found.append((m.start(), m.end(), "duration", _duration_value(n, unit)))
    for m in _DURATION_HALF.finditer(s):
        amount = 0.5 if m["frac"].lower() == "half" else 0.25
        found.append((m.start(), m.end(), "duration", _duration_value(amount, _unit(m["unit"]))))
    return found


def _ordinals(s: str) -> list[_Candidate]:
    return [(m.start(), m.end(), "ordinal", int(m["num"])) for m in _ORDINAL.finditer(s)]


def _ordinal_words(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _ORDINAL_WORD.finditer(s):
        word = m["w"].lower()
        if word == "second":
            # "a second", "per second", "seconds later": the unit of time.
            before = _previous_word(s, m.start()).lower()
            after = _next_word(s, m.end())
            if before in {"per", "one", "split", "every"} or after in {"later", "ago", "longer"}:
                continue
            if before == "a" and not s[m.end() : m.end() + 2].strip(" ")[:1].isalpha():
                continue  # "in a second." / "for a second,"
        n = ordinal_value(word)
        if n is not None:
            found.append((m.start(), m.end(), "ordinal", n))
    return found


def _decades(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _DECADE.finditer(s):
        y = int(m["y"])
        found.append((m.start(), m.end(), "year", {"decade": y, "from": y, "to": y + 9}))
    return found


def _years(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _YEAR.finditer(s):
        before = _previous_word(s, m.start()).lower()
        if before in _COUNT_CONTEXT or _next_word(s, m.end()) in _COUNT_NOUNS:
            continue  # "about 2000 people": a count (found by _counts)
        found.append((m.start(), m.end(), "year", int(m["y"])))
    return found


def _month_value(month: int, year: int | None) -> dict[str, object]:
    return {"month": month, "year": year}


def _months_with_year_or_day(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _MONTH_YEAR.finditer(s):
        value = _month_value(_month_number(m["m"]), int(m["y"]))
        found.append((m.start(), m.end(), "month", value))
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(s):
            month, day = _month_number(m["m"]), int(m["d"])
            if _valid_day(month, day):
                value = {**_month_value(month, None), "day": day}
                found.append((m.start(), m.end(), "month", value))
    return found


def _months(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _MONTH.finditer(s):
        if m["m"] == "May" and not m["rel"]:
            previous = _previous_word(s, m.start()).lower().rstrip("-")
            if previous not in _MAY_CONTEXT:
                continue  # probably the verb "may", or a name ("Theresa May")
        value = _month_value(MONTHS[m["m"]], None)
        if m["rel"]:
            value["relative"] = m["rel"].lower()
        found.append((m.start(), m.end(), "month", value))
    return found


def _names_a_thing(s: str, start: int, num: str, first: int) -> bool:
    """Whether the number at ``start`` names something ("Boeing 737", "No. 5", a phone run)."""
    if len(num) > 6 and num.isdigit():
        return True  # an unformatted run of digits: an identifier, not a count
    before, before_start = _previous_word_at(s, start)
    if not before or not num.isdigit():
        return False
    if before.lower().rstrip(".") in _ID_WORDS:
        return True
    # A capitalised word that does not open the sentence: "Article 5", "Boeing 737".
    opens_sentence = before_start <= first
    return before[0].isupper() and not opens_sentence and before not in MONTHS


def _counts(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    first = len(s) - len(s.lstrip())  # where the first word starts
    for m in _COUNT.finditer(s):
        if _names_a_thing(s, m.start(), m["num"], first):
            continue
        amount = _amount(m["num"], m["mult"])
        if amount is not None:
            found.append((m.start(), m.end(), "count", amount))
    return found


def _count_words(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _COUNT_WORD.finditer(s):
        amount = _amount(m["num"] or m["alone"], m["mult"])
        if amount is not None:
            found.append((m.start(), m.end(), "count", amount))
    return found


def _blockers(s: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for m in _PHONE.finditer(s):
        text = m.group()
        digits = sum(ch.isdigit() for ch in text)
        groups = len(_DIGIT_RUN.findall(text))
        prefixed = text[0] in "+("
        if digits >= 7 and (prefixed or (groups >= 3 and ("-" in text or "." in text))):
            found.append((m.start(), m.end(), "", None))
    return found


# Cheap tests (substring searches in C) that tell which finders can match at all; most sentences
# have no digits, so most finders are skipped.
_DIGIT = re.compile(r"\d")
_CURRENCY_HINTS = (
    "dollar", "euro", "pound", "sterling", "yuan", "renminbi", "rupee", "yen", "ruble",
    "rouble", "peso", "won", "usd", "eur", "gbp", "cny", "rmb", "jpy", "inr",
)  # fmt: skip
_PERCENT_HINTS = ("%", "per", "pct")
_DURATION_HINTS = (
    "centur", "decade", "year", "month", "week", "day", "hour", "minute", "second",
)  # fmt: skip
_ORDINAL_HINTS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "teenth", "ieth", "hundredth",
)  # fmt: skip
_COUNT_HINTS = (
    "ten", "eleven", "twelve", "teen", "twenty", "thirty", "forty", "fifty", "sixty",
    "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "trillion",
)  # fmt: skip


def _any_of(hints: Sequence[str]) -> re.Pattern[str]:
    """One pattern that finds any of ``hints`` (a C-level scan instead of a loop of ``in``)."""
    return re.compile("|".join(re.escape(h) for h in hints))


_CURRENCY_HINT = _any_of(_CURRENCY_HINTS)
_PERCENT_HINT = _any_of(_PERCENT_HINTS)
_DURATION_HINT = _any_of(_DURATION_HINTS)
_ORDINAL_HINT = _any_of(_ORDINAL_HINTS)
_MONTH_HINT = _any_of(_MONTH_NAMES)
_COUNT_HINT = _any_of(_COUNT_HINTS)


def _candidates(s: str) -> list[tuple[int, int, int, str, object]]:
    """(start, end, priority, kind, value) from every finder that can match ``s``; a lower
    priority number wins an overlap of equal length."""
    low = s.lower()
    digits = _DIGIT.search(s) is not None
    out: list[tuple[int, int, int, str, object]] = []

    def add(priority: int, found: list[_Candidate]) -> None:
        out.extend((start, end, priority, kind, value) for start, end, kind, value in found)

    if digits:
        add(0, _dates(s))
        add(1, _money_prefixed(s))
    if _CURRENCY_HINT.search(low):
        add(1, _money_words(s))
    if _PERCENT_HINT.search(low):
        add(2, _percents(s))
    if "anniversar" in low:
        add(3, _anniversaries(s))
    if _DURATION_HINT.search(low):
        add(4, _durations(s))
    if digits:
        add(5, _decades(s))
        add(6, _months_with_year_or_day(s))
        add(7, _ordinals(s))
    if _ORDINAL_HINT.search(low):
        add(7, _ordinal_words(s))
    if digits:
        add(8, _years(s))
    if _MONTH_HINT.search(s):
        add(9, _months(s))
    if digits:
        add(10, _counts(s))
    if _COUNT_HINT.search(low):
        add(10, _count_words(s))
    if digits:
        add(11, _blockers(s))
    return out


def find_values(sentence: str, offset: int = 0) -> list[Value]:
    """Values in ``sentence``, in reading order, spans shifted by ``offset``.

    Overlapping candidates are resolved longest first ("65th anniversary" beats "65th",
    "28 September 1960" beats "1960"); on equal length the more specific kind wins. The spans
    never overlap and ``sentence[v.start - offset : v.end - offset] == v.text``.
    """
    candidates = _candidates(sentence)
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    occupied = bytearray(len(sentence))
    chosen: list[tuple[int, int, str, object]] = []
    for start, end, _priority, kind, value in candidates:
        if occupied.find(1, start, end) != -1:
            continue
        occupied[start:end] = b"\x01" * (end - start)
        if kind:
            chosen.append((start, end, kind, value))
    chosen.sort(key=lambda c: c[0])
    return [
        Value(
            kind=kind, text=sentence[start:end], value=value, start=start + offset, end=end + offset
        )
        for start, end, kind, value in chosen
    ]


def _resolved_year(month: int, relative: object, today: datetime.date) -> int:
    if relative == "next":
        return today.year if month > today.month else today.year + 1
    if relative == "last":
        return today.year if month < today.month else today.year - 1
    return today.year if month <= today.month else today.year - 1


def resolve_months(
    values: Sequence[Value],
    *,
    article_date: datetime.date | None,
    reference_year: int | None,
) -> list[Value]:
    """``values`` with the missing years of ``month`` values filled in; other values unchanged.

    With ``article_date``, a month takes the year of its most recent occurrence on or before
    the article's month ("May" in an article dated 2025-09-26 -> 2025, "November" -> 2024);
    "last May" is the most recent May strictly before that month and "next May" the first one
    after it. Without an article date, a plain month takes ``reference_year`` (the year the
    article's own facts place "now" in); "last"/"next" months stay unresolved then. Every month
    value that had no year gains ``"resolved_by"``: ``"article date"``, ``"article years"`` or
    ``None`` (left unresolved, ``"year"`` still ``None``); a month-day ("September 28") that gets
    a valid year also gains ``"date"`` (ISO). The input values are not modified.
    """
    out: list[Value] = []
    for v in values:
        value = v.value
        if v.kind != "month" or not isinstance(value, dict) or value.get("year") is not None:
            out.append(v)
            continue
        month = value["month"]
        relative = value.get("relative")
        year: int | None = None
        how: str | None = None
        if article_date is not None:
            year, how = _resolved_year(month, relative, article_date), "article date"
        elif reference_year is not None and relative is None:
            year, how = reference_year, "article years"
        new = {**value, "year": year, "resolved_by": how}
        if year is not None and "day" in value:
            iso = _iso_date(year, month, value["day"])
            if iso:
                new["date"] = iso
        out.append(Value(kind=v.kind, text=v.text, value=new, start=v.start, end=v.end))
    return out
