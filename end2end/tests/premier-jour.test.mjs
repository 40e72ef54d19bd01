// A real school's first day, from an empty database with one school and its director (made
// with the command line): the director opens the year with her own end date, sets trimestres
// whose third ends on 08/07, imports the ONDE extraction and creates a teacher; the teacher
// logs in, fills one pupil's bilan until it can be printed, locks it and downloads its PDF.
// Then the académie's administrateur finds the school in their list.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertAccessible, assertClean, enrol, launchBrowser, logIn, screenshotDir, startServer, watchedPage } from '../support.mjs';

const sample = path.resolve(import.meta.dirname, '../../server/demo/onde-extraction-eleves.csv');

let server;
let browser;

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startServer({
    demo: false,
    prepare: [
      { args: ['school', 'add', '--uai', '0251234A', '--nom', 'École Jules Ferry', '--commune', 'Pontarlier'] },
      {
        args: ['user', 'add', '--login', 'a.dupont', '--role', 'directeur', '--uai', '0251234A', '--nom', 'Dupont', '--prenom', 'Anne', '--civilite', 'Mme'],
        input: 'direction-ferry-2026\n',
      },
      { args: ['user', 'add', '--login', 'rectorat', '--role', 'administrateur', '--nom', 'Rectorat'], input: 'rectorat-besancon\n' },
    ],
  });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a school starts from nothing and prints its first bilan the same day', async () => {
  const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true });
  // A new director protects her account with a second factor before anything else.
  const page = await logIn(tablet, server, 'a.dupont', 'direction-ferry-2026', { enrolment: true });
  await page.waitForLoadState('networkidle');
  await assertAccessible(page, assert);
  await page.screenshot({ path: path.join(screenshotDir, 'double-authentification-tablette.png'), fullPage: true });
  const recoveryCodes = await enrol(page, server, 'a.dupont', { screenshot: 'codes-de-secours-tablette.png' });
  assert.equal(recoveryCodes.length, 10);
  const steps = page.locator('.etapes');
  assert.match(await steps.textContent(), /Ouvrir l'année scolaireÀ faire/);

  // The year: proposed from the national calendar, its end moved to 8 July.
  await page.getByRole('link', { name: "Ouvrir l'année scolaire" }).click();
  const heading = page.getByRole('heading', { name: /^Ouvrir l'année scolaire \d{4}\/\d{4}$/ });
  await heading.waitFor();
  await page.waitForLoadState('networkidle');
  const start = Number((await heading.textContent()).match(/(\d{4})\//)[1]);
  assert.match(await page.getByLabel('Premier jour').inputValue(), new RegExp(`^${start}-(08|09)-\\d\\d$`));
  await page.getByLabel('Dernier jour (fin des cours)').fill(`${start + 1}-07-08`);
  await assertAccessible(page, assert);
  await page.getByRole('button', { name: "Ouvrir l'année" }).click();
  // Home says what comes next.
  await page.getByText(`Fait — année ${start}/${start + 1} ouverte`).waitFor();
  await page.getByText(`${start}/${start + 1} (du `).waitFor();
  assert.match(await page.locator('.etapes').textContent(), new RegExp(`au 08/07/${start + 1}|Importer les élèves depuis ONDEÀ faire`));
  await page.screenshot({ path: path.join(screenshotDir, 'annee-ouverte-tablette.png'), fullPage: true });

  // Pupils from ONDE.
  await page.getByRole('link', { name: 'Importer les élèves depuis ONDE' }).click();
  await page.getByRole('heading', { name: 'Import des élèves' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.setInputFiles('#fichier', sample);
  await page.getByRole('button', { name: 'Prévisualiser' }).click();
  await page.getByRole('button', { name: "Appliquer l'import" }).click();
  await page.getByText('Import effectué').waitFor();

  // Trimestres, the third ending on 8 July.
  await page.getByRole('link', { name: 'Périodes' }).click();
  await page.getByRole('heading', { name: "Périodes de l'année" }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Trimestres (3 périodes)').check();
  const trimestre = (n) => page.getByRole('group', { name: `Trimestre ${n}` });
  await trimestre(3).getByLabel('Fin').fill(`${start + 1}-07-08`);
  await page.getByRole('checkbox', { name: 'CM2 M. Durand' }).check();
  await page.getByRole('checkbox', { name: 'CP-CE1 Mme Martin' }).check();
  await page.getByRole('checkbox', { name: 'Mme Perrin CE2' }).check();
  await page.getByRole('button', { name: 'Enregistrer les périodes' }).click();
  await page.getByText('Périodes enregistrées.').waitFor();

  // A teacher for the CM2.
  await page.getByRole('link', { name: 'Classes' }).click();
  await page.getByRole('heading', { name: 'Classes et type de positionnement' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Civilité').selectOption({ label: 'M.' });
  await page.getByLabel('Nom', { exact: true }).fill('Durand');
  await page.getByLabel('Prénom').fill('Marc');
  await page.getByLabel('Identifiant de connexion').fill('m.durand');
  await page.getByLabel('Affecter à la classe', { exact: true }).selectOption({ label: 'CM2 M. Durand' });
  await page.getByRole('button', { name: 'Créer le compte' }).click();
  await page.getByText('Compte créé pour M. Marc Durand.').waitFor();
  const oneTime = (await page.locator('.secret').textContent()).trim();
  await page.getByRole('link', { name: 'Accueil' }).click();
  await page.locator('.etapes').waitFor();
  // Three steps done; the CP-CE1 and the CE2 still have no teacher.
  await page.getByText('À faire — sans enseignant : CP-CE1 Mme Martin, Mme Perrin CE2').waitFor();
  assert.equal(await page.locator('.etape.faite').count(), 3, await page.locator('.etapes').textContent());
  assertClean(page, assert);
  await tablet.close();

  // The teacher's first login: their own password, then a bilan.
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const teacher = await watchedPage(laptop);
  await teacher.goto(`${server.url}/connexion`);
  await teacher.waitForLoadState('networkidle');
  await teacher.fill('#identifiant', 'm.durand');
  await teacher.fill('#mot-de-passe', oneTime);
  await teacher.click('button[type=submit]');
  await teacher.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
  await teacher.getByLabel('Mot de passe provisoire').fill(oneTime);
  await teacher.getByLabel('Nouveau mot de passe (8 caractères au moins)').fill('marc-durand-cm2');
  await teacher.getByLabel('Confirmez le nouveau mot de passe').fill('marc-durand-cm2');
  await teacher.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await teacher.getByRole('heading', { name: 'Bonjour, M. Marc Durand' }).waitFor();
  await teacher.getByRole('link', { name: 'Bilans', exact: true }).click();
  await teacher.waitForURL(/\/bilans/);
  await teacher.waitForLoadState('networkidle');
  const first = await teacher.locator('#choix-periode option', { hasText: 'Trimestre 1' }).getAttribute('value');
  await teacher.locator('#choix-periode').selectOption(first);
  await teacher.locator('caption', { hasText: 'Trimestre 1' }).waitFor();
  await teacher.waitForLoadState('networkidle');
  await teacher.getByRole('link', { name: 'Saisir le bilan de BAZIN Violetta' }).click();
  await teacher.getByRole('heading', { name: 'Bilan de BAZIN Violetta' }).waitFor();
  await teacher.waitForLoadState('networkidle');
  await teacher.locator('#commentaire-FRA-LGO').fill('Lit avec aisance et écrit avec soin.');
  await teacher.locator('#appreciation-generale').fill('Un premier trimestre très réussi, bravo !');
  await teacher.locator('.barre-bilan .etat-grille', { hasText: 'Toutes les saisies sont enregistrées.' }).waitFor();
  await teacher.getByText('Le bilan est complet').waitFor();
  await teacher.getByRole('button', { name: 'Verrouiller le bilan' }).click();
  await teacher.getByText('Ce bilan est verrouillé').waitFor();
  await teacher.waitForLoadState('networkidle');
  const [download] = await Promise.all([
    teacher.waitForEvent('download'),
    teacher.getByRole('link', { name: 'Éditer (PDF)' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'BAZIN_Violetta_Trimestre-1.pdf');
  assert.equal(readFileSync(await download.path()).subarray(0, 5).toString(), '%PDF-');
  assertClean(teacher, assert);
  await laptop.close();

  // The académie sees the school: its year, its pupils, one bilan locked.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await logIn(office, server, 'rectorat', 'rectorat-besancon', { enrolment: true });
  await enrol(admin, server, 'rectorat');
  await admin.getByRole('link', { name: 'Académie', exact: true }).click();
  await admin.getByRole('heading', { name: "Établissements de l'académie" }).waitFor();
  await admin.waitForLoadState('networkidle');
  const row = admin.getByRole('row', { name: /École Jules Ferry/ });
  assert.match(await row.textContent(), new RegExp(`Pontarlier.*Mme Anne Dupont.*${start}/${start + 1}.*16.*Trimestre 1 : 1/1`));
  await assertAccessible(admin, assert);
  await admin.screenshot({ path: path.join(screenshotDir, 'academie-ordinateur.png'), fullPage: true });

  // Her phone lost, the director asks the académie: her second factor is reset (recorded), she
  // enrols again at her next login.
  await row.getByRole('link', { name: /École Jules Ferry/ }).click();
  await admin.getByRole('heading', { name: 'Direction', exact: true }).waitFor();
  await admin.waitForLoadState('networkidle');
  await admin.getByText('Double authentification activée').waitFor();
  await admin.getByRole('button', { name: 'Réinitialiser la double authentification de Mme Anne Dupont' }).click();
  await admin.getByText('Double authentification à activer à la prochaine connexion').waitFor();
  await assertAccessible(admin, assert);
  await admin.screenshot({ path: path.join(screenshotDir, 'academie-direction-ordinateur.png'), fullPage: true });
  assertClean(admin, assert);
  const again = await logIn(await browser.newContext(), server, 'a.dupont', 'direction-ferry-2026', { enrolment: true });
  await again.context().close();
  await office.close();
});
