/** @odoo-module **/
import {registry} from "@web/core/registry";

const interventions = ".o_field_widget[name=intervention_ids]";
const members = ".o_field_widget[name=member_ids]";
const giuseppe = `${members} .o_data_row:contains(Giuseppe Senzadata)`;

function openPage(name) {
    return {
        content: `Open the page ${name}`,
        trigger: `.o_notebook .nav-link:contains(${name})`,
        run: "click",
    };
}

// A social worker's case on the first day: the overlap mark, the unknown
// ISEE and age, a codice fiscale typed wrong, a review linked to its plan.
registry.category("web_tour.tours").add("odoo_famiglie_rete_daily_use_tour", {
    steps: () => [
        {
            content: "The ISEE not presented shows empty, not 0,00",
            trigger: ".o_field_widget[name=isee_value] input",
            run() {
                if (this.anchor.value !== "") {
                    throw new Error(`The ISEE shows "${this.anchor.value}"`);
                }
            },
        },
        openPage("Interventions"),
        {
            content: "The overlap column has a header",
            trigger: `${interventions} th[data-name=has_overlap]:contains(Overlap)`,
        },
        {
            content: "A mark on the two overlapping rows only",
            trigger: `${interventions}:has(.o_data_row:nth-child(3)):not(:has(.o_data_row:nth-child(4)))`,
            run() {
                const marks = document.querySelectorAll(
                    `${interventions} .o_data_row .o_family_warning_mark`
                );
                const buttons = document.querySelectorAll(
                    `${interventions} .o_data_row td[name=has_overlap] button`
                );
                if (marks.length !== 2 || buttons.length) {
                    throw new Error(
                        `Expected 2 marks and no button, got ${marks.length} and ${buttons.length}`
                    );
                }
            },
        },
        openPage("Members"),
        {
            content: "An unknown age shows empty",
            trigger: `${giuseppe} td[name=age]`,
            run() {
                if (this.anchor.textContent.trim()) {
                    throw new Error(`The age shows "${this.anchor.textContent}"`);
                }
            },
        },
        {
            trigger: `${giuseppe} td[name=fiscal_code]`,
            run: "click",
        },
        {
            content: "Type a codice fiscale with a wrong check letter",
            trigger: `${members} .o_selected_row [name=fiscal_code] input`,
            run: "edit VRDGPP80A01C523Z",
        },
        {
            trigger: `${members} .o_selected_row [name=fiscal_code] input`,
            run: "press Tab",
        },
        {
            content: "The code is marked at once, before saving",
            trigger: `${giuseppe} td[name=fiscal_code].text-danger`,
        },
        {
            trigger: `${giuseppe} td[name=fiscal_code]`,
            run: "click",
        },
        {
            trigger: `${members} .o_data_row:first-child.o_selected_row [name=fiscal_code] input`,
            run: "edit VRDGPP80A01C523Y",
        },
        {
            trigger: `${members} .o_data_row:first-child.o_selected_row [name=fiscal_code] input`,
            run: "press Tab",
        },
        {
            content: "A valid code is not marked",
            trigger: `${giuseppe} td[name=fiscal_code]:not(.text-danger):contains(VRDGPP80A01C523Y)`,
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_button_save:not(:visible)",
        },
        openPage("Reviews"),
        {
            content: "Plan a review from the case",
            trigger: ".o_field_widget[name=review_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "The dialog names one review; the plan is linked by itself",
            trigger: ".modal .modal-title:contains(Create Joint Review)",
        },
        {
            trigger:
                ".modal .o_field_widget[name=plan_id]:contains(Plan v1):not(:has(input))",
        },
        {
            trigger: ".modal .o_field_widget[name=date] input",
            run: "edit 01/15/2027 10:00:00",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=review_ids] .o_data_row",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_button_save:not(:visible)",
        },
    ],
});

// The manager sets the addon's own settings (Odoo's are for administrators).
registry.category("web_tour.tours").add("odoo_famiglie_rete_manager_settings_tour", {
    steps: () => [
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains(Configuration)",
            run: "click",
        },
        {
            trigger: ".dropdown-item:contains(Settings)",
            run: "click",
        },
        {
            content: "The dialog shows the current periods",
            trigger: ".modal .o_field_widget[name=family_retention_years] input",
            run: "edit 8",
        },
        {
            trigger: ".modal .o_field_widget[name=family_access_log_months] input",
            run: "edit 18",
        },
        {
            trigger: ".modal button[name=action_save]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
    ],
});
