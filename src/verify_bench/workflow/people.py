"""People in a case: their keys, and the role the case grants them.

A person joins a case the first time they record anything: their public key is recorded
(``person.registered``, signed by that key) with the role their profile declares — except that a
profile declaring ``lead`` joins as an investigator once the case has a lead; a lead then
promotes them (``person.role_set``). A further key for a known name keeps the granted role.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..profiles import Role, Signer, check_role
from .errors import NotPermitted, WorkflowError
from .vocabulary import PERSON_ROLE_SET

if TYPE_CHECKING:
    from ..case import Case


@dataclass(frozen=True)
class PersonKey:
    key_id: str
    public_key: str
    declared_role: str
    at: str
    event_seq: int


@dataclass(frozen=True)
class Person:
    name: str
    role: Role
    role_set_by: str
    keys: tuple[PersonKey, ...]


def key_known(conn: sqlite3.Connection, key_id: str) -> bool:
    return conn.execute("SELECT 1 FROM person_keys WHERE key_id = ?", (key_id,)).fetchone() is not None


def role_of(conn: sqlite3.Connection, name: str) -> str | None:
    row = conn.execute("SELECT role FROM people WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def registration(conn: sqlite3.Connection, signer: Signer) -> dict[str, Any]:
    """The ``person.registered`` payload for a signer's key, with the role this case grants."""
    declared = signer.profile.role
    granted = role_of(conn, signer.name)
    if granted is None:
        has_lead = conn.execute("SELECT 1 FROM people WHERE role = 'lead' LIMIT 1").fetchone() is not None
        granted = "investigator" if declared == "lead" and has_lead else declared
    return {**signer.registration(), "role": granted, "declared_role": declared}


def acting_role(case: Case) -> str:
    """The acting person's role in the case (as it will be granted, if they have not acted yet)."""
    return role_of(case.conn, case.actor) or registration(case.conn, case.signer)["role"]


def require_lead(case: Case, action: str) -> None:
    if acting_role(case) != "lead":
        raise NotPermitted(f"only a lead may {action}; {case.actor} is an investigator in this case")


def list_people(case: Case) -> list[Person]:
    keys: dict[str, list[PersonKey]] = {}
    for row in case.conn.execute(
            "SELECT name, key_id, public_key, declared_role, at, event_seq FROM person_keys ORDER BY event_seq"):
        keys.setdefault(row[0], []).append(PersonKey(*row[1:]))
    return [Person(name, role, by, tuple(keys.get(name, ())))
            for name, role, by in case.conn.execute(
                "SELECT name, role, role_set_by FROM people ORDER BY registered_seq")]


def set_person_role(case: Case, name: str, role: Role) -> Person:
    """A lead grants ``role`` to a person already in the case."""
    check_role(role)
    with case.write():
        require_lead(case, "change roles")
        current = role_of(case.conn, name)
        if current is None:
            raise WorkflowError(f"{name} has not joined this case yet (a person joins by recording something)")
        if current == role:
            raise WorkflowError(f"{name} is already {'a lead' if role == 'lead' else 'an investigator'}")
        if role != "lead" and case.conn.execute("SELECT count(*) FROM people WHERE role = 'lead'").fetchone()[0] <= 1:
            raise WorkflowError(f"{name} is the only lead of this case; promote someone else first")
        case.append(PERSON_ROLE_SET, {"name": name, "role": role})
    return next(p for p in list_people(case) if p.name == name)

