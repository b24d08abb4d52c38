"""The public page of the transparency register (D.Lgs. 33/2013 arts. 26-27).

Anyone, without logging in, reads the economic advantages the Comune
published for a year, and downloads them as open data (CSV, JSON). The
page reads ``family.transparency.grant`` in sudo mode, limited to the
published registers: a grant holds an association's data only (name, tax
code, amount, legal basis, office, official, how it was chosen, links), so
the page cannot show a family, a case or a person assisted. An unpublished
or unknown year answers 404.
"""

import csv
import io
import json

from odoo import http
from odoo.http import request

from ..models.family_transparency_grant import PUBLIC_COLUMNS


class FamilyTransparency(http.Controller):
    @staticmethod
    def _family_italian():
        """The page is the Comune's, in Italian where Italian is installed."""
        installed = [code for code, _name in request.env["res.lang"].get_installed()]
        if "it_IT" in installed:
            request.update_context(lang="it_IT")

    @staticmethod
    def _family_grants(year):
        grants = request.env["family.transparency.register"]._family_public_grants(year)
        if not grants:
            raise request.not_found()
        return grants

    @http.route(
        "/trasparenza/contributi",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def transparency_years(self, **kw):
        self._family_italian()
        years = request.env["family.transparency.register"]._family_public_years()
        return request.render("odoo_famiglie_rete.transparency_years", {"years": years})

    @http.route(
        "/trasparenza/contributi/<int:year>",
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
    )
    def transparency_year(self, year, **kw):
        self._family_italian()
        grants = self._family_grants(year)
        return request.render(
            "odoo_famiglie_rete.transparency_year",
            {
                "year": year,
                "rows": [grant._family_public_row() for grant in grants],
                "currency": grants[:1].currency_id,
            },
        )

    @http.route(
        "/trasparenza/contributi/<int:year>.csv",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def transparency_year_csv(self, year, **kw):
        grants = self._family_grants(year)
        output = io.StringIO()
        writer = csv.DictWriter(output, fieldnames=PUBLIC_COLUMNS)
        writer.writeheader()
        for grant in grants:
            writer.writerow(grant._family_public_row())
        content = output.getvalue().encode("utf-8")
        return request.make_response(
            content,
            [
                ("Content-Type", "text/csv; charset=utf-8"),
                (
                    "Content-Disposition",
                    http.content_disposition(f"contributi_{year}.csv"),
                ),
            ],
        )

    @http.route(
        "/trasparenza/contributi/<int:year>.json",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def transparency_year_json(self, year, **kw):
        grants = self._family_grants(year)
        content = json.dumps(
            {
                "anno": year,
                "norma": "D.Lgs. 33/2013, artt. 26-27",
                "contributi": [grant._family_public_row() for grant in grants],
            },
            ensure_ascii=False,
            indent=2,
        )
        return request.make_response(
            content.encode("utf-8"),
            [("Content-Type", "application/json; charset=utf-8")],
        )
