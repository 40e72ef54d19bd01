// The director's set-up pages: the ONDE import and the periods.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  assertAccessible,
  assertClean,
  contextWithoutJavaScript,
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
  // The home page says what is left to set up.
  const steps = page.locator('.etapes');
  await steps.waitFor();
  assert.match(await steps.textContent(), /Importer les élèves depuis ONDEFait — 16 élève\(s\) dans 3 classe\(s\)/);
  assert.match(await steps.textContent(), /À faire — sans enseignant : CP-CE1 Mme Martin/);
  await page.screenshot({ path: path.join(screenshotDir, 'accueil-direction-tablette.png'), fullPage: true });
  await page.getByRole('link', { name: 'Importer les élèves depuis ONDE' }).click();
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
  assert.match(await cm2.textContent(), /CM2 · 7 élèves/);
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

test('the periods page, as the server sends it, shows the stored periods before any script runs', async () => {
  const page = await logIn(await contextWithoutJavaScript(browser), server, 'direction', 'demo-direction');
  await page.goto(`${server.url}/parametrage/periodes`);
  await page.getByRole('heading', { name: "Périodes de l'année" }).waitFor();
  assert.equal(await page.getByLabel('Trimestres (3 périodes)').isChecked(), true);
  const trimestre = (n) => page.getByRole('group', { name: `Trimestre ${n}` });
  assert.equal(await trimestre(1).getByLabel('Début').inputValue(), '2026-09-01');
  assert.equal(await trimestre(3).getByLabel('Fin').inputValue(), '2027-07-03');
  assert.equal(await page.getByRole('checkbox', { name: 'CM2 M. Durand' }).isChecked(), true);
  assertClean(page, assert);
  await page.context().close();
});

