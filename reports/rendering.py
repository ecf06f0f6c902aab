"""The one Jinja2 environment of the reports: templates of ``reports/templates``.

Autoescaping is on for every template (scraped titles and names reach them), and a
missing variable is an error rather than an empty string. A plain-text template
turns escaping off explicitly with ``{% autoescape false %}``.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
