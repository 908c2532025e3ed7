//! Hooks for collections where exactly one document is the `default` (PingOne keeps one:
//! marking another default unmarks the previous one, and the default cannot be deleted).

use serde_json::{Map, Value, json};

use super::crud::keep_single_default;
use super::error::{ApiError, ApiResult};
use super::spec::{Ctx, Hooks};
use crate::sandbox::store::Store;

/// Hooks for collections where exactly one document is the `default`.
pub struct SingleDefault;

impl Hooks for SingleDefault {
    fn prepare(
        &self,
        _ctx: &Ctx,
        _store: &Store,
        doc: &mut Map<String, Value>,
        _existing: Option<&Value>,
    ) -> ApiResult<()> {
        doc.entry("default").or_insert(json!(false));
        Ok(())
    }
    fn stored(&self, ctx: &Ctx, store: &mut Store, doc: &Value, _created: bool) {
        keep_single_default(store, &ctx.scope, ctx.spec.name, doc);
    }
    fn deleting(&self, _ctx: &Ctx, _store: &mut Store, doc: &Value) -> ApiResult<()> {
        if doc["default"] == true {
            return Err(ApiError::request_failed("The default cannot be deleted"));
        }
        Ok(())
    }
}
