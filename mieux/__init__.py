"""mieux-engine: the application layer (services, CLI) over domain/, states/ and store/."""
