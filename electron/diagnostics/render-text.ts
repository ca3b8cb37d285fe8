/** Plain text that pastes well into a ticket (in the spirit of DigiDoc4's diagnostics.txt). */
import type { DiagnosticReport } from './report-types.js';
import { layoutReport, statusLabel, type LayoutSection } from './report-layout.js';
import { escapeControlCharacters } from './terminal-text.js';

/**
 * The layout holds card and certificate data as given; this is where it enters text, so this is
 * where control characters are escaped: titles and labels as single lines, values as blocks.
 */
function terminalSafe(sections: LayoutSection[]): LayoutSection[] {
  const line = (text: string) => escapeControlCharacters(text);
  const block = (text: string) => escapeControlCharacters(text, { multiline: true });
  const rows = (list: LayoutSection['rows']) => list.map(([label, value]) => [line(label), block(value)] as const);
  return sections.map((section) => ({
    ...section,
    heading: line(section.heading),
    rows: rows(section.rows),
    items: section.items.map((item) => ({
      ...item,
      title: line(item.title),
      ...(item.text !== undefined && { text: block(item.text) }),
      rows: rows(item.rows),
    })),
    ...(section.empty !== undefined && { empty: block(section.empty) }),
    ...(section.preformatted && { preformatted: section.preformatted.map(block) }),
  }));
}

const width = 72;

function rule(char: string): string {
  return char.repeat(width);
}

function indentRows(rows: readonly (readonly [string, string])[], indent: string): string[] {
  const labelWidth = Math.min(28, Math.max(0, ...rows.map(([label]) => label.length)));
  return rows.map(([label, value]) => {
    const continuation = '\n' + indent + ' '.repeat(labelWidth + 2);
    const head = (label + ':').padEnd(labelWidth + 2);
    return `${indent}${head.endsWith(' ') ? head : head + ' '}${value.split('\n').join(continuation)}`;
  });
}

export function renderReportText(report: DiagnosticReport): string {
  const lines: string[] = [];
  for (const section of terminalSafe(layoutReport(report))) {
    if (section.id === 'header') {
      lines.push(section.heading, rule('='));
      lines.push(...indentRows(section.rows, ''));
      lines.push('');
      continue;
    }
    lines.push(section.heading.toUpperCase(), rule('-'));
    if (section.id === 'verdict') {
      for (const item of section.items) {
        lines.push(item.title);
        if (item.text) lines.push(item.text);
      }
    }
    lines.push(...indentRows(section.rows, '  '));
    if (section.id !== 'verdict') {
      for (const item of section.items) {
        const tag = item.status ? `[${statusLabel(item.status, report.header.lang)}]`.padEnd(11) : item.highlight ? '>> ' : '- ';
        lines.push(`${tag}${item.title}`);
        const indent = ' '.repeat(item.status ? 11 : item.highlight ? 3 : 2);
        if (item.text) lines.push(indent + item.text);
        lines.push(...indentRows(item.rows, indent));
      }
    }
    if (section.empty) lines.push(`  ${section.empty}`);
    if (section.preformatted) lines.push(...section.preformatted);
    lines.push('');
  }
  return lines.join('\n');
}
