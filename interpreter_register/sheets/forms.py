"""The sheet's forms: filing (and the service's correction), disputing line by line,
settling. Types only here; the rules are the services'."""

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import TextInput

from ..core.forms import Form, SelectField, SubForm, choices
from ..core.time import to_brussels
from .models import ExpenseKind, SheetLine
from .services.content import ExpenseInput, SheetDetails

NO_CLIENT_DATA = _l("For the interpreting service only. No client data: no names, nothing "
                    "of what was said.")


class LocalDecimalField(Field):
    """A number as people type it here: 12,5 or 12.5 (never longer than a number is)."""

    widget = TextInput()

    def __init__(self, *args, places: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip().replace(" ", "")
        if not text:
            self.data = None
            return
        if len(text) > 20:
            self.data = None
            raise ValueError(_l("Enter a number, like 12,5."))
        try:
            self.data = Decimal(text.replace(",", "."))
        except InvalidOperation:
            self.data = None
            raise ValueError(_l("Enter a number, like 12,5.")) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number, like 12,5."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.{self.places}f}".replace(".", ",")


class ExpenseForm(SubForm):
    kind = SelectField(_l("Cost"), choices=choices((k.value, k.label) for k in ExpenseKind),
                       default=ExpenseKind.PARKING.value)
    amount = LocalDecimalField(_l("Amount (€)"), render_kw={"inputmode": "decimal"})
    receipt = FileField(_l("Receipt (photo or PDF)"),
                        render_kw={"accept": "image/jpeg,image/png,application/pdf"})
    # A correction keeps the receipt of the line it copies.
    keeps = HiddenField(validators=[Length(max=20)])


class SheetForm(Form):
    started = TimeField(_l("Actual start"), validators=[Optional()])
    ended = TimeField(_l("Actual end"), validators=[Optional()])
    minutes = IntegerField(_l("Actual minutes"), validators=[Optional()],
                           render_kw={"inputmode": "numeric"})
    waiting_minutes = IntegerField(
        _l("Waiting time (minutes)"), validators=[Optional()], default=0,
        description=_l("Time you waited on the spot before the conversation could start."),
        render_kw={"inputmode": "numeric"})
    no_show = BooleanField(_l("The client did not show"))
    km = LocalDecimalField(_l("Kilometres, there and back"), places=1,
                           render_kw={"inputmode": "decimal"})
    expenses = FieldList(FormField(ExpenseForm), min_entries=2, max_entries=6)
    words = IntegerField(_l("Words delivered"), validators=[Optional()],
                         render_kw={"inputmode": "numeric"})
    pages = IntegerField(_l("Pages delivered"), validators=[Optional()],
                         render_kw={"inputmode": "numeric"})
    delivered_on = DateField(_l("Delivered on"), validators=[Optional()])
    remarks = TextAreaField(_l("Remarks for the service"), description=NO_CLIENT_DATA,
                            validators=[Optional(), Length(max=2000)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)],
                           description=_l("Needed when the sheet runs over the booked "
                                          "time, and for every sheet the service files or "
                                          "corrects."))

    @property
    def expense_errors(self) -> list[str]:
        """What a rule said about the costs as a whole (not about one entry's field)."""
        return [str(error) for error in self.expenses.errors
                if not isinstance(error, list | dict)]

    def details(self) -> SheetDetails:
        expenses = []
        for row in self.expenses:
            entry = row.form
            receipt = entry.receipt.data if getattr(entry.receipt.data, "filename", "") else None
            keeps = int(entry.keeps.data) if (entry.keeps.data or "").isdigit() else None
            if entry.amount.data is None and receipt is None and keeps is None:
                continue
            expenses.append(ExpenseInput(ExpenseKind(entry.kind.data), entry.amount.data,
                                         receipt, keeps))
        return SheetDetails(
            started=self.started.data, ended=self.ended.data, minutes=self.minutes.data,
            waiting_minutes=self.waiting_minutes.data, no_show=self.no_show.data,
            km=self.km.data, expenses=expenses, words=self.words.data, pages=self.pages.data,
            delivered_on=self.delivered_on.data, remarks=self.remarks.data,
            reason=self.reason.data)

    def fill_from(self, version) -> None:
        """Start from what a version says (the service's correction)."""
        if version.started_at is not None:
            self.started.data = to_brussels(version.started_at).time()
            self.ended.data = to_brussels(version.ended_at).time()
        self.minutes.data = version.worked_minutes or None
        self.waiting_minutes.data = version.waiting_minutes
        self.no_show.data = version.no_show
        self.km.data = version.km
        self.words.data, self.pages.data = version.words, version.pages
        self.delivered_on.data = version.delivered_on
        self.remarks.data = version.remarks
        while len(self.expenses) < len(version.expenses) + 1:
            self.expenses.append_entry()
        for row, expense in zip(self.expenses, version.expenses, strict=False):
            row.form.kind.data = expense.kind.value
            row.form.amount.data = expense.amount
            row.form.keeps.data = str(expense.id)


class SettleForm(Form):
    note = TextAreaField(_l("How it is settled"), validators=[Optional(), Length(max=500)],
                         description=_l("Needed after a dispute: the parties read it."))


def dispute_form(lines: list[SheetLine]):
    """A box and a reason for each line the sheet has."""

    class DisputeForm(Form):
        def reasons(self) -> dict:
            # A line counts when its box is ticked or its reason written.
            return {line.value: self[f"reason_{line.value}"].data for line in lines
                    if self[f"line_{line.value}"].data
                    or (self[f"reason_{line.value}"].data or "").strip()}

        def line_fields(self):
            return [(line, self[f"line_{line.value}"], self[f"reason_{line.value}"])
                    for line in lines]

    for line in lines:
        setattr(DisputeForm, f"line_{line.value}", BooleanField(line.label))
        setattr(DisputeForm, f"reason_{line.value}",
                TextAreaField(_l("Why"), validators=[Optional(), Length(max=500)]))
    return DisputeForm()
