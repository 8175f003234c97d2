"""Prepared statements for the few queries run on every keypress or every "Gọi tiếp".

SQLAlchemy's ``Connection.execute`` does, on every call, what a statement that never
changes needs only once: it builds the statement's cache key, looks the compiled form up,
builds the parameter list through the bind processors and wraps the cursor in a result
object. For the live check and the queue that was as much as the rest of their queries.

``Prepared`` keeps a Core statement compiled per dialect and runs it on the connection's
DBAPI cursor: parameters still go through each column type's bind processor (dates and
times as SQLite stores them) and rows through the result columns' processors (booleans,
JSON, datetimes), so the values are the ones ``Connection.execute`` gives (tested side by
side). Only on SQLite, whose driver takes positional parameters; anywhere else, and for a
Session, it is plain ``execute``. Errors are SQLAlchemy's, as with ``execute``.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError


class Prepared:
    """A Core statement (select, or DML with or without RETURNING), prepared per dialect."""

    __slots__ = ("statement", "_by_dialect")

    def __init__(self, statement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, tuple] = {}

    def _prepare(self, dialect) -> tuple:
        compiled = self.statement.compile(dialect=dialect)
        binds = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            if bind.expanding or callable(bind.callable):
                raise ValueError(f"{name}: expanding and callable parameters are not prepared")
            impl = bind.type.dialect_impl(dialect)
            binds.append((bind.key, bind.value, bind.required, impl.bind_processor(dialect)))
        columns = getattr(self.statement, "exported_columns", None) or ()
        results = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                   for column in columns]
        prepared = (compiled.string, tuple(binds), tuple(results) if any(results) else None)
        self._by_dialect[dialect.name] = prepared
        return prepared

    def rows(self, conn: Any, params: Mapping[str, Any] | None = None) -> list[tuple]:
        """Run the statement; all its rows, as tuples (none for DML without RETURNING)."""
        params = params or {}
        if not isinstance(conn, Connection) or conn.dialect.name != "sqlite":
            result = conn.execute(self.statement, params)
            return [tuple(row) for row in result] if result.returns_rows else []
        dialect = conn.dialect
        sql, binds, results = self._by_dialect.get(dialect.name) or self._prepare(dialect)
        values = []
        for key, default, required, process in binds:
            if key in params:
                value = params[key]
            elif required:
                raise KeyError(f"parameter {key!r} is required")
            else:
                value = default
            values.append(process(value) if process is not None else value)
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, values)
            rows = cursor.fetchall() if cursor.description is not None else []
        except dialect.loaded_dbapi.Error as error:
            raise DBAPIError.instance(sql, values, error, dialect.loaded_dbapi.Error,
                                      dialect=dialect) from error
        finally:
            cursor.close()
        if results is None:
            return rows
        return [tuple(value if process is None else process(value)
                      for value, process in zip(row, results)) for row in rows]

    def first(self, conn: Any, params: Mapping[str, Any] | None = None) -> tuple | None:
        found = self.rows(conn, params)
        return found[0] if found else None
