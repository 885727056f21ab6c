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
    feed = demo_feed_url()
    if feed:
        click.echo(f"Calendar feed of the demo interpreter (subscribe from a calendar client):"
                   f"\n  {feed}")
    if created and CREATED_API_KEY:
        click.echo("API key of OCMW Gent's planning system (shown only now; docs/api.md):"
                   f"\n  {CREATED_API_KEY.pop('key')}")


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


register_group = AppGroup("register", help="Import and export the register.")


@register_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def register_import(path):
    """Import people, language pairs and certificates from a CSV file (all or nothing)."""
    from .register.services.transfer import import_register

    run = import_register(None, Path(path).read_bytes(), Path(path).name)
    db.session.commit()
    if not run.succeeded:
        for row, column, message in run.errors:
            click.echo(f"row {row}, {column or '-'}: {message}", err=True)
        raise click.ClickException(f"{len(run.errors)} problem(s); nothing was imported.")
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


def register_commands(app: Flask) -> None:
    app.cli.add_command(scheduler_group)
    app.cli.add_command(register_group)
    app.cli.add_command(translate)
    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
