//! Field descriptors: what the content script tells the engine about one form control.
//!
//! Produced by `collect()` in `extension/content/autofill-fields.js` as JSON; every field is
//! optional on the wire (`#[serde(default)]`) so older or partial descriptors still parse.
//! The classifier reads only these features; it never sees the page itself.

use serde::{Deserialize, Serialize};

/// One `<option>` of a `<select>`: its value and visible text (both capped by the collector).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectOption {
    pub value: String,
    pub text: String,
}

/// Visibility and fillability of a control, measured in the page when it was collected.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldFlags {
    pub hidden: bool,
    pub zero_size: bool,
    pub offscreen: bool,
    /// Opacity 0 on the control or an ancestor.
    pub transparent: bool,
    /// Clipped away by `clip`/`clip-path`.
    pub clipped: bool,
    /// Another element is on top of the control's centre. Left false by `collect()` (a hit test
    /// per control is the costliest part of collecting); the content script's `fill()` checks it
    /// before every write and refuses covered controls.
    pub covered: bool,
    pub disabled: bool,
    pub readonly: bool,
    pub password: bool,
    pub one_time_code: bool,
    pub cross_origin_frame: bool,
    /// The collector's summary: none of the above.
    pub fillable: bool,
}

impl FieldFlags {
    /// May we write into this control? Recomputed from the flags, not trusted from `fillable`.
    pub fn can_fill(&self) -> bool {
        !(self.hidden
            || self.zero_size
            || self.offscreen
            || self.transparent
            || self.clipped
            || self.covered
            || self.disabled
            || self.readonly
            || self.password
            || self.one_time_code
            || self.cross_origin_frame)
    }
}

/// One fillable control as the content script saw it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldDescriptor {
    /// Position in the collector's list; the filler addresses controls by it.
    pub index: usize,
    /// `input`, `select`, `textarea` or `contenteditable`.
    pub tag: String,
    /// Lower-cased input type (`text`, `email`, …), `select-one` or the tag.
    #[serde(rename = "type")]
    pub kind: String,
    /// The `autocomplete` attribute, lower-cased.
    pub autocomplete: String,
    pub name: String,
    pub id: String,
    /// Text of `label[for]`, a wrapping label and `aria-labelledby` targets.
    pub label: String,
    pub aria_label: String,
    pub placeholder: String,
    pub title: String,
    /// Text just before the control in document order.
    pub nearby: String,
    pub options: Vec<SelectOption>,
    pub max_length: Option<u32>,
    pub pattern: Option<String>,
    /// Index of the control's form in `document.forms`, -1 when formless.
    pub form_index: i64,
    /// The form's id, name or action, for humans and grouping.
    pub form_id: String,
    /// Position among the collected controls of the same form.
    pub position: usize,
    /// Fieldset legend / heading / ancestor hints such as "Shipping address".
    pub section: String,
    pub flags: FieldFlags,
}

impl FieldDescriptor {
    /// Is this a `<select>`?
    pub fn is_select(&self) -> bool {
        self.tag == "select"
    }

    /// Can the user type free text into it?
    pub fn is_text_like(&self) -> bool {
        match self.tag.as_str() {
            "textarea" | "contenteditable" => true,
            "input" => matches!(
                self.kind.as_str(),
                "" | "text" | "email" | "tel" | "number" | "search" | "url" | "date" | "month" | "password"
            ),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_json_parses_with_defaults() {
        let d: FieldDescriptor = serde_json::from_str(r#"{"tag":"input","type":"email","name":"x"}"#).unwrap();
        assert_eq!(d.kind, "email");
        assert!(d.options.is_empty());
        assert_eq!(d.max_length, None);
        assert!(d.flags.can_fill());
    }

    #[test]
    fn any_flag_blocks_filling() {
        let f = FieldFlags { covered: true, fillable: true, ..Default::default() };
        assert!(!f.can_fill());
    }
}
