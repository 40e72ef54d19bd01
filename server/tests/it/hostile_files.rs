//! Hostile files at scale: generated ONDE, responsables and teachers extractions — arbitrary
//! bytes, wrong encodings, quotes, missing, repeated and shuffled columns, huge fields, control
//! characters — never make the readers panic, and every refusal of a file whose header reads
//! names a line. A refused file is refused whole, before anything is written: the importers
//! write only rows the reader accepted.
//!
//! `PROPTEST_CASES=100000 cargo test --release --test it hostile_files` runs a longer session.

use app::services::{onde_file, responsables_file, teachers_file};
use proptest::prelude::*;

const ONDE_HEADER: [&str; 18] = [
    "Nom élève",
    "Nom d'usage élève",
    "Prénom élève",
    "Date naissance",
    "Sexe",
    "INE",
    "Adresse",
    "Code postal",
    "Commune",
    "Pays",
    "Cycle",
    "Date inscription",
    "Date admission",
    "Statut",
    "Regroupement",
    "Niveau",
    "Libellé classe",
    "Identifiant classe",
];

/// A field as a hostile or careless file holds it.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-zÀÉÈÊËÎÏÔÖÙÛÜÇàéèêëîïôöùûüçœŒ' -]{0,24}",
        "[0-9/]{0,12}",
        Just("Cours moyen deuxième année".to_owned()),
        Just("12/03/2015".to_owned()),
        Just("31/02/2016".to_owned()),
        "\"[^\"]{0,12}\"?",
        "[\\x00-\\x1f\\x7f]{1,3}",
        "\\PC{0,8}",
        (1_000usize..40_000).prop_map(|n| "x".repeat(n)),
    ]
}

/// A header: the expected columns, some dropped, some repeated, in any order.
fn header() -> impl Strategy<Value = Vec<String>> {
    (
        proptest::sample::subsequence(ONDE_HEADER.to_vec(), 0..=ONDE_HEADER.len()),
        proptest::collection::vec(proptest::sample::select(ONDE_HEADER.to_vec()), 0..3),
    )
        .prop_flat_map(|(kept, repeated)| {
            let mut columns: Vec<String> = kept
                .into_iter()
                .chain(repeated)
                .map(str::to_owned)
                .collect();
            columns.push("Colonne inconnue".to_owned());
            Just(columns).prop_shuffle()
        })
}

/// A file from a header and rows: UTF-8, Windows-1252 or UTF-16, `;`-separated, CRLF or LF.
fn file() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (
        header(),
        proptest::collection::vec(proptest::collection::vec(field(), 0..22), 0..12),
        0..3u8,
        any::<bool>(),
    )
        .prop_map(|(header, rows, encoding, crlf)| {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = header.join(";") + end;
            for row in &rows {
                text.push_str(&row.join(";"));
                text.push_str(end);
            }
            let bytes = match encoding {
                0 => text.into_bytes(),
                1 => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
                _ => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            };
            (bytes, rows.len())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
    ))]

    #[test]
    fn arbitrary_bytes_never_make_a_reader_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let _ = onde_file::parse(&bytes);
        let _ = responsables_file::parse(&bytes);
        let _ = teachers_file::parse(&bytes);
    }

    #[test]
    fn a_refused_file_names_the_line_at_fault((bytes, rows) in file()) {
        match onde_file::parse(&bytes) {
            Ok(read) => prop_assert!(read.len() <= rows),
            Err(error) => {
                let line = error.line;
                // Only what concerns the whole file has no line: not text, too large, empty, no
                // pupil, or a header that cannot be read.
                let whole_file = [
                    "pas un fichier texte",
                    "le fichier dépasse",
                    "le fichier est vide",
                    "en-tête illisible",
                    "ne contient aucun élève",
                ]
                    .iter()
                    .any(|reason| error.message.contains(reason));
                prop_assert!(
                    line.is_some_and(|line| line <= rows as u64 + 1) || whole_file,
                    "{error}"
                );
                prop_assert!(!error.to_string().is_empty());
            }
        }
        for refusal in [
            responsables_file::parse(&bytes).err(),
            teachers_file::parse(&bytes).err(),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!(!refusal.to_string().is_empty());
        }
    }
}