test('the director sets semestres for one class and personalised periods for the other', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, locale: 'fr-FR' });
  const page = await logIn(context, server, 'direction', 'demo-direction', { allow: [422] });
  await page.getByRole('link', { name: 'Paramétrage' }).click();
  await page.getByRole('link', { name: 'Périodes' }).click();
  await page.getByRole('heading', { name: "Périodes de l'année" }).waitFor();
  await page.getByText('Année scolaire 2026/2027 : du 01/09/2026 au 03/07/2027.').waitFor();
  assert.equal(await page.getByLabel('Trimestres (3 périodes)').isChecked(), true);
  const row = (name) => page.getByRole('row', { name: new RegExp(name) });
  assert.match(await row('CM2 M. Durand').textContent(), /Trimestre/);
  assert.equal(await page.getByRole('checkbox', { name: 'CP-CE1 Mme Martin' }).isChecked(), true);
  await assertAccessible(page, assert);

  // Semestres for the CP-CE1; an overlap is refused at the period at fault.
  await page.getByLabel('Semestres (2 périodes)').check();
  const semestre = (n) => page.getByRole('group', { name: `Semestre ${n}` });
  assert.equal(await semestre(1).getByLabel('Fin').inputValue(), '2027-01-31');
  await page.getByText('Dates habituelles proposées : elles ne sont pas encore enregistrées.').waitFor();
  assert.equal(await page.getByRole('checkbox', { name: 'CP-CE1 Mme Martin' }).isChecked(), false);
  await page.getByRole('checkbox', { name: 'CP-CE1 Mme Martin' }).check();
  await semestre(2).getByLabel('Début').fill('2027-01-15');
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await semestre(2).getByText('période 2 : la période doit commencer après la fin de la précédente (31/01/2027)').waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'periodes-erreur-tablette.png'), fullPage: true });
  await semestre(2).getByLabel('Début').fill('2027-02-01');
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await page.getByText('Périodes enregistrées.').waitFor();
  await row('CP-CE1 Mme Martin').getByText('Semestre').waitFor();
  assert.match(await row('CM2 M. Durand').textContent(), /Trimestre/);

  // Personalised periods for the CM2: a missing date is caught before sending.
  await page.getByLabel('Périodes personnalisées').check();
  await page.getByRole('group', { name: 'Période 1' }).getByLabel('Début').fill('2026-09-01');
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await page.getByText('période 1 : indiquez la date de fin').waitFor();
  await page.getByRole('group', { name: 'Période 1' }).getByLabel('Fin').fill('2026-12-18');
  await page.getByRole('button', { name: 'Ajouter une période' }).click();
  const second = page.getByRole('group', { name: 'Période 2' });
  assert.equal(await second.getByLabel('Début').inputValue(), '2026-12-19');
  await second.getByLabel('Fin').fill('2027-07-03');
  // The demo's CM2 has bilans in its first trimestre: it keeps its trimestres, and says why.
  await page.getByRole('checkbox', { name: 'CM2 M. Durand' }).check();
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await page.getByText(/la classe CM2 M. Durand a déjà des bilans cette année : elle garde sa périodicité/).waitFor();
  await page.getByRole('checkbox', { name: 'CM2 M. Durand' }).uncheck();
  await page.getByRole('checkbox', { name: 'CP-CE1 Mme Martin' }).check();
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await row('CP-CE1 Mme Martin').getByText('Personnalisée').waitFor();
  await page.screenshot({ path: path.join(screenshotDir, 'periodes-tablette.png'), fullPage: true });

  // It stays so after a reload.
  await page.reload();
  await page.getByRole('heading', { name: "Périodes de l'année" }).waitFor();
  assert.match(await row('CP-CE1 Mme Martin').textContent(), /Personnalisée/);
  assert.match(await row('CM2 M. Durand').textContent(), /Trimestre/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 768 px (overflow ${overflow} px)`);
  assertClean(page, assert);
  await context.close();
});

test('the director creates a teacher account; its one-time password must be replaced at first login', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await logIn(context, server, 'direction', 'demo-direction', { allow: [422] });
  await page.getByRole('link', { name: 'Paramétrage' }).click();
  await page.getByRole('heading', { name: 'Créer un compte enseignant' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Civilité').selectOption({ label: 'Mme' });
  await page.getByLabel('Nom', { exact: true }).fill('Garnier');
  await page.getByLabel('Prénom').fill('Lucie');
  await page.getByLabel('Identifiant de connexion').fill('enseignant');
  await page.getByLabel('Affecter à la classe', { exact: true }).selectOption({ label: 'CP-CE1 Mme Martin' });
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.getByText("l'identifiant « enseignant » est déjà utilisé").waitFor();
  await page.getByLabel('Identifiant de connexion').fill('lgarnier');
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.getByText('Compte créé pour Mme Lucie Garnier.').waitFor();
  const first = (await page.locator('.secret').textContent()).trim();
  assert.match(first, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await page.getByRole('button', { name: 'Retirer Mme Lucie Garnier de la classe CP-CE1 Mme Martin' }).waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'classes-compte-cree-tablette.png'), fullPage: true });

  // The paper with it is lost: the director issues another one from « Comptes ».
  await page.getByRole('link', { name: 'Comptes' }).click();
  const row = page.getByRole('row', { name: /lgarnier/ });
  assert.match(await row.textContent(), /Mot de passe provisoire/);
  await page.getByRole('button', { name: 'Nouveau mot de passe provisoire pour Mme Lucie Garnier' }).click();
  await page.getByText('Nouveau mot de passe provisoire pour Mme Lucie Garnier.').waitFor();
  const password = (await page.locator('.secret').textContent()).trim();
  assert.notEqual(password, first);
  assert.equal(await page.getByRole('button', { name: /Nouveau mot de passe provisoire pour Mme Hélène Lefèvre/ }).count(), 0, 'not for the director');
  await assertAccessible(page, assert);
  assertClean(page, assert);
  await context.close();

  // The teacher logs in with it on a phone: nothing but the password form until it is changed.
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true });
  const teacher = await phone.newPage();
  await teacher.goto(`${server.url}/connexion`);
  await teacher.waitForLoadState('networkidle');
  await teacher.fill('#identifiant', 'lgarnier');
  await teacher.fill('#mot-de-passe', password);
  await teacher.click('button[type=submit]');
  await teacher.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
  await teacher.getByLabel('Mot de passe provisoire').fill(password);
  await teacher.getByLabel('Nouveau mot de passe (8 caractères au moins)').fill('lucie-2026!');
  await teacher.getByLabel('Confirmez le nouveau mot de passe').fill('lucie-2026?');
  await teacher.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await teacher.getByText('les deux saisies du nouveau mot de passe diffèrent').waitFor();
  await assertAccessible(teacher, assert);
  await teacher.screenshot({ path: path.join(screenshotDir, 'mot-de-passe-provisoire-telephone.png'), fullPage: true });
  await teacher.getByLabel('Mot de passe provisoire').fill(password);
  await teacher.getByLabel('Nouveau mot de passe (8 caractères au moins)').fill('lucie-2026!');
  await teacher.getByLabel('Confirmez le nouveau mot de passe').fill('lucie-2026!');
  await teacher.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await teacher.getByRole('heading', { name: 'Bonjour, Mme Lucie Garnier' }).waitFor();
  await phone.close();
});

test('the director checks, then downloads, the LSU export of the first trimestre', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, acceptDownloads: true });
  const page = await logIn(context, server, 'direction', 'demo-direction');
  await page.goto(`${server.url}/parametrage/export-lsu`);
  await page.getByRole('heading', { name: 'Export vers le LSU' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByLabel(/^Trimestre 1 \(du 01\/09\/2026/).check();
  await page.getByRole('button', { name: "Vérifier avant l'export" }).click();
  await page.getByText('2 bilan(s) verrouillé(s) prêts à transmettre.').waitFor();
  assert.match(await page.locator('main').textContent(), /CM2 M\. Durand — Trimestre 1 : 4 bilan\(s\)/);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'export-lsu-tablette.png'), fullPage: true });
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /^Télécharger LSU_0259999X_\d{8}\.xml$/ }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^LSU_0259999X_\d{8}\.xml$/);
  const xml = readFileSync(await download.path(), 'utf8');
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.match(xml, /<lsun-bilans xmlns="urn:fr:edu:scolarite:lsun:bilans:import" schemaVersion="1.0">/);
  assertClean(page, assert);
  await context.close();
});
