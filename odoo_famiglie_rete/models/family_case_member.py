import json
from contextlib import suppress

from dateutil.relativedelta import relativedelta
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.it import codicefiscale

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

RELATIONS = [
    ("reference", "Reference Person"),
    ("partner", "Spouse or Partner"),
    ("child", "Son or Daughter"),
    ("parent", "Father or Mother"),
    ("sibling", "Brother or Sister"),
    ("grandparent", "Grandparent"),
    ("grandchild", "Grandchild"),
    ("relative", "Other Relative"),
    ("other", "Other Cohabitant"),
]
GENDERS = [("male", "Male"), ("female", "Female")]
# SINBA (INPS's flow on the minors taken in charge, DM 206/2014): what the
# flow needs of a minor that the case does not otherwise hold. The keys are
# INPS's codes (SINBA.xsd).
SINBA_PARENTS = [
    ("1", "Not orphaned"),
    ("2", "Orphan of both parents"),
    ("3", "Orphan of the father"),
    ("4", "Orphan of the mother"),
    ("5", "Parents unknown"),
]
SINBA_LIVING_PLACES = [
    ("1", "In their own family"),
    ("2", "With relatives"),
    ("3", "In a foster family"),
    ("4", "In a social residential facility"),
    ("5", "In a health residential facility"),
    ("6", "In a juvenile prison"),
    ("7", "With friends or acquaintances"),
    ("8", "Homeless"),
]
SINBA_SCHOOLS = [
    ("1", "No school"),
    ("2", "School in a facility"),
    ("3", "Nursery (asilo nido)"),
    ("4", "Pre-school"),
    ("5", "Primary school"),
    ("6", "Lower secondary school"),
    ("7", "Upper secondary school"),
    ("8", "Vocational training"),
]
SINBA_WORK = [
    ("1", "Inactive (not of working age, no job, not looking)"),
    ("2", "Employed"),
    ("3", "Unemployed, looking for a new job"),
    ("4", "Looking for a first job"),
]
SINBA_DISABILITY_TYPES = [
    ("1", "Physical"),
    ("2", "Mental"),
    ("3", "Sensory"),
    ("4", "Multiple"),
]
SINBA_ASSESSMENTS = [
    ("1", "No specific problem"),
    ("2", "Relational and behavioural problems"),
    ("3", "Addictions"),
    ("4", "Presumed state of abandonment"),
    ("5", "Health problems"),
    ("6", "Sexual violence, prostitution, trafficking, child pornography"),
    ("7", "Other forms of violence and maltreatment"),
    ("8", "Seriously deviant behaviour"),
    ("9", "Autonomy problems, disability"),
    ("10", "Involved in criminal proceedings"),
    ("11", "Pregnant or a minor mother"),
    ("12", "Unaccompanied foreign minor"),
    ("13", "School drop-out"),
]
SINBA_AUTHORITIES = [
    ("1", "Guardianship judge"),
    ("2", "Juvenile court"),
    ("3", "Juvenile prosecutor's office"),
    ("4", "Ordinary court"),
]
# What only the Comune's social service reads on a member; an association
# reads the composition through ``family.case.household`` instead.
SOCIAL_WORKER = "odoo_famiglie_rete.group_family_social_worker"


