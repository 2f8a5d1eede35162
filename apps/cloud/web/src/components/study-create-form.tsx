/**
 * The form a scientist creates an ask/tell study with: a name, named parameters with ranges (and
 * whether each is an integer), the objective and its direction, and the schedule. Each of the API's
 * per-field messages shows under its field (`parameters.0.max` under parameter 1's max).
 */
import { useState } from 'preact/hooks';
import { ApiClientError } from '../../../src/client/http';
import { useAction } from '../hooks';
import { useSession } from '../session';
import { ErrorNote, fieldErrors } from './error-note';
import { Field } from './field';
import type { Study } from './study-summary';

interface ParameterDraft {
  readonly key: number;
  readonly name: string;
  readonly min: string;
  readonly max: string;
  readonly integer: boolean;
}

/** Most parameters a study takes (the API's limit). */
const MAX_PARAMETERS = 16;

let nextKey = 0;
const draft = (name = ''): ParameterDraft => ({ key: ++nextKey, name, min: '', max: '', integer: false });

/** A number typed in a field; an empty field is left out so the API names it as required. */
const numberOrNothing = (s: string): number | undefined => (s.trim() === '' ? undefined : Number(s));

/** The API's messages for exactly `name` (not its children). */
function ownErrors(error: unknown, name: string): string[] {
  return error instanceof ApiClientError ? [...(error.fields[name] ?? [])] : [];
}

export function StudyCreateForm({ onCreated }: { onCreated: (study: Study) => void }) {
  const { client } = useSession();
  const [name, setName] = useState('');
  const [params, setParams] = useState<ParameterDraft[]>(() => [draft('x')]);
  const [objective, setObjective] = useState('y');
  const [minimize, setMinimize] = useState(false);
  const [schedule, setSchedule] = useState('lhs 4 -> ei 6');
  const create = useAction(async () => {
    const body = {
      name: name.trim(),
      parameters: params.map((p) => ({ name: p.name.trim(), type: p.integer ? 'integer' : 'continuous', min: numberOrNothing(p.min), max: numberOrNothing(p.max) })),
      objective: { name: objective.trim(), direction: minimize ? 'minimize' : 'maximize' },
      schedule: schedule.trim(),
    };
    onCreated(await client.post<Study>('/studies', body));
  });
  const update = (key: number, change: Partial<ParameterDraft>) => setParams((ps) => ps.map((p) => (p.key === key ? { ...p, ...change } : p)));
  const e = create.error;
  return (
    <form
      class="study-create"
      aria-label="create a study"
      onSubmit={(ev) => {
        ev.preventDefault();
        void create.run();
      }}
    >
      <Field id="study-name" label="Study name" errors={fieldErrors(e, 'name')}>
        <input id="study-name" name="name" required value={name} onInput={(ev) => setName(ev.currentTarget.value)} />
      </Field>
      {ownErrors(e, 'parameters').length > 0 && (
        <p class="field-error" role="alert">
          parameters: {ownErrors(e, 'parameters').join('; ')}
        </p>
      )}
      {params.map((p, i) => (
        <fieldset key={p.key} class="study-param" data-param={i}>
          <legend>Parameter {i + 1}</legend>
          <Field id={`param-${p.key}-name`} label="name" errors={fieldErrors(e, `parameters.${i}.name`)}>
            <input id={`param-${p.key}-name`} required value={p.name} onInput={(ev) => update(p.key, { name: ev.currentTarget.value })} />
          </Field>
          <Field id={`param-${p.key}-min`} label="min" errors={fieldErrors(e, `parameters.${i}.min`)}>
            <input id={`param-${p.key}-min`} type="number" step="any" required value={p.min} onInput={(ev) => update(p.key, { min: ev.currentTarget.value })} />
          </Field>
          <Field id={`param-${p.key}-max`} label="max" errors={fieldErrors(e, `parameters.${i}.max`)}>
            <input id={`param-${p.key}-max`} type="number" step="any" required value={p.max} onInput={(ev) => update(p.key, { max: ev.currentTarget.value })} />
          </Field>
          <div class={`field checkbox${fieldErrors(e, `parameters.${i}.type`).length > 0 ? ' invalid' : ''}`}>
            <label>
              <input type="checkbox" checked={p.integer} onChange={(ev) => update(p.key, { integer: ev.currentTarget.checked })} /> integer
            </label>
            {fieldErrors(e, `parameters.${i}.type`).length > 0 && (
              <small class="field-error" role="alert">
                {fieldErrors(e, `parameters.${i}.type`).join('; ')}
              </small>
            )}
          </div>
          {params.length > 1 && (
            <button type="button" class="secondary" onClick={() => setParams((ps) => ps.filter((x) => x.key !== p.key))}>
              Remove parameter {i + 1}
            </button>
          )}
        </fieldset>
      ))}
      {params.length < MAX_PARAMETERS && (
        <button type="button" class="secondary" onClick={() => setParams((ps) => [...ps, draft()])}>
          Add a parameter
        </button>
      )}
      <div class="study-objective">
        <Field id="study-objective" label="Objective name" hint="what you will measure and tell" errors={fieldErrors(e, 'objective.name', 'objective')}>
          <input id="study-objective" name="objective" required value={objective} onInput={(ev) => setObjective(ev.currentTarget.value)} />
        </Field>
        <div class="field checkbox">
          <label>
            <input type="checkbox" checked={minimize} onChange={(ev) => setMinimize(ev.currentTarget.checked)} /> minimize (default: maximize)
          </label>
        </div>
        <Field id="study-schedule" label="Schedule" hint="stages like 'lhs 4 -> ei 6' (lhs, sobol, random; then model policies mv, ei, ucb, eplt)" errors={fieldErrors(e, 'schedule')}>
          <input id="study-schedule" name="schedule" required value={schedule} onInput={(ev) => setSchedule(ev.currentTarget.value)} />
        </Field>
      </div>
      <button type="submit" disabled={create.busy}>
        {create.busy ? 'Creating…' : 'Create study'}
      </button>
      <ErrorNote error={e} what="not created" />
    </form>
  );
}
