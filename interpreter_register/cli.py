"""Flask commands: translations, demo data, the first administrator."""

import subprocess
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from .extensions import db

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
CATALOGUE_LANGUAGES = ("nl", "fr", "de")

translate = AppGroup("translate", help="Extract, update and compile the nl, fr, de catalogues.")


def _pybabel(*args: str) -> None:
    command = [sys.executable, "-m", "babel.messages.frontend", "-q", *args]
    if subprocess.run(command, cwd=ROOT, check=False).returncode:  # noqa: S603
        raise click.ClickException("pybabel " + " ".join(args) + " failed")


@translate.command("extract")
def translate_extract():
    """Collect every marked string into translations/messages.pot."""
    _pybabel("extract", "-F", "translations/babel.cfg", "-k", "_l", "-k", "_p:1c,2",
             "--no-location", "--width", "100",
             "--sort-output", "--project", "interpreter-register",
             "-o", "translations/messages.pot", ".")


@translate.command("update")
def translate_update():
    """Extract, then merge new strings into each language's messages.po."""
    translate_extract.callback()
    for language in CATALOGUE_LANGUAGES:
        po = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        verb = "update" if po.exists() else "init"
        _pybabel(verb, "-i", "translations/messages.pot", "-d", "translations", "-l", language,
                 "--width", "100",
                 *(("--no-fuzzy-matching", "--ignore-obsolete") if verb == "update" else ()))


