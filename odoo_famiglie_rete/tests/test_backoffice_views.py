"""The back-office views as a Comune's staff use them on the first day."""

from lxml import etree

from odoo.tests import TransactionCase, tagged

# Creating a record from a relational field is refused everywhere but here: a
# family member is a new person (a contact) more often than not.
CREATE_ALLOWED = {("family.case.member", "partner_id")}


@tagged("post_install", "-at_install")
class TestRelationalFieldsCreateNothing(TransactionCase):
    """No organisation, goal, plan, invitee... is created by mistake from a
    field that points to it: the addon's views offer neither "Create" nor
    "Create and edit..." on their many2one and many2many fields."""

    def _addon_views(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "odoo_famiglie_rete"), ("model", "=", "ir.ui.view")]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        return views.filtered(lambda v: v.type in ("form", "list", "kanban"))

    def _editable_relational_fields(self, model, node, editable):
        """(model, field, options) of the relational fields one can type in."""
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "list":
                yield from self._editable_relational_fields(
                    model, child, bool(child.get("editable"))
                )
                continue
            if child.tag == "form":
                yield from self._editable_relational_fields(model, child, True)
                continue
            if child.tag != "field":
                yield from self._editable_relational_fields(model, child, editable)
                continue
            field = self.env[model]._fields.get(child.get("name"))
            if field is None:
                continue
            if field.type in ("one2many", "many2many") and len(child):
                yield from self._editable_relational_fields(
                    field.comodel_name, child, editable
                )
                continue
            if (
                editable
                and field.type in ("many2one", "many2many")
                and child.get("readonly") not in ("1", "True")
                and child.get("invisible") not in ("1", "True")
                and child.get("widget") != "statusbar"
                and not (field.readonly and child.get("readonly") is None)
            ):
                yield model, field.name, child.get("options") or ""

    def test_no_create_from_relational_fields(self):
        checked = set()
        for view in self._addon_views():
            arch = etree.fromstring(view.arch)
            editable = view.type == "form" or bool(arch.get("editable"))
            fields_ = self._editable_relational_fields(view.model, arch, editable)
            for model, fname, options in fields_:
                if (model, fname) in CREATE_ALLOWED:
                    continue
                checked.add((model, fname))
                with self.subTest(view=view.xml_id, field=f"{model}.{fname}"):
                    self.assertIn("'no_create': True", options)
        # the fields of the issue are among those checked
        for key in (
            ("family.intervention", "provider_id"),
            ("family.plan.goal", "party_id"),
            ("family.review", "partner_ids"),
            ("family.referral", "service_id"),
            ("family.review.outcome", "goal_id"),
            ("family.intervention", "goal_id"),
        ):
            self.assertIn(key, checked)


@tagged("post_install", "-at_install")
class TestBackofficeWording(TransactionCase):
    """What the Comune's staff read: lists, labels, titles, in Italian."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["odoo_famiglie_rete"], ["it_IT"], overwrite=True
        )
        cls.it = cls.env(context=dict(cls.env.context, lang="it_IT"))

    def _arch(self, model, view_type="form", view=None):
        view_id = self.env.ref(view).id if view else None
        return etree.fromstring(
            self.it[model].get_view(view_id, view_type=view_type)["arch"]
        )

    def test_overlap_column_marks_only_the_overlaps(self):
        arch = self._arch("family.case")
        column = arch.find(
            ".//field[@name='intervention_ids']/list/field[@name='has_overlap']"
        )
        self.assertEqual(column.get("widget"), "family_warning_mark")
        self.assertEqual(column.get("string"), "Sovrapposizione", "a header")
        self.assertIsNone(column.get("nolabel"))

    def test_dialogs_name_one_record(self):
        """A line's dialog is titled "Crea <field string>": the singular."""
        arch = self._arch("family.case")
        for field, title in (
            ("intervention_ids", "Intervento"),
            ("review_ids", "Verifica congiunta"),
            ("share_ids", "Condivisione"),
            ("referral_ids", "Invio"),
        ):
            with self.subTest(field=field):
                node = arch.find(f".//field[@name='{field}']")
                self.assertEqual(node.get("string"), title)
        arch = self._arch("family.protocol")
        self.assertEqual(
            arch.find(".//field[@name='party_ids']").get("string"),
            "Associazione aderente",
        )

    def test_volunteers_login_column(self):
        arch = self._arch(
            "res.users", "list", "odoo_famiglie_rete.res_users_view_list_family"
        )
        login = arch.find(".//field[@name='login']")
        self.assertEqual(login.get("string"), "Nome utente")

    def test_reporting_is_not_a_statement(self):
        reporting = self.it.ref("odoo_famiglie_rete.menu_family_reporting")
        self.assertEqual(reporting.name, "Reportistica")
        statements = self.it.ref(
            "odoo_famiglie_rete.menu_family_compensation_statement"
        ).name
        self.assertNotIn("Rendicont", reporting.name)
        self.assertIn("Rendicont", statements)

    def test_renew_names_one_thing(self):
        """The button renews; the field says what a renewal renews."""
        arch = self._arch("family.protocol")
        button = arch.find(".//button[@name='action_renew']").get("string")
        label = self.it["family.protocol"].fields_get(["predecessor_id"])[
            "predecessor_id"
        ]["string"]
        self.assertEqual(button, "Rinnova")
        self.assertEqual(label, "Rinnovo di")
        stat = arch.find(".//button[@name='action_open_predecessor']")
        self.assertNotIn(button, stat.xpath("string()"))

    def test_long_protocol_name_wraps(self):
        name = self._arch("family.protocol").find(".//h1/field[@name='name']")
        self.assertEqual(name.get("widget"), "text")
        self.assertIn("text-break", name.get("class"))

    def test_case_reference_column_wide_enough(self):
        arch = self._arch("family.intervention", "list")
        self.assertTrue(arch.find(".//field[@name='case_id']").get("width"))

    def test_access_log_names_the_data(self):
        arch = self._arch("family.access.log", "list")
        self.assertIsNotNone(arch.find(".//field[@name='model_description']"))
        entry = self.env["family.access.log"].new({"model": "family.case"})
        self.assertEqual(entry.with_context(lang="it_IT").model_description, "Cartella")
        self.assertEqual(
            entry.with_context(lang="en_US").model_description, "Family Case"
        )
