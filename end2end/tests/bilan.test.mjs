// One pupil's bilan: a teacher fills the recto and the verso, walks to the next pupil and
// back without losing anything, locks the bilan and finds it read-only; the director unlocks
// it. Also the history and the demo's filled class at phone width.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
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

/** The « Bilans » list of the CM2 for the given trimestre (1 to 3). */
async function openList(page, trimestre) {
  await page.getByRole('link', { name: 'Bilans', exact: true }).click();
  await page.waitForURL(/\/bilans/);
  await page.waitForLoadState('networkidle');
  const period = await page.locator('#choix-periode option', { hasText: `Trimestre ${trimestre}` }).getAttribute('value');
  await page.locator('#choix-periode').selectOption(period);
  await page.waitForURL(new RegExp(`periode=${period}`));
  await page.locator('caption', { hasText: `Trimestre ${trimestre}` }).waitFor();
  await page.waitForLoadState('networkidle');
}

/** Waits until the editor says everything is stored. */
async function allSaved(page) {
  await page.locator('.barre-bilan .etat-grille', { hasText: saved }).waitFor();
}

test('a teacher fills a bilan, walks the class, locks it; the director unlocks it', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant');
  await openList(page, 2);
  await page.getByRole('link', { name: 'Saisir le bilan de BACCARA Lauréda' }).click();
  await page.getByRole('heading', { name: 'Bilan de BACCARA Lauréda' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByText('Avant de pouvoir éditer ce bilan, il manque').waitFor();

  // Recto: two domain comments (Français covers its four rows), a positionnement, and a list
  // of programme elements of the pupil's own.
  await page.locator('#commentaire-FRA-LGO').fill('Lit avec aisance ; « bravo » !');
  await page.locator('#commentaire-MAT-NBC').fill('Calcule avec sûreté.');
  await page.locator('#positionnement-EPS-RAC').selectOption({ label: 'Dépassés' });
  const eps = page.locator('.ligne-recto', { has: page.locator('#positionnement-EPS-RAC') });
  await eps.getByRole('button', { name: 'Modifier les éléments de programme' }).click();
  await eps.getByRole('button', { name: 'Ajouter un élément' }).click();
  await page.locator('#element-EPS-RAC-0').fill('Natation : 25 mètres');
  // Verso.
  await page.locator('#parcours-PAR_CIT').fill('Déléguée de classe.');
  await page.getByRole('checkbox', { name: /PPRE/ }).check();
  await page.locator('#complement-ppre').fill('Soutien en lecture.');
  await page.locator('#appreciation-generale').fill('Un trimestre très réussi.');
  await page.getByText('25 / 1500').waitFor();
  await allSaved(page);
  await page.locator('.statut-bilan.complet').first().waitFor();
  await page.getByText('Le bilan est complet').waitFor();
  assert.equal(await eps.locator('.etat-ligne').textContent(), '✓ complet');
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'bilan-ordinateur.png'), fullPage: true });

  // The next pupil, then back: everything is there, read from the server.
  await page.getByRole('link', { name: 'Bilan suivant →' }).click();
  await page.getByRole('heading', { name: 'Bilan de BAZIN Violetta' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByRole('link', { name: '← Bilan précédent' }).click();
  await page.getByRole('heading', { name: 'Bilan de BACCARA Lauréda' }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.locator('#commentaire-FRA-LGO').inputValue(), 'Lit avec aisance ; « bravo » !');
  assert.equal(await page.locator('#element-EPS-RAC-0').inputValue(), 'Natation : 25 mètres');
  assert.equal(await page.locator('#appreciation-generale').inputValue(), 'Un trimestre très réussi.');
  assert.ok(await page.getByRole('checkbox', { name: /PPRE/ }).isChecked());

  // Locked: read-only.
  await page.getByRole('button', { name: 'Verrouiller le bilan' }).click();
  await page.getByText('Ce bilan est verrouillé').waitFor();
  await page.waitForLoadState('networkidle');
  assert.ok(await page.locator('#appreciation-generale').isDisabled());
  assert.ok(await page.locator('#positionnement-EPS-RAC').isDisabled());
  assert.equal(await page.getByRole('button', { name: 'Déverrouiller le bilan' }).count(), 0, 'teachers do not unlock');
  await page.locator('.detail-verrou', { hasText: 'par M. Marc Durand' }).first().waitFor();
  const address = page.url();
  assertClean(page, assert);

  // The director unlocks it; it can be written again.
  const direction = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const director = await logIn(direction, server, 'direction', 'demo-direction');
  await director.goto(address);
  await director.waitForLoadState('networkidle');
  await director.getByRole('button', { name: 'Déverrouiller le bilan' }).click();
  await director.getByText('Le bilan est déverrouillé.').waitFor();
  // The bilan is read again after the action: its fields come back writable.
  await director.locator('#appreciation-generale:enabled').waitFor();
  await director.waitForLoadState('networkidle');
  await director.getByRole('link', { name: "Consulter l'historique des bilans de l'élève" }).click();
  await director.getByRole('heading', { name: 'Historique des bilans de BACCARA Lauréda' }).waitFor();
  await director.waitForLoadState('networkidle');
  await director.getByText(/Modifications du bilan/).first().click();
  await director.getByRole('cell', { name: 'Déverrouillage' }).first().waitFor();
  await director.getByRole('cell', { name: 'Appréciation générale' }).first().waitFor();
  await assertAccessible(director, assert);
  await director.screenshot({ path: path.join(screenshotDir, 'historique-tablette.png'), fullPage: true });
  assertClean(director, assert);
  await direction.close();
  await context.close();
});

test("the demo's CM2 is filled in; a locked bilan reads well on a phone", async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  const page = await logIn(context, server, 'direction', 'demo-direction');
  await openList(page, 1);
  assert.equal(await page.locator('.statut-bilan.verrouille').count(), 2);
  assert.equal(await page.locator('.statut-bilan.complet').count(), 4);
  // The class prints in the background; its file downloads itself, and stays in the list.
  const [classPdf] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Éditer la classe (un PDF à imprimer)' }).click(),
  ]);
  assert.equal(classPdf.suggestedFilename(), 'Bilans_CM2_M._Durand_Trimestre_1.pdf');
  assert.equal(readFileSync(await classPdf.path()).subarray(0, 5).toString(), '%PDF-');
  await page.getByRole('link', { name: 'Télécharger Bilans_CM2_M._Durand_Trimestre_1.pdf' }).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'bilans-impression-telephone.png'), fullPage: true });
  await page.getByRole('link', { name: 'Consulter le bilan de BAZIN Violetta' }).click();
  await page.getByRole('heading', { name: 'Bilan de BAZIN Violetta' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByText('Ce bilan est verrouillé').waitFor();
  assert.ok(await page.locator('#appreciation-generale').isDisabled());
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'bilan-verrouille-telephone.png'), fullPage: true });
  // The page as the server sends it, before any script runs, shows the same boxes ticked.
  const ticked = (p) => p.$$eval('.modalites input[type=checkbox]', (boxes) => boxes.map((box) => box.checked));
  const hydrated = await ticked(page);
  assert.ok(hydrated.includes(true), 'the demo bilan has a modalité');
  const noJs = await logIn(await contextWithoutJavaScript(browser), server, 'direction', 'demo-direction');
  await noJs.goto(page.url());
  assert.deepEqual(await ticked(noJs), hydrated);
  await noJs.context().close();

  // « Éditer »: the PDF, named after the pupil and the period.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Éditer (PDF)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'BAZIN_Violetta_Trimestre-1.pdf');
  const pdf = readFileSync(await download.path());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assertClean(page, assert);
  await context.close();
});
