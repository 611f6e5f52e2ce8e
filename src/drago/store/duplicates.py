"""Same workout, two devices: link overlapping recordings so a session never counts twice.

Two recorded sessions of one athlete from different files are the same workout when they
overlap in time by more than half of the shorter one. Each group of such sessions has one
primary (the richest recording, or the one a user pinned); the others point at it through
`duplicate_of` and are excluded from load.
"""

from __future__ import annotations

from collections.abc import Iterable

from drago.store.db import Store

#: Overlap, as a share of the shorter session, above which two recordings are one workout.
OVERLAP_SHARE = 0.5

_OVERLAPS = """
    SELECT o.id FROM sessions s JOIN sessions o
      ON o.athlete_id = s.athlete_id AND o.id != s.id
     AND o.source_sha256 IS NOT NULL AND s.source_sha256 IS NOT NULL
     AND o.source_sha256 != s.source_sha256
    WHERE s.id = ?
      AND least(epoch(s.start_utc) + s.duration_s, epoch(o.start_utc) + o.duration_s)
        - greatest(epoch(s.start_utc), epoch(o.start_utc))
        > ? * least(s.duration_s, o.duration_s)
"""

#: Richer first: HR beats none, then more samples, more RR, then GPS distance, then older.
_RICHNESS = """
    SELECT id FROM sessions WHERE id IN ({ids})
    ORDER BY primary_pinned DESC, (hr_avg_bpm IS NOT NULL) DESC, n_records DESC, n_rr DESC,
             (distance_m IS NOT NULL) DESC, id
"""


def group_of(store: Store, session_id: int) -> set[int]:
    """Every session linked to `session_id` by overlap, directly or through others."""
    group, frontier = {session_id}, [session_id]
    while frontier:
        current = frontier.pop()
        for (other,) in store.run(_OVERLAPS, [current, OVERLAP_SHARE]):
            if other not in group:
                group.add(other)
                frontier.append(other)
    return group


def relink(store: Store, group: set[int]) -> int:
    """Make the richest (or pinned) session of `group` primary and the rest its duplicates."""
    ids = ", ".join(str(int(i)) for i in sorted(group))
    ordered = [row[0] for row in store.run(_RICHNESS.format(ids=ids))]
    primary = int(ordered[0])
    store.run(f"UPDATE sessions SET duplicate_of = NULL WHERE id = {primary}")
    if len(ordered) > 1:
        store.run(
            f"UPDATE sessions SET duplicate_of = ? WHERE id IN ({ids}) AND id != ?",
            [primary, primary],
        )
    return primary


def link_duplicates(store: Store, session_ids: Iterable[int]) -> None:
    """Relink the groups of `session_ids` (new, changed or neighbours of a deleted session),
    in the caller's transaction; a session left alone becomes primary of itself."""
    done: set[int] = set()
    for session_id in session_ids:
        if session_id in done:
            continue
        group = group_of(store, session_id)
        done |= group
        relink(store, group)


def pin_primary(store: Store, session_id: int) -> None:
    """Make `session_id` the primary of its group, whatever the recordings' richness."""
    group = group_of(store, session_id)
    ids = ", ".join(str(int(i)) for i in sorted(group))
    store.run(f"UPDATE sessions SET primary_pinned = (id = ?) WHERE id IN ({ids})", [session_id])
    relink(store, group)
