"""Where Actions live: SQLModel tables, the database engine, migrations."""
