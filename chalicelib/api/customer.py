"""Customer endpoints (no login): API.md, "Customer endpoints"."""
from __future__ import annotations

from chalice import Blueprint, Response

from .http import (JSON_TYPES, LazyModule, accepts_page, api, header, json_body, json_response,
                   query_param)

customer_api = Blueprint(__name__)

bookings = LazyModule("chalicelib.services.bookings")
availability = LazyModule("chalicelib.services.availability")   # GET /api/slots alone (issue 14)
orders = LazyModule("chalicelib.services.orders")
customer_orders = LazyModule("chalicelib.services.customer_orders")
verification = LazyModule("chalicelib.services.verification")
invitations = LazyModule("chalicelib.services.invitations")   # issue 15: INVITE


@customer_api.route("/api/store", methods=["GET"])
@api
def get_store():
    return bookings.store_profile()


@customer_api.route("/api/services", methods=["GET"])
@api
def get_services():
    return bookings.service_catalogue()


@customer_api.route("/api/slots", methods=["GET"])
@api
def get_slots():
    request = customer_api.current_request
    return availability.slots_for(query_param(request, "date"), query_param(request, "services"))


@customer_api.route("/api/verifications", methods=["POST"], content_types=JSON_TYPES)
@api
def request_verification():
    request = customer_api.current_request
    return json_response(verification.request_code(json_body(request)), status=202)


@customer_api.route("/api/bookings", methods=["POST"], content_types=JSON_TYPES)
@api
def create_booking():
    request = customer_api.current_request
    created = bookings.create_booking(json_body(request),
                                      idempotency_key=header(request, "Idempotency-Key"))
    return json_response(created, status=201)


@customer_api.route("/api/bookings/{booking_id}", methods=["GET"])
@api
def get_booking(booking_id):
    request = customer_api.current_request
    return bookings.customer_booking(booking_id, query_param(request, "token"))


@customer_api.route("/api/bookings/{booking_id}/reschedule", methods=["POST"], content_types=JSON_TYPES)
@api
def reschedule_booking(booking_id):
    request = customer_api.current_request
    return bookings.reschedule_booking(booking_id, query_param(request, "token"), json_body(request))


@customer_api.route("/api/bookings/{booking_id}/cancel", methods=["POST"], content_types=JSON_TYPES)
@api
def cancel_booking(booking_id):
    request = customer_api.current_request
    return bookings.cancel_booking(booking_id, query_param(request, "token"), json_body(request))


@customer_api.route("/api/orders/{order_id}/approval", methods=["GET"])
@api
def get_approval(order_id):
    request = customer_api.current_request
    return orders.customer_approval(order_id, query_param(request, "token"))


@customer_api.route("/api/orders/{order_id}/approval", methods=["POST"], content_types=JSON_TYPES)
@api
def decide_approval(order_id):
    request = customer_api.current_request
    return orders.customer_decide(order_id, query_param(request, "token"), json_body(request))


@customer_api.route("/api/orders/{order_id}/status", methods=["GET"])
@api
def order_status(order_id):
    request = customer_api.current_request
    return customer_orders.customer_status(order_id, query_param(request, "token"))


@customer_api.route("/api/orders/{order_id}/survey", methods=["POST"], content_types=JSON_TYPES)
@api
def answer_survey(order_id):
    request = customer_api.current_request
    return customer_orders.customer_survey(order_id, query_param(request, "token"),
                                           json_body(request))


@customer_api.route("/api/orders/{order_id}/complaint", methods=["POST"], content_types=JSON_TYPES)
@api
def customer_complaint(order_id):
    request = customer_api.current_request
    return json_response(customer_orders.customer_complaint(
        order_id, query_param(request, "token"), json_body(request)), status=201)


@customer_api.route("/api/invitations/{invitation_id}", methods=["GET"])
@api
def get_invitation(invitation_id):
    request = customer_api.current_request
    return invitations.prefill(invitation_id, query_param(request, "token"))


@customer_api.route("/api/invitations/{invitation_id}/unsubscribe", methods=["POST"],
                    content_types=JSON_TYPES)
@api
def unsubscribe(invitation_id):
    request = customer_api.current_request
    return invitations.unsubscribe(invitation_id, query_param(request, "token"))


@customer_api.route("/l/{code}", methods=["GET"])
@api
def short_link(code):
    target = bookings.resolve_link(code, browser=accepts_page(customer_api.current_request))
    return Response(body="", status_code=302,
                    headers={"Location": target, "Cache-Control": "no-store"})
