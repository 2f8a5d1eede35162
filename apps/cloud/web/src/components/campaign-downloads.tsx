/**
 * Downloads of a campaign: the self-contained HTML report and the CSV/JSON exports. The API wants
 * the token in a header, so a plain link cannot fetch them: each is fetched with the token and
 * saved through a Blob and a temporary `<a download>`.
 */
import { useAction } from '../hooks';
import { useSession } from '../session';
import { ErrorNote } from './error-note';

const FILES = [
  { path: 'report.html', label: 'Download report', name: (id: string) => `${id}-report.html` },
  { path: 'export.csv', label: 'Export CSV', name: (id: string) => `${id}.csv` },
  { path: 'export.json', label: 'Export JSON', name: (id: string) => `${id}.json` },
] as const;

/** `attachment; filename="x.csv"` -> `x.csv`. */
const fileName = (disposition: string | null): string | undefined => (disposition ? /filename="?([^";]+)"?/.exec(disposition)?.[1] : undefined);

export function CampaignDownloads({ campaignId }: { campaignId: string }) {
  const { client } = useSession();
  const download = useAction(async (file: (typeof FILES)[number]) => {
    const res = await client.raw('GET', `/campaigns/${encodeURIComponent(campaignId)}/${file.path}`, { headers: { accept: '*/*' } });
    const url = URL.createObjectURL(await res.blob());
    try {
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName(res.headers.get('content-disposition')) ?? file.name(campaignId);
      document.body.append(a);
      a.click();
      a.remove();
    } finally {
      // The click has handed the Blob to the browser's download; keep the URL a moment for slow ones.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }
  });
  return (
    <section class="panel" aria-labelledby="campaign-downloads">
      <h2 id="campaign-downloads">Downloads</h2>
      <div class="buttons">
        {FILES.map((f) => (
          <button key={f.path} type="button" class={f.path === 'report.html' ? '' : 'secondary'} disabled={download.busy} onClick={() => void download.run(f)}>
            {f.label}
          </button>
        ))}
      </div>
      {download.busy && <p class="muted">Preparing the file…</p>}
      <ErrorNote error={download.error} what="download failed" />
    </section>
  );
}
