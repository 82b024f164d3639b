"""The API's own description."""
from chalice import Blueprint

from .http import api
from .openapi import document

meta_api = Blueprint(__name__)


@meta_api.route("/api/openapi.json", methods=["GET"])
@api
def openapi():
    return document()
