"""The API's own description."""
from chalice import Blueprint, Response

from .http import JSON_HEADERS, api

meta_api = Blueprint(__name__)


@meta_api.route("/api/openapi.json", methods=["GET"])
@api
def openapi():
    from .openapi import document_json   # built on first use, once: not on the cold path
    return Response(body=document_json(), status_code=200,
                    headers={**JSON_HEADERS, "Cache-Control": "public, max-age=300"})
