use super::parametrage::ParametrageNav;
use crate::api::classes::{ClassRow, SetPositionnement, school_classes};
use crate::domain::PositionnementType;
use leptos::prelude::*;
use leptos_meta::Title;

/// « Classes et type de positionnement »: the classes of the year with their levels, pupils and
/// teachers; the director picks each class's positionnement type (a form per class, which also
/// works without JavaScript).
#[component]
pub fn ClassesPage() -> impl IntoView {
    let save = ServerAction::<SetPositionnement>::new();
    let classes = Resource::new(move || save.version().get(), |_| school_classes());
    view! {
        <Title text="Classes — Livret" />
        <h1>"Classes et type de positionnement"</h1>
        <ParametrageNav />
        {move || {
            save.value()
                .get()
                .and_then(Result::err)
                .map(|error| view! { <p class="alerte" role="alert">{error.to_string()}</p> })
        }}
        <Transition fallback=|| view! { <p class="chargement">"Chargement…"</p> }>
            {move || Suspend::new(async move {
                match classes.await {
                    Ok(rows) if rows.is_empty() => view! {
                        <p class="carte">
                            "Aucune classe pour l'année en cours : importez les élèves depuis ONDE "
                            "(livret import onde)."
                        </p>
                    }
                        .into_any(),
                    Ok(rows) => view! {
                        <div class="tableau-defilant">
                            <table class="tableau">
                                <caption>{format!("{} classe(s)", rows.len())}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Classe"</th>
                                        <th scope="col">"Niveaux"</th>
                                        <th scope="col">"Élèves"</th>
                                        <th scope="col">"Enseignants"</th>
                                        <th scope="col">"Type de positionnement"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .into_iter()
                                        .map(|row| view! { <ClassLine row save /> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any(),
                    Err(error) => view! { <p class="alerte" role="alert">{error.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ClassLine(row: ClassRow, save: ServerAction<SetPositionnement>) -> impl IntoView {
    let levels = row
        .levels
        .iter()
        .map(|l| l.code())
        .collect::<Vec<_>>()
        .join(", ");
    let teachers = if row.teachers.is_empty() {
        "Aucun".to_owned()
    } else {
        row.teachers.join(", ")
    };
    let select_id = format!("positionnement-{}", row.id);
    view! {
        <tr>
            <th scope="row">{row.label.clone()}</th>
            <td>{if levels.is_empty() { "—".to_owned() } else { levels }}</td>
            <td>{row.pupils}</td>
            <td>{teachers}</td>
            <td>
                <ActionForm action=save attr:class="choix-positionnement">
                    <input type="hidden" name="class_id" value=row.id />
                    <label class="visuellement-cache" for=select_id.clone()>
                        {format!("Type de positionnement de la classe {}", row.label)}
                    </label>
                    <select id=select_id name="positionnement">
                        {PositionnementType::ALL
                            .into_iter()
                            .map(|kind| {
                                view! {
                                    <option value=kind.code() selected=kind == row.positionnement>
                                        {kind.label()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <button type="submit" class="secondaire">"Enregistrer"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
