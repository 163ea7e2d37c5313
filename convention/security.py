"""HTTP security headers for every response."""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register_security_headers(app: Flask) -> None:
    hsts = (
        [("Strict-Transport-Security", "max-age=31536000; includeSubDomains")]
        if app.config.get("SESSION_COOKIE_SECURE")
        else []
    )
    # One pass over the response's headers: a header a view set itself is kept.
    added = [(name.lower(), name, value) for name, value in [*HEADERS.items(), *hsts]]

    @app.after_request
    def add_headers(response: Response) -> Response:
        present = {name.lower() for name, _value in response.headers.items()}
        response.headers.extend(
            [(name, value) for lowered, name, value in added if lowered not in present]
        )
        return response
