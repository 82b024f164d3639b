"""Per-store configuration and naming; the table schema defined once (no CDK, no network)."""
from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

import chalicelib.db as db_package
from chalicelib import db
from chalicelib.config import get_config
from chalicelib.db import schema
from chalicelib.db.models import MODELS
from chalicelib.db.store import load_store as load_store_item
from infra.store_config import STORES_DIR, Names, StoreConfigError, all_stores, load_store

EXAMPLE = (STORES_DIR / "gz-tianhe.toml").read_text(encoding="utf-8")


def write_store(tmp_path: Path, text: str, name: str = "gz-tianhe") -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_two_example_stores_load_with_their_own_settings():
    stores = {s.store_id: s for s in all_stores()}
    assert set(stores) == {"gz-tianhe", "sz-nanshan"}
    gz, sz = stores["gz-tianhe"], stores["sz-nanshan"]
    assert gz.region == "ap-east-1" and gz.public_base_url == "https://service.junda-vw.example.com"
    settings = sz.settings()
    assert settings.store_id == "sz-nanshan" and settings.sms_signature == "骏达丰田"
    assert settings.slot_minutes == 30 and settings.slot_capacity == 2
    assert settings.opening_hours["sun"] == ["08:30", "18:00"]
    assert gz.settings().opening_hours["sun"] == []        # gz-tianhe is closed on Sunday
    assert gz.settings().bays == tuple(str(n) for n in range(1, 9))


def test_online_booking_limits_come_from_the_store_file_with_safe_defaults(tmp_path):
    settings = {s.store_id: s.settings() for s in all_stores()}
    gz = settings["gz-tianhe"]
    assert (gz.verify_phone, gz.online_max_labor_minutes, gz.max_active_bookings_per_phone) == (
        True, 360, 2)
    start, end = EXAMPLE.index("[online]"), EXAMPLE.index("[limits]")
    without = load_store(write_store(tmp_path, EXAMPLE[:start] + EXAMPLE[end:])).settings()
    assert without.verify_phone is True                  # on unless a store turns it off
    assert without.online_max_labor_minutes == 360 and without.max_active_bookings_per_phone == 2
    off = EXAMPLE.replace("verify_phone = true", "verify_phone = false")
    assert load_store(write_store(tmp_path, off)).settings().verify_phone is False


def test_names_carry_the_store_and_never_meet_between_stores():
    a, b = Names("gz-tianhe"), Names("gz-tianhe-2")
    names_a = [a.stack, a.edge_stack, *a.tables().values(), a.bucket("files", "1", "ap-east-1"),
               a.bucket("site", "1", "ap-east-1"), a.resource("staff"), a.resource("alarms")]
    names_b = [b.stack, b.edge_stack, *b.tables().values(), b.bucket("files", "1", "ap-east-1"),
               b.bucket("site", "1", "ap-east-1"), b.resource("staff"), b.resource("alarms")]
    assert all("gz-tianhe" in n for n in names_a)
    assert not set(names_a) & set(names_b)
    assert len(set(names_a)) == len(names_a)
    # the app's default table prefix is what the deployment names the tables
    assert a.table("bookings") == "gz-tianhe-prod-bookings"
    assert a.table_prefix == "gz-tianhe-prod-"


