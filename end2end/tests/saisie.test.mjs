// The teacher's collective entries: the acquis grid (keyboard, autosave, conflicts, lost
// connection), the programme elements and the parcours.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
  assertClean,
  contextWithoutJavaScript,
  launchBrowser,
  logIn,
  screenshotDir,
  startServer,
  watchedPage,
} from '../support.mjs';

let server;
let browser;

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const saved = 'Toutes les saisies sont enregistrées.';

/** Opens a grid and waits until it can be used (hydrated, its chunk loaded). */
async function openGrid(page, query) {
  await page.goto(`${server.url}/saisie/acquis${query}`);
  await page.waitForLoadState('networkidle');
  await page.locator('table.grille-acquis').waitFor();
}

function cell(page, row, column) {
  return page.locator(`#case-${row}-${column}`);
}

/** The column chosen on a pupil's row (-1 for none). */
async function selected(page, row) {
  const cells = page.locator(`td[id^="case-${row}-"]`);
  const states = await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('aria-selected')));
  return states.indexOf('true');
}

test('a teacher fills a grid with the keyboard; it saves itself and reads back', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant');
  await page.getByRole('link', { name: 'Saisie collective' }).click();
  await page.waitForURL(/\/saisie\/acquis/);
  await page.waitForLoadState('networkidle');
  await page.locator('#choix-domaine').selectOption('MAT-NBC');
  await page.waitForURL(/domaine=MAT-NBC/);
  await page.locator('caption', { hasText: 'Nombres et calcul' }).waitFor();
  await page.waitForLoadState('networkidle');

  await cell(page, 0, 0).click(); // « Non atteints » for the first pupil
  await page.keyboard.press('3'); // first row → Atteints, focus moves down
  await page.keyboard.press('4');
  await page.keyboard.press('n');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Delete'); // clears the third row again, moves down
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press(' '); // toggles « Partiellement atteints » on the fourth row
  await page.getByText(saved).waitFor();
  assert.equal(await selected(page, 0), 2);
  assert.equal(await selected(page, 1), 3);
  assert.equal(await selected(page, 2), -1);
  assert.equal(await selected(page, 3), 1);
  assert.match(await page.locator('tbody tr').first().locator('.statut').innerText(), /En cours/);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'acquis-grille.png'), fullPage: true });

  // « Appliquer à toute la classe » fills only the pupils without a value.
  await page.locator('#valeur-classe').selectOption('3');
  await page.getByRole('button', { name: 'Appliquer aux élèves sans valeur' }).click();
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText(saved).waitFor();

  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await selected(page, 0), 2);
  assert.equal(await selected(page, 1), 3);
  assert.equal(await selected(page, 2), 2, 'filled by « Appliquer à toute la classe »');
  assert.equal(await selected(page, 3), 1);
  assertClean(page, assert);
  await context.close();
});

test('a value changed elsewhere is shown as a conflict, never overwritten', async () => {
  const teacherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const teacher = await logIn(teacherContext, server, 'enseignant', 'demo-enseignant');
  await openGrid(teacher, '?domaine=EPS-RAC');
  const classe = await teacher.locator('#choix-classe').inputValue();

  const directorContext = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const director = await logIn(directorContext, server, 'direction', 'demo-direction');
  await openGrid(director, `?classe=${classe}&domaine=EPS-RAC`);
  await cell(director, 0, 3).tap();
  await director.getByText(saved).waitFor();
  await director.screenshot({ path: path.join(screenshotDir, 'acquis-tablette.png'), fullPage: true });

  // The teacher's page still shows the row empty.
  await cell(teacher, 0, 0).click();
  await teacher.getByText('Modifié ailleurs entre-temps : « Dépassés ».').waitFor();
  assert.equal(await selected(teacher, 0), 0, 'the teacher still sees their own choice');
  await teacher.screenshot({ path: path.join(screenshotDir, 'acquis-conflit.png'), fullPage: true });
  // The row's buttons keep their keys inside the grid.
  await teacher.getByRole('button', { name: 'Garder ma saisie' }).focus();
  await teacher.keyboard.press('Enter');
  await teacher.getByText(saved).waitFor();

  await director.reload();
  await director.waitForLoadState('networkidle');
  assert.equal(await selected(director, 0), 0, 'the teacher chose, knowing the other value');
  assertClean(teacher, assert);
  assertClean(director, assert);
  await teacherContext.close();
  await directorContext.close();
});

