from odoo.tests import TransactionCase


class FamilyCommon(TransactionCase):
    """Records shared by the tests; never the demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Case = cls.env["family.case"]
        cls.comune = cls.env.company.partner_id
        cls.partner_a = cls.env["res.partner"].create({"name": "Mario Rossi"})
        cls.partner_b = cls.env["res.partner"].create({"name": "Anna Rossi"})
