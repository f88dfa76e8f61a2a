"""Fake MediaWiki action APIs: Wikipedia (search + TextExtracts) and Wikidata (wbsearchentities +
wbgetentities), for FakeServer.

The replies copy the shape of the real ones (formatversion=2 for Wikipedia, the Wikibase JSON
model for Wikidata: statements with mainsnak/datavalue/qualifiers/rank). The fakes check the
request the way the real API does: a wrong ``action``, ``format``, ``formatversion`` or a missing
parameter gets the MediaWiki ``{"error": {"code": "badvalue" | "missingparam", ...}}`` reply, and a
parameter the module does not know is answered with a ``warnings`` entry and recorded in
``.warnings`` so a test can assert we call the API cleanly.

Usage::

    wiki = FakeWikipedia([WikiPage("Cuba", TEXT)])
    server.route("/w/api.php", wiki)
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.server import FakeRequest, Reply, json_reply

_DOCREF = "See https://en.wikipedia.org/w/api.php for API usage."
_WORD = re.compile(r"\w+", re.UNICODE)


def mediawiki_error(code: str, info: str, status: int = 200) -> Reply:
    """The action API's error object (it answers HTTP 200 with an ``error`` member)."""
    return json_reply(
        {"error": {"code": code, "info": info, "docref": _DOCREF}, "servedby": "mw-api-fake"},
        status=status,
        headers={"MediaWiki-API-Error": code},
    )


class _ActionApi:
    """Common checks of the action API: GET, ``format=json``, known parameters."""

    # Parameters every module accepts.
    _GLOBAL = frozenset({"action", "format", "formatversion", "maxlag", "origin", "uselang"})

    def __init__(self) -> None:
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    def _warn(self, text: str) -> None:
        with self._lock:
            self.warnings.append(text)

    def _check_format(self, request: FakeRequest, *, formatversion: str | None) -> Reply | None:
        if request.method != "GET":
            return mediawiki_error("mustbeposted", "The fake only answers GET.")
        fmt = request.param("format")
        if fmt != "json":
            return mediawiki_error("badvalue", f'Unrecognized value for parameter "format": {fmt}.')
        if formatversion is not None and request.param("formatversion") != formatversion:
            return mediawiki_error(
                "badvalue", f"The fake expects formatversion={formatversion} for this module."
            )
        for name, values in request.query.items():
            if len(values) > 1:
                return mediawiki_error("multivalue", f'Parameter "{name}" was given twice.')
        return None

    def _unknown(self, request: FakeRequest, allowed: Iterable[str]) -> list[str]:
        known = self._GLOBAL | set(allowed)
        unknown = sorted(name for name in request.query if name not in known)
        for name in unknown:
            self._warn(f"Unrecognized parameter: {name}.")
        return unknown

    @staticmethod
    def _with_warnings(data: dict[str, Any], module: str, texts: Sequence[str]) -> dict[str, Any]:
        if texts:
            data["warnings"] = {module: {"warnings": "\n".join(texts)}}
        return data


# --- Wikipedia -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WikiPage:
    title: str
    text: str
    pageid: int = 0
    redirects: tuple[str, ...] = ()