test('values entered while the connection is lost are kept and saved when it is back', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant');
  await openGrid(page, '?domaine=ART-MUS');
  await context.setOffline(true);
  await cell(page, 0, 0).click();
  await page.keyboard.press('2');
  await page.getByText(/Connexion perdue : 1 saisie non enregistrée est gardée/).waitFor();
  await context.setOffline(false);
  await page.getByText(saved).waitFor();
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await selected(page, 0), 1);
  // The only problems are the saves refused while offline.
  assert.deepEqual(
    page.problems.filter((p) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|Failed to load resource/.test(p)),
    [],
  );
  await context.close();
});

test('programme elements: typed or picked from the aide à la saisie, reordered, per domain', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant', { allow: [422] });
  await page.goto(`${server.url}/saisie/elements-programme?domaine=FRA-LGO`);
  await page.waitForLoadState('networkidle');
  await page.getByText('Aucun élément pour l\'instant').waitFor();

  await page.getByRole('button', { name: 'Afficher l\'aide à la saisie' }).click();
  const suggestion = page.locator('button.suggestion').first();
  const suggested = (await suggestion.innerText()).replace(/^\+\s*/, '').trim();
  await suggestion.click();
  assert.ok(await suggestion.isDisabled(), 'an added suggestion is marked');
  await page.getByRole('button', { name: 'Ajouter un élément' }).click();
  await page.locator('#element-2').fill('x'.repeat(301));
  await page.getByText('301 / 300').waitFor();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Rien n\'est enregistré : corrigez les éléments signalés.').waitFor();
  await page.locator('.erreur-champ', { hasText: '301 caractères' }).waitFor();
  await page.locator('#element-2').fill('Raconter une histoire lue en classe');
  await page.getByRole('button', { name: 'Monter l\'élément 2' }).click();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré : 2 élément(s).').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'elements-programme.png'), fullPage: true });

  // Another domain has its own list; coming back shows this one, in its order.
  await page.locator('#choix-domaine').selectOption('FRA-LEC');
  await page.waitForURL(/domaine=FRA-LEC/);
  await page.getByText('Aucun élément pour l\'instant').waitFor();
  await page.locator('#choix-domaine').selectOption('FRA-LGO');
  await page.waitForURL(/domaine=FRA-LGO/);
  await page.locator('#element-2').waitFor();
  assert.equal(await page.locator('#element-1').inputValue(), 'Raconter une histoire lue en classe');
  assert.equal(await page.locator('#element-2').inputValue(), suggested);
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#element-1').inputValue(), 'Raconter une histoire lue en classe');
  await page.getByRole('button', { name: 'Retirer l\'élément 1' }).click();
  await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await page.getByText('Enregistré : 1 élément(s).').waitFor();

  // The « Langue vivante » row names the class's language.
  await page.locator('#choix-domaine').selectOption('LGV-RAC');
  await page.waitForURL(/domaine=LGV-RAC/);
  await page.locator('#langue').fill('Anglais');
  await page.getByRole('button', { name: 'Enregistrer la langue' }).click();
  await page.getByText('Langue enregistrée : Anglais.').waitFor();
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.match(await page.locator('#choix-domaine option:checked').innerText(), /Langue vivante \(Anglais\)/);
  assertClean(page, assert);
  await context.close();
});

/**
 * Types into a parcours field once the page has hydrated: before, the typing would be lost
 * when the page takes over its fields; its counter only follows the text once hydrated.
 */
async function fillOnceHydrated(page, selector, text) {
  const counter = page.getByText(`${[...text].length} / 600`);
  const deadline = Date.now() + 15_000;
  for (;;) {
    await page.locator(selector).fill(text);
    if (await counter.isVisible()) return;
    if (Date.now() > deadline) throw new Error(`${selector}: the page never hydrated`);
    await page.waitForTimeout(200);
  }
}

