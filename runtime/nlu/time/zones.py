"""Time-zone abbreviations people write after a time ("3pm PST", "9:30 ist")."""

from __future__ import annotations

from datetime import timedelta, timezone

__all__ = ["ZONES"]

_OFFSETS = {
    "utc": 0,
    "gmt": 0,
    "z": 0,
    "wet": 0,
    "bst": 60,
    "cet": 60,
    "cest": 120,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "ist": 330,
    "pkt": 300,
    "ict": 420,
    "hkt": 480,
    "sgt": 480,
    "cst": -360,
    "cdt": -300,
    "est": -300,
    "edt": -240,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
    "akst": -540,
    "akdt": -480,
    "hst": -600,
    "jst": 540,
    "kst": 540,
    "aest": 600,
    "aedt": 660,
    "acst": 570,
    "awst": 480,
    "nzst": 720,
    "nzdt": 780,
    "brt": -180,
    "art": -180,
}

ZONES = {name: timezone(timedelta(minutes=minutes), name.upper()) for name, minutes in _OFFSETS.items()}
