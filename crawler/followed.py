"""Cases a dossier follows: an article that never names the subject still belongs when it is about
one of the affaires the dossier already holds.

The cases stage names each case's principal people (``cases.people``: victims and defendants as the
press names them, never minors, lawyers or magistrates). A document that names one of a case's
first people prominently (in its title or lead) or twice belongs to the case's dossiers, with the
reason « suit l'affaire … ». The names are read once per crawl or import, from the database, so
the decision stays a pure function of (text, title, dossier) (:mod:`crawler.subject`).
"""

from __future__ import annotations

from dataclasses import replace

# A case's people ordered by how many stories name them: its first ones are what the affaire is about.
PEOPLE_PER_CASE = 2

FOLLOWED_SQL = """
SELECT cd.dossier_slug, c.name, c.people[1:%(per_case)s] AS people
  FROM cases c JOIN case_dossiers cd ON cd.case_id = c.id
 WHERE cardinality(c.people) > 0
 ORDER BY cd.dossier_slug, c.slug
"""


def with_followed_cases(conn, config):
    """``config`` with each dossier's ``followed`` names set from the cases already built."""
    followed: dict[str, list[tuple[str, str]]] = {}
    for row in conn.execute(FOLLOWED_SQL, {"per_case": PEOPLE_PER_CASE}).fetchall():
        for person in row["people"]:
            if len(person.split()) >= 2:  # a full name identifies; « Philippe » alone does not
                followed.setdefault(row["dossier_slug"], []).append((person, row["name"]))
    if not followed:
        return config
    dossiers = {
        slug: replace(d, followed=tuple(dict.fromkeys(followed.get(slug, ())))) for slug, d in config.dossiers.items()
    }
    return replace(config, dossiers=dossiers)
