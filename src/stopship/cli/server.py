"""CLI commands of the server: serve, db upgrade, audit verify/export, users add."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from stopship import settings
from stopship.cli.common import data_dir_of, fail
from stopship.errors import StopshipError

db_app = typer.Typer(help="The server database (users, customers, alerts, cases, audit).",
                     no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit trail.", no_args_is_help=True)
users_app = typer.Typer(help="People who use the web app, and API keys for systems.",
                        no_args_is_help=True)

URL_OPTION = typer.Option(None, "--database-url", envvar="STOPSHIP_DATABASE_URL",
                          help="postgresql://user@host:port/db (default: SQLite in the data dir).")


def _url(ctx: typer.Context, database_url: str | None) -> str:
    return settings.database_url(database_url, data_dir_of(ctx))


def serve(ctx: typer.Context, database_url: str | None = URL_OPTION,
          host: str = typer.Option("127.0.0.1", help="Address to listen on."),
          port: int = typer.Option(8000, help="Port to listen on."),
          workers: int = typer.Option(1, help="Worker processes (each loads the index; "
                                              "login rate limits are per worker)."),
          secure_cookies: bool = typer.Option(False, help="Send cookies only over HTTPS.")
          ) -> None:
    """Run the API and the web app; migrations run on start."""
    import uvicorn

    from stopship.api import ServerSettings, create_app
    from stopship.cases.db import upgrade

    directory = data_dir_of(ctx)
    url = _url(ctx, database_url)
    if database_url:  # the list store and the screener read the same database
        os.environ[settings.ENV_DATABASE_URL] = url
    typer.echo(f"stopship serving on http://{host}:{port} (database {url.split('@')[-1]}, "
               f"{workers} worker(s))", err=True)
    if workers > 1:
        try:
            upgrade(url)
        except StopshipError as exc:
            fail(exc)
        os.environ.update({"STOPSHIP_SERVE_DATABASE_URL": url,
                           "STOPSHIP_DATA_DIR": str(directory),
                           "STOPSHIP_SECURE_COOKIES": "1" if secure_cookies else "0"})
        uvicorn.run("stopship.api.app:app_from_env", factory=True, host=host, port=port,
                    workers=workers, log_level="warning")
        return
    try:
        app = create_app(ServerSettings(database_url=url, data_dir=directory,
                                        secure_cookies=secure_cookies))
    except StopshipError as exc:
        fail(exc)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def db_upgrade(ctx: typer.Context, database_url: str | None = URL_OPTION) -> None:
    """Create or migrate the server tables to the newest schema."""
    from stopship.cases.db import current_revision, make_engine, upgrade

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    typer.echo(f"server tables at revision {current_revision(engine)}")
    engine.dispose()


def db_rescreen(ctx: typer.Context, list_id: str = typer.Argument(..., help="The list."),
                old: int | None = typer.Option(None, help="Old version (default: the one "
                                                          "before the current)."),
                new: int | None = typer.Option(None, help="New version (default: current)."),
                full: bool = typer.Option(False, "--full", help="Screen every customer "
                                          "against the delta (no blocking; slower)."),
                clear_order_days: int | None = typer.Option(
                    None, "--clear-order-days", min=0,
                    help="Re-screen clear orders screened in the last N days (0 = all; "
                         "default STOPSHIP_CLEAR_ORDER_DAYS or 30). Held and reviewed "
                         "orders are always re-screened."),
                database_url: str | None = URL_OPTION) -> None:
    """Re-screen the customer master against what changed in a list (added and changed
    entries); new alerts carry the delta. Run after `stopship lists update`."""
    from stopship.cases.db import make_engine, upgrade
    from stopship.cases.listload import after_load
    from stopship.screening.engine import build_screener
    from stopship.store import ListStore

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    store = ListStore.open(data_dir=data_dir_of(ctx), url=url)
    try:
        numbers = sorted(v.version for v in store.versions(list_id) if v.status == "complete")
        new_v = new if new is not None else (numbers[-1] if numbers else None)
        if new_v is None:
            raise typer.BadParameter(f"list {list_id!r} has no complete version")
        older = [n for n in numbers if n < new_v]
        old_v = old if old is not None else (older[-1] if older else None)
        result = after_load(engine, store, list_id, old_v, new_v, build_screener, actor="cli",
                            processes=0, blocking=not full, clear_order_days=clear_order_days)
    except StopshipError as exc:
        fail(exc)
    finally:
        store.close()
        engine.dispose()
    info = result.as_dict()
    typer.echo(("already done: " if result.skipped else "") +
               ", ".join(f"{k} {v}" for k, v in info.items() if k != "skipped"))


def db_import_customers(
        ctx: typer.Context,
        path: Path = typer.Argument(..., exists=True, dir_okay=False,
                                    help="CSV or XLSX customer file (id, name, schema, "
                                         "country, dob, address, identifiers)."),
        screen: bool = typer.Option(True, "--screen/--no-screen",
                                    help="Screen new and changed customers against the "
                                         "current lists (the default when lists are loaded)."),
        database_url: str | None = URL_OPTION) -> None:
    """Import a customer master (insert or update by external id) on both cores: the
    path of the API's import, for files too large to upload. A file with bad rows is
    refused whole, each problem named with its line and field."""
    from stopship.cases import customers as cust
    from stopship.cases.db import make_engine, upgrade
    from stopship.cases.screening import import_customers

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    try:
        records = cust.read_file(path)
        screener, lists = None, {}
        if screen:
            from stopship.screening.open import open_screener
            from stopship.store import ListStore

            store = ListStore.open(data_dir=data_dir_of(ctx), url=url)
            try:
                lists = {str(k): str(v) for k, v in store.current_versions().items()}
            finally:
                store.close()
            if lists:
                screener = open_screener(data_dir_of(ctx))
            else:
                typer.echo("no lists loaded: customers imported without screening", err=True)
        result = import_customers(engine, records, screener, actor="cli", lists=lists,
                                  source_name=path.name, processes=0)
    except StopshipError as exc:
        fail(exc)
    finally:
        engine.dispose()
    typer.echo(f"received {result.received}, new or changed {result.changed}, "
               f"screened {result.screened}, alerts opened {len(result.alerts)}")


def audit_verify(ctx: typer.Context, database_url: str | None = URL_OPTION,
                 head: str | None = typer.Option(
                     None, help="A head hash recorded earlier: also detect deleted tail events.")
                 ) -> None:
    """Check every link of the audit chain; exit 1 and name the first broken event."""
    from stopship import audit
    from stopship.cases.db import make_engine, upgrade

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        result = audit.verify(conn, expected_head=head)
    engine.dispose()
    if result.ok:
        typer.echo(f"ok: {result.events} events, head {result.head}")
        return
    where = f"event {result.broken_seq}" if result.broken_seq else "the chain's end"
    typer.echo(f"BROKEN at {where}: {result.reason}", err=True)
    raise typer.Exit(1)


def audit_export(ctx: typer.Context, database_url: str | None = URL_OPTION,
                 fmt: str = typer.Option("jsonl", "--format", help="csv or jsonl."),
                 output: str = typer.Option("-", "--output", "-o", help="File, or - for stdout.")
                 ) -> None:
    """Write every audit event for an auditor (CSV cells are formula-safe)."""
    from stopship import audit
    from stopship.cases.db import make_engine, upgrade

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if output == "-":
                count = audit.export(audit.iter_events(conn), sys.stdout, fmt)
            else:
                with Path(output).open("w", encoding="utf-8", newline="") as handle:
                    count = audit.export(audit.iter_events(conn), handle, fmt)
    except StopshipError as exc:
        fail(exc)
    finally:
        engine.dispose()
    typer.echo(f"{count} events written", err=True)


def users_add(ctx: typer.Context, username: str = typer.Argument(..., help="Login name."),
              role: str = typer.Option(..., help="analyst, approver or administrator."),
              password: str = typer.Option(..., prompt=True, hide_input=True,
                                           confirmation_prompt=True, envvar="STOPSHIP_PASSWORD",
                                           help="At least 10 characters."),
              database_url: str | None = URL_OPTION) -> None:
    """Add a user who can log in to the web app."""
    from stopship.cases import users
    from stopship.cases.db import make_engine, upgrade

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            users.create_user(conn, username, password, role, actor="cli")
    except StopshipError as exc:
        fail(exc)
    finally:
        engine.dispose()
    typer.echo(f"user {username} ({role}) added")


def users_key(ctx: typer.Context, name: str = typer.Argument(..., help="What the key is for."),
              scope: list[str] = typer.Option(..., "--scope", help="Repeat: screen, alerts:read..."),
              database_url: str | None = URL_OPTION) -> None:
    """Create an API key for a system; the key is printed once."""
    from stopship.cases import users
    from stopship.cases.db import make_engine, upgrade

    url = _url(ctx, database_url)
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            key = users.create_api_key(conn, name, list(scope), actor="cli")
    except StopshipError as exc:
        fail(exc)
    finally:
        engine.dispose()
    typer.echo(key)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("serve")(serve)
    db_app.command("upgrade")(db_upgrade)
    db_app.command("rescreen")(db_rescreen)
    db_app.command("import-customers")(db_import_customers)
    audit_app.command("verify")(audit_verify)
    audit_app.command("export")(audit_export)
    users_app.command("add")(users_add)
    users_app.command("key")(users_key)
    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
    app.add_typer(users_app, name="users")
