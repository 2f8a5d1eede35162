/**
 * The report's HTML building blocks: escaping (every string from the database goes through
 * {@link esc}), tables and definition lists, and inlining a chart's SVG into the page.
 *
 * @module
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text escaped for HTML content and attribute values. `null`/`undefined` give an empty string. */
export function esc(value: unknown): string {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Markup that is already safe (built here from escaped parts). */
export interface Html {
  readonly html: string;
}

/** Marks a string of markup as safe. */
export const raw = (html: string): Html => ({ html });

/** A cell's content: markup as is, anything else escaped. */
const cell = (v: unknown): string => (typeof v === 'object' && v !== null && 'html' in v ? (v as Html).html : esc(v));

/** A table; `numeric` columns are right-aligned. Rows of strings are escaped, {@link Html} kept. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[], o: { numeric?: readonly number[]; empty?: string } = {}): string {
  if (rows.length === 0) return `<p class="empty">${esc(o.empty ?? 'none')}</p>`;
  const num = new Set(o.numeric ?? []);
  const th = headers.map((h, i) => `<th${num.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((v, i) => `<td${num.has(i) ? ' class="num"' : ''}>${cell(v)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A definition list of label -> value pairs. */
export function dl(pairs: readonly (readonly [string, unknown])[]): string {
  return `<dl>${pairs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${cell(v)}</dd>`).join('')}</dl>`;
}

/** A number for people: `null` -> an en dash; large or tiny values with 4 significant digits. */
export function num(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1000 || Math.abs(x) < 0.01 ? x.toPrecision(4) : x.toFixed(digits);
}

/**
 * A chart's standalone SVG made fit to sit inline in an HTML page beside others: the XML
 * namespace declarations go (HTML parses inline SVG without them, and they are the only URLs
 * Vega writes), and every `id` with its `url(#...)`/`href="#..."` references gets a prefix, since
 * Vega numbers clip paths and gradients per render and two charts would otherwise share ids.
 */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/\s(xmlns(:\w+)?)="[^"]*"/g, '')
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}
