/**
 * The report's text sections: settings, progress per stage, best result, experiments table, the
 * twin's metrics and provenance. Each returns escaped markup; charts are passed in rendered.
 *
 * @module
 */
import type { Dimension } from '@sdfl/chemistry';
import type { TwinReport } from '../optimizer-host/lab-protocol';
import type { CampaignReportData, ReportExperiment } from './data';
import { dl, esc, num, raw, table } from './html';

/** The twin report of the latest model version, as `GET /campaigns/{id}/models/{v}/report` answered. */
export type TwinState =
  | { readonly status: 'none' }
  | { readonly status: 'computing'; readonly version: number }
  | { readonly status: 'unavailable'; readonly version: number; readonly reason: string }
  | { readonly status: 'ready'; readonly version: number; readonly computeMs: number; readonly report: TwinReport };

/** When and by what the report was made. */
export interface ReportMeta {
  readonly generatedAt: Date;
  /** `@sdfl/cloud` version. */
  readonly softwareVersion: string;
  /** Where the data came from, for people: `embedded PGlite (in memory)`, `PostgreSQL server`, ... */
  readonly database: string;
}

const bound = (d: Dimension) => `${num(d.min)} – ${num(d.max)}${d.unit === 'fraction' ? '' : ` ${d.unit}`}`;

/** The campaign's settings. */
export function settingsSection(d: CampaignReportData): string {
  const c = d.campaign;
  const target = c.targetPlatform ? `platform ${c.targetPlatform}` : c.targetPool ? `pool ${c.targetPool}` : '–';
  const prior = [c.priorCampaigns?.length ? `data and twin of ${c.priorCampaigns.join(', ')}` : null, d.priorObservations !== null ? `${d.priorObservations} prior observations` : null].filter(Boolean).join('; ');
  return `<section id="settings"><h2>Settings</h2>
${dl([
  ['Objective', `${c.objective.direction === 'minimize' ? 'minimise' : 'maximise'} ${c.objective.feature}`],
  ['Schedule', c.schedule.map((s) => `${s.policy} ${s.count}`).join(' → ')],
  ['Planned experiments', c.planned],
  ['Prior', prior || 'none (uninformed)'],
  ['Target', target],
  ['Running on', c.platformId ?? '–'],
  ['Approval gate', c.approvalGate ? `yes (${c.approvalAhead} proposals kept waiting ahead)` : 'no'],
  ['Owner', c.owner],
  ['Surrogate', c.surrogate ?? 'default (enn)'],
  ['Seed', c.seed],
  ['Queue depth', c.queueDepth],
  ['Pause after failures in a row', c.maxConsecutiveFailures],
  ['Created', c.createdAt ?? '–'],
  ['Started', c.startedAt ?? '–'],
  ['Finished', c.finishedAt ?? '–'],
  ['Status', `${c.status}${c.statusReason ? ` (${c.statusReason})` : ''}`],
])}
<h3>Space</h3>
${table(
  ['input', 'bounds', 'unit'],
  d.inputs.map((i) => [i.label, bound(i), i.unit]),
)}</section>`;
}

/** Done, failed and other experiments per stage of the schedule. */
export function progressSection(d: CampaignReportData): string {
  const p = d.progress;
  const rows = d.campaign.schedule.map((s, i) => {
    const inStage = d.experiments.filter((e) => e.stage === i);
    const count = (...statuses: string[]) => inStage.filter((e) => statuses.includes(e.status)).length;
    return [i + 1, s.policy, s.count, count('done'), count('failed', 'aborted'), count('proposed', 'queued', 'dispatched', 'accepted', 'running'), count('rejected', 'withdrawn')];
  });
  return `<section id="progress"><h2>Progress</h2>
<p>${esc(p.done)} of ${esc(p.planned)} planned experiments done${p.failed > 0 ? `, ${esc(p.failed)} failed` : ''}${p.pendingApprovals > 0 ? `, ${esc(p.pendingApprovals)} waiting for approval` : ''}; stage now: ${esc(p.stage ? `${p.stage.index + 1} (${p.stage.policy})` : 'not started')}.</p>
${table(['stage', 'policy', 'planned', 'done', 'failed', 'in flight', 'rejected / withdrawn'], rows, { numeric: [0, 2, 3, 4, 5, 6] })}</section>`;
}

/** The best measured experiment, its condition and features; the spectra charts follow. */
export function bestSection(d: CampaignReportData, spectraCharts: string): string {
  const b = d.progress.best;
  if (!b) return `<section id="best"><h2>Best result</h2><p class="empty">No experiment is done yet.</p></section>`;
  const e = d.experiments.find((x) => x.id === b.experimentId);
  const axes = d.axes.get(b.experimentId);
  const f = d.best?.features;
  const condition = axes ? d.inputs.map((i, k) => [i.label, `${num(axes[k])}${i.unit === 'fraction' ? '' : ` ${i.unit}`}`] as const) : [];
  return `<section id="best"><h2>Best result</h2>
${dl([
  [d.campaign.objective.feature, num(b.value)],
  ['Experiment', `${b.experimentId}${e ? ` (#${e.seq})` : ''}`],
  ['Chosen by', b.policy],
  ...(e?.predictedMean !== null && e?.predictedMean !== undefined ? [['Predicted before the run', `${num(e.predictedMean)} ± ${num(e.predictedStd)} (model v${e.modelVersion ?? '–'})`] as const] : []),
  ...condition,
  ...(f ? [['Features', `Abs300 ${num(f.abs300)} AU, PL peak ${num(f.plPeakNm, 1)} nm, PL_I ${num(f.plIntensity, 0)}, PL_A ${num(f.plArea, 0)}, FWHM ${num(f.fwhmNm, 1)} nm, side peaks 380/600 ${num(f.sidePeak380, 0)}/${num(f.sidePeak600, 0)}${f.flags.length ? ` [${f.flags.join(', ')}]` : ''}`] as const] : []),
])}
${spectraCharts}</section>`;
}