class FakeWikipedia(_ActionApi):
    """``action=query`` with ``list=search`` (AND of the query's words over title and text) and
    ``prop=extracts|info`` (whole plain-text extract of one page per request, as TextExtracts)."""

    def __init__(self, pages: Iterable[WikiPage], *, lang: str = "en") -> None:
        super().__init__()
        counter = itertools.count(1000)
        self.pages = [
            page if page.pageid else WikiPage(page.title, page.text, next(counter), page.redirects)
            for page in pages
        ]
        self.lang = lang
        self.searches: list[str] = []
        # Titles search still finds but whose extract says "missing" (deleted since indexing).
        self.deleted: set[str] = set()

    def __call__(self, request: FakeRequest) -> Reply:
        bad = self._check_format(request, formatversion="2")
        if bad:
            return bad
        action = request.param("action")
        if action != "query":
            return mediawiki_error(
                "badvalue", f'Unrecognized value for parameter "action": {action}.'
            )
        if request.param("list") == "search":
            return self._search(request)
        if request.param("prop"):
            return self._extracts(request)
        return json_reply({"batchcomplete": True})

    def page_url(self, title: str) -> str:
        return f"https://{self.lang}.wikipedia.org/wiki/{title.replace(' ', '_')}"

    def _search(self, request: FakeRequest) -> Reply:
        unknown = self._unknown(
            request, {"list", "srsearch", "srlimit", "srnamespace", "srprop", "sroffset", "srwhat"}
        )
        text = request.param("srsearch")
        if not text:
            return mediawiki_error("missingparam", 'The "srsearch" parameter must be set.')
        limit_text = request.param("srlimit", "10")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 500:
            return mediawiki_error("badinteger", f'Invalid value "{limit_text}" for "srlimit".')
        self.searches.append(text)
        terms = [t.lower() for t in _WORD.findall(text)]
        hits: list[tuple[int, WikiPage]] = []
        for page in self.pages:
            words = [w.lower() for w in _WORD.findall(f"{page.title} {page.text}")]
            if all(term in words for term in terms):
                hits.append((sum(words.count(t) for t in terms), page))
        hits.sort(key=lambda hit: -hit[0])
        limit = int(limit_text)
        results = [
            {
                "ns": 0,
                "title": page.title,
                "pageid": page.pageid,
                "size": len(page.text.encode()),
                "wordcount": len(page.text.split()),
                "snippet": _snippet(page.text, terms),
                "timestamp": "2025-10-01T12:00:00Z",
            }
            for _, page in hits[:limit]
        ]
        data: dict[str, Any] = {
            "batchcomplete": True,
            "query": {"searchinfo": {"totalhits": len(hits)}, "search": results},
        }
        if len(hits) > limit:
            data["continue"] = {"sroffset": limit, "continue": "-||"}
        return json_reply(
            self._with_warnings(data, "main", [f"Unrecognized parameter: {u}." for u in unknown])
        )

    def _extracts(self, request: FakeRequest) -> Reply:
        unknown = self._unknown(
            request,
            {"prop", "titles", "pageids", "redirects", "explaintext", "exintro", "exlimit",
             "exchars", "exsentences", "exsectionformat", "inprop"},
        )  # fmt: skip
        props = set(request.param("prop").split("|"))
        if not props <= {"extracts", "info"}:
            return mediawiki_error("badvalue", f'Unrecognized value for "prop": {props}.')
        titles = [t for t in request.param("titles").split("|") if t]
        if not titles:
            return mediawiki_error("missingparam", 'One of "titles" or "pageids" must be set.')
        warnings = [f"Unrecognized parameter: {u}." for u in unknown]
        plain = request.param("explaintext") not in ("", "0", "false")
        whole = "exintro" not in request.query
        query: dict[str, Any] = {}
        pages: list[dict[str, Any]] = []
        redirects: list[dict[str, str]] = []
        for index, asked in enumerate(titles):
            page = self._find(asked)
            if page is None:
                pages.append({"ns": 0, "title": asked, "missing": True})
                continue
            if asked != page.title:
                if request.param("redirects") not in ("1", "true"):
                    pages.append({"ns": 0, "title": asked, "pageid": 1, "redirect": True})
                    continue
                redirects.append({"from": asked, "to": page.title})
            entry: dict[str, Any] = {"pageid": page.pageid, "ns": 0, "title": page.title}
            if "extracts" in props and (not whole or index == 0):
                text = page.text if whole else page.text.split("\n\n")[0]
                entry["extract"] = text if plain else f"<p>{text}</p>"
            if "info" in props:
                entry.update(
                    {"contentmodel": "wikitext", "pagelanguage": self.lang, "touched":
                     "2025-10-01T12:00:00Z", "length": len(page.text.encode())}
                )  # fmt: skip
                if "url" in request.param("inprop").split("|"):
                    url = self.page_url(page.title)
                    entry.update({"fullurl": url, "editurl": url + "?action=edit",
                                  "canonicalurl": url})  # fmt: skip
            pages.append(entry)
        if whole and len(titles) > 1 and "extracts" in props:
            warnings.append(
                '"exlimit" was too large for a whole article extracts request, lowered to 1.'
            )
            self._warn(warnings[-1])
        if redirects:
            query["redirects"] = redirects
        query["pages"] = pages
        data = {"batchcomplete": True, "query": query}
        return json_reply(self._with_warnings(data, "extracts", warnings))

    def _find(self, title: str) -> WikiPage | None:
        if title in self.deleted:
            return None
        for page in self.pages:
            if title == page.title or title in page.redirects:
                return page
        return None


