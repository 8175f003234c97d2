"""The few expressions that SQLite and PostgreSQL spell differently, behind one name each.

Times are stored in UTC (``UTCDateTime``); the office counts local days and hours in
Asia/Ho_Chi_Minh, which has had no daylight saving time since 1975, so SQLite shifts by the
zone's fixed offset and PostgreSQL converts by the zone's name. Percentiles use window
functions (SQLite ≥ 3.25, PostgreSQL): the value at the nearest rank ``ceil(p·n/100)``, as
``tthc.domain.metrics.percentile`` computes it in Python.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from sqlalchemy import Integer, case, cast, extract, func, literal_column, select
from sqlalchemy.sql import ColumnElement

from ..extensions import db
from ..timeutil import TZ


def dialect() -> str:
    return db.session.get_bind().dialect.name


def _offset_hours() -> int:
    offset = dt.datetime(2026, 1, 1, tzinfo=TZ).utcoffset() or dt.timedelta(0)
    return int(offset.total_seconds() // 3600)


def local_hour(column: Any) -> ColumnElement:
    """The hour of day (0–23) of a stored UTC time, on the office's clock."""
    if dialect() == "postgresql":
        return cast(extract("hour", func.timezone(str(TZ), column)), Integer)
    return cast(func.strftime("%H", column, f"{_offset_hours():+d} hours"), Integer)


def seconds_between(later: Any, earlier: Any) -> ColumnElement:
    """*later* − *earlier* in seconds (a float)."""
    if dialect() == "postgresql":
        return extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * literal_column("86400.0")


def percentiles(value: Any, where: Sequence[Any], group: Any = None,
                ps: Sequence[int] = (50, 90), select_from: Any = None) -> list[Any]:
    """Rows of (group, count, p50, p90, …) of *value* over the rows matching *where*.

    One statement: each row gets its rank inside its group and the group's size from
    window functions; the outer query keeps, per group, the value whose rank is the
    nearest rank of each percentile. Without *group*, one row (group None).
    """
    key = group if group is not None else literal_column("0")
    ranked = select(key.label("g"), value.label("v"),
                    func.row_number().over(partition_by=key, order_by=value).label("rn"),
                    func.count().over(partition_by=key).label("n"))
    if select_from is not None:
        ranked = ranked.select_from(select_from)
    ranked = ranked.where(value.is_not(None), *where).subquery()
    columns = [func.max(case((ranked.c.rn == (ranked.c.n * p + 99) // 100, ranked.c.v)))
               .label(f"p{p}") for p in ps]
    stmt = select(ranked.c.g, func.max(ranked.c.n).label("n"), *columns) \
        .group_by(ranked.c.g).order_by(ranked.c.g)
    rows = db.session.execute(stmt).all()
    return [(None if group is None else r.g, r.n, *(r[2:])) for r in rows]


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)
