from openapi_spec_validator import validate


def test_every_route_is_documented_and_the_document_is_valid(api):
    from app import app
    document = api.get("/api/openapi.json").json_body
    validate(document)
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routes = {(path, method) for path, methods in app.routes.items() for method in methods}
    assert routes <= documented, routes - documented
