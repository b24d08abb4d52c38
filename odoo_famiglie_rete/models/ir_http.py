from odoo import models
from odoo.http import request

# The portal's pages of a family: an id the user may not see answers 404.
FAMILY_PORTAL_PATH = "/my/famiglie/"


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_error_html(cls, env, code, values):
        """An association user who opens a family of the portal they may not
        see (not shared with the association, not assigned to the
        volunteer, or no such family) gets a page in their language that says
        what to do, still with the status 404 and without telling whether the
        family exists."""
        if (
            code == 404
            and request
            and request.httprequest.path.startswith(FAMILY_PORTAL_PATH)
            and env.user.share
            and not env.user._is_public()
        ):
            return code, env["ir.ui.view"]._render_template(
                "odoo_famiglie_rete.portal_family_not_found", values
            )
        return super()._get_error_html(env, code, values)