/**
 * Saves the parcours without conflict and waits until the page has read the texts again: a
 * reload before that would cut the request short.
 */
async function saveAndReadAgain(page) {
  const readAgain = page.waitForResponse((response) => response.url().endsWith('/api/parcours-page'));
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Parcours enregistrés.').waitFor();
  await readAgain;
  await page.waitForLoadState('networkidle');
}

test('parcours éducatifs: the notice, a counter, and a form that also works without JavaScript', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant');
  await page.goto(`${server.url}/saisie/parcours`);
  await page.waitForLoadState('networkidle');
  await page.getByText('Ne saisissez que des faits pertinents').waitFor();
  await fillOnceHydrated(page, '#parcours-PAR_CIT', 'Élection des délégués de classe');
  await saveAndReadAgain(page);
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#parcours-PAR_CIT').inputValue(), 'Élection des délégués de classe');
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'parcours-tablette.png'), fullPage: true });

  // Someone else saves the artistic parcours while this page still shows it empty: the text
  // typed here does not overwrite theirs, stays in its field, and is saved once confirmed.
  const other = await context.newPage();
  await other.goto(`${server.url}/saisie/parcours`);
  await other.waitForLoadState('networkidle');
  await fillOnceHydrated(other, '#parcours-PAR_ART', 'Chorale de l\'école');
  await saveAndReadAgain(other);
  await other.close();
  await page.locator('#parcours-PAR_ART').fill('Visite du musée des Beaux-Arts');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('Quelqu\'un a enregistré un autre texte pendant que vous écriviez : « Chorale de l\'école ».').waitFor();
  await page.getByText('Enregistré, sauf ce que quelqu\'un d\'autre a modifié entre-temps').waitFor();
  assert.equal(await page.locator('#parcours-PAR_ART').inputValue(), 'Visite du musée des Beaux-Arts');
  await page.screenshot({ path: path.join(screenshotDir, 'parcours-conflit.png'), fullPage: true });
  await page.getByRole('button', { name: 'Reprendre l\'autre texte' }).click();
  assert.equal(await page.locator('#parcours-PAR_ART').inputValue(), 'Chorale de l\'école');
  await page.locator('#parcours-PAR_ART').fill('Visite du musée des Beaux-Arts');
  await saveAndReadAgain(page);
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#parcours-PAR_ART').inputValue(), 'Visite du musée des Beaux-Arts');
  assertClean(page, assert);

  const cookies = await context.cookies();
  const noJs = await contextWithoutJavaScript(browser);
  await noJs.addCookies(cookies);
  const plain = await noJs.newPage();
  await plain.goto(`${server.url}/saisie/parcours`);
  await plain.locator('#parcours-PAR_SAN').fill('Semaine du goût');
  await plain.locator('#parcours-PAR_CIT').fill('Élection des délégués');
  await plain.getByRole('button', { name: 'Enregistrer' }).click();
  await plain.waitForLoadState('load');
  assert.equal(await plain.locator('#parcours-PAR_SAN').inputValue(), 'Semaine du goût');
  assert.equal(await plain.locator('#parcours-PAR_CIT').inputValue(), 'Élection des délégués', 'a stored text changed');
  await noJs.close();
  await context.close();
});

test('values entered after the session ended are kept and saved once logged in again', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant', { allow: [401] });
  await openGrid(page, '?domaine=ART-PLA');
  // The session ends in another tab.
  const other = await context.newPage();
  await other.goto(`${server.url}/`);
  await other.waitForLoadState('networkidle');
  await other.getByRole('button', { name: 'Se déconnecter' }).click();
  await other.waitForURL(/\/connexion/);

  await cell(page, 0, 0).click();
  await page.keyboard.press('4');
  await page.getByText(/Vous n'êtes plus connecté : 1 saisie non enregistrée est gardée/).waitFor();
  assert.equal(await selected(page, 0), 3, 'the value stays on the page');

  await other.waitForLoadState('networkidle');
  await other.fill('#identifiant', 'enseignant');
  await other.fill('#mot-de-passe', 'demo-enseignant');
  await other.click('button[type=submit]');
  await other.getByRole('heading', { name: /^Bonjour/ }).waitFor();
  await page.getByText(saved).waitFor({ timeout: 15_000 });
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await selected(page, 0), 3);
  assertClean(page, assert);
  await context.close();
});

