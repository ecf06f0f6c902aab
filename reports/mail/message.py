"""One subscriber's digest as a real email (RFC 5322 bytes, ready for SMTP).

multipart/alternative: a plain-text part first, then HTML with its CSS inlined
(most email clients drop <style> blocks). Headers use the SMTP policy: a subject or
a display name with accents becomes an RFC 2047 encoded-word, every line ends in
CRLF, and no line exceeds what SMTP allows. Each message has one recipient: the
subscriber, alone in To. One-click unsubscribe (RFC 8058) needs an https link,
hence ``[reports] unsubscribe_url``; the mailto link goes to the sender's mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from urllib.parse import quote

import css_inline
import idna

from reports.digest.content import Digest, render_html, render_text
from reports.digest.weeks import PARIS
from reports.mail.address import ascii_email
from veille.config import Config
from veille.errors import VeilleError

_INLINER = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Sender:
    name: str
    local: str
    domain: str  # ASCII (IDNA) form

    @property
    def address(self) -> str:
        return f"{self.local}@{self.domain}"

    def header(self) -> Address:
        return Address(display_name=self.name, username=self.local, domain=self.domain)


def sender_of(config: Config) -> Sender:
    """``[smtp] sender`` (« veille <veille@exemple.fr> »), checked."""
    raw = config.smtp.sender
    name, address = parseaddr(raw)
    fix = 'écrivez par exemple sender = "Veille Coco <veille@exemple.fr>" dans [smtp]'
    if "@" not in address:
        raise VeilleError(f"configuration invalide : clé « smtp.sender » : « {raw} » n'est pas une adresse", fix)
    local, domain = address.rsplit("@", 1)
    if not local or not local.isascii() or any(c.isspace() for c in local):
        raise VeilleError(f"configuration invalide : clé « smtp.sender » : « {raw} » n'est pas une adresse", fix)
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise VeilleError(
            f"configuration invalide : clé « smtp.sender » : domaine « {domain} » incorrect", fix
        ) from None
    return Sender(name=" ".join(name.split()), local=local, domain=ascii_domain)


# Where `veille serve` answers the links (reports/web/unsubscribe.py), under [server] public_url.
UNSUBSCRIBE_PATH = "/desabonnement/{token}"


def unsubscribe_link(config: Config, token: str) -> str:
    """``[reports] unsubscribe_url``, else the address `veille serve` answers under ``[server] public_url``."""
    template = config.reports.unsubscribe_url.strip()
    if not template and config.server.public_url.strip():
        template = config.server.public_url.strip().rstrip("/") + UNSUBSCRIBE_PATH
    fix = (
        'ajoutez dans [server] public_url = "https://veille.exemple.fr" (l\'adresse de « veille serve »), '
        'ou dans [reports] unsubscribe_url = "https://exemple.fr/desabonnement?jeton={token}" '
        "(adresse https qui désabonne en un clic)"
    )
    if not template:
        raise VeilleError("lien de désabonnement non configuré : un résumé ne part pas sans lui", fix)
    if not template.startswith("https://") or "{token}" not in template:
        raise VeilleError(
            f"configuration invalide : clé « {'reports.unsubscribe_url' if config.reports.unsubscribe_url.strip() else 'server.public_url'} » : « {template} » "
            "doit commencer par https:// et contenir {token}",
            fix,
        )
    return template.replace("{token}", quote(token, safe=""))


def check_mail_settings(config: Config) -> Sender:
    """What must be right before any message is built: one clear error instead of a half-sent batch."""
    unsubscribe_link(config, "verification")
    return sender_of(config)


def build_message(digest: Digest, subscriber: dict, config: Config, now: datetime | None = None) -> EmailMessage:
    sender = sender_of(config)
    link = unsubscribe_link(config, subscriber["token"])
    name = subscriber.get("name") or None
    recipient = ascii_email(subscriber["email"])
    local, domain = recipient.rsplit("@", 1)

    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = digest.subject
    msg["From"] = sender.header()
    msg["To"] = Address(display_name=name or "", username=local, domain=domain)
    msg["Date"] = format_datetime((now or datetime.now(PARIS)).astimezone(PARIS))
    msg["Message-ID"] = make_msgid(idstring=f"{digest.dossier_slug}.{digest.week.code}", domain=sender.domain)
    msg["List-Id"] = f"<{digest.dossier_slug}.resume.{sender.domain}>"
    mailto = f"mailto:{sender.address}?subject={quote('désabonnement ' + subscriber['token'])}"
    msg["List-Unsubscribe"] = f"<{link}>, <{mailto}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(render_text(digest, name, link), charset="utf-8", cte="quoted-printable")
    msg.add_alternative(
        inline_css(render_html(digest, name, link)), subtype="html", charset="utf-8", cte="quoted-printable"
    )
    return msg


def inline_css(html: str) -> str:
    """The HTML with every <style> rule moved into style attributes, the <style> block gone."""
    return _INLINER.inline(html)


def message_bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes(policy=policy.SMTP)
