// Families: the demo parent, on a phone, reads Violetta's published bilan, downloads its PDF
// and acknowledges it, and reaches nothing else; the director, on a tablet, sees the visa,
// then imports ONDE's responsables extraction and hands out the activation codes.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
  assertClean,
  launchBrowser,
  logIn,
  screenshotDir,
  startServer,
} from '../support.mjs';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'server', 'tests', 'fixtures');

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

const refused = "Vous n'avez pas les droits nécessaires pour cette action.";

test('the demo parent reads, downloads and acknowledges the published bilan on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  const page = await logIn(context, server, 'parent', 'demo-parent', { allow: [403] });
  // The parent's menu has their children, and nothing of the teachers'.
  await page.getByRole('link', { name: 'Mes enfants', exact: true }).click();
  await page.waitForURL(/\/famille$/);
  await page.getByRole('heading', { name: 'Violetta BAZIN' }).waitFor();
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByRole('link', { name: 'Bilans', exact: true }).count(), 0);
  assert.equal(await page.getByRole('link', { name: 'Saisie collective' }).count(), 0);
  await page.getByText('À lire').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'famille-enfants-telephone.png'), fullPage: true });

  await page.getByRole('link', { name: 'Bilan — Trimestre 1 2026/2027' }).click();
  await page.getByRole('heading', { name: 'Bilan périodique de BAZIN Violetta' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByRole('heading', { name: 'Appréciation générale' }).waitFor();
  await page.getByRole('heading', { name: 'Langage oral' }).waitFor();
  // Nothing overflows the phone's width.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the page is ${width} px wide`);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'famille-bilan-telephone.png'), fullPage: true });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Télécharger le bilan (PDF)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'BAZIN_Violetta_Trimestre-1.pdf');
  assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');

  await page.getByRole('button', { name: "J'ai pris connaissance du bilan" }).click();
  await page.getByText(/Vous avez pris connaissance de ce bilan le \d\d\/\d\d\/\d{4}/).waitFor();
  await page.getByRole('link', { name: '← Les bilans de mes enfants' }).click();
  await page.getByText(/✓ Vu le \d\d\/\d\d\/\d{4}/).waitFor();

  // Another pupil's bilan, by changing the address: refused, on screen and as a PDF.
  const mine = new URL(await page.getByRole('link', { name: 'Bilan — Trimestre 1 2026/2027' }).getAttribute('href'), server.url);
  const other = Number(mine.searchParams.get('eleve')) - 1;
  const period = mine.searchParams.get('periode');
  await page.goto(`${server.url}/famille/bilan?eleve=${other}&periode=${period}`);
  await page.getByText(refused).waitFor();
  // The page's code has loaded before the next address (else the browser aborts it).
  await page.waitForLoadState('networkidle');
  const pdf = await page.request.get(`${server.url}/bilans/pdf?eleve=${other}&periode=${period}`);
  assert.equal(pdf.status(), 403);
  // The teachers' pages.
  await page.goto(`${server.url}/bilans`);
  await page.getByText(refused).waitFor();
  await page.waitForLoadState('networkidle');
  assertClean(page, assert);
  await context.close();
});

test('the director sees the visa, then imports the responsables and gets their codes', async () => {
  // The parent acknowledges first (the tests share one server, but not their order).
  const parentContext = await browser.newContext();
  const parent = await logIn(parentContext, server, 'parent', 'demo-parent');
  await parent.goto(`${server.url}/famille`);
  await parent.getByRole('link', { name: 'Bilan — Trimestre 1 2026/2027' }).click();
  await parent.waitForLoadState('networkidle');
  const button = parent.getByRole('button', { name: "J'ai pris connaissance du bilan" });
  if (await button.count()) await button.click();
  await parent.getByText(/Vous avez pris connaissance de ce bilan/).waitFor();
  await parentContext.close();

  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await logIn(context, server, 'direction', 'demo-direction');
  await page.getByRole('link', { name: 'Bilans', exact: true }).click();
  await page.waitForURL(/\/bilans/);
  await page.waitForLoadState('networkidle');
  const first = await page.locator('#choix-periode option', { hasText: 'Trimestre 1' }).getAttribute('value');
  await page.locator('#choix-periode').selectOption(first);
  await page.locator('caption', { hasText: 'Trimestre 1' }).waitFor();
  await page.waitForLoadState('networkidle');
  const violetta = page.locator('tr', { has: page.getByRole('rowheader', { name: /BAZIN/ }) });
  await violetta.getByText(/Publié aux familles le/).waitFor();
  await violetta.getByText(/✓ Vu par Mme Sophie Bazin le/).waitFor();
  await page.getByRole('button', { name: 'Publier aux familles les bilans verrouillés' }).click();
  await page.getByText('0 bilan(s) publié(s) aux familles.').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'bilans-publication-tablette.png'), fullPage: true });

  await page.getByRole('link', { name: 'Paramétrage' }).click();
  await page.getByRole('link', { name: 'Responsables légaux' }).click();
  await page.getByRole('heading', { name: 'Responsables légaux', level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('#fichier-responsables').setInputFiles(path.join(fixtures, 'onde-responsables.csv'));
  await page.getByRole('button', { name: 'Importer les responsables' }).click();
  await page.getByRole('heading', { name: '5 responsable(s) rattaché(s)' }).waitFor();
  await page.getByText('ligne 6 : aucun élève de l\'école ne s\'appelle « GARNIER Maëlys »').waitFor();
  assert.equal(await page.locator('.code-activation').count(), 5);
  const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'BAZIN Violetta' }) });
  await row.getByText('Mme Nathalie BAZIN (nathalie.bazin)').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'responsables-tablette.png'), fullPage: true });
  assertClean(page, assert);
  await context.close();
});
