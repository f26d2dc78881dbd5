//! Every translation key used by a template or the code exists in both languages.

use std::collections::BTreeSet;

use setia::i18n::Lang;

fn keys_in(text: &str, openers: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for opener in openers {
        for (i, _) in text.match_indices(opener) {
            let rest = &text[i + opener.len()..];
            if let Some(end) = rest.find('"') {
                let key = &rest[..end];
                if key.contains('.')
                    && !key.ends_with(".html")
                    && key.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    })
                {
                    out.insert(key.to_string());
                }
            }
        }
    }
    out
}

fn files(dir: &str, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(path.to_str().unwrap(), ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

#[test]
fn every_used_key_is_translated_in_both_languages() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut used = BTreeSet::new();
    let mut paths = Vec::new();
    files(&format!("{root}/templates"), "html", &mut paths);
    for p in &paths {
        used.extend(keys_in(
            &std::fs::read_to_string(p).unwrap(),
            &["t(\"", "tf(\"", ", \""],
        ));
    }
    let mut sources = Vec::new();
    files(&format!("{root}/src"), "rs", &mut sources);
    let prefixes: Vec<String> = [
        "error",
        "validation",
        "flash",
        "nav",
        "role",
        "status",
        "reason",
        "step",
        "uploads",
    ]
    .iter()
    .map(|p| format!("\"{p}."))
    .collect();
    let prefixes: Vec<&str> = prefixes.iter().map(String::as_str).collect();
    for p in &sources {
        let text = std::fs::read_to_string(p).unwrap();
        for key in keys_in(&text, &["\""]) {
            if prefixes
                .iter()
                .any(|pre| format!("\"{key}").starts_with(pre))
            {
                used.insert(key);
            }
        }
    }
    assert!(used.len() > 50, "scan found too few keys: {used:?}");
    for lang in Lang::ALL {
        let missing: Vec<_> = used.iter().filter(|k| !lang.has(k)).collect();
        assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
    }
    let id: BTreeSet<_> = Lang::Id.keys().collect();
    let en: BTreeSet<_> = Lang::En.keys().collect();
    assert_eq!(
        id.symmetric_difference(&en).collect::<Vec<_>>(),
        Vec::<&&str>::new()
    );
}
