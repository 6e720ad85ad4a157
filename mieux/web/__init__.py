"""The web pages people outside the team use: evaluation forms answered through their own link."""
