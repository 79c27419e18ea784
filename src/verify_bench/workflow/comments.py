"""The comment thread of an item: plain comments and the comments given with status changes."""

from __future__ import annotations

from dataclasses import dataclass

from ..case import Case
from .errors import WorkflowError
from .vocabulary import COMMENT_ADDED

MAX_COMMENT = 20_000


@dataclass(frozen=True)
class Comment:
    event_seq: int
    actor: str
    at: str
    text: str
    context: str   # 'comment', or the state the item moved to with this comment


def add_comment(case: Case, item_ref: str, text: str) -> Comment:
    """Add a comment to an item (allowed on sealed items too: a comment changes no finding)."""
    text = text.strip()
    if not text:
        raise WorkflowError("a comment needs some text")
    if len(text) > MAX_COMMENT:
        raise WorkflowError(f"a comment holds at most {MAX_COMMENT:,} characters")
    item_id = case.find_item(item_ref)["id"]
    with case.write():
        event = case.append(COMMENT_ADDED, {"text": text}, item_id=item_id)
    return Comment(event.seq, event.actor, event.at, text, "comment")


def item_comments(case: Case, item_ref: str) -> list[Comment]:
    item_id = case.find_item(item_ref)["id"]
    return [Comment(*r) for r in case.conn.execute(
        "SELECT event_seq, actor, at, text, context FROM comments WHERE item_id = ? ORDER BY event_seq", (item_id,))]
