"""Writes for sources, evidence, team libraries and lookups (one module per concern)."""

from sources.services.evidence import (
    EVIDENCE_EDITABLE,
    PASSAGE_MAX_CHARS,
    SOURCE_EDITABLE,
    evidence_add,
    evidence_remove,
    evidence_update,
    passage_hash,
    source_update,
    source_upsert,
    text_hash,
    url_normalise,
)
from sources.services.library import (
    library_add,
    library_file_parse,
    library_load,
)
from sources.services.lookups import (
    claim_suggestion_refresh,
    lookup_article_start,
    lookup_claim_start,
    lookup_run_execute,
    lookup_url_attach,
)

__all__ = [
    "EVIDENCE_EDITABLE",
    "PASSAGE_MAX_CHARS",
    "SOURCE_EDITABLE",
    "claim_suggestion_refresh",
    "evidence_add",
    "evidence_remove",
    "evidence_update",
    "library_add",
    "library_file_parse",
    "library_load",
    "lookup_article_start",
    "lookup_claim_start",
    "lookup_run_execute",
    "lookup_url_attach",
    "passage_hash",
    "source_update",
    "source_upsert",
    "text_hash",
    "url_normalise",
]
