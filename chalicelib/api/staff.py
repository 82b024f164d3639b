"""Staff endpoints (/api/staff/*) behind the built-in authorizer, and staff sign-in.

The authorizer verifies the Cognito ID token on every call (API Gateway in
AWS, chalice's local gateway locally and in tests): a missing, forged or
expired token is refused with 401, a token of another store with 403. Each
route then states the roles that may call it; any other role gets 403.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from chalice import AuthResponse, Blueprint, Response

from ..domain.staff import (CASHIER_DESK, COMPLAINT_DESK, DISPATCH, EVERYONE, FOLLOW_UP_DESK,
                            FRONT_DESK, MANAGERS, PHOTOGRAPHERS, QUALITY, READS_PRICES, WASH,
                            WORKSHOP, Staff)
from .http import JSON_TYPES, LazyModule, api, header, json_body, json_response, query_param

staff_api = Blueprint(__name__)

auth = LazyModule("chalicelib.services.auth")
desk = LazyModule("chalicelib.services.desk")
vehicle_file = LazyModule("chalicelib.services.vehicle_file")
orders = LazyModule("chalicelib.services.orders")
printing = LazyModule("chalicelib.services.printing")
workshop = LazyModule("chalicelib.services.workshop")
settlement = LazyModule("chalicelib.services.settlement")
followups = LazyModule("chalicelib.services.followups")
complaints = LazyModule("chalicelib.services.complaints")


class Unauthorized(Exception):
    """Raised by the authorizer: API Gateway answers 401 when the message is exactly this."""

    def __init__(self) -> None:
        super().__init__("Unauthorized")


@staff_api.authorizer(ttl_seconds=0)
def staff_authorizer(auth_request):
    from ..config import get_config
    from ..logs import log_event
    try:
        staff = auth.verify_token(auth_request.token)
    except auth.InvalidToken as exc:
        log_event("token_refused", reason=str(exc)[:100])
        raise Unauthorized() from None
    if staff.store_id != get_config().store_id:
        log_event("token_other_store", username=staff.username)
        return {"principalId": staff.username or "unknown", "context": {},
                "policyDocument": {"Version": "2012-10-17", "Statement": [{
                    "Action": "execute-api:Invoke", "Effect": "Deny",
                    "Resource": [auth_request.method_arn]}]}}
    staff = auth.with_display_name(staff)
    return AuthResponse(routes=["*"], principal_id=staff.username, context=staff.to_context())


@dataclass(frozen=True)
class StaffRoute:
    path: str
    method: str
    roles: frozenset[str]
    summary: str


STAFF_ROUTES: list[StaffRoute] = []


def staff_route(path: str, method: str, roles: frozenset[str], summary: str):
    """A staff route: behind the authorizer, open to ``roles`` only; the view gets ``staff``."""
    def register(fn: Callable[..., Any]):
        @functools.wraps(fn)
        def view(*args: Any, **kwargs: Any):
            request = staff_api.current_request
            staff = Staff.from_context((request.context or {}).get("authorizer") or {})
            staff.require(roles)
            return fn(staff, *args, **kwargs)

        STAFF_ROUTES.append(StaffRoute(path, method, roles, summary))
        kwargs: dict[str, Any] = {"methods": [method], "authorizer": staff_authorizer}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            kwargs["content_types"] = JSON_TYPES
        return staff_api.route(path, **kwargs)(api(view))
    return register


def _body() -> Any:
    return json_body(staff_api.current_request)


def _q(name: str) -> str | None:
    return query_param(staff_api.current_request, name)


# ---- sign-in (no token yet) ---------------------------------------------------------

@staff_api.route("/api/auth/login", methods=["POST"], content_types=JSON_TYPES)
@api
def login():
    return auth.login(_body())


@staff_api.route("/api/auth/new-password", methods=["POST"], content_types=JSON_TYPES)
@api
def new_password():
    return auth.new_password(_body())


@staff_api.route("/api/auth/refresh", methods=["POST"], content_types=JSON_TYPES)
@api
def refresh():
    return auth.refresh(_body())


@staff_route("/api/staff/me", "GET", EVERYONE, "Who is signed in")
def me(staff):
    return staff.view()


# ---- appointment board ------------------------------------------------------------

@staff_route("/api/staff/board", "GET", EVERYONE, "Appointment board of a day (?date=)")
def board(staff):
    return desk.board(_q("date"), staff)


@staff_route("/api/staff/calls", "GET", FRONT_DESK,
             "Confirmation calls to make: a day's bookings not yet confirmed (?date=, tomorrow)")
def call_list(staff):
    return desk.call_list(_q("date"), staff)


@staff_route("/api/staff/slots", "GET", FRONT_DESK,
             "Slots and places left for a desk booking (?date=&services=&channel=)")
def desk_slots(staff):
    return desk.desk_slots(_q("date"), _q("services"), _q("channel"))


@staff_route("/api/staff/bookings", "POST", FRONT_DESK, "Booking taken by phone or for a walk-in")
def desk_booking(staff):
    created = desk.desk_booking(_body(), staff,
                                header(staff_api.current_request, "Idempotency-Key"))
    return json_response(created, status=201)


@staff_route("/api/staff/bookings/{booking_id}", "GET", EVERYONE, "One booking, in full")
def booking_detail(staff, booking_id):
    return desk.booking_detail(booking_id, staff)


@staff_route("/api/staff/bookings/{booking_id}/prepare", "POST", FRONT_DESK,
             "Assign advisor and technician, mark parts ready")
def prepare_booking(staff, booking_id):
    return desk.prepare(booking_id, _body(), staff)


@staff_route("/api/staff/bookings/{booking_id}/confirm", "POST", FRONT_DESK,
             "The customer confirmed the visit")
def confirm_booking(staff, booking_id):
    return desk.confirm(booking_id, _body(), staff)


@staff_route("/api/staff/bookings/{booking_id}/no-show", "POST", FRONT_DESK,
             "Record a no-show with its reason")
def no_show(staff, booking_id):
    return desk.no_show(booking_id, _body(), staff)


@staff_route("/api/staff/bookings/{booking_id}/cancel", "POST", FRONT_DESK,
             "Cancel on the customer's word, with the lost-booking reason; the customer gets the SMS")
def cancel_booking(staff, booking_id):
    return desk.cancel(booking_id, _body(), staff)


@staff_route("/api/staff/bookings/{booking_id}/reschedule", "POST", FRONT_DESK,
             "Move to another slot on the customer's word; the customer gets the SMS")
def reschedule_booking(staff, booking_id):
    return desk.reschedule(booking_id, _body(), staff)


@staff_route("/api/staff/bookings/{booking_id}/calls", "POST", FRONT_DESK,
             "Record a confirmation call: confirmed, not reached, rescheduled or cancelled")
def record_booking_call(staff, booking_id):
    return desk.record_call(booking_id, _body(), staff)


# ---- customer and vehicle file -------------------------------------------------------

@staff_route("/api/staff/search", "GET", EVERYONE,
             "Find a car, customer or booking by any part of a plate, a name, a mobile or its "
             "last 4 digits, a VIN or its end (?q=)")
def search(staff):
    return vehicle_file.search(_q("q"))


@staff_route("/api/staff/customers/{customer_id}", "GET", EVERYONE, "A customer and their cars")
def get_customer(staff, customer_id):
    return vehicle_file.customer_view(customer_id, staff)


@staff_route("/api/staff/customers/{customer_id}", "PUT", FRONT_DESK, "Correct a customer's details")
def put_customer(staff, customer_id):
    return vehicle_file.update_customer(customer_id, _body(), staff)


@staff_route("/api/staff/vehicles/{vehicle_id}", "GET", EVERYONE,
             "A vehicle's file: orders, bookings, photos, documents, warranty")
def get_vehicle(staff, vehicle_id):
    return vehicle_file.vehicle_view(vehicle_id, staff)


@staff_route("/api/staff/vehicles/{vehicle_id}", "PUT", FRONT_DESK, "Correct a vehicle's details")
def put_vehicle(staff, vehicle_id):
    return vehicle_file.update_vehicle(vehicle_id, _body(), staff)


# ---- reception and repair orders -------------------------------------------------------

@staff_route("/api/staff/uploads", "POST", PHOTOGRAPHERS, "Presigned URL to upload a photo to S3")
def presign_upload(staff):
    return orders.presign_upload(_body())


@staff_route("/api/staff/checkins", "POST", FRONT_DESK,
             "Check a car in (walk-around, signed) and open its repair order")
def check_in(staff):
    return json_response(orders.check_in(_body(), staff), status=201)


@staff_route("/api/staff/orders", "GET", EVERYONE,
             "Repair orders opened on a day (?date=), or every car in the store (?scope=in_store)")
def list_orders(staff):
    return orders.orders_of_day(_q("date"), _q("scope"), staff)


@staff_route("/api/staff/orders/{order_id}", "GET", EVERYONE, "A repair order")
def get_order(staff, order_id):
    return orders.order_view(order_id, staff)


@staff_route("/api/staff/orders/{order_id}/lines", "POST", FRONT_DESK,
             "Add a labour or part line (additional work once approved)")
def add_line(staff, order_id):
    return json_response(orders.add_line(order_id, _body(), staff), status=201)


@staff_route("/api/staff/orders/{order_id}/lines/{line_id}", "PUT", FRONT_DESK,
             "Change a line not yet sent to the customer")
def update_line(staff, order_id, line_id):
    return orders.update_line(order_id, line_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/lines/{line_id}/remove", "POST", FRONT_DESK,
             "Remove a line not yet sent to the customer")
def remove_line(staff, order_id, line_id):
    return orders.remove_line(order_id, line_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/promise", "POST", FRONT_DESK,
             "Set the promised completion time (before the estimate is sent)")
def set_promise(staff, order_id):
    return orders.set_promise(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/send-approval", "POST", FRONT_DESK,
             "Send the new lines to the customer by SMS link (again, while unanswered)")
def send_approval(staff, order_id):
    return orders.send_for_approval(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/approve-in-store", "POST", FRONT_DESK,
             "The customer decides at the desk and signs")
def approve_in_store(staff, order_id):
    return orders.approve_in_store(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/lines/{line_id}/start", "POST", WORKSHOP,
             "Start work on an approved line")
def start_line(staff, order_id, line_id):
    return workshop.start_line(order_id, line_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/resend-link", "POST", FRONT_DESK,
             "Send the customer's order link (progress, report, survey) by SMS again")
def resend_order_link(staff, order_id):
    return orders.resend_order_link(order_id, _body(), staff)


# ---- workshop: dispatch, clock, quality check, wash -------------------------------------

@staff_route("/api/staff/workshop", "GET", EVERYONE,
             "Dispatch board: jobs waiting, per technician, bays, quality check, ready")
def workshop_board(staff):
    return workshop.board(staff)


@staff_route("/api/staff/orders/{order_id}/job", "GET", EVERYONE,
             "The job view of an order (施工视图): work, concern, findings, bay, promise; no prices")
def get_job(staff, order_id):
    return workshop.job(order_id)


@staff_route("/api/staff/orders/{order_id}/findings", "POST", WORKSHOP,
             "Report a finding from the bay with photos: a draft additional-work line to price")
def report_finding(staff, order_id):
    return json_response(workshop.report_finding(order_id, _body(), staff), status=201)


@staff_route("/api/staff/technicians", "GET", EVERYONE, "The store's technicians")
def list_technicians(staff):
    return {"technicians": workshop.technicians()}


@staff_route("/api/staff/orders/{order_id}/dispatch", "POST", DISPATCH,
             "Dispatch the job to a technician and bay, or hand it over")
def dispatch_job(staff, order_id):
    return workshop.dispatch(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/clock", "POST", WORKSHOP,
             "Clock the job: start, pause (with reason), resume, finish")
def clock_job(staff, order_id):
    return workshop.clock(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/quality-check", "POST", QUALITY,
             "Sign one level of the quality check (self, team_lead, final)")
def quality_check(staff, order_id):
    return workshop.quality_check(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/wash", "POST", WASH, "The car has been washed")
def wash_done(staff, order_id):
    return workshop.wash(order_id, _body(), staff)


# ---- settlement and delivery ---------------------------------------------------------------

@staff_route("/api/staff/orders/{order_id}/settle", "POST", CASHIER_DESK,
             "Settle the invoice: discount within the role's limit, payment method")
def settle_order(staff, order_id):
    return settlement.settle(order_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/deliver", "POST", FRONT_DESK,
             "Hand the car back: checklist, next service; plans the follow-up")
def deliver_order(staff, order_id):
    return settlement.deliver(order_id, _body(), staff)


# ---- follow-up and complaints --------------------------------------------------------------

@staff_route("/api/staff/followups", "GET", FOLLOW_UP_DESK,
             "Follow-up calls: overdue and due today (?date=), and the week ahead (upcoming), "
             "with survey answers")
def list_followups(staff):
    return followups.due_list(_q("date"), staff)


@staff_route("/api/staff/followups/{order_id}/calls", "POST", FOLLOW_UP_DESK,
             "Record a follow-up call: satisfied, reached, not reached (retry day), issue raised")
def record_call(staff, order_id):
    return followups.record_call(order_id, _body(), staff)


@staff_route("/api/staff/complaints", "GET", COMPLAINT_DESK,
             "Complaints: open ones first (escalated, by reply deadline), then resolved")
def list_complaints(staff):
    return complaints.complaint_list(staff)


@staff_route("/api/staff/complaints", "POST", EVERYONE, "Take down a complaint")
def create_complaint(staff):
    return json_response(complaints.create(_body(), staff), status=201)


@staff_route("/api/staff/complaints/{complaint_id}", "GET", COMPLAINT_DESK, "One complaint")
def get_complaint(staff, complaint_id):
    return complaints.complaint_detail(complaint_id, staff)


@staff_route("/api/staff/complaints/{complaint_id}/notes", "POST", COMPLAINT_DESK,
             "Record a contact or a step taken (the first is the reply)")
def complaint_note(staff, complaint_id):
    return complaints.add_note(complaint_id, _body(), staff)


@staff_route("/api/staff/complaints/{complaint_id}/assign", "POST", MANAGERS,
             "Give the complaint to another owner")
def assign_complaint(staff, complaint_id):
    return complaints.assign(complaint_id, _body(), staff)


@staff_route("/api/staff/complaints/{complaint_id}/resolve", "POST", COMPLAINT_DESK,
             "Record the resolution and whether the customer accepted it")
def resolve_complaint(staff, complaint_id):
    return complaints.resolve(complaint_id, _body(), staff)


@staff_route("/api/staff/orders/{order_id}/print", "GET", READS_PRICES,
             "Printable order, check-in sheet, invoice or report (?doc=order|checkin|invoice|report)")
def print_order(staff, order_id):
    html = printing.render_order(order_id, _q("doc") or "order", _q("lang") or None, staff)
    return Response(body=html, status_code=200, headers=printing.document_headers())

