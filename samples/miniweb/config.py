"""Write a veille TOML config (docs/configuration.md) pointing at a running MiniWeb."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from samples.miniweb.server import MiniWeb

from samples.miniweb.judilibre import DECISION_PAGE

JUDILIBRE_KEY_ENV = "JUDILIBRE_KEY_ID"
DEFAULT_SEARCH_SELECTORS = ("a.result", "a[rel=next]")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def dumps(data: dict[str, Any]) -> str:
    """A small TOML writer for this config's shapes: scalars, lists, tables, arrays of tables
    (one level of sub-table inside an array item, like ``[sources.settings]``)."""
    lines: list[str] = []

    def table_body(table: dict[str, Any]) -> None:
        for k, v in table.items():
            if not isinstance(v, dict) and not (isinstance(v, list) and v and isinstance(v[0], dict)):
                lines.append(f"{k} = {_value(v)}")

    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{key}]")
            table_body(value)
            lines.append("")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                lines.append(f"[[{key}]]")
                table_body(item)
                for sub, subvalue in item.items():
                    if isinstance(subvalue, dict):
                        lines.append(f"\n[{key}.{sub}]")
                        table_body(subvalue)
                lines.append("")
        else:
            lines.insert(0, f"{key} = {_value(value)}")
    return "\n".join(lines).rstrip() + "\n"


def sources(
    web: MiniWeb,
    channels: str = "primary",
    judilibre: bool = True,
    wayback: bool = True,
    interval: str | None = None,
    gdelt: bool = False,
) -> list[dict[str, Any]]:
    """``[[sources]]`` tables. ``channels="primary"``: one source per outlet (its first
    discovery channel, id = outlet id); ``"all"``: secondary channels too, as ``<id>-<channel>``."""
    out: list[dict[str, Any]] = []
    for oid, site in web.sites.items():
        outlet = site.outlet
        chosen = outlet.discovery if channels == "all" else outlet.discovery[:1]
        for n, channel in enumerate(chosen):
            source: dict[str, Any] = {"id": oid if n == 0 else f"{oid}-{channel}", "name": outlet.name}
            if channel in ("rss", "atom"):
                source.update(kind="feed", urls=[site.url("/rss.xml" if channel == "rss" else "/atom.xml")])
            elif channel == "sitemap":
                source.update(kind="sitemap", urls=[site.url("/sitemap.xml")])
            else:
                source.update(kind="search", urls=[site.url("/recherche?q={query}&page={page}")])
            source.update(dossiers=["coco"], allow_private=True)
            if interval:
                source["interval"] = interval
            if channel == "search":
                result, nxt = DEFAULT_SEARCH_SELECTORS
                source["settings"] = {
                    "result_selector": outlet.search_result_selector or result,
                    "next_selector": outlet.search_next_selector or nxt,
                }
            out.append(source)
    if judilibre:
        out.append(
            {
                "id": "judilibre",
                "name": "Judilibre (Cour de cassation)",
                "kind": "judilibre",
                "urls": [web.judilibre_url],
                "dossiers": ["coco"],
                "allow_private": True,
                # as the built-in configuration: the cours d'appel too (the API's default is cc only)
                "settings": {
                    "key_env": JUDILIBRE_KEY_ENV,
                    "jurisdictions": ["cc", "ca"],
                    # the sample's decisions are fictional: linked to the mini-web's page, not the court's site
                    "decision_url": web.judilibre.base_url + DECISION_PAGE + "{id}",
                },
            }
        )
    if gdelt:
        out.append(
            {
                "id": "gdelt",
                "name": "GDELT (propositions)",
                "kind": "gdelt",
                "urls": [web.gdelt_url],
                "dossiers": ["coco"],
                "allow_private": True,
                "settings": {"min_interval": web.gdelt.min_interval},
            }
        )
    if wayback:
        out.append(
            {
                "id": "wayback",
                "name": "Wayback Machine",
                "kind": "wayback",
                "urls": [web.wayback_url],
                "dossiers": ["coco"],
                "allow_private": True,
                "settings": {
                    "cdx_url": web.cdx_url,
                    "targets": [web.outlets[o] + "/" for o in ("lequotidien", "echodunord")],
                    "match_type": "prefix",
                },
            }
        )
    return out


def write_config(
    web: MiniWeb,
    path: Path | str,
    *,
    channels: str = "primary",
    judilibre: bool = True,
    wayback: bool = True,
    crawl: dict[str, Any] | None = None,
    interval: str | None = None,
    extra: dict[str, Any] | None = None,
    gdelt: bool = False,
) -> Path:
    """Write the config; ``crawl`` adds a ``[crawl]`` table, ``extra`` more top-level tables."""
    data: dict[str, Any] = {}
    if crawl:
        data["crawl"] = crawl
    data.update(extra or {})
    data["sources"] = sources(web, channels, judilibre, wayback, interval, gdelt)
    path = Path(path)
    header = (
        "# veille config written by samples.miniweb for a running mini-web\n"
        f"# Judilibre key: export {JUDILIBRE_KEY_ENV}={web.judilibre_key or 'any-value'}\n\n"
    )
    path.write_text(header + dumps(data), encoding="utf-8")
    return path
