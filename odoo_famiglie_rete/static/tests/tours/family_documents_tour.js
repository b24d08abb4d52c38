/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");
const PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

// Put one file in the document form's file input.
function chooseFile(content, name, type) {
    return {
        content: `Choose the file ${name}`,
        trigger: ".o_family_document_form input[name=file]",
        run() {
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, {type}));
            this.anchor.files = transfer.files;
        },
    };
}

// Upload a document: its file, type, number and amount; saved and listed.
function uploadSteps(number, amount) {
    return [
        chooseFile(PDF, "scontrino.pdf", "application/pdf"),
        {
            trigger: ".o_family_document_form select[name=document_type]",
            run: "select ticket",
        },
        {
            trigger: ".o_family_document_form input[name=document_number]",
            run: `edit ${number}`,
        },
        {
            trigger: ".o_family_document_form input[name=amount]",
            run: `edit ${amount}`,
        },
        {
            trigger: ".o_family_document_upload",
            run: "click",
        },
        {
            content: "Saved, and listed with its amount",
            trigger: ".o_family_document_saved",
        },
        {
            trigger: `.o_family_document:contains(${number})`,
        },
    ];
}

// A file that is no document is refused with the reason; nothing is listed.
const refusedSteps = [
    chooseFile("MZ not a document", "programma.exe", "application/octet-stream"),
    {
        trigger: ".o_family_document_form input[name=amount]",
        run: "edit 3",
    },
    {
        trigger: ".o_family_document_upload",
        run: "click",
    },
    {
        content: "Refused, with the reason",
        trigger: ".o_family_document_form .invalid-feedback:contains(PDF)",
    },
    {
        trigger: "body:not(:has(.o_family_document:contains(programma)))",
    },
];

// /my/famiglie/<id>/interventi/<id>: the coordinator uploads the receipt of
// a cost under a convenzione, on a phone as on a desktop.
tours.add("odoo_famiglie_rete_portal_document_tour", {
    steps: () => [
        {
            content: "The intervention asks for its supporting documents",
            trigger: ".o_family_documents h3",
        },
        ...uploadSteps("0042", "12,50"),
        ...refusedSteps,
    ],
});

// /my: the coordinator opens the volunteers' expenses from the home page,
// uploads the receipt of a volunteer's fuel, and removes it again.
tours.add("odoo_famiglie_rete_portal_expense_tour", {
    steps: () => [
        {
            content: "The home page offers the volunteers' expenses",
            trigger: "a[href='/my/spese']",
            run: "click",
        },
        {
            trigger: ".o_family_expenses .o_family_no_expense",
        },
        ...uploadSteps("C-77", "23,40"),
        ...refusedSteps,
        {
            trigger: ".o_family_document:contains(C-77) button:contains(Remove)",
            run: "click",
        },
        {
            content: "Removed: nothing left to reimburse",
            trigger: ".o_family_expenses .o_family_no_expense",
        },
    ],
});
