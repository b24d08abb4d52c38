from . import models
from . import wizards
from . import report
from . import controllers
from . import demo


def _family_post_load():
    """A clean 503 page while PostgreSQL cannot be reached (http_outage.py)."""
    from . import http_outage

    http_outage.patch()
