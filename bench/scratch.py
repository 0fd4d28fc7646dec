"""The scratch PostgreSQL database every benchmark runs in: created for the run, dropped after it, so a
developer's own data is never touched."""

import contextlib
import os
import sys
import urllib.parse

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/"


def server_url(url: str | None) -> str:
    """The server to create the scratch database on: the given URL, else DATABASE_URL if it is PostgreSQL
    (its server only, never its database), else the local default."""
    url = url or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else DEFAULT_SERVER


def admin_sql(server: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urllib.parse.urlsplit(server)._replace(path="/postgres").geturl())
    connection.autocommit = True
    try:
        connection.cursor().execute(sql)
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(server: str, keep: bool = False):
    """Yield the URL of a new database `apo_bench_<pid>` on `server`; drop it afterwards unless `keep`."""
    name = f"apo_bench_{os.getpid()}"
    admin_sql(server, f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        if "django" in sys.modules:
            from django.db import connections

            with contextlib.suppress(Exception):  # settings that never loaded: no connection to close
                connections.close_all()
        if keep:
            print(f'kept the database {name} (--keep-database): drop it with DROP DATABASE "{name}"')
        else:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
