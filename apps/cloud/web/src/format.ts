/** Formatting shared by the pages. */

/** "12 s ago", "3 min ago", "2 h ago", or the date. */
export function ago(at: string | null | undefined, now: number): string {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(at)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toLocaleString();
}

/** "1:05" (m:ss) or "1:02:05"; negative as "overdue 0:12". */
export function countdown(ms: number): string {
  const sign = ms < 0 ? 'overdue ' : '';
  const s = Math.round(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${ss}`;
}

/** A number with sensible digits, or an em dash. */
export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString();
}

export const when = (at: string | null | undefined): string => (at ? new Date(at).toLocaleString() : '—');

/** A condition `{ temperatureC: 140, ... }` as "temperatureC 140 · ...". */
export const conditionText = (c: unknown): string =>
  c && typeof c === 'object'
    ? Object.entries(c as Record<string, unknown>)
        .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : String(v)}`)
        .join(' · ')
    : '—';
