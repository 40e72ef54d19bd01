//! Printed bilans: the Typst template compiled with the bilans' data into a PDF, with fonts
//! embedded in the binary. Compiling is CPU work: callers run it on a blocking thread.

/// The Typst world of one print: the template, the data file, the embedded fonts.
mod world;

pub use world::covered_code_points;

use anyhow::anyhow;
use app::wire::bilan_document::{BilanDocument, CycleBilanDocument, DocumentDate};
use serde::Serialize;
use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// What a template reads from `/data.json`.
#[derive(Serialize)]
struct PrintData<'a, B> {
    title: String,
    author: &'a str,
    date: DocumentDate,
    bilans: &'a [B],
}

/// Typst memoises across compilations. After each print, what the last few prints did not use
/// is dropped: the template's evaluation and the fonts stay, the bilans already printed go. An
/// ever-growing memo would both take memory and slow every later print (it is searched on
/// each call).
const PRINTS_REMEMBERED: usize = 3;

/// One PDF holding the given bilans, each starting on an odd page (one bilan: its recto and
/// verso). The same bilans always give the same bytes: the document's date is the end of the
/// period and its identifier comes from its content. Tagged for accessibility (PDF/UA-1) and fit
/// for archiving (PDF/A-2a): typst-pdf checks both and refuses a document that breaks them.
pub fn render(bilans: &[BilanDocument]) -> anyhow::Result<Vec<u8>> {
    let first = bilans.first().ok_or_else(|| anyhow!("nothing to print"))?;
    let title = match bilans {
        [one] => format!(
            "Bilan périodique — {} — {}",
            one.pupil.name, one.period.label
        ),
        _ => format!(
            "Bilans périodiques — {} — {}",
            first.class, first.period.label
        ),
    };
    compile(
        world::Template::Periodic,
        &PrintData {
            title,
            author: &first.school.name,
            date: first.date,
            bilans,
        },
    )
}

/// One PDF holding a bilan de fin de cycle, with the same guarantees as `render`.
pub fn render_cycle(bilan: &CycleBilanDocument) -> anyhow::Result<Vec<u8>> {
    compile(
        world::Template::Cycle,
        &PrintData {
            title: format!("Bilan de fin de cycle 2 — {}", bilan.pupil.name),
            author: &bilan.school.name,
            date: bilan.date,
            bilans: std::slice::from_ref(bilan),
        },
    )
}

/// Compiles the template with the data, into a tagged, archivable PDF dated `data.date`.
fn compile<B: Serialize>(
    template: world::Template,
    data: &PrintData<B>,
) -> anyhow::Result<Vec<u8>> {
    let date = data.date;
    let data = serde_json::to_vec(data)?;
    let world = world::PrintWorld::new(template, data);
    let compiled = typst::compile::<PagedDocument>(&world);
    let document = compiled
        .output
        .map_err(|errors| anyhow!("template: {}", world::describe(&errors)))?;
    let date = Datetime::from_ymd(
        date.year,
        u8::try_from(date.month)?,
        u8::try_from(date.day)?,
    )
    .ok_or_else(|| anyhow!("the document's date is a valid date"))?;
    let options = PdfOptions {
        ident: Smart::Auto,
        creator: Smart::Custom(Some("Livret".to_owned())),
        timestamp: Some(Timestamp::new_utc(date)),
        standards: PdfStandards::new(&[PdfStandard::Ua_1, PdfStandard::A_2a])
            .map_err(|error| anyhow!("PDF standard: {}", error.message()))?,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| anyhow!("PDF: {}", world::describe(&errors)));
    typst::comemo::evict(PRINTS_REMEMBERED);
    pdf
}

/// Stack of a print worker's thread. Alone in its pool, the thread also runs inline the jobs
/// Typst and krilla hand to rayon, on top of its own recursive layout: more than the 2 MiB a
/// thread gets by default. Only the pages touched are ever committed.
const PRINT_STACK: usize = 64 << 20;

/// Why a bilan that passed every check still did not print, for the person (the details go to
/// the log): one such bilan never stops the others.
const PRINT_FAILED: &str =
    "l'impression a échoué (erreur interne, signalée dans le journal du serveur)";

