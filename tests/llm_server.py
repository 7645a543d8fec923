"""A real OpenAI-compatible chat-completions server on 127.0.0.1, replying from a per-test script.

Tests import it as `llm_server` (tests/ is on sys.path because tests/conftest.py lives there).
Each queued step is a `Reply` (content, or a function of the request body giving content),
a `Sleep` (hold the connection longer than the client's timeout), a `Status` (an HTTP error)
or `Garbage` (a 200 whose body is not a chat completion).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Body = dict[str, Any]

_RECORD = re.compile(r'<record n="(\d+)"[^>]*>\n(.*?)\n</record>', re.S)


@dataclass
class Reply:
    content: str | Callable[[Body], str]


@dataclass
class Sleep:
    seconds: float
    content: str = "too late [1]."


@dataclass
class Status:
    code: int
    message: str = "internal error"


@dataclass
class Garbage:
    body: bytes = b"<html>not json</html>"


Step = Reply | Sleep | Status | Garbage


@dataclass
class ChatServer:
    """What the fake endpoint was asked, and what it will answer next."""

    script: list[Step] = field(default_factory=list)
    requests: list[Body] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def enqueue(self, *steps: Step) -> None:
        self.script.extend(steps)

    def user_prompt(self, index: int = -1) -> str:
        """The user message text of a recorded request."""
        messages = self.requests[index]["messages"]
        return str(next(m["content"] for m in messages if m["role"] == "user"))

    def system_prompt(self, index: int = -1) -> str:
        messages = self.requests[index]["messages"]
        return str(next(m["content"] for m in messages if m["role"] == "system"))


def records(body: Body) -> dict[int, str]:
    """The fenced, numbered records in a request's user message."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return {int(n): text for n, text in _RECORD.findall(str(user))}


def quoting(*targets: str, extra: str = "") -> Callable[[Body], str]:
    """A model that copies, for each target, the sentence of the record holding it, cited by number.

    Reads the numbering from the request it is sent, so the citation is right whatever was retrieved.
    """

    def reply(body: Body) -> str:
        out = []
        for target in targets:
            n, text = next((n, t) for n, t in records(body).items() if target in t)
            sentence = next(s for s in re.split(r"(?<=[.!?])\s+", text) if target in s)
            out.append(f"{' '.join(sentence.split()).rstrip('.')} [{n}].")
        return " ".join(out) + (f" {extra.format(**records_by_target(body, targets))}" if extra else "")

    return reply


def records_by_target(body: Body, targets: tuple[str, ...]) -> dict[str, int]:
    """{"n0": number of the record holding targets[0], ...} for formatting scripted extras."""
    found = records(body)
    return {f"n{i}": next(n for n, t in found.items() if target in t) for i, target in enumerate(targets)}


def completion(content: str, model: str) -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1700000000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
    ).encode("utf-8")


def _handler(state: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
            return

        def _send(self, code: int, payload: bytes, ctype: str = "application/json") -> None:
            try:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (a timeout test): nothing to answer

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body: Body = json.loads(self.rfile.read(length) or b"{}")
            state.paths.append(self.path)
            state.headers.append({k.lower(): v for k, v in self.headers.items()})
            state.requests.append(body)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "no such endpoint"}}')
                return
            if body.get("stream"):
                self._send(400, b'{"error": {"message": "streaming is not scripted"}}')
                return
            if not state.script:
                self._send(500, b'{"error": {"message": "nothing scripted"}}')
                return
            step = state.script.pop(0)
            model = str(body.get("model", "test"))
            if isinstance(step, Reply):
                content = step.content(body) if callable(step.content) else step.content
                self._send(200, completion(content, model))
            elif isinstance(step, Sleep):
                state.stopping.wait(step.seconds)
                self._send(200, completion(step.content, model))
            elif isinstance(step, Status):
                message = json.dumps({"error": {"message": step.message, "type": "server_error"}})
                self._send(step.code, message.encode("utf-8"))
            else:
                self._send(200, step.body, ctype="text/html")

    return Handler


@contextmanager
def chat_server(*steps: Step) -> Iterator[ChatServer]:
    """Serve chat completions on a free loopback port until the block ends."""
    state = ChatServer(script=list(steps))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-llm", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
