"""The application for gunicorn in the load test, on the database BENCH_DATABASE_URL names."""

import os

from bench.database import app_for

app = app_for(os.environ["BENCH_DATABASE_URL"])
