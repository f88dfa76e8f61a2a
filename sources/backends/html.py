"""HTML to plain text, with trafilatura.

trafilatura only parses what it is given here: it is never handed a URL to download (we pass the
page's URL for metadata such as the site name only), so nothing leaves the machine and the SSRF
guard of the HTTP client stays the one way in.
"""

from __future__ import annotations

import html as _html
import logging
import re
from dataclasses import dataclass

from trafilatura import bare_extraction
from trafilatura.settings import Document as _TrafilaturaDocument
from trafilatura.settings import set_date_params

logger = logging.getLogger(__name__)

# Runs of blank lines and trailing spaces left by the extraction.
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_WHOLE_PAGE = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Document:
    """A page reduced to what a reviewer reads: title, plain text, site name and date.

    ``published`` is an ISO date (``YYYY-MM-DD``) or ``""``; ``publisher`` the site's name or
    ``""``.
    """

    title: str
    text: str
    publisher: str = ""
    published: str = ""


def html_to_document(html: str, url: str) -> Document:
    """The main text of ``html`` (boilerplate such as menus and footers left out) and its metadata.

    Precision first; when that finds nothing (short pages), recall. ``text`` is ``""`` when the page
    has no readable text; the caller decides what that means.
    """
    if not _WHOLE_PAGE.search(html[:50_000]):
        html = f"<html><body>{html}</body></html>"  # a fragment: trafilatura wants a page
    extracted = _extract(html, url, favor_precision=True)
    if extracted is None or not (extracted.text or "").strip():
        extracted = _extract(html, url, favor_precision=False)
    if extracted is None:
        return Document(title=_fallback_title(html), text="")
    text = _tidy(extracted.text or "")
    return Document(
        title=_one_line(extracted.title or "") or _fallback_title(html),
        text=text,
        publisher=_one_line(extracted.sitename or ""),
        published=_iso_date(extracted.date or ""),
    )


def _extract(html: str, url: str, *, favor_precision: bool) -> _TrafilaturaDocument | None:
    try:
        result = bare_extraction(
            html,
            url=url or None,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=favor_precision,
            favor_recall=not favor_precision,
            # No dateparser fallback over the free text: it compiles patterns for ~200 locales
            # on first use (3-6 s per worker process). Meta tags, JSON-LD, <time> and the URL
            # still give the date.
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:  # lxml/trafilatura oddities on broken markup must not escape as such
        logger.warning("sources.html_extraction_failed", extra={"url": url}, exc_info=True)
        return None
    return result if isinstance(result, _TrafilaturaDocument) else None


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _iso_date(value: str) -> str:
    return value[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value) else ""


def _fallback_title(html: str) -> str:
    match = _TITLE.search(html[:20_000])
    return _one_line(_html.unescape(match.group(1))) if match else ""
