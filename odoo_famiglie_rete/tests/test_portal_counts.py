"""The portal's counts stop where the page needs them, and the association
rules read a share's own copy of its case's restriction."""

import json
import re
from unittest.mock import patch

from odoo.tests import tagged

from ..controllers.portal.common import FamilyPortalCommon
from .common import PortalCommon, new_share


@tagged("post_install", "-at_install")
class TestPortalCounts(PortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Case = cls.env["family.case"]
        # five more families shared with association A: seven in all
        cls.more_cases = Case.create(
            [
                {"name": f"Famiglia Extra {i}", "user_id": cls.worker.id}
                for i in range(5)
            ]
        )
        for case in cls.more_cases:
            new_share(cls.env, case, cls.assoc_a)

    def _counters(self, *names):
        response = self.url_open(
            "/my/counters",
            data=json.dumps({"params": {"counters": list(names)}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        return response.json()["result"]

    def test_home_counter_stops_at_its_limit(self):
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertEqual(self._counters("family_case_count")["family_case_count"], 7)
        with patch.object(FamilyPortalCommon, "_family_counter_limit", 5):
            self.assertEqual(
                self._counters("family_case_count")["family_case_count"], "5+"
            )

    def test_pager_counts_only_the_pages_it_shows(self):
        """Seven families, one per page, the pager showing two pages ahead:
        the count stops at four (page 1, the two after it and one more
        family), so the pager links to pages 2 to 4, never to page 7."""
        self.authenticate("coord_alfa", "coord_alfa")
        with (
            patch.object(FamilyPortalCommon, "_items_per_page", 1),
            patch.object(FamilyPortalCommon, "_family_pager_scope", 2),
        ):
            response = self.url_open("/my/famiglie")
        self.assertEqual(response.status_code, 200)
        pages = {int(p) for p in re.findall(r"/my/famiglie/page/(\d+)", response.text)}
        self.assertEqual(max(pages), 4)

    def test_restricted_case_closes_its_shares(self):
        """Restricting a case after it was shared closes it to the association
        at once (the share's copy of the flag follows the case)."""
        case = self.more_cases[0]
        share = case.share_ids
        self.assertFalse(share.case_restricted)
        self.authenticate("coord_alfa", "coord_alfa")
        self.assertEqual(self.url_open(f"/my/famiglie/{case.id}").status_code, 200)
        case.restricted = True
        self.assertTrue(share.case_restricted)
        self.assertEqual(self.url_open(f"/my/famiglie/{case.id}").status_code, 404)
        coord = self.coord_a
        self.assertFalse(
            self.env["family.case"].with_user(coord).search([("id", "=", case.id)])
        )
        self.assertFalse(
            self.env["family.case.share"]
            .with_user(coord)
            .search([("id", "=", share.id)])
        )
