from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import NetworkCommon, new_protocol


@tagged("post_install", "-at_install")
class TestFamilyProtocol(NetworkCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.assoc_c = cls.env["res.partner"].create(
            {"name": "Centro Aiuto alla Vita", "is_company": True}
        )
        cls.Protocol = cls.env["family.protocol"]

    def _goal(self, party):
        plan = self.env["family.plan"].create({"case_id": self.case_a.id})
        return self.env["family.plan.goal"].create(
            {"plan_id": plan.id, "name": "Pay the rent", "party_id": party.id}
        )

    # ------------------------------------------------------------------
    # Dates and state
    # ------------------------------------------------------------------
    def test_end_before_start_refused(self):
        with self.assertRaisesRegex(
            ValidationError, "The end of validity cannot be before its start"
        ):
            new_protocol(
                self.env,
                self.assoc_c,
                date(2025, 12, 31),
                date(2025, 1, 1),
                confirm=False,
            )
        protocol = new_protocol(
            self.env, self.assoc_c, date(2025, 1, 1), date(2025, 12, 31), confirm=False
        )
        with self.assertRaisesRegex(
            ValidationError, "The end of validity cannot be before its start"
        ):
            protocol.date_end = date(2024, 12, 31)

    def test_confirm_needs_members(self):
        protocol = new_protocol(
            self.env, self.assoc_c, date(2025, 1, 1), date(2025, 12, 31), confirm=False
        )
        protocol.party_ids = [Command.clear()]
        with self.assertRaisesRegex(
            UserError, "Add the member associations before confirming"
        ):
            protocol.action_confirm()

    def test_member_becomes_network_member(self):
        self.assertFalse(self.assoc_c.is_family_network_member)
        new_protocol(
            self.env, self.assoc_c, date(2025, 1, 1), date(2025, 12, 31), confirm=False
        )
        self.assertTrue(self.assoc_c.is_family_network_member)

    def test_state_follows_dates_when_written(self):
        today = fields.Date.context_today(self.Protocol)
        protocol = new_protocol(
            self.env,
            self.assoc_c,
            today - timedelta(days=10),
            today + timedelta(days=10),
            confirm=False,
        )
        self.assertEqual(protocol.state, "draft", "Not confirmed yet.")
        protocol.action_confirm()
        self.assertEqual(protocol.state, "active")
        self.assertEqual(protocol.party_ids.state, "active")
        protocol.date_end = today - timedelta(days=1)
        self.assertEqual(protocol.state, "expired")
        self.assertEqual(protocol.party_ids.state, "expired")
        protocol.date_end = today
        self.assertEqual(protocol.state, "active", "Valid through its last day.")
        protocol.write(
            {
                "date_start": today + timedelta(days=1),
                "date_end": today + timedelta(days=30),
            }
        )
        self.assertEqual(protocol.state, "draft", "Confirmed, not started yet.")
        protocol.date_start = today
        self.assertEqual(protocol.state, "active")
        protocol.action_reset_draft()
        self.assertEqual(protocol.state, "draft")
        self.assertEqual(protocol.party_ids.state, "draft")

    def test_cron_expires_protocol(self):
        with freeze_time("2025-06-01"):
            protocol = new_protocol(
                self.env, self.assoc_c, date(2025, 1, 1), date(2025, 12, 31)
            )
            self.assertEqual(protocol.state, "active")
            self.assertEqual(protocol.party_ids.state, "active")
            self.assertTrue(self.assoc_c._family_has_active_protocol())
            kept = self._intervention(self.assoc_c, date(2025, 6, 1))
        with freeze_time("2025-12-31"):
            self.Protocol._cron_update_state()
            self.assertEqual(protocol.state, "active", "Its last day is still valid.")
        with freeze_time("2026-01-01"):
            # Nothing was written: the stored state waits for the cron.
            self.assertEqual(protocol.state, "active")
            self.env.ref(
                "odoo_famiglie_rete.ir_cron_family_protocol_state"
            ).method_direct_trigger()
            self.assertEqual(protocol.state, "expired")
            self.assertEqual(protocol.party_ids.state, "expired")
            self.assertFalse(self.assoc_c._family_has_active_protocol())
            # An expired protocol blocks new interventions and goals ...
            with self.assertRaisesRegex(
                ValidationError,
                "has no active protocol: it cannot be given new interventions",
            ):
                self._intervention(self.assoc_c, date(2026, 1, 1))
            with self.assertRaisesRegex(
                ValidationError, "has no active protocol: it cannot be given new goals"
            ):
                self._goal(self.assoc_c)
            with self.assertRaisesRegex(
                ValidationError,
                "has no active protocol: it cannot be given new interventions",
            ):
                self._intervention(
                    self.assoc_a, date(2026, 1, 1)
                ).provider_id = self.assoc_c
            # ... but the ones already given can still be brought to an end.
            kept.action_done()
            self.assertEqual(kept.state, "done")
            # The associations of another active protocol are not affected.
            self._intervention(self.assoc_a, date(2026, 1, 1))
            self._goal(self.assoc_a)

    def test_cron_activates_confirmed_protocol(self):
        with freeze_time("2025-06-01"):
            protocol = new_protocol(
                self.env, self.assoc_c, date(2025, 7, 1), date(2026, 6, 30)
            )
            self.assertTrue(protocol.confirmed)
            self.assertEqual(protocol.state, "draft")
            with self.assertRaisesRegex(
                ValidationError,
                "has no active protocol: it cannot be given new interventions",
            ):
                self._intervention(self.assoc_c, date(2025, 6, 1))
        with freeze_time("2025-07-01"):
            changed = self.Protocol._cron_update_state()
            self.assertEqual(changed, protocol)
            self.assertEqual(protocol.state, "active")
            self.assertEqual(protocol.party_ids.state, "active")
            self._intervention(self.assoc_c, date(2025, 7, 1))
            # The next run finds nothing to change.
            self.assertFalse(self.Protocol._cron_update_state())

    # ------------------------------------------------------------------
    # Who may be given interventions and goals
    # ------------------------------------------------------------------
    def test_association_without_protocol_refused(self):
        with self.assertRaisesRegex(ValidationError, "no active protocol"):
            self._intervention(self.assoc_c, date(2024, 1, 1))
        with self.assertRaisesRegex(
            ValidationError, "has no active protocol: it cannot be given new goals"
        ):
            self._goal(self.assoc_c)
        # A draft protocol is not enough.
        new_protocol(
            self.env, self.assoc_c, date(2020, 1, 1), date(2099, 12, 31), confirm=False
        )
        with self.assertRaisesRegex(
            ValidationError,
            "has no active protocol: it cannot be given new interventions",
        ):
            self._intervention(self.assoc_c, date(2024, 1, 1))
        # Changing the provider of an existing intervention is checked too.
        rec = self._intervention(self.assoc_a, date(2024, 1, 1))
        with self.assertRaisesRegex(
            ValidationError,
            "has no active protocol: it cannot be given new interventions",
        ):
            rec.provider_id = self.assoc_c
        self.assertEqual(rec.provider_id, self.assoc_a)

    def test_association_with_active_protocol_allowed(self):
        rec = self._intervention(self.assoc_a, date(2024, 1, 1))
        self.assertEqual(rec.provider_id, self.assoc_a)
        goal = self._goal(self.assoc_a)
        self.assertEqual(goal.party_id, self.assoc_a)

    def test_comune_always_allowed(self):
        # Even with no active protocol at all.
        self.protocol.action_reset_draft()
        self.assertEqual(self.protocol.state, "draft")
        self.assertTrue(self.comune._family_has_active_protocol())
        rec = self._intervention(self.comune, date(2024, 1, 1))
        self.assertEqual(rec.provider_id, self.comune)
        self._goal(self.comune)
        with self.assertRaisesRegex(
            ValidationError, "Associazione Alfa has no active protocol"
        ):
            self._intervention(self.assoc_a, date(2024, 1, 1))

    def test_protocol_of_another_comune_does_not_count(self):
        """Several Comuni in one database: only the case's own protocols count."""
        other = self.env["res.company"].create({"name": "Comune di Pioltello"})
        new_protocol(
            self.env,
            self.assoc_c,
            date(2020, 1, 1),
            date(2099, 12, 31),
            company_id=other.id,
        )  # assoc_c is a member in the other Comune only
        self.assertTrue(self.assoc_c._family_has_active_protocol(other))
        self.assertFalse(self.assoc_c._family_has_active_protocol(self.env.company))
        self.assertTrue(self.assoc_a._family_has_active_protocol(self.env.company))
        with self.assertRaisesRegex(
            ValidationError,
            "has no active protocol: it cannot be given new interventions",
        ):
            self._intervention(self.assoc_c, date(2024, 1, 1))
        with self.assertRaisesRegex(
            ValidationError, "has no active protocol: it cannot be given new goals"
        ):
            self._goal(self.assoc_c)
        with self.assertRaisesRegex(
            ValidationError,
            "is not a member of an active protocol: the case cannot be shared with it",
        ):
            self.env["family.case.share"].create(
                {
                    "case_id": self.case_a.id,
                    "partner_id": self.assoc_c.id,
                    "legal_basis": "public_task",
                }
            )
        # The other Comune is no provider of this Comune's cases either.
        self.assertTrue(other.partner_id._family_has_active_protocol(other))
        self.assertFalse(other.partner_id._family_has_active_protocol(self.env.company))

    def test_default_provider_is_the_comune(self):
        rec = (
            self.env["family.intervention"]
            .with_user(self.worker)
            .create(
                {
                    "case_id": self.case_a.id,
                    "type_id": self.type_parcel.id,
                }
            )
        )
        self.assertEqual(rec.provider_id, self.comune)

    # ------------------------------------------------------------------
    # Renewal
    # ------------------------------------------------------------------
    def test_renewal_chain(self):
        with freeze_time("2025-06-01"):
            old = new_protocol(
                self.env,
                self.assoc_c | self.assoc_b,
                date(2025, 1, 1),
                date(2025, 12, 31),
                date_signed=date(2024, 12, 15),
                description="<p>Annual contribution</p>",
            )
            action = old.action_renew()
            renewal = self.Protocol.browse(action["res_id"])
            self.assertEqual(renewal.predecessor_id, old)
            self.assertEqual(old.successor_ids, renewal)
            self.assertEqual(old.successor_count, 1)
            self.assertEqual(renewal.date_start, date(2026, 1, 1))
            self.assertEqual(renewal.date_end, date(2026, 12, 31))
            self.assertEqual(renewal.party_ids.partner_id, self.assoc_c | self.assoc_b)
            self.assertEqual(renewal.party_ids.protocol_id, renewal)
            self.assertIn("Annual contribution", renewal.description)
            self.assertFalse(renewal.date_signed, "The renewal is signed anew.")
            self.assertFalse(renewal.confirmed)
            self.assertEqual(renewal.state, "draft")
            # Renewing twice is refused; the chain cannot loop.
            with self.assertRaisesRegex(UserError, "has already been renewed by"):
                old.action_renew()
            with self.assertRaisesRegex(
                ValidationError, "A protocol cannot renew itself"
            ):
                old.predecessor_id = renewal
            # Smart links.
            self.assertEqual(renewal.action_open_predecessor()["res_id"], old.id)
            self.assertEqual(old.action_open_successors()["res_id"], renewal.id)
            renewal.action_confirm()
            self.assertEqual(renewal.state, "draft", "It starts next year.")
        with freeze_time("2026-01-01"):
            self.Protocol._cron_update_state()
            self.assertEqual(old.state, "expired")
            self.assertEqual(renewal.state, "active")
            # The members of the renewal go on being given interventions.
            self._intervention(self.assoc_c, date(2026, 1, 1))

    def test_views_load(self):
        for model, view_types in (
            ("family.protocol", ("list", "form", "search")),
            ("family.protocol.party", ("list", "search")),
            ("family.intervention.type", ("list", "form", "search")),
        ):
            for view_type in view_types:
                with self.subTest(model=model, view_type=view_type):
                    self.assertTrue(
                        self.env[model]
                        .with_user(self.worker)
                        .get_view(view_type=view_type)["arch"]
                    )
