// Logging in, as a teacher and a director, with JavaScript on (hydrated) and off.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAccessible,
  assertClean,
  contextWithoutJavaScript,
  giveCode,
  launchBrowser,
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

async function fillLogin(page, login, password) {
  await page.fill('#identifiant', login);
  await page.fill('#mot-de-passe', password);
  await page.click('button[type=submit]');
}

test('enseignant logs in with JavaScript on: the page hydrates', async () => {
  const context = await browser.newContext();
  const page = await watchedPage(context);
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, '/connexion', 'a visitor is sent to the login page');
  await assertAccessible(page, assert);

  // Only the hydrated page reacts to « Afficher »: keep clicking until the WASM has taken over.
  const toggle = page.getByRole('button', { name: 'Afficher' });
  await page.fill('#mot-de-passe', 'demo-enseignant');
  await assert.doesNotReject(async () => {
    const deadline = Date.now() + 15_000;
    while ((await page.getAttribute('#mot-de-passe', 'type')) !== 'text') {
      if (Date.now() > deadline) throw new Error('the login page never hydrated');
      if (await toggle.count()) await toggle.click();
      await page.waitForTimeout(100);
    }
  });
  assert.equal(await page.getAttribute('button[aria-controls=mot-de-passe]', 'aria-pressed'), 'true');
  assert.equal(await page.inputValue('#mot-de-passe'), 'demo-enseignant');

  await page.fill('#identifiant', 'enseignant');
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Bonjour, M. Marc Durand' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/');
  assert.match(await page.textContent('header'), /École élémentaire Victor Hugo/);
  assert.match(await page.textContent('main'), /2026\/2027 \(du 01\/09\/2026 au 03\/07\/2027\)/);
  assert.equal(await page.getByRole('link', { name: 'Paramétrage' }).count(), 0, 'a teacher has no Paramétrage');
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'accueil-enseignant.png'), fullPage: true });

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByRole('heading', { name: 'Livret' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/connexion');
  await page.goto(`${server.url}/`);
  assert.equal(new URL(page.url()).pathname, '/connexion', 'after logout the session is gone');
  assertClean(page, assert);
  await context.close();
});

test('enseignant logs in with JavaScript off: the form still works', async () => {
  const context = await contextWithoutJavaScript(browser);
  const page = await watchedPage(context);
  await page.goto(`${server.url}/parametrage/comptes`);
  const url = new URL(page.url());
  assert.equal(url.pathname, '/connexion');
  assert.equal(url.searchParams.get('suivant'), '/parametrage/comptes');
  await assertAccessible(page, assert);

  await fillLogin(page, 'enseignant', 'mauvais-mot-de-passe');
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /Identifiant ou mot de passe incorrect/);

  await page.goto(`${server.url}/connexion`);
  await fillLogin(page, 'enseignant', 'demo-enseignant');
  await page.getByRole('heading', { name: 'Bonjour, M. Marc Durand' }).waitFor();
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'accueil-sans-javascript.png'), fullPage: true });
  assertClean(page, assert);
  await context.close();
});

test('a wrong password is refused with a French message (JavaScript on)', async () => {
  const context = await browser.newContext();
  const page = await watchedPage(context, { allow: [401] });
  await page.goto(`${server.url}/connexion`);
  await page.waitForLoadState('networkidle');
  await fillLogin(page, 'direction', 'pas-le-bon');
  await page.getByRole('alert').waitFor();
  assert.match(await page.textContent('[role=alert]'), /Identifiant ou mot de passe incorrect/);
  assert.equal(new URL(page.url()).pathname, '/connexion');
  await assertAccessible(page, assert);
  assertClean(page, assert);
  await context.close();
});

