import type { ReportFormat } from '../ipc-contract.js';
import type { DiagnosticReport } from './report-types.js';
import { renderReportHtml } from './render-html.js';
import { renderReportText } from './render-text.js';

/** One report, three forms: text for a ticket, HTML to save, JSON for tools (schema v1). */
export function renderReport(report: DiagnosticReport, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderReportText(report);
    case 'html':
      return renderReportHtml(report);
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
  }
}
