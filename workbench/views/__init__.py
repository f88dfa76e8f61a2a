"""The team web workbench: server-rendered pages with htmx (ARCHITECTURE §7).

One module per area: ``account`` (sign-in, password, teams and members), ``tokens`` (API
tokens), ``articles`` (inbox, adding an article, the article page), ``claims`` (the queue and
the claim page). Views are thin: they read through selectors and write through services, the
same ones the API uses. ``current`` holds what every page shares (the current team).
"""
