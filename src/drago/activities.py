"""One activity vocabulary for files and hand entries, and how each format's sport maps onto it.

The table below is the documented mapping (also in docs/activities.md): a FIT sub-sport is
looked up first, then the FIT sport; TCX `Sport` and GPX `<type>` words go through the same
lookup after lower-casing, and Strava's numeric GPX types through `STRAVA_TYPES`.
Anything unknown is `other`, never an error: the file's own words are kept on the session.
"""

from __future__ import annotations

from typing import Final

ACTIVITIES: Final = (
    "run",
    "ride",
    "swim",
    "walk",
    "hike",
    "row",
    "ski",
    "strength",
    "conditioning",
    "bag",
    "pads",
    "sparring",
    "fight",
    "other",
)

#: FIT sub-sports (and a few words that only appear as sub-sports) that decide the activity.
SUB_SPORT_ACTIVITY: Final[dict[str, str]] = {
    "treadmill": "run",
    "indoor_running": "run",
    "trail": "run",
    "track": "run",
    "street": "run",
    "indoor_cycling": "ride",
    "spin": "ride",
    "virtual_activity": "ride",
    "indoor_rowing": "row",
    "lap_swimming": "swim",
    "open_water": "swim",
    "indoor_walking": "walk",
    "casual_walking": "walk",
    "speed_walking": "walk",
    "strength_training": "strength",
    "cardio_training": "conditioning",
    "hiit": "conditioning",
    "elliptical": "conditioning",
    "stair_climbing": "conditioning",
    "flexibility_training": "conditioning",
    "yoga": "conditioning",
    "pilates": "conditioning",
    "indoor_skiing": "ski",
    "skate_skiing": "ski",
}

#: FIT sports, TCX sports and GPX type words (lower case).
SPORT_ACTIVITY: Final[dict[str, str]] = {
    "running": "run",
    "run": "run",
    "cycling": "ride",
    "biking": "ride",
    "ride": "ride",
    "e_biking": "ride",
    "swimming": "swim",
    "swim": "swim",
    "walking": "walk",
    "walk": "walk",
    "hiking": "hike",
    "hike": "hike",
    "mountaineering": "hike",
    "snowshoeing": "hike",
    "rowing": "row",
    "row": "row",
    "paddling": "row",
    "kayaking": "row",
    "stand_up_paddleboarding": "row",
    "cross_country_skiing": "ski",
    "alpine_skiing": "ski",
    "backcountry_skiing": "ski",
    "ski": "ski",
    "training": "conditioning",
    "fitness_equipment": "conditioning",
    "hiit": "conditioning",
    "floor_climbing": "conditioning",
    "jump_rope": "conditioning",
    "boxing": "bag",
    "mixed_martial_arts": "sparring",
    "strength": "strength",
    "conditioning": "conditioning",
}

#: Strava writes its numeric activity type into GPX `<type>` (e.g. "9" for a run).
STRAVA_TYPES: Final[dict[str, str]] = {
    "1": "ride",
    "2": "ski",
    "4": "hike",
    "9": "run",
    "10": "walk",
    "16": "swim",
}


def activity_for(sport: str | None, sub_sport: str | None = None) -> str:
    """Map a file's sport words onto drago's vocabulary (`other` when unknown).

    >>> activity_for("fitness_equipment", "indoor_rowing")
    'row'
    >>> activity_for("Biking")
    'ride'
    >>> activity_for("9")
    'run'
    """
    for word in (sub_sport, sport):
        key = (word or "").strip().lower().replace(" ", "_")
        if not key:
            continue
        if key in SUB_SPORT_ACTIVITY:
            return SUB_SPORT_ACTIVITY[key]
        if key in SPORT_ACTIVITY:
            return SPORT_ACTIVITY[key]
        if key in STRAVA_TYPES:
            return STRAVA_TYPES[key]
        if key in ACTIVITIES:
            return key
    return "other"


def check_activity(activity: str) -> str:
    """Return `activity` lower-cased if it is in the vocabulary, else raise ValueError."""
    word = activity.strip().lower()
    if word not in ACTIVITIES:
        raise ValueError(f"unknown activity {activity!r}: use one of {', '.join(ACTIVITIES)}")
    return word
