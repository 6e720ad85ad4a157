"""Settings and the facility file; built once at start-up and passed down, never at import."""
