/**
 * What every chart builder shares: the spec types, one look (config), the honest empty chart and
 * the naming of data layers. Isomorphic: plain TypeScript and `import type` only, so the browser
 * bundle can import the builders without vega (it imports vega itself to render).
 *
 * Counting marks: Vega-Lite names a layer's mark `{layer}_marks`, and Vega's SVG renders it as
 * `<g class="mark-{type} role-mark {layer}_marks">` (one such group per line of a `detail`ed line
 * mark, or per facet cell) holding one element with `role="graphics-symbol"` per item (ARIA is on
 * in {@link BASE_CONFIG}). So a layer's item count is, in a DOM,
 * `svg.querySelectorAll('g.role-mark.{layer}_marks > [role="graphics-symbol"]').length`, and in an
 * SVG string {@link countMarks}.
 *
 * @module
 */
import type { TopLevelSpec } from 'vega-lite';

/** A complete Vega-Lite spec; `vegaLite.compile(spec).spec` gives the Vega spec to render. */
export type ChartSpec = TopLevelSpec;

/** One layer of a layered spec (what `layer: [...]` holds). */
export type ChartLayer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/** Plot area size, px (axes and legends come on top). */
export interface ChartSize {
  readonly width?: number;
  readonly height?: number;
}

/** One input of the condition space: a cube axis [0, 1] mapped linearly onto [min, max] (a chemistry `Dimension` fits). */
export interface InputAxis {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
}

/** The text the empty chart shows. */
export const NO_DATA_TEXT = 'no data yet';

/** The layer of the empty chart's message. */
export const NO_DATA_LAYER = 'no_data';

/** The look of every chart: ARIA on (mark items carry `role="graphics-symbol"`), system fonts, nothing to fetch. */
export const BASE_CONFIG = {
  aria: true,
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: '#d0d7de' },
  axis: { labelColor: '#333', titleColor: '#333', gridColor: '#eaeef2', labelFontSize: 10, titleFontSize: 11 },
  legend: { labelFontSize: 10, titleFontSize: 11 },
  title: { fontSize: 13, subtitleFontSize: 11, anchor: 'start' as const, color: '#1f2328', subtitleColor: '#57606a' },
} satisfies NonNullable<TopLevelSpec['config']>;

/** The class Vega's SVG gives a layer's mark group: `{layer}_marks`. */
export const markClass = (layer: string): string => `${layer}_marks`;

/**
 * Items of a named data layer in an SVG string rendered by Vega (see the module comment). Mark
 * groups of non-group marks hold only leaf elements, so each group ends at its first `</g>`; a
 * mark without items is an empty `<g ... />` (whose own role does not count).
 */
export function countMarks(svg: string, layer: string): number {
  const open = new RegExp(`<g class="mark-[a-z]+ role-mark ${escapeRegExp(markClass(layer))}"[^>]*>`, 'g');
  let count = 0;
  for (const m of svg.matchAll(open)) {
    // A mark without items is an empty element, <g ... />.
    if (m[0].endsWith('/>')) continue;
    const start = m.index + m[0].length;
    const end = svg.indexOf('</g>', start);
    count += (svg.slice(start, end < 0 ? undefined : end).match(/role="graphics-symbol"/g) ?? []).length;
  }
  return count;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The chart an empty input gets: the same name and size, the title, and "no data yet" in the middle. */
export function noDataChart(o: { name: string; description: string; title: string; message?: string; width: number; height: number }): ChartSpec {
  return {
    name: o.name,
    description: `${o.description} (${o.message ?? NO_DATA_TEXT})`,
    title: o.title,
    width: o.width,
    height: o.height,
    config: BASE_CONFIG,
    data: { values: [{ message: o.message ?? NO_DATA_TEXT }] },
    layer: [
      {
        name: NO_DATA_LAYER,
        mark: { type: 'text', color: '#57606a', fontSize: 13, aria: true },
        encoding: { text: { field: 'message', type: 'nominal' } },
      },
    ],
  };
}

/** A finite number, or null (JSON turns NaN into null; charts must not plot either). */
export const finiteOrNull = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** `0.873` -> `0.87`; null or non-finite -> `n/a`. */
export const fmt = (x: number | null | undefined, digits = 2): string => {
  const v = finiteOrNull(x);
  return v === null ? 'n/a' : v.toFixed(digits);
};

/** An axis title with its unit: `Temperature (C)`; fractions and unitless inputs stay bare. */
export const axisTitle = (a: Pick<InputAxis, 'label' | 'unit'>): string => (a.unit && a.unit !== 'fraction' ? `${a.label} (${a.unit})` : a.label);

/** The physical value of a cube coordinate on an axis. */
export const fromCube = (a: Pick<InputAxis, 'min' | 'max'>, u: number): number => a.min + u * (a.max - a.min);

/** Axes named by index when a caller knows only the labels (cube units). */
export const cubeAxes = (labels: readonly string[]): InputAxis[] => labels.map((label) => ({ key: label, label, unit: '', min: 0, max: 1 }));
