"""Prefect flows: thin wrappers that validate parameters, call the engine, and show it in the UI."""
