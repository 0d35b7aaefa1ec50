//! Form autofill: from field descriptors (collected by `extension/content/autofill-fields.js`)
//! to a predicted WHATWG autofill token per field, and from those tokens plus the user's L1
//! profile to the values to write.
//!
//! Flow: [`descriptor`] (the JSON the content script sends) → [`classify`] (autocomplete attribute,
//! multi-language keyword rules in [`rules`], select-option contents in [`options`], then form
//! context) → [`fill`] (value selection, fitted to options, maxlength and patterns; unfillable
//! and sensitive fields skipped; [`sensitive`] offers those masked, for the user to pick one).
//! Called by `web/` for `autofill.*` requests and by the host CLI's `secondself eval autofill`.
//! Pure code: builds and tests natively.

pub mod classify;
pub mod descriptor;
pub mod draft;
pub mod fill;
pub mod learned;
pub mod options;
pub mod rules;
pub mod sensitive;
pub mod text;
pub mod token;
pub mod train;

pub use classify::{classify, Prediction};
pub use descriptor::{FieldDescriptor, FieldFlags, SelectOption};
pub use fill::{fill_values, fill_values_with, FillOptions};
pub use sensitive::SensitiveOffer;
pub use token::{is_address_or_payment, Token};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::protocol::{AutofillValue, Reply};

/// Which fields a fill covers: the whole page (shortcut, context menu), the focused control's
/// form, the focused control alone (the inline menu's two entries), or none: `preview` only
/// classifies and lists the focused field's offers (the inline icon, before the user picks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FillScope {
    #[default]
    Page,
    Form,
    Field,
    Preview,
}

/// What the user asked for, beside the descriptors: `autofill.classify`'s optional fields.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FillAsk {
    /// Descriptor index of the control the user is in (the inline menu's field).
    pub focus: Option<usize>,
    /// Narrows the fills around `focus`; without a focus only `Page` fills anything.
    pub scope: FillScope,
    /// A sensitive profile key the user picked in the menu for the focused field: that one
    /// value goes into that one field, and nothing else is filled.
    pub pick: Option<String>,
}

/// Classifies `fields` and picks values from `profile`: the engine's answer to a plain
/// `autofill.classify` (the whole page, nothing sensitive).
pub fn plan(fields: &[FieldDescriptor], profile: &HashMap<String, String>) -> Reply {
    plan_for(fields, profile, &FillAsk::default())
}

