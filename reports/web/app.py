"""The Starlette application of `veille serve`: routes, sessions, CSRF, roles, security headers.

- Every page but the login and the digests' unsubscribe links needs a session: an HttpOnly,
  SameSite=Strict cookie (Secure over HTTPS) holding a random token whose hash is in ``sessions``.
- Every form carries the session's CSRF token (the login form a token of its own, in a cookie of
  the same kind); a POST without the right one is refused with 403 before anything else.
- A viewer reads everything and changes nothing: any POST but logging out gets 403.
- Every response has a Content-Security-Policy allowing only the page's own inline style and
  script, by a nonce drawn for that response: a scraped ``<script>`` or ``onerror`` never runs.

Database work runs in Starlette's thread pool on a psycopg connection pool: the read API, the
corrections and the accounts are the same plain functions the commands use.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from reports.french import capfirst, kind_label, plural, short_day
from reports.rendering import environment
from reports.web import pages
from veille import accounts, corrections
from veille.errors import VeilleError
from veille.vocabulary import (
    CORRECTION_ACTIONS,
    KIND_LABELS,
    PRECISION_LABELS,
    REVIEW_LABELS,
    ROLE_LABELS,
)

COOKIE = "veille_session"
LOGIN_COOKIE = "veille_login"


@lru_cache(maxsize=16)
def case_options(choices: pages.CaseChoices, selected: str | None = None) -> Markup:
    """The ``<option>``s of every case, rendered once for each list of cases and selected one: the
    same list on each page view (``pages.case_choices``) costs a dictionary look-up, not a thousand
    escaped options."""
    template = environment().get_template("web/_case_options.html.j2")
    return Markup(template.render(choices=choices, selected=selected, capfirst=capfirst))


HELPERS = {
    "case_options": case_options,
    "capfirst": capfirst,
    "plural": plural,
    "kind_label": kind_label,
    "short_day": short_day,
    "kinds": KIND_LABELS,
    "precisions": PRECISION_LABELS,
    "review_labels": REVIEW_LABELS,
    "action_labels": CORRECTION_ACTIONS,
    "mark_unreviewed": True,  # the live timeline marks what no editor approved yet
}


def _csp(nonce: str) -> str:
    return (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def _secure(response: Response, nonce: str) -> Response:
    response.headers["Content-Security-Policy"] = _csp(nonce)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


def _safe_next(value: str | None, default: str = "/relecture") -> str:
    """Only a path of this site: never « //autre.site » or an absolute address."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return default


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


