/** How the campaign pages write conditions and values: in a chemist's terms, not pump rates. */
import type { Condition, ConditionSpace, Dimension } from '@sdfl/chemistry';
import { num } from '../format';

/** Short names of the inputs for table cells. */
const SHORT: Record<Dimension['key'], string> = {
  temperatureC: 'T',
  reactionTimeS: 't',
  cuIFraction: 'CuI',
  oaCuIFraction: 'OA(CuI)',
  oAmFraction: 'OAm',
  csOleateFraction: 'Cs',
  oaCsFraction: 'OA(Cs)',
};

/** One input's value with its unit: `140.2 °C`, `31.0 s`, `31 %`. */
export function axisValue(d: Dimension, v: number): string {
  if (d.unit === 'fraction') return `${(100 * v).toFixed(0)} %`;
  return `${v.toFixed(1)} ${d.unit === 'C' ? '°C' : d.unit}`;
}

/** `T 140.2 °C · t 31.0 s · CuI 31 % · ...` (the space's axes of a physical condition). */
export function conditionText(space: ConditionSpace | null, c: unknown): string {
  if (!space || !c || typeof c !== 'object') return '—';
  try {
    const axes = space.axes(c as Condition);
    return space.dimensions.map((d, i) => `${SHORT[d.key]} ${axisValue(d, axes[i]!)}`).join(' · ');
  } catch {
    return '—';
  }
}

/** `1234 ± 56` of a prediction, or an em dash when the policy made none (space filling). */
export const predictedText = (mean: number | null, std: number | null): string => (mean === null ? '—' : `${num(mean)}${std === null ? '' : ` ± ${num(std, 2)}`}`);
