"""The benchmark: generate the data at a scale, measure, print a table per database and
write bench/results.json.

    python -m bench.run                       # scale 10, SQLite and (if any) PostgreSQL
    python -m bench.run --scale 1 --databases sqlite --seconds 3
    python -m bench.run --reuse --only search,import   # into bench/data/partial.json
"""

import argparse
import json
import platform
import sys
import time as clock
from datetime import UTC, date, datetime
from pathlib import Path

from . import generate as generator
from . import imports, invoicing, load, measure
from .database import DATA, SQLITE_URL, fresh_app, migrated_app, postgresql_url

RESULTS = Path(__file__).resolve().parent / "results.json"
PARTIAL = DATA / "partial.json"

# (key, target, "max" or "min"): what the product promises at scale 10.
TARGETS = [
    ("matching_p50_ms", None, None), ("matching_p95_ms", 10, "max"),
    ("matching_floor_ratio", 4, "max"),
    ("queue_page_ms", 5, "max"),
    ("queue_rps", None, None), ("hello_rps", None, None),
    ("queue_vs_hello_ratio", 0.10, "min"), ("queue_rps_1_worker", None, None),
    ("api_list_rps", None, None), ("api_vs_hello_ratio", 0.10, "min"),
    ("queries_queue_100", 12, "max"), ("queries_queue_5000", 12, "max"),
    ("queries_matching_10", 12, "max"), ("queries_matching_200", 12, "max"),
    ("queries_feed_10", 12, "max"), ("queries_feed_1000", 12, "max"),
    ("feed_1000_ms", None, None), ("feed_vs_raw_ratio", 1.5, "max"),
    ("feed_304_ms", 5, "max"), ("search_p50_ms", None, None), ("search_p95_ms", 50, "max"),
    ("search_cpu_p95_ms", None, None),
    ("generate_seconds", 600, "max"),
    ("import_rows", None, None), ("import_rows_per_s", None, None),
    ("invoicing_month_s", 30, "max"), ("invoicing_sheets_per_s", None, None),
    ("invoicing_preview_s", None, None),
    ("queries_invoicing_small", None, None), ("queries_invoicing_large", None, None),
    ("statements_month_s", None, None),
    ("queries_statements_small", None, None), ("queries_statements_large", None, None),
]


def verdict(key: str, value) -> str:
    target = next(((t, how) for k, t, how in TARGETS if k == key), (None, None))
    if target[0] is None or value is None:
        return ""
    ok = value <= target[0] if target[1] == "max" else value >= target[0]
    sign = "≤" if target[1] == "max" else "≥"
    return f"{sign} {target[0]}  {'met' if ok else 'MISSED'}"


def equal_counts(results: dict) -> list[str]:
    """The query counts that differ between the two sizes (there should be none)."""
    pairs = [("queries_queue_100", "queries_queue_5000"),
             ("queries_matching_10", "queries_matching_200"),
             ("queries_feed_10", "queries_feed_1000"),
             ("queries_invoicing_small", "queries_invoicing_large"),
             ("queries_statements_small", "queries_statements_large")]
    return [f"{a} ≠ {b}" for a, b in pairs if results.get(a) != results.get(b)]


def print_table(name: str, results: dict, out=None) -> None:
    out = out or sys.stdout
    print(f"\n{name}", file=out)
    print(f"  {'measure':28} {'value':>12}  target", file=out)
    for key, value in results.items():
        shown = f"{value:,}" if isinstance(value, int) else str(value)
        print(f"  {key:28} {shown:>12}  {verdict(key, value)}", file=out)
    for problem in equal_counts(results):
        print(f"  MISSED: {problem}", file=out)


def _marker(url: str) -> Path:
    return DATA / f"{'sqlite' if url.startswith('sqlite') else 'postgresql'}.json"


def prepare(url: str, scale: float, seed: int, reuse: bool, out):
    """The generated database at ``url``: made now, or the one a previous run left (with
    --reuse, when its scale and seed are the same)."""
    marker = _marker(url)
    if reuse and marker.exists():
        saved = json.loads(marker.read_text())
        # Data generated before the settled month (``billed_month``) are made anew.
        if saved["scale"] == scale and saved["seed"] == seed and "billed_month" in saved:
            print(f"  reusing the data generated at scale {scale:g}", file=out)
            # Indexes added since the data was generated are made, and analysed.
            app = migrated_app(url)
            with app.app_context():
                generator.settle()
            return app, saved
    app = fresh_app(url)
    with app.app_context():
        made = generator.generate(scale, seed, out=out)
    return app, remember(url, made, seed)


