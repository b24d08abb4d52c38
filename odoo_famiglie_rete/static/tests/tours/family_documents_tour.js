/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// /my/famiglie/<id>/interventi/<id>: the coordinator uploads the receipt of
// a cost under a convenzione, on a phone as on a desktop.
tours.add("odoo_famiglie_rete_portal_document_tour", {
    steps: () => [
        {
            content: "The intervention asks for its supporting documents",
            trigger: ".o_family_documents h3",
        },
        {
            content: "Choose the receipt's file (a PDF)",
            trigger: ".o_family_document_form input[name=file]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"], "scontrino.pdf", {
                        type: "application/pdf",
                    })
                );
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: ".o_family_document_form select[name=document_type]",
            run: "select ticket",
        },
        {
            trigger: ".o_family_document_form input[name=document_number]",
            run: "edit 0042",
        },
        {
            trigger: ".o_family_document_form input[name=amount]",
            run: "edit 12,50",
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
            trigger: ".o_family_document:contains(0042)",
        },
        {
            content: "A file that is no document is refused, with the reason",
            trigger: ".o_family_document_form input[name=file]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["MZ not a document"], "programma.exe", {
                        type: "application/octet-stream",
                    })
                );
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: ".o_family_document_form input[name=amount]",
            run: "edit 3",
        },
        {
            trigger: ".o_family_document_upload",
            run: "click",
        },
        {
            trigger: ".o_family_document_error:contains(PDF)",
        },
        {
            trigger: "body:not(:has(.o_family_document:contains(programma)))",
        },
    ],
});
