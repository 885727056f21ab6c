"""The work of the completion sheets: filing and correcting (``filing``), the requester's
answer (``answers``), what the scheduler does (``followup``) and the lists the pages show
(``lists``)."""
