"""The public JSON API (``/api/v1``): assessment, démarches and département facts, for other tools of the network."""
