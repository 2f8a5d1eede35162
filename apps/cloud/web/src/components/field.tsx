/** A labelled form field with the API's per-field messages right under it. */
import type { ComponentChildren } from 'preact';

let counter = 0;
/** A stable id for a label/input pair. */
export const fieldId = (name: string): string => `f-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}-${++counter}`;

export function Field({ id, label, hint, errors, children }: { id: string; label: string; hint?: string; errors?: readonly string[]; children: ComponentChildren }) {
  const errorId = `${id}-error`;
  return (
    <div class={`field${errors && errors.length > 0 ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && <small class="hint">{hint}</small>}
      {errors && errors.length > 0 && (
        <small class="field-error" id={errorId} role="alert">
          {errors.join('; ')}
        </small>
      )}
    </div>
  );
}
