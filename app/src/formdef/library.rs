//! The form library: every definition the portal ships (`app/forms/*.toml`, built into the
//! binary), parsed and checked when the server starts. A broken file stops start-up with a
//! message naming the file and the place in it.

use std::{collections::BTreeMap, sync::Arc};

use super::schema::FormDefinition;

/// The shipped definition files, by name. Every version of a form stays here while drafts
/// may still be on it.
const SHIPPED: &[(&str, &str)] = &[
    (
        "e1-parent-request.v1.toml",
        include_str!("../../forms/e1-parent-request.v1.toml"),
    ),
    (
        "e2-parental-consent.v1.toml",
        include_str!("../../forms/e2-parental-consent.v1.toml"),
    ),
    (
        "parent-carer-views.v1.toml",
        include_str!("../../forms/parent-carer-views.v1.toml"),
    ),
    (
        "child-young-person-views.v1.toml",
        include_str!("../../forms/child-young-person-views.v1.toml"),
    ),
    (
        "early-years-request.v1.toml",
        include_str!("../../forms/early-years-request.v1.toml"),
    ),
    (
        "school-request.v1.toml",
        include_str!("../../forms/school-request.v1.toml"),
    ),
    (
        "advice-educational.v1.toml",
        include_str!("../../forms/advice-educational.v1.toml"),
    ),
    (
        "advice-health.v1.toml",
        include_str!("../../forms/advice-health.v1.toml"),
    ),
    (
        "advice-psychological.v1.toml",
        include_str!("../../forms/advice-psychological.v1.toml"),
    ),
    (
        "advice-social-care.v1.toml",
        include_str!("../../forms/advice-social-care.v1.toml"),
    ),
    (
        "advice-other.v1.toml",
        include_str!("../../forms/advice-other.v1.toml"),
    ),
];

/// Every version of every form, by id and version.
#[derive(Debug, Default)]
pub struct FormLibrary {
    forms: BTreeMap<(String, u32), Arc<FormDefinition>>,
    /// The same forms in a young person's own voice (see `voice`), made once at start.
    voiced: BTreeMap<(String, u32), Arc<FormDefinition>>,
}

impl FormLibrary {
    /// The definitions built into the portal.
    pub fn shipped() -> anyhow::Result<FormLibrary> {
        FormLibrary::from_files(SHIPPED.iter().copied())
    }

    pub fn from_files<'a>(
        files: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> anyhow::Result<FormLibrary> {
        let mut library = FormLibrary::default();
        for (name, text) in files {
            let form = parse_definition(text)
                .map_err(|problem| anyhow::anyhow!("form definition {name}: {problem}"))?;
            let key = (form.id.clone(), form.version);
            if library.forms.contains_key(&key) {
                anyhow::bail!(
                    "form definition {name}: form `{}` version {} is defined twice",
                    form.id,
                    form.version
                );
            }
            library
                .voiced
                .insert(key.clone(), Arc::new(form.in_own_voice()));
            library.forms.insert(key, Arc::new(form));
        }
        Ok(library)
    }

    pub fn get(&self, id: &str, version: u32) -> Option<Arc<FormDefinition>> {
        self.forms.get(&(id.to_owned(), version)).cloned()
    }

    /// The form as `get` has it, or in a young person's own voice when `own_voice`.
    pub fn get_voiced(
        &self,
        id: &str,
        version: u32,
        own_voice: bool,
    ) -> Option<Arc<FormDefinition>> {
        let forms = if own_voice { &self.voiced } else { &self.forms };
        forms.get(&(id.to_owned(), version)).cloned()
    }

    /// The newest version of a form: the one new drafts start on.
    pub fn latest(&self, id: &str) -> Option<Arc<FormDefinition>> {
        self.forms
            .range((id.to_owned(), 0)..=(id.to_owned(), u32::MAX))
            .next_back()
            .map(|(_, f)| f.clone())
    }

    /// The newest version of each form, in title order.
    pub fn all_latest(&self) -> Vec<Arc<FormDefinition>> {
        let mut latest: BTreeMap<&str, Arc<FormDefinition>> = BTreeMap::new();
        for ((id, _), form) in &self.forms {
            latest.insert(id, form.clone());
        }
        let mut forms: Vec<_> = latest.into_values().collect();
        forms.sort_by(|a, b| a.title.cmp(&b.title));
        forms
    }
}

/// Parses and checks one definition file's text.
pub fn parse_definition(text: &str) -> Result<FormDefinition, String> {
    let form: FormDefinition = toml::from_str(text).map_err(|e| e.to_string())?;
    form.check().map_err(|e| e.to_string())?;
    Ok(form)
}
