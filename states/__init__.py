"""State machines, one short file each, that read as data."""