class Web:
    """The application's state: configuration, dossier shown, connection pool, templates."""

    def __init__(self, config, url: str, dossier: str | None = None, pool_size: int = 8):
        self.config = config
        self.dossier = config.dossier(dossier) if dossier else next(iter(config.dossiers.values()))
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            kwargs={"row_factory": dict_row, "autocommit": True},
            open=False,
        )
        self.env = environment()

    # ---------------------------------------------------------------- responses

    def render(self, template: str, context: dict, nonce: str, status: int = 200) -> HTMLResponse:
        body = self.env.get_template(template).render(
            {"nonce": nonce, "notice": None, "user": None, "csrf": "", "dossier": self.dossier, **HELPERS, **context}
        )
        return HTMLResponse(body, status_code=status)

    def message(self, ctx: dict, nonce: str, heading: str, message: str, status: int, link: str | None = None):
        return self.render(
            "web/message.html.j2",
            {**ctx, "heading": heading, "message": message, "link": link, "link_label": "Revenir"},
            nonce,
            status,
        )

    # ---------------------------------------------------------------- the guard of every route

    def route(
        self, handler: Callable[..., Response], *, login: bool = True, edit: bool = False, csrf: bool = True
    ) -> Callable[[Request], Awaitable[Response]]:
        """An endpoint: reads the form, then in the thread pool checks the session, the CSRF token and
        the role, and calls ``handler(request, conn, ctx, form)``; ``ctx`` has the user, the CSRF
        token and the nonce for the templates."""

        async def endpoint(request: Request) -> Response:
            nonce = secrets.token_urlsafe(18)
            form: dict[str, Any] = {}
            if request.method == "POST":
                raw = await request.form()
                form = {k: v for k, v in raw.items() if isinstance(v, str)}
                # Fields a form repeats (the entries a split takes out): every value, in order.
                request.state.lists = {k: [v for v in raw.getlist(k) if isinstance(v, str)] for k in raw}

            def work() -> Response:
                with self.pool.connection() as conn:
                    session = accounts.session_user(conn, request.cookies.get(COOKIE))
                    user, token = session if session else (None, "")
                    ctx = {
                        "user": user,
                        "csrf": token,
                        "nonce": nonce,
                        "role_label": ROLE_LABELS.get(user.role, "") if user else "",
                    }
                    if login and user is None:
                        if request.method == "GET":
                            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                            return RedirectResponse(f"/connexion?suite={quote(target)}", status_code=303)
                        return self.message(ctx, nonce, "Connexion requise", "Connectez-vous d'abord.", 403)
                    if request.method == "POST" and csrf and login:
                        if not form.get("csrf") or not secrets.compare_digest(form["csrf"], token):
                            return self.message(
                                ctx,
                                nonce,
                                "Formulaire refusé",
                                "Jeton de sécurité absent ou périmé : rechargez la page.",
                                403,
                            )
                        if edit and not (user and user.can_edit):
                            accounts.audit(
                                conn, "refused", user.email if user else None, request.url.path, {}, _client(request)
                            )
                            return self.message(
                                ctx, nonce, "Action refusée", "Votre compte permet de lire, pas de corriger.", 403
                            )
                    return handler(request, conn, ctx, form)

            response = await run_in_threadpool(work)
            return _secure(response, nonce)

        return endpoint

    def cookie(self, request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )

    # ---------------------------------------------------------------- logging in and out

    def login_page(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        token = secrets.token_urlsafe(24)
        response = self.render(
            "web/login.html.j2",
            {**ctx, "csrf": token, "next": _safe_next(request.query_params.get("suite")), "email": ""},
            ctx["nonce"],
        )
        self.cookie(request, response, LOGIN_COOKIE, token, 3600)
        return response

    def login(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(form.get("csrf", ""), expected):
            return self.message(
                ctx, ctx["nonce"], "Formulaire refusé", "Jeton de sécurité absent ou périmé : rechargez la page.", 403
            )
        try:
            user = accounts.authenticate(conn, form.get("email", ""), form.get("password", ""), _client(request))
        except accounts.Throttled as exc:
            return self.message(ctx, ctx["nonce"], "Connexion bloquée", str(exc), 429)
        if user is None:
            response = self.render(
                "web/login.html.j2",
                {
                    **ctx,
                    "csrf": expected,
                    "next": _safe_next(form.get("suite")),
                    "email": form.get("email", ""),
                    "notice": "Adresse ou mot de passe incorrect.",
                },
                ctx["nonce"],
                401,
            )
            return response
        token, _ = accounts.open_session(conn, user)
        redirect = RedirectResponse(_safe_next(form.get("suite")), status_code=303)
        self.cookie(request, redirect, COOKIE, token, int(accounts.SESSION_LIFETIME.total_seconds()))
        redirect.delete_cookie(LOGIN_COOKIE, path="/")
        return redirect

    def logout(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        accounts.close_session(conn, request.cookies.get(COOKIE))
        accounts.audit(conn, "logout", ctx["user"].email, None, {}, _client(request))
        response = RedirectResponse("/connexion", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    # ---------------------------------------------------------------- pages

    def timeline(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        params = request.query_params
        filters = pages.Filters.parse(params)
        page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
        data = pages.timeline(conn, self.dossier.slug, filters, page)

        def page_url(n: int) -> str:
            kept = {k: v for k, v in params.items() if k != "page" and v}
            return "/chronologie?" + urlencode({**kept, "page": n})

        return self.render(
            "web/timeline.html.j2",
            {**ctx, **data, "filters": filters, "page": page, "page_url": page_url},
            ctx["nonce"],
        )

    def queue(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        return self.render("web/queue.html.j2", {**ctx, **pages.queue(conn, self.dossier.slug)}, ctx["nonce"])

    def entry(self, request: Request, conn, ctx: dict, form: dict, notice: str | None = None) -> Response:
        data = pages.entry(conn, request.path_params["key"])
        if data is None:
            return self.message(
                ctx, ctx["nonce"], "Entrée introuvable", "Cette entrée n'existe pas (ou plus).", 404, "/relecture"
            )
        return self.render("web/entry.html.j2", {**ctx, **data, "notice": notice}, ctx["nonce"], 409 if notice else 200)

    def document(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        data = pages.document(conn, request.path_params["id"])
        if data is None:
            return self.message(ctx, ctx["nonce"], "Document introuvable", "Ce document n'existe pas.", 404)
        return self.render("web/document.html.j2", {**ctx, **data}, ctx["nonce"])

    def case(self, request: Request, conn, ctx: dict, form: dict, notice: str | None = None) -> Response:
        slug = request.path_params["slug"]
        data = pages.case(conn, self.dossier.slug, slug)
        if data is None:
            merged = pages.case_gone(conn, slug)
            if merged is not None:
                return self.message(
                    ctx,
                    ctx["nonce"],
                    "Affaire fusionnée",
                    f"Cette affaire a été fusionnée dans « {capfirst(merged['name'])} ».",
                    404,
                    f"/affaire/{merged['slug']}",
                )
            return self.message(ctx, ctx["nonce"], "Affaire introuvable", "Cette affaire n'existe pas (ou plus).", 404)
        return self.render("web/case.html.j2", {**ctx, **data, "notice": notice}, ctx["nonce"], 409 if notice else 200)

    def correct_case(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        """Rename, merge or split a case: one correction row, applied at once by the cases stage."""
        slug = request.path_params["slug"]
        user = ctx["user"]
        action = form.get("action", "")
        version = int(form["version"]) if form.get("version", "").isdigit() else None
        after: dict[str, Any] = {}
        if action == "rename":
            after = {"name": form.get("name", "")}
        elif action == "merge":
            after = {"with": [form.get("with", "").strip()]}
        elif action == "split":
            after = {
                "entries": request.state.lists.get("entree", []),
                "name": form.get("name", ""),
                "slug": form.get("slug", "").strip(),
            }
        else:
            return self.case(request, conn, ctx, form, notice=f"correction inconnue : « {action} »")
        try:
            row = corrections.correct_case(
                conn,
                slug,
                action,
                corrections.Author(user.email, user.shown_name),
                after,
                form.get("reason"),
                base_version=version,
                address=_client(request),
            )
        except corrections.StaleEdit as exc:
            return self.case(request, conn, ctx, form, notice=self._stale_notice(exc))
        except VeilleError as exc:
            return self.case(request, conn, ctx, form, notice=str(exc))
        self._apply(conn)
        goes = row["after"]["slug"] if action == "split" and form.get("suite") == "nouvelle" else slug
        return RedirectResponse(f"/affaire/{goes}", status_code=303)

    # ---------------------------------------------------------------- corrections

    def _apply(self, conn, approved: dict | None = None) -> None:
        """The correction is applied at once: the pages show the state the reports will publish.

        An approval changes no grouping: its entry is marked approved in place (what the next
        recomputation derives too), instead of regrouping the whole dossier for each key press."""
        from veille.stages import ensure_cases_current

        if approved is not None:
            conn.execute(
                """UPDATE happenings SET review = 'approved', approved_by = %s, approved_at = %s,
                          version = (SELECT count(*) FROM corrections WHERE target_kind = 'entry' AND target = %s)
                    WHERE key = %s AND current""",
                (approved["author_name"], approved["made_at"], approved["target"], approved["target"]),
            )
            return
        ensure_cases_current(conn, self.config)

    def correct(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        key = request.path_params["key"]
        user = ctx["user"]
        author = corrections.Author(user.email, user.shown_name)
        action = form.get("action", "")
        version = int(form["version"]) if form.get("version", "").isdigit() else None
        after: dict[str, Any] = {}
        if action == "redate":
            after = {"date": form.get("date", ""), "precision": form.get("precision", "day")}
        elif action == "rekind":
            after = {"kind": form.get("kind", "")}
        elif action == "reheadline":
            after = {"summary": form.get("summary", "")}
        elif action == "move":
            after = {"case": form.get("case", "").strip()}
            if after["case"] and not conn.execute("SELECT 1 FROM cases WHERE slug = %s", (after["case"],)).fetchone():
                notice = f"affaire inconnue : « {after['case']} » — choisissez un identifiant de la liste"
                return self.entry(request, conn, ctx, form, notice=notice)
        approved = None
        try:
            if action == "approve":
                approved = corrections.approve(conn, key, author, base_version=version, address=_client(request))
            else:
                corrections.correct_entry(
                    conn, key, action, author, after, form.get("reason"), base_version=version, address=_client(request)
                )
        except corrections.StaleEdit as exc:
            return self.entry(request, conn, ctx, form, notice=self._stale_notice(exc))
        except VeilleError as exc:
            return self.entry(request, conn, ctx, form, notice=str(exc))
        self._apply(conn, approved)
        return RedirectResponse(_safe_next(form.get("suite"), f"/entree/{key}"), status_code=303)

    def _stale_notice(self, exc: corrections.StaleEdit) -> str:
        latest = exc.latest or {}
        change = pages._change(latest) if latest else ""
        return f"{exc}. Sa correction : {CORRECTION_ACTIONS.get(latest.get('action', ''), '')} {change}".strip()

    def undo(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        user = ctx["user"]
        version = int(form["version"]) if form.get("version", "").isdigit() else None
        target = conn.execute(
            "SELECT target_kind, target FROM corrections WHERE id = %s", (request.path_params["id"],)
        ).fetchone()
        try:
            corrections.undo(
                conn,
                request.path_params["id"],
                corrections.Author(user.email, user.shown_name),
                base_version=version,
                address=_client(request),
            )
        except VeilleError as exc:
            if target and target["target_kind"] == "entry":
                request.path_params["key"] = target["target"]
                return self.entry(request, conn, ctx, form, notice=str(exc))
            if target and target["target_kind"] == "case":
                request.path_params["slug"] = target["target"]
                return self.case(request, conn, ctx, form, notice=str(exc))
            return self.message(ctx, ctx["nonce"], "Annulation refusée", str(exc), 409)
        self._apply(conn)
        return RedirectResponse(_safe_next(form.get("suite")), status_code=303)

    def mark_document(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        user = ctx["user"]
        row = conn.execute("SELECT canonical_url FROM documents WHERE id = %s", (request.path_params["id"],)).fetchone()
        if row is None:
            return self.message(ctx, ctx["nonce"], "Document introuvable", "Ce document n'existe pas.", 404)
        try:
            corrections.record(
                conn,
                target_kind="document",
                target=row["canonical_url"],
                action=form.get("action", ""),
                author=corrections.Author(user.email, user.shown_name),
                reason=form.get("reason"),
                address=_client(request),
            )
        except VeilleError as exc:
            return self.message(ctx, ctx["nonce"], "Correction refusée", str(exc), 400)
        self._apply(conn)
        return RedirectResponse(f"/document/{request.path_params['id']}", status_code=303)

    # ---------------------------------------------------------------- the digests' unsubscribe links

    def unsubscribe(self, request: Request, conn, ctx: dict, form: dict) -> Response:
        """GET: a one-button confirmation; POST (the button, or RFC 8058's one-click): done at once.
        A used or unknown token changes nothing and says so."""
        token = request.path_params["token"]
        row = conn.execute(
            """SELECT s.id, s.email, coalesce(d.title, s.dossier_slug) AS dossier_title
                 FROM subscribers s LEFT JOIN dossiers d ON d.slug = s.dossier_slug
                WHERE s.token = %s AND s.unsubscribed_at IS NULL""",
            (token,),
        ).fetchone()
        context = {**ctx, "token": token, "dossier_title": row["dossier_title"] if row else ""}
        if row is None:
            return self.render("web/unsubscribe.html.j2", {**context, "state": "unknown"}, ctx["nonce"], 404)
        if request.method == "GET":
            return self.render("web/unsubscribe.html.j2", {**context, "state": "ask"}, ctx["nonce"])
        from reports.digest.subscribers import remove

        try:
            remove(conn, token=token)
        except VeilleError:
            return self.render("web/unsubscribe.html.j2", {**context, "state": "unknown"}, ctx["nonce"], 404)
        accounts.audit(conn, "unsubscribed", None, row["email"], {}, _client(request))
        return self.render("web/unsubscribe.html.j2", {**context, "state": "done"}, ctx["nonce"])


def create_app(config, url: str | None = None, dossier: str | None = None, pool_size: int = 8) -> Starlette:
    """The application on the database at ``url`` (default: the one every command uses)."""
    from contextlib import asynccontextmanager

    from veille.db import database_url, open_database

    target = url or database_url()
    with open_database(target) as conn:  # migrated before the first request
        from veille.db import sync_config

        sync_config(conn, config)
    web = Web(config, target, dossier, pool_size)

    @asynccontextmanager
    async def lifespan(app):
        await run_in_threadpool(web.pool.open, True)
        try:
            yield
        finally:
            await run_in_threadpool(web.pool.close)

    r = web.route
    routes = [
        Route("/", lambda request: RedirectResponse("/relecture", status_code=303)),
        Route("/favicon.ico", lambda request: Response(status_code=204)),  # browsers ask; there is none
        Route("/connexion", r(web.login_page, login=False), methods=["GET"]),
        Route("/connexion", r(web.login, login=False), methods=["POST"]),
        Route("/deconnexion", r(web.logout), methods=["POST"]),
        Route("/chronologie", r(web.timeline), methods=["GET"]),
        Route("/relecture", r(web.queue), methods=["GET"]),
        Route("/entree/{key:path}/corriger", r(web.correct, edit=True), methods=["POST"]),
        Route("/entree/{key:path}", r(web.entry), methods=["GET"]),
        Route("/correction/{id:int}/annuler", r(web.undo, edit=True), methods=["POST"]),
        Route("/document/{id:int}/marquer", r(web.mark_document, edit=True), methods=["POST"]),
        Route("/document/{id:int}", r(web.document), methods=["GET"]),
        Route("/affaire/{slug}/corriger", r(web.correct_case, edit=True), methods=["POST"]),
        Route("/affaire/{slug}", r(web.case), methods=["GET"]),
        Route("/desabonnement/{token}", r(web.unsubscribe, login=False, csrf=False), methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.web = web
    return app


def from_environment() -> Starlette:
    """The application as each of `veille serve --processes N`'s processes builds it (uvicorn's
    factory): the configuration file, dossier and pool size are handed over in the environment."""
    import os

    from veille.config import load_config

    config = load_config(os.environ.get("VEILLE_CONFIG") or None)
    return create_app(
        config,
        dossier=os.environ.get("VEILLE_SERVE_DOSSIER") or None,
        pool_size=int(os.environ.get("VEILLE_SERVE_POOL", "8")),
    )
