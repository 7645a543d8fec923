"""Who may use the page, and as what: roles, salted password hashes and the users file.

A role decides what a user may read and do (issue 14): `public` sees public records only;
`member` and `officer` see restricted (exempt / Part II) items too, marked so; only an `officer`
may add records. The page takes a visitor's role from the name it logged in with, on each
request, never from anything the browser sends.

The users file (COUNCILQA_PAGE__USERS_FILE), TOML or JSON by its suffix, written by
`councilqa users add NAME --role ROLE`:

    [[users]]
    name = "jsmith"
    role = "member"
    password = "scrypt$16384$8$1$<salt, base64>$<hash, base64>"

Passwords are never stored: each is hashed with the standard library's scrypt and a random
16-byte salt, and checked in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from .errors import UsersFileError
from .settings import Settings
from .types import AccessLevel

Role = Literal["public", "member", "officer"]
ROLES: tuple[Role, ...] = ("public", "member", "officer")
# scrypt cost: about 16 MiB and a few tens of milliseconds per check (RFC 7914's interactive figure)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_HASH = re.compile(r"^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$")
MIN_PASSWORD = 8


def role_access(role: Role) -> AccessLevel:
    """What a role may read: members and officers see restricted records, the public does not."""
    return "restricted" if role in ("member", "officer") else "public"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """A salted scrypt hash of `password`, as stored in the users file."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)])


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches a hash made by `hash_password` (False for a malformed hash)."""
    found = _HASH.match(stored)
    if not found:
        return False
    n, r, p = (int(found.group(i)) for i in (1, 2, 3))
    if not _sane_cost(n, r, p):
        return False
    salt, digest = base64.b64decode(found.group(4)), base64.b64decode(found.group(5))
    return hmac.compare_digest(_scrypt(password, salt, n, r, p, len(digest)), digest)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, size: int = 32) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * r * n * p + 2**20, dklen=size
    )


def _sane_cost(n: int, r: int, p: int) -> bool:
    return 2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class User:
    """One entry of the users file."""

    name: str
    role: Role
    password: str  # the scrypt hash, never the password


def read_users(path: Path) -> dict[str, User]:
    """The users file as name -> User; a file that is missing or malformed is a UsersFileError
    naming the file, the entry and the fix."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UsersFileError(
            f"No users file at {path}. Create it with: councilqa users add NAME --role member"
        ) from None
    except OSError as exc:
        raise UsersFileError(f"Cannot read the users file {path}: {exc.strerror or exc}.") from exc
    data = _parse(path, raw)
    entries = data.get("users", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UsersFileError(f"{path}: expected a list of users under 'users' ([[users]] in TOML).")
    users: dict[str, User] = {}
    for n, entry in enumerate(entries, 1):
        user = _user(path, n, entry)
        if user.name in users:
            raise UsersFileError(f"{path}: user {n} ({user.name!r}) is listed twice; keep one entry.")
        users[user.name] = user
    return users


def _parse(path: Path, raw: bytes) -> Any:
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        return {"users": []}
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise UsersFileError(f"{path} is not valid JSON (line {exc.lineno}): {exc.msg}.") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsersFileError(f"{path} is not valid TOML: {exc}.") from exc


def _user(path: Path, n: int, entry: Any) -> User:
    where = f"{path}: user {n}"
    if not isinstance(entry, dict):
        raise UsersFileError(f"{where} is not a table of name, role and password.")
    unknown = sorted(set(entry) - {"name", "role", "password"})
    if unknown:
        raise UsersFileError(f"{where} has unknown field(s) {', '.join(unknown)}; only name, role, password.")
    name, role, password = entry.get("name"), entry.get("role"), entry.get("password")
    if not isinstance(name, str) or not _NAME.match(name):
        raise UsersFileError(f"{where}: name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-'.")
    if role not in ROLES:
        raise UsersFileError(f"{where} ({name}): role {role!r} must be one of {', '.join(ROLES)}.")
    found = _HASH.match(password) if isinstance(password, str) else None
    if not found or not _sane_cost(*(int(found.group(i)) for i in (1, 2, 3))):
        raise UsersFileError(
            f"{where} ({name}): password is not a scrypt hash; set it with: "
            f"councilqa users add {name} --role {role}"
        )
    return User(name=name, role=cast(Role, role), password=str(password))


def add_user(path: Path, name: str, role: Role, password: str) -> bool:
    """Add a user to the users file, or give an existing one a new role and password; the file is
    replaced at once (never half-written) and readable by its owner only. True when newly added."""
    if not _NAME.match(name):
        raise UsersFileError(f"User name {name!r} must be 1-64 letters, digits, '.', '_', '@' or '-'.")
    if role not in ROLES:
        raise UsersFileError(f"Role {role!r} must be one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD:
        raise UsersFileError(f"The password must be at least {MIN_PASSWORD} characters.")
    users = read_users(path) if path.exists() else {}
    new = name not in users
    users[name] = User(name=name, role=role, password=hash_password(password))
    _write(path, list(users.values()))
    return new


def _write(path: Path, users: list[User]) -> None:
    if path.suffix.lower() == ".json":
        rows = [{"name": u.name, "role": u.role, "password": u.password} for u in users]
        text = json.dumps({"users": rows}, indent=2) + "\n"
    else:  # names and hashes are plain ASCII (checked above): JSON quoting is TOML quoting
        text = "".join(
            f"[[users]]\nname = {json.dumps(u.name)}\nrole = {json.dumps(u.role)}\n"
            f"password = {json.dumps(u.password)}\n\n"
            for u in users
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


@dataclass(frozen=True)
class PageUser:
    """A visitor of the page, as the server knows them: the name they logged in with (None when
    the page has no login), their role, and whether they may add records."""

    name: str | None
    role: Role
    may_upload: bool = False

    @property
    def access(self) -> AccessLevel:
        """What this visitor may read."""
        return role_access(self.role)


class PageUsers:
    """Who may log in to the page and with which role: the users file (re-read when it changes) and
    the USERNAME/PASSWORD login of the settings."""

    def __init__(self, settings: Settings) -> None:
        page = settings.page
        self._file = page.users_file
        self._login = page.login
        self._uploads = page.uploads
        self._default: Role = page.role or ("member" if page.access == "restricted" else "public")
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, User] = {}
        self._dummy = hash_password(secrets.token_urlsafe(12))
        if self._file is not None:
            self._reload()  # a broken file stops the page from starting, with its message

    @property
    def guarded(self) -> bool:
        """Whether visitors must log in."""
        return self._file is not None or self._login is not None

    @property
    def by_role(self) -> bool:
        """Whether roles come from a users file (uploads then need the officer role)."""
        return self._file is not None

    def authenticate(self, name: str, password: str) -> bool:
        """Whether `name` may log in with `password` (the check costs the same for an unknown name)."""
        if self._login is not None and hmac.compare_digest(name.encode(), self._login[0].encode()):
            return hmac.compare_digest(password.encode(), self._login[1].encode())
        user = self._current().get(name)
        ok = verify_password(password, user.password if user else self._dummy)
        return ok and user is not None

    def user(self, name: str | None) -> PageUser:
        """The visitor logged in as `name` (None: not logged in). With a users file, a name it no
        longer lists is public; without a login every visitor has the settings' role."""
        if self._file is None:
            return PageUser(name, self._default, may_upload=self._uploads)
        found = self._current().get(name) if name is not None else None
        if found is None and self._login is not None and name == self._login[0]:
            return PageUser(name, self._default, may_upload=self._uploads and self._default == "officer")
        role: Role = found.role if found else "public"
        return PageUser(name, role, may_upload=self._uploads and role == "officer")

    def _current(self) -> dict[str, User]:
        if self._file is not None:
            try:
                self._reload()
            except UsersFileError:
                pass  # a file broken while serving: keep the users last read, until it is fixed
        return self._users

    def _reload(self) -> None:
        assert self._file is not None
        try:
            stat = self._file.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._lock:
            if stamp is not None and stamp == self._stamp:
                return
            self._users = read_users(self._file)
            self._stamp = stamp