def _snippet(text: str, terms: Sequence[str]) -> str:
    words = text.split()[:30]
    return " ".join(
        f'<span class="searchmatch">{w}</span>' if w.strip(".,").lower() in terms else w
        for w in words
    )


# --- Wikidata --------------------------------------------------------------------------------

GREGORIAN = "http://www.wikidata.org/entity/Q1985727"


def time_value(time: str, precision: int = 11) -> dict[str, Any]:
    """A ``time`` datavalue: ``time_value("+1960-09-28T00:00:00Z", 11)``."""
    return {
        "value": {"time": time, "timezone": 0, "before": 0, "after": 0, "precision": precision,
                  "calendarmodel": GREGORIAN},
        "type": "time",
    }  # fmt: skip


def item_value(qid: str) -> dict[str, Any]:
    return {
        "value": {"entity-type": "item", "numeric-id": int(qid[1:]), "id": qid},
        "type": "wikibase-entityid",
    }


def quantity_value(amount: str, unit: str = "1") -> dict[str, Any]:
    return {"value": {"amount": amount, "unit": unit}, "type": "quantity"}


def string_value(text: str) -> dict[str, Any]:
    return {"value": text, "type": "string"}


_DATATYPES = {
    "time": "time",
    "wikibase-entityid": "wikibase-item",
    "quantity": "quantity",
    "string": "string",
}
_hashes = itertools.count(1)


def snak(prop: str, datavalue: dict[str, Any] | None, snaktype: str = "value") -> dict[str, Any]:
    """A snak as in the Wikibase JSON; ``datavalue`` None with snaktype somevalue/novalue."""
    out: dict[str, Any] = {
        "snaktype": snaktype,
        "property": prop,
        "hash": f"{next(_hashes):040x}",
        "datatype": _DATATYPES[datavalue["type"]] if datavalue else "wikibase-item",
    }
    if datavalue is not None:
        out["datavalue"] = datavalue
    return out


def statement(
    subject: str,
    prop: str,
    datavalue: dict[str, Any] | None,
    *,
    qualifiers: dict[str, dict[str, Any]] | None = None,
    rank: str = "normal",
    snaktype: str = "value",
) -> dict[str, Any]:
    """A statement: ``statement("Q241", "P530", item_value("Q148"), qualifiers={"P580":
    time_value("+1960-09-28T00:00:00Z")})``."""
    out: dict[str, Any] = {
        "mainsnak": snak(prop, datavalue, snaktype),
        "type": "statement",
        "id": f"{subject}${next(_hashes):08X}-0000-4000-8000-000000000000",
        "rank": rank,
        "references": [{"hash": f"{next(_hashes):040x}", "snaks": {}, "snaks-order": []}],
    }
    if qualifiers:
        out["qualifiers"] = {p: [snak(p, v)] for p, v in qualifiers.items()}
        out["qualifiers-order"] = list(qualifiers)
    return out


