/**
 * Renders one chart spec from `src/charts` (the builders the server's reports use) with vega's
 * SVG renderer, so a page and a report draw the same marks. Re-renders when the spec changes.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export function Chart({ spec, label }: { spec: TopLevelSpec; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!el.current) return;
    let view: View | undefined;
    try {
      view = new View(parse(compile(spec).spec), { renderer: 'svg', container: el.current, hover: true });
      view.runAsync().then(
        () => setError(null),
        (e: unknown) => setError((e as Error).message),
      );
    } catch (e) {
      setError((e as Error).message);
    }
    return () => view?.finalize();
  }, [spec]);
  return (
    <figure class="chart" aria-label={label}>
      <div ref={el} class="chart-body" data-chart={label} />
      {error && <p class="error">chart failed: {error}</p>}
    </figure>
  );
}
