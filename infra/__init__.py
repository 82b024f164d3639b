"""Deployment and the local stack."""
