//! Form autofill: from field descriptors (collected by `extension/content/autofill-fields.js`)
//! to a predicted WHATWG autofill token per field, and from those tokens plus the user's L1
//! profile to the values to write.
//!
//! Flow: [`descriptor`] (the JSON the content script sends) → [`classify`] (autocomplete attribute,
//! multi-language keyword rules in [`rules`], select-option contents in [`options`], then form
//! context) → [`fill`] (value selection, fitted to options, maxlength and patterns; unfillable
//! and sensitive fields skipped). Called by `web/` for `autofill.*` requests and by the host CLI's
//! `secondself eval autofill`. Pure code: builds and tests natively.

pub mod classify;
pub mod descriptor;
pub mod fill;
pub mod options;
pub mod rules;
pub mod text;
pub mod token;

pub use classify::{classify, Prediction};
pub use descriptor::{FieldDescriptor, FieldFlags, SelectOption};
pub use fill::{fill_values, fill_values_with, FillOptions};
pub use token::{is_address_or_payment, Token};

/// Classifies `fields` and picks values from `profile`: the engine's answer to `autofill.classify`.
pub fn plan(fields: &[FieldDescriptor], profile: &std::collections::HashMap<String, String>) -> crate::protocol::Reply {
    let predictions = classify(fields);
    let fills = fill_values(&predictions, profile, fields)
        .into_iter()
        .map(|(index, value)| crate::protocol::AutofillValue { index, value })
        .collect();
    crate::protocol::Reply::AutofillPlan { predictions, fills }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_classifies_and_fills_only_fillable_fields() {
        let fields: Vec<FieldDescriptor> = serde_json::from_str(
            r#"[{"index":0,"tag":"input","type":"email","label":"Email"},
                {"index":1,"tag":"input","type":"text","label":"First name","flags":{"hidden":true}}]"#,
        )
        .unwrap();
        let profile = [("email", "maya@example.org"), ("given-name", "Maya")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let crate::protocol::Reply::AutofillPlan { predictions, fills } = plan(&fields, &profile) else { panic!("not a plan") };
        assert_eq!(predictions[0].token, "email");
        assert_eq!(predictions[1].token, "given-name");
        assert_eq!(fills, vec![crate::protocol::AutofillValue { index: 0, value: "maya@example.org".into() }]);
    }
}
