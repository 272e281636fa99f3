"""Model instances from rows a raw query read, for the few paths that run many times a
second (a vote): the query is written once, so Django does not build it for every request,
and the row's values get the same conversions the ORM gives them (on SQLite, dates and
times come back as text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model

M = TypeVar("M", bound=Model)
Converter = tuple[int, Callable[..., Any], Any]


@cache
def columns(model: type[Model], alias: str) -> str:
    """The model's columns, in ``fields(model)`` order, from a table named ``alias``."""
    return ", ".join(f"{alias}.{field.column}" for field in fields(model))


@cache
def fields(model: type[Model]) -> tuple[Any, ...]:
    return tuple(model._meta.concrete_fields)


@cache
def _converters(model: type[Model], using: str) -> tuple[Converter, ...]:
    """What the ORM would apply to each column (``SQLCompiler.get_converters``)."""
    connection = connections[using]
    found = []
    for index, field in enumerate(fields(model)):
        column = field.get_col(model._meta.db_table)
        for convert in (
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ):
            found.append((index, convert, column))
    return tuple(found)


def instance(model: type[M], values: Sequence[Any], *, using: str) -> M:
    """An instance of ``model`` from the values of ``columns(model, ...)``, as read."""
    converted = list(values)
    connection = connections[using]
    for index, convert, column in _converters(model, using):
        converted[index] = convert(converted[index], column, connection)
    return model.from_db(using, [field.attname for field in fields(model)], converted)
