"""Retention calls (邀约电话), the contact log (电话登记表) and marketing consent (issue 15,
part CALLS): routes on staff_api, registered when app.py imports this module. Who phones
customers (the follow-up clerk, the advisor, the manager) works them; a technician never."""
from __future__ import annotations

from ..domain.staff import CALLS_CUSTOMERS
from .http import LazyModule, json_response
from .staff import _body, _q, staff_route

retention = LazyModule("chalicelib.services.retention")


@staff_route("/api/staff/care/calls", "GET", CALLS_CUSTOMERS,
             "Retention calls: overdue (14 days at most), due on the day (?date=), the week ahead")
def care_calls(staff):
    return retention.call_list(_q("date"), staff)


@staff_route("/api/staff/care/invitations/{invitation_id}/calls", "POST", CALLS_CUSTOMERS,
             "Record a retention call: booked, not_reached (retry_on), not_now (next_on), "
             "lost (reason)")
def care_call(staff, invitation_id):
    return retention.record_call(invitation_id, _body(), staff)


@staff_route("/api/staff/customers/{customer_id}/contacts", "GET", CALLS_CUSTOMERS,
             "A customer's contact log, newest first: care SMS, calls in and out")
def customer_contacts(staff, customer_id):
    return retention.contacts(customer_id)


@staff_route("/api/staff/customers/{customer_id}/contacts", "POST", CALLS_CUSTOMERS,
             "Log a call in or out on the customer (电话登记表)")
def log_contact(staff, customer_id):
    return json_response(retention.log_contact(customer_id, _body(), staff), status=201)


@staff_route("/api/staff/customers/{customer_id}/consent", "PUT", CALLS_CUSTOMERS,
             "The customer's marketing SMS consent, as told at the desk or on the phone")
def customer_consent(staff, customer_id):
    return retention.set_consent(customer_id, _body(), staff)
