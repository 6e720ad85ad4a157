"""Alerts: who is told what, through which channel, and the outbox that delivers it."""
