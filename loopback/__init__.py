"""Real servers on loopback for the tests and the benchmarks: PostgreSQL started as an unprivileged
user, an SMTP server and an HTTP receiver for chat webhooks. Not part of the engine."""
