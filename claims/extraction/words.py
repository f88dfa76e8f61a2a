"""English word lists shared by the comparisons of claims (dedup) and of passages
(``sources.assessment.tokens``, which adds words of its own)."""

from __future__ import annotations

# Function words: no content of their own when two texts are compared.
STOP_WORDS: frozenset[str] = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "from",
        "by", "about", "as", "into", "over", "after", "before", "between", "through", "during",
        "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does",
        "did", "will", "would", "can", "could", "may", "might", "must", "shall", "should", "it",
        "its", "this", "that", "these", "those", "he", "she", "they", "them", "his", "her",
        "their", "we", "our", "you", "your", "i", "my", "which", "who", "whom", "whose", "what",
        "there", "here", "also", "than", "then", "so", "such", "very", "more", "most", "both",
        "all", "any", "each", "other", "some", "up", "out", "said", "says", "say", "according",
        "amid", "while", "where", "when", "since", "s",
    }
)  # fmt: skip
# Irregular verb forms and their stem, so "met", "meets" and "meeting" compare equal.
IRREGULAR_STEMS: dict[str, str] = {
    "met": "meet", "meets": "meet", "meeting": "meet", "meetings": "meet", "held": "hold",
    "holds": "hold", "told": "tell", "went": "go", "made": "make", "took": "take",
    "taken": "take", "gave": "give", "given": "give", "grew": "grow", "grown": "grow",
    "rose": "rise", "risen": "rise", "fell": "fall", "fallen": "fall", "won": "win",
    "lost": "lose", "paid": "pay", "sold": "sell", "bought": "buy", "built": "build",
    "sent": "send", "spent": "spend", "began": "begin", "begun": "begin", "became": "become",
    "led": "lead", "left": "leave", "knew": "know", "known": "know", "thought": "think",
    "found": "find", "brought": "bring", "kept": "keep", "saw": "see", "seen": "see",
}  # fmt: skip
