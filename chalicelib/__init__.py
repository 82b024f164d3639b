"""After-sales service system for a 4S dealership (one deployment per store)."""