def remember(url: str, made: generator.Generated, seed: int) -> dict:
    """What the measurements need to know of the data at ``url``, kept for --reuse."""
    saved = {"scale": made.plan.scale, "seed": seed,
             "generate_seconds": round(made.seconds, 1), "counts": made.counts,
             "central": made.central_dispatcher, "small": made.small_dispatcher,
             "feed_tokens": made.feed_tokens,
             "billed_month": made.billed_month.isoformat(), "month_sheets": made.month_sheets}
    DATA.mkdir(exist_ok=True)
    _marker(url).write_text(json.dumps(saved))
    return saved


MEASURES = ("matching", "search", "queue", "feed", "import", "invoicing", "wrk")


def bench_database(url: str, args, out) -> dict:
    app, data = prepare(url, args.scale, args.seed, args.reuse, out)
    results = {"generate_seconds": data["generate_seconds"]}
    tokens = {int(size): token for size, token in data["feed_tokens"].items()}
    only = set(getattr(args, "only", None) or MEASURES)
    with app.app_context():
        if "matching" in only:
            print("  matching ...", file=out, flush=True)
            ids = measure.open_request_ids(generator.CENTRAL, args.requests, args.seed)
            results.update(measure.matching(ids))
            results.update(measure.matching_statements())
        if "queue" in only:
            results["queue_open_requests"] = measure.open_in_queue(data["central"])
        if "search" in only:
            print("  search ...", file=out, flush=True)
            service_id, samples = measure.search_samples(generator.CENTRAL, args.requests,
                                                         args.seed)
            results.update(measure.search(service_id, samples))
    if "queue" in only:
        sizes = {data["small"]: 100, data["central"]: 5000}
        results.update(measure.queue_statements(app, data["small"], data["central"], sizes))
        print("  queue page ...", file=out, flush=True)
        results.update(measure.queue_page(app, data["central"]))
    if "feed" in only:
        print("  calendar feed ...", file=out, flush=True)
        results.update(measure.feed(app, tokens))
    if "import" in only:
        rows = getattr(args, "import_rows", None) or max(100, int(500 * args.scale))
        print(f"  register import of {rows:,} rows ...", file=out, flush=True)
        results.update(imports.import_speed(app, rows))
    if "invoicing" in only:
        print("  monthly invoicing run and statements ...", file=out, flush=True)
        with app.app_context():
            results.update(invoicing.invoicing(
                generator.CENTRAL, data["month_sheets"],
                date.fromisoformat(data["billed_month"])))
    if args.seconds and "wrk" in only:
        print(f"  wrk, {args.seconds} s a run ...", file=out, flush=True)
        with app.app_context():
            api_key = measure.api_key_of_busiest_organisation()
        results.update(load.throughput(url, data["central"], generator.PASSWORD, args.seconds,
                                       api_key=api_key))
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql-url", help="default: the local cluster of make test")
    parser.add_argument("--requests", type=int, default=200, help="open requests to match")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run; 0: no wrk")
    parser.add_argument("--reuse", action="store_true", help="keep data of the same scale")
    parser.add_argument("--import-rows", type=int, help="rows of the register import "
                        "(default: 500 a unit of scale)")
    parser.add_argument("--only", type=lambda text: text.split(","),
                        help=f"some measures only, e.g. search,import (of {','.join(MEASURES)}); "
                        f"written to {PARTIAL.name} unless --output says where")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    unknown = set(args.only or ()) - set(MEASURES)
    if unknown:
        parser.error(f"unknown measure: {', '.join(sorted(unknown))}")
    # The results of the whole benchmark only are the project's figures.
    args.output = args.output or (PARTIAL if args.only else RESULTS)
    out = sys.stderr
    urls = {}
    if "sqlite" in args.databases:
        urls["sqlite"] = SQLITE_URL
    if "postgresql" in args.databases:
        url = postgresql_url(args.postgresql_url)
        if url:
            urls["postgresql"] = url
        else:
            print("No PostgreSQL URL and no local cluster: SQLite only.", file=out)
    results = {"meta": {"scale": args.scale, "seed": args.seed, "date":
                        datetime.now(UTC).isoformat(timespec="seconds"),
                        "machine": f"{platform.machine()}, {platform.python_version()}"}}
    started = clock.perf_counter()
    for name, url in urls.items():
        print(f"\n== {name} (scale {args.scale:g}) ==", file=out, flush=True)
        results[name] = bench_database(url, args, out)
    # Every measure of a database in one table, the tables together at the end.
    for name in urls:
        print_table(name, results[name])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {args.output} in {clock.perf_counter() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
