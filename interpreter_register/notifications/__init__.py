"""Mails about requests and bookings: the receivers of the bookings area's signals.

Importing ``notifications.bookings`` connects them (the application factory does).
"""
