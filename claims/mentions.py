"""@mentions in comments. Pure Python: no Django.

A mention is "@" and a username (Django's username characters: letters, digits and @ . + - _),
not preceded by a word character or "@" (so "mail@bob.org" mentions nobody). A full stop at the
end belongs to the sentence, not to the name ("thanks @bob." mentions bob).
"""

from __future__ import annotations

import re

MENTION = re.compile(r"(?<![\w@])@([\w+-](?:[\w.@+-]*[\w@+-])?)")
# At most this many people are notified by one comment (a pasted list is not a roll call).
MENTIONS_MAX = 20


def mentioned_names(text: str) -> list[str]:
    """The usernames a text mentions, in order of first appearance, each once."""
    seen: list[str] = []
    for match in MENTION.finditer(text):
        name = match.group(1)
        if name not in seen:
            seen.append(name)
    return seen[:MENTIONS_MAX]


def mention_pieces(text: str, members: set[str]) -> list[tuple[str, bool]]:
    """The text cut into (piece, is_mention) pairs; only members' names count as mentions (the
    "@" included in the piece)."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in MENTION.finditer(text):
        if match.group(1) not in members:
            continue
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(0), True))
        last = match.end()
    if last < len(text) or not pieces:
        pieces.append((text[last:], False))
    return pieces