/// A pupil left out of a print, with why.
pub type LeftOut = (String, String);

/// One PDF holding the bilans that print, each from an odd page, and the pupils left out: a
/// bilan that fails to print (which the checks before printing should make impossible) is
/// found by printing each alone, and the others print together.
pub fn render_class(bilans: &[BilanDocument]) -> anyhow::Result<(Vec<u8>, Vec<LeftOut>)> {
    match render(bilans) {
        Ok(pdf) => Ok((pdf, Vec::new())),
        Err(error) if bilans.len() > 1 => {
            tracing::error!("printing {} bilans together: {error:#}", bilans.len());
            let (printable, left_out) = split_failing(bilans);
            Ok((render(&printable)?, left_out))
        }
        Err(error) => Err(error),
    }
}

/// The bilans that print alone, and the others with why.
fn split_failing(bilans: &[BilanDocument]) -> (Vec<BilanDocument>, Vec<LeftOut>) {
    let mut printable = Vec::new();
    let mut left_out = Vec::new();
    for bilan in bilans {
        match render(std::slice::from_ref(bilan)) {
            Ok(_) => printable.push(bilan.clone()),
            Err(error) => {
                tracing::error!("printing the bilan of {}: {error:#}", bilan.pupil.name);
                left_out.push((bilan.pupil.name.clone(), PRINT_FAILED.to_owned()));
            }
        }
    }
    (printable, left_out)
}

/// One PDF per bilan, printed on every core at once, each one's or why it failed; `printed` is
/// told after each one.
///
/// Each worker prints inside its own one-thread rayon pool. Typst lays out pages and krilla
/// compresses them on rayon; from a plain thread that work goes to the global pool, where the
/// two workers' jobs queue behind each other while the workers sit waiting. In a pool of its
/// own, a worker runs that work itself, and every core keeps printing.
pub fn render_each(
    bilans: &[BilanDocument],
    printed: impl Fn(&BilanDocument) + Sync,
) -> anyhow::Result<Vec<anyhow::Result<Vec<u8>>>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, |cores| cores.get())
        .min(bilans.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<anyhow::Result<Vec<u8>>>>> =
        Mutex::new((0..bilans.len()).map(|_| None).collect());
    let work = || -> anyhow::Result<()> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(PRINT_STACK)
            .thread_name(|_| "livret-print".to_owned())
            .build()?;
        loop {
            let index = next.fetch_add(1, Ordering::SeqCst);
            let Some(bilan) = bilans.get(index) else {
                return Ok(());
            };
            let pdf = pool.install(|| render(std::slice::from_ref(bilan)));
            printed(bilan);
            results
                .lock()
                .expect("a print thread panicked while storing its PDF")[index] = Some(pdf);
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
        handles
            .into_iter()
            .try_for_each(|handle| handle.join().expect("a print thread panicked"))
    })?;
    Ok(results
        .into_inner()
        .expect("every print thread is done")
        .into_iter()
        .map(|pdf| pdf.unwrap_or_else(|| Err(anyhow!("a bilan was not printed"))))
        .collect())
}

/// One PDF per bilan, printed on every core, in a ZIP (stored: PDFs are compressed already),
/// and the pupils whose bilan failed to print; `printed` is told after each one.
pub fn zip_each(
    bilans: &[BilanDocument],
    printed: &(dyn Fn() + Sync),
) -> anyhow::Result<(Vec<u8>, Vec<LeftOut>)> {
    use std::io::Write;
    let pdfs = render_each(bilans, |_| printed())?;
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut left_out = Vec::new();
    for (document, pdf) in bilans.iter().zip(pdfs) {
        match pdf {
            Ok(bytes) => {
                archive.start_file(document.file_name.as_str(), options)?;
                archive.write_all(&bytes)?;
            }
            Err(error) => {
                tracing::error!("printing the bilan of {}: {error:#}", document.pupil.name);
                left_out.push((document.pupil.name.clone(), PRINT_FAILED.to_owned()));
            }
        }
    }
    Ok((archive.finish()?.into_inner(), left_out))
}
