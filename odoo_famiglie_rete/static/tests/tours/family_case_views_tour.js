/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");


function openPage(name) {
    return [
        {
            content: `Open the ${name} page`,
            trigger: `.o_form_view .o_notebook .nav-link[name=${name}]`,
            run: "click",
        },
        {
            trigger: `.o_form_view .o_notebook .nav-link.active[name=${name}]`,
        },
    ];
}

function switchView(viewType, selector) {
    return [
        {
            content: `Switch to the ${viewType} view`,
            trigger: `.o_switch_view.o_${viewType}`,
            run: "click",
        },
        {
            trigger: selector,
        },
    ];
}

// A case with an overlap, an overdue review, an expired ISEE and a member
// already in another open case: every page of its form renders.
tours.add("odoo_famiglie_rete_case_form_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_notebook",
        },
        {
            trigger: ".o_form_view .o_statusbar_status",
        },
        {
            content: "The smart buttons",
            trigger: ".o_form_view .o_field_statinfo",
        },
        {
            content: "The case's warnings",
            trigger: ".o_form_view .alert-warning",
        },
        {
            content: "The member already in another open case is flagged",
            trigger: ".o_field_one2many[name=member_ids] .fa-exclamation-triangle",
        },
        // every page of the notebook, in its order
        ...["members", "plan", "interventions", "reviews", "shares", "referrals"].flatMap(
            openPage
        ),
        ...openPage("totals"),
        {
            content: "The totals by party",
            trigger: ".o_field_html[name=totals_html]",
        },
        ...openPage("situation"),
    ],
});

// The case list's views: kanban by stage, list, pivot, graph, activities.
tours.add("odoo_famiglie_rete_case_views_tour", {
    url: "/odoo/action-odoo_famiglie_rete.family_case_action",
    steps: () => [
        {
            content: "The kanban's columns show their progress",
            trigger: ".o_kanban_view .o_column_progress",
        },
        {
            trigger: ".o_kanban_record .o_field_many2many_tags",
        },
        ...switchView("list", ".o_list_view .o_data_row"),
        ...switchView("pivot", ".o_pivot_view .o_pivot"),
        ...switchView("graph", ".o_graph_view canvas"),
        ...switchView("activity", ".o_activity_view"),
    ],
});

// The members' list, and the form of a member already in another open case.
tours.add("odoo_famiglie_rete_member_views_tour", {
    url: "/odoo/action-odoo_famiglie_rete.family_case_member_action",
    steps: () => [
        {
            content: "Open the member of the second case",
            trigger: ".o_list_view .o_data_row:contains(Rossi bis) .o_data_cell[name=partner_id]",
            run: "click",
        },
        {
            content: "The form warns of the other open case",
            trigger: ".o_form_view .alert-warning",
        },
    ],
});
