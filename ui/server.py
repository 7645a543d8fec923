"""Serve the page: Gradio mounted on a small FastAPI app that also hands out the original files.

`/source/{doc_id}` serves an indexed document's own file (only files the archive records),
behind the page's login when one is set and only when the logged-in user's role may read all of
it (otherwise 404, as for a file that is not there): a PDF inline, so `#page=N` opens it at the
cited page; anything else as a download, never as a live page.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import gradio as gr
import uvicorn
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse

from assistant import Assistant, AssistantError, PageUsers, media_type, source_file_as

from .app import CSS, build_app

_START_TIMEOUT = 60.0
# System fonts (nothing fetched from outside) and a primary colour dark enough for white text
# (WCAG AA contrast, checked by axe in tests/e2e/test_page_browser.py).
THEME = gr.themes.Default(
    primary_hue="blue", font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
).set(
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_text_color="white",
)


@dataclass
class RunningPage:
    """The page serving in a background thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def wait(self) -> None:
        """Serve until interrupted (Ctrl-C) or stopped."""
        try:
            while self.thread.is_alive():
                self.thread.join(0.5)
        except KeyboardInterrupt:
            self.close()

    def close(self) -> None:
        """Stop serving and wait for the server to finish."""
        self.server.should_exit = True
        self.thread.join(15)


def create_server(assistant: Assistant) -> FastAPI:
    """The FastAPI app: the Gradio page at /, the original files at /source/{doc_id}."""
    page = assistant.settings.page
    users = PageUsers(assistant.settings)  # a broken users file stops here, with its message
    demo = build_app(assistant, users)
    demo.queue(default_concurrency_limit=page.concurrency, max_size=page.max_queue)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    mounted: dict[str, Any] = {}

    @app.get("/source/{doc_id}")
    def source(doc_id: str, request: Request, download: bool = False) -> FileResponse:
        name = _logged_in(mounted.get("gradio"), request)
        if users.guarded and name is None:
            raise HTTPException(status_code=401, detail="Log in to the page first.")
        try:
            path = source_file_as(assistant, users.user(name), doc_id) if doc_id.isalnum() else None
        except AssistantError as exc:  # the audit log cannot be written: nothing is handed out
            raise HTTPException(status_code=503, detail=str(exc)) from exc
        if path is None:
            raise HTTPException(
                status_code=404, detail="No such document in the archive (or its file is gone)."
            )
        kind = media_type(path)
        inline = kind == "application/pdf" and not download
        return FileResponse(
            path,
            media_type=kind,
            filename=path.name,
            content_disposition_type="inline" if inline else "attachment",
            headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox"},
        )

    gr.mount_gradio_app(
        app,
        demo,
        path="",
        auth=users.authenticate if users.guarded else None,
        auth_message="Log in to ask about the council's records.",
        ssr_mode=False,
        footer_links=["api"],
        max_file_size=assistant.settings.ingest.max_file_bytes,
        css=CSS,
        theme=THEME,
    )
    for route in app.routes:
        if getattr(route, "path", None) in ("", "/") and hasattr(route, "app"):
            mounted["gradio"] = route.app
    return app


def _logged_in(gradio_app: Any, request: Request) -> str | None:
    """The name of the user whose page session cookie the request carries (None: not logged in)."""
    if gradio_app is None:
        return None
    cookie_id = getattr(gradio_app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    name = getattr(gradio_app, "tokens", {}).get(token) if token is not None else None
    return name if isinstance(name, str) else None


def start_page(assistant: Assistant, host: str | None = None, port: int | None = None) -> RunningPage:
    """Serve the page in a background thread; returns once it accepts connections (port 0: any)."""
    page = assistant.settings.page
    host = host or page.host
    config = uvicorn.Config(
        create_server(assistant),
        host=host,
        port=page.port if port is None else port,
        log_level="warning",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run()
        except BaseException as exc:  # noqa: BLE001 -- reported to the caller below
            errors.append(exc)

    thread = threading.Thread(target=run, name="councilqa-page", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise OSError(str(errors[0]) if errors else f"the page did not start on {host}:{config.port}")
        time.sleep(0.05)
    bound = server.servers[0].sockets[0].getsockname()[1]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return RunningPage(url=f"http://{shown}:{bound}/", server=server, thread=thread)
