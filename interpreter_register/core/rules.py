"""The one exception services raise when a business rule refuses a change."""


class RuleError(Exception):
    """A change a rule refuses; ``message`` is translated, ``field`` names the form field.

    A form's checks report everything wrong at once (``RuleError.all_of``): the person
    fixes the whole form in one go instead of meeting one refusal per submission.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.problems = [(message, field)]

    @classmethod
    def all_of(cls, problems) -> "RuleError | None":
        """One error that carries every (message, field) of ``problems``; None if none."""
        problems = list(problems)
        if not problems:
            return None
        error = cls(*problems[0])
        error.problems = problems
        return error


def show_on_form(form, error: RuleError) -> None:
    """Put a service's refusals next to the fields they concern (or on top of the form)."""
    for message, name in error.problems:
        field = getattr(form, name, None) if name else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
