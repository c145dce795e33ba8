"""Example queries the query page offers besides the project's own (``exchange_kg/queries``)."""
