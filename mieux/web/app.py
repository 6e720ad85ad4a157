"""The forms' web application (FastAPI, server-rendered with Jinja2, no JavaScript needed).

`GET /f/{token}` shows the form a link opens, in its language; `POST /f/{token}` stores the answer
(mieux.evaluation.Evaluation.submit), or shows the form again with each error next to its field
and everything typed kept. `GET /i/{token}` shows an expert their invitation (the mission and its
terms) and `POST /i/{token}` records their answer, accept or decline (mieux.invitations). A link that is unknown, answered or closed gets one same page and
status, so a page never tells whether a link existed. The token never reaches a log: the access
log names the route, not the path. `GET /health` says whether the store answers.
"""
import json
import logging
import time
from pathlib import Path
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import text

from mieux.evaluation import Evaluation
from mieux.invitations import Invitations

log = logging.getLogger("mieux.web.access")
MAX_BODY = 64 * 1024
"""The largest form accepted: every comment at its limit fits several times over."""
HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'self'; form-action 'self'; base-uri 'none'; "
                                      "frame-ancestors 'none'",
           "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
WORDS = {
    "en": {"submit": "Send my answers", "thanks": "Thank you", "thanks_text": "Your answers are recorded.",
           "unavailable": "This link cannot be used", "required": "required",
           "unavailable_text": "It may have been answered already, the evaluation may have closed, or the link is "
                               "not complete. If you think this is a mistake, reply to the email that sent it.",
           "errors": "Some answers need your attention:", "closes": "Open until", "anonymous":
               "Your answers are not linked to your name.", "accepted": "Thank you for accepting",
           "accepted_text": "The team will be in touch about your contract and the travel arrangements.",
           "declined": "Thank you for your answer",
           "declined_text": "We have recorded that you decline this invitation; we hope to work with you another time."},
    "fr": {"submit": "Envoyer mes réponses", "thanks": "Merci", "thanks_text": "Vos réponses sont enregistrées.",
           "unavailable": "Ce lien ne peut pas être utilisé", "required": "obligatoire",
           "unavailable_text": "Il a peut-être déjà été utilisé, l'évaluation est peut-être close, ou le lien est "
                               "incomplet. En cas d'erreur, répondez au courriel qui vous l'a envoyé.",
           "errors": "Certaines réponses demandent votre attention :", "closes": "Ouvert jusqu'au",
           "anonymous": "Vos réponses ne sont pas liées à votre nom."},
    "es": {"submit": "Enviar mis respuestas", "thanks": "Gracias", "thanks_text": "Sus respuestas han quedado registradas.",
           "unavailable": "Este enlace no se puede usar", "required": "obligatoria",
           "unavailable_text": "Puede que ya se haya respondido, que la evaluación haya terminado o que el enlace "
                               "esté incompleto. Si cree que es un error, responda al correo que se lo envió.",
           "errors": "Algunas respuestas requieren su atención:", "closes": "Abierto hasta",
           "anonymous": "Sus respuestas no se vinculan con su nombre."},
}
TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                        autoescape=select_autoescape(default=True, default_for_string=True))
CSS = (Path(__file__).with_name("templates") / "form.css").read_text(encoding="utf-8")


def _page(name: str, status: int, **values) -> HTMLResponse:
    language = values.get("language", "en")
    html = TEMPLATES.get_template(name).render(words=WORDS.get(language, WORDS["en"]), **values)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _unavailable() -> HTMLResponse:
    """One page, in every language, for a link that is unknown, answered or closed: it says nothing
    about which, nor whose."""
    return _page("unavailable.html", 404, language="en", all=WORDS)


def create_app(evaluation: Evaluation, engine, invitations: Invitations | None = None) -> FastAPI:
    """The application, on the engine's evaluation, invitations and store."""
    TEMPLATES.globals["choices"] = evaluation.forms.choices
    app = FastAPI(title="MIEUX forms", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        started = time.perf_counter()
        try:
            response = await call_next(request)
        except Exception:  # a bug answers one line and a 500, never a traceback to the person
            log.exception("unexpected error on %s %s", request.method, _route(request))
            response = Response("Something went wrong on our side; please try again later.\n", status_code=500,
                                media_type="text/plain", headers=HEADERS)
        log.info(json.dumps({"method": request.method, "route": _route(request), "status": response.status_code,
                             "ms": round((time.perf_counter() - started) * 1000, 1)}))
        return response

    @app.get("/health")
    def health():
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # noqa: BLE001 - the answer says the store is down, whatever the cause
            return JSONResponse({"status": "store unavailable", "error": type(error).__name__}, status_code=503)
        return {"status": "ok"}

    @app.get("/form.css")
    def css():
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    @app.get("/f/{token}")
    def show(token: str):
        page = evaluation.page(token)
        if page is None:
            return _unavailable()
        return _page("form.html", 200, page=page, form=page.form, language=page.language, answers={}, errors={})

    @app.post("/f/{token}")
    async def answer(token: str, request: Request):
        body = await request.body()
        page = evaluation.page(token)
        if page is None:
            return _unavailable()
        if len(body) > MAX_BODY:
            return _page("form.html", 413, page=page, form=page.form, language=page.language, answers={},
                         errors={"_form": "The form sent is too large."})
        try:
            submitted = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200, strict_parsing=False)
        except (UnicodeDecodeError, ValueError):
            submitted = {"_unreadable": [""]}
        done = evaluation.submit(token, submitted)
        if done.outcome == "stored":
            return _page("message.html", 200, language=page.language, kind="thanks")
        if done.outcome == "unavailable":
            return _unavailable()
        typed = {key: values[-1] for key, values in submitted.items() if values}
        return _page("form.html", 422, page=page, form=page.form, language=page.language, answers=typed,
                     errors=done.errors)

    @app.get("/i/{token}")
    def invitation(token: str):
        shown = invitations.page(token) if invitations else None
        if shown is None:
            return _unavailable()
        return _page("invitation.html", 200, language="en", invitation=shown, typed={}, error=None)

    @app.post("/i/{token}")
    async def invitation_answer(token: str, request: Request):
        body = await request.body()
        shown = invitations.page(token) if invitations else None
        if shown is None:
            return _unavailable()
        try:
            sent = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10) \
                if len(body) <= MAX_BODY else {}
        except (UnicodeDecodeError, ValueError):
            sent = {}
        typed = {key: values[-1] for key, values in sent.items() if values and key in ("answer", "comment")}
        if any(len(values) > 1 for values in sent.values()) or set(sent) - {"answer", "comment"}:
            outcome = "invalid: the form was sent with fields it does not have, or twice"
        else:
            outcome = invitations.answer(token, typed.get("answer", ""), typed.get("comment", ""))
        if outcome in ("accepted", "declined"):
            return _page("message.html", 200, language="en", kind=outcome)
        if outcome == "unavailable":
            return _unavailable()
        return _page("invitation.html", 422, language="en", invitation=shown, typed=typed,
                     error=outcome.removeprefix("invalid: "))

    return app


def _route(request: Request) -> str:
    """The path as logged: a link's token is never written anywhere."""
    path = request.url.path
    return "/f/{token}" if path.startswith("/f/") else "/i/{token}" if path.startswith("/i/") else path[:100]
