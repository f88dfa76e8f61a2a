"""A deliberately simple named-entity finder: runs of capitalised words, word lists (places,
nationalities, offices, organisation words) and a few context rules. Labels are PERSON, ORG,
PLACE, OFFICE or MISC. Linear in the sentence length.

Conventions (what callers can rely on):

- A title before a name is two entities: "President Xi Jinping" -> OFFICE "President" + PERSON
  "Xi Jinping"; "Gen. Allen Batschelet" -> OFFICE "Gen" + PERSON "Allen Batschelet". Honorifics
  ("Mr", "Dr") are left out: "Dr. Akhilesh Shrestha" -> PERSON "Akhilesh Shrestha".
- A capitalised title is an OFFICE only when it titles a name or names its portfolio ("Secretary
  of State"); on its own ("the President said", "The General") it is not an entity. A title in
  lower case ("China's state security chief", "the foreign minister") is always an OFFICE.
- A name before "administration", "presidency", "campaign", "era", "regime" or "government" is a
  PERSON ("the Trump administration" -> PERSON "Trump"); a nationality or place before
  "government", "authorities", "military", "embassy", ... is an ORG spanning both ("Cuban
  government", "U.S. military").
- Nationality adjectives ("Cuban", "Sino-Latin American") are MISC, never PLACE.
- Places joined by hyphens ("China-Cuba", "U.S.-Cuba") are separate PLACE entities.
- Months, weekdays and common sentence-opening words ("Officials", "Obesity") are not entities.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .records import Entity
from .values import MONTHS

# A word: a dotted acronym ("U.S."), or letters/digits with inner hyphens or apostrophes. Only
# words that start with a capital (the class over-approximates; the code checks) or that are
# connectors are matched: a lower-case word is skipped without leaving the C scanner.
_WORD_START = r"(?<!\w)(?<!\w[-'\u2019])"
_TOKEN = re.compile(
    _WORD_START + r"(?:(?:[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u03ff\u0400-\u04ff]\.)"
    r"(?:[^\W\d_]\.)+|[A-Z\u00c0-\u00de\u0100-\u024f\u0370-\u03ff\u0400-\u04ff]"
    r"(?:\w|[-'\u2019](?=\w))*|(?:of|de|del|da|la|y|bin|van|von)(?!\w|[-'\u2019]\w))"
)
_FIRST_WORD = re.compile(r"[^\W_]")
# The lower-case word (and the one after it) that follows a name: "Cuban government".
_TAIL = re.compile(r"(?P<poss>[\u2019']s)? (?P<w1>[a-z]+)(?: (?P<w2>[a-z]+))?(?![\w-])")
_POSSESSIVE = frozenset({"\u2019s", "'s"})
_JOINING_GAPS = frozenset({" ", "\u00a0", "-"})
_CONNECTORS = frozenset({"of", "de", "del", "da", "la", "y", "bin", "van", "von"})
_OPENING_QUOTES = frozenset("\"\u201c\u2018'\u00ab")

# Capitalised words that start sentences or phrases but are not names.
_STOP = frozenset(
    {
        "The", "This", "That", "These", "Those", "A", "An", "In", "On", "At", "As", "For", "By",
        "During", "Over", "Under", "After", "Before", "Since", "While", "When", "Where", "If",
        "Although", "Though", "But", "And", "Or", "So", "Yet", "However", "Meanwhile", "It",
        "He", "She", "They", "We", "I", "You", "Its", "His", "Her", "Their", "Our", "My", "Both",
        "Some", "Many", "Most", "Several", "According", "With", "Without", "From", "To", "Despite",
        "Amid", "There", "Here", "Such", "Each", "Every", "All", "No", "Yes", "Other", "Another",
        "What", "Why", "How", "Who", "Which", "Also", "Still", "Then", "Now", "Today", "Soon",
        "Instead", "Yesterday", "Tomorrow", "Tonight", "Recently", "Currently", "Previously",
        "Later", "Earlier", "Finally", "Moreover", "Furthermore", "Additionally", "Indeed",
        "Overall", "Nevertheless", "Nonetheless", "Otherwise", "Therefore", "Thus", "Hence",
        "Again", "Already", "Once", "Perhaps", "Maybe", "Just", "Only", "Even", "Not", "Never",
        "Among", "Between", "Into", "Through", "Across", "Against", "Within", "Unlike", "Like",
        "Following", "Regarding", "Given", "Including", "Nearly", "Almost", "About", "Around",
        "Last", "Next", "Rather", "Whether", "Unless", "Because", "Until", "Whose", "Whom",
        "Did", "Do", "Does", "Is", "Are", "Was", "Were", "Has", "Have", "Had", "Can", "Could",
        "Will", "Would", "Should", "Must", "Might", "Shall", "Let", "Come", "Forget", "Please",
        "Mr", "Mrs", "Ms", "Dr", "Prof", "Sir", "Dame", "Miss", "Mx", "One", "Two", "Three",
        "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen",
        "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen", "Twenty",
        "Thirty", "Forty", "Fifty", "Hundreds", "Thousands", "Millions", "Dozens", "More",
        "Less", "Fewer", "Few", "Apart", "Except", "Nowadays", "Years",
    }
)  # fmt: skip
_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame"})
# Capitalised words that open a sentence as common nouns, not names ("Officials said ...").
_COMMON_OPENERS = frozenset(
    {
        "Officials", "Experts", "Critics", "Researchers", "Rescuers", "Analysts", "Residents",
        "Authorities", "Scientists", "Protesters", "Police", "Lawmakers", "Investigators",
        "Witnesses", "Doctors", "Sources", "Voters", "Workers", "Students", "Citizens",
        "Observers", "Supporters", "Opponents", "Leaders", "Prosecutors", "People", "Teams",
        "Troops", "Soldiers", "Families", "Children", "Parents", "Women", "Men", "Americans",
        "Economists", "Diplomats", "Reporters", "Journalists", "Activists", "Migrants",
        "Refugees", "Farmers", "Fishermen", "Consumers", "Companies", "Firms", "Banks",
        "Prices", "Sales", "Exports", "Imports", "Talks", "Relations", "Tensions", "Sanctions",
        "Protests", "Negotiations", "Elections", "Reports", "Data", "Figures", "Estimates",
        "Studies", "Polls", "Surveys", "Scholars", "Rescue",
    }
)  # fmt: skip
_COMMON_NOUN_SUFFIXES = ("ity", "ness", "ment", "tion", "sion", "ism", "ance", "ence", "ship")
_WEEKDAYS = frozenset(
    {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

OFFICE_WORDS: frozenset[str] = frozenset(
    {
        "president", "minister", "secretary", "chief", "premier", "chancellor", "ambassador",
        "governor", "senator", "sen", "gen", "gov", "rep", "representative", "general",
        "director", "chairman", "chairwoman", "chair", "spokesman", "spokeswoman",
        "spokesperson", "mayor", "king", "queen", "prince", "princess", "commissioner", "envoy",
        "pope", "judge", "justice", "prosecutor", "admiral", "colonel", "commander", "vice",
        "prime", "deputy", "foreign", "interior", "lieutenant", "lt", "col", "capt", "captain",
        "maj", "major", "sgt", "sergeant", "adm", "cmdr", "marshal", "brigadier", "ceo",
        "executive", "attorney", "speaker", "sheikh", "emir", "ayatollah", "archbishop",
        "bishop", "cardinal", "rabbi", "imam", "pres", "amb", "supt", "superintendent", "inspector",
    }
)  # fmt: skip
# Office words that only modify another one ("Vice President", "Major General").
_OFFICE_MODIFIERS = frozenset(
    {"vice", "prime", "deputy", "foreign", "interior", "major", "lieutenant", "executive",
     "attorney", "chief"}
)  # fmt: skip
_OFFICE_HEADS = (OFFICE_WORDS - _OFFICE_MODIFIERS) | {"chief"}
# Abbreviated titles whose full stop does not end the run ("Gen. Allen Batschelet").
_ABBREVIATED_TITLES = frozenset(
    {"Gen", "Sen", "Gov", "Rep", "Lt", "Col", "Capt", "Maj", "Sgt", "Adm", "Cmdr", "Pres",
     "Amb", "Supt", "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof"}
)  # fmt: skip
# "Secretary of State", "Minister of Foreign Affairs": the portfolio belongs to the office.
_PORTFOLIO_WORDS = frozenset(
    {
        "State", "Defense", "Defence", "Treasury", "Foreign", "Affairs", "Home", "Homeland",
        "Security", "Health", "Education", "Energy", "Commerce", "Labor", "Labour",
        "Agriculture", "Justice", "Interior", "Transportation", "Transport", "Finance", "Trade",
        "Culture", "Environment", "War", "Veterans", "Housing", "Public", "Works", "National",
        "Economy", "Industry", "Information", "Tourism", "Communications", "Immigration",
        "Intelligence", "Planning", "Development", "Welfare", "Social", "Internal", "External",
    }
)  # fmt: skip

_ORG_WORDS = frozenset(
    {
        "ministry", "department", "government", "party", "council", "administration", "agency",
        "bank", "committee", "university", "association", "union", "organization",
        "organisation", "corporation", "company", "inc", "ltd", "corp", "group", "institute",
        "commission", "office", "bureau", "army", "navy", "force", "forces", "court",
        "parliament", "congress", "senate", "assembly", "nations", "fund", "foundation",
        "service", "police", "embassy", "news", "times", "post", "command", "league", "house",
        "federation", "authority", "board", "club", "college", "school", "hospital", "airlines",
        "airways", "reserve", "guard", "brigade", "coalition", "alliance", "front", "movement",
        "cabinet", "tribunal", "secretariat", "directorate", "network", "press", "journal",
        "herald", "tribune", "telegraph", "guardian", "reuters", "television", "radio",
        "society", "trust", "centre", "center", "laboratory", "laboratories", "motors",
        "electric",
    }
)  # fmt: skip
_PLACES = frozenset(
    {
        # Countries and territories.
        "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia",
        "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados",
        "Belarus", "Belgium", "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia", "Botswana",
        "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia", "Cameroon",
        "Canada", "Cape Verde", "Chad", "Chile", "China", "Colombia", "Comoros", "Congo",
        "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czechia", "Denmark", "Djibouti", "Dominica",
        "Ecuador", "Egypt", "El Salvador", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji",
        "Finland", "France", "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece",
        "Grenada", "Guatemala", "Guinea", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland",
        "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Ivory Coast",
        "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kiribati", "Kosovo", "Kuwait",
        "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya",
        "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia",
        "Maldives", "Mali", "Malta", "Mauritania", "Mauritius", "Mexico", "Micronesia",
        "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Myanmar",
        "Burma", "Democratic Republic of Congo", "Namibia", "Nauru", "Nepal", "Netherlands",
        "New Zealand", "Nicaragua",
        "Niger", "Nigeria", "North Korea", "North Macedonia", "Norway", "Oman", "Pakistan",
        "Palau", "Palestine", "Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines",
        "Poland", "Portugal", "Qatar", "Romania", "Russia", "Rwanda", "Samoa", "San Marino",
        "Saudi Arabia", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore",
        "Slovakia", "Slovenia", "Somalia", "South Africa", "South Korea", "South Sudan", "Spain",
        "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan",
        "Tajikistan", "Tanzania", "Thailand", "Togo", "Tonga", "Trinidad", "Tobago", "Tunisia",
        "Turkey", "Turkiye", "Turkmenistan", "Tuvalu", "Uganda", "Ukraine",
        "United Arab Emirates", "United Kingdom", "United States", "Uruguay", "Uzbekistan",
        "Vanuatu", "Vatican", "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe", "Korea",
        "Britain", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland",
        "Hong Kong", "Macau", "Tibet", "Xinjiang", "Greenland", "Puerto Rico", "Crimea",
        "Donbas", "Gaza", "West Bank", "Kashmir", "Chechnya", "Kurdistan",
        # Abbreviations.
        "U.S.", "US", "USA", "U.S.A.", "U.K.", "UK", "UAE", "U.A.E.", "DRC", "PRC", "ROK",
        "DPRK",
        # Regions.
        "Latin America", "South America", "North America", "Central America", "Western Hemisphere",
        "America", "Europe", "Asia", "Africa", "Caribbean", "Middle East", "Near East", "Far East",
        "Southeast Asia", "South Asia", "East Asia", "Central Asia", "Eurasia", "Oceania",
        "Antarctica", "Arctic", "Balkans", "Scandinavia", "Sahel", "Pacific", "Atlantic",
        "Mediterranean", "Persian Gulf", "Indo-Pacific", "Siberia", "Patagonia", "Amazon",
        "Himalayas", "West Africa", "East Africa", "North Africa", "Sub-Saharan Africa",
        # Capitals and large cities.
        "Beijing", "Havana", "Washington", "Moscow", "London", "Paris", "Berlin", "Tokyo",
        "Kyiv", "Kiev", "Tehran", "Jerusalem", "Tel Aviv", "Damascus", "Baghdad", "Kabul",
        "Islamabad", "New Delhi", "Delhi", "Mumbai", "Dhaka", "Kathmandu", "Colombo", "Bangkok",
        "Hanoi", "Manila", "Jakarta", "Seoul", "Pyongyang", "Taipei", "Shanghai", "Shenzhen",
        "Guangzhou", "Wuhan", "Canberra", "Sydney", "Melbourne", "Wellington", "Ottawa",
        "Toronto", "Montreal", "Vancouver", "Mexico City", "Caracas", "Bogota", "Lima",
        "Santiago", "Buenos Aires", "Brasilia", "Rio de Janeiro", "Sao Paulo", "Managua",
        "Madrid", "Barcelona", "Rome", "Milan", "Lisbon", "Brussels", "Amsterdam", "The Hague",
        "Vienna", "Prague", "Warsaw", "Budapest", "Bucharest", "Athens", "Ankara", "Istanbul",
        "Stockholm", "Oslo", "Copenhagen", "Helsinki", "Dublin", "Edinburgh", "Geneva",
        "Zurich", "Minsk", "Riyadh", "Doha", "Dubai", "Abu Dhabi", "Cairo", "Beirut", "Amman",
        "Nairobi", "Lagos", "Abuja", "Johannesburg", "Cape Town", "Addis Ababa", "Khartoum",
        "Tripoli", "Tunis", "Algiers", "Rabat", "Kinshasa", "New York", "Los Angeles",
        "Chicago", "Houston", "San Francisco", "Boston", "Miami", "Atlanta", "Seattle",
        "Dallas", "Philadelphia", "Detroit", "Las Vegas", "New Orleans",
        "Kuala Lumpur", "Ho Chi Minh City", "Hiroshima", "Osaka", "Mosul", "Aleppo", "Kharkiv",
        "Odesa", "Odessa", "Mariupol", "St Petersburg", "Manchester", "Birmingham", "Glasgow",
        "Cardiff", "Belfast", "Liverpool",
        # U.S. states.
        "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
        "Delaware", "Florida", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
        "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
        "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire",
        "New Jersey", "New Mexico", "North Carolina", "North Dakota", "Ohio", "Oklahoma",
        "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota",
        "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "West Virginia", "Wisconsin",
        "Wyoming",
    }
)  # fmt: skip
_PLACE_SUFFIXES = frozenset(
    {
        "City", "Province", "Island", "Islands", "Republic", "Hemisphere", "America", "Sea",
        "Ocean", "Region", "County", "Kingdom", "Coast", "Strait", "Gulf", "River", "Mountains",
        "Valley", "Peninsula", "Bay", "Lake", "Desert", "Canal", "Territory",
    }
)  # fmt: skip
# First words of "Gulf of Mexico", "Strait of Hormuz", "Republic of Korea".
_PLACE_HEADS = frozenset(
    {"Gulf", "Strait", "Straits", "Bay", "Sea", "Republic", "Kingdom", "Isle", "Island",
     "Islands", "Lake", "Cape", "Province", "City"}
)  # fmt: skip
_MISC_WORDS = frozenset(
    {"War", "Pandemic", "Revolution", "Crisis", "Agreement", "Treaty", "Act", "Day", "Games",
     "Cup", "Summit", "Accords", "Accord", "Prize", "Award", "Awards", "Policy", "Program",
     "Programme", "Plan", "Initiative", "Strategy", "Report", "Bill", "Law", "Convention",
     "Protocol", "Declaration", "Charter", "Index", "Survey", "Olympics", "Championship",
     "Festival", "Conference", "Forum", "Deal", "Doctrine", "Project", "Road", "Belt",
     "Constitution", "Amendment", "Olympic", "Cathedral", "Church", "Mosque",
     "Temple", "Airport", "Station", "Square", "Bridge", "Stadium", "Street", "Avenue"}
)  # fmt: skip
_MISC_ACRONYMS = frozenset(
    {"GDP", "GNP", "CEO", "CFO", "COVID", "HIV", "AIDS", "SARS", "TV", "GMT", "UTC", "AM", "PM",
     "DNA", "AI", "IT", "OK", "PhD", "MP", "MPs", "VAT", "CPI", "ID", "PR", "Q1", "Q2", "Q3",
     "Q4", "II", "III", "IV"}
)  # fmt: skip
_MONTH_NAMES = frozenset(MONTHS)
_DEMONYMS = frozenset(
    {
        "American", "Chinese", "Cuban", "Russian", "British", "French", "German", "Japanese",
        "Indian", "Iranian", "Israeli", "Palestinian", "Ukrainian", "Mexican", "Canadian",
        "Brazilian", "Venezuelan", "European", "African", "Asian", "Latin", "Arab", "Korean",
        "Syrian", "Turkish", "Spanish", "Italian", "Nepali", "Nepalese", "Pakistani", "Afghan",
        "Iraqi", "Saudi", "Egyptian", "Australian", "Dutch", "Swiss", "Swedish", "Norwegian",
        "Polish", "Irish", "Scottish", "Welsh", "English", "Greek", "Western", "Eastern",
        "Soviet", "Taiwanese", "Vietnamese", "Filipino", "Indonesian", "Thai", "Nigerian",
        "Kenyan", "Ethiopian", "Colombian", "Argentine", "Argentinian", "Chilean", "Peruvian",
        "Nicaraguan", "Belarusian", "Hungarian", "Czech", "Austrian", "Belgian", "Danish",
        "Finnish", "Portuguese", "Romanian", "Serbian", "Lebanese", "Jordanian", "Qatari",
        "Emirati", "Yemeni", "Libyan", "Sudanese", "Somali", "Bangladeshi", "Burmese",
        "Cambodian", "Malaysian", "Singaporean", "Mongolian", "Kazakh", "Georgian",
        "Armenian", "Azerbaijani", "Sino", "Anglo", "Hispanic", "Latino", "Caribbean",
        "Bolivian", "Ecuadorian", "Uruguayan", "Paraguayan", "Haitian", "Dominican",
        "Jamaican", "Kurdish", "Tibetan", "Uyghur", "Uighur", "Persian", "Slovak", "Croatian",
        "Bulgarian", "Lithuanian", "Latvian", "Estonian", "Icelandic", "Moroccan", "Algerian",
        "Tunisian", "Ghanaian", "Senegalese", "Congolese", "Zimbabwean", "Rwandan",
        "Ugandan", "Tanzanian", "Sri", "Lankan", "Northern", "Southern", "Muslim", "Christian",
        "Jewish", "Catholic", "Hindu", "Buddhist", "Sunni", "Shia", "Shiite", "Communist",
        "Republican", "Democrat", "Democratic", "Conservative", "Liberal", "Labour",
    }
)  # fmt: skip
_DIRECTIONS = frozenset({"North", "South", "East", "West", "Central", "Latin", "New"})

# Lower-case words after a capitalised run that make it an ORG ("Cuban government") or, after a
# name, a PERSON ("the Trump administration").
_ORG_TAILS = frozenset(
    {"government", "authorities", "military", "army", "navy", "embassy", "parliament",
     "police", "ministry", "regime", "cabinet", "legislature", "consulate", "delegation",
     "coast guard", "armed forces", "air force"}
)  # fmt: skip
_PERSON_TAILS = frozenset(
    {"administration", "presidency", "campaign", "era", "regime", "government", "cabinet"}
)

_LOWER_OFFICE = re.compile(
    r"(?<![\w-])(?:(?:state|security|interior|foreign|prime|defen[cs]e|finance|economy|trade|"
    r"health|justice|deputy|vice|top|home|intelligence|police|army|military|party|executive|"
    r"attorney|education|energy|agriculture|chief)\s){0,2}"
    r"(?:minister|secretary|chief|president|premier|ambassador|governor|senator|director|"
    r"chairman|chairwoman|spokesman|spokeswoman|spokesperson|mayor|chancellor|commissioner|"
    r"envoy|prosecutor)(?![\w-])"
)

# Words one of which every _LOWER_OFFICE match contains (a cheap test before the scan).
_LOWER_OFFICE_HINTS = (
    "minister", "secretary", "chief", "president", "premier", "ambassador", "governor",
    "senator", "director", "chair", "spokes", "mayor", "chancellor", "commissioner", "envoy",
    "prosecutor",
)  # fmt: skip

_Token = tuple[int, int, str]


def _tokens(sentence: str) -> list[_Token]:
    """The capitalised words of ``sentence`` and the connectors ("of") that may join them.

    Lower-case words are skipped: they would only break a run, and the text they leave in the
    gap between two tokens breaks it just the same (see :func:`_joined`).
    """
    out: list[_Token] = []
    for m in _TOKEN.finditer(sentence):
        start, end = m.span()
        word = m.group()
        if word[-2:] in _POSSESSIVE and len(word) > 2:
            end -= 2
            word = word[:-2]
        if word[0].isupper() or word in _CONNECTORS:
            out.append((start, end, word))
    return out


def _joined(sentence: str, previous: _Token, start: int) -> bool:
    """Whether the token starting at ``start`` continues the run ending with ``previous``."""
    gap = sentence[previous[1] : start]
    if gap in _JOINING_GAPS:
        return True
    # "Gen. Allen", "William O. Douglas": a title or an initial does not end the run.
    word = previous[2]
    return gap == ". " and (word in _ABBREVIATED_TITLES or (len(word) == 1 and word.isupper()))


def _groups(sentence: str, tokens: list[_Token]) -> list[list[int]]:
    """Runs of capitalised tokens (as token indexes) separated by a single space or hyphen ("of"
    may join them)."""
    groups: list[list[int]] = []
    current: list[int] = []
    pending: list[int] = []  # a connector word waiting for a capitalised word after it
    for index, token in enumerate(tokens):
        start, _end, word = token
        joined = bool(current) and _joined(sentence, tokens[(pending or current)[-1]], start)
        if word[0].isupper():
            if joined:
                current.extend(pending)
                current.append(index)
            else:
                if current:
                    groups.append(current)
                current = [index]
            pending = []
        elif current and joined and not pending and word in _CONNECTORS:
            pending = [index]
        else:
            if current:
                groups.append(current)
            current, pending = [], []
    if current:
        groups.append(current)
    return groups


def is_nationality(words: list[str]) -> bool:
    """Whether ``words`` is a nationality or similar adjective ("Cuban", "South Korean",
    "Sino-Latin American"): its last part is one, and every other part is one or a direction."""
    parts = [p for w in words for p in w.split("-")]
    if not parts or parts[-1] not in _DEMONYMS:
        return False
    return all(p in _DEMONYMS or p in _DIRECTIONS for p in parts[:-1])


def _is_place(words: list[str]) -> bool:
    if " ".join(words) in _PLACES:
        return True
    if len(words) > 1 and words[-1] in _PLACE_SUFFIXES:
        return True  # "Western Hemisphere", "Mexico City"
    return len(words) >= 3 and words[0] in _PLACE_HEADS and words[1] == "of"


def _classify(words: list[str]) -> str:
    lowered = {w.lower() for w in words}
    if lowered & _ORG_WORDS:
        return "ORG"
    if _is_place(words):
        return "PLACE"
    if words[-1] in _MISC_WORDS or any(any(c.isdigit() for c in w) for w in words):
        return "MISC"
    if len(words) == 1:
        word = words[0]
        if word in _MISC_ACRONYMS or word in _DEMONYMS:
            return "MISC"
        if len(word) > 1 and word.replace(".", "").isupper():
            return "ORG"  # an acronym such as NATO
        return "MISC"
    if is_nationality(words):
        return "MISC"  # "Sino-Latin American", "South Korean"
    if words[0] in _PLACES or words[0] in _DEMONYMS:
        return "MISC"  # "China Daily", "Chinese Xi"
    if 2 <= len(words) <= 4 and "of" not in words and all(_name_word(w) for w in words):
        return "PERSON"  # "Xi Jinping", "Lazaro Alberto Alvarez Casas" (never "X of Y")
    return "MISC"


def _name_word(word: str) -> bool:
    """A word that can be part of a person's name: letters (inner hyphens, apostrophes), an
    initial ("O", "K.C."), never an acronym such as "EU"."""
    letters = word.replace("-", "").replace("'", "").replace("\u2019", "")
    if "." in letters:
        return letters.replace(".", "").isalpha() and len(letters.replace(".", "")) <= 3
    return letters.isalpha() and (len(letters) == 1 or not letters.isupper())


def _place_parts(sentence: str, group: list[_Token]) -> list[_Token] | None:
    """The hyphen-joined places of ``group`` ("China-Cuba", "U.S.-Cuba") as separate tokens, or
    ``None`` when the group is not made of two or more known places."""
    parts: list[_Token] = []
    for index, (start, _end, word) in enumerate(group):
        if index and sentence[group[index - 1][1] : start] != "-":
            return None
        pos = start
        for piece in word.split("-"):
            parts.append((pos, pos + len(piece), piece))
            pos += len(piece) + 1
    if len(parts) < 2 or not all(p[2] in _PLACES for p in parts):
        return None
    return parts


def _office_end(group: list[_Token], i: int) -> int:
    """Index after the office title starting at ``group[i]`` (with an "of <portfolio>" tail)."""
    j = i
    while j < len(group) and _office_word(group[j][2]):
        j += 1
    if j + 1 < len(group) and group[j][2] == "of" and group[j + 1][2] in _PORTFOLIO_WORDS:
        j += 1
        while j < len(group) and group[j][2] in _PORTFOLIO_WORDS:
            j += 1
    return j


def _office_word(word: str) -> bool:
    return all(part in OFFICE_WORDS for part in word.lower().split("-"))


def _office_head(word: str) -> bool:
    return any(part in _OFFICE_HEADS for part in word.lower().split("-"))


_Part = tuple[list[_Token], str]


def _split_group(sentence: str, group: list[_Token], first_token_start: int) -> list[_Part]:
    """Drop leading stop words and honorifics, then label the run (split around a title)."""
    lo, hi = 0, len(group)
    honorific = False
    while lo < hi and (group[lo][2] in _STOP or group[lo][2].lower() in _CONNECTORS):
        honorific = honorific or group[lo][2] in _HONORIFICS
        lo += 1
    while hi > lo and group[hi - 1][2].lower() in _CONNECTORS:
        hi -= 1
    quoted = sentence[group[0][0] - 1 : group[0][0]] in _OPENING_QUOTES if group[0][0] else False
    opens_sentence = group[0][0] == first_token_start
    group = group[lo:hi]
    if not group:
        return []
    if honorific:
        return [(group, "PERSON")]
    words = [t[2] for t in group]
    if len(group) == 1:
        word = words[0]
        if word in _MONTH_NAMES or word in _WEEKDAYS:
            return []  # months are values, weekdays are not entities
        if (
            opens_sentence
            and lo == 0
            and (
                word in _COMMON_OPENERS
                or word.lower().endswith(("ing", "ly", "ed"))
                or word.lower().endswith(_COMMON_NOUN_SUFFIXES)
            )
        ):
            return []  # "Strengthening ...", "Officials said ...", "Obesity ..."
    if {w.lower() for w in words} & _ORG_WORDS:
        return [(group, "ORG")]
    places = _place_parts(sentence, group)
    if places is not None:
        return [([p], "PLACE") for p in places]
    if quoted and not _is_place(words):
        return [(group, "MISC")]  # a title: "The Biggest Loser"
    for i in range(len(group)):
        if not _office_word(group[i][2]):
            continue
        j = _office_end(group, i)
        office = group[i:j]
        if not any(_office_head(t[2]) for t in office):
            continue
        has_portfolio = any(t[2] == "of" for t in office)
        rest = group[j:]
        if rest and rest[0][2] == "of":
            rest = rest[1:]  # "Governor of California": the place follows
            has_portfolio = True
        parts: list[_Part] = list(_plain(group[:i]))
        if rest or has_portfolio:
            parts.append((office, "OFFICE"))
        if rest:
            label = _classify([t[2] for t in rest])
            parts.append((rest, "PERSON" if label in {"MISC", "PERSON"} else label))
        return parts
    return _plain(group)


def _plain(group: list[_Token]) -> list[_Part]:
    return [(group, _classify([t[2] for t in group]))] if group else []


def _tail(sentence: str, end: int, possessive: bool) -> tuple[str, int]:
    """The lower-case word (or two-word phrase in ``_ORG_TAILS``) right after ``end``, and where
    it ends; after "'s" only when ``possessive``. ``("", end)`` when there is none."""
    m = _TAIL.match(sentence, end)
    if m is None or (m["poss"] and not possessive):
        return "", end
    if m["w2"]:
        pair = m["w1"] + " " + m["w2"]
        if pair in _ORG_TAILS:
            return pair, m.end()
    return m["w1"], m.end("w1")


def _with_tail(sentence: str, part: list[_Token], label: str) -> tuple[int, str]:
    """Relabel ``part`` from the lower-case word after it: "Cuban government" (ORG, extended to
    the returned end), "Trump administration" (PERSON "Trump")."""
    end = part[-1][1]
    words = [t[2] for t in part]
    if label in {"MISC", "PLACE"} and (is_nationality(words) or _is_place(words)):
        tail, tail_end = _tail(sentence, end, possessive=False)
        return (tail_end, "ORG") if tail in _ORG_TAILS else (end, label)
    if label in {"MISC", "PERSON"} and len(part) <= 3 and not words[0].isupper():
        tail, _ = _tail(sentence, end, possessive=True)
        if tail in _PERSON_TAILS and words[0] not in _MISC_ACRONYMS:
            return end, "PERSON"
    return end, label


def find_entities(sentence: str, offset: int = 0) -> list[Entity]:
    """Entities in ``sentence`` in reading order, spans shifted by ``offset``.

    Spans never overlap and ``sentence[e.start - offset : e.end - offset] == e.text``.
    """
    tokens = _tokens(sentence)
    if not tokens:
        return []
    first = _FIRST_WORD.search(sentence)
    first_start = first.start() if first else 0
    found: list[Entity] = []
    occupied = bytearray(len(sentence))
    for indexes in _groups(sentence, tokens):
        group = [tokens[i] for i in indexes]
        for part, label in _split_group(sentence, group, first_start):
            start = part[0][0]
            end, label = _with_tail(sentence, part, label)
            found.append(
                Entity(
                    text=sentence[start:end], label=label, start=start + offset, end=end + offset
                )
            )
            occupied[start:end] = b"\x01" * (end - start)
    if not any(word in sentence for word in _LOWER_OFFICE_HINTS):
        found.sort(key=lambda e: e.start)
        return found
    for m in _LOWER_OFFICE.finditer(sentence):
        if occupied.find(1, m.start(), m.end()) == -1:
            found.append(
                Entity(
                    text=m.group(),
                    label="OFFICE",
                    start=m.start() + offset,
                    end=m.end() + offset,
                )
            )
    found.sort(key=lambda e: e.start)
    return found


def name_parts(full_names: Iterable[str]) -> dict[str, str]:
    """Each word of a multi-word name ("Chen" of "Chen Yixin") -> that name, for the words that
    belong to exactly one of ``full_names``; a word shared by two names maps to neither."""
    containing: dict[str, set[str]] = {}
    for full in full_names:
        if " " in full:
            for part in full.split():
                containing.setdefault(part, set()).add(full)
    return {part: next(iter(names)) for part, names in containing.items() if len(names) == 1}
