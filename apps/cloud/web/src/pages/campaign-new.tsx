/**
 * Create a campaign (scientists and admins): where it runs, the objective, the schedule of stages,
 * the bounds of every input, informed priors, the surrogate, the queue depth, the approval gate
 * and when failures pause it. The server validates everything (bounds against the platform's validated limits);
 * its message for each field appears under that field. On success the campaign's page opens.
 */
import { useState } from 'preact/hooks';
import { FEATURE_NAMES } from '@sdfl/protocol';
import { CampaignBounds, defaultBoundsText, numberOrNull, spaceBody, type BoundsText } from '../components/campaign-bounds';
import { ErrorNote, fieldErrors } from '../components/error-note';
import { Field } from '../components/field';
import { useAction, useResource } from '../hooks';
import { Link, navigate } from '../router';
import { useCan, useSession } from '../session';
import type { Campaign, Platform } from '../types';

const DEFAULT_SCHEDULE = 'lhs 6 -> ei 10';
const SURROGATES = [
  { value: '', label: "the optimizer's default" },
  { value: 'gp', label: 'gp: Gaussian process' },
  { value: 'enn', label: "enn: ensemble neural network (the paper's twin)" },
  { value: 'auto', label: 'auto: chosen by the data' },
];

export function CampaignNewPage() {
  const { client } = useSession();
  const mayCreate = useCan('scientist');
  const platforms = useResource<{ platforms: Platform[] }>('/platforms');
  const done = useResource<{ campaigns: Campaign[] }>('/campaigns?status=done&limit=500');
  const [name, setName] = useState('');
  const [target, setTarget] = useState<'platform' | 'pool'>('platform');
  const [platform, setPlatform] = useState('');
  const [pool, setPool] = useState('');
  const [feature, setFeature] = useState<string>('plIntensity');
  const [direction, setDirection] = useState('maximize');
  const [schedule, setSchedule] = useState(DEFAULT_SCHEDULE);
  const [bounds, setBounds] = useState<BoundsText>(defaultBoundsText);
  const [prior, setPrior] = useState<string[]>([]);
  const [surrogate, setSurrogate] = useState('');
  const [approvalGate, setApprovalGate] = useState(false);
  const [maxFailures, setMaxFailures] = useState('3');
  const [queueDepth, setQueueDepth] = useState('2');
  const [approvalAhead, setApprovalAhead] = useState('2');

  const list = platforms.data?.platforms ?? [];
  const pools = [...new Set(list.map((p) => p.pool).filter((p): p is string => p !== null))].sort();
  // Until the person picks, the first online platform (else the first) and the first pool.
  const chosenPlatform = platform || (list.find((p) => p.status === 'online') ?? list[0])?.id || '';
  const chosenPool = pool || pools[0] || '';
  const limits = target === 'platform' ? list.find((p) => p.id === chosenPlatform)?.limits?.temperature : undefined;

  const create = useAction(async () => {
    const body = {
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(target === 'platform' ? { platform: chosenPlatform } : { pool: chosenPool }),
      objective: { feature, direction },
      schedule,
      space: spaceBody(bounds),
      ...(prior.length > 0 ? { priorCampaigns: prior } : {}),
      ...(surrogate ? { surrogate } : {}),
      approvalGate,
      ...(approvalGate ? { approvalAhead: numberOrNull(approvalAhead) } : {}),
      queueDepth: numberOrNull(queueDepth),
      maxConsecutiveFailures: numberOrNull(maxFailures),
    };
    const c = await client.post<Campaign>('/campaigns', body);
    navigate(`/campaigns/${encodeURIComponent(c.id)}`);
  });
  const err = create.error;

  if (!mayCreate) {
    return (
      <section>
        <h1>New campaign</h1>
        <p>Only scientists and admins create campaigns. <Link href="/campaigns">Back to the campaigns</Link></p>
      </section>
    );
  }
  return (
    <section>
      <h1>New campaign</h1>
      <ErrorNote error={platforms.error} what="could not load the platforms" />
      <form
        class="campaign-form panel"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field id="campaign-name" label="Name (optional)" hint="default: objective and platform" errors={fieldErrors(err, 'name')}>
          <input id="campaign-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>

        <fieldset>
          <legend>Runs on</legend>
          <label class="choice">
            <input type="radio" name="target" checked={target === 'platform'} onChange={() => setTarget('platform')} /> one platform
          </label>
          <label class="choice">
            <input type="radio" name="target" checked={target === 'pool'} onChange={() => setTarget('pool')} disabled={pools.length === 0} /> any free platform of a pool
            {pools.length === 0 && <small class="muted"> (no pools registered)</small>}
          </label>
          {target === 'platform' ? (
            <Field id="campaign-platform" label="Platform" errors={fieldErrors(err, 'platform')}>
              <select id="campaign-platform" value={chosenPlatform} onChange={(e) => setPlatform(e.currentTarget.value)}>
                {list.length === 0 && <option value="">no platforms registered</option>}
                {list.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.id} ({p.status}
                    {p.limits?.temperature ? `, validated ${p.limits.temperature.minC}–${p.limits.temperature.maxC} °C` : ', limits not reported yet'})
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field id="campaign-pool" label="Pool" errors={fieldErrors(err, 'pool')}>
              <select id="campaign-pool" value={chosenPool} onChange={(e) => setPool(e.currentTarget.value)}>
                {pools.map((p) => (
                  <option key={p} value={p}>
                    {p} ({list.filter((x) => x.pool === p).length} platforms)
                  </option>
                ))}
              </select>
            </Field>
          )}
        </fieldset>

        <fieldset>
          <legend>Objective</legend>
          <div class="row">
            <Field id="campaign-feature" label="Feature" errors={fieldErrors(err, 'objective.feature')}>
              <select id="campaign-feature" value={feature} onChange={(e) => setFeature(e.currentTarget.value)}>
                {FEATURE_NAMES.map((f) => (
                  <option key={f} value={f}>
                    {f}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="campaign-direction" label="Direction" errors={fieldErrors(err, 'objective.direction')}>
              <select id="campaign-direction" value={direction} onChange={(e) => setDirection(e.currentTarget.value)}>
                <option value="maximize">maximize</option>
                <option value="minimize">minimize</option>
              </select>
            </Field>
          </div>
        </fieldset>

        <Field id="campaign-schedule" label="Schedule" hint="stages in order: policy and count, joined by -> (e.g. lhs 6 -> ei 10, or lhs 9 -> mv 51 -> ei 10)" errors={fieldErrors(err, 'schedule')}>
          <input id="campaign-schedule" value={schedule} spellcheck={false} onInput={(e) => setSchedule(e.currentTarget.value)} />
        </Field>

        <CampaignBounds bounds={bounds} onChange={setBounds} error={err} temperatureLimits={limits} />

        <fieldset>
          <legend>Prior campaigns (their finished experiments inform this one)</legend>
          {done.data && done.data.campaigns.length === 0 && <p class="muted">No finished campaigns yet.</p>}
          <ErrorNote error={done.error} what="could not load finished campaigns" />
          <div class="choices">
            {(done.data?.campaigns ?? []).map((c) => (
              <label key={c.id} class="choice">
                <input type="checkbox" checked={prior.includes(c.id)} onChange={(e) => setPrior(e.currentTarget.checked ? [...prior, c.id] : prior.filter((p) => p !== c.id))} /> {c.name} <small class="muted">({c.id})</small>
              </label>
            ))}
          </div>
          {fieldErrors(err, 'priorCampaigns').length > 0 && (
            <small class="field-error" role="alert">
              {fieldErrors(err, 'priorCampaigns').join('; ')}
            </small>
          )}
        </fieldset>

        <div class="row">
          <Field id="campaign-surrogate" label="Surrogate" errors={fieldErrors(err, 'surrogate')}>
            <select id="campaign-surrogate" value={surrogate} onChange={(e) => setSurrogate(e.currentTarget.value)}>
              {SURROGATES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id="campaign-max-failures" label="Pause after this many failures in a row" errors={fieldErrors(err, 'maxConsecutiveFailures')}>
            <input id="campaign-max-failures" type="number" min={1} max={1000} step={1} value={maxFailures} onInput={(e) => setMaxFailures(e.currentTarget.value)} />
          </Field>
          <Field id="campaign-queue-depth" label="Queue depth" hint="experiments the platform holds beyond the running one" errors={fieldErrors(err, 'queueDepth')}>
            <input id="campaign-queue-depth" type="number" min={0} max={10} step={1} value={queueDepth} onInput={(e) => setQueueDepth(e.currentTarget.value)} />
          </Field>
        </div>
        <fieldset>
          <legend>Approval gate</legend>
          <label class="choice" for="campaign-gate">
            <input id="campaign-gate" type="checkbox" checked={approvalGate} onChange={(e) => setApprovalGate(e.currentTarget.checked)} /> Approval gate: every proposal waits for a person's approval before it runs
          </label>
          {fieldErrors(err, 'approvalGate').length > 0 && (
            <small class="field-error" role="alert">
              {fieldErrors(err, 'approvalGate').join('; ')}
            </small>
          )}
          {approvalGate && (
            <Field id="campaign-approval-ahead" label="Proposals kept waiting for review" hint="beyond what the platform holds" errors={fieldErrors(err, 'approvalAhead')}>
              <input id="campaign-approval-ahead" type="number" min={0} max={20} step={1} value={approvalAhead} onInput={(e) => setApprovalAhead(e.currentTarget.value)} />
            </Field>
          )}
        </fieldset>

        <div class="buttons">
          <button type="submit" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create campaign'}
          </button>
          <Link href="/campaigns">Cancel</Link>
        </div>
        <ErrorNote error={err} what="not created" />
      </form>
    </section>
  );
}