test('a programme list changed elsewhere meanwhile is shown; the teacher keeps theirs', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const teacher = await logIn(context, server, 'enseignant', 'demo-enseignant', { allow: [409] });
  const other = await watchedPage(context);
  for (const page of [teacher, other]) {
    await page.goto(`${server.url}/saisie/elements-programme?domaine=FRA-ECR`);
    await page.waitForLoadState('networkidle');
  }
  await other.getByRole('button', { name: 'Ajouter un élément' }).click();
  await other.locator('#element-1').fill('Copier un poème');
  await other.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await other.getByText('Enregistré : 1 élément(s).').waitFor();

  await teacher.getByRole('button', { name: 'Ajouter un élément' }).click();
  await teacher.locator('#element-1').fill('Écrire la suite d\'un récit');
  await teacher.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await teacher.getByText('Pendant votre saisie, la liste enregistrée est devenue :').waitFor();
  await teacher.locator('.conflit-liste li', { hasText: 'Copier un poème' }).waitFor();
  await teacher.getByRole('button', { name: 'Garder ma liste' }).click();
  await teacher.getByText('Enregistré : 1 élément(s).').waitFor();
  await other.reload();
  await other.waitForLoadState('networkidle');
  assert.equal(await other.locator('#element-1').inputValue(), 'Écrire la suite d\'un récit');
  assertClean(teacher, assert);
  await context.close();
});

test('the bilans of a class: created at once, an incomplete one is not locked', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await logIn(context, server, 'direction', 'demo-direction');
  await page.getByRole('link', { name: 'Bilans' }).click();
  await page.waitForURL(/\/bilans/);
  await page.waitForLoadState('networkidle');
  // The CP-CE1: no other test writes to it.
  const cp = await page.locator('#choix-classe option', { hasText: 'CP' }).getAttribute('value');
  await page.locator('#choix-classe').selectOption(cp);
  await page.waitForURL(new RegExp(`classe=${cp}`));
  await page.locator('caption', { hasText: 'CP' }).waitFor();
  await page.waitForLoadState('networkidle');
  const rows = page.locator('table.liste-bilans tbody tr');
  const count = await rows.count();
  const notCreated = await page.locator('.statut-bilan.non-cree').count();
  assert.ok(notCreated > 0 && notCreated <= count);

  await page.getByRole('checkbox', { name: 'Sélectionner tous les élèves' }).check();
  await page.getByRole('button', { name: 'Créer les bilans sélectionnés' }).click();
  await page.getByText(`${notCreated} bilan(s) créé(s).`).waitFor();
  await page.locator('.statut-bilan.non-cree').first().waitFor({ state: 'detached' });

  await rows.first().getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Verrouiller les bilans sélectionnés', exact: true }).click();
  await page.getByText('0 bilan(s) verrouillé(s).').waitFor();
  await page.getByText(/son bilan est incomplet/).waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'bilans-tablette.png'), fullPage: true });
  await page.waitForLoadState('networkidle'); // the list is read again after an action

  // The synchronisation reports what it did to those unlocked bilans.
  await page.goto(`${server.url}/parametrage/synchronisation`);
  await page.waitForLoadState('networkidle');
  await page.getByText('ne sont pas modifiés').waitFor();
  await page.getByRole('button', { name: 'Synchroniser les bilans des classes cochées' }).click();
  // The demo's CM2 has two locked bilans in the first trimestre, its CE2 two locked bilans de
  // fin de cycle.
  await page.getByText('4 bilan(s) verrouillé(s) laissé(s) tel(s) quel(s).').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'synchronisation-tablette.png'), fullPage: true });
  assertClean(page, assert);
  await context.close();
});
