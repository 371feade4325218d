"""What every browser test does to a new page: keep it local and collect its errors."""
from urllib.parse import urlparse


def watch(page):
    """Keep ``page`` on this machine and collect what goes wrong on it.

    Every request that is neither a ``data:`` URL nor to 127.0.0.1/localhost is aborted and
    recorded in ``blocked``; console errors and uncaught page errors go to ``errors``. Returns
    ``(errors, blocked)``, two lists that fill as the page runs.
    """
    errors, blocked = [], []

    def route(r):
        host = urlparse(r.request.url).hostname
        if r.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors, blocked
