"""The local web app: ``greentex serve`` (optional extra ``greentex[web]``)."""

from greentex.web.app import create_app

__all__ = ["create_app"]