@dataclass
class WikidataItem:
    id: str
    label: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    statements: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, props: set[str], languages: set[str]) -> dict[str, Any]:
        kind = "property" if self.id.startswith("P") else "item"
        out: dict[str, Any] = {
            "type": kind,
            "id": self.id,
            "title": f"Property:{self.id}" if kind == "property" else self.id,
            "pageid": int(self.id[1:]) + 100,
            "ns": 120 if kind == "property" else 0,
            "lastrevid": 2_000_000_000 + int(self.id[1:]),
            "modified": "2025-10-01T12:00:00Z",
        }
        if kind == "property":
            out["datatype"] = "wikibase-item"
        if "labels" in props:
            out["labels"] = (
                {"en": {"language": "en", "value": self.label}} if "en" in languages else {}
            )
        if "descriptions" in props:
            out["descriptions"] = (
                {"en": {"language": "en", "value": self.description}}
                if self.description and "en" in languages
                else {}
            )
        if "aliases" in props:
            out["aliases"] = {"en": [{"language": "en", "value": a} for a in self.aliases]}
        if "claims" in props:
            claims: dict[str, list[dict[str, Any]]] = {}
            for st in self.statements:
                claims.setdefault(st["mainsnak"]["property"], []).append(st)
            out["claims"] = claims
        return out


class FakeWikidata(_ActionApi):
    """``wbsearchentities`` (label/alias prefix match, as the real one) and ``wbgetentities``
    (at most 50 ids, ``props`` and ``languages`` filters, ``missing`` entries)."""

    def __init__(self, items: Iterable[WikidataItem]) -> None:
        super().__init__()
        self.items = {item.id: item for item in items}
        self.searched: list[str] = []
        self.fetched: list[list[str]] = []

    def __call__(self, request: FakeRequest) -> Reply:
        bad = self._check_format(request, formatversion=None)
        if bad:
            return bad
        action = request.param("action")
        if action == "wbsearchentities":
            return self._search(request)
        if action == "wbgetentities":
            return self._get(request)
        return mediawiki_error("badvalue", f'Unrecognized value for parameter "action": {action}.')

    def _search(self, request: FakeRequest) -> Reply:
        unknown = self._unknown(
            request, {"search", "language", "strictlanguage", "type", "limit", "continue", "props",
                      "uselang"}
        )  # fmt: skip
        text = request.param("search")
        if not text:
            return mediawiki_error("missingparam", 'The "search" parameter must be set.')
        if not request.param("language"):
            return mediawiki_error("missingparam", 'The "language" parameter must be set.')
        if request.param("type", "item") not in ("item", "property", "lexeme"):
            return mediawiki_error("badvalue", 'Unrecognized value for parameter "type".')
        limit_text = request.param("limit", "7")
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= 50:
            return mediawiki_error("badinteger", f'Invalid value "{limit_text}" for "limit".')
        self.searched.append(text)
        wanted = "property" if request.param("type") == "property" else "item"
        needle = text.casefold()
        results: list[dict[str, Any]] = []
        for item in self.items.values():
            if ("P" if wanted == "property" else "Q") != item.id[0]:
                continue
            for name, how in [(item.label, "label"), *((a, "alias") for a in item.aliases)]:
                if name.casefold().startswith(needle):
                    results.append(_search_hit(item, name, how))
                    break
        results.sort(
            key=lambda hit: (hit["match"]["text"].casefold() != needle, int(hit["id"][1:]))
        )
        data: dict[str, Any] = {
            "searchinfo": {"search": text},
            "search": results[: int(limit_text)],
        }
        if len(results) > int(limit_text):
            data["search-continue"] = int(limit_text)
        data["success"] = 1
        return json_reply(
            self._with_warnings(data, "main", [f"Unrecognized parameter: {u}." for u in unknown])
        )

    def _get(self, request: FakeRequest) -> Reply:
        unknown = self._unknown(
            request, {"ids", "sites", "titles", "props", "languages", "languagefallback",
                      "normalize", "sitefilter", "redirects"}
        )  # fmt: skip
        ids = [i for i in request.param("ids").split("|") if i]
        if not ids:
            return mediawiki_error("param-missing", "Either provide the item ids or titles.")
        if len(ids) > 50:
            return mediawiki_error(
                "toomanyvalues",
                'Too many values supplied for parameter "ids". The limit is 50.',
            )
        known_props = {"info", "sitelinks", "aliases", "labels", "descriptions", "claims",
                       "datatype", "sitelinks/urls"}  # fmt: skip
        props = set(
            request.param(
                "props", "info|sitelinks|aliases|labels|descriptions|claims|datatype"
            ).split("|")
        )
        if not props <= known_props:
            return mediawiki_error(
                "badvalue", f'Unrecognized value for parameter "props": {props}.'
            )
        languages = set(request.param("languages", "en").split("|"))
        self.fetched.append(ids)
        entities: dict[str, Any] = {}
        for qid in ids:
            if not re.fullmatch(r"[QP][1-9]\d*", qid):
                return mediawiki_error(
                    "no-such-entity", f'Could not find an entity with the ID "{qid}".'
                )
            item = self.items.get(qid)
            entities[qid] = item.as_json(props, languages) if item else {"id": qid, "missing": ""}
        data = {"entities": entities, "success": 1}
        return json_reply(
            self._with_warnings(data, "main", [f"Unrecognized parameter: {u}." for u in unknown])
        )


