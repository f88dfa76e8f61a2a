"""Lookup backends: where evidence for a claim comes from (ARCHITECTURE §6).

Pure Python: no ORM here. The HTTP backends (wikipedia, wikidata, factcheck, url) talk to their
services through :mod:`sources.backends.http`; the library backend's database search is a
selector (``sources.selectors.library_search``) that the Django layer hands in.
"""
