"""The portal meets WCAG 2.1 AA: axe-core audits every portal page in Chromium.

The Comune's partners use the portal, a public administration's service:
L. 4/2004 and AgID's guidelines (EN 301 549) ask for WCAG 2.1 AA. Each page
is opened on a phone-sized screen as a coordinator and as a volunteer, axe-core
(from npm, outside the repository) runs in the page, and any violation of
levels A or AA fails the test with the rule and the elements at fault.

axe-core is looked for in ``$FAMIGLIE_AXE`` (the path of ``axe.min.js``), else
in ``$FAMIGLIE_HOME/axe/node_modules/axe-core/axe.min.js`` (by default under
``~/.local/share/odoo_famiglie_rete``), where ``.ci/run`` installs it with
``npm install --prefix <that folder>/axe axe-core@4``. Without it the test is
skipped, saying so.
"""

import base64
import os
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.tests import tagged

from .common import PortalCommon

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_path():
    if os.environ.get("FAMIGLIE_AXE"):
        return Path(os.environ["FAMIGLIE_AXE"])
    home = Path(
        os.environ.get("FAMIGLIE_HOME")
        or Path.home() / ".local" / "share" / "odoo_famiglie_rete"
    )
    return home / "axe" / "node_modules" / "axe-core" / "axe.min.js"


# Loads axe-core from the test's public attachment, audits the page against
# WCAG 2.1 A and AA and fails (console.error) with each violation's rule and
# elements.
AUDIT = """
(function () {
    const script = document.createElement("script");
    script.src = "/web/content/%(attachment)s";
    script.onerror = () => console.error("axe-core could not be loaded");
    script.onload = async () => {
        const result = await window.axe.run(document, {
            runOnly: {type: "tag", values: %(tags)s},
            resultTypes: ["violations"],
        });
        if (result.violations.length) {
            const found = result.violations.map((v) =>
                v.id + " (" + v.impact + "): " + v.help + " -> " +
                v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(" | ")
            );
            console.error("Accessibility violations on " + location.pathname +
                ":\\n" + found.join("\\n"));
        } else {
            console.log("test successful");
        }
    };
    document.head.appendChild(script);
})();
"""


@tagged("post_install", "-at_install")
class TestPortalAccessibility(PortalCommon):
    """Every portal page, on a phone, as a coordinator and as a volunteer:
    zero violations of WCAG 2.1 levels A and AA."""

    browser_size = "375x812"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # every badge and card of the to-do on the pages: goals to approve,
        # a review in two days, an intervention ending in three, and the
        # fixture's unread message
        cls.plan_a.action_submit()
        cls.review_a.date = fields.Datetime.now() + timedelta(days=2)
        cls.int_a.date_end = cls.today + timedelta(days=3)
        # a convenzione: the intervention asks for its receipts, and the
        # coordinator passes on the volunteers' expenses (/my/spese), one
        # already uploaded
        cls._under_convenzione(cls.party_a)
        cls.env["family.compensation.document"].create(
            {
                "partner_id": cls.assoc_a.id,
                "expense_type": "volunteer",
                "document_number": "B-12",
                "amount": 7.5,
                "file": base64.b64encode(b"%PDF-1.4\n%%EOF\n"),
                "name": "Biglietto del treno",
            }
        )
        path = axe_path()
        cls.axe_attachment = False
        if path.is_file():
            cls.axe_attachment = cls.env["ir.attachment"].create(
                {
                    "name": "axe.min.js",
                    "raw": path.read_bytes(),
                    "mimetype": "text/javascript",
                    "public": True,
                }
            )

    def setUp(self):
        super().setUp()
        if not self.axe_attachment:
            self.skipTest(
                f"axe-core is not installed ({axe_path()}): "
                "npm install --prefix ~/.local/share/odoo_famiglie_rete/axe axe-core@4"
            )

    def _audit(self, url, login):
        code = AUDIT % {
            "attachment": self.axe_attachment.id,
            "tags": str(WCAG_AA).replace("'", '"'),
        }
        with self.subTest(url=url, login=login):
            self.browser_js(
                url,
                code,
                # the page's scripts started (the portal's services loaded,
                # the tour service last): the audit sees the page as users do
                ready="document.readyState === 'complete' && "
                "typeof odoo.isTourReady === 'function'",
                login=login,
                timeout=120,
            )

    def _pages(self, case):
        return [
            "/my",
            "/my/famiglie",
            f"/my/famiglie/{case.id}",
            f"/my/famiglie/{case.id}/interventi/nuovo",
            f"/my/famiglie/{case.id}/interventi/{self.int_a.id}",
            "/my/verifiche",
            "/my/account",
            # a family the user may not see: the portal's own 404 page
            f"/my/famiglie/{self.case_b.id}",
        ]

    def test_coordinator(self):
        coordinator_only = [
            "/my/rendiconti",
            "/my/spese",
            "/my/monitoraggio",
            f"/my/famiglie/{self.case_a.id}/volontari",
        ]
        for url in [*self._pages(self.case_a), *coordinator_only]:
            self._audit(url, "coord_alfa")

    def test_volunteer(self):
        for url in self._pages(self.case_a):
            self._audit(url, "vol_alfa")
