/** @odoo-module **/
import {registry} from "@web/core/registry";

const members = ".o_field_widget[name=member_ids]";
const goals = ".o_field_widget[name=goal_ids]";

function addGoal(name, party) {
    return [
        {
            content: "Add a goal",
            trigger: `${goals} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            trigger: `${goals} .o_data_row.o_selected_row [name=name] input`,
            run: `edit ${name}`,
        },
        {
            trigger: `${goals} .o_data_row.o_selected_row [name=party_id] input`,
            run: `edit ${party}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${party})`,
            run: "click",
        },
        {
            trigger: `${goals} .o_data_row.o_selected_row [name=indicator] input`,
            run: "edit Mesi di affitto pagati",
        },
        {
            trigger: `${goals} .o_data_row.o_selected_row [name=target] input`,
            run: "edit 6",
        },
    ];
}

// 1-3: a case with a member, a plan with goals for two parties, approval.
registry.category("web_tour.tours").add("odoo_famiglie_rete_case_plan_tour", {
    url: "/odoo/action-odoo_famiglie_rete.family_case_action",
    steps: () => [
        {
            content: "Create a family case",
            trigger: ".o_control_panel .o-kanban-button-new, .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Famiglia Tour",
        },
        {
            content: "Open the members",
            trigger: ".o_notebook .nav-link:contains(Members)",
            run: "click",
        },
        {
            trigger: `${members} .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            trigger: `${members} .o_data_row.o_selected_row [name=partner_id] input`,
            run: "edit Giuseppe Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Giuseppe Tour)",
            run: "click",
        },
        {
            trigger: `${members} .o_data_row.o_selected_row [name=relation] select`,
            run: "selectByLabel Reference Person",
        },
        {
            trigger: `${members} .o_data_row.o_selected_row [name=fiscal_code] input`,
            run: "edit VRDGPP80A01C523Y",
        },
        {
            content: "Save the case",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Famiglia Tour)",
        },
        {
            content: "Draft the integrated plan",
            trigger: ".o_form_statusbar button[name=action_new_plan]",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Plan v1)",
        },
        ...addGoal("Pagare l'affitto con regolarità", "Comune di Prova"),
        ...addGoal("Pacchi alimentari mensili", "Associazione Tour"),
        {
            content: "Save the plan",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_button_save:not(:visible)",
        },
        {
            content: "Submit it to the parties",
            trigger: "button[name=action_submit]",
            run: "click",
        },
        {
            content: "Approve the Comune's goals",
            trigger: "button[name=action_approve]",
            run: "click",
        },
        {
            content: "The association still has to approve",
            trigger: ".o_field_widget[name=pending_party_ids]:contains(Associazione Tour)",
        },
    ],
});

// 4-6: interventions, a joint review in the calendar, its outcomes.
registry.category("web_tour.tours").add("odoo_famiglie_rete_intervention_review_tour", {
    url: "/odoo/action-odoo_famiglie_rete.family_intervention_action",
    steps: () => [
        {
            content: "Record an intervention",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=case_id] input",
            run: "edit Famiglia Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Famiglia Tour)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=type_id] input",
            run: "edit Pacco tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Pacco tour)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=quantity] input",
            run: "edit 4",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The amount is quantity times unit value",
            trigger: ".o_field_widget[name=amount]:contains(100.00)",
        },
        {
            content: "Schedule a joint review",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Cases)",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(Joint Reviews)",
            run: "click",
        },
        {
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=case_id] input",
            run: "edit Famiglia Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Famiglia Tour)",
            run: "click",
        },
        {
            // today: a review is recorded as held on its day or after it
            trigger: ".o_field_widget[name=date] input",
            run: `edit ${luxon.DateTime.now().toFormat("MM/dd/yyyy")} 10:00:00`,
        },
        {
            trigger: ".o_field_widget[name=partner_ids] input",
            run: "edit Coordinatrice Tour",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Coordinatrice Tour)",
            run: "click",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_button_save:not(:visible)",
        },
        {
            content: "Bring in the plan's goals",
            trigger: "button[name=action_load_goals]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome_ids] .o_data_row:nth-child(2)",
        },
        {
            content: "First goal achieved",
            trigger:
                ".o_field_widget[name=outcome_ids] .o_data_row:nth-child(1) .o_data_cell[name=outcome]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome_ids] .o_selected_row [name=outcome] select",
            run: 'select "achieved"',
        },
        {
            content: "Second goal partly achieved",
            trigger:
                ".o_field_widget[name=outcome_ids] .o_data_row:nth-child(2) .o_data_cell[name=outcome]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=outcome_ids] .o_selected_row [name=outcome] select",
            run: 'select "partly"',
        },
        {
            trigger:
                ".o_field_widget[name=outcome_ids] .o_selected_row [name=indicator_value] input",
            run: "edit 3",
        },
        {
            content: "Record the outcome",
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Held)",
        },
    ],
});
