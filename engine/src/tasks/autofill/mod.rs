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
