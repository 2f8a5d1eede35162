/**
 * Plate temperature over time, sparkline size: the measured value (pv) as a line with one dot per
 * sample, the setpoint (sp) as a dashed step line.
 *
 * @module
 */
import { BASE_CONFIG, finiteOrNull, noDataChart, type ChartSize, type ChartSpec } from './common';

/** One telemetry sample: the platform's `temperature` (`GET /platforms/{id}`) at a time. */
export interface TemperatureSample {
  /** When: ISO 8601 or epoch ms. */
  readonly at: string | number;
  /** Plate temperature, C (null = not read). */
  readonly pvC: number | null;
  /** Setpoint, C (null = heater off / unknown). */
  readonly spC: number | null;
}

/** Input of {@link temperatureTrace}. */
export interface TemperatureTraceInput extends ChartSize {
  readonly samples: readonly TemperatureSample[];
  readonly title?: string;
}

/** Data layers: one `temperature_pv` item per sample with a pv; one `temperature_sp` line when any setpoint is known. */
export const TEMPERATURE_LAYERS = { pv: 'temperature_pv', pvLine: 'temperature_pv_line', sp: 'temperature_sp' } as const;

const NAME = 'temperatureTrace';
const DESCRIPTION = 'Plate temperature (measured) and its setpoint over time, C';

/** Sparkline of plate temperature and setpoint. Default 220 x 48 px. */
export function temperatureTrace(input: TemperatureTraceInput): ChartSpec {
  const width = input.width ?? 220;
  const height = input.height ?? 48;
  const title = input.title ?? 'Plate temperature';
  const rows = input.samples
    .map((s) => ({ t: typeof s.at === 'number' ? s.at : Date.parse(s.at), pv: finiteOrNull(s.pvC), sp: finiteOrNull(s.spC) }))
    .filter((r) => Number.isFinite(r.t))
    .sort((a, b) => a.t - b.t);
  const pv = rows.filter((r) => r.pv !== null);
  if (pv.length === 0) return noDataChart({ name: NAME, description: DESCRIPTION, title, width, height });
  const last = pv.at(-1)!;
  const x = { field: 't', type: 'temporal' as const, scale: { type: 'utc' as const }, axis: null, title: 'time' };
  const y = { type: 'quantitative' as const, scale: { zero: false }, axis: { tickCount: 3, title: null, grid: false } };
  return {
    name: NAME,
    description: DESCRIPTION,
    title: { text: title, subtitle: `${last.pv!.toFixed(1)} C${last.sp !== null ? ` (set ${last.sp.toFixed(1)} C)` : ''}` },
    width,
    height,
    config: { ...BASE_CONFIG, view: { stroke: null } },
    data: { values: rows },
    layer: [
      {
        name: TEMPERATURE_LAYERS.sp,
        transform: [{ filter: 'isValid(datum.sp)' }],
        mark: { type: 'line', interpolate: 'step-after', strokeDash: [3, 2], color: '#cf222e', strokeWidth: 1 },
        encoding: { x, y: { ...y, field: 'sp' } },
      },
      {
        name: TEMPERATURE_LAYERS.pvLine,
        transform: [{ filter: 'isValid(datum.pv)' }],
        mark: { type: 'line', color: '#0969da', strokeWidth: 1.5 },
        encoding: { x, y: { ...y, field: 'pv' } },
      },
      {
        name: TEMPERATURE_LAYERS.pv,
        transform: [{ filter: 'isValid(datum.pv)' }],
        mark: { type: 'point', filled: true, size: 6, color: '#0969da', opacity: 0.7 },
        encoding: {
          x,
          y: { ...y, field: 'pv', title: 'plate C' },
          tooltip: [
            { field: 't', type: 'temporal', title: 'time (UTC)', format: '%H:%M:%S' },
            { field: 'pv', type: 'quantitative', title: 'plate C', format: '.1f' },
            { field: 'sp', type: 'quantitative', title: 'setpoint C', format: '.1f' },
          ],
        },
      },
    ],
  };
}