def _search_hit(item: WikidataItem, matched: str, how: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.id,
        "pageid": int(item.id[1:]) + 100,
        "display": {
            "label": {"value": item.label, "language": "en"},
            "description": {"value": item.description, "language": "en"},
        },
        "repository": "wikidata",
        "url": f"//www.wikidata.org/wiki/{item.id}",
        "concepturi": f"http://www.wikidata.org/entity/{item.id}",
        "label": item.label,
        "description": item.description,
        "match": {"type": how, "language": "en", "text": matched},
        **({"aliases": [matched]} if how == "alias" else {}),
    }


# --- fixtures about the seed article ---------------------------------------------------------

CHINA_CUBA_RELATIONS = (
    "China\u2013Cuba relations are the bilateral relations between the People's Republic of China "
    "and the Republic of Cuba.\n\n"
    "History\n"
    "Fidel Castro announced in the First Declaration of Havana on 2 September 1960 that Cuba "
    "would break with Taiwan and recognise the People's Republic of China. The two countries "
    "established diplomatic relations on 28 September 1960, making Cuba the first country in "
    "the Western Hemisphere to establish diplomatic ties with the People's Republic of China.\n\n"
    "21st century\n"
    "In 2025 the two countries marked the 65th anniversary of diplomatic relations. Chinese "
    "President Xi Jinping met Cuban President Miguel Díaz-Canel in Beijing in May 2025."
)
CUBA = (
    "Cuba, officially the Republic of Cuba, is an island country in the Caribbean. Its capital "
    "is Havana.\n\n"
    "Foreign relations\n"
    "Cuba has diplomatic relations with most countries. It recognised the People's Republic "
    "of China in 1960."
)
XI_JINPING = (
    "Xi Jinping is a Chinese politician who has been the general secretary of the Chinese "
    "Communist Party since 2012 and president of China since 2013."
)
MIGUEL_DIAZ_CANEL = (
    "Miguel Mario Díaz-Canel Bermúdez is a Cuban politician who has been President of Cuba "
    "since 2019 and First Secretary of the Communist Party of Cuba since 2021."
)


def seed_wikipedia() -> FakeWikipedia:
    return FakeWikipedia(
        [
            WikiPage("China\u2013Cuba relations", CHINA_CUBA_RELATIONS, 1001,
                     ("Cuba\u2013China relations", "Sino-Cuban relations")),
            WikiPage("Cuba", CUBA, 1002),
            WikiPage("Xi Jinping", XI_JINPING, 1003),
            WikiPage("Miguel Díaz-Canel", MIGUEL_DIAZ_CANEL, 1004, ("Miguel Diaz-Canel",)),
        ]
    )  # fmt: skip


