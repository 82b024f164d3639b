"""Business rules in plain Python: no boto3, no Chalice."""
