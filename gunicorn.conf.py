"""gunicorn's settings file (read from the working directory by default: the Dockerfile's and compose's
``gunicorn`` commands pick it up). It only stops gunicorn naming itself and its version in every response's
``Server`` header (issue 18); the proxy in front answers with its own, version-less, name."""

import gunicorn.http.wsgi

gunicorn.http.wsgi.SERVER = "lawgov"
