"""The slice of the FIT profile drago reads: message kinds, the fields wanted from each, scales.

Numbers are from Garmin's FIT SDK profile (Profile.xlsx, "Messages" sheet; the same numbers are
in garmin-fit-sdk's `Profile`). Only the messages drago turns into a `Recording` are listed:
the decoder walks every message but materialises values for these kinds alone.

Each wanted field gets one or more consecutive columns of the kind's value matrix (an array
field such as `hrv.time` gets one column per element). Values come out raw (base-type
integers, invalid values as NaN) and `SCALES` turns them into profile units afterwards,
value = raw / scale - offset (FIT protocol, "Scale/Offset").
"""

from __future__ import annotations

from typing import Final

import numpy as np

#: FIT epoch: seconds from the Unix epoch to 1989-12-31T00:00:00Z (FIT "date_time").
FIT_EPOCH_S: Final = 631065600
#: date_time values below this are seconds since device power-on, not since the FIT epoch.
MIN_DATE_TIME: Final = 0x10000000

#: Global message numbers (FIT profile `mesg_num`).
MESG_FILE_ID: Final = 0
MESG_SPORT: Final = 12
MESG_SESSION: Final = 18
MESG_LAP: Final = 19
MESG_RECORD: Final = 20
MESG_DEVICE_INFO: Final = 23
MESG_HRV: Final = 78
MESG_ACTIVITY: Final = 34

#: Message kinds: rows of the column table below (small ints, the kernel indexes with them).
RECORD, SESSION, LAP, HRV, FILE_ID, DEVICE_INFO, SPORT, ACTIVITY = range(8)
KIND_MESG: Final = (
    MESG_RECORD,
    MESG_SESSION,
    MESG_LAP,
    MESG_HRV,
    MESG_FILE_ID,
    MESG_DEVICE_INFO,
    MESG_SPORT,
    MESG_ACTIVITY,
)

#: hrv.time holds up to this many RR intervals per message (devices write 5).
HRV_SLOTS: Final = 14

#: Per kind: (field name, field number, number of columns) in column order.
FIELDS: Final[tuple[tuple[tuple[str, int, int], ...], ...]] = (
    (  # record (20)
        ("position_lat", 0, 1),
        ("position_long", 1, 1),
        ("altitude", 2, 1),
        ("heart_rate", 3, 1),
        ("cadence", 4, 1),
        ("distance", 5, 1),
        ("speed", 6, 1),
        ("power", 7, 1),
        ("compressed_speed_distance", 8, 3),
        ("temperature", 13, 1),
        ("enhanced_speed", 73, 1),
        ("enhanced_altitude", 78, 1),
    ),
    (  # session (18)
        ("start_time", 2, 1),
        ("sport", 5, 1),
        ("sub_sport", 6, 1),
        ("total_elapsed_time", 7, 1),
        ("total_timer_time", 8, 1),
        ("total_distance", 9, 1),
    ),
    (  # lap (19)
        ("start_time", 2, 1),
        ("total_elapsed_time", 7, 1),
        ("total_distance", 9, 1),
        ("avg_heart_rate", 15, 1),
        ("max_heart_rate", 16, 1),
    ),
    (("time", 0, HRV_SLOTS),),  # hrv (78)
    (  # file_id (0)
        ("type", 0, 1),
        ("manufacturer", 1, 1),
        ("product", 2, 1),
    ),
    (  # device_info (23)
        ("device_index", 0, 1),
        ("manufacturer", 2, 1),
        ("product", 4, 1),
    ),
    (  # sport (12)
        ("sport", 0, 1),
        ("sub_sport", 1, 1),
    ),
    (("local_timestamp", 5, 1),),  # activity (34)
)

#: (scale, offset) of the fields that have them; the others are 1, 0.
SCALES: Final[dict[tuple[int, str], tuple[float, float]]] = {
    (RECORD, "altitude"): (5.0, 500.0),
    (RECORD, "enhanced_altitude"): (5.0, 500.0),
    (RECORD, "distance"): (100.0, 0.0),
    (RECORD, "speed"): (1000.0, 0.0),
    (RECORD, "enhanced_speed"): (1000.0, 0.0),
    (SESSION, "total_elapsed_time"): (1000.0, 0.0),
    (SESSION, "total_timer_time"): (1000.0, 0.0),
    (SESSION, "total_distance"): (100.0, 0.0),
    (LAP, "total_elapsed_time"): (1000.0, 0.0),
    (LAP, "total_distance"): (100.0, 0.0),
}

#: String fields read from the few file_id / device_info / sport messages.
FILE_ID_PRODUCT_NAME: Final = 8
DEVICE_INFO_PRODUCT_NAME: Final = 27
#: Manufacturers whose `product` is a `garmin_product` (FIT profile, file_id.product sub-field).
GARMIN_PRODUCT_MAKERS: Final = frozenset({1, 13, 15, 89})
FAVERO_MAKER: Final = 263


def column_of(kind: int, name: str) -> int:
    """The first column of field `name` in the value matrix of `kind`."""
    col = 0
    for field_name, _num, width in FIELDS[kind]:
        if field_name == name:
            return col
        col += width
    raise KeyError(name)


def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Lookup tables for the kernel: kind of each global message, first column and width."""
    kind_of = np.full(65536, -1, dtype=np.int8)
    col_start = np.full((len(FIELDS), 256), -1, dtype=np.int16)
    col_width = np.zeros((len(FIELDS), 256), dtype=np.int16)
    widest = 0
    for kind, fields in enumerate(FIELDS):
        kind_of[KIND_MESG[kind]] = kind
        col = 0
        for _name, num, width in fields:
            col_start[kind, num] = col
            col_width[kind, num] = width
            col += width
        widest = max(widest, col)
    return kind_of, col_start, col_width, widest


KIND_OF_MESG, COL_START, COL_WIDTH, N_COLS = _tables()
#: Extra rows of the kernel's value matrix after the field columns.
ROW_TIME, ROW_RECORDS_BEFORE, ROW_MESSAGE = N_COLS, N_COLS + 1, N_COLS + 2
#: Column of each (kind, field name).
COLUMN: Final[dict[tuple[int, str], int]] = {
    (kind, name): column_of(kind, name)
    for kind, fields in enumerate(FIELDS)
    for name, _, _ in fields
}
