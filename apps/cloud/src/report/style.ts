/** The report's inline stylesheet: system fonts, print-friendly, nothing loaded from anywhere. */
export const REPORT_CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
header { border-bottom: 2px solid #d0d7de; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
.sub { color: #57606a; margin: 0 0 12px; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #ddf4ff; color: #0969da; font-weight: 600; font-size: 12px; vertical-align: middle; }
.status.done { background: #dafbe1; color: #1a7f37; } .status.cancelled, .status.paused { background: #fff8c5; color: #9a6700; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 8px 0; }
dt { color: #57606a; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid #eaeef2; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.charts { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
figure.chart { margin: 6px 0; max-width: 100%; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
.note { background: #f6f8fa; border-left: 3px solid #8c959f; padding: 8px 12px; margin: 8px 0; }
.empty { color: #57606a; font-style: italic; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
footer { margin-top: 32px; color: #57606a; font-size: 12px; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } figure.chart, table { break-inside: avoid; } }
`;
