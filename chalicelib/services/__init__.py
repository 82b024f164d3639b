"""Use cases: each route calls one function here; they join domain rules and storage."""