/// [`plan`] for what the user asked: the fills narrowed to `ask.scope`, the sensitive facts the
/// focused field could take offered masked, and a picked one filled.
pub fn plan_for(fields: &[FieldDescriptor], profile: &HashMap<String, String>, ask: &FillAsk) -> Reply {
    let predictions = classify(fields);
    let focused = ask.focus.and_then(|i| fields.iter().position(|d| d.index == i));
    let focus_token = focused.map(|k| predictions[k].token.as_str()).unwrap_or(token::NONE);
    let offers = if focused.is_some() && token::is_sensitive(focus_token) { sensitive::offers(focus_token, profile) } else { Vec::new() };
    let fills = match (focused, &ask.pick) {
        (Some(k), Some(key)) => sensitive::picked(focus_token, key, profile)
            .filter(|_| fields[k].flags.can_fill())
            .map(|value| vec![(fields[k].index, value)])
            .unwrap_or_default(),
        (_, Some(_)) => Vec::new(),
        _ => {
            let all = fill_values(&predictions, profile, fields);
            let keep = |index: usize| match (ask.scope, focused) {
                (FillScope::Page, _) => true,
                (FillScope::Form, Some(k)) => fields.iter().any(|d| d.index == index && d.form_index == fields[k].form_index),
                (FillScope::Field, Some(k)) => index == fields[k].index,
                (FillScope::Preview, _) | (_, None) => false,
            };
            all.into_iter().filter(|(i, _)| keep(*i)).collect()
        }
    };
    let fills = fills.into_iter().map(|(index, value)| AutofillValue { index, value }).collect();
    // A free-text field the classifier leaves alone can get a drafted answer instead.
    let draftable = focused.is_some_and(|k| focus_token == token::NONE && draft::DraftAsk::of(&fields[k]).is_some());
    Reply::AutofillPlan { predictions, fills, offers, draftable }
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
        let profile = [("email", "lena@example.org"), ("given-name", "Lena")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let Reply::AutofillPlan { predictions, fills, offers, .. } = plan(&fields, &profile) else { panic!("not a plan") };
        assert_eq!(predictions[0].token, "email");
        assert_eq!(predictions[1].token, "given-name");
        assert_eq!(fills, vec![AutofillValue { index: 0, value: "lena@example.org".into() }]);
        assert!(offers.is_empty());
    }

    #[test]
    fn a_focused_free_text_question_is_draftable() {
        let fields: Vec<FieldDescriptor> = serde_json::from_str(
            r#"[{"index":0,"tag":"input","type":"email","label":"Email"},
                {"index":1,"tag":"textarea","type":"textarea","label":"Tell us about yourself"}]"#,
        )
        .unwrap();
        let profile = HashMap::new();
        let draftable = |focus| match plan_for(&fields, &profile, &FillAsk { focus: Some(focus), scope: FillScope::Preview, pick: None }) {
            Reply::AutofillPlan { draftable, .. } => draftable,
            _ => panic!("not a plan"),
        };
        assert!(draftable(1));
        assert!(!draftable(0), "a profile field is filled, not drafted");
    }

    fn two_forms() -> Vec<FieldDescriptor> {
        serde_json::from_str(
            r#"[{"index":0,"tag":"input","type":"text","label":"Full name","form_index":0},
                {"index":1,"tag":"input","type":"email","label":"Email","form_index":0},
                {"index":2,"tag":"input","type":"text","label":"Passport number","form_index":0},
                {"index":3,"tag":"input","type":"email","label":"Email","form_index":1}]"#,
        )
        .unwrap()
    }

    fn lena() -> HashMap<String, String> {
        [("name", "Lena Vogt"), ("email", "lena@example.org"), ("passport-number", "604219873")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn filled(reply: &Reply) -> Vec<usize> {
        let Reply::AutofillPlan { fills, .. } = reply else { panic!("not a plan") };
        fills.iter().map(|f| f.index).collect()
    }

    #[test]
    fn scopes_narrow_the_fills_to_the_focused_form_or_field() {
        let (f, p) = (two_forms(), lena());
        assert_eq!(filled(&plan(&f, &p)), [0, 1, 3]);
        assert_eq!(filled(&plan_for(&f, &p, &FillAsk { focus: Some(1), scope: FillScope::Form, pick: None })), [0, 1]);
        assert_eq!(filled(&plan_for(&f, &p, &FillAsk { focus: Some(1), scope: FillScope::Field, pick: None })), [1]);
        assert_eq!(filled(&plan_for(&f, &p, &FillAsk { focus: None, scope: FillScope::Field, pick: None })), Vec::<usize>::new());
        assert_eq!(filled(&plan_for(&f, &p, &FillAsk { focus: Some(1), scope: FillScope::Preview, pick: None })), Vec::<usize>::new());
    }

    #[test]
    fn sensitive_facts_are_offered_masked_and_filled_only_when_picked() {
        let (f, p) = (two_forms(), lena());
        let reply = plan_for(&f, &p, &FillAsk { focus: Some(2), scope: FillScope::Form, pick: None });
        let Reply::AutofillPlan { predictions, fills, offers, .. } = &reply else { panic!() };
        assert_eq!(predictions[2].token, "id-number");
        assert!(!fills.iter().any(|v| v.index == 2 || v.value.contains("604219873")), "{fills:?}");
        assert_eq!(offers.len(), 1);
        assert_eq!((offers[0].key.as_str(), offers[0].masked.as_str()), ("passport-number", "•••••9873"));
        assert!(!serde_json::to_string(&reply).unwrap().contains("604219873"), "the unpicked value never leaves the engine");

        let ask = FillAsk { focus: Some(2), scope: FillScope::Field, pick: Some("passport-number".into()) };
        let Reply::AutofillPlan { fills, .. } = plan_for(&f, &p, &ask) else { panic!() };
        assert_eq!(fills, vec![AutofillValue { index: 2, value: "604219873".into() }]);
        // A pick for a field that is not an id field, or of a non-candidate key, fills nothing.
        let ask = FillAsk { focus: Some(1), scope: FillScope::Field, pick: Some("passport-number".into()) };
        assert!(filled(&plan_for(&f, &p, &ask)).is_empty());
        let ask = FillAsk { focus: Some(2), scope: FillScope::Field, pick: Some("email".into()) };
        assert!(filled(&plan_for(&f, &p, &ask)).is_empty());
    }
}
