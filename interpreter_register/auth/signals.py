"""Changes of accounts that the areas above act on (a leaver's calendar feeds stop)."""

from blinker import Namespace

_signals = Namespace()

user_deactivated = _signals.signal(
    "user-deactivated", doc="An account was deactivated, by itself or with its organisation "
                            "or service (sender: the User).")
