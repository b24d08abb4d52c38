/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// The manager's dashboard: the figures, the table by association, and a
// figure opening the records behind it.
tours.add("odoo_famiglie_rete_dashboard_tour", {
    url: "/odoo/action-odoo_famiglie_rete.family_monitoring_dashboard_action",
    steps: () => [
        {
            content: "The figures of this year",
            trigger: ".o_family_figure_family_count .fs-3",
        },
        {
            content: "The association's row with its value against the budget",
            trigger: ".o_family_dashboard_parties tr:contains(Associazione Alfa)",
        },
        {
            content: "Open the interventions behind the figure",
            trigger: ".o_family_figure_intervention_count",
            run: "click",
        },
        {
            content: "They open as a pivot by association and month",
            trigger: ".o_pivot_view .o_pivot_header_cell_closed:contains(Associazione Alfa)",
        },
    ],
});

// A coordinator's dashboard on the portal: its own figures only.
tours.add("odoo_famiglie_rete_portal_monitoring_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The home shows the monitoring entry",
            trigger: "a[href='/my/monitoraggio']",
            run: "click",
        },
        {
            trigger: ".o_family_monitoring",
        },
        {
            content: "Choose the year of the fixture",
            trigger: "select.o_family_monitoring_year",
            run: "select 2023",
        },
        {
            trigger: "button.o_family_monitoring_show",
            run: "click",
        },
        {
            content: "The association's interventions of that year",
            trigger: ".o_family_monitoring_interventions .h3:contains(2)",
        },
        {
            trigger: ".o_family_monitoring_types tr:contains(Food parcel)",
        },
        {
            content: "The families figure opens the families",
            trigger: "a.o_family_monitoring_families",
            run: "click",
        },
        {
            trigger: ".o_family_case_row",
        },
    ],
});