@pytest.mark.parametrize("change, field", [
    (('id = "gz-tianhe"', 'id = "GZ_Tianhe"'), "store.id"),
    (('id = "gz-tianhe"', 'id = "sz-nanshan"'), "store.id"),              # file name differs
    (('timezone = "Asia/Shanghai"', 'timezone = "Asia/Beijing"'), "store.timezone"),
    (('region = "ap-east-1"', 'region = "cn-north-1"'), "deploy.region"),
    (('opening_hours = "08:00-17:30"', 'opening_hours = "17:30-08:00"'), "capacity.opening_hours"),
    (('open_days = ["mon",', 'open_days = ["monday",'), "capacity.open_days"),
    (('slot_capacity = 4 ', 'slot_capacity = 0 '), "capacity.slot_capacity"),
    (('slot_capacity = 4 ', 'slot_capacity = "4" '), "capacity.slot_capacity"),
    (('certificate_arn = "arn:aws:acm:us-east-1:', 'certificate_arn = "arn:aws:acm:ap-east-1:'),
     "deploy.certificate_arn"),
    (('signature = "骏达大众"', 'signature = "骏"'), "sms.signature"),
    (('alarm_email = "it-ops@junda-vw.example.com"', 'alarm_email = "it-ops"'), "deploy.alarm_email"),
    (('domain = "service.junda-vw.example.com"\n', ''), "deploy.domain"),
    (('verify_phone = true', 'verify_phone = "yes"'), "online.verify_phone"),
    (('max_labor_minutes = 360', 'max_labor_minutes = 0'), "online.max_labor_minutes"),
    (('max_active_bookings_per_phone = 2', 'max_active_bookings_per_phone = 0'),
     "online.max_active_bookings_per_phone"),
])
def test_a_wrong_store_file_is_refused_naming_the_field(tmp_path, change, field):
    old, new = change
    assert old in EXAMPLE
    path = write_store(tmp_path, EXAMPLE.replace(old, new, 1))
    with pytest.raises(StoreConfigError) as refused:
        load_store(path)
    assert refused.value.field == field
    assert str(path) in str(refused.value)


def test_a_store_file_that_is_not_toml_says_so(tmp_path):
    path = write_store(tmp_path, EXAMPLE + "\nthis is = = not toml\n")
    with pytest.raises(StoreConfigError) as refused:
        load_store(path)
    assert refused.value.field == "file"


def test_the_table_definitions_are_read_off_the_models():
    definitions = {d.base_name: d for d in schema.table_definitions()}
    assert list(definitions) == [m.Meta.base_name for m in MODELS]
    orders = definitions["repair_orders"]
    assert orders.partition_key == schema.Key("order_id", "S") and orders.sort_key is None
    by_name = {i.name: i for i in orders.indexes}
    assert set(by_name) == {"by_day", "by_vehicle", "in_store"}
    assert by_name["in_store"].partition_key.name == "in_store"
    assert by_name["in_store"].sort_key.name == "opened_at"
    assert definitions["links"].ttl_attribute == "expires"
    assert definitions["idempotency"].ttl_attribute == "expires"
    assert definitions["bookings"].ttl_attribute is None
    assert definitions["verifications"].ttl_attribute == "expires"


def test_code_local_stack_and_deployment_share_one_schema_function():
    """The three users import the same function object, not copies of a schema."""
    source = (Path(db_package.__file__).parent.parent.parent / "infra" / "cdk" /
              "store_stack.py").read_text(encoding="utf-8")
    assert "from chalicelib.db.schema import table_definitions" in source
    # the db layer imports it when it creates tables (not on a cold request path)
    db_source = Path(db_package.__file__).read_text(encoding="utf-8")
    assert "from .schema import table_definitions" in db_source
    from infra import store_config
    assert store_config.table_definitions is schema.table_definitions


