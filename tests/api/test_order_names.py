"""The order page names staff as people read them (issue 12): the job's technician, the clock's
hours per technician and a finding's reporter carry display names (王师傅), not logins."""
from __future__ import annotations

from tests.api.test_workshop_to_followup import approved_order


def test_the_order_view_names_the_technician_the_clock_and_the_finder_by_display_name(
        api, staff, clock):
    advisor = staff.as_("advisor")
    order = approved_order(api, advisor, clock)
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician", "bay": "2"}).json_body
    tech = staff.as_("technician")
    order = tech.post(f"{path}/clock", {"version": order["version"], "action": "start"}).json_body
    found = tech.post(f"{path}/findings", {"version": order["version"],
                                           "description": "右后刹车片磨损"})
    assert found.status_code == 201, found.json_body

    view = advisor.get(path).json_body
    assert view["job"]["technician"] == "technician" and "technician" in view["job"]["worked_minutes"]
    assert view["lines"][-1]["found_by"] == "technician"
    # every login the page shows has its display name beside it
    assert view["names"] == {"technician": "王师傅"}

    job = tech.get(path).json_body                   # the technician's job view too
    assert job["view"] == "job" and job["names"] == {"technician": "王师傅"}


def test_the_names_come_from_the_cached_directory_not_a_call_per_entry(api, staff, clock, monkeypatch):
    from chalicelib.services import auth

    advisor = staff.as_("advisor")
    order = approved_order(api, advisor, clock)
    path = f"/api/staff/orders/{order['id']}"
    order = staff.as_("foreman").post(f"{path}/dispatch", {
        "version": order["version"], "technician": "technician"}).json_body
    tech = staff.as_("technician")
    for action in ("start", "pause", "resume"):
        body = {"version": order["version"], "action": action,
                **({"reason": "parts"} if action == "pause" else {})}
        order = tech.post(f"{path}/clock", body).json_body
        assert order["job"]["technician"] == "technician", order

    listed = []
    real = auth._cognito

    class Counting:
        def __getattr__(self, name):
            return getattr(real(), name)

        def get_paginator(self, operation):
            listed.append(operation)
            return real().get_paginator(operation)

    monkeypatch.setattr(auth, "_cognito", Counting)
    auth.forget_directory()
    assert advisor.get(path).json_body["names"] == {"technician": "王师傅"}
    # one listing per role, whatever the number of clock entries: the signed-in advisor's (their
    # own name, auth.with_display_name) and the technicians' (the page's names)
    assert listed == ["list_users_in_group"] * 2
    assert advisor.get(path).json_body["names"] == {"technician": "王师傅"}
    assert listed == ["list_users_in_group"] * 2       # then from the cache
