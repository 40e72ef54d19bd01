// The other half of `cargo bench -p server --bench pdf_render`: the same bilan (the JSON the
// Typst template reads) laid out as an HTML page and printed to PDF by a warm headless
// Chromium — one browser, one page, as school software that prints through a browser does.
// Prints the mean and median milliseconds per bilan over the runs, as JSON on one line.
//
// node end2end/bench/chromium-print.mjs BILAN.json [RUNS]
import { readFileSync } from 'node:fs';
import { launchBrowser } from '../support.mjs';

const [file, runsArg] = process.argv.slice(2);
const bilan = JSON.parse(readFileSync(file, 'utf8'));
const runs = Number(runsArg || 30);

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const list = (items) => (items.length ? `<ul>${items.map((i) => `<li>${escape(i)}</li>`).join('')}</ul>` : '');

function html(b) {
  const rows = b.rows.map((row) => {
    const comment = row.comment_span > 0 ? `<td rowspan="${row.comment_span}">${escape(row.comment)}</td>` : '';
    const levels = row.not_evaluated
      ? '<td colspan="4" class="c">Non évalué</td>'
      : [1, 2, 3, 4].map((i) => `<td class="c">${row.level === i ? 'X' : ''}</td>`).join('');
    const label = row.sub_domain ? `<small>${escape(row.domain)}</small><br><b>${escape(row.label)}</b>` : `<b>${escape(row.label)}</b>`;
    return `<tr><td>${label}</td><td>${list(row.elements)}</td>${comment}${levels}</tr>`;
  }).join('');
  const parcours = b.parcours.map((p) => `<tr><th>${escape(p.label)}</th><td>${escape(p.text)}</td></tr>`).join('');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Bilan</title><style>
    @page { size: A4; margin: 1.4cm 1.5cm 1.6cm; }
    body { font: 9.5pt serif; } table { border-collapse: collapse; width: 100%; }
    td, th { border: 0.5pt solid #777; padding: 4pt; vertical-align: top; text-align: left; }
    thead th { background: #ebebeb; font-size: 8pt; } tr { break-inside: avoid; } .c { text-align: center; }
    ul { margin: 0; padding-left: 1em; } .verso { break-before: page; }
  </style></head><body>
    <header><b>${escape(b.school.name)}</b> — UAI ${escape(b.school.uai)}<br>
    Année scolaire ${escape(b.year)} — ${escape(b.period.label)} ${escape(b.period.dates)}</header>
    <h1>Bilan périodique — ${escape(b.pupil.name)}</h1>
    <p>Né(e) le ${escape(b.pupil.birth_date)} · Classe ${escape(b.class)} · Enseignant(s) ${escape(b.teachers)} · Direction ${escape(b.director)}</p>
    <h2>Suivi des acquis scolaires de l'élève</h2>
    <table><thead><tr><th rowspan="2">Domaines d'enseignement</th><th rowspan="2">Principaux éléments du programme travaillés durant la période</th>
    <th rowspan="2">Acquisitions, progrès et difficultés éventuelles</th><th colspan="4">Positionnement</th></tr>
    <tr>${b.scale.map((s) => `<th>${escape(s)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
    <section class="verso"><h2>Parcours éducatifs</h2><table><tbody>${parcours}</tbody></table>
    <h2>Modalités spécifiques d'accompagnement</h2>${list(b.modalites)}<p>${escape(b.ppre)}</p>
    <h2>Appréciation générale sur la progression de l'élève</h2><p>${escape(b.appreciation)}</p>
    <h2>Communication avec la famille</h2><p>Visa des parents ou du responsable légal</p><p>${escape(b.footer)}</p></section>
  </body></html>`;
}

const browser = await launchBrowser();
const page = await browser.newPage();
const page_html = html(bilan);
// Warm-up: fonts, layout code and the PDF backend loaded before timing.
for (let i = 0; i < 3; i++) {
  await page.setContent(page_html);
  await page.pdf({ format: 'A4' });
}
const times = [];
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  await page.setContent(page_html);
  const pdf = await page.pdf({ format: 'A4' });
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
  if (pdf.length < 1000) throw new Error('Chromium printed an empty PDF');
}
await browser.close();
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ runs, mean_ms: mean, median_ms: times[Math.floor(times.length / 2)] }));
