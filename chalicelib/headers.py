"""Security headers: the one definition for pages, API answers and print documents.

Used by the Lambda (``security_headers`` middleware in api/http.py: every API answer), the
local web server (infra/local/server.py: pages and API) and the deployment
(infra/cdk/store_stack.py: CloudFront response-headers policies on every behaviour, which
add HSTS too; browsers ignore HSTS over the local stack's plain HTTP).

- Scripts only from our own files: no inline script, no inline event handler, no eval.
- Styles may be inline (``'unsafe-inline'`` for styles only): the print documents carry
  their stylesheet inside (they are written into a print window and must print on their
  own) and a few elements have a style attribute. CSS cannot run script; escaping (esc() in
  the pages, Jinja's autoescape in the documents) stays the defence against injection.
- Photos and signatures come from, and uploads go to, the files bucket (presigned URLs).
- No referrer at all: customer links carry their token in the URL.
- No framing by anyone (frame-ancestors and X-Frame-Options for older browsers).
"""
from __future__ import annotations

REFERRER_POLICY = "no-referrer"
FRAME_OPTIONS = "DENY"
HSTS_MAX_AGE = 2 * 365 * 24 * 3600     # Strict-Transport-Security, with subdomains: deployment only

COMMON = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": FRAME_OPTIONS,
          "Referrer-Policy": REFERRER_POLICY}

# JSON answers load nothing; a redirect (/l/...) neither.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def files_url(endpoint_url: str, bucket: str) -> str:
    """Where presigned photo and signature URLs point (path-style addresses, services/files.py)."""
    return f"{endpoint_url.rstrip('/')}/{bucket}/"


def page_csp(files: str) -> str:
    """The booking site, the customer's pages and the portal (and the print window it opens)."""
    return "; ".join([
        "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob: {files}", f"connect-src 'self' {files}",
        "font-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
        "frame-ancestors 'none'"])


def print_csp(files: str) -> str:
    """A print document on its own: its inline stylesheet and the signatures, nothing else."""
    return ("default-src 'none'; style-src 'unsafe-inline'; "
            f"img-src {files}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def page_headers(files: str) -> dict[str, str]:
    return {"Content-Security-Policy": page_csp(files), **COMMON}


def api_headers() -> dict[str, str]:
    return {"Content-Security-Policy": API_CSP, **COMMON}