/** Every experiment, by sequence. */
export function experimentsSection(d: CampaignReportData, charts: string): string {
  const objective = d.campaign.objective.feature;
  const rows = d.experiments.map((e: ReportExperiment) => {
    const axes = d.axes.get(e.id);
    return [
      e.seq,
      e.id,
      e.status,
      `${e.policy} (${e.stage + 1})`,
      ...d.inputs.map((_, k) => num(axes?.[k])),
      num(e.value),
      e.predictedMean === null ? '–' : `${num(e.predictedMean)} ± ${num(e.predictedStd)}`,
      e.modelVersion ?? '–',
      e.reviewedBy ? `${e.reviewedBy}${e.reviewNote ? `: ${e.reviewNote}` : ''}` : '',
      e.finishedAt ?? '',
    ];
  });
  const headers = ['#', 'experiment', 'status', 'policy (stage)', ...d.inputs.map((i) => (i.unit === 'fraction' ? i.label : `${i.label} (${i.unit})`)), objective, 'predicted ± std', 'model', 'reviewed', 'finished'];
  const numeric = [0, ...d.inputs.map((_, k) => 4 + k), 4 + d.inputs.length, 5 + d.inputs.length];
  return `<section id="experiments"><h2>Experiments</h2>
${charts}
${table(headers, rows, { numeric, empty: 'No experiments yet.' })}</section>`;
}

/** The twin's metrics of the latest model version, then its charts. */
export function twinSection(twin: TwinState, charts: string): string {
  const head = '<section id="twin"><h2>Digital twin</h2>';
  if (twin.status === 'none') return `${head}<p class="note">No model yet: the campaign has no fitted model version, so there is no twin report.</p></section>`;
  if (twin.status === 'computing') return `${head}<p class="note">The twin report of model version ${esc(twin.version)} is still being computed (in the optimizer worker). Download the report again in a minute.</p></section>`;
  if (twin.status === 'unavailable') return `${head}<p class="note">No twin report for model version ${esc(twin.version)}: ${esc(twin.reason)}</p></section>`;
  const r = twin.report;
  const folds = r.kfold.foldR2.map((x, i) => `fold ${i + 1}: ${x === null ? 'n/a' : num(x)}`).join(', ');
  return `${head}
<p>Model version ${esc(twin.version)}, fitted on ${esc(r.n)} successful observations (report computed in ${esc(num(twin.computeMs / 1000, 1))} s).</p>
${table(
  ['metric', 'value', 'detail'],
  [
    ['R² hold-out (test)', num(r.holdout.testR2), `seeded 80/20 split: ${r.holdout.nTrain} train, ${r.holdout.nTest} test`],
    ['R² hold-out (train)', num(r.holdout.trainR2), 'the same refit on its own training points'],
    [`R² ${r.kfold.k}-fold (pooled)`, num(r.kfold.r2), folds],
    ...r.calibration.map((c) => [`coverage ± ${c.k} std`, `${(100 * c.fraction).toFixed(0)} %`, `a calibrated Gaussian covers ${(100 * c.expected).toFixed(1)} %`]),
    ['most influential inputs', r.shapley.ranking.slice(0, 3).map((f) => f.label).join(', '), 'by mean |SHAP| of the stored model'],
  ],
  { numeric: [1] },
)}
${charts}</section>`;
}

/** Model versions, reviews and actions, and how the report was made. */
export function provenanceSection(d: CampaignReportData, twin: TwinState, meta: ReportMeta): string {
  return `<section id="provenance"><h2>Provenance</h2>
<h3>Model versions</h3>
${table(
  ['version', 'trained on', 'created', 'twin report'],
  d.models.map((m) => [m.version, m.nTrain ?? '–', m.createdAt, m.twinReport || (twin.status === 'ready' && twin.version === m.version) ? 'stored' : '–']),
  { numeric: [0, 1], empty: 'No model version yet.' },
)}
<h3>Reviews and actions</h3>
${table(
  ['at', 'who', 'action', 'on', 'reason'],
  d.audit.map((a) => [a.at, a.actor, a.action, a.target ?? '', a.reason ?? '']),
  { empty: 'No audited actions.' },
)}
<h3>This report</h3>
${dl([
  ['Generated at', raw(`<time datetime="${esc(meta.generatedAt.toISOString())}">${esc(meta.generatedAt.toISOString())}</time>`)],
  ['Software', `@sdfl/cloud ${meta.softwareVersion}`],
  ['Database', meta.database],
  ['Twin report', twin.status === 'ready' ? `model version ${twin.version}, as served by GET /campaigns/${d.campaign.id}/models/${twin.version}/report` : twin.status],
])}</section>`;
}
