"""The one Jinja2 environment of the reports: templates of ``reports/templates``.

Autoescaping is on for every template (scraped titles and names reach them), and a
missing variable is an error rather than an empty string. A plain-text template
turns escaping off explicitly with ``{% autoescape false %}``. The ``fr`` filter gives text from the
sources the no-break spaces of French typography (``reports.french.typeset``); the templates' own
words carry them as written.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from reports.french import typeset


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates are package data, fixed for the process: not checked on disk again at each
        # {% include %} (two stat calls per entry of a timeline otherwise).
        auto_reload=False,
    )
    env.filters["fr"] = typeset  # French spacing for text from the sources: {{ h.summary|fr }}
    return env
