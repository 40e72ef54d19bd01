// What every browser test needs: a Livret server of its own on a free port with a fresh demo
// database, Debian's Chromium, and a page that fails the test on any console error, failed
// request, hydration warning or accessibility violation.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const targetDir = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts `livret serve` on a fresh SQLite database, with the demo school unless `demo` is
 * false; `prepare` lists command lines run first on that database (`{ args, input }`: the
 * arguments after `livret`, and what standard input gives, such as a password). Resolves once
 * the server answers.
 */
export async function startServer({ demo = true, prepare = [] } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'livret-e2e-'));
  const binary = process.env.LIVRET_BIN || path.join(targetDir, 'debug', 'livret');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${path.join(dir, 'livret.db')}?mode=rwc`,
    LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
    LEPTOS_SITE_ROOT: path.join(root, 'target', 'site'),
    LEPTOS_OUTPUT_NAME: 'livret',
    LIVRET_SECRET_KEY_FILE: path.join(dir, 'livret.key'),
    RUST_LOG: 'warn',
  };
  for (const { args, input = '' } of prepare) {
    const run = spawnSync(binary, args, { cwd: root, env, input, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`livret ${args.join(' ')}: ${run.stderr}`);
  }
  const child = spawn(binary, demo ? ['serve', '--demo'] : ['serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`livret exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/connexion`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('livret did not answer within 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A page that records every problem: console errors and warnings (Leptos reports hydration
 * mismatches there), uncaught exceptions, failed requests and HTTP errors. `allow` lists
 * statuses a test expects (a refused login answers 401).
 */
export async function watchedPage(context, { allow = [] } = {}) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    const type = message.type();
    const text = message.text();
    const expected = allow.some((status) => text.includes(`status of ${status}`));
    if ((type === 'error' || type === 'warning') && !expected) problems.push(`console ${type}: ${text}`);
    if (/hydrat/i.test(text)) problems.push(`hydration: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    // With JavaScript off, Chromium refuses the preloaded hydration scripts (the app's and a lazy
    // page's split loader) and may abort the preloaded WASM when the page is left: the browser
    // has no use for them, so that is expected.
    const hydrationAsset = /\/pkg\/(livret\.(js|wasm)|__wasm_split\.[^/]*\.js|chunk_\d+\.wasm)$/.test(new URL(request.url()).pathname);
    if (!(context.javaScriptDisabled && hydrationAsset)) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !allow.includes(response.status())) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  page.problems = problems;
  return page;
}

/**
 * Runs axe-core on the page as it is now; fails on any violation. A page opened with
 * JavaScript off cannot run axe itself: its markup (scripts removed) is checked in a scratch
 * page of a JavaScript-enabled context, against the same stylesheet.
 */
export async function assertAccessible(page, assert) {
  let target = page;
  let scratch = null;
  if (page.context().javaScriptDisabled) {
    const html = (await page.content()).replace(/<script[\s\S]*?<\/script>/g, '');
    scratch = await page.context().browser().newContext();
    target = await scratch.newPage();
    await target.setContent(html.replace('<head>', `<head><base href="${page.url()}">`), { waitUntil: 'load' });
  }
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy (rightly)
  // refuses injected <script> tags.
  await target.evaluate(axeSource);
  const violations = await target.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (scratch) await scratch.close();
  assert.deepEqual(violations, [], `accessibility violations on ${page.url()}`);
}

/** A browser context with JavaScript off: the server-rendered pages must work alone. */
export async function contextWithoutJavaScript(browser, options = {}) {
  const context = await browser.newContext({ ...options, javaScriptEnabled: false });
  context.javaScriptDisabled = true;
  return context;
}

export function assertClean(page, assert) {
  assert.deepEqual(page.problems, [], `problems on ${page.url()}`);
}

export const screenshotDir = path.join(root, 'end2end', 'screenshots');

/** The demo director's second factor, public (README, « livret demo-code »). */
export const DEMO_DIRECTOR_SECRET = 'JRUXM4TFORCGK3LPIRUXEZLDORUW63RB';

/** The TOTP code (RFC 6238: HMAC-SHA1, 30 s, 6 digits) of a base32 secret at a time step. */
export function totp(secret, step = Math.floor(Date.now() / 30_000)) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, '0');
}

/** Second factors known to the tests, by login, and the last time step each one used: a code
 * opens one login only, so the next login takes the next step (waiting for it if needed). */
const secrets = new Map([['direction', DEMO_DIRECTOR_SECRET]]);
const lastSteps = new Map();

export function rememberSecret(server, login, secret) {
  secrets.set(login, secret);
  lastSteps.set(`${server.url}|${login}`, Math.floor(Date.now() / 30_000));
}

async function nextCode(server, login) {
  const key = `${server.url}|${login}`;
  const step = Math.max(Math.floor(Date.now() / 30_000), (lastSteps.get(key) ?? 0) + 1);
  while (step > Math.floor(Date.now() / 30_000) + 1) {
    await new Promise((r) => setTimeout(r, 1000));
  }
  lastSteps.set(key, step);
  return totp(secrets.get(login), step);
}

/** Opens the login page in a new watched page and logs in, giving the code of the second
 * factor when « Code de connexion » asks for it; resolves on the home page (or on the
 * enrolment a director without a second factor sees first, when `enrolment` is true). */
export async function logIn(context, server, login, password, options = {}) {
  const page = await watchedPage(context, options);
  await page.goto(`${server.url}/connexion`);
  await page.waitForLoadState('networkidle');
  await page.fill('#identifiant', login);
  await page.fill('#mot-de-passe', password);
  await page.click('button[type=submit]');
  const home = page.getByRole('heading', { name: /^Bonjour/ });
  const code = page.getByLabel(/Code à six chiffres/);
  const enrol = page.getByRole('heading', { name: 'Activez la double authentification' });
  await home.or(code).or(enrol).first().waitFor();
  if (await code.isVisible()) await giveCode(page, server, login);
  if (options.enrolment) {
    await enrol.waitFor();
  } else {
    await home.waitFor();
  }
  return page;
}

/** On « Code de connexion »: gives the code of the person's app, as they would type it. */
export async function giveCode(page, server, login) {
  const code = page.getByLabel(/Code à six chiffres/);
  await code.waitFor();
  await page.waitForLoadState('networkidle');
  await code.fill(await nextCode(server, login));
  await page.getByRole('button', { name: 'Valider' }).click();
}

/** A director's or administrateur's first login: scans (reads) the secret, confirms a code, sees
 * the recovery codes (in `screenshot` if given), continues to the home page. Answers the
 * recovery codes. */
export async function enrol(page, server, login, { screenshot } = {}) {
  await page.waitForLoadState('networkidle');
  const secret = (await page.locator('#cle-secrete').textContent()).replace(/\s/g, '');
  rememberSecret(server, login, secret);
  await page.getByLabel(/Saisissez le code à six chiffres/).fill(totp(secret));
  await page.getByRole('button', { name: 'Activer', exact: true }).click();
  await page.getByText('Voici vos codes de secours').waitFor();
  const codes = await page.locator('.codes-de-secours li').allTextContents();
  if (screenshot) await page.screenshot({ path: path.join(screenshotDir, screenshot), fullPage: true });
  await page.getByRole('link', { name: 'Continuer' }).click();
  await page.getByRole('heading', { name: /^Bonjour/ }).waitFor();
  return codes;
}
