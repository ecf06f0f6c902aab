"""robots.txt and TDMRep (``/.well-known/tdmrep.json``) of each outlet."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from samples.miniweb.site import OutletSite

TDM_POLICY_PATH = "/tdm/policy.json"


def robots_txt(site: OutletSite) -> str:
    o = site.outlet
    lines = []
    if o.id in ("lequotidien", "courrierprovence", "pretoire"):
        # Like many French publishers: AI crawlers shut out, everyone else let in.
        lines += ["User-agent: GPTBot", "Disallow: /", "", "User-agent: CCBot", "Disallow: /", ""]
    lines.append("User-agent: *")
    for prefix in o.robots_disallow:
        lines.append(f"Disallow: {prefix}")
    if o.id == "ledecodeur":
        lines.append("Allow: /wp-admin/admin-ajax.php")
    if not o.robots_disallow and o.id != "ledecodeur":
        lines.append("Disallow:")
    if o.crawl_delay is not None:
        lines.append(f"Crawl-delay: {o.crawl_delay:g}")
    if "sitemap" in o.discovery:
        lines += ["", f"Sitemap: {site.url('/sitemap.xml')}"]
    return "\n".join(lines) + "\n"


def tdmrep_json(site: OutletSite) -> str:
    return json.dumps([{"location": "/*", "tdm-reservation": 1, "tdm-policy": site.url(TDM_POLICY_PATH)}], indent=2)


def tdm_policy_json(site: OutletSite) -> str:
    """A minimal ODRL-flavoured policy, as TDMRep suggests."""
    return json.dumps(
        {
            "@context": ["http://www.w3.org/ns/odrl.jsonld", {"tdm": "http://www.w3.org/ns/tdmrep#"}],
            "@type": "Offer",
            "profile": "http://www.w3.org/ns/tdmrep",
            "uid": site.url(TDM_POLICY_PATH),
            "assigner": {
                "uid": site.url("/"),
                "vcard:fn": site.outlet.name,
                "vcard:hasEmail": "droits@courrierprovence.example",
            },
            "permission": [{"target": site.url("/"), "action": "tdm:mine", "duty": [{"action": "compensate"}]}],
        },
        ensure_ascii=False,
        indent=2,
    )
