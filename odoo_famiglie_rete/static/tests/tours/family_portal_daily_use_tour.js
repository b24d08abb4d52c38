/** @odoo-module **/
import {registry} from "@web/core/registry";

const tours = registry.category("web_tour.tours");

// /my and /my/famiglie as a to-do list: what needs the association.
tours.add("odoo_famiglie_rete_portal_todo_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The home counts the goals waiting for approval",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/famiglie?filterby=attention']:contains(Goals to approve)",
        },
        {
            trigger: ".o_portal_index_card:not(.d-none) a:contains(Unread messages)",
            run: "click",
        },
        {
            content: "Only the families that need me",
            trigger: ".o_family_filter_attention.active",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Alfa) .o_family_todo_goals",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Alfa) .o_family_todo_messages",
        },
        {
            trigger: "body:not(:has(.o_family_case_row:contains(Famiglia Gamma)))",
        },
        {
            content: "Open the family: its messages are read",
            trigger: ".o_family_case_row a:contains(NF/)",
            run: "click",
        },
        {
            content: "The new message is marked",
            trigger: ".o_family_message:contains(Ci vediamo alla verifica) .o_family_message_new",
        },
        {
            trigger: ".o_family_goals_approve",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            content: "Back to the list: nothing waits any more",
            trigger: ".breadcrumb a[href='/my/famiglie']",
            run: "click",
        },
        {
            trigger: ".o_family_case_row:contains(Famiglia Alfa):not(:has(.o_family_todo_goals)):not(:has(.o_family_todo_messages))",
        },
        {
            trigger: ".o_family_filter_attention",
            run: "click",
        },
        {
            trigger: ".o_family_no_case",
        },
    ],
});

// /my/account: the notification e-mails turned off.
tours.add("odoo_famiglie_rete_portal_notifications_tour", {
    url: "/my/account",
    steps: () => [
        {
            trigger: "#family_notifications input[name=family_notify_email]:checked",
            run: "click",
        },
        {
            trigger: ".o_family_notifications_save",
            run: "click",
        },
        {
            trigger: "#family_notifications .o_family_saved",
        },
        {
            trigger: "#family_notifications input[name=family_notify_email]:not(:checked)",
        },
    ],
});

// /my/famiglie/<id>: a receipt uploaded by the association.
tours.add("odoo_famiglie_rete_portal_document_upload_tour", {
    steps: () => [
        {
            content: "A text file is no document",
            trigger: "#family_document_file",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["appunti"], "appunti.txt", {type: "text/plain"})
                );
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: ".o_family_document_upload",
            run: "click",
        },
        {
            content: "Refused, in words",
            trigger: "#documents .o_family_error:contains(PDF)",
        },
        {
            trigger: "#family_document_file",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["%PDF-1.4 ricevuta"], "ricevuta_affitto.pdf", {
                        type: "application/pdf",
                    })
                );
                this.anchor.files = transfer.files;
            },
        },
        {
            trigger: "#family_document_description",
            run: "edit Ricevuta affitto di marzo",
        },
        {
            trigger: ".o_family_document_upload",
            run: "click",
        },
        {
            trigger: ".o_family_saved",
        },
        {
            trigger: ".o_family_documents a:contains(ricevuta_affitto.pdf)",
        },
        {
            trigger: ".o_family_documents:contains(Ricevuta affitto di marzo)",
        },
    ],
});
