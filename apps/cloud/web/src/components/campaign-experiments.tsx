/** A campaign's experiments, one row each: what chose it, where, what was measured and what the model predicted. */
import type { ConditionSpace } from '@sdfl/chemistry';
import { num } from '../format';
import { Link } from '../router';
import type { Experiment } from '../types';
import { conditionText, predictedText } from './campaign-format';

export function CampaignExperiments({ experiments, space, objective }: { experiments: readonly Experiment[]; space: ConditionSpace | null; objective: string }) {
  return (
    <section class="panel" aria-labelledby="campaign-experiments">
      <h2 id="campaign-experiments">Experiments ({experiments.length})</h2>
      {experiments.length === 0 ? (
        <p class="muted">No experiments yet: the first proposals come when the campaign starts on its platform.</p>
      ) : (
        <div class="table-wrap">
          <table class="experiments">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">status</th>
                <th scope="col">policy</th>
                <th scope="col">condition</th>
                <th scope="col">measured {objective}</th>
                <th scope="col">predicted (mean ± std)</th>
                <th scope="col">experiment</th>
              </tr>
            </thead>
            <tbody>
              {[...experiments].reverse().map((e) => (
                <tr key={e.id} data-experiment={e.id} data-status={e.status}>
                  <td>{e.seq}</td>
                  <td>
                    <span class={`badge ${e.status}`}>{e.status}</span>
                    {e.proposedCondition && (
                      <small class="muted" title={`proposed: ${conditionText(space, e.proposedCondition)}`}>
                        {' '}
                        edited by {e.reviewedBy ?? '?'}
                      </small>
                    )}
                  </td>
                  <td>{e.policy}</td>
                  <td class="condition">{conditionText(space, e.condition)}</td>
                  <td data-field="value">{e.value === null ? '—' : num(e.value)}</td>
                  <td data-field="predicted">{e.predictedMean === null ? '—' : `predicted ${predictedText(e.predictedMean, e.predictedStd)}`}</td>
                  <td>
                    <Link href={`/experiments/${encodeURIComponent(e.id)}`}>{e.id}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
