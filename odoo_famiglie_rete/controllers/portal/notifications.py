"""Portal: an association user's notification e-mails, on their account page."""

from odoo import http
from odoo.http import request

from .common import FamilyPortalCommon


class FamilyPortalNotifications(FamilyPortalCommon):
    @http.route(
        "/my/account/notifiche",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_notifications(self, **post):
        """Turn the notification e-mails on or off (the portal notifications,
        the to-do of the family list, stay)."""
        user = request.env.user
        if not (user.share and user.family_portal_role):
            raise request.not_found()
        # a field of the user's own that Odoo lets them write
        user.write({"family_notify_email": bool(post.get("family_notify_email"))})
        return request.redirect(
            "/my/account?notifications_saved=1#family_notifications"
        )
