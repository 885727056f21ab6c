"""Absolute links for mails and calendar events, built from BASE_URL (never the Host header)."""

from urllib.parse import urlsplit

from flask import current_app


def url_builder():
    """A function that builds absolute links; binding the URL map once serves many links
    (a calendar feed has three for each of its events)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return lambda endpoint, **values: adapter.build(endpoint, values, force_external=True)


def external_url(endpoint: str, **values) -> str:
    return url_builder()(endpoint, **values)
