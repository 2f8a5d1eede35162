/** Shows what the server said when a request failed: never swallowed, never just "error". */
import { ApiClientError } from '../../../src/client/http';

export function describe(error: unknown): { title: string; fields: [string, readonly string[]][] } {
  if (error instanceof ApiClientError) {
    return { title: `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`, fields: Object.entries(error.fields) };
  }
  return { title: error instanceof Error ? error.message : String(error), fields: [] };
}

export function ErrorNote({ error, what }: { error: unknown; what?: string }) {
  if (error === undefined || error === null) return null;
  const { title, fields } = describe(error);
  return (
    <div class="error-note" role="alert">
      <strong>{what ? `${what}: ` : ''}</strong>
      {title}
      {fields.length > 0 && (
        <ul>
          {fields.map(([f, ms]) => (
            <li key={f}>
              {f}: {ms.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The API's messages for one form field (body paths like `bounds.temperatureC`), if any. */
export function fieldErrors(error: unknown, ...names: string[]): string[] {
  if (!(error instanceof ApiClientError)) return [];
  return Object.entries(error.fields)
    .filter(([f]) => names.some((n) => f === n || f.startsWith(`${n}.`)))
    .flatMap(([, ms]) => ms);
}