@translate.command("compile")
def translate_compile():
    """Compile the catalogues to .mo files (done by make run and make test)."""
    _pybabel("compile", "-d", "translations")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Fill an empty database with a small, realistic world and one login per role."""
    from .demo.seed import CREATED_API_KEY, DEMO_LOGINS, seed

    created = seed()
    db.session.commit()
    if created:
        click.echo("Demo data loaded.")
    else:
        click.echo("The database already holds data; demo data not loaded.")
    click.echo(f"Demo logins (password for all: {DEMO_LOGINS['password']}):")
    for language, title in (("nl", "Nederlands"), ("fr", "Français"), ("de", "Deutsch")):
        click.echo(f" {title}:")
        for role, email, name, spoken in DEMO_LOGINS["accounts"]:
            if spoken == language:
                click.echo(f"  {role:<16} {email:<34} {name}".rstrip())
    email, key, codes = DEMO_LOGINS["two_step"]
    click.echo(f"{email} signs in in two steps: add the key {key} to an authenticator app "
               f"(or print the code with: python -c \"import pyotp; print(pyotp.TOTP('{key}')"
               f".now())\"), or type a recovery code, each once: {', '.join(codes)}")
    feed = demo_feed_url()
    if feed:
        click.echo(f"Calendar feed of the demo interpreter (subscribe from a calendar client):"
                   f"\n  {feed}")
    if created and CREATED_API_KEY:
        click.echo("API key of OCMW Gent's planning system (shown only now; docs/api.md):"
                   f"\n  {CREATED_API_KEY.pop('key')}")
        if "service_key" in CREATED_API_KEY:
            click.echo("API key of TVGent's software (its queue and bookings; shown only now):"
                       f"\n  {CREATED_API_KEY.pop('service_key')}")


def demo_feed_url() -> str | None:
    from .auth.models import User
    from .calendar.services import feeds_of
    from .core.urls import external_url

    user = db.session.scalar(db.select(User).where(User.email == "interpreter@example.org"))
    feed = next(iter(feeds_of(user).values()), None) if user else None
    return external_url("calendar.feed", token=feed.token) if feed else None


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "register_staff"]), default="admin",
              show_default=True)
@click.option("--language", type=click.Choice(["nl", "fr", "de", "en"]), default=None)
@with_appcontext
def create_user(email, name, role, language):
    """Create a user (the first administrator) and mail them an invitation link."""
    from flask import current_app

    from .auth.models import Role
    from .auth.services import make_token
    from .core.outbox import deliver_pending
    from .core.rules import RuleError
    from .core.urls import external_url
    from .users.services import UserDetails
    from .users.services import create_user as create

    try:
        user = create(None, UserDetails(email=email, name=name, role=Role(role), locale=language))
    except RuleError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    deliver_pending()
    click.echo(f"Created {user.email} and mailed an invitation.")
    if not current_app.config["MAIL_SERVER"]:
        # No mail server yet: the operator hands over the link themselves.
        link = external_url("auth.accept_invitation", token=make_token(user, "invitation"))
        click.echo(f"No MAIL_SERVER is set; the invitation link is:\n  {link}")


register_group = AppGroup("register", help="Import, export and check the register.")


@register_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def register_import(path):
    """Import people, language pairs and certificates from a CSV file (checked whole first,
    then written chunk by chunk)."""
    from .register.services.imports import import_now

    run = import_now(None, Path(path).read_bytes(), Path(path).name)
    if not run.succeeded:
        for row, column, message in run.errors:
            click.echo(f"row {row}, {column or '-'}: {message}", err=True)
        raise click.ClickException(
            f"{len(run.errors)} problem(s); {run.rows_done} of {run.rows} rows imported.")
    click.echo(f"{run.rows} rows: {run.people_created} people added, {run.people_updated} "
               f"updated, {run.qualifications_added} language pairs and "
               f"{run.certificates_added} certificates added.")


@register_group.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def register_export(path):
    """Export the register to a .csv or .xlsx file (the format import reads)."""
    from .register.services.transfer import export_csv, export_xlsx

    data = export_xlsx() if path.endswith(".xlsx") else export_csv()
    Path(path).write_bytes(data)
    click.echo(f"Written to {path}.")


@register_group.command("verify-facts")
def register_verify_facts():
    """Work out the facts matching reads (tiers by date range, people's sets, workload)
    again from the register, and list where the kept ones differ."""
    from .bookings import workload
    from .register import facts

    problems = facts.differences() + workload.differences()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} kept fact(s) differ from the register.")
    click.echo("The facts matching reads agree with the register.")


scheduler_group = AppGroup("scheduler", help="The one process that runs the scheduled jobs.")


@scheduler_group.command("run")
def scheduler_run():
    """Run the scheduler in the foreground (exactly one such process, ever)."""
    from .jobs.runner import serve
    serve()


@scheduler_group.command("run-once")
@click.argument("job_id")
def scheduler_run_once(job_id):
    """Run one job now and say how it went."""
    from .jobs.runner import JOBS, run

    if job_id not in JOBS:
        raise click.ClickException(f"unknown job {job_id!r}; the jobs: {', '.join(JOBS)}")
    finished = run(job_id)
    click.echo(f"{job_id}: {finished.outcome} {finished.counts}")
    if finished.outcome == "failed":
        raise click.ClickException(f"{job_id} failed: {', '.join(finished.errors)}")


worker_group = AppGroup("worker", help="The background work: mail and webhook delivery, "
                                       "and imports.")


@worker_group.command("run")
def worker_run():
    """Deliver mail and webhooks and run imports until SIGTERM or Ctrl+C (several may run)."""
    from flask import current_app

    from .core.worker import serve_until_signalled
    serve_until_signalled(current_app._get_current_object())


outbox_group = AppGroup("outbox", help="Delivering the mail waiting in the outbox.")


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def outbox_run(once):
    """Deliver mail until SIGTERM or Ctrl+C (several may run), or once with --once."""
    from flask import current_app

    from .core.outbox import deliver_pending
    from .core.worker import serve_until_signalled
    if once:
        sent = 0
        while (batch := deliver_pending()):
            sent += batch
        click.echo(f"{sent} mail(s) delivered.")
        return
    serve_until_signalled(current_app._get_current_object(), ["outbox"])


backup_group = AppGroup("backup", help="Back the database up, and restore a backup.")


@backup_group.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path):
    """Write a backup of the whole database to PATH (a new file), while the application
    keeps running: SQLite's online backup API, or pg_dump on PostgreSQL."""
    from .core.backup import BackupError, create

    try:
        create(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes).")


@backup_group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="SQLite only: overwrite a database that is not empty. Stop the web, "
                   "worker and scheduler processes first.")
def backup_restore(path, replace):
    """Restore the backup PATH into the configured database, which must be empty (on
    PostgreSQL: a new database made with createdb)."""
    from .core.backup import BackupError, restore

    try:
        restored = restore(path, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {restored.tables} tables, at migration {restored.revision}.")
    if restored.pending:
        click.echo("The backup was made by an older release: run `flask --app wsgi db "
                   "upgrade` before starting the application.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_group)
    app.cli.add_command(worker_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(scheduler_group)
    app.cli.add_command(register_group)
    app.cli.add_command(translate)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
