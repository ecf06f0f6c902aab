"""SMTP security settings against a real server: STARTTLS with login, implicit TLS, and the
errors an operator meets (untrusted certificate, wrong or missing password)."""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from reports.digest.send import send_digests
from reports.digest.weeks import parse_week
from tests.reports.digest_support import MailboxHandler, add_subscribers, free_port, seed_week, write_config
from veille.config import load_config
from veille.errors import VeilleError

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl absent")
W36 = parse_week("2024-W36")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert.pem, key.pem)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"veille",
        b"s3cret-\xc3\xa9",
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_server(certificate, request):
    """An SMTP server with STARTTLS required and login, or implicit TLS (param "tls")."""
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = MailboxHandler()
    port = free_port()
    if getattr(request, "param", "starttls") == "tls":
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    else:
        controller = Controller(
            handler,
            hostname="127.0.0.1",
            port=port,
            tls_context=context,
            require_starttls=True,
            auth_required=True,
            authenticator=authenticate,
        )
    controller.start()
    yield port, handler
    controller.stop()


def tls_config(tmp_path, port: int, security: str, user: str = "veille"):
    return load_config(
        write_config(
            tmp_path / f"{security}.toml",
            port,
            retries=0,
            security=security,
            extra=f"""
user = "{user}"
password_env = "VEILLE_TEST_SMTP_PASSWORD"
""",
        )
    )


@pytest.fixture
def week(conn, digest_config, smtp):
    seed_week(conn)
    add_subscribers(conn, ("elodie@exemple.fr", "Élodie"))


def test_starttls_with_login(conn, week, tmp_path, tls_server, certificate, monkeypatch):
    port, handler = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the client trusts this certificate authority
    monkeypatch.setenv("VEILLE_TEST_SMTP_PASSWORD", "s3cret-é")
    counts = send_digests(conn, tls_config(tmp_path, port, "starttls"), "coco", W36)
    assert counts["sent"] == 1 and [r.rcpt_tos for r in handler.received] == [["elodie@exemple.fr"]]


@pytest.mark.parametrize("tls_server", ["tls"], indirect=True)
def test_implicit_tls(conn, week, tmp_path, tls_server, certificate, monkeypatch):
    port, handler = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    counts = send_digests(conn, tls_config(tmp_path, port, "tls", user=""), "coco", W36)
    assert counts["sent"] == 1 and len(handler.received) == 1


def test_an_untrusted_certificate_is_refused(conn, week, tmp_path, tls_server, monkeypatch):
    port, handler = tls_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("VEILLE_TEST_SMTP_PASSWORD", "s3cret-é")
    with pytest.raises(VeilleError, match="certificat TLS du serveur SMTP 127.0.0.1 refusé"):
        send_digests(conn, tls_config(tmp_path, port, "starttls"), "coco", W36)
    assert handler.received == []


def test_a_wrong_password_is_one_clear_error(conn, week, tmp_path, tls_server, certificate, monkeypatch):
    port, handler = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("VEILLE_TEST_SMTP_PASSWORD", "mauvais")
    with pytest.raises(VeilleError, match="refuse l'identifiant « veille »"):
        send_digests(conn, tls_config(tmp_path, port, "starttls"), "coco", W36)
    assert handler.received == []


def test_a_missing_password_is_told_before_anything_is_prepared(conn, week, tmp_path, tls_server, monkeypatch):
    port, _ = tls_server
    monkeypatch.delenv("VEILLE_TEST_SMTP_PASSWORD", raising=False)
    with pytest.raises(VeilleError) as err:
        send_digests(conn, tls_config(tmp_path, port, "starttls"), "coco", W36)
    assert str(err.value) == (
        "mot de passe SMTP absent : la variable d'environnement VEILLE_TEST_SMTP_PASSWORD est "
        "vide alors que [smtp] user = « veille » — exportez VEILLE_TEST_SMTP_PASSWORD, ou "
        "retirez user si le serveur n'en demande pas"
    )
    assert conn.execute("SELECT count(*) AS n FROM digests").fetchone()["n"] == 0
