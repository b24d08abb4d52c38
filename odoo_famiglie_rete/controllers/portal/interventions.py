"""Portal: an association's own interventions, new and edited."""

from odoo import fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ...models.family_compensation_document import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
)
from ...models.family_intervention import STATES as INTERVENTION_STATES
from .common import FamilyPortalCommon


class FamilyPortalInterventions(FamilyPortalCommon):
    # ------------------------------------------------------------------
    # Interventions
    # ------------------------------------------------------------------
    def _family_intervention_values(
        self,
        case,
        intervention,
        form,
        errors,
        document_form=None,
        document_errors=None,
        file_error=False,
        file_description="",
    ):
        flags, _shares = self._family_share_flags(case)
        return dict(
            self._prepare_portal_layout_values(),
            **self._family_document_values(case, intervention),
            document_form=document_form or self._family_document_form(),
            document_errors=document_errors or {},
            case=case,
            intervention=intervention,
            types=self._family_types(),
            members=self._family_members(case),
            goals=self._family_goals(case)
            if flags["share_goals"]
            else request.env["family.plan.goal"],
            states=INTERVENTION_STATES,
            form=form,
            errors=errors,
            share_documents=flags["share_documents"],
            file_error=file_error,
            file_description=file_description,
            file_saved=bool(request.params.get("file_saved")),
            intervention_files=self._family_intervention_files(intervention)
            if intervention and flags["share_documents"]
            else request.env["ir.attachment"],
            page_name="family_intervention",
        )

    @staticmethod
    def _family_intervention_files(intervention):
        """The files of one of the association's own interventions (read as
        the user), those the data layer opens to the user."""
        # associations have no access to attachments: the intervention's
        # files in sudo mode, then filtered by the data layer as the user
        files = (
            request.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "family.intervention"),
                    ("res_id", "=", intervention.id),
                    ("res_field", "=", False),
                ],
                order="create_date desc, id desc",
            )
        )
        readable = files.sudo(False)._family_portal_readable()
        return files.filtered(lambda f: f.id in readable.ids)

    @staticmethod
    def _family_intervention_form(intervention):
        if not intervention:
            return {
                "date_start": fields.Date.to_string(
                    fields.Date.context_today(request.env["family.intervention"])
                ),
                "quantity": "1",
                "state": "planned",
            }
        return {
            "type_id": str(intervention.type_id.id),
            "name": intervention.name or "",
            "date_start": fields.Date.to_string(intervention.date_start) or "",
            "date_end": fields.Date.to_string(intervention.date_end) or "",
            "quantity": str(intervention.quantity),
            "amount": str(intervention.amount),
            "member_id": str(intervention.member_id.id or ""),
            "goal_id": str(intervention.goal_id.id or ""),
            "state": intervention.state,
        }

    def _family_validate_intervention(self, case, post, errors):
        """Values to write from the posted form; fills ``errors``."""
        _ = request.env._
        vals = {}
        type_id = self._family_parse_id(post.get("type_id"))
        type_ = self._family_types().filtered(lambda t: t.id == type_id)
        if not type_:
            errors["type_id"] = _("Choose a type of intervention from the list.")
        else:
            vals["type_id"] = type_.id
        date_start = self._family_parse_date(
            post.get("date_start"), "date_start", errors, required=True
        )
        date_end = self._family_parse_date(post.get("date_end"), "date_end", errors)
        if date_start and date_end and date_end < date_start:
            errors["date_end"] = _("The end date cannot be before the start date.")
        vals.update(date_start=date_start, date_end=date_end)
        quantity = self._family_parse_number(
            post.get("quantity"), "quantity", errors, required=True
        )
        if quantity is not None:
            vals["quantity"] = quantity
        amount = self._family_parse_number(post.get("amount"), "amount", errors)
        if amount is not None:
            vals["amount"] = amount
        member_id = self._family_parse_id(post.get("member_id"))
        members = self._family_members(case)
        if member_id:
            members = members.filtered(lambda m: m.id == member_id)
            if not members:
                errors["member_id"] = _("Choose a member of this family.")
            vals["member_id"] = members.id or False
        elif members:
            vals["member_id"] = False
        # else the identity is not shared: the form offers no beneficiary, and
        # the one the Comune may have set stays as it is
        goal_id = self._family_parse_id(post.get("goal_id"))
        if goal_id:
            flags, _shares = self._family_share_flags(case)
            goals = (
                self._family_goals(case).filtered(lambda g: g.id == goal_id)
                if flags["share_goals"]
                else request.env["family.plan.goal"]
            )
            if not goals:
                errors["goal_id"] = _(
                    "Choose one of the goals of this family assigned to your "
                    "association."
                )
            vals["goal_id"] = goals.id or False
        else:
            vals["goal_id"] = False
        state = post.get("state") or "planned"
        if state not in dict(INTERVENTION_STATES):
            errors["state"] = _("Choose a state from the list.")
        else:
            vals["state"] = state
        vals["name"] = (post.get("name") or "").strip()[:200] or False
        return vals

    def _family_intervention_fields(self, post):
        """The form's values: the fields an association may write, as the
        model declares them (``family.portal.write.mixin``)."""
        keys = request.env["family.intervention"]._family_portal_write_fields
        return {key: post.get(key) or "" for key in keys}

    def _family_save_intervention(self, case, intervention, post):
        errors = {}
        vals = self._family_validate_intervention(case, post, errors)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    if intervention:
                        if (
                            "amount" in vals
                            and vals["amount"] == intervention.amount
                            and (
                                vals.get("quantity") != intervention.quantity
                                or vals.get("type_id") != intervention.type_id.id
                            )
                        ):
                            # the amount shown was left as it was: let the
                            # new quantity or type compute it again
                            del vals["amount"]
                        intervention.write(vals)
                    else:
                        intervention = request.env["family.intervention"].create(
                            dict(
                                vals,
                                case_id=case.id,
                                provider_id=self._family_association().id,
                            )
                        )
            except (UserError, ValidationError, AccessError) as exc:
                errors["global"] = self._family_error_text(exc)
        if errors:
            errors.setdefault(
                "global", request.env._("Some values are not valid: check them below.")
            )
            values = self._family_intervention_values(
                case, intervention, self._family_intervention_fields(post), errors
            )
            return request.render(
                "odoo_famiglie_rete.portal_family_intervention", values
            )
        return request.redirect(f"/my/famiglie/{case.id}?saved=1#interventions")

    def _family_intervention_page(self, case, intervention, post):
        """The form of a new (``intervention`` None) or existing intervention."""
        self._family_log(case, model="family.intervention")
        if request.httprequest.method == "POST":
            return self._family_save_intervention(case, intervention, post)
        values = self._family_intervention_values(
            case, intervention, self._family_intervention_form(intervention), {}
        )
        return request.render("odoo_famiglie_rete.portal_family_intervention", values)

    # ------------------------------------------------------------------
    # Supporting documents of the intervention's costs (convenzione)
    # ------------------------------------------------------------------
    def _family_document_values(self, case, intervention):
        """The intervention's documents, read as the user (record rules)."""
        Document = request.env["family.compensation.document"]
        if not intervention:
            return {"documents": Document, "show_documents": False}
        documents = Document.search([("intervention_id", "=", intervention.id)])
        return {
            "documents": documents,
            "show_documents": bool(documents)
            or self._family_association()._family_reimburses_documented_costs(
                case.company_id
            ),
            "document_types": DOCUMENT_TYPES,
            "document_max_mb": DOCUMENT_MAX_BYTES // 1024 // 1024,
        }

    def _family_get_own_intervention(self, case, intervention_id):
        return self._family_get_child(
            "family.intervention",
            intervention_id,
            case,
            [("provider_id", "=", self._family_association().id)],
        )

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>/giustificativi",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_intervention_document(self, case_id, intervention_id, **post):
        """Upload the document of a cost of one of the association's own
        interventions; created as the user: the record rules decide."""
        case = self._family_get_case(case_id)
        intervention = self._family_get_own_intervention(case, intervention_id)
        self._family_log(case, model="family.intervention")
        errors = {}
        vals = self._family_validate_document(post, errors)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    request.env["family.compensation.document"].create(
                        dict(
                            vals,
                            intervention_id=intervention.id,
                            expense_type="intervention",
                        )
                    )
            except (UserError, ValidationError, AccessError) as exc:
                errors["global"] = self._family_error_text(exc)
        if errors:
            errors.setdefault(
                "global",
                request.env._("The document was not saved: check the values below."),
            )
            form = self._family_document_form(post)
            values = self._family_intervention_values(
                case,
                intervention,
                self._family_intervention_form(intervention),
                {},
                document_form=form,
                document_errors=errors,
            )
            return request.render(
                "odoo_famiglie_rete.portal_family_intervention", values
            )
        return request.redirect(
            f"/my/famiglie/{case.id}/interventi/{intervention.id}"
            "?document_saved=1#documents"
        )

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>"
        "/giustificativi/<int:document_id>/elimina",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_intervention_document_delete(
        self, case_id, intervention_id, document_id, **post
    ):
        case = self._family_get_case(case_id)
        intervention = self._family_get_own_intervention(case, intervention_id)
        document = request.env["family.compensation.document"].search(
            [("id", "=", document_id), ("intervention_id", "=", intervention.id)],
            limit=1,
        )
        if not document:
            raise request.not_found()
        self._family_log(case, model="family.intervention")
        try:
            with request.env.cr.savepoint():
                document.unlink()
        except (UserError, AccessError) as exc:
            values = self._family_intervention_values(
                case,
                intervention,
                self._family_intervention_form(intervention),
                {},
                document_errors={"global": self._family_error_text(exc)},
            )
            return request.render(
                "odoo_famiglie_rete.portal_family_intervention", values
            )
        return request.redirect(
            f"/my/famiglie/{case.id}/interventi/{intervention.id}#documents"
        )

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>/allegati",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_family_intervention_file(self, case_id, intervention_id, **post):
        """A file (a photo of the delivery note, a signed form) of one of the
        association's own interventions, where the share opens the documents:
        the social service reads it with the intervention."""
        case = self._family_get_case(case_id)
        intervention = self._family_get_own_intervention(case, intervention_id)
        self._family_require_documents(case)
        self._family_log(case, model="ir.attachment")
        description = (post.get("description") or "").strip()[:200]
        raw, name, error = self._family_read_upload(post.get("file"), required=True)
        if error:
            values = self._family_intervention_values(
                case,
                intervention,
                self._family_intervention_form(intervention),
                {},
                file_error=error,
                file_description=description,
            )
            return request.render(
                "odoo_famiglie_rete.portal_family_intervention", values
            )
        self._family_attach(intervention, raw, name, description)
        return request.redirect(
            f"/my/famiglie/{case.id}/interventi/{intervention.id}" "?file_saved=1#files"
        )

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>"
        "/allegati/<int:attachment_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
    )
    def portal_family_intervention_file_download(
        self, case_id, intervention_id, attachment_id, **kw
    ):
        case = self._family_get_case(case_id)
        intervention = self._family_get_own_intervention(case, intervention_id)
        self._family_require_documents(case)
        attachment = self._family_intervention_files(intervention).filtered(
            lambda f: f.id == attachment_id
        )
        return self._family_download(case, attachment)

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/nuovo",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_family_intervention_new(self, case_id, **post):
        case = self._family_get_case(case_id)
        return self._family_intervention_page(case, None, post)

    @http.route(
        "/my/famiglie/<int:case_id>/interventi/<int:intervention_id>",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def portal_family_intervention_edit(self, case_id, intervention_id, **post):
        case = self._family_get_case(case_id)
        # only my association's own interventions, and not yet compensated
        intervention = self._family_get_own_intervention(case, intervention_id)
        if intervention.compensated:
            raise request.not_found()
        return self._family_intervention_page(case, intervention, post)
