"""The Chalice app: registers the blueprints and the scheduled functions."""
import gc
import logging

gc.disable()   # lean (issue 14): no collection while the app loads (api/http.py loading_modules)
from chalice import Chalice, Rate  # noqa: E402

from chalicelib.api.customer import customer_api  # noqa: E402
from chalicelib.api.http import api_error_shape, security_headers  # noqa: E402
from chalicelib.api.meta import meta_api  # noqa: E402
from chalicelib.api.staff import staff_api  # noqa: E402
# the manager's administration: routes on staff_api, registered when imported
from chalicelib.api import accounts, pricebook, settings  # noqa: F401,E402  isort: skip
# issue 15, part CALLS: retention calls, contact log, marketing consent
from chalicelib.api import care_calls  # noqa: F401,E402  isort: skip
from chalicelib.api import campaigns  # noqa: F401,E402  issue 15 part CAMPAIGNS  isort: skip
gc.freeze()    # what loaded lives as long as the process: out of the collector's sight
gc.enable()

app = Chalice(app_name="aftersales")
app.log.setLevel(logging.INFO)   # Chalice sets ERROR without debug; log_event lines are INFO
app.register_middleware(security_headers, "http")   # the outer one: sees every final answer
app.register_middleware(api_error_shape, "http")
app.register_blueprint(customer_api)
app.register_blueprint(meta_api)
app.register_blueprint(staff_api)
# the price book's export (.xlsx) is a binary answer; the portal asks for it with this Accept
app.api.binary_types.append(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@app.schedule(Rate(1, unit=Rate.MINUTES))
def outbox_sweep(event):
    """Publish due SMS (confirmations, reminders...) from the outbox."""
    from chalicelib.notify.sweep import run_sweep
    return run_sweep().counts


# fastsms: the outbox table's stream. Chalice writes this ARN into the template as it is; the
# deployment (infra/cdk/store_stack.py) replaces it with the store's outbox stream, and the
# local stack (infra/local/streams.py) feeds the same handler from the embedded endpoint.
OUTBOX_STREAM = "arn:aws:dynamodb:ap-east-1:000000000000:table/outbox/stream/set-by-deployment"


@app.on_dynamodb_record(stream_arn=OUTBOX_STREAM, batch_size=10, starting_position="LATEST")
def outbox_fast_path(event):
    """Publish a message due at once (confirmation, reschedule, cancellation, approval request,
    complaint acknowledgement...) seconds after its transaction, not at the next sweep."""
    from chalicelib.db.outbox import from_stream_image
    from chalicelib.notify.sweep import run_fast_path
    return run_fast_path([from_stream_image(record.new_image) for record in event
                          if record.event_name in ("INSERT", "MODIFY") and record.new_image]).counts


@app.schedule(Rate(15, unit=Rate.MINUTES))
def complaint_escalation(event):
    """Complaints unresolved past their escalation time (2 days) go to the manager."""
    from chalicelib.services.complaints import run_escalation
    return run_escalation()


# issue 15 part CAMPAIGNS: scheduled campaigns whose send time passed are sent (resumable)
@app.schedule(Rate(5, unit=Rate.MINUTES))
def campaign_send(event):
    """Invite the members of campaigns whose send time passed (a cursor: resumes next run;
    the daily SMS budget full: the next day)."""
    from chalicelib.services.campaigns import send_due
    return send_due()
# care (issue 15, part CORE): the daily job (每日关怀任务); it acts once a day, from the
# store's care_run_at (store time)
@app.schedule(Rate(15, unit=Rate.MINUTES))
def care_daily(event):
    """Plan the day's care invitations (SMS with a personal link, the clerk's calls)."""
    from chalicelib.services.care import run_daily
    return run_daily()
