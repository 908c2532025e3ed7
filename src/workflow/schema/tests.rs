//! The schema against the library's workflows. Every form and mistake of the README's Workflow format is tried
//! against both the schema and the loader in `tests/integration/schema.rs`.

use super::*;
use crate::workflow::convert::to_json;

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(workflow_schema().as_value()).expect("the schema is valid")
}

fn errors(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(toml_text).expect("test TOML parses");
    let instance = to_json(&value);
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_library_workflow_is_valid() {
    let validator = validator();
    let files = crate::workflow::library_files();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read workflow");
        let errors = errors(&validator, &text);
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
    }
}

#[test]
fn schema_names_itself_and_describes_keys() {
    let schema = workflow_schema().to_value();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["title"], "steprun workflow");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], serde_json::json!(["name"]));
    let name = &schema["properties"]["name"]["description"];
    assert_eq!(name, "Title shown in reports.");
}

#[test]
fn requires_is_an_array_of_variables_or_a_table_of_vars_roles_and_products() {
    let v = validator();
    assert!(errors(&v, "name = \"w\"\nrequires = [\"apiPath\"]\n").is_empty());
    let table = "name = \"w\"\n[requires]\nvars = [\"apiPath\"]\nroles = [\"Environment Admin\"]\nproducts = [\"PingOne MFA\"]\n";
    assert!(errors(&v, table).is_empty(), "{:?}", errors(&v, table));
    for bad in [
        "name = \"w\"\n[requires]\nroles = [\"Enviroment Admin\"]\n",
        "name = \"w\"\n[requires]\nproducts = [\"PingOne Risk\"]\n",
        "name = \"w\"\n[requires]\nrole = [\"Environment Admin\"]\n",
        "name = \"w\"\nrequires = [\"not a name\"]\n",
    ] {
        assert!(!errors(&v, bad).is_empty(), "accepted: {bad}");
    }
}

#[test]
fn duration_expectations_take_duration_predicates_on_a_step_and_in_defaults() {
    let v = validator();
    for good in [
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = { lt = \"800ms\" }\n",
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = { gte = \"1s\", lte = \"2m\" }\n",
        "name = \"w\"\n[defaults.expect]\nduration = { lt = \"2s\" }\n",
    ] {
        assert!(
            errors(&v, good).is_empty(),
            "{good}: {:?}",
            errors(&v, good)
        );
    }
    for bad in [
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = { lt = \"fast\" }\n",
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = { under = \"1s\" }\n",
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = \"800ms\"\n",
        "name = \"w\"\n[[steps]]\nname = \"a\"\nurl = \"u\"\nexpect.duration = {}\n",
        "name = \"w\"\n[defaults.expect]\nstatus = 200\n",
    ] {
        assert!(!errors(&v, bad).is_empty(), "accepted: {bad}");
    }
}
