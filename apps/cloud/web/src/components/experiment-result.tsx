/**
 * One result attempt as the edge reported it: the absorption and PL spectra with their features
 * marked, the features table, the pump flow plan it actually ran, its timings, the steady-state
 * evidence it measured, and for a failed attempt the failure and warnings.
 */
import { useMemo } from 'preact/hooks';
import type { Features, FlowPlan, Spectrum, SteadyState } from '@sdfl/protocol';
import { absorptionSpectrum, plSpectrum } from '../../../src/charts/spectra';
import { num, when } from '../format';
import { Chart } from './chart';

/** Durations of a result's phases, s. */
export interface Timings {
  readonly startedAt: string;
  readonly steadyAt?: string;
  readonly acquiredAt?: string;
  readonly finishedAt: string;
  readonly durations: { readonly heatingS?: number; readonly equilibrationS?: number; readonly acquisitionS?: number; readonly totalS: number };
}

/** Why an attempt failed (`failureSchema` of the protocol, or the engine's ack refusal). */
export interface Failure {
  readonly reason: string;
  readonly interlock?: string;
  readonly detail?: string;
  readonly source?: string;
}

/** One element of `GET /experiments/{id}`'s `results` (one per attempt, oldest first). */
export interface ResultAttempt {
  readonly id: string;
  readonly attempt: number;
  readonly status: string;
  readonly features: Features | null;
  readonly spectra: { readonly absorbance: Spectrum; readonly pl: Spectrum } | null;
  readonly flowPlan: FlowPlan | null;
  readonly timings: Timings | null;
  readonly steadyState: SteadyState | null;
  readonly failure: Failure | null;
  readonly warnings: readonly string[] | null;
  readonly sentAt: string | null;
  readonly receivedAt: string | null;
}

const FEATURE_ROWS: readonly { key: Exclude<keyof Features, 'flags'>; label: string; unit: string }[] = [
  { key: 'abs300', label: 'Abs300', unit: 'AU' },
  { key: 'plPeakNm', label: 'PL peak', unit: 'nm' },
  { key: 'plIntensity', label: 'PL intensity', unit: 'counts' },
  { key: 'plArea', label: 'PL area', unit: 'counts·nm' },
  { key: 'fwhmNm', label: 'FWHM', unit: 'nm' },
  { key: 'sidePeak380', label: 'side band 380 nm', unit: 'counts' },
  { key: 'sidePeak600', label: 'side band 600 nm', unit: 'counts' },
];

