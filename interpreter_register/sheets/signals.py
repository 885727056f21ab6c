"""What happens to completion sheets, announced to whoever must tell someone (the sheets
area writes its own mails; a layer above it may want to know too)."""

from blinker import Namespace

_signals = Namespace()

sheet_to_confirm = _signals.signal(
    "sheet-to-confirm", doc="A sheet was filed and waits for the requester's confirmation "
                            "(sender: the CompletionSheet).")
