"""The one parser of the ids in URLs (`/sessions/{session_id}`, `/fights/{fight_id}`), used by
the access guard and by the routes alike, so that no spelling of an id reaches data past the
guard's check: an id is ASCII digits, no sign, no space, no leading zero, 1..2^31-1. Anything
else (`5.0`, `+5`, ` 5`, `05`, `1e0`, `²`, `٥`) answers exactly like an id that does not exist:
404 with a sentence that does not depend on what was sent.

References
----------
OWASP Authorization Cheat Sheet (deny by default; validate on every request, the same way
everywhere: "ensure lookup IDs are not accessible even when guessed or cannot be tampered").
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends
from fastapi import Path as PathParam

from drago.errors import NotFound

#: The largest id (DuckDB's INTEGER; the store's ids never come near).
MAX_ID = 2**31 - 1
#: What an id looks like; `[0-9]` matches ASCII digits only (`\d` would take `٥`).
ID_PATTERN = re.compile(r"[1-9][0-9]{0,9}")
#: The answers to an id that is not one; they name nothing, so they are the same for all.
NO_SUCH_SESSION = "no such session: see drago sessions for the ids"
NO_SUCH_FIGHT = "no such fight: see drago fight list for the ids"
_SCHEMA = {"type": "string", "pattern": "^[1-9][0-9]{0,9}$"}


def parse_id(text: str) -> int | None:
    """The id `text` spells, None when it is not exactly one (see the module docstring)."""
    if not isinstance(text, str) or ID_PATTERN.fullmatch(text) is None:
        return None
    value = int(text)
    return value if value <= MAX_ID else None


def session_id_param(
    session_id: Annotated[
        str, PathParam(description="The session's id.", json_schema_extra=_SCHEMA)
    ],
) -> int:
    """The `{session_id}` of a route, or NotFound."""
    parsed = parse_id(session_id)
    if parsed is None:
        raise NotFound(NO_SUCH_SESSION)
    return parsed


def fight_id_param(
    fight_id: Annotated[str, PathParam(description="The fight's id.", json_schema_extra=_SCHEMA)],
) -> int:
    """The `{fight_id}` of a route, or NotFound."""
    parsed = parse_id(fight_id)
    if parsed is None:
        raise NotFound(NO_SUCH_FIGHT)
    return parsed


SessionId = Annotated[int, Depends(session_id_param)]
FightId = Annotated[int, Depends(fight_id_param)]
