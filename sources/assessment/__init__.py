"""Evidence assessment, pure Python (no Django): passages, BM25 ranking, stance, suggestion.

``select.assess_candidates`` is what a lookup run calls with one backend's candidates;
``suggestion.suggest`` aggregates a claim's evidence; ``python -m sources.assessment evaluate``
reports the Check-COVID figures.
"""
