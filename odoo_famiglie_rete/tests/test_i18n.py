import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path
from odoo.tools.translate import TranslationModuleReader


@tagged("post_install", "-at_install")
class TestItalianTranslation(TransactionCase):
    """An Italian user sees no English: it.po covers every source string."""

    def test_it_po_covers_every_term(self):
        reader = TranslationModuleReader(
            self.env.cr, modules=["odoo_famiglie_rete"], lang="en_US"
        )
        terms = {source for _m, _t, _n, _r, source, _v, _c in reader if source}
        po = polib.pofile(file_path("odoo_famiglie_rete/i18n/it.po"))
        translated = {entry.msgid for entry in po if entry.msgstr}
        missing = sorted(terms - translated)
        self.assertFalse(
            missing,
            "Strings without an Italian translation in i18n/it.po:\n"
            + "\n".join(missing[:50]),
        )

    def test_it_po_is_applied_to_every_field(self):
        """Every field label and choice of the addon's models reads Italian.

        Odoo takes the references of a translation from the addon's .pot
        when there is one: a .pot that is not regenerated (``make pot``)
        after a field is added leaves that field in English although it.po
        translates it.
        """
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"].search(
            [("name", "=", "odoo_famiglie_rete")]
        )._update_translations(["it_IT"], overwrite=True)
        po = {
            entry.msgid: entry.msgstr
            for entry in polib.pofile(file_path("odoo_famiglie_rete/i18n/it.po"))
            if entry.msgstr
        }
        fields_ = self.env["ir.model.fields"].search(
            [("model", "=like", "family.%"), ("name", "not like", "\\_%")]
        )
        wrong = []
        for field in fields_:
            italian = field.with_context(lang="it_IT")
            if field.field_description in po and (
                italian.field_description != po[field.field_description]
            ):
                wrong.append(f"{field.model}.{field.name}: {field.field_description}")
            for choice in field.selection_ids:
                label = choice.with_context(lang="it_IT").name
                if choice.name in po and label != po[choice.name]:
                    wrong.append(f"{field.model}.{field.name}: {choice.name}")
        self.assertFalse(
            wrong,
            "Translated in it.po but shown in English (run make pot):\n"
            + "\n".join(wrong[:50]),
        )
