"""`veille serve`: the editors' web application (Starlette, served by uvicorn).

Server-rendered pages in the timeline's look (``reports/templates/web/``): the live timeline, the
case, entry and document pages, the review queue; the corrections it records are the
database's (``veille/corrections.py``), applied by the cases stage; the accounts are
``veille/accounts.py``'s. ``app.py`` wires the routes and the security (sessions, CSRF, roles,
Content-Security-Policy), ``pages.py`` reads what each page shows, ``cli.py`` holds
``veille serve`` and ``veille users``.
"""
