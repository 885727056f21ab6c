"""The API for the systems organisations and services already use (docs/api.md).

Keys (``models``, ``keys``), the web pages where contact persons and administrators
manage them (``views``), and ``/api/v1`` itself (``v1``), with its problem documents
(``problems``). It sits with the other areas built on everything below: it calls the
services of bookings and organisations, never their rules' copies.
"""
