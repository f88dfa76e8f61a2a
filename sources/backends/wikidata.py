"""Wikidata: the claim's entities, then their dated statements as one-line passages.

Requests to the Wikibase action API (``https://www.wikidata.org/w/api.php``):

1. ``wbsearchentities`` for each of the claim's entities (people, organisations and places first);
   the top hit of each is a subject, every hit of each is a way the claim may name that thing;
2. ``wbgetentities`` for the subjects (labels, descriptions, claims);
3. ``wbgetentities`` with ``props=labels`` for the items and properties the chosen statements
   refer to, in batches of 50 (the API's limit).

Each step needs the one before, but the requests within a step do not: the searches of step 1
(and the batches of steps 2 and 3) go out together, up to ``parallel`` at once, so a lookup waits
for three round trips whatever the number of entities.

Only statements with a date (a time value, or a start/end/point-in-time qualifier) are turned into
passages, and only those that touch the claim: their value is another entity of the claim (Cuba's
diplomatic relation *with China* when the claim names China) or one of their dates falls in a year
the claim names. They are ranked by that overlap. A passage reads
"Cuba: diplomatic relation with People's Republic of China, start time 28 September 1960".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .base import Candidate, ClaimQuery, PermanentError
from .fanout import DEFAULT_PARALLEL, map_ordered
from .wikipedia import check_api_reply

if TYPE_CHECKING:
    from .http import HttpClient

DEFAULT_API_URL = "https://www.wikidata.org/w/api.php"
ENTITY_URL = "https://www.wikidata.org/wiki/{id}"
MAX_IDS_PER_REQUEST = 50

# English labels of common properties, to save a request; others are asked for.
PROPERTY_LABELS: dict[str, str] = {
    "P6": "head of government", "P17": "country", "P19": "place of birth",
    "P26": "spouse", "P27": "country of citizenship", "P35": "head of state",
    "P36": "capital", "P37": "official language", "P38": "currency", "P39": "position held",
    "P54": "member of sports team", "P69": "educated at", "P102": "member of political party",
    "P108": "employer", "P112": "founded by",
    "P131": "located in the administrative territorial entity",
    "P159": "headquarters location", "P166": "award received", "P463": "member of",
    "P488": "chairperson", "P530": "diplomatic relation", "P569": "date of birth",
    "P570": "date of death", "P571": "inception", "P576": "dissolved, abolished or demolished date",
    "P577": "publication date", "P580": "start time", "P582": "end time", "P585": "point in time",
    "P793": "significant event", "P1082": "population", "P1365": "replaces",
    "P1366": "replaced by", "P1619": "date of official opening", "P2131": "nominal GDP",
}  # fmt: skip
# How the value follows the property in a passage ("diplomatic relation with China").
_CONNECTORS: dict[str, str] = {"P530": "with ", "P463": "of ", "P102": "of "}
# Claim words that point at a property: a small boost when the claim uses them.
_HINTS: dict[str, frozenset[str]] = {
    "P530": frozenset({"diplomatic", "relations", "relation", "ties", "recognise", "recognize",
                       "recognised", "recognized", "embassy", "embassies"}),
    "P569": frozenset({"born", "birth", "birthday", "age", "aged"}),
    "P570": frozenset({"died", "death", "dead", "killed"}),
    "P571": frozenset({"founded", "established", "formed", "created", "inception", "founding"}),
    "P576": frozenset({"dissolved", "abolished", "disbanded", "demolished"}),
    "P39": frozenset({"president", "minister", "chairman", "secretary", "governor", "mayor",
                      "office", "elected", "appointed", "leader", "premier"}),
    "P35": frozenset({"president", "king", "queen", "monarch", "head", "leader"}),
    "P6": frozenset({"prime", "premier", "chancellor", "head", "government"}),
    "P1082": frozenset({"population", "inhabitants", "people", "residents"}),
}  # fmt: skip
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_TIME = re.compile(r"^([+-])(\d{1,16})-(\d{2})-(\d{2})T")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MAIN_LABELS = ("PERSON", "ORG", "PLACE")


@dataclass(frozen=True)
class WikidataTime:
    """A rendered time value: ``text`` for people ("28 September 1960"), ``iso`` for machines
    ("1960-09-28", "1960-09", "1960"), ``year`` (negative before the common era)."""

    text: str
    iso: str
    year: int


def format_time(value: Any) -> WikidataTime | None:
    """Render a Wikibase ``time`` value by its precision (11 day, 10 month, 9 year, 8 decade,
    7 century, 6 millennium); ``None`` when it is not one."""
    if not isinstance(value, dict):
        return None
    match = _TIME.match(str(value.get("time", "")))
    precision = value.get("precision", 11)
    if match is None or not isinstance(precision, int):
        return None
    sign, year_text, month_text, day_text = match.groups()
    year = int(year_text) * (-1 if sign == "-" else 1)
    month, day = int(month_text), int(day_text)
    era = " BC" if year < 0 else ""
    shown = abs(year)
    iso_year = f"{year:05d}" if year < 0 else f"{year:04d}"
    if precision >= 11 and 1 <= month <= 12 and day >= 1:
        return WikidataTime(
            f"{day} {_MONTHS[month - 1]} {shown}{era}", f"{iso_year}-{month:02d}-{day:02d}", year
        )
    if precision >= 10 and 1 <= month <= 12:
        return WikidataTime(f"{_MONTHS[month - 1]} {shown}{era}", f"{iso_year}-{month:02d}", year)
    if precision >= 9:
        return WikidataTime(f"{shown}{era}", iso_year, year)
    if precision == 8:
        return WikidataTime(f"{shown // 10 * 10}s{era}", iso_year, year)
    if precision == 7:
        return WikidataTime(f"{_ordinal((shown - 1) // 100 + 1)} century{era}", iso_year, year)
    if precision == 6:
        return WikidataTime(f"{_ordinal((shown - 1) // 1000 + 1)} millennium{era}", iso_year, year)
    return WikidataTime(f"{shown}{era}", iso_year, year)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass
class _Statement:
    subject: str
    prop: str
    data: dict[str, Any]
    relevance: float = 0.0
    dates: dict[str, WikidataTime] = field(default_factory=dict)
    value_id: str = ""


class WikidataBackend:
    """Dated statements about the claim's entities, as readable one-line passages.

    Up to ``parallel`` requests of one step run at once (1: one after another).
    """

    name = "wikidata"

    def __init__(
        self,
        client: HttpClient,
        *,
        api_url: str = DEFAULT_API_URL,
        language: str = "en",
        search_limit: int = 3,
        max_entities: int = 4,
        max_subjects: int = 3,
        max_statements: int = 8,
        parallel: int = DEFAULT_PARALLEL,
    ) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]{1,15}", language):
            raise ValueError(f"wikidata: bad language code {language!r}")
        self.client = client
        self.api_url = api_url
        self.language = language
        self.search_limit = max(1, min(search_limit, 50))
        self.max_entities = max_entities
        self.max_subjects = max_subjects
        self.max_statements = max_statements
        self.parallel = max(1, parallel)

    # -- the lookup ------------------------------------------------------------------------------

    def search(self, query: ClaimQuery) -> list[Candidate]:
        names = query.entity_names(*_MAIN_LABELS)
        names += [name for name in query.entity_names() if name not in names]
        names = names[: self.max_entities]
        if not names:
            return []
        found = map_ordered(self._search_entity, names, parallel=self.parallel, name=self.name)
        hits = dict(zip(names, found, strict=True))
        subjects: list[str] = []
        for name in names:
            if hits[name] and hits[name][0] not in subjects:
                subjects.append(hits[name][0])
        subjects = subjects[: self.max_subjects]
        if not subjects:
            return []
        entities = self._get_entities(subjects, props="labels|descriptions|claims")
        statements = self._relevant(query, names, hits, subjects, entities)
        labels = {qid: self._label(entity) for qid, entity in entities.items()}
        labels.update(self._labels(self._referenced(statements) - set(labels)))
        return [self._candidate(st, labels) for st in statements]

    def _search_entity(self, name: str) -> list[str]:
        payload = self._get(
            {
                "action": "wbsearchentities",
                "search": name,
                "language": self.language,
                "uselang": self.language,
                "type": "item",
                "limit": str(self.search_limit),
                "format": "json",
            }
        )
        results = payload.get("search", [])
        if not isinstance(results, list):
            raise PermanentError(f"{self.name}: unexpected payload: search is not a list")
        ids: list[str] = []
        for hit in results:
            qid = hit.get("id") if isinstance(hit, dict) else None
            if not isinstance(qid, str) or not re.fullmatch(r"Q\d+", qid):
                raise PermanentError(f"{self.name}: unexpected payload: search hit without an id")
            ids.append(qid)
        return ids

    def _get_entities(self, ids: list[str], *, props: str) -> dict[str, dict[str, Any]]:
        batches = [
            ids[start : start + MAX_IDS_PER_REQUEST]
            for start in range(0, len(ids), MAX_IDS_PER_REQUEST)
        ]
        out: dict[str, dict[str, Any]] = {}
        for found in map_ordered(
            lambda batch: self._get_entity_batch(batch, props=props),
            batches,
            parallel=self.parallel,
            name=self.name,
        ):
            out.update(found)
        return out

    def _get_entity_batch(self, ids: list[str], *, props: str) -> dict[str, dict[str, Any]]:
        """One ``wbgetentities`` request (at most 50 ids), checked; missing entities left out."""
        payload = self._get(
            {
                "action": "wbgetentities",
                "ids": "|".join(ids),
                "props": props,
                "languages": "|".join(dict.fromkeys([self.language, "en"])),
                "format": "json",
            }
        )
        entities = payload.get("entities")
        if not isinstance(entities, dict):
            raise PermanentError(f"{self.name}: unexpected payload: no entities object")
        out: dict[str, dict[str, Any]] = {}
        for qid, entity in entities.items():
            if not isinstance(entity, dict):
                raise PermanentError(f"{self.name}: unexpected payload: entity is not an object")
            if "missing" not in entity:
                out[str(qid)] = entity
        return out

    def _labels(self, ids: Iterable[str]) -> dict[str, str]:
        wanted = sorted((i for i in ids if _is_id(i)), key=lambda i: (i[0], int(i[1:])))
        if not wanted:
            return {}
        entities = self._get_entities(wanted, props="labels")
        return {qid: self._label(entity) for qid, entity in entities.items()}

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        payload = self.client.get_json(self.api_url, params=params, backend=self.name)
        return check_api_reply(payload, backend=self.name)

    # -- choosing statements ---------------------------------------------------------------------

    def _relevant(
        self,
        query: ClaimQuery,
        names: list[str],
        hits: dict[str, list[str]],
        subjects: list[str],
        entities: dict[str, dict[str, Any]],
    ) -> list[_Statement]:
        years = _claim_years(query)
        days = _claim_days(query)
        words = {w.lower() for w in _WORD.findall(query.text)}
        chosen: list[_Statement] = []
        for subject in subjects:
            entity = entities.get(subject)
            if entity is None:
                continue
            # The claim's other entities, as every item their names may stand for.
            own = {name for name in names if hits[name][:1] == [subject]}
            others = {qid for name in names if name not in own for qid in hits[name]}
            others.discard(subject)
            for st in _statements(entity, subject, self.name):
                if not st.dates:
                    continue
                entity_match = bool(st.value_id) and st.value_id in others
                date_years = {d.year for d in st.dates.values()}
                year_match = bool(date_years & years)
                if not (entity_match or year_match):
                    continue
                st.relevance = 3.0 * entity_match + 2.0 * year_match
                if {d.iso for d in st.dates.values()} & days:
                    st.relevance += 1.0
                if _HINTS.get(st.prop, frozenset()) & words:
                    st.relevance += 1.0
                if st.data.get("rank") == "preferred":
                    st.relevance += 0.5
                chosen.append(st)
        chosen.sort(key=lambda st: -st.relevance)
        return chosen[: self.max_statements]

    def _referenced(self, statements: list[_Statement]) -> set[str]:
        ids: set[str] = set()
        for st in statements:
            ids.add(st.prop)
            ids.update(st.dates)
            if st.value_id:
                ids.add(st.value_id)
            unit = _unit_id(st.data["mainsnak"])
            if unit:
                ids.add(unit)
        if self.language == "en":
            ids -= set(PROPERTY_LABELS)
        return ids

    # -- rendering -------------------------------------------------------------------------------

    def _label(self, entity: dict[str, Any]) -> str:
        labels = entity.get("labels")
        if isinstance(labels, dict):
            for language in (self.language, "en", *labels):
                label = labels.get(language)
                if isinstance(label, dict) and isinstance(label.get("value"), str):
                    return str(label["value"])
        return str(entity.get("id", ""))

    def _candidate(self, st: _Statement, labels: dict[str, str]) -> Candidate:
        def label(pid: str) -> str:
            return labels.get(pid) or PROPERTY_LABELS.get(pid) or pid

        subject = label(st.subject)
        prop = label(st.prop)
        value = _render_value(st.data["mainsnak"], labels)
        parts = [f"{subject}: {prop} {_CONNECTORS.get(st.prop, '')}{value}"]
        for pid, date in st.dates.items():
            if pid != st.prop:
                parts.append(f"{label(pid)} {date.text}")
        return Candidate(
            url=ENTITY_URL.format(id=st.subject) + f"#{st.prop}",
            title=f"{subject} ({st.subject}): {prop}",
            passage=", ".join(parts),
            score=st.relevance,
            publisher="Wikidata",
            kind="dataset",
            extra={
                "subject_id": st.subject,
                "property": st.prop,
                "property_label": prop,
                "value_id": st.value_id,
                "statement_id": str(st.data.get("id", "")),
                "dates": {pid: date.iso for pid, date in st.dates.items()},
            },
        )


def _statements(entity: dict[str, Any], subject: str, backend: str) -> list[_Statement]:
    claims = entity.get("claims", {})
    if not isinstance(claims, dict):
        raise PermanentError(f"{backend}: unexpected payload: claims is not an object")
    out: list[_Statement] = []
    for prop, items in claims.items():
        if not isinstance(items, list):
            raise PermanentError(f"{backend}: unexpected payload: claims of {prop} not a list")
        for data in items:
            if not isinstance(data, dict) or not isinstance(data.get("mainsnak"), dict):
                raise PermanentError(f"{backend}: unexpected payload: statement without mainsnak")
            if data.get("rank") == "deprecated":
                continue
            if not _is_id(prop):
                raise PermanentError(f"{backend}: unexpected payload: property id {prop!r}")
            st = _Statement(subject=subject, prop=str(prop), data=data)
            mainsnak = data["mainsnak"]
            main_time = format_time(_datavalue(mainsnak, "time"))
            if main_time is not None:
                st.dates[st.prop] = main_time
            item = _datavalue(mainsnak, "wikibase-entityid")
            if isinstance(item, dict) and _is_id(item.get("id")):
                st.value_id = str(item["id"])
            qualifiers = data.get("qualifiers", {})
            if not isinstance(qualifiers, dict):
                raise PermanentError(f"{backend}: unexpected payload: qualifiers not an object")
            order = data.get("qualifiers-order")
            for pid in order if isinstance(order, list) else list(qualifiers):
                snaks = qualifiers.get(pid)
                if not _is_id(pid) or not isinstance(snaks, list) or not snaks:
                    continue
                date = format_time(_datavalue(snaks[0], "time"))
                if date is not None and pid not in st.dates:
                    st.dates[str(pid)] = date
            out.append(st)
    return out


def _is_id(value: Any) -> bool:
    """An item or property id ("Q148", "P530"): the only ids we ask labels for."""
    return isinstance(value, str) and re.fullmatch(r"[QP][1-9]\d*", value) is not None


def _datavalue(snak: Any, kind: str) -> Any:
    if not isinstance(snak, dict) or snak.get("snaktype") != "value":
        return None
    datavalue = snak.get("datavalue")
    if isinstance(datavalue, dict) and datavalue.get("type") == kind:
        return datavalue.get("value")
    return None


def _unit_id(snak: Any) -> str:
    value = _datavalue(snak, "quantity")
    unit = str(value.get("unit", "1")) if isinstance(value, dict) else "1"
    match = re.search(r"/entity/(Q\d+)$", unit)
    return match.group(1) if match else ""


def _render_value(snak: dict[str, Any], labels: dict[str, str]) -> str:
    snaktype = snak.get("snaktype")
    if snaktype == "somevalue":
        return "unknown value"
    if snaktype == "novalue":
        return "no value"
    datavalue = snak.get("datavalue")
    if not isinstance(datavalue, dict):
        return ""
    kind, value = datavalue.get("type"), datavalue.get("value")
    if kind == "wikibase-entityid" and isinstance(value, dict):
        qid = str(value.get("id", ""))
        return labels.get(qid, qid)
    if kind == "time":
        date = format_time(value)
        return date.text if date else ""
    if kind == "quantity" and isinstance(value, dict):
        amount = str(value.get("amount", "")).lstrip("+")
        if re.fullmatch(r"-?\d+", amount):
            amount = f"{int(amount):,}"
        unit = _unit_id(snak)
        return f"{amount} {labels.get(unit, '')}".strip() if unit else amount
    if kind == "monolingualtext" and isinstance(value, dict):
        return str(value.get("text", ""))
    if kind == "globecoordinate" and isinstance(value, dict):
        return f"{value.get('latitude')}, {value.get('longitude')}"
    return str(value) if isinstance(value, str | int | float) else ""


def _claim_years(query: ClaimQuery) -> set[int]:
    years: set[int] = set()
    for value in query.values:
        raw = value.get("value")
        kind = value.get("kind")
        if kind == "year" and isinstance(raw, int):
            years.add(raw)
        elif kind in ("date", "month") and isinstance(raw, str) and raw[:4].isdigit():
            years.add(int(raw[:4]))
        elif (
            kind in ("date", "month") and isinstance(raw, dict) and isinstance(raw.get("year"), int)
        ):
            years.add(raw["year"])
    return years


def _claim_days(query: ClaimQuery) -> set[str]:
    return {
        str(value["value"])
        for value in query.values
        if value.get("kind") == "date" and isinstance(value.get("value"), str)
    }
