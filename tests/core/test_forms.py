"""Form helpers: the select rendered from a cache says exactly what WTForms would."""

from html.parser import HTMLParser

import pytest
from wtforms import Form, SelectChoice, SelectField
from wtforms.validators import DataRequired

from interpreter_register.core.forms import LongSelect


class _Elements(HTMLParser):
    """Tags with their attributes (order-free) and text, to compare two renderings."""

    def __init__(self, html: str):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, frozenset(attrs)))

    def handle_endtag(self, tag):
        self.found.append(("/" + tag,))

    def handle_data(self, data):
        self.found.append(("text", data))


OPTIONS = [SelectChoice("", "— any —"),
           SelectChoice("ar", "Arabic", optgroup="In the register"),
           SelectChoice("prs", "Dari <Afghan> & more", optgroup="In the register"),
           SelectChoice("uk", "Ukrainian", render_kw={"data-x": "1"}, optgroup="Others"),
           SelectChoice("zz", "Last", optgroup=None)]


class Plain(Form):
    language = SelectField(choices=OPTIONS, validators=[DataRequired()])


class Cached(Form):
    language = SelectField(choices=OPTIONS, validators=[DataRequired()], widget=LongSelect())


@pytest.mark.parametrize("chosen", [None, "", "ar", "prs", "uk", "zz", "unknown"])
def test_long_select_renders_what_wtforms_renders(chosen):
    data = {} if chosen is None else {"language": chosen}
    plain, cached = Plain(data=data), Cached(data=data)
    expected = _Elements(plain.language(class_="form-select")).found
    assert _Elements(cached.language(class_="form-select")).found == expected


def test_long_select_marks_only_the_chosen_option_each_time():
    first = Cached(data={"language": "prs"}).language()
    second = Cached(data={"language": "ar"}).language()
    assert first.count("selected") == 1 and 'selected value="prs"' in first
    assert second.count("selected") == 1 and 'selected value="ar"' in second
    assert "&lt;Afghan&gt; &amp; more" in second