def test_the_local_stack_creates_exactly_the_defined_tables():
    with mock_aws():
        created = db.create_tables()
        client = boto3.client("dynamodb", region_name="ap-east-1")
        assert len(created) == len(schema.table_definitions())
        for definition in schema.table_definitions():
            name = definition.table_name(get_config().table_prefix)
            table = client.describe_table(TableName=name)["Table"]
            expected = definition.create_table_request(name)
            assert table["KeySchema"] == expected["KeySchema"]
            assert sorted(table["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == \
                expected["AttributeDefinitions"]
            indexes = {i["IndexName"]: i["KeySchema"] for i in table.get("GlobalSecondaryIndexes", [])}
            assert indexes == {i["IndexName"]: i["KeySchema"]
                               for i in expected.get("GlobalSecondaryIndexes", [])}
            ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
            if definition.ttl_attribute:
                assert ttl["AttributeName"] == definition.ttl_attribute
                assert ttl["TimeToLiveStatus"] == "ENABLED"
            else:
                assert ttl["TimeToLiveStatus"] == "DISABLED"
        assert db.create_tables() == []        # a second run creates nothing


def test_seed_writes_the_store_profile_once_and_force_overwrites():
    from infra.seed import seed
    saved = dict(os.environ)
    try:
        with mock_aws():
            os.environ.update({"TABLE_PREFIX": "gz-tianhe-prod-", "STORE_ID": "gz-tianhe"})
            db.create_tables()
            first = seed("gz-tianhe")
            settings, services = load_store_item("gz-tianhe")
            assert "written" in first
            assert settings.name == "骏达大众天河4S店" and settings.slot_capacity == 4
            assert settings.workshop_hours_per_day == 64 and len(services) == 10

            from chalicelib.services.store import save_store
            save_store(settings.with_changes(slot_capacity=6), services)   # a manager's edit
            again = seed("gz-tianhe")
            assert "left as it is" in again
            assert load_store_item("gz-tianhe")[0].slot_capacity == 6
            seed("gz-tianhe", force=True)
            assert load_store_item("gz-tianhe")[0].slot_capacity == 4
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_seed_gives_a_store_set_up_before_the_price_book_its_book_and_keeps_its_settings():
    from chalicelib.db import pricebook as pricebook_db
    from chalicelib.domain.store import Service
    from chalicelib.services.store import save_store
    from infra.seed import seed
    from infra.store_config import store_by_id
    saved = dict(os.environ)
    try:
        with mock_aws():
            os.environ.update({"TABLE_PREFIX": "gz-tianhe-prod-", "STORE_ID": "gz-tianhe"})
            db.create_tables()
            # as issue 12's seed left a store: a profile (edited since) and bare catalogue items
            old = [Service(code="DIAG", name="故障诊断", name_en="Fault diagnosis", duration_min=60,
                           labor_minutes=60, price_estimate_fen=20000, category="repair")]
            save_store(store_by_id("gz-tianhe").settings().with_changes(slot_capacity=7), old)
            assert not pricebook_db.has_packages()
            assert "written" in seed("gz-tianhe")
            settings, services = load_store_item("gz-tianhe")
            assert settings.slot_capacity == 7                       # the manager's edit kept
            assert pricebook_db.has_packages() and len(services) == 10
            diag = next(s for s in services if s.code == "DIAG")
            assert diag.price_estimate_fen == 20000 and diag.lines   # same price, now its lines
            assert "left as it is" in seed("gz-tianhe")              # once only
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_restore_puts_a_point_in_time_copy_back_into_the_live_table():
    from infra.restore import copy_back
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-east-1")
        definition = next(d for d in schema.table_definitions() if d.base_name == "complaints")
        for name in ("live", "restored"):
            client.create_table(**definition.create_table_request(name))
        key = definition.partition_key.name
        client.put_item(TableName="restored", Item={key: {"S": "C1"}, "status": {"S": "open"}})
        client.put_item(TableName="live", Item={key: {"S": "C1"}, "status": {"S": "broken"}})
        client.put_item(TableName="live", Item={key: {"S": "C2"}, "status": {"S": "new"}})

        counts = copy_back(source="restored", target="live", region="ap-east-1")
        assert counts == {"written": 1, "newer": 1, "deleted": 0}
        assert client.get_item(TableName="live", Key={key: {"S": "C1"}})["Item"]["status"] == {"S": "open"}
        assert "Item" in client.get_item(TableName="live", Key={key: {"S": "C2"}})   # kept

        counts = copy_back(source="restored", target="live", region="ap-east-1", delete_newer=True)
        assert counts["deleted"] == 1
        assert "Item" not in client.get_item(TableName="live", Key={key: {"S": "C2"}})
