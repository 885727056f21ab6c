"""Webhooks: an organisation's or a service's own system is told when something happens to
its requests (docs/api.md, "Webhooks").

Subscriptions and their deliveries (``models``), the events and their payloads, queued in
the transaction of the change by the receivers of the lifecycle's signals (``events``),
the URL rule (``addresses``), the signed delivery by the background worker
(``delivery``), and the pages where contact persons, dispatchers and administrators
manage them (``services``, ``forms``, ``views``). It sits beside ``api``: it reads the
bookings and sheets it is told about and never changes them.
"""
