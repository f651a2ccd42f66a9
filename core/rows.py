"""Single-row reads on the counter's path, their SQL written once per process (DESIGN §9).

The ORM compiles every queryset anew: at a counter that checks and logs a card every few seconds,
reading the card with its region, the venue with its region and the signed-in user was a third of a
request's CPU. ``one()`` builds the statement once per model and turns the row into model instances
as the ORM does (``from_db`` with the database's converters), the joined row cached on the instance
as ``select_related`` would. Reads only; every rule stays in the services.
"""

from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model


def _converters(connection, model, field) -> list:
    column = field.get_col(model._meta.db_table)
    return [(converter, column) for converter in
            connection.ops.get_db_converters(column) + column.get_db_converters(connection)]


@lru_cache(maxsize=32)
def _plan(model: type[Model], key: str, related: str | None, alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    columns = [f"m.{quote(field.column)}" for field in fields]
    join = ""
    relation = related_fields = None
    if related:
        relation = model._meta.get_field(related)
        other = relation.related_model
        related_fields = other._meta.concrete_fields
        columns += [f"r.{quote(field.column)}" for field in related_fields]
        join = (f" LEFT JOIN {quote(other._meta.db_table)} r"
                f" ON r.{quote(relation.target_field.column)} = m.{quote(relation.column)}")
    key_column = model._meta.get_field(key).column
    sql = (f"SELECT {', '.join(columns)} FROM {quote(model._meta.db_table)} m{join}"
           f" WHERE m.{quote(key_column)} = %s")
    main = ([field.attname for field in fields], [_converters(connection, model, field) for field in fields])
    joined = None
    if relation is not None:
        other = relation.related_model
        joined = (relation, [field.attname for field in related_fields],
                  [_converters(connection, other, field) for field in related_fields],
                  [field.attname for field in related_fields].index(other._meta.pk.attname))
    return sql, main, joined


def _convert(values, converters_per_field, connection) -> list:
    result = []
    for value, converters in zip(values, converters_per_field, strict=True):
        for converter, column in converters:
            value = converter(value, column, connection)
        result.append(value)
    return result


def one(model: type[Model], key: str, value, *, related: str | None = None, using: str = DEFAULT_DB_ALIAS):
    """The ``model`` row whose unique field ``key`` equals ``value`` (``None`` if there is none), with its
    ``related`` foreign-key row joined and cached on it."""
    sql, (names, converters), joined = _plan(model, key, related, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value])
        row = cursor.fetchone()
    if row is None:
        return None
    count = len(names)
    instance = model.from_db(using, names, _convert(row[:count], converters, connection))
    if joined is not None:
        relation, other_names, other_converters, pk_index = joined
        rest = row[count:]
        other = None
        if rest[pk_index] is not None:
            other = relation.related_model.from_db(using, other_names, _convert(rest, other_converters, connection))
        relation.set_cached_value(instance, other)
    return instance


@lru_cache(maxsize=32)
def _many_plan(model: type[Model], where: str, order_by: str, alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    sql = (f"SELECT {', '.join(quote(field.column) for field in fields)} FROM {quote(model._meta.db_table)}"
           f" WHERE {where} ORDER BY {order_by}")
    return sql, [field.attname for field in fields], [_converters(connection, model, field) for field in fields]


def many(model: type[Model], where: str, params: list, *, order_by: str, using: str = DEFAULT_DB_ALIAS) -> list:
    """The ``model`` rows matching ``where`` (SQL over the model's own columns, ``%s`` parameters), in order."""
    sql, names, converters = _many_plan(model, where, order_by, using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [model.from_db(using, names, _convert(row, converters, connection)) for row in found]


@lru_cache(maxsize=32)
def _insert_plan(model: type[Model], alias: str):
    connection = connections[alias]
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(field.column) for field in fields)})"
           f" VALUES ({', '.join(['%s'] * len(fields))})")
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, fields, returning


def insert(instance: Model, *, using: str = DEFAULT_DB_ALIAS) -> Model:
    """INSERT ``instance`` (a new row with an automatic primary key) as ``save()`` would, without its
    signals: for the counter's own records (a check, a logged use), which nothing else listens to."""
    model = type(instance)
    sql, fields, returning = _insert_plan(model, using)
    connection = connections[using]
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection=connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if returning else connection.ops.last_insert_id(
            cursor, model._meta.db_table, model._meta.pk.column)
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = using
    return instance
