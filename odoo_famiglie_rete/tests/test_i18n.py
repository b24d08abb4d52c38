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
