"""The MIEUX domain: what an Action is and the rules it obeys, free of storage and Prefect."""
