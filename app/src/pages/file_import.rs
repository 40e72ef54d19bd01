use crate::error::AppError;
use crate::wire::pupil_import::{FILE_FIELD, ImportedFile, MAX_FILE_BYTES, MODE_FIELD};
use leptos::prelude::*;
use leptos::web_sys::{FormData, HtmlFormElement};
use std::future::Future;
use std::pin::Pin;

/// The form of an imported file, as data to send: `None` while the form is not on the page,
/// an error, before anything is sent, when the chosen file is over the size limit.
pub(super) fn file_form_data(
    form: NodeRef<leptos::html::Form>,
    file: NodeRef<leptos::html::Input>,
    kind: ImportedFile,
) -> Option<Result<FormData, AppError>> {
    let (form, file) = (form.get_untracked()?, file.get_untracked()?);
    let too_big = file
        .files()
        .and_then(|files| files.get(0))
        .is_some_and(|chosen| chosen.size() > MAX_FILE_BYTES as f64);
    if too_big {
        return Some(Err(AppError::invalid(FILE_FIELD, kind.too_big())));
    }
    let form: HtmlFormElement = form;
    FormData::new_with_form(&form).ok().map(Ok)
}

/// Where an import stands on the page.
#[derive(Clone)]
pub(super) enum Step<R> {
    /// No file sent yet (or a new file chosen).
    Idle,
    Sending {
        applying: bool,
    },
    Done(Result<R, AppError>),
}

/// The server function an import page sends its file to.
type Import<R> = fn(FormData) -> Pin<Box<dyn Future<Output = Result<R, AppError>>>>;

/// A file sent for a preview, then sent again to apply it (so nothing is kept on the server in
/// between). Each sending gets a number; an answer that is not for the latest one (another
/// file was chosen meanwhile) is dropped, so « Appliquer » never follows another file's
/// preview.
pub(super) struct FileImport<R: Send + Sync + 'static> {
    pub step: RwSignal<Step<R>>,
    sending: StoredValue<u32>,
    form: NodeRef<leptos::html::Form>,
    file: NodeRef<leptos::html::Input>,
    kind: ImportedFile,
    import: Import<R>,
}

impl<R: Send + Sync + 'static> Clone for FileImport<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R: Send + Sync + 'static> Copy for FileImport<R> {}

impl<R: Clone + Send + Sync + 'static> FileImport<R> {
    pub fn new(kind: ImportedFile, import: Import<R>) -> Self {
        Self {
            step: RwSignal::new(Step::Idle),
            sending: StoredValue::new(0),
            form: NodeRef::new(),
            file: NodeRef::new(),
            kind,
            import,
        }
    }

    /// Sends the chosen file, for a preview or (`apply`) to apply it.
    pub fn send(self, apply: bool) {
        let data = match file_form_data(self.form, self.file, self.kind) {
            Some(Ok(data)) => data,
            Some(Err(too_big)) => return self.step.set(Step::Done(Err(too_big))),
            None => return,
        };
        let mode = if apply { "appliquer" } else { "apercu" };
        if data.set_with_str(MODE_FIELD, mode).is_err() {
            return;
        }
        self.sending.update_value(|n| *n += 1);
        let this_one = self.sending.get_value();
        self.step.set(Step::Sending { applying: apply });
        leptos::task::spawn_local(async move {
            let answer = (self.import)(data).await;
            if self.sending.try_get_value() == Some(this_one) {
                self.step.set(Step::Done(answer));
            }
        });
    }
}

/// The file field and « Prévisualiser »; choosing another file forgets the last answer.
#[component]
pub(super) fn FileForm<R: Clone + Send + Sync + 'static>(
    import: FileImport<R>,
    label: &'static str,
) -> impl IntoView {
    let step = import.step;
    let sending = import.sending;
    view! {
        <form
            node_ref=import.form
            class="envoi-fichier"
            on:submit=move |event| {
                event.prevent_default();
                import.send(false);
            }
        >
            <label for="fichier">{label}</label>
            <input
                id="fichier"
                type="file"
                name=FILE_FIELD
                accept=".csv,text/csv"
                required
                node_ref=import.file
                on:change=move |_| {
                    sending.update_value(|n| *n += 1);
                    step.set(Step::Idle);
                }
            />
            <button type="submit" class="principal" disabled=move || matches!(step.get(), Step::Sending { .. })>
                "Prévisualiser"
            </button>
        </form>
        <noscript>
            <p class="alerte">"L'envoi du fichier demande JavaScript : activez-le dans le navigateur."</p>
        </noscript>
    }
}
