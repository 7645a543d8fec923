"""The page's users: `councilqa users add NAME --role ROLE` and `councilqa users list`. Each parses
its input, calls one public function and shows the result (registered on the group in cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import cast

import click

from . import ROLES, AssistantError, Role, Settings, add_user, read_users

FILE_OPTION = click.option(
    "--file",
    "users_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The users file, .toml or .json (default: COUNCILQA_PAGE__USERS_FILE).",
)


def _users_file(ctx: click.Context, given: Path | None) -> Path:
    settings: Settings = ctx.obj
    path = given or settings.page.users_file
    if path is None:
        raise click.ClickException("Say which users file: --file PATH, or set COUNCILQA_PAGE__USERS_FILE.")
    return path


@click.group()
def users() -> None:
    """Logins for the page, each with a role: public, member (reads restricted / Part II items)
    or officer (also adds records)."""


@users.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may read and do.")
@FILE_OPTION
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of asking for it.",
)
@click.pass_context
def add(ctx: click.Context, name: str, role: str, users_file: Path | None, password_stdin: bool) -> None:
    """Add a user, or give one a new role and password; only a salted scrypt hash is stored."""
    path = _users_file(ctx, users_file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {name}", hide_input=True, confirmation_prompt=True)
    try:
        new = add_user(path, name, cast(Role, role), password)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{'Added' if new else 'Updated'} {name} ({role}) in {path}.")


@users.command(name="list")
@FILE_OPTION
@click.pass_context
def list_users(ctx: click.Context, users_file: Path | None) -> None:
    """Each user's name and role (never a password or its hash)."""
    path = _users_file(ctx, users_file)
    try:
        found = read_users(path)
    except AssistantError as exc:
        raise click.ClickException(str(exc)) from exc
    for user in found.values():
        click.echo(f"{user.name}\t{user.role}")
    if not found:
        click.echo(f"No users in {path}.", err=True)