test('the director on a tablet: Paramétrage, accounts, no horizontal scroll, large targets', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await watchedPage(context);
  await page.goto(`${server.url}/parametrage/comptes`);
  await page.waitForLoadState('networkidle');
  await fillLogin(page, 'direction', 'demo-direction');
  // Her second factor: the code of her app, on a page of its own.
  await page.getByLabel(/Code à six chiffres/).waitFor();
  assert.equal(new URL(page.url()).pathname, '/connexion/code');
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'code-de-connexion-tablette.png'), fullPage: true });
  await giveCode(page, server, 'direction');
  await page.getByRole('heading', { name: "Comptes de l'établissement" }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/parametrage/comptes', 'login brings the director back');
  await page.getByRole('cell', { name: 'enseignant', exact: true }).waitFor();
  const rows = await page.locator('tbody tr').count();
  assert.equal(rows, 4);
  await assertAccessible(page, assert);

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 768 px (overflow ${overflow} px)`);
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('header a, header button, header select, main button, main a')]
      .filter((e) => e.getBoundingClientRect().height < 44)
      .map((e) => `${e.tagName} « ${e.textContent.trim()} » ${e.getBoundingClientRect().height}px`),
  );
  assert.deepEqual(small, [], 'touch targets are at least 44 px high');
  await page.screenshot({ path: path.join(screenshotDir, 'parametrage-tablette.png'), fullPage: true });

  await page.getByRole('link', { name: 'Accueil' }).click();
  await page.getByRole('heading', { name: 'Bonjour, Mme Hélène Lefèvre' }).waitFor();
  await assertAccessible(page, assert);
  assertClean(page, assert);
  await context.close();
});

test('a parent on a phone: login and home fit 360 px', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
  const page = await watchedPage(context);
  await page.goto(`${server.url}/`);
  await page.waitForLoadState('networkidle');
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok((await overflow()) <= 0, 'the login page fits a phone');
  await fillLogin(page, 'parent', 'demo-parent');
  await page.getByRole('heading', { name: 'Bonjour, Mme Sophie Bazin' }).waitFor();
  assert.ok((await overflow()) <= 0, 'the home page fits a phone');
  assert.match(await page.textContent('main'), /Responsable légal/);
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'accueil-telephone.png'), fullPage: true });
  assertClean(page, assert);
  await context.close();
});

test('the director sets a class to « Échelle de 1 à 4 » and assigns teachers; it stays so', async () => {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  const page = await watchedPage(context);
  await page.goto(`${server.url}/connexion`);
  await page.waitForLoadState('networkidle');
  await fillLogin(page, 'direction', 'demo-direction');
  await giveCode(page, server, 'direction');
  await page.getByRole('heading', { name: 'Bonjour, Mme Hélène Lefèvre' }).waitFor();
  await page.getByRole('link', { name: 'Paramétrage' }).click();
  await page.getByRole('heading', { name: 'Classes et type de positionnement' }).waitFor();
  const cm2 = page.getByRole('row', { name: /CM2 M\. Durand/ });
  assert.match(await cm2.textContent(), /CM2 · 6 élèves.*Trimestre.*M\. Marc Durand/);
  await assertAccessible(page, assert);

  const select = page.getByLabel('Type de positionnement de la classe CM2 M. Durand');
  await select.selectOption({ label: 'Échelle de 1 à 4' });
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/set-positionnement'));
  const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/school-classes'));
  await cm2.getByRole('button', { name: 'Enregistrer' }).click();
  assert.equal((await saved).status(), 200);
  await refreshed;
  await page.reload();
  await page.getByRole('heading', { name: 'Classes et type de positionnement' }).waitFor();
  assert.equal(await page.getByLabel('Type de positionnement de la classe CM2 M. Durand').inputValue(), 'echelle');
  assert.equal(await page.getByLabel('Type de positionnement de la classe CP-CE1 Mme Martin').inputValue(), 'objectifs');

  // Assign the CM2 teacher to the CP-CE1 too, then remove him again.
  const cp = page.getByRole('row', { name: /CP-CE1 Mme Martin/ });
  assert.match(await cp.textContent(), /Aucun|Affecter/);
  await page.getByLabel('Enseignant à affecter à la classe CP-CE1 Mme Martin').selectOption({ label: 'M. Marc Durand' });
  await cp.getByRole('button', { name: 'Affecter' }).click();
  const remove = page.getByRole('button', { name: 'Retirer M. Marc Durand de la classe CP-CE1 Mme Martin' });
  await remove.waitFor();
  await assertAccessible(page, assert);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scroll at 768 px (overflow ${overflow} px)`);
  await page.screenshot({ path: path.join(screenshotDir, 'parametrage-classes-tablette.png'), fullPage: true });
  await remove.click();
  await remove.waitFor({ state: 'detached' });
  await page.reload();
  await page.getByRole('heading', { name: 'Classes et type de positionnement' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Retirer M\. Marc Durand de la classe CP-CE1/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: /Retirer M\. Marc Durand de la classe CM2/ }).count(), 1);
  assertClean(page, assert);
  await context.close();
});

test('every page of the frame hydrates cleanly when loaded from the server', async () => {
  const context = await browser.newContext();
  const page = await watchedPage(context);
  await page.goto(`${server.url}/connexion`);
  await page.waitForLoadState('networkidle');
  await fillLogin(page, 'direction', 'demo-direction');
  await giveCode(page, server, 'direction');
  await page.getByRole('heading', { name: 'Bonjour, Mme Hélène Lefèvre' }).waitFor();
  for (const [path, heading] of [
    ['/mot-de-passe', 'Double authentification'],
    ['/', 'Bonjour, Mme Hélène Lefèvre'],
    ['/parametrage/classes', 'Classes et type de positionnement'],
    ['/parametrage/periodes', "Périodes de l'année"],
    ['/parametrage/import', 'Import des élèves'],
    ['/parametrage/comptes', "Comptes de l'établissement"],
    ['/saisie/acquis', 'Acquis scolaires'],
    ['/saisie/elements-programme', 'Éléments du programme'],
    ['/saisie/parcours', 'Parcours éducatifs'],
    ['/saisie', 'Acquis scolaires'],
    ['/bilans', 'Bilans'],
    ['/parametrage/synchronisation', 'Synchronisation élèves enseignants'],
  ]) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { name: heading }).waitFor();
    await page.waitForLoadState('networkidle');
    // Hydrated: client-side navigation now works without a page load.
    await page.getByRole('link', { name: 'Accueil' }).click();
    await page.getByRole('heading', { name: 'Bonjour, Mme Hélène Lefèvre' }).waitFor();
    assertClean(page, assert);
  }
  await context.close();
});
