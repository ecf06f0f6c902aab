"""Handing messages to an SMTP server, one recipient per transaction.

``send`` speaks MAIL, RCPT and DATA itself instead of ``smtplib.sendmail`` so that
the caller learns the one moment that matters for exactly-once delivery: just
before the final "." of DATA. Until that dot is sent, the server cannot have
accepted the message and resending is harmless; after it, a lost reply leaves the
outcome unknown (RFC 5321 §4.1.1.4 and RFC 1047), and ``DeliveryError.in_doubt``
says so.
"""

from __future__ import annotations

import base64
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Callable

from veille.config import SmtpSettings
from veille.errors import VeilleError


class DeliveryError(Exception):
    """A message was not delivered: ``temporary`` (4xx, connection trouble) may be retried;
    ``server_wide`` when the server refused before any recipient was named (MAIL FROM: the
    sender, authentication, policy), so that every other message would meet the same answer."""

    def __init__(
        self,
        message: str,
        code: int | None = None,
        temporary: bool = True,
        in_doubt: bool = False,
        unreachable: bool = False,
        server_wide: bool = False,
    ):
        super().__init__(" ".join(message.split()))
        self.code, self.temporary, self.in_doubt, self.unreachable = code, temporary, in_doubt, unreachable
        self.server_wide = server_wide


def _smtp_text(resp: bytes | str) -> str:
    return resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)


def _for_data(message: bytes) -> bytes:
    """CRLF line endings and dot-stuffing (RFC 5321 §4.5.2), ending with CRLF, without the final dot."""
    message = re.sub(rb"\r\n|\r|\n", b"\r\n", message)
    message = re.sub(rb"(?m)^\.", b"..", message)
    return message if message.endswith(b"\r\n") else message + b"\r\n"


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """smtplib's login, except that accented credentials go as UTF-8 AUTH PLAIN (RFC 4616):
    smtplib encodes them in ASCII and fails before asking the server."""
    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("le serveur ne propose pas d'authentification (AUTH)")
    token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
    code, resp = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, resp)


class SmtpTransport:
    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _password(self) -> str:
        password = os.environ.get(self.settings.password_env, "")
        if not password:
            raise VeilleError(
                f"mot de passe SMTP absent : la variable d'environnement {self.settings.password_env} "
                f"est vide alors que [smtp] user = « {self.settings.user} »",
                f"exportez {self.settings.password_env}, ou retirez user si le serveur n'en demande pas",
            )
        return password

    def check(self) -> None:
        """Settings problems that no retry can fix, told before the first message is prepared."""
        if self.settings.user:
            self._password()

    def _connect(self, context: ssl.SSLContext) -> smtplib.SMTP:
        s = self.settings
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            # The final dot is a small write right after the body: without TCP_NODELAY, Nagle's
            # algorithm holds it until the server's delayed ACK (40 ms per message on Linux).
            assert smtp.sock is not None  # connected above
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            smtp.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                _login(smtp, s.user, self._password())
        except BaseException:
            smtp.close()  # a refused certificate or login leaves no connection behind
            raise
        return smtp

    def open(self) -> None:
        s = self.settings
        context = ssl.create_default_context()
        try:
            smtp = self._connect(context)
        except smtplib.SMTPAuthenticationError as exc:
            raise VeilleError(
                f"le serveur SMTP {s.host}:{s.port} refuse l'identifiant « {s.user} » "
                f"({exc.smtp_code} {_smtp_text(exc.smtp_error)})",
                f"vérifiez [smtp] user et {s.password_env}",
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            raise VeilleError(
                f"le serveur SMTP {s.host}:{s.port} ne permet pas cette connexion : {exc}",
                "vérifiez [smtp] security (none, starttls ou tls) et user",
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise VeilleError(
                f"certificat TLS du serveur SMTP {s.host} refusé : {exc.verify_message}",
                "vérifiez [smtp] host (le nom doit correspondre au certificat)",
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"serveur SMTP {s.host}:{s.port} injoignable : {exc.__class__.__name__}: {exc}", unreachable=True
            ) from None
        self._smtp = smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def _abort(self) -> None:
        """After a refusal: reset the transaction, or drop a connection that cannot even do that."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def _expect(self, step: str, reply: tuple[int, bytes], accepted: tuple[int, ...], after_dot: bool = False) -> None:
        code, resp = reply
        if code in accepted:
            return
        text = f"{step} : {code} {_smtp_text(resp)}"
        if code == 421:  # the server is closing the connection
            self._drop()
        elif not after_dot:
            self._abort()
        raise DeliveryError(text, code=code, temporary=not (500 <= code < 600), server_wide=step == "MAIL FROM")

    def send(self, sender: str, recipient: str, message: bytes, before_final_dot: Callable[[], None]) -> str:
        """Deliver ``message`` to one recipient; returns the server's acceptance line."""
        if self._smtp is None:
            self.open()
        smtp = self._smtp
        assert smtp is not None  # open() connected or raised
        dot_sent = False
        try:
            self._expect("MAIL FROM", smtp.mail(sender), (250,))
            self._expect("RCPT TO", smtp.rcpt(recipient), (250, 251))
            self._expect("DATA", smtp.docmd("DATA"), (354,))
            smtp.send(_for_data(message))
            before_final_dot()
            dot_sent = True
            smtp.send(b".\r\n")
            code, resp = smtp.getreply()
            self._expect("fin du message", (code, resp), (250,), after_dot=True)
            return f"{code} {_smtp_text(resp)}"
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            detail = str(exc) or exc.__class__.__name__
            if dot_sent:
                raise DeliveryError(
                    f"connexion perdue après l'envoi complet du message, avant la réponse du "
                    f"serveur ({detail}) : réception inconnue",
                    in_doubt=True,
                ) from None
            raise DeliveryError(f"connexion perdue pendant l'envoi ({detail})") from None
