"""HTTP blueprints: thin routes that parse, call one service function and answer."""
