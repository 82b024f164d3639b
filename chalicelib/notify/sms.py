"""Sending SMS through Amazon SNS (transactional type)."""
from __future__ import annotations

import boto3

from ..config import get_config


class SmsError(Exception):
    """SNS refused or failed; the message stays in the outbox for a later try.

    ``code`` is what the logs keep (SNS's error code, or the exception's class): SNS's
    messages may quote the phone number."""

    def __init__(self, message: str, code: str = "sns_error"):
        super().__init__(message)
        self.code = code


def _error(exc: Exception) -> SmsError:
    response = getattr(exc, "response", None) or {}
    return SmsError(str(exc), code=response.get("Error", {}).get("Code") or exc.__class__.__name__)


class SnsSmsSender:
    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            self._client = boto3.client("sns", region_name=get_config().region)
        return self._client

    def is_opted_out(self, phone: str) -> bool:
        try:
            answer = self.client.check_if_phone_number_is_opted_out(phoneNumber=phone)
        except Exception as exc:  # botocore ClientError, throttling, network
            raise _error(exc) from exc
        return bool(answer.get("isOptedOut"))

    def publish(self, phone: str, text: str) -> str:
        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        sender_id = get_config().sms_sender_id
        if sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": sender_id}
        try:
            answer = self.client.publish(PhoneNumber=phone, Message=text,
                                         MessageAttributes=attributes)
        except Exception as exc:
            raise _error(exc) from exc
        return answer["MessageId"]
