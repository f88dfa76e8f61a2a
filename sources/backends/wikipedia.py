"""Wikipedia: MediaWiki full-text search, then the plain-text extracts of the top pages.

Two kinds of request to the action API (``https://{lang}.wikipedia.org/w/api.php``):

1. ``list=search`` with a query built from the claim (its entities, key words and years; see
   :func:`search_queries`), falling back once to a shorter query when the first finds nothing;
2. ``prop=extracts|info`` with ``explaintext`` for each of the top pages, **one page per request**:
   TextExtracts returns the whole article for one page per request only (more titles need
   ``exintro``, the lead section alone), and the dated detail a claim turns on ("established
   diplomatic relations on 28 September 1960") is usually in the body, not the lead. A few small
   requests for whole documents beat one request for leads; the shared ranker cuts the passages.
   The extract requests do not depend on each other and go out together (up to ``parallel`` at
   once), so a lookup waits for two round trips (search, extracts), or three with the fallback.

Candidates are whole documents: ``text`` is the article, ``passage`` is left empty.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .base import Candidate, ClaimQuery, PermanentError, TransientError
from .fanout import DEFAULT_PARALLEL, map_ordered

if TYPE_CHECKING:
    from .http import HttpClient

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://{lang}.wikipedia.org/w/api.php"

# MediaWiki error codes that may clear up by themselves (lag, throttling, maintenance).
_TRANSIENT_CODES = frozenset(
    {"maxlag", "ratelimited", "readonly", "internal_api_error_DBQueryError"}
)
_MAX_TERMS = 8
_MAX_KEY_WORDS = 3

# Words that say little about which page holds the fact.
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves said says say according reported
told new recent recently since year years first second third last many much one two three
country countries nation nations people time times way part day days month months week weeks
establish established become became becoming make made take took hold held holds get got
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*", re.UNICODE)
_MAIN_LABELS = ("PERSON", "ORG", "PLACE")
_SYNTAX = re.compile(r"[\"*:|()\[\]{}<>\\]")


def search_queries(query: ClaimQuery) -> list[str]:
    """Search strings for ``query``, best first: at most two, distinct, never empty.

    The first is the claim's entities (people, organisations and places first), up to three key
    words and its years: "Cuba Western Hemisphere China diplomatic ties 1960". The fallback is
    what the claim is about, its first three entities ("Cuba Western Hemisphere China"), or, for
    a claim without entities, its two longest key words. MediaWiki search ANDs its terms, so the
    raw sentence tends to find nothing.
    """
    entities = query.entity_names(*_MAIN_LABELS)
    entities += [name for name in query.entity_names() if name not in entities]
    years = _years(query)
    words = _key_words(query, exclude=" ".join(entities))
    first = _join([*entities[:4], *words[:_MAX_KEY_WORDS], *years])
    fallback = _join(entities[:3]) if entities else _join(words[:2])
    out = [q for q in (first, fallback) if q]
    if not out:
        out = [" ".join(query.text.split()[:12])] if query.text.strip() else []
    return list(dict.fromkeys(out))


def _years(query: ClaimQuery) -> list[str]:
    years: list[str] = []
    for value in query.values:
        kind = value.get("kind")
        raw = value.get("value")
        year: object = None
        if kind == "year":
            year = raw
        elif kind in ("date", "month") and isinstance(raw, str):
            year = raw[:4]
        elif kind in ("date", "month") and isinstance(raw, Mapping):
            year = raw.get("year")
        text = str(year) if year is not None else ""
        if re.fullmatch(r"\d{3,4}", text) and text not in years:
            years.append(text)
    return years


def _key_words(query: ClaimQuery, *, exclude: str) -> list[str]:
    """Content words of the claim that are not part of an entity or a value, longest (rarest)
    first. Entity and value offsets may index the article rather than the claim, so they are
    matched by their words."""
    covered = " ".join(
        [exclude, *(str(item.get("text", "")) for item in (*query.entities, *query.values))]
    )
    excluded = {word.lower() for word in _WORD.findall(covered)}
    found: list[str] = []
    for match in _WORD.finditer(query.text):
        word = re.sub(r"['\u2019]s$", "", match.group()).strip("'\u2019-")
        lower = word.lower()
        if len(lower) < 3 or lower in _STOPWORDS or lower in excluded:
            continue
        if lower not in (w.lower() for w in found):
            found.append(word)
    # Stable: equal lengths keep the claim's order.
    return sorted(found, key=len, reverse=True)


def _join(terms: list[str]) -> str:
    """Distinct terms, stripped of search syntax (quotes, ``intitle:``, a leading ``-``)."""
    seen: list[str] = []
    for raw in terms:
        term = " ".join(_SYNTAX.sub(" ", raw).split()).lstrip("-~")
        if term and term.lower() not in (t.lower() for t in seen):
            seen.append(term)
    return " ".join(seen[:_MAX_TERMS])


def check_api_reply(payload: Any, *, backend: str) -> dict[str, Any]:
    """``payload`` as a dict after MediaWiki ``error`` objects are raised and warnings logged.

    Errors become TransientError for lag/throttling codes and PermanentError otherwise; the
    reason carries the API's own code and text ("badvalue: Unrecognized value ...").
    """
    if not isinstance(payload, dict):
        raise PermanentError(
            f"{backend}: unexpected payload: {type(payload).__name__}, not an object"
        )
    error = payload.get("error")
    if error is not None:
        code = str(error.get("code", "unknown")) if isinstance(error, dict) else "unknown"
        info = str(error.get("info", "")) if isinstance(error, dict) else str(error)
        reason = f"{backend}: API error {code}: {' '.join(info.split())[:200]}"
        if code in _TRANSIENT_CODES or code.startswith("internal_api_error"):
            raise TransientError(reason)
        raise PermanentError(reason)
    warnings = payload.get("warnings")
    if warnings:
        logger.warning(
            "sources.backend_warning",
            extra={"backend": backend, "warnings": str(warnings)[:500]},
        )
    return payload


class WikipediaBackend:
    """MediaWiki search + TextExtracts on one language edition.

    ``api_url`` is a template with ``{lang}``; ``search_limit`` results are asked for and the top
    ``extract_pages`` of them fetched whole; ``max_chars`` caps each article's text. Up to
    ``parallel`` extracts are fetched at once (1: one after another).
    """

    name = "wikipedia"

    def __init__(
        self,
        client: HttpClient,
        *,
        language: str = "en",
        api_url: str = DEFAULT_API_URL,
        search_limit: int = 5,
        extract_pages: int = 3,
        max_chars: int = 200_000,
        parallel: int = DEFAULT_PARALLEL,
    ) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9-]{1,15}", language):
            raise ValueError(f"wikipedia: bad language code {language!r}")
        self.client = client
        self.language = language
        self.api_url = api_url.format(lang=language)
        self.search_limit = max(1, min(search_limit, 50))
        self.extract_pages = max(1, min(extract_pages, self.search_limit))
        self.max_chars = max_chars
        self.parallel = max(1, parallel)

    def search(self, query: ClaimQuery) -> list[Candidate]:
        titles: list[str] = []
        for search_text in search_queries(query):
            titles = self._search_titles(search_text)
            if titles:
                break
        extracted = map_ordered(
            lambda ranked: self._extract(ranked[1], ranked[0]),
            enumerate(titles[: self.extract_pages]),
            parallel=self.parallel,
            name=self.name,
        )
        return [candidate for candidate in extracted if candidate is not None]

    def _get(self, params: dict[str, str]) -> dict[str, Any]:
        payload = self.client.get_json(self.api_url, params=params, backend=self.name)
        return check_api_reply(payload, backend=self.name)

    def _search_titles(self, text: str) -> list[str]:
        payload = self._get(
            {
                "action": "query",
                "list": "search",
                "srsearch": text,
                "srnamespace": "0",
                "srlimit": str(self.search_limit),
                "srprop": "snippet",
                "format": "json",
                "formatversion": "2",
            }
        )
        results = _path(payload, self.name, "query", "search", kind=list, default=[])
        titles: list[str] = []
        for item in results:
            if not isinstance(item, dict) or not isinstance(item.get("title"), str):
                raise PermanentError(
                    f"{self.name}: unexpected payload: search result without title"
                )
            if item.get("ns", 0) == 0 and item["title"] not in titles:
                titles.append(item["title"])
        return titles

    def _extract(self, title: str, rank: int) -> Candidate | None:
        payload = self._get(
            {
                "action": "query",
                "prop": "extracts|info",
                "explaintext": "1",
                "exsectionformat": "plain",
                "inprop": "url",
                "titles": title,
                "redirects": "1",
                "format": "json",
                "formatversion": "2",
            }
        )
        pages = _path(payload, self.name, "query", "pages", kind=list, default=[])
        for page in pages:
            if not isinstance(page, dict):
                raise PermanentError(f"{self.name}: unexpected payload: page is not an object")
            if page.get("missing") or page.get("invalid"):
                logger.info(
                    "sources.wikipedia_page_missing", extra={"title": title, "backend": self.name}
                )
                continue
            text = page.get("extract")
            page_title = page.get("title")
            if not isinstance(text, str) or not isinstance(page_title, str):
                raise PermanentError(f"{self.name}: unexpected payload: page without extract")
            if not text.strip():
                continue
            url = page.get("canonicalurl") or page.get("fullurl") or self._page_url(page_title)
            return Candidate(
                url=str(url),
                title=page_title,
                passage="",
                score=1.0 / (rank + 1),
                publisher="Wikipedia",
                kind="encyclopedia",
                text=text[: self.max_chars].strip(),
                extra={"pageid": page.get("pageid"), "language": self.language, "rank": rank + 1},
            )
        return None

    def _page_url(self, title: str) -> str:
        return f"https://{self.language}.wikipedia.org/wiki/{quote(title.replace(' ', '_'))}"


def _path(payload: dict[str, Any], backend: str, *keys: str, kind: type, default: Any) -> Any:
    """``payload[keys[0]][keys[1]]...``; ``default`` when a key is absent, PermanentError when a
    value has the wrong type (a payload shape we do not know)."""
    node: Any = payload
    for key in keys:
        if not isinstance(node, dict):
            raise PermanentError(f"{backend}: unexpected payload: {key!r} is not in an object")
        if key not in node:
            return default
        node = node[key]
    if not isinstance(node, kind):
        raise PermanentError(
            f"{backend}: unexpected payload: {'.'.join(keys)} is {type(node).__name__}"
        )
    return node
