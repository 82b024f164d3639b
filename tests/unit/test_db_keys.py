"""Reads by a key no item can have never reach DynamoDB (which refuses them with an error)."""
from chalicelib import db


class RefusingModel:
    """Stands for a table: DynamoDB answers ValidationException to an empty or >2048-byte key."""

    @classmethod
    def get(cls, key, consistent_read=True):
        raise AssertionError(f"DynamoDB was asked for a key of {len(key)} characters")


def test_an_impossible_key_is_not_found_without_asking_dynamodb():
    for key in ("", "x" * 2049, "粤" * 683):   # 683 x 3 bytes = 2049 bytes
        assert db.get_item(RefusingModel, key, lambda item: item) is None
