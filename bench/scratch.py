"""What every benchmark sets up and cleans up: the scratch PostgreSQL database it runs in (created for the run,
dropped after it, so a developer's own data is never touched), Django on it, its own Redis keys, and the
processes it starts (each in its own process group, stopped on the way out)."""

import contextlib
import os
import signal
import subprocess
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


def add_database_argument(parser) -> None:
    parser.add_argument("--database-url", help=f"PostgreSQL server for the scratch database (default {DEFAULT_SERVER})")


def start_django(database_url: str, **environment: str) -> None:
    """Django with `bench.settings` (unless `environment` names other settings) on the scratch database, migrated."""
    os.environ.update(
        {"DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"} | environment
    )
    import django
    from django.core.management import call_command

    django.setup()
    print(f"scratch database {database_url.rsplit('/', 1)[1]}: migrating…", flush=True)
    call_command("migrate", verbosity=0)


def redis_client(url: str):
    """A client of the Redis at `url` if it answers, else None."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        return None
    return client


def delete_keys(client, prefix: str) -> None:
    """Every key of `client` (None: no Redis) that starts with the benchmark's own prefix."""
    if client is not None:
        for key in list(client.scan_iter(match=prefix + "*")):
            client.delete(key)


def stop(process: subprocess.Popen) -> None:
    """Stop a process started with `start_new_session=True`: SIGTERM to its own group, SIGKILL after 30 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
