"""Portal: the association's compensation statements and the volunteers'
expenses it passes on to the Comune (coordinators)."""

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager

from ...models.family_compensation_document import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
)
from .common import FamilyPortalCommon


class FamilyPortalStatements(FamilyPortalCommon):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "family_compensation_count" in counters:
            values["family_compensation_count"] = (
                self._family_counter("family.compensation", [])
                if self._family_statements_available()
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # Statements (coordinators)
    # ------------------------------------------------------------------
    @staticmethod
    def _family_statements_available():
        return (
            request.env.user.share
            and request.env.user.family_portal_role == "coordinator"
        )

    @http.route(
        ["/my/rendiconti", "/my/rendiconti/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_statements(self, page=1, **kw):
        if not self._family_statements_available():
            raise request.not_found()
        # read as the coordinator: the record rule keeps to the association's
        # approved, billed and paid statements
        Compensation = request.env["family.compensation"]
        domain = [("partner_id", "=", self._family_association().id)]
        pager = portal_pager(
            url="/my/rendiconti",
            total=Compensation.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        statements = Compensation.search(
            domain,
            order="date_from desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "statements": statements,
                "states": dict(
                    Compensation._fields["state"]._description_selection(request.env)
                ),
                "payment_states": dict(
                    Compensation._fields["payment_state"]._description_selection(
                        request.env
                    )
                ),
                "pager": pager,
                "page_name": "family_statements",
                "expenses_available": self._family_expenses_available(),
            }
        )
        return request.render("odoo_famiglie_rete.portal_my_statements", values)

    @http.route(
        "/my/rendiconti/<int:statement_id>/pdf",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def portal_statement_pdf(self, statement_id, **kw):
        """The PDF of one statement of the coordinator's association."""
        if not self._family_statements_available():
            raise request.not_found()
        statement = request.env["family.compensation"].search(
            [
                ("id", "=", statement_id),
                ("partner_id", "=", self._family_association().id),
            ],
            limit=1,
        )
        if not statement:
            raise request.not_found()
        # The statement was found by the ORM as the coordinator: its one
        # document is rendered in sudo mode (the report reads the lines'
        # types and case references, which portal users do not read directly).
        name, content, mimetype = statement.sudo()._family_statement_file()
        return request.make_response(
            content,
            [
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(name)),
            ],
        )

    # ------------------------------------------------------------------
    # Volunteers' own expenses (convenzione: documented costs only)
    # ------------------------------------------------------------------
    def _family_expenses_available(self):
        """A coordinator whose association is reimbursed its documented
        costs, or has expenses on record already."""
        if not self._family_statements_available():
            return False
        association = self._family_association()
        return association._family_reimburses_documented_costs() or bool(
            request.env["family.compensation.document"].search_count(
                [("expense_type", "=", "volunteer")], limit=1
            )
        )

    def _family_expenses_values(self, page=1, form=None, errors=None):
        """The association's volunteers' expenses, read as the coordinator
        (the record rule keeps to its own)."""
        Document = request.env["family.compensation.document"]
        domain = [("expense_type", "=", "volunteer")]
        pager = portal_pager(
            url="/my/spese",
            total=Document.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        return dict(
            self._prepare_portal_layout_values(),
            documents=Document.search(
                domain, limit=self._items_per_page, offset=pager["offset"]
            ),
            document_form=form or self._family_document_form(),
            document_errors=errors or {},
            document_types=DOCUMENT_TYPES,
            document_max_mb=DOCUMENT_MAX_BYTES // 1024 // 1024,
            documents_url="/my/spese",
            pager=pager,
            page_name="family_expenses",
        )

    @http.route(
        ["/my/spese", "/my/spese/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_my_expenses(self, page=1, **kw):
        if not self._family_expenses_available():
            raise request.not_found()
        return request.render(
            "odoo_famiglie_rete.portal_my_expenses", self._family_expenses_values(page)
        )

    @http.route("/my/spese", type="http", auth="user", website=True, methods=["POST"])
    def portal_my_expense_upload(self, **post):
        """A volunteers' expense with its document; created as the
        coordinator: the record rules and the model's checks decide."""
        if not self._family_expenses_available():
            raise request.not_found()
        errors = {}
        vals = self._family_validate_document(post, errors)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    request.env["family.compensation.document"].create(
                        dict(vals, expense_type="volunteer")
                    )
            except (UserError, ValidationError, AccessError) as exc:
                errors["global"] = self._family_error_text(exc)
        if errors:
            errors.setdefault(
                "global",
                request.env._("The document was not saved: check the values below."),
            )
            return request.render(
                "odoo_famiglie_rete.portal_my_expenses",
                self._family_expenses_values(
                    form=self._family_document_form(post), errors=errors
                ),
            )
        return request.redirect("/my/spese?document_saved=1#documents")

    @http.route(
        "/my/spese/<int:document_id>/elimina",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_expense_delete(self, document_id, **post):
        if not self._family_expenses_available():
            raise request.not_found()
        document = request.env["family.compensation.document"].search(
            [("id", "=", document_id), ("expense_type", "=", "volunteer")], limit=1
        )
        if not document:
            raise request.not_found()
        try:
            with request.env.cr.savepoint():
                document.unlink()
        except (UserError, AccessError) as exc:
            return request.render(
                "odoo_famiglie_rete.portal_my_expenses",
                self._family_expenses_values(
                    errors={"global": self._family_error_text(exc)}
                ),
            )
        return request.redirect("/my/spese#documents")
