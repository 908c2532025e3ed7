//! Hooks for collections whose documents start `INACTIVE` unless the request says otherwise
//! (identity propagation plans and stores).

use serde_json::{Map, Value, json};

use super::error::ApiResult;
use super::spec::{Ctx, Hooks};
use crate::sandbox::store::Store;

pub struct InactiveByDefault;

impl Hooks for InactiveByDefault {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("status").or_insert(json!("INACTIVE"));
        Ok(())
    }
}
