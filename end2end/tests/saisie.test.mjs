// The teacher's collective entries: the acquis grid (keyboard, autosave, conflicts, lost
// connection), the programme elements and the parcours.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
  assertClean,
  launchBrowser,
  logIn,
  screenshotDir,
  startServer,
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
  await teacher.getByRole('button', { name: 'Garder ma saisie' }).click();
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
  await page.getByText(/Connexion perdue : 1 saisie non enregistrée/).waitFor();
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