export function ResultAttemptView({ result: r, condition }: { result: ResultAttempt; condition: Record<string, number> | null }) {
  return (
    <section class={`panel attempt status-${r.status}`} data-attempt={r.attempt} aria-labelledby={`attempt-${r.attempt}`}>
      <header class="attempt-head">
        <h2 id={`attempt-${r.attempt}`}>Attempt {r.attempt}</h2>
        <span class={`badge ${r.status}`}>{r.status}</span>
        <span class="muted">received {when(r.receivedAt)}</span>
      </header>
      {r.failure && <FailureNote failure={r.failure} />}
      {r.warnings && r.warnings.length > 0 && (
        <ul class="warnings" aria-label="warnings">
          {r.warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
      <Spectra result={r} />
      <FeaturesTable features={r.features} />
      <div class="attempt-grid">
        <FlowPlanTable plan={r.flowPlan} condition={condition} />
        <TimingsFacts timings={r.timings} />
        <SteadyStateFacts evidence={r.steadyState} />
      </div>
    </section>
  );
}

/** A failure from the edge (or the refusal the engine recorded). */
export function FailureNote({ failure: f }: { failure: Failure }) {
  return (
    <div class="error-note" role="status" data-failure={f.reason}>
      <strong>failed: {f.reason}</strong>
      {f.interlock ? ` (interlock ${f.interlock})` : ''}
      {f.detail ? ` — ${f.detail}` : ''}
      {f.source === 'ack' ? ' (refused by the edge when it was sent)' : ''}
    </div>
  );
}

/** Plot width, px: two side by side at 1280 px; the SVG scales down on a phone. */
const CHART_WIDTH = 440;

function Spectra({ result: r }: { result: ResultAttempt }) {
  // The charts redraw only when another result is shown (a result never changes once stored).
  const specs = useMemo(
    () => ({
      abs: absorptionSpectrum({ spectrum: r.spectra?.absorbance, features: r.features, title: `Absorption (attempt ${r.attempt})`, width: CHART_WIDTH }),
      pl: plSpectrum({ spectrum: r.spectra?.pl, features: r.features, title: `Photoluminescence (attempt ${r.attempt})`, width: CHART_WIDTH }),
    }),
    [r.id],
  );
  if (!r.spectra) return <p class="muted">No spectra with this attempt.</p>;
  return (
    <div class="charts">
      <Chart label={`absorption attempt ${r.attempt}`} spec={specs.abs} />
      <Chart label={`pl attempt ${r.attempt}`} spec={specs.pl} />
    </div>
  );
}

function FeaturesTable({ features: f }: { features: Features | null }) {
  if (!f) return <p class="muted">No features with this attempt.</p>;
  return (
    <div class="table-wrap">
      <table class="features" aria-label="features">
        <caption>Features (computed by the edge from the spectra)</caption>
        <thead>
          <tr>
            <th scope="col">feature</th>
            <th scope="col">value</th>
            <th scope="col">unit</th>
          </tr>
        </thead>
        <tbody>
          {FEATURE_ROWS.map(({ key, label, unit }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td data-feature={key} data-value={f[key] === null ? '' : String(f[key])}>
                {f[key] === null ? 'none' : num(f[key], 5)}
              </td>
              <td>{unit}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">flags</th>
            <td data-feature="flags" colSpan={2}>
              {f.flags.length > 0 ? f.flags.join(', ') : 'none'}
            </td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}

/** The flows the edge ran (after its limits), next to what the condition asked for the pumps it names. */
function FlowPlanTable({ plan, condition }: { plan: FlowPlan | null; condition: Record<string, number> | null }) {
  if (!plan) return <p class="muted">No flow plan: the condition was refused before any flow was planned.</p>;
  return (
    <div class="table-wrap">
      <table class="flow-plan" aria-label="flow plan">
        <caption>Pump flow plan actually used</caption>
        <thead>
          <tr>
            <th scope="col">pump</th>
            <th scope="col">rate, µL/min</th>
            <th scope="col">in the condition</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(plan.ratesUlMin).map(([pump, rate]) => {
            const asked = condition?.[`${pump}UlMin`];
            return (
              <tr key={pump} data-pump={pump}>
                <th scope="row">{pump}</th>
                <td data-value={String(rate)}>{num(rate, 5)}</td>
                <td>{asked === undefined ? 'not in the condition' : num(asked, 5)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <dl class="facts">
        <dt>residence time τ</dt>
        <dd data-field="residence">{num(plan.residenceTimeS, 4)} s</dd>
        <dt>reaction time</dt>
        <dd>{num(plan.reactionTimeS, 4)} s</dd>
        <dt>equilibration wait</dt>
        <dd>{num(plan.equilibrationS, 4)} s</dd>
      </dl>
    </div>
  );
}

function TimingsFacts({ timings: t }: { timings: Timings | null }) {
  if (!t) return null;
  return (
    <div class="timings">
      <h3>Timings (edge clock)</h3>
      <dl class="facts" data-timings>
        <dt>started</dt>
        <dd>{when(t.startedAt)}</dd>
        <dt>steady</dt>
        <dd>{when(t.steadyAt)}</dd>
        <dt>acquired</dt>
        <dd>{when(t.acquiredAt)}</dd>
        <dt>finished</dt>
        <dd>{when(t.finishedAt)}</dd>
        <dt>heating</dt>
        <dd>{seconds(t.durations.heatingS)}</dd>
        <dt>equilibration</dt>
        <dd>{seconds(t.durations.equilibrationS)}</dd>
        <dt>acquisition</dt>
        <dd>{seconds(t.durations.acquisitionS)}</dd>
        <dt>total</dt>
        <dd>{seconds(t.durations.totalS)}</dd>
      </dl>
    </div>
  );
}

const seconds = (s: number | undefined) => (s === undefined ? '—' : `${num(s, 4)} s`);

/** What the edge measured while deciding the outlet was steady (the criterion itself is a timed wait). */
function SteadyStateFacts({ evidence: s }: { evidence: SteadyState | null }) {
  return (
    <div class="steady-state" data-steady-state>
      <h3>Steady-state evidence</h3>
      {s ? (
        <>
          <p class="muted">Criterion: flow for the planned wait t_E ≈ 1.2 τ before acquiring. Below is what the edge measured while applying it.</p>
          <dl class="facts">
            <dt>flow started</dt>
            <dd>{when(s.flowStartedAt)}</dd>
            <dt>steady at</dt>
            <dd>{when(s.steadyAt)}</dd>
            <dt>waited (measured)</dt>
            <dd data-field="waited">{num(s.waitedS, 4)} s</dd>
            <dt>planned wait t_E</dt>
            <dd data-field="planned">{num(s.plannedEquilibrationS, 4)} s</dd>
            <dt>drift window</dt>
            <dd>{num(s.windowS, 3)} s before steady</dd>
            {s.plateTemperature ? (
              <>
                <dt>plate readings</dt>
                <dd data-field="samples">{s.plateTemperature.samples}</dd>
                <dt>plate range</dt>
                <dd data-field="plate-range">
                  {num(s.plateTemperature.minC, 4)}–{num(s.plateTemperature.maxC, 4)} °C (setpoint {num(s.plateTemperature.setpointC, 4)} °C)
                </dd>
                <dt>plate drift</dt>
                <dd data-field="drift">{num(s.plateTemperature.driftC, 3)} °C over the window</dd>
              </>
            ) : (
              <>
                <dt>plate</dt>
                <dd>no valid thermocouple reading in the window</dd>
              </>
            )}
          </dl>
        </>
      ) : (
        <p class="muted">Not reported: the attempt ended before its steady-state wait, or the edge predates the evidence.</p>
      )}
    </div>
  );
}
