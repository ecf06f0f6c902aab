"""URLs: the canonical form that keys documents, the form worth fetching, and which
site an address belongs to.

``canonical_url`` is a de-duplication key: tracking parameters, AMP and mobile
variants, fragments, default ports and trailing slashes removed, so that every
link to one article gives one key. It is not always fetchable (a WordPress site
may insist on its trailing slash), so requests use ``fetch_url``, which keeps the
path as the outlet wrote it and only drops what cannot change the page.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say where a reader came from.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "xtor",
        "xts",
        "xtref",
        "at_medium",
        "at_campaign",
        "at_source",
        "at_platform",
        "at_creation",
        "at_format",
        "at_link",
        "at_send_date",
        "at_ptr_name",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ito",
        "icid",
        "cmp",
        "cmpid",
        "ns_source",
        "ns_mchannel",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "_ga",
        "_gl",
        "ref_src",
        "actId",
        "actCampaignType",
        "actSource",
        "sr_share",
        "smid",
        "ocid",
        "twclid",
        "li_fat_id",
        "s_cid",
        "Echobox",
        "echobox",
        "_hsenc",
        "_hsmi",
        "hsCtaTracking",
        "vero_conv",
        "vero_id",
        "wt_mc",
        "wt_zmc",
        "trk",
        "trkid",
    }
)
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "xtor", "__twitter", "_hs")
# Parameters that ask for the AMP rendering of the same page.
AMP_PARAMS = frozenset({"amp", "amp_js_v", "usqp", "outputtype"})
MOBILE_HOST_PREFIXES = ("m.", "mobile.", "amp.")
DEFAULT_PORTS = {"http": 80, "https": 443}


def _split(url: str):
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, host, port, parts


def _netloc(scheme: str, host: str, port: int | None) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMS or name.lower().startswith(TRACKING_PREFIXES)


def _is_amp_param(name: str, value: str) -> bool:
    lowered = name.lower()
    return lowered in AMP_PARAMS and (lowered != "outputtype" or value.lower() == "amp")


def _clean_query(query: str, drop_amp: bool) -> str:
    pairs = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(k) and not (drop_amp and _is_amp_param(k, v))
    ]
    return urlencode(pairs, doseq=True, quote_via=quote)


def _deamp_path(path: str) -> str:
    """/amp/x → /x, /x/amp → /x, /x.amp.html → /x.html: the AMP copy's regular page."""
    segments = path.split("/")
    inner = [s for s in segments[1:]]
    if inner and inner[0].lower() == "amp":
        inner = inner[1:]
    elif len(inner) >= 2 and inner[-1] == "" and inner[-2].lower() == "amp":
        inner = inner[:-2] + [""]
    elif inner and inner[-1].lower() == "amp":
        inner = inner[:-1]
    path = "/" + "/".join(inner)
    return re.sub(r"\.amp(\.html?)$", r"\1", path, flags=re.I)


def _deamp_host(host: str) -> str:
    for prefix in MOBILE_HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            return "www." + host[len(prefix) :]
    return host


def fetch_url(url: str) -> str:
    """The address to request for a link: no fragment, no tracking parameters, not the AMP copy."""
    scheme, host, port, parts = _split(url)
    if scheme not in ("http", "https") or not host:
        return url
    if _is_ip(host):
        new_host = host
    else:
        new_host = _deamp_host(host)
    path = _deamp_path(parts.path or "/")
    return urlunsplit((scheme, _netloc(scheme, new_host, port), path, _clean_query(parts.query, True), ""))


def canonical_url(url: str) -> str:
    """The de-duplication key of a link (see the module docstring)."""
    fetched = fetch_url(url)
    scheme, host, port, parts = _split(fetched)
    if scheme not in ("http", "https") or not host:
        return url.strip()
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%")
    path = re.sub(r"/{2,}", "/", path)
    if path != "/":
        path = path.rstrip("/")
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)), quote_via=quote)
    return urlunsplit((scheme, _netloc(scheme, host, port), path or "/", query, ""))


def page_canonical(fetched_url: str, link_canonical: str | None) -> str:
    """The key of a fetched page: its ``<link rel=canonical>`` when it stays on the same site."""
    if link_canonical:
        absolute = urljoin(fetched_url, link_canonical.strip())
        if absolute.startswith(("http://", "https://")) and same_site(absolute, fetched_url):
            return canonical_url(absolute)
    return canonical_url(fetched_url)


# --------------------------------------------------------------------------- sites


@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # The snapshot shipped with tldextract: never fetch the suffix list at run time.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


@lru_cache(maxsize=4096)
def site_of_host(host: str, port: int | None = None, scheme: str = "http") -> str:
    """A site: the registrable domain (www.lemonde.fr and feeds.lemonde.fr are one site);
    an IP address or a single-label host with its port (mini-web outlets share 127.0.0.1)."""
    host = host.lower().rstrip(".")
    if _is_ip(host) or "." not in host:
        return _netloc(scheme, host, port) if port and DEFAULT_PORTS.get(scheme) != port else host
    ext = _extractor()(host)
    return ext.top_domain_under_public_suffix or host


def site_of(url: str) -> str:
    scheme, host, port, _ = _split(url)
    return site_of_host(host, port, scheme) if host else ""


def same_site(a: str, b: str) -> bool:
    return site_of(a) == site_of(b)


def host_of(url: str) -> str:
    return _split(url)[1]
