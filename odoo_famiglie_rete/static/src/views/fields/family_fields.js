/** @odoo-module **/
import {Component} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {
    MonetaryField,
    monetaryField,
} from "@web/views/fields/monetary/monetary_field";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

/**
 * An amount not known yet shows empty, not "0,00 €" (Odoo stores no empty
 * number): zero counts as unknown while the field named by the option
 * ``known_if`` is empty (the ISEE value: an ISEE of 0 € has an expiry date).
 */
export class FamilyOptionalMonetaryField extends MonetaryField {
    static props = {
        ...MonetaryField.props,
        knownIf: {type: String, optional: true},
    };

    get isUnknown() {
        const known = this.props.knownIf && this.props.record.data[this.props.knownIf];
        return !this.value && !known;
    }

    get formattedValue() {
        return this.isUnknown ? "" : super.formattedValue;
    }
}

registry.category("fields").add("family_optional_monetary", {
    ...monetaryField,
    component: FamilyOptionalMonetaryField,
    displayName: _t("Monetary, empty when unknown"),
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...monetaryField.extractProps(fieldInfo, dynamicInfo),
        knownIf: fieldInfo.options.known_if,
    }),
});

/**
 * A warning mark where the flag is set, nothing elsewhere (a list column of
 * overlapping help). Read-only: it is a mark, not a button.
 */
export class FamilyWarningMarkField extends Component {
    static template = "odoo_famiglie_rete.FamilyWarningMarkField";
    static props = {
        ...standardFieldProps,
        title: {type: String, optional: true},
    };
}

registry.category("fields").add("family_warning_mark", {
    component: FamilyWarningMarkField,
    displayName: _t("Warning mark"),
    supportedTypes: ["boolean"],
    extractProps: ({string}) => ({title: string}),
});
