/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// /my/famiglie: the list, its search and the way into a family.
tours.add("odoo_famiglie_rete_portal_list_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The home shows the families entry",
            trigger: "a[href='/my/famiglie']",
            run: "click",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Alfa)",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Gamma)",
        },
        {
            content: "Search a family",
            trigger: ".o_family_search input[name=search]",
            run: "edit Gamma",
        },
        {
            trigger: ".o_family_search button[type=submit]",
            run: "click",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Gamma)",
        },
        {
            trigger: "body:not(:has(.o_family_case_row:contains(Famiglia Alfa)))",
        },
        {
            content: "Open the family",
            trigger: ".o_family_case_row a",
            run: "click",
        },
        {
            trigger: ".o_family_portal_case h3:contains(Famiglia Gamma)",
        },
    ],
});

// /my/famiglie/<id>: the sections the share allows.
tours.add("odoo_famiglie_rete_portal_family_tour", {
    steps: () => [
        {
            trigger: ".o_family_portal_case h3:contains(Famiglia Alfa)",
        },
        {
            content: "Members are shared",
            trigger: ".o_family_members:contains(Mario Alfa)",
        },
        {
            content: "The household's composition, from its own projection",
            trigger: ".o_family_member .o_family_composition:contains(Reference Person)",
        },
        {
            content: "Other parties' interventions are not shared",
            trigger: "#interventions:not(:has(.o_family_other_intervention))",
        },
        {
            content: "Only my association's goals",
            trigger: ".o_family_goal:contains(Spesa mensile garantita)",
        },
        {
            trigger: "#goals:not(:has(.o_family_goal:contains(Trovare lavoro)))",
        },
        {
            content: "The overlap shows only the category",
            trigger: ".o_family_overlap:contains(another party)",
        },
        {
            trigger: ".o_family_documents a:contains(piano_condiviso.txt)",
        },
        {
            trigger: ".o_family_message:contains(Benvenuti nella discussione)",
        },
        {
            trigger: "#discussion:not(:contains(Nota interna))",
        },
    ],
});

// A new intervention from the family page.
tours.add("odoo_famiglie_rete_portal_new_intervention_tour", {
    steps: () => [
        {
            trigger: "a.o_family_new_intervention",
            run: "click",
        },
        {
            trigger: ".o_family_intervention_form select[name=type_id]",
            run: "selectByLabel Rent contribution",
        },
        {
            trigger: ".o_family_intervention_form input[name=name]",
            run: "edit Bolletta luce",
        },
        {
            content: "A negative quantity is refused",
            trigger: ".o_family_intervention_form input[name=quantity]",
            run: "edit -2",
        },
        {
            trigger: ".o_family_intervention_form select[name=member_id]",
            run: "selectByLabel Mario Alfa",
        },
        {
            trigger: ".o_family_intervention_form select[name=goal_id]",
            run: "selectByLabel Spesa mensile garantita",
        },
        {
            trigger: ".o_family_intervention_save",
            run: "click",
        },
        {
            trigger: ".o_family_error",
        },
        {
            content: "The values typed are still there",
            trigger: ".o_family_intervention_form input[name=name]:value(Bolletta luce)",
        },
        {
            trigger: ".o_family_intervention_form input[name=quantity]",
            run: "edit 2",
        },
        {
            trigger: ".o_family_intervention_save",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            trigger: ".o_family_intervention:contains(Rent contribution)",
        },
    ],
});

// Edit one of my association's interventions.
tours.add("odoo_famiglie_rete_portal_edit_intervention_tour", {
    steps: () => [
        {
            trigger: ".o_family_intervention:contains(Food parcel) a.o_family_edit_intervention",
            run: "click",
        },
        {
            trigger: ".o_family_intervention_form input[name=quantity]",
            run: "edit 3",
        },
        {
            trigger: ".o_family_intervention_form select[name=state]",
            run: "select done",
        },
        {
            trigger: ".o_family_intervention_save",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
    ],
});

// Update the state and indicator value of my goal.
tours.add("odoo_famiglie_rete_portal_goal_tour", {
    steps: () => [
        {
            trigger: ".o_family_goal select[name=state]",
            run: "select in_progress",
        },
        {
            trigger: ".o_family_goal input[name=current_value]",
            run: "edit 3",
        },
        {
            trigger: ".o_family_goal .o_family_goal_save",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            trigger: ".o_family_goal input[name=current_value]:value(3)",
        },
    ],
});

// The coordinator approves the goals assigned to the association.
tours.add("odoo_famiglie_rete_portal_goal_approval_tour", {
    steps: () => [
        {
            trigger: ".o_family_goal .o_family_goal_approval:contains(To Approve)",
        },
        {
            trigger: ".o_family_goals_approve",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            trigger: ".o_family_goal .o_family_goal_approval:contains(Approved)",
        },
        {
            trigger: "body:not(:has(.o_family_goals_approve))",
        },
    ],
});

// Post in the shared discussion.
tours.add("odoo_famiglie_rete_portal_discussion_tour", {
    steps: () => [
        {
            trigger: ".o_family_message_form textarea[name=message]",
            run: "edit Pacco consegnato oggi",
        },
        {
            trigger: ".o_family_message_send",
            run: "click",
        },
        {
            trigger: ".o_family_message:contains(Pacco consegnato oggi)",
        },
    ],
});

// The reviews I am invited to, with their calendar file.
tours.add("odoo_famiglie_rete_portal_reviews_tour", {
    url: "/my",
    steps: () => [
        {
            trigger: "a[href='/my/verifiche']",
            run: "click",
        },
        {
            trigger: ".o_family_reviews_upcoming .o_family_review:contains(Sala Consiglio)",
        },
        {
            trigger: ".o_family_reviews_past .o_family_review",
        },
        {
            content: "Each review has its calendar file",
            trigger: ".o_family_reviews_upcoming a.o_family_review_ics[href$='/ics']",
        },
    ],
});

// My association's statements (empty until compensation lands).
tours.add("odoo_famiglie_rete_portal_statements_tour", {
    url: "/my",
    steps: () => [
        {
            trigger: "a[href='/my/rendiconti']",
            run: "click",
        },
        {
            content: "The association's approved statement, with its PDF",
            trigger: ".o_family_statement .o_family_statement_pdf",
        },
        {
            trigger: "body:not(:has(.o_family_no_statement))",
        },
    ],
});

// The coordinator assigns a volunteer to a family.
tours.add("odoo_famiglie_rete_portal_volunteers_tour", {
    steps: () => [
        {
            trigger: ".o_family_volunteer_count:contains(No volunteer of your association)",
        },
        {
            trigger: "a.o_family_volunteers_edit",
            run: "click",
        },
        {
            trigger: ".o_family_volunteers label:contains(Valeria Volontaria)",
            run: "click",
        },
        {
            trigger: ".o_family_volunteers_save",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            trigger: ".o_family_volunteer_count:contains(1 volunteer of your association)",
        },
    ],
});
