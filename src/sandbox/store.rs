//! The sandbox's state: JSON documents by scope and collection, the way PingOne returns them.
//!
//! Both halves of the sandbox (management API and auth host) read and write resources through
//! this one store, so an application created over `/v1` is the client the token endpoint sees.
//! Documents are stored without `_links` (those are added when a response is built).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use serde_json::Value;

/// Collections whose documents take the id of the resource they point at (a membership's
/// id is its group's, a consent's its agreement's, a user's application role assignment's
/// its role's): such an id names no scope of theirs.
const REFERENCE_COLLECTIONS: &[&str] = &[
    "memberOfGroups",
    "agreementConsents",
    "applicationRoleAssignments",
];

/// Whether the scope named after a document of `collection` holds that document's children,
/// so that deleting the document (or its parent) drops that scope too.
pub fn owns_scope(collection: &str) -> bool {
    !REFERENCE_COLLECTIONS.contains(&collection)
}

/// An insertion-ordered collection of documents keyed by `id`. Every operation costs at most
/// a logarithm of the collection's size (a removal does not shift a list), so a collection
/// that only grows (an environment's activities) does not slow the requests that touch it.
#[derive(Debug, Default)]
pub struct Collection {
    /// Ids by insertion sequence number: the order documents are listed in.
    order: BTreeMap<u64, String>,
    /// Documents by id, each with its sequence number in `order`.
    docs: HashMap<String, (u64, Value)>,
    /// The sequence number the next new document gets.
    next: u64,
}

impl Collection {
    pub fn get(&self, id: &str) -> Option<&Value> {
        self.docs.get(id).map(|(_, doc)| doc)
    }
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.docs.get_mut(id).map(|(_, doc)| doc)
    }
    /// Inserts or replaces the document (a replaced one keeps its place); its `id` field must
    /// be set.
    pub fn put(&mut self, doc: Value) -> &Value {
        let id = doc
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let slot = match self.docs.entry(id) {
            Entry::Occupied(entry) => {
                let slot = entry.into_mut();
                slot.1 = doc;
                slot
            }
            Entry::Vacant(entry) => {
                let seq = self.next;
                self.next += 1;
                self.order.insert(seq, entry.key().clone());
                entry.insert((seq, doc))
            }
        };
        &slot.1
    }
    pub fn remove(&mut self, id: &str) -> Option<Value> {
        let (seq, doc) = self.docs.remove(id)?;
        self.order.remove(&seq);
        Some(doc)
    }
    /// Documents in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Value> {
        self.order.values().filter_map(|id| self.get(id))
    }
    pub fn len(&self) -> usize {
        self.docs.len()
    }
    /// Ids in insertion order.
    fn ids(&self) -> impl Iterator<Item = &String> {
        self.order.values()
    }
}

/// Every resource the sandbox holds: collections by scope, then by name. Scopes are kept in
/// order so that dropping one finds the scopes under it (`"{scope}/…"`) by a range instead of
/// a walk over every collection, and a lookup needs no key built.
#[derive(Debug, Default)]
pub struct Store {
    scopes: BTreeMap<String, HashMap<&'static str, Collection>>,
}

