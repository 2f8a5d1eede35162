/**
 * A campaign's report as one self-contained HTML file: inline CSS, every chart as inline SVG
 * rendered on the server by the same builders the dashboard uses, no script and no external URL
 * (it opens offline, prints, and can be mailed). Every string from the database is escaped.
 *
 * @module
 */
import {
  absorptionSpectrum,
  bestSoFar,
  holdoutParity,
  kfoldParity,
  parallelCoordinates,
  parity,
  plSpectrum,
  shapInput,
  shapSummary,
  slices,
  surface,
  uncertaintyVsSize,
  type ChartSpec,
  type InputAxis,
} from '../charts';
import { renderSvg } from '../charts/svg';
import type { CampaignReportData } from './data';
import { esc, inlineSvg } from './html';
import { bestSection, experimentsSection, progressSection, provenanceSection, settingsSection, twinSection, type ReportMeta, type TwinState } from './sections';
import { REPORT_CSS } from './style';

export type { ReportMeta, TwinState } from './sections';

/** Renders charts into `<figure class="chart" data-chart="{spec name}" aria-label="{description}">` blocks, ids unique in the page. */
async function figures(specs: readonly ChartSpec[], counter: { n: number }): Promise<string> {
  const out: string[] = [];
  for (const spec of specs) {
    const svg = await renderSvg(spec);
    counter.n += 1;
    // The spec's description labels the figure: Vega's SVG string carries no document-level label.
    out.push(`<figure class="chart" data-chart="${esc(spec.name)}" aria-label="${esc(spec.description)}">${inlineSvg(svg, `c${counter.n}`)}</figure>`);
  }
  return `<div class="charts">${out.join('\n')}</div>`;
}

/** Builds the report. `twin` is what the model route answered for the latest model version. */
export async function buildCampaignReport(data: CampaignReportData, twin: TwinState, meta: ReportMeta): Promise<string> {
  const c = data.campaign;
  const objective = c.objective.feature;
  const inputs: InputAxis[] = [...data.inputs];
  const exps = data.experiments.map((e) => ({ id: e.id, seq: e.seq, status: e.status, policy: e.policy, cube: e.cube, value: e.value }));
  const counter = { n: 0 };

  const spectra = data.best?.spectra
    ? await figures(
        [
          absorptionSpectrum({ spectrum: data.best.spectra.absorbance, features: data.best.features, title: `Absorption of ${data.best.experimentId}` }),
          plSpectrum({ spectrum: data.best.spectra.pl, features: data.best.features, title: `PL of ${data.best.experimentId}` }),
        ],
        counter,
      )
    : data.progress.best
      ? '<p class="empty">The best result has no stored spectra.</p>'
      : '';

  const experimentCharts = await figures(
    [
      bestSoFar({ experiments: exps, direction: c.objective.direction, objective }),
      parallelCoordinates({ inputs, experiments: exps, objective, direction: c.objective.direction }),
      slices({ inputs, experiments: exps, objective }),
    ],
    counter,
  );

  const twinCharts =
    twin.status === 'ready'
      ? await figures(
          [
            parity({ ...holdoutParity(twin.report), objective, title: 'Parity, 80/20 hold-out' }),
            parity({ ...kfoldParity(twin.report), objective, title: `Parity, ${twin.report.kfold.k}-fold` }),
            uncertaintyVsSize({ rows: twin.report.uncertainty, calibration: twin.report.calibration, objective }),
            shapSummary({ ...shapInput(twin.report), objective }),
            surface({ surface: twin.report.surface, inputs, experiments: exps, objective }),
          ],
          counter,
        )
      : '';

  const status = esc(c.status);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@sdfl/cloud ${esc(meta.softwareVersion)}">
<title>${esc(c.name)}: campaign report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${esc(c.name)} <span class="status ${status}">${status}</span></h1>
<p class="sub">Campaign <code>${esc(c.id)}</code> of ${esc(c.owner)}: ${esc(c.objective.direction === 'minimize' ? 'minimise' : 'maximise')} ${esc(objective)}; ${esc(data.progress.done)} of ${esc(data.progress.planned)} experiments done. Report generated ${esc(meta.generatedAt.toISOString())}.</p>
</header>
<main>
${settingsSection(data)}
${progressSection(data)}
${bestSection(data, spectra)}
${experimentsSection(data, experimentCharts)}
${twinSection(twin, twinCharts)}
${provenanceSection(data, twin, meta)}
</main>
<footer>Self-contained report: no scripts, nothing loaded from outside this file. The experiments as data: <code>GET /campaigns/${esc(c.id)}/export.csv</code> and <code>export.json</code>, or <code>sdfl report ${esc(c.id)}</code>.</footer>
</body>
</html>
`;
}
