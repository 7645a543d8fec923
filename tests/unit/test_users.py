"""The page's users: password hashes, the users file and its errors, roles and what they may do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from assistant import (
    PageUsers,
    Settings,
    UsersFileError,
    add_user,
    hash_password,
    read_users,
    verify_password,
)
from assistant.cli import cli
from assistant.users import role_access

if TYPE_CHECKING:
    from conftest import FakeEmbedder


def _settings(tmp_path: Path, **page: object) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    return settings.model_copy(update={"page": settings.page.model_copy(update=page)})


def test_a_hash_verifies_its_password_only_and_is_salted() -> None:
    stored = hash_password("correct horse")
    assert stored.startswith("scrypt$16384$8$1$") and "correct horse" not in stored
    assert verify_password("correct horse", stored)
    for wrong in ("correct horse ", "Correct horse", "", "correct hors"):
        assert not verify_password(wrong, stored), wrong
    assert hash_password("correct horse") != stored  # a new salt each time
    salt = b"0123456789abcdef"
    assert hash_password("x" * 8, salt) == hash_password("x" * 8, salt)


@pytest.mark.parametrize(
    "stored",
    ["", "plain text", "scrypt$16384$8$1$AAAA", "pbkdf2$1$2$3$AAAA$AAAA", "scrypt$3$8$1$AAAA$AAAA"],
)
def test_a_malformed_hash_never_verifies(stored: str) -> None:
    assert not verify_password("", stored) and not verify_password("plain text", stored)


def test_roles_map_to_access() -> None:
    assert role_access("public") == "public"
    assert role_access("member") == role_access("officer") == "restricted"


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_add_user_writes_a_file_read_users_reads_back(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"users{suffix}"
    assert add_user(path, "jsmith", "member", "long enough")
    assert add_user(path, "clerk", "officer", "another one")
    assert not add_user(path, "jsmith", "public", "a new password")  # updated, not added twice
    users = read_users(path)
    assert [(u.name, u.role) for u in users.values()] == [("jsmith", "public"), ("clerk", "officer")]
    assert verify_password("a new password", users["jsmith"].password)
    assert "long enough" not in path.read_text() and "a new password" not in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600
    if suffix == ".json":
        assert json.loads(path.read_text())["users"][1]["name"] == "clerk"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[users]\nname = 1", "is not valid TOML"),
        ('users = "everyone"', "expected a list of users under 'users'"),
        ('[[users]]\nname = "a b"\nrole = "member"\npassword = "HASH"', "name 'a b' must be"),
        ('[[users]]\nname = "ann"\nrole = "admin"\npassword = "HASH"', "role 'admin' must be one of"),
        ('[[users]]\nname = "ann"\nrole = "member"\npassword = "hunter22"', "password is not a scrypt hash"),
        ('[[users]]\nname = "ann"\nrole = "member"', "password is not a scrypt hash"),
        (
            '[[users]]\nname = "ann"\nrole = "member"\npassword = "HASH"\nadmin = true',
            "unknown field(s) admin",
        ),
        (
            '[[users]]\nname = "ann"\nrole = "member"\npassword = "HASH"\n'
            '[[users]]\nname = "ann"\nrole = "officer"\npassword = "HASH"',
            "user 2 ('ann') is listed twice",
        ),
        ("users = [1]", "user 1 is not a table"),
    ],
)
def test_a_malformed_users_file_is_a_clear_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "users.toml"
    path.write_text(text.replace("HASH", hash_password("whatever1")), encoding="utf-8")
    with pytest.raises(UsersFileError) as raised:
        read_users(path)
    assert message in str(raised.value) and str(path) in str(raised.value)
    assert "$" not in str(raised.value)  # never a hash in a message


def test_a_missing_or_bad_json_users_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(UsersFileError, match="councilqa users add NAME --role member"):
        read_users(tmp_path / "none.toml")
    broken = tmp_path / "users.json"
    broken.write_text('{"users": [\n{"name": "ann",}\n]}', encoding="utf-8")
    with pytest.raises(UsersFileError, match=r"is not valid JSON \(line 2\)"):
        read_users(broken)


def test_add_user_refuses_bad_names_roles_and_short_passwords(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    with pytest.raises(UsersFileError, match="at least 8 characters"):
        add_user(path, "ann", "member", "short")
    with pytest.raises(UsersFileError, match="must be 1-64 letters"):
        add_user(path, 'ann"\n[[users]]', "member", "long enough")
    with pytest.raises(UsersFileError, match="must be one of"):
        add_user(path, "ann", "admin", "long enough")  # type: ignore[arg-type]
    assert not path.exists()


def test_page_users_log_in_by_hash_and_take_their_role(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    add_user(path, "resident", "public", "public pass")
    add_user(path, "cllr", "member", "member pass")
    add_user(path, "clerk", "officer", "officer pass")
    users = PageUsers(_settings(tmp_path, users_file=path, uploads=True))
    assert users.guarded and users.by_role
    assert users.authenticate("cllr", "member pass")
    assert not users.authenticate("cllr", "officer pass") and not users.authenticate("nobody", "member pass")
    seen = {
        n: (users.user(n).role, users.user(n).access, users.user(n).may_upload)
        for n in ("resident", "cllr", "clerk")
    }
    assert seen == {
        "resident": ("public", "public", False),
        "cllr": ("member", "restricted", False),
        "clerk": ("officer", "restricted", True),
    }
    assert users.user(None).access == "public" and users.user("gone").access == "public"
    # the file is read again when it changes: a user removed while serving is public at once
    path.write_text(path.read_text().split('[[users]]\nname = "cllr"')[0], encoding="utf-8")
    assert users.user("cllr").access == "public" and not users.authenticate("cllr", "member pass")
    no_uploads = PageUsers(_settings(tmp_path, users_file=path))
    assert not no_uploads.user("clerk").may_upload  # the switch still has to be on


def test_without_a_users_file_the_settings_decide(tmp_path: Path) -> None:
    anonymous = PageUsers(_settings(tmp_path))
    assert not anonymous.guarded and anonymous.user(None).role == "public"
    intranet = PageUsers(_settings(tmp_path, access="restricted", uploads=True))
    assert intranet.user(None).access == "restricted" and intranet.user(None).may_upload
    one = PageUsers(_settings(tmp_path, username="clerk", password=SecretStr("s3cret"), role="officer"))
    assert one.guarded and not one.by_role and one.authenticate("clerk", "s3cret")
    assert not one.authenticate("clerk", "S3cret") and one.user("clerk").access == "restricted"


def test_a_broken_users_file_stops_the_page_from_starting(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[[users]]\nname = "ann"\nrole = "mayor"\n', encoding="utf-8")
    with pytest.raises(UsersFileError, match="role 'mayor'"):
        PageUsers(_settings(tmp_path, users_file=path))


def test_the_users_commands(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    runner = CliRunner()
    added = runner.invoke(
        cli, ["users", "add", "cllr", "--role", "member", "--file", str(path)], input="pass word\npass word\n"
    )
    assert added.exit_code == 0, added.output
    assert "Added cllr (member)" in added.output and "pass word" not in path.read_text()
    typo = runner.invoke(
        cli,
        ["users", "add", "x", "--role", "member", "--file", str(path)],
        input="one pass\ntwo pass\none pass\none pass\n",
    )
    assert "do not match" in typo.output and typo.exit_code == 0
    piped = runner.invoke(
        cli,
        ["users", "add", "clerk", "--role", "officer", "--file", str(path), "--password-stdin"],
        input="officer pw\n",
    )
    assert piped.exit_code == 0 and verify_password("officer pw", read_users(path)["clerk"].password)
    listed = runner.invoke(cli, ["users", "list", "--file", str(path)])
    assert listed.output.split() == ["cllr", "member", "x", "member", "clerk", "officer"]
    short = runner.invoke(
        cli,
        ["users", "add", "y", "--role", "member", "--file", str(path), "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    bad_role = runner.invoke(cli, ["users", "add", "y", "--role", "mayor", "--file", str(path)])
    assert bad_role.exit_code == 2
    nowhere = runner.invoke(cli, ["users", "list"])
    assert nowhere.exit_code == 1 and "COUNCILQA_PAGE__USERS_FILE" in nowhere.output


def test_serve_stops_with_the_users_files_message(
    tiny_index: tuple[Settings, FakeEmbedder],
    fake_model: FakeEmbedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "users.json"
    path.write_text(
        '{"users": [{"name": "ann", "role": "member", "password": "hunter22"}]}', encoding="utf-8"
    )
    monkeypatch.setenv("COUNCILQA_PAGE__USERS_FILE", str(path))
    data = ["--data-dir", str(tiny_index[0].data_dir)]
    got = CliRunner().invoke(cli, [*data, "serve", "--port", "1"])
    assert got.exit_code == 1 and "user 1 (ann): password is not a scrypt hash" in got.output
    assert "Traceback" not in got.output