impl Store {
    pub fn collection(&self, scope: &str, name: &'static str) -> Option<&Collection> {
        self.scopes.get(scope)?.get(name)
    }
    pub fn collection_mut(&mut self, scope: &str, name: &'static str) -> &mut Collection {
        self.scopes
            .entry(scope.to_owned())
            .or_default()
            .entry(name)
            .or_default()
    }
    pub fn get(&self, scope: &str, name: &'static str, id: &str) -> Option<&Value> {
        self.collection(scope, name)?.get(id)
    }
    pub fn get_mut(&mut self, scope: &str, name: &'static str, id: &str) -> Option<&mut Value> {
        self.scopes.get_mut(scope)?.get_mut(name)?.get_mut(id)
    }
    pub fn put(&mut self, scope: &str, name: &'static str, doc: Value) -> &Value {
        self.collection_mut(scope, name).put(doc)
    }
    pub fn remove(&mut self, scope: &str, name: &'static str, id: &str) -> Option<Value> {
        self.scopes.get_mut(scope)?.get_mut(name)?.remove(id)
    }
    /// Removes a scope and, recursively, every scope named after a document in it or
    /// prefixed with `"{scope}/"` (deleting an environment takes its users' devices too).
    pub fn drop_tree(&mut self, scope: &str) {
        let ids: Vec<String> = self
            .scopes
            .remove(scope)
            .into_iter()
            .flatten()
            .filter(|(name, _)| owns_scope(name))
            .flat_map(|(_, c)| c.ids().cloned().collect::<Vec<_>>())
            .collect();
        let prefix = format!("{scope}/");
        let nested: Vec<String> = self
            .scopes
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .map(|(s, _)| s)
            .take_while(|s| s.starts_with(&prefix))
            .cloned()
            .collect();
        for s in nested {
            self.scopes.remove(&s);
        }
        for id in ids {
            self.drop_tree(&id);
        }
    }
    /// Documents of one collection in insertion order (empty when it does not exist).
    pub fn list<'a>(&'a self, scope: &str, name: &'static str) -> impl Iterator<Item = &'a Value> {
        self.collection(scope, name)
            .into_iter()
            .flat_map(Collection::iter)
    }
    /// The first document of a collection whose string field `field` equals `value`
    /// (case-insensitively, as PingOne compares names and usernames).
    pub fn find_by(
        &self,
        scope: &str,
        name: &'static str,
        field: &str,
        value: &str,
    ) -> Option<&Value> {
        self.list(scope, name).find(|doc| {
            doc.get(field)
                .and_then(Value::as_str)
                .is_some_and(|v| v.eq_ignore_ascii_case(value))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn keeps_insertion_order_and_finds_case_insensitively() {
        let mut store = Store::default();
        store.put("env", "users", json!({"id": "b", "username": "Bob"}));
        store.put("env", "users", json!({"id": "a", "username": "alice"}));
        store.put("env", "users", json!({"id": "b", "username": "Bobby"}));
        let ids: Vec<_> = store
            .list("env", "users")
            .map(|d| d["id"].clone())
            .collect();
        assert_eq!(ids, vec![json!("b"), json!("a")]);
        assert_eq!(
            store.find_by("env", "users", "username", "ALICE").unwrap()["id"],
            "a"
        );
        assert!(store.find_by("env", "users", "username", "bob").is_none());
        assert_eq!(store.list("other", "users").count(), 0);
        store.remove("env", "users", "b");
        assert_eq!(store.list("env", "users").count(), 1);
        store.put("b", "devices", json!({"id": "d"}));
        store.put("env/general", "contents", json!({"id": "c"}));
        store.drop_tree("env");
        assert!(store.collection("env", "users").is_none());
        assert!(
            store.collection("b", "devices").is_some(),
            "b was already removed"
        );
        store.put("env", "users", json!({"id": "b"}));
        store.drop_tree("env");
        assert!(store.collection("b", "devices").is_none());
        assert!(store.collection("env/general", "contents").is_none());
    }

    #[test]
    fn a_replaced_document_keeps_its_place_and_removal_keeps_the_order() {
        let mut store = Store::default();
        for id in ["a", "b", "c", "d"] {
            store.put("env", "activities", json!({"id": id}));
        }
        store.put("env", "activities", json!({"id": "b", "v": 2}));
        store.remove("env", "activities", "a");
        store.remove("env", "activities", "c");
        store.put("env", "activities", json!({"id": "a"}));
        let ids: Vec<_> = store
            .list("env", "activities")
            .map(|d| d["id"].clone())
            .collect();
        assert_eq!(ids, vec![json!("b"), json!("d"), json!("a")]);
        let all = store.collection("env", "activities").unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all.get("b").unwrap()["v"], 2);
        assert!(store.remove("env", "activities", "c").is_none());
        store.put("env-2", "users", json!({"id": "x"}));
        store.put("env/general", "contents", json!({"id": "y"}));
        store.drop_tree("env");
        assert!(
            store.collection("env-2", "users").is_some(),
            "not under env/"
        );
    }

    #[test]
    fn dropping_a_member_keeps_the_groups_it_points_at() {
        let mut store = Store::default();
        store.put("env", "users", json!({"id": "u"}));
        store.put("env", "groups", json!({"id": "g"}));
        store.put("u", "memberOfGroups", json!({"id": "g"}));
        store.put("g", "roleAssignments", json!({"id": "r"}));
        store.drop_tree("u");
        assert!(store.collection("u", "memberOfGroups").is_none());
        assert!(store.collection("g", "roleAssignments").is_some());
    }
}
