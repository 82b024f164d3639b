"""The local stack: moto server, tables, demo store, static sites and API on one origin."""
