"""Every user-visible string is translated in nl, fr and de; nothing is fuzzy or missing."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "fr", "de")


def catalogue(language: str):
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _problems(cat):
    for message in cat:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            yield f"fuzzy: {message.id!r}"
        elif not all(strings):
            yield f"untranslated: {message.id!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    assert list(_problems(catalogue(language))) == []


def test_catalogues_hold_every_string_the_code_marks(tmp_path):
    """A string marked in the code but missing from a catalogue would show up in English."""
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract",
                    "-F", "translations/babel.cfg", "-k", "_l", "-k", "_p:1c,2",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    with open(pot, "rb") as f:
        marked = {(m.context, m.id) for m in read_po(f) if m.id}
    for language in LANGUAGES:
        held = {(m.context, m.id) for m in catalogue(language) if m.id}
        assert marked - held == set(), f"{language}: run `flask translate update` and translate"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in catalogue(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(placeholder.findall(ids[-1]))
        for string in strings:
            assert set(placeholder.findall(string)) <= expected | set(
                placeholder.findall(ids[0])), message.id
            assert expected - {"num"} <= set(placeholder.findall(string)), message.id