def seed_wikidata() -> FakeWikidata:
    """Cuba (Q241), the People's Republic of China (Q148), Xi Jinping, Miguel Díaz-Canel and the
    items and properties their statements refer to (ids as on Wikidata)."""
    day = 11
    cuba = WikidataItem(
        "Q241", "Cuba", "island country in the Caribbean", ("Republic of Cuba",),
        [
            statement("Q241", "P571", time_value("+1902-05-20T00:00:00Z", day)),
            statement("Q241", "P530", item_value("Q148"),
                      qualifiers={"P580": time_value("+1960-09-28T00:00:00Z", day)}),
            statement("Q241", "P530", item_value("Q30"),
                      qualifiers={"P580": time_value("+2015-07-20T00:00:00Z", day)}),
            statement("Q241", "P530", item_value("Q155")),
            statement("Q241", "P35", item_value("Q1335400"),
                      qualifiers={"P580": time_value("+2019-10-10T00:00:00Z", day)}),
            statement("Q241", "P1082", quantity_value("+11089511"),
                      qualifiers={"P585": time_value("+2021-00-00T00:00:00Z", 9)}),
            statement("Q241", "P36", item_value("Q1563")),
        ],
    )  # fmt: skip
    china = WikidataItem(
        "Q148", "People's Republic of China", "country in East Asia", ("China", "PRC"),
        [
            statement("Q148", "P571", time_value("+1949-10-01T00:00:00Z", day)),
            statement("Q148", "P530", item_value("Q241"),
                      qualifiers={"P580": time_value("+1960-09-28T00:00:00Z", day)}),
            statement("Q148", "P35", item_value("Q15031"),
                      qualifiers={"P580": time_value("+2013-03-14T00:00:00Z", day)}),
        ],
    )  # fmt: skip
    xi = WikidataItem(
        "Q15031", "Xi Jinping", "General Secretary of the Chinese Communist Party", (),
        [
            statement("Q15031", "P569", time_value("+1953-06-15T00:00:00Z", day)),
            statement("Q15031", "P39", item_value("Q655407"),
                      qualifiers={"P580": time_value("+2013-03-14T00:00:00Z", day)}),
        ],
    )  # fmt: skip
    diaz_canel = WikidataItem(
        "Q1335400", "Miguel Díaz-Canel", "President of Cuba since 2019", ("Miguel Diaz-Canel",),
        [
            statement("Q1335400", "P569", time_value("+1960-04-20T00:00:00Z", day)),
            statement("Q1335400", "P39", item_value("Q1138624"),
                      qualifiers={"P580": time_value("+2019-10-10T00:00:00Z", day)}),
        ],
    )  # fmt: skip
    others = [
        WikidataItem("Q29520", "China", "cultural region in East Asia"),
        WikidataItem("Q30", "United States", "country in North America"),
        WikidataItem("Q155", "Brazil", "country in South America"),
        WikidataItem("Q1563", "Havana", "capital city of Cuba"),
        WikidataItem("Q655407", "President of the People's Republic of China", "head of state"),
        WikidataItem("Q1138624", "President of Cuba", "head of state of Cuba"),
        WikidataItem("Q11", "Western Hemisphere", "half of Earth west of the prime meridian"),
        WikidataItem("P530", "diplomatic relation"),
        WikidataItem("P580", "start time"),
        WikidataItem("P35", "head of state"),
        WikidataItem("P571", "inception"),
        WikidataItem("P569", "date of birth"),
        WikidataItem("P39", "position held"),
        WikidataItem("P1082", "population"),
        WikidataItem("P585", "point in time"),
        WikidataItem("P36", "capital"),
    ]
    return FakeWikidata([cuba, china, xi, diaz_canel, *others])
