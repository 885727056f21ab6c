"""Register imports at scale: a generated CSV file as register staff would send it, and how
many rows a second the background import writes.

    python -m bench.imports 50000 > register.csv      # a file to try on the import page
"""

import random
import sys
import time as clock

from sqlalchemy.orm import scoped_session, sessionmaker

from interpreter_register.extensions import db
from interpreter_register.register.services.transfer import COLUMNS

LANGUAGES = ["ar", "prs", "ps", "tr", "ru", "uk", "fa", "ti", "so", "am", "sq", "ro", "bg",
             "pl", "es", "pt", "zh", "ur", "ckb", "kmr"]
PLACES = [("9000", "Gent", "east_flanders"), ("2000", "Antwerpen", "antwerp"),
          ("1000", "Brussel", "brussels"), ("3500", "Hasselt", "limburg"),
          ("8000", "Brugge", "west_flanders"), ("3000", "Leuven", "flemish_brabant")]


def register_csv(rows: int, seed: int = 2026, prefix: str = "imp") -> bytes:
    """``rows`` rows of a valid register file: two language pairs a person, each with its
    certificate (so every row adds a pair and a certificate; every other row a person)."""
    rng = random.Random(seed)
    lines = [";".join(COLUMNS)]
    for number in range(rows):
        person, side = divmod(number, 2)
        if side == 0:
            pairs = rng.sample(LANGUAGES, 2)
        postcode, municipality, region = PLACES[person % len(PLACES)]
        values = {
            "first_name": f"Voornaam{person}", "last_name": f"{prefix.title()}{person:06d}",
            "email": f"{prefix}{person}@example.org",
            "phone": f"+324{70 + person % 30}{person % 1000000:06d}",
            "postcode": postcode, "municipality": municipality, "regions": region,
            "modalities": "on_site|phone", "domains": "medical|social_welfare",
            "public_consent": "ja" if person % 3 else "nee", "kind": "interpreting",
            "language": pairs[side], "working_language": "nl",
            "certificate_number": f"{prefix.upper()}-{number:07d}", "issued_on": "12/03/2024"}
        lines.append(";".join(values.get(column, "") for column in COLUMNS))
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def import_speed(app, rows: int) -> dict:
    """Rows a second of an import of ``rows`` rows, the file checked and written in
    chunks as the worker does it; undone afterwards, so the benchmark data stay as they
    were (each chunk commits to a savepoint of one transaction that is rolled back)."""
    from interpreter_register.register.services.imports import import_now

    data = register_csv(rows)
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(sessionmaker(bind=connection,
                                                 join_transaction_mode="create_savepoint"))
        try:
            started = clock.perf_counter()
            run = import_now(None, data, "bench.csv", "en")
            seconds = clock.perf_counter() - started
            assert run.succeeded and run.rows_done == rows, run.errors[:3]
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()
    return {"import_rows": rows, "import_rows_per_s": round(rows / seconds, 1)}


if __name__ == "__main__":
    sys.stdout.buffer.write(register_csv(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000))
