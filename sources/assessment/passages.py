"""Cut a document into passages: windows of one to three consecutive sentences of one paragraph.

Every passage keeps exact offsets into the document: ``text[p.start:p.end] == p.text``. Sentences
come from the extractor's splitter (:func:`claims.extraction.text.split_sentences`), which never
crosses a line break; a window never crosses a paragraph break (a blank line) either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from claims.extraction.text import split_sentences

MAX_SENTENCES = 3
# A window stops growing past this many characters (a single long sentence is kept whole).
MAX_CHARS = 700
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True)
class Passage:
    """``text`` is ``document[start:end]``; ``sentences`` is how many sentences it spans."""

    start: int
    end: int
    text: str
    sentences: int = 1


def sentence_spans(text: str) -> list[list[tuple[int, int]]]:
    """The sentence spans of ``text``, grouped by paragraph, in order."""
    paragraphs: list[list[tuple[int, int]]] = []
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)]
    current: list[tuple[int, int]] = []
    next_break = 0
    for start, end in split_sentences(text):
        while next_break < len(breaks) and breaks[next_break] < start:
            next_break += 1
            if current:
                paragraphs.append(current)
                current = []
        current.append((start, end))
    if current:
        paragraphs.append(current)
    return paragraphs


def split_passages(
    text: str, *, max_sentences: int = MAX_SENTENCES, max_chars: int = MAX_CHARS
) -> list[Passage]:
    """Every window of 1..``max_sentences`` consecutive sentences of one paragraph, shortest
    first at each starting sentence; a window longer than ``max_chars`` is not extended. The
    windows overlap; :func:`~sources.assessment.ranking.best_passages` picks among them."""
    if max_sentences < 1:
        raise ValueError("max_sentences must be at least 1")
    out: list[Passage] = []
    for paragraph in sentence_spans(text):
        for i, (start, end) in enumerate(paragraph):
            out.append(Passage(start, end, text[start:end], 1))
            for size in range(2, max_sentences + 1):
                if i + size > len(paragraph) or end - start > max_chars:
                    break
                end = paragraph[i + size - 1][1]
                if end - start > max_chars:
                    break
                out.append(Passage(start, end, text[start:end], size))
    return out
