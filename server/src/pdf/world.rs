use std::sync::LazyLock;
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The templates, part of the binary.
const PERIODIC: &str = include_str!("../../templates/bilan.typ");
const CYCLE: &str = include_str!("../../templates/cycle.typ");

/// Which template a print uses.
#[derive(Debug, Clone, Copy)]
pub enum Template {
    /// Bilans périodiques (`bilan.typ`).
    Periodic,
    /// Bilans de fin de cycle (`cycle.typ`).
    Cycle,
}

/// Fonts of our own, beside typst-assets', so that whatever a teacher types prints: DejaVu Sans
/// for every Latin diacritic, Greek, Cyrillic, arrows and symbols, Symbola for the emoji (in
/// black and white) and the rest of the symbols. Typst falls back to them for any character
/// the template's Libertinus Serif lacks. Where they come from: `server/fonts/README.md`.
const FALLBACK_FONTS: [&[u8]; 3] = [
    include_bytes!("../../fonts/DejaVuSans.ttf"),
    include_bytes!("../../fonts/DejaVuSans-Bold.ttf"),
    include_bytes!("../../fonts/Symbola.ttf"),
];

/// What every print shares, loaded once per process: the standard library, the fonts
/// (Libertinus Serif, New Computer Modern, DejaVu Sans Mono, from typst-assets, and the
/// fallback fonts above; no system font is read), and the templates' sources.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    periodic: Source,
    cycle: Source,
    data_id: FileId,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .chain(FALLBACK_FONTS)
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Shared {
        library: LazyHash::new(Library::builder().build()),
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
        periodic: Source::new(project_file("/main.typ"), PERIODIC.to_owned()),
        cycle: Source::new(project_file("/cycle.typ"), CYCLE.to_owned()),
        data_id: project_file("/data.json"),
    }
});

fn project_file(path: &str) -> FileId {
    let path = VirtualPath::new(path).expect("a fixed absolute path is a valid virtual path");
    RootedPath::new(VirtualRoot::Project, path).intern()
}

/// One print: the shared template and fonts, and this print's data as `/data.json`. Nothing
/// else can be read: no file of the machine, no package, no network.
pub struct PrintWorld {
    template: &'static Source,
    data: Bytes,
}

impl PrintWorld {
    pub fn new(template: Template, data: Vec<u8>) -> Self {
        Self {
            template: match template {
                Template::Periodic => &SHARED.periodic,
                Template::Cycle => &SHARED.cycle,
            },
            data: Bytes::new(data),
        }
    }
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &SHARED.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &SHARED.book
    }

    fn main(&self) -> FileId {
        self.template.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.template.id() {
            Ok(self.template.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == SHARED.data_id {
            Ok(self.data.clone())
        } else if id == self.template.id() {
            Ok(Bytes::from_string(self.template.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        SHARED.fonts.get(index).cloned()
    }

    /// The template never asks for today: a bilan shows its period, not the day it printed.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// Every code point some embedded font shows.
pub fn covered_code_points() -> impl Iterator<Item = u32> {
    (0..SHARED.fonts.len())
        .filter_map(|index| SHARED.book.info(index))
        .flat_map(|info| info.coverage.iter())
}

/// Typst's diagnostics in one line, for the logs.
pub fn describe(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|error| error.message.to_string())
        .collect::<Vec<_>>()
        .join(" ; ")
}
