"""The local web app: ``greentex serve`` (optional extra ``greentex[web]``). The app module is
imported on first use, so the package (and its templates) load without the extra."""

__all__ = ["create_app"]


def __getattr__(name):
    if name == "create_app":
        from greentex.web.app import create_app

        return create_app
    raise AttributeError(f"module 'greentex.web' has no attribute {name!r}")
