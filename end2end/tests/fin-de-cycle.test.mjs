// Bilans de fin de cycle 2: the CE2's teacher fills a component's grid with the keyboard and a
// pupil's synthèse on her page, locks the bilan from the class's list; the director, on a
// tablet, unlocks one and downloads a PDF; the file for the LSU carries the cycle bilans.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
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

/** The column chosen on a pupil's row of the grid (-1 for none). */
async function selected(page, row) {
  const cells = page.locator(`td[id^="case-${row}-"]`);
  const states = await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('aria-selected')));
  return states.indexOf('true');
}

function rowOf(page, name) {
  return page.locator('tr', { has: page.getByRole('rowheader', { name }) });
}

test('the CE2 teacher fills a component with the keyboard, writes a synthèse and locks the bilan', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await logIn(context, server, 'enseignante', 'demo-enseignante');
  await page.getByRole('link', { name: 'Bilans', exact: true }).click();
  await page.getByRole('link', { name: 'Bilans de fin de cycle' }).click();
  await page.waitForURL(/\/bilans\/fin-de-cycle$/);
  await page.waitForLoadState('networkidle');
  await page.getByRole('heading', { name: 'Bilans de fin de cycle 2' }).waitFor();
  assert.match(await rowOf(page, 'GIRARDOT Élise').innerText(), /Verrouillé/);
  assert.match(await rowOf(page, 'MOUGIN Inès').innerText(), /En cours\s*8 composante\(s\) sur 8 ; synthèse à écrire/);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'fin-de-cycle-liste.png'), fullPage: true });

  // The grid of one component: locked rows are read-only, the others take the keyboard.
  await page.getByRole('link', { name: 'Saisie par composante' }).click();
  await page.waitForURL(/\/bilans\/fin-de-cycle\/saisie/);
  await page.waitForLoadState('networkidle');
  await page.locator('#choix-composante').selectOption('SYS_NAT');
  await page.waitForURL(/composante=SYS_NAT/);
  await page.locator('caption', { hasText: 'Les systèmes naturels et les systèmes techniques' }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await selected(page, 2), 4, 'Maël is « dispensé » in the demo');
  await page.locator('#case-2-0').click(); // Maël: « Maîtrise insuffisante »
  assert.equal(await selected(page, 2), 0);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('4'); // Inès: « Très bonne maîtrise »
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('d'); // Maël: « Dispensé » again
  await page.getByText(saved).waitFor();
  await page.locator('#case-0-1').click(); // Élise's bilan is locked: nothing changes
  assert.equal(await selected(page, 0), 2);
  await page.screenshot({ path: path.join(screenshotDir, 'fin-de-cycle-grille.png'), fullPage: true });
  await page.reload();
  await page.waitForLoadState('networkidle');
  assert.equal(await selected(page, 2), 4);
  assert.equal(await selected(page, 3), 3);
  await assertAccessible(page, assert);

  // Inès's page: the synthèse makes her bilan complete.
  await page.goto(`${server.url}/bilans/fin-de-cycle`);
  await page.waitForLoadState('networkidle');
  await rowOf(page, 'MOUGIN Inès').getByRole('link', { name: /Saisir/ }).click();
  await page.waitForURL(/\/bilans\/fin-de-cycle\/eleve/);
  await page.waitForLoadState('networkidle');
  await page.getByRole('heading', { name: 'Bilan de fin de cycle 2 — MOUGIN Inès' }).waitFor();
  const synthese = page.getByLabel("Synthèse des acquis scolaires de l'élève en fin de cycle");
  await synthese.fill('Inès a gagné en assurance tout au long du cycle ; elle lit avec plaisir & aide ses camarades.');
  await page.getByRole('button', { name: 'Enregistrer' }).click();
  await page.getByText('✓ Enregistré.').waitFor();
  await page.getByText('Complet', { exact: true }).waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'fin-de-cycle-eleve.png'), fullPage: true });

  await page.getByRole('link', { name: 'Retour à la liste de la classe' }).click();
  await page.waitForLoadState('networkidle');
  await rowOf(page, 'MOUGIN Inès').getByRole('button', { name: 'Verrouiller' }).click();
  await page.getByText('1 bilan(s) verrouillé.').waitFor();
  await rowOf(page, 'MOUGIN Inès').getByText('Verrouillé', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Déverrouiller les bilans sélectionnés' }).count(), 0, 'a teacher does not unlock');
  assertClean(page, assert);
  await context.close();
});

test('the director unlocks on a tablet, downloads the PDF and exports the cycle bilans', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, acceptDownloads: true });
  const page = await logIn(context, server, 'direction', 'demo-direction');
  await page.goto(`${server.url}/bilans/fin-de-cycle`);
  await page.waitForLoadState('networkidle');
  await rowOf(page, 'HUMBERT Lucas').getByRole('button', { name: 'Déverrouiller' }).tap();
  await page.getByText('1 bilan(s) déverrouillé.').waitFor();
  await rowOf(page, 'HUMBERT Lucas').getByText('Complet', { exact: true }).waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'fin-de-cycle-tablette.png'), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    rowOf(page, 'GIRARDOT Élise').getByRole('link', { name: /Éditer/ }).tap(),
  ]);
  assert.equal(download.suggestedFilename(), 'GIRARDOT_Élise_Fin-de-cycle-2.pdf');
  assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');

  await page.goto(`${server.url}/parametrage/export-lsu`);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Bilans de fin de cycle 2 (élèves de CE2) de l\'année').check();
  await page.getByRole('button', { name: "Vérifier avant l'export" }).tap();
  await page.waitForURL(/cycle=1/);
  await page.getByText('bilan(s) verrouillé(s) prêts à transmettre').waitFor();
  await page.getByText(/Mme Perrin CE2 — bilans de fin de cycle 2/).waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'export-lsu-fin-de-cycle.png'), fullPage: true });
  assertClean(page, assert);
  await context.close();
});
