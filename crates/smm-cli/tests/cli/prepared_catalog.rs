//! The built-in catalog is read from the form prepared at build time; `--catalog FILE` is YAML.

use predicates::prelude::*;

use crate::support::{json_of, repository_text, smm, temp_file};

#[test]
fn the_builtin_catalog_is_the_yaml_in_the_repository() {
    let builtin = json_of(&["catalog", "--json"]);
    let from_yaml = json_of(&["--catalog", "catalog/iot-smm-1.2.yaml", "catalog", "--json"]);
    assert_eq!(builtin, from_yaml);
}

#[test]
fn a_catalog_file_is_read_as_yaml_and_its_errors_point_into_it() {
    let yaml = repository_text("catalog/iot-smm-1.2.yaml");
    let line = yaml
        .lines()
        .position(|l| l.trim_start().trim_start_matches("- ") == "id: compliance")
        .expect("the compliance practice")
        + 1;
    let (_dir, path) = temp_file(
        "c.yaml",
        &yaml.replacen("id: compliance", "id: program-management", 1),
    );
    smm()
        .arg("--catalog")
        .arg(&path)
        .args(["show", "examples/bottling-line/target.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("c.yaml:{line}:")))
        .stderr(predicate::str::contains(
            "duplicate id `program-management`",
        ));
}
