"""``profile`` (create, list, show, set-role, passphrase) and ``people`` (list, role)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import TypeVar

import click

from ..errors import VerifyBenchError
from ..profiles import (
    ROLES,
    config_dir,
    create_profile,
    list_profiles,
    load_profile,
    set_passphrase,
    set_role,
)
from ..workflow import list_people, set_person_role
from ._common import actor_option, case_argument, json_option, opened, print_json

T = TypeVar("T")


@click.group()
def profile() -> None:
    """Local profiles: who you are, your role, and the key that signs your events."""


@profile.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="investigator", show_default=True)
@click.option("--passphrase", is_flag=True, help="Protect the private key with a passphrase (asked twice).")
@json_option
def create(name: str, role: str, passphrase: bool, as_json: bool) -> None:
    """Create a profile called NAME with a new Ed25519 key pair."""
    secret = click.prompt("Passphrase", hide_input=True, confirmation_prompt=True) if passphrase else None
    made = _core(lambda: create_profile(name, role=role, passphrase=secret))  # type: ignore[arg-type]
    if as_json:
        print_json(asdict(made))
    else:
        click.echo(f"profile '{made.name}' ({made.role}), key {made.key_id}, in {config_dir()}")


@profile.command("list")
@json_option
def list_cmd(as_json: bool) -> None:
    """List the profiles on this computer."""
    found = _core(list_profiles)
    if as_json:
        print_json([asdict(p) for p in found])
        return
    for p in found:
        click.echo(f"{p.name:<24} {p.role:<13} key {p.key_id}{'  (passphrase)' if p.protected else ''}")


@profile.command("show")
@click.argument("name")
@json_option
def show(name: str, as_json: bool) -> None:
    """Show a profile and its public key."""
    p = _core(lambda: load_profile(name))
    if as_json:
        print_json(asdict(p))
    else:
        click.echo(f"{p.name}\n  role: {p.role}\n  key id: {p.key_id}\n  public key: {p.public_key}\n"
                   f"  created: {p.created_at}\n  passphrase: {'yes' if p.protected else 'no'}")


@profile.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
def set_role_cmd(name: str, role: str) -> None:
    """Change the role NAME declares when joining cases (cases already joined keep theirs)."""
    p = _core(lambda: set_role(name, role))  # type: ignore[arg-type]
    click.echo(f"profile '{p.name}' now declares {p.role}")


@profile.command("passphrase")
@click.argument("name")
@click.option("--remove", is_flag=True, help="Store the key without a passphrase.")
def passphrase_cmd(name: str, remove: bool) -> None:
    """Set, change or (--remove) drop the passphrase of NAME's private key."""
    p = _core(lambda: load_profile(name))
    old = click.prompt("Current passphrase", hide_input=True) if p.protected else None
    new = None if remove else click.prompt("New passphrase", hide_input=True, confirmation_prompt=True)
    _core(lambda: set_passphrase(name, old, new))
    click.echo("passphrase removed" if remove else "passphrase set")


@click.group()
def people() -> None:
    """The people of a case, their roles and keys."""


@people.command("list")
@case_argument
@json_option
def people_list(case_path: str, as_json: bool) -> None:
    """Everyone who recorded something in CASE."""
    with opened(case_path) as case:
        found = list_people(case)
    if as_json:
        print_json([asdict(p) for p in found])
        return
    for p in found:
        keys = ", ".join(k.key_id[:12] for k in p.keys)
        click.echo(f"{p.name:<24} {p.role:<13} (set by {p.role_set_by})  keys: {keys}")


@people.command("role")
@case_argument
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@actor_option
def people_role(case_path: str, name: str, role: str, actor: str | None) -> None:
    """A lead grants NAME the ROLE in CASE."""
    with opened(case_path, actor) as case:
        p = set_person_role(case, name, role)  # type: ignore[arg-type]
    click.echo(f"{p.name} is now {'a lead' if p.role == 'lead' else 'an investigator'} in this case")


def _core(call: Callable[[], T]) -> T:
    """Run a profile operation; its errors become clean messages and exit status 1."""
    try:
        return call()
    except VerifyBenchError as exc:
        raise click.ClickException(str(exc)) from exc
