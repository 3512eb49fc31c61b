"""Durable notifications: an SQLite outbox and the loop that delivers it through a transport."""
