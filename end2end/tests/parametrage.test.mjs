// The director's set-up pages: the ONDE import and the periods.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertAccessible,
  assertClean,
  launchBrowser,
  logIn,
  screenshotDir,
  startServer,
} from '../support.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// The demo's own extraction, as ONDE sends it (Windows-1252, CRLF).
const demoExtraction = readFileSync(path.join(root, 'server', 'demo', 'onde-extraction-eleves.csv'));

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

async function choose(page, name, buffer) {
  await page.setInputFiles('#fichier', { name, mimeType: 'text/csv', buffer });
}

test('the director previews, then applies, an ONDE extraction on a tablet', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await logIn(context, server, 'direction', 'demo-direction', { allow: [422] });
  await page.getByRole('link', { name: 'Paramétrage' }).click();
  await page.getByRole('link', { name: 'Import des élèves' }).click();
  await page.getByRole('heading', { name: 'Import des élèves' }).waitFor();
  await assertAccessible(page, assert);

  // A bad date: refused whole, with the line and the column.
  const lines = demoExtraction.toString('latin1').split('\r\n');
  const badDate = [...lines];
  badDate[4] = badDate[4].replace(/;\d\d\/\d\d\/\d{4};/, ';31/02/2016;');
  await choose(page, 'mauvaise-date.csv', Buffer.from(badDate.join('\r\n'), 'latin1'));
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /ligne 5, colonne « Date naissance » : date invalide « 31\/02\/2016 »/);

  // The same file as the demo's: nothing to do.
  await choose(page, 'extraction.csv', demoExtraction);
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  await page.getByText('Aucun changement').waitFor();

  // One pupil leaves, one arrives with « œ » in Windows-1252: previewed, then applied.
  const changed = lines.filter((line) => !line.startsWith('ADELLE;'));
  changed.splice(2, 0, 'CŒUR;;Zoé;05/05/2016;F;1234567899Z;;;;;3;;;;;CM2;CM2 M. Durand;1234502');
  const changedFile = Buffer.from(
    changed.join('\r\n').replace('Œ', '\x8c'),
    'latin1',
  );
  await choose(page, 'extraction-novembre.csv', changedFile);
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  await page.getByRole('heading', { name: /^Aperçu/ }).waitFor();
  assert.match(await page.locator('.rapport-import').textContent(), /Élèves ajoutés \(1\)CŒUR Zoé/);
  assert.match(await page.locator('.rapport-import').textContent(), /Élèves partis.*\(1\)ADELLE Klara/);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'import-apercu-tablette.png'), fullPage: true });
  await page.getByRole('button', { name: "Appliquer l'import" }).click();
  await page.getByRole('heading', { name: /^Import effectué/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: "Appliquer l'import" }).count(), 0);

  // Applied: the CM2 now has 7 pupils, and the same file again changes nothing.
  await page.getByRole('link', { name: 'Classes' }).click();
  const cm2 = page.getByRole('row', { name: /CM2 M\. Durand/ });
  await cm2.waitFor();
  assert.match(await cm2.textContent(), /CM2\s*7/);
  await page.getByRole('link', { name: 'Import des élèves' }).click();
  await choose(page, 'extraction-novembre.csv', changedFile);
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  await page.getByText('Aucun changement').waitFor();
  assertClean(page, assert);
  await context.close();
});

test('a teacher cannot reach the import: the server refuses it', async () => {
  const context = await browser.newContext();
  const page = await logIn(context, server, 'enseignant', 'demo-enseignant', { allow: [403] });
  await page.goto(`${server.url}/parametrage/import`);
  await page.getByRole('heading', { name: 'Import des élèves' }).waitFor();
  await page.waitForLoadState('networkidle');
  await choose(page, 'extraction.csv', demoExtraction);
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /droits nécessaires/);
  await context.close();
});
