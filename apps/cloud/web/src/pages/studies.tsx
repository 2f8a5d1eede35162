/** Ask/tell studies for any lab: the list, and for scientists the form that creates one. */
import { ErrorNote } from '../components/error-note';
import { StudyCreateForm } from '../components/study-create-form';
import type { Study } from '../components/study-summary';
import { num, when } from '../format';
import { useResource } from '../hooks';
import { Link, navigate } from '../router';
import { useCan } from '../session';

export function StudiesPage() {
  const studies = useResource<{ studies: Study[] }>('/studies');
  const mayCreate = useCan('scientist');
  const list = studies.data?.studies;
  return (
    <section class="studies">
      <h1>Studies</h1>
      <p class="muted">Ask/tell optimisation for any lab: ask for conditions, run them however you like, tell what you measured.</p>
      {mayCreate && (
        <details class="panel">
          <summary>Create a study</summary>
          <StudyCreateForm onCreated={(s) => navigate(`/studies/${encodeURIComponent(s.id)}`)} />
        </details>
      )}
      <ErrorNote error={studies.error} what="could not load the studies" />
      {list && list.length === 0 && <p>No studies yet.{mayCreate ? ' Create one above.' : ''}</p>}
      {list && list.length > 0 && (
        <div class="table-wrap">
          <table aria-label="studies">
            <thead>
              <tr>
                <th scope="col">name</th>
                <th scope="col">status</th>
                <th scope="col">owner</th>
                <th scope="col">objective</th>
                <th scope="col">progress</th>
                <th scope="col">best</th>
                <th scope="col">created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr key={s.id} data-study={s.id}>
                  <th scope="row">
                    <Link href={`/studies/${encodeURIComponent(s.id)}`}>{s.name}</Link>
                  </th>
                  <td>
                    <span class={`badge ${s.status}`}>{s.status}</span>
                  </td>
                  <td>{s.owner}</td>
                  <td>
                    {s.objective.direction} {s.objective.name}
                  </td>
                  <td>
                    {s.progress.observations} observed, {s.progress.pending} open, {s.progress.issued}/{s.progress.total} asked
                  </td>
                  <td>{s.best ? num(s.best.value, 5) : '—'}</td>
                  <td>{when(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
