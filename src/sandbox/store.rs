//! The sandbox's state: JSON documents by scope and collection, the way PingOne returns them.
//!
//! Both halves of the sandbox (management API and auth host) read and write resources through
//! this one store, so an application created over `/v1` is the client the token endpoint sees.
//! Documents are stored without `_links` (those are added when a response is built).

use std::collections::HashMap;

use serde_json::Value;

/// Key of a collection: the scope (an environment id, an organization id, or a parent
/// resource id such as a user id for `devices`) and the collection name (`applications`,
/// `users`, `devices`, ...).
pub type CollectionKey = (String, &'static str);

/// An insertion-ordered collection of documents keyed by `id`.
#[derive(Debug, Default)]
pub struct Collection {
    order: Vec<String>,
    docs: HashMap<String, Value>,
}

impl Collection {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.docs.get(id)
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.docs.get_mut(id)
    }
    /// Inserts or replaces the document; its `id` field must be set.
    pub fn put(&mut self, doc: Value) -> &Value {
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if !self.docs.contains_key(&id) {
            self.order.push(id.clone());
        }
        self.docs.insert(id.clone(), doc);
        &self.docs[&id]
    }
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        let doc = self.docs.remove(id)?;
        self.order.retain(|x| x != id);
        Some(doc)
    }
    /// Documents in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.order.iter().filter_map(|id| self.docs.get(id))
    }
    pub fn len(&self) -> usize {
        self.order.len()
    }
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}

/// Every resource the sandbox holds.
#[derive(Debug, Default)]
pub struct Store {
    collections: HashMap<CollectionKey, Collection>,
}

impl Store {
    pub fn collection(&self, scope: &str, name: &'static str) -> Option<&Collection> {
        self.collections.get(&(scope.to_owned(), name))
    }
    pub fn collection_mut(&mut self, scope: &str, name: &'static str) -> &mut Collection {
        self.collections
            .entry((scope.to_owned(), name))
            .or_default()
    }
    pub fn get(&self, scope: &str, name: &'static str, id: &str) -> Option<&Value> {
        self.collection(scope, name)?.get(id)
    }
    pub fn get_mut(&mut self, scope: &str, name: &'static str, id: &str) -> Option<&mut Value> {
        self.collections
            .get_mut(&(scope.to_owned(), name))?
            .get_mut(id)
    }
    pub fn put(&mut self, scope: &str, name: &'static str, doc: Value) -> &Value {
        self.collection_mut(scope, name).put(doc)
    }
    pub fn remove(&mut self, scope: &str, name: &'static str, id: &str) -> Option<Value> {
        self.collections
            .get_mut(&(scope.to_owned(), name))?
            .remove(id)
    }
    /// Removes every collection scoped to `scope` (deleting an environment or a user).
    pub fn drop_scope(&mut self, scope: &str) {
        self.collections.retain(|(s, _), _| s != scope);
    }
}
