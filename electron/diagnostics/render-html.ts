/** A self-contained HTML page (no scripts, no external resources) to save or attach to a ticket. */
import type { DiagnosticReport } from './report-types.js';
import { layoutReport, statusLabel, type Row } from './report-layout.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function table(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const body = rows.map(([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`).join('');
  return `<table>${body}</table>`;
}

const style = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0 1rem}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #e5e7eb}
th{width:16rem;font-weight:600;color:#374151}.item{margin:.6rem 0 1rem}.item h3{font-size:1rem;margin:.2rem 0}
.tag{display:inline-block;min-width:5.5rem;font-weight:700;padding:0 .4rem;border-radius:.25rem;margin-right:.5rem;text-align:center}
.ok{background:#d1fae5;color:#065f46}.warning{background:#fef3c7;color:#78350f}.error{background:#fee2e2;color:#7f1d1d}.not-run,.unknown{background:#e5e7eb;color:#1f2937}
.highlight{border-left:4px solid #0b5cad;padding-left:.6rem}.verdict{font-size:1.2rem;font-weight:700}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto;font-size:13px}`;

export function renderReportHtml(report: DiagnosticReport): string {
  const lang = report.header.lang;
  const parts: string[] = [];
  for (const section of layoutReport(report)) {
    if (section.id === 'header') {
      parts.push(`<header><h1>${escapeHtml(section.heading)}</h1>${table(section.rows)}</header>`);
      continue;
    }
    const items = section.items
      .map((item) => {
        const tag = item.status ? `<span class="tag ${item.status}">${escapeHtml(statusLabel(item.status, lang))}</span>` : '';
        const titleClass = section.id === 'verdict' ? ' class="verdict"' : '';
        return `<div class="item${item.highlight ? ' highlight' : ''}"><h3${titleClass}>${tag}${escapeHtml(item.title)}</h3>${item.text ? `<p>${escapeHtml(item.text)}</p>` : ''}${table(item.rows)}</div>`;
      })
      .join('');
    const empty = section.empty ? `<p>${escapeHtml(section.empty)}</p>` : '';
    const pre = section.preformatted ? `<pre>${escapeHtml(section.preformatted.join('\n'))}</pre>` : '';
    parts.push(`<section><h2>${escapeHtml(section.heading)}</h2>${table(section.rows)}${items}${empty}${pre}</section>`);
  }
  const title = escapeHtml(`${report.verdict.headline} – Kortkoll`);
  return `<!doctype html>\n<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${title}</title><style>${style}</style></head><body><main>${parts.join('\n')}</main></body></html>\n`;
}
