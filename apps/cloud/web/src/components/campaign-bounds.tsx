/**
 * The condition space's bounds on the create form: min and max per input, pre-filled with the
 * chemistry defaults, the API's messages for each input under its row (the server checks them
 * against the platform's validated limits, which are shown for temperature).
 */
import type { Dimension } from '@sdfl/chemistry';
import { ApiClientError } from '../../../src/client/http';
import { fieldErrors } from './error-note';
import { BOUND_PATHS, boundField, DEFAULT_DIMENSIONS } from './campaign-types';

/** What the person typed, per input (text, so an empty box reaches the API as such). */
export type BoundsText = Record<Dimension['key'], { min: string; max: string }>;

export const defaultBoundsText = (): BoundsText =>
  Object.fromEntries(DEFAULT_DIMENSIONS.map((d) => [d.key, { min: String(d.min), max: String(d.max) }])) as BoundsText;

/** A number the API can judge: empty or unparsable text becomes null (the API names the field). */
export const numberOrNull = (text: string): number | null => {
  const v = text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(v) ? v : null;
};

/** The create body's `space`: `{ temperatureC: {min,max}, cuIStream: { cuI: {min,max} }, ... }`. */
export function spaceBody(bounds: BoundsText): Record<string, unknown> {
  const space: Record<string, Record<string, unknown>> = {};
  for (const d of DEFAULT_DIMENSIONS) {
    const path = BOUND_PATHS[d.key];
    const value = { min: numberOrNull(bounds[d.key].min), max: numberOrNull(bounds[d.key].max) };
    if (path.length === 1) space[path[0]] = value;
    else (space[path[0]] ??= {})[path[1]] = value;
  }
  return space;
}

const unitText = (d: Dimension): string => (d.unit === 'fraction' ? 'fraction 0–1' : d.unit === 'C' ? '°C' : d.unit);

export function CampaignBounds({ bounds, onChange, error, temperatureLimits }: { bounds: BoundsText; onChange: (b: BoundsText) => void; error: unknown; temperatureLimits?: { minC: number; maxC: number } | undefined }) {
  const set = (key: Dimension['key'], side: 'min' | 'max', text: string) => onChange({ ...bounds, [key]: { ...bounds[key], [side]: text } });
  const general = generalSpaceErrors(error);
  return (
    <fieldset class="bounds">
      <legend>Condition space (bounds per input)</legend>
      <p class="hint">Defaults are the chemistry's; the server refuses bounds outside the platform's validated limits.</p>
      {general.length > 0 && (
        <small class="field-error" role="alert" data-bound="space">
          {general.join('; ')}
        </small>
      )}
      {DEFAULT_DIMENSIONS.map((d) => {
        const errors = fieldErrors(error, boundField(d.key));
        const id = `bound-${d.key}`;
        return (
          <div key={d.key} class={`bound${errors.length > 0 ? ' invalid' : ''}`} data-bound={d.key}>
            <span class="bound-name" id={`${id}-name`}>
              {d.label} <small class="muted">({unitText(d)})</small>
            </span>
            <label for={`${id}-min`}>
              {d.label} min
              <input id={`${id}-min`} type="number" step="any" inputMode="decimal" value={bounds[d.key].min} aria-invalid={errors.length > 0} onInput={(e) => set(d.key, 'min', e.currentTarget.value)} />
            </label>
            <label for={`${id}-max`}>
              {d.label} max
              <input id={`${id}-max`} type="number" step="any" inputMode="decimal" value={bounds[d.key].max} aria-invalid={errors.length > 0} onInput={(e) => set(d.key, 'max', e.currentTarget.value)} />
            </label>
            {d.key === 'temperatureC' && temperatureLimits && (
              <small class="hint">
                platform validated {temperatureLimits.minC}–{temperatureLimits.maxC} °C
              </small>
            )}
            {errors.length > 0 && (
              <small class="field-error" role="alert">
                {errors.join('; ')}
              </small>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** The API's `space` messages about no single input (pump rates at the corners, fractions leaving no solvent). */
function generalSpaceErrors(error: unknown): string[] {
  if (!(error instanceof ApiClientError)) return [];
  const inputs = DEFAULT_DIMENSIONS.map((d) => boundField(d.key));
  return Object.entries(error.fields)
    .filter(([f]) => (f === 'space' || f.startsWith('space.')) && !inputs.some((i) => f === i || f.startsWith(`${i}.`)))
    .flatMap(([, ms]) => ms);
}
