// Hydration adds nothing and loses nothing: on every page, the main content's text once the page
// has hydrated (and loaded what it loads) is the text the server sent. A resource made where the
// server and the browser number it differently once mounted the director's checklist twice, on
// some loads only: each page is loaded several times.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertClean, launchBrowser, logIn, startServer, watchedPage } from '../support.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The text of `#contenu`, whitespace made single. */
async function mainText(page) {
  const text = await page.locator('#contenu').innerText();
  return text.replace(/\s+/g, ' ').trim();
}

/** The page as the server sent it: JavaScript on (so no `<noscript>` shows), its scripts refused. */
async function serverText(context, url) {
  const page = await context.newPage();
  await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
  await page.goto(url);
  const text = await mainText(page);
  await page.close();
  return text;
}

/** The page once hydrated and quiet: its WASM ran, what it loads is loaded. */
async function hydratedText(context, url) {
  const page = await watchedPage(context);
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  const text = await mainText(page);
  return { page, text };
}

async function compareEveryPage(context, paths, loads) {
  for (const path of paths) {
    const url = `${server.url}${path}`;
    const sent = await serverText(context, url);
    assert.notEqual(sent, '', `${path} has content`);
    for (let load = 1; load <= loads; load += 1) {
      const { page, text } = await hydratedText(context, url);
      assert.equal(text, sent, `${path}, load ${load}: the hydrated page shows what the server sent`);
      assertClean(page, assert);
      await page.close();
    }
  }
}

test('director: every page hydrates to what the server sent', async () => {
  const context = await browser.newContext();
  const home = await logIn(context, server, 'direction', 'demo-direction');
  await home.goto(`${server.url}/bilans`);
  await home.waitForLoadState('networkidle');
  const bilan = new URL(await home.getByRole('link', { name: /^(Saisir|Consulter)/ }).first().getAttribute('href'), server.url);
  const history = new URL(await home.getByRole('link', { name: /^Historique des bilans/ }).first().getAttribute('href'), server.url);
  await home.close();
  await compareEveryPage(context, ['/'], 7);
  await compareEveryPage(
    context,
    [
      '/bilans',
      bilan.pathname + bilan.search,
      history.pathname + history.search,
      '/saisie/acquis',
      '/saisie/elements-programme',
      '/saisie/parcours',
      '/parametrage',
      '/parametrage/classes',
      '/parametrage/periodes',
      '/parametrage/import',
      '/parametrage/synchronisation',
      '/parametrage/responsables',
      '/parametrage/comptes',
      '/mot-de-passe',
    ],
    2,
  );
  await context.close();
});

test('teacher and parent: their pages hydrate to what the server sent', async () => {
  const teacher = await browser.newContext();
  (await logIn(teacher, server, 'enseignant', 'demo-enseignant')).close();
  await compareEveryPage(teacher, ['/', '/bilans', '/saisie/acquis'], 3);
  await teacher.close();

  const parent = await browser.newContext();
  const home = await logIn(parent, server, 'parent', 'demo-parent');
  await home.goto(`${server.url}/famille`);
  const bilan = new URL(await home.getByRole('link', { name: /^Bilan — / }).first().getAttribute('href'), server.url);
  await home.close();
  await compareEveryPage(parent, ['/', '/famille', bilan.pathname + bilan.search], 3);
  await parent.close();
});
