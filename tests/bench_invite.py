"""Issue 15, part INVITE: what an invitation's personal link costs, in DynamoDB requests
counted at the embedded endpoint (store profile cached), each figure with its goal.

    .venv/bin/python -m tests.bench_invite
"""
from __future__ import annotations

import logging
import os
from datetime import timedelta


def invite_lines() -> list[str]:
    from chalicelib import clock
    from chalicelib.config import get_config
    from chalicelib.db import records
    from chalicelib.domain.care import Invitation, new_invitation_id
    from chalicelib.domain.staff import Staff
    from chalicelib.domain.tokens import sign_invitation
    from chalicelib.services import bookings, invitations, orders
    from chalicelib.services.store import current_store
    from tests.bench import _fmt, _open_day, _start_stack, _today
    from tests.factories import booking_body, checkin_body

    from chalicelib.services.store import save_store
    from infra.local.demo import demo_services
    aws = _start_stack()
    # verification on, as the demo store has it (an earlier figure may have turned it off)
    save_store(current_store().settings.with_changes(verify_phone=True), demo_services())
    day = _open_day(_today() + timedelta(days=2))
    now = clock.now()
    inv = Invitation(
        id=new_invitation_id(), kind="service", vehicle_id="veh_b", customer_id="cus_b",
        plate="粤B12345", model="Lavida", customer_name="王先生", phone="+8613800138000",
        locale="zh-CN", due_on=day.isoformat(), created_at=now.isoformat(),
        services=("MAINT_10K",), mileage_km=15800, status="sent", sent_at=now.isoformat(),
        call_status="open", call_due=day.isoformat())
    records.save(records.Changes(invitations=[(inv, True)]))
    token = sign_invitation(get_config().secret_key, inv.id)

    def measure(action):
        aws.app.requests.clear()
        result = action()
        return result, _fmt(dict(aws.app.requests))

    rows = []
    _, calls = measure(lambda: invitations.prefill(inv.id, token))
    rows.append(("link opened, first time", calls, "1 GetItem + 1 TransactWriteItems (opened)"))
    _, calls = measure(lambda: invitations.prefill(inv.id, token))
    rows.append(("link opened again", calls, "1 GetItem"))
    body = booking_body(slot_start=f"{day.isoformat()}T09:00:00+08:00",
                        customer={"phone": "138****8000"},
                        invitation={"id": inv.id, "token": token}, marketing_consent=True)
    created, calls = measure(lambda: bookings.create_booking(body))
    rows.append(("booking from the link (no SMS code)", calls,
                 "1 GetItem + 1 Query (by_phone) + 1 TransactWriteItems"))
    advisor = Staff(username="advisor", name="张顾问", roles=frozenset({"advisor"}),
                    store_id="demo")
    _, calls = measure(lambda: orders.check_in(checkin_body(booking_id=created["id"]), advisor))
    rows.append(("check-in of that booking", calls,
                 "1 BatchGetItem + 1 GetItem (invitation) + 1 TransactWriteItems"))
    _, calls = measure(lambda: invitations.unsubscribe(inv.id, token))
    rows.append(("unsubscribe", calls, "1 GetItem + 1 BatchGetItem + 1 TransactWriteItems"))
    _, calls = measure(lambda: invitations.unsubscribe(inv.id, token))
    rows.append(("  unsubscribe again", calls, "1 GetItem + 1 BatchGetItem, no write"))
    aws.stop()
    return [f"  {name:42s} {got:60s} goal: {goal}" for name, got, goal in rows]


if __name__ == "__main__":
    os.environ.setdefault("APP_SECRET_KEY", "bench")
    logging.disable(logging.INFO)
    print("Invitation links (issue 15, INVITE):")
    for line in invite_lines():
        print(line)