class FamilyCaseMember(models.Model):
    _name = "family.case.member"
    _inherit = "family.case.child.mixin"
    _description = "Family Case Member"
    _order = "case_id, sequence, id"

    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        groups=SOCIAL_WORKER,
    )
    name = fields.Char(related="partner_id.name", store=True, index="trigram")
    # The person's contacts, for the associations the identity is shared
    # with: they never read the family persons' contacts (res.partner).
    phone = fields.Char(related="partner_id.phone", string="Phone")
    email = fields.Char(related="partner_id.email", string="Email")
    contact_address = fields.Char(
        related="partner_id.contact_address", string="Address"
    )
    relation = fields.Selection(
        RELATIONS,
        string="Relation to the Reference Person",
        default="other",
        groups=SOCIAL_WORKER,
    )
    gender = fields.Selection(
        GENDERS,
        string="Sex",
        groups=SOCIAL_WORKER,
        help="Filled from the codice fiscale when it can be read.",
    )
    birthdate = fields.Date(string="Date of Birth", index="btree_not_null")
    age = fields.Integer(compute="_compute_age")
    is_minor = fields.Boolean(
        string="Minor", compute="_compute_age", search="_search_is_minor"
    )
    fiscal_code = fields.Char(string="Codice Fiscale", index=True, size=16)
    fiscal_code_invalid = fields.Boolean(
        string="Codice Fiscale Not Valid",
        compute="_compute_fiscal_code_invalid",
        help="Shown as soon as the code is typed; a member is not saved with it.",
    )
    active = fields.Boolean(default=True)
    case_closed = fields.Boolean(
        related="case_id.is_closed", string="Case Closed", store=True, index=True
    )
    other_case_ids = fields.Many2many(
        "family.case",
        compute="_compute_other_case_ids",
        string="Also in Open Cases",
        groups=SOCIAL_WORKER,
        help="Other open cases with a member of the same codice fiscale or person.",
    )
    notes = fields.Text(groups=SOCIAL_WORKER)
    # What the SIUSS flows to INPS need of a person (DM 206/2014), beyond the
    # codice fiscale, the sex and the date of birth above.
    last_name = fields.Char(
        string="Surname", groups=SOCIAL_WORKER, help="As in the codice fiscale."
    )
    first_name = fields.Char(groups=SOCIAL_WORKER)
    birth_place_code = fields.Char(
        string="Place of Birth (Belfiore Code)",
        size=4,
        compute="_compute_birth_place_code",
        store=True,
        readonly=False,
        precompute=True,
        groups=SOCIAL_WORKER,
        help="The cadastral (Belfiore) code of the Comune of birth, or Z... for "
        "a foreign country: read from the codice fiscale when it can be.",
    )
    citizenship_code = fields.Char(
        string="Citizenship (Code)",
        size=3,
        groups=SOCIAL_WORKER,
        help="ISO 3166 numeric code, three digits: 380 for Italy, 990 when "
        "not available.",
    )
    citizenship2_code = fields.Char(
        string="Second Citizenship (Code)", size=3, groups=SOCIAL_WORKER
    )
    residence_country_code = fields.Char(
        string="Country of Residence (Code)",
        size=3,
        groups=SOCIAL_WORKER,
        help="ISO 3166 numeric code: 380 for Italy.",
    )
    residence_region_code = fields.Char(
        string="Region of Residence (Code)",
        size=2,
        groups=SOCIAL_WORKER,
        help="Two digits (DM 1986 coding), required when the country is Italy.",
    )
    residence_municipality_code = fields.Char(
        string="Comune of Residence (ISTAT Code)",
        size=6,
        groups=SOCIAL_WORKER,
        help="Six digits, required when the country is Italy.",
    )
    # SINBA (the minors taken in charge): the social service's assessment
    # of the minor, never shared (privacy_policy.py: social service only).
    sinba_unaccompanied = fields.Boolean(
        string="Unaccompanied Foreign Minor", groups=SOCIAL_WORKER
    )
    sinba_parents_condition = fields.Selection(
        SINBA_PARENTS, string="Parents (Orphanhood)", groups=SOCIAL_WORKER
    )
    sinba_living_place = fields.Selection(
        SINBA_LIVING_PLACES, string="Where the Minor Lives", groups=SOCIAL_WORKER
    )
    sinba_school = fields.Selection(
        SINBA_SCHOOLS, string="School Attended", groups=SOCIAL_WORKER
    )
    sinba_work = fields.Selection(
        SINBA_WORK,
        string="Work Condition",
        groups=SOCIAL_WORKER,
        help="Empty for a minor under 16: inactive (not of working age).",
    )
    sinba_disability = fields.Boolean(string="Disability", groups=SOCIAL_WORKER)
    sinba_disability_type = fields.Selection(
        SINBA_DISABILITY_TYPES, string="Type of Disability", groups=SOCIAL_WORKER
    )
    sinba_assessment = fields.Selection(
        SINBA_ASSESSMENTS, string="Assessment of the Minor", groups=SOCIAL_WORKER
    )
    sinba_judicial_report = fields.Boolean(
        string="Reported to the Judicial Authority", groups=SOCIAL_WORKER
    )
    sinba_judicial_report_date = fields.Date(
        string="Date of the Report to the Judicial Authority", groups=SOCIAL_WORKER
    )
    sinba_court_order = fields.Boolean(
        string="Court Order on the Minor", groups=SOCIAL_WORKER
    )
    sinba_court_order_date = fields.Date(
        string="Date of the Court Order", groups=SOCIAL_WORKER
    )
    sinba_court_authority = fields.Selection(
        SINBA_AUTHORITIES, string="Authority of the Order", groups=SOCIAL_WORKER
    )

    @api.depends("birthdate")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for member in self:
            if member.birthdate:
                member.age = relativedelta(today, member.birthdate).years
                member.is_minor = member.age < 18
            else:
                member.age = 0
                member.is_minor = False

    @api.depends("fiscal_code")
    def _compute_fiscal_code_invalid(self):
        for member in self:
            code = member.fiscal_code
            member.fiscal_code_invalid = bool(code) and not codicefiscale.is_valid(
                codicefiscale.compact(code)
            )

    def _search_is_minor(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        limit = fields.Date.context_today(self) - relativedelta(years=18)
        minor = (operator == "=") == value
        if minor:
            return [("birthdate", ">", limit)]
        return ["|", ("birthdate", "<=", limit), ("birthdate", "=", False)]

    @api.depends("fiscal_code")
    def _compute_birth_place_code(self):
        """Characters 12 to 15 of a valid codice fiscale name the place of birth."""
        for member in self:
            code = member.fiscal_code
            if code and len(code) == 16 and codicefiscale.is_valid(code):
                member.birth_place_code = code[11:15].upper()
            elif not member.birth_place_code:
                member.birth_place_code = False

    @api.constrains(
        "citizenship_code",
        "citizenship2_code",
        "residence_country_code",
        "residence_region_code",
        "residence_municipality_code",
    )
    def _check_siuss_codes(self):
        lengths = {
            "citizenship_code": 3,
            "citizenship2_code": 3,
            "residence_country_code": 3,
            "residence_region_code": 2,
            "residence_municipality_code": 6,
        }
        for member in self:
            for fname, length in lengths.items():
                value = member[fname]
                if value and not (value.isdigit() and len(value) == length):
                    raise ValidationError(
                        self.env._(
                            "%(field)s of %(name)s must be made of %(length)s "
                            "digits.",
                            field=self._fields[fname]._description_string(self.env),
                            name=member.name,
                            length=length,
                        )
                    )

    @api.depends("fiscal_code", "partner_id", "case_id")
    def _compute_other_case_ids(self):
        """Open cases, other than the member's own, with the same person.

        One search for the whole batch.  In a form the member and its case are
        new records: compare with the stored ones (their origin).
        """
        codes = {m.fiscal_code for m in self if m.fiscal_code}
        partner_ids = {m.partner_id._origin.id for m in self if m.partner_id._origin}
        domain = [("case_closed", "=", False)]
        if codes and partner_ids:
            domain += [
                "|",
                ("fiscal_code", "in", list(codes)),
                ("partner_id", "in", list(partner_ids)),
            ]
        elif codes:
            domain += [("fiscal_code", "in", list(codes))]
        elif partner_ids:
            domain += [("partner_id", "in", list(partner_ids))]
        others = self.search(domain) if codes or partner_ids else self.browse()
        for member in self:
            case_id = member.case_id._origin.id
            partner_id = member.partner_id._origin.id
            member.other_case_ids = others.filtered(
                lambda o, m=member, c=case_id, p=partner_id: (
                    o.case_id.id != c
                    and (
                        (m.fiscal_code and o.fiscal_code == m.fiscal_code)
                        or (p and o.partner_id.id == p)
                    )
                )
            ).case_id

    @api.depends("name")
    @api.depends_context("uid")
    def _compute_display_name(self):
        """The person's name, for who may read the member.

        Odoo reads the display name of a many2one's value as superuser (e.g.
        the beneficiary of an association's own intervention); the user stays
        the same, so the member's record rules still decide whether an
        association sees the name (only where the identity is shared).
        """
        hidden = self.browse()
        if self.env.user.share:
            saved = self.filtered(lambda m: isinstance(m.id, int))
            hidden = saved - saved.with_env(self.env(su=False))._filtered_access("read")
        for member in self:
            member.display_name = (
                self.env._("Family member") if member in hidden else member.name
            )

    def _family_prefetch_contacts(self):
        """Read the contacts of these members (``phone``, ``email``,
        ``contact_address``) in two narrow queries, for a page that shows them.

        The related fields read the person's contact in sudo mode, as here,
        but first every column of the member (35) and of the contact (59),
        each turned into the cache's format: on the portal's family page that
        was about 1.4 ms of 40. Call it on members already read as the user
        (the record rules chose them).
        """
        members = self.sudo()
        members.fetch(["partner_id"])
        partners = members.partner_id
        partners.fetch(
            list(
                dict.fromkeys(
                    [
                        "phone",
                        "email",
                        "commercial_company_name",
                        *partners._display_address_depends(),
                    ]
                )
            )
        )

    @staticmethod
    def _gender_from_fiscal_code(code):
        """The sex read from a valid codice fiscale (day of birth + 40: female)."""
        if not code or not codicefiscale.is_valid(code):
            return False
        with suppress(StdnumValidationError, ValueError):
            return "female" if codicefiscale.get_gender(code) == "F" else "male"
        return False

    @api.onchange("fiscal_code", "partner_id")
    def _onchange_fiscal_code(self):
        """Fill the date of birth and the sex from the code; warn if in charge."""
        if self.fiscal_code:
            self.fiscal_code = codicefiscale.compact(self.fiscal_code)
            if len(self.fiscal_code) == 16 and codicefiscale.is_valid(self.fiscal_code):
                if not self.birthdate:
                    # A code that passes the check may still hold an impossible
                    # date.
                    with suppress(StdnumValidationError, ValueError):
                        self.birthdate = codicefiscale.get_birth_date(self.fiscal_code)
                if not self.gender:
                    self.gender = self._gender_from_fiscal_code(self.fiscal_code)
        if not (self.fiscal_code or self.partner_id):
            return None
        others = self.other_case_ids
        if others:
            return {
                "warning": {
                    "title": self.env._("Person already in charge"),
                    "message": self.env._(
                        "%(person)s is already a member of another open case: "
                        "%(cases)s. Use the warning button on the member's line "
                        "to open it.",
                        person=self.partner_id.name or self.fiscal_code,
                        cases=", ".join(others.mapped("display_name")),
                    ),
                }
            }
        return None

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("fiscal_code"):
                vals["fiscal_code"] = codicefiscale.compact(vals["fiscal_code"])
                if not vals.get("gender"):
                    vals["gender"] = self._gender_from_fiscal_code(vals["fiscal_code"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("fiscal_code"):
            vals["fiscal_code"] = codicefiscale.compact(vals["fiscal_code"])
        return super().write(vals)

    @api.constrains("fiscal_code")
    def _check_fiscal_code(self):
        for member in self.filtered("fiscal_code"):
            if not codicefiscale.is_valid(member.fiscal_code):
                raise ValidationError(
                    self.env._(
                        "The codice fiscale %(code)s of %(name)s is not valid: "
                        "check its 16 characters and the final check letter.",
                        code=member.fiscal_code,
                        name=member.name,
                    )
                )

    @api.constrains("fiscal_code", "case_id", "active")
    def _check_fiscal_code_unique_in_case(self):
        groups = self._read_group(
            [
                ("case_id", "in", self.case_id.ids),
                ("fiscal_code", "!=", False),
                ("active", "=", True),
            ],
            ["case_id", "fiscal_code"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            case, code, _count = groups[0]
            raise ValidationError(
                self.env._(
                    "The codice fiscale %(code)s appears twice in the case %(case)s: "
                    "each person can be a member only once.",
                    code=code,
                    case=case.display_name,
                )
            )

    @api.constrains("partner_id", "case_id", "active")
    def _check_partner_unique_in_case(self):
        groups = self._read_group(
            [("case_id", "in", self.case_id.ids), ("active", "=", True)],
            ["case_id", "partner_id"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            case, partner, _count = groups[0]
            raise ValidationError(
                self.env._(
                    "%(name)s appears twice in the case %(case)s: each person can "
                    "be a member only once.",
                    name=partner.display_name,
                    case=case.display_name,
                )
            )

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for member in self.filtered("birthdate"):
            if member.birthdate > today:
                raise ValidationError(
                    self.env._(
                        "The date of birth of %(name)s cannot be in the future.",
                        name=member.name,
                    )
                )

    def action_open_other_case(self):
        self.ensure_one()
        cases = self.other_case_ids
        action = {
            "type": "ir.actions.act_window",
            "res_model": "family.case",
            "name": self.env._("Other Cases"),
        }
        if len(cases) == 1:
            action.update(view_mode="form", res_id=cases.id)
        else:
            action.update(view_mode="list,form", domain=[("id", "in", cases.ids)])
        return action

    # ------------------------------------------------------------------
    # A person's data (GDPR art. 15)
    # ------------------------------------------------------------------
    def action_export_personal_data(self):
        """Download all the data held about these people, as a JSON file."""
        if not self:
            return False
        report = self.env["report.odoo_famiglie_rete.report_family_member_data"]
        data = report._get_personal_data(self)
        name = self.env._(
            "Personal data - %(person)s.json",
            person=self[0].name if len(self) == 1 else len(self),
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": json.dumps(data, indent=2, ensure_ascii=False).encode(),
                "mimetype": "application/json",
                "res_model": self._name,
                "res_id": self[0].id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_print_personal_data(self):
        """The same data as a readable document (PDF)."""
        self.env[
            "report.odoo_famiglie_rete.report_family_member_data"
        ]._check_may_export()
        return self.env.ref(
            "odoo_famiglie_rete.family_case_member_report_personal_data"
        ).report_action(self)
