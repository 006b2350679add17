//! Lists the schema's migrations for the binary: each back end's `migrations/<backend>/*.sql`,
//! by version, with the text included at compile time. sqlx's `migrate!` macro did the same, but
//! its procedural macro compiled a second sqlx with both database drivers and SQLite for the
//! build host: the list is read here by the same rules (`<VERSION>_<DESCRIPTION>.sql`, the
//! description with `_` read as spaces), and `migrations::migrator` (src/migrations.rs) hands it
//! to sqlx's migrator.

use std::path::Path;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let mut out = String::new();
    for (backend, constant) in [("sqlite", "SQLITE"), ("postgres", "POSTGRES")] {
        let dir = Path::new(&manifest).join("migrations").join(backend);
        let mut migrations = Vec::new();
        for entry in fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_else(|| panic!("{}: not a UTF-8 file name", path.display()));
            let Some((version, rest)) = name.split_once('_') else {
                continue;
            };
            let Some(description) = rest.strip_suffix(".sql") else {
                continue;
            };
            assert!(
                !description.ends_with(".up") && !description.ends_with(".down"),
                "{name}: reversible migrations are not used by smm"
            );
            let version: i64 = version
                .parse()
                .unwrap_or_else(|_| panic!("{name}: expected a number before the first `_`"));
            migrations.push((version, description.replace('_', " "), name.to_string()));
        }
        migrations.sort_by_key(|m| m.0);
        if let Some(w) = migrations.windows(2).find(|w| w[0].0 == w[1].0) {
            panic!("two migrations numbered {} in {}", w[0].0, dir.display());
        }
        out.push_str(&format!(
            "/// The {backend} migrations: version, description, text.\n\
             pub(crate) const {constant}: &[(i64, &str, &str)] = &[\n"
        ));
        // The path is written from the crate's own directory at compile time, not as this
        // checkout's absolute path: two checkouts that share a target directory share this
        // file too, and cargo does not run the script again for the second.
        for (version, description, name) in &migrations {
            let path = format!("/migrations/{backend}/{name}");
            out.push_str(&format!(
                "    ({version}, {description:?}, \
                 include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {path:?}))),\n"
            ));
        }
        out.push_str("];\n");
    }
    let target = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("migrations.rs");
    fs::write(target, out).expect("the migrations' list is written");
}
