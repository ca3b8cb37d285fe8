/**
 * `report.schema.json` is for outside tools that read `kortkoll diag --json`, so it stays a plain
 * JSON file beside the report types. Its enum of check ids is not written by hand: it is written
 * from `checkIds` into the schema's text, the rest of the text kept as it is, and a unit test
 * (test/unit/diagnostics/report-schema.test.ts) fails while the committed file differs. To write
 * it after changing `checkIds`: `npx vitest run --project unit test/unit/diagnostics/report-schema.test.ts -u`.
 */
import { checkIds } from './report-types.js';

/** Prettier's width for this repository: an enum that fits stays on one line. */
const printWidth = 160;

/** The schema text with its check-id enum (`properties.checks.items.properties.id.enum`) written from `checkIds`. */
export function reportSchemaWithCheckIds(schemaText: string): string {
  const checks = schemaText.indexOf('"checks": {');
  const id = checks < 0 ? -1 : schemaText.indexOf('"id": {', checks);
  const enumStart = id < 0 ? -1 : schemaText.indexOf('"enum": [', id);
  const enumEnd = enumStart < 0 ? -1 : schemaText.indexOf(']', enumStart);
  if (enumEnd < 0) throw new Error('report.schema.json: no enum of check ids under "checks" → "id"');
  const lineStart = schemaText.lastIndexOf('\n', enumStart) + 1;
  const indent = ' '.repeat(enumStart - lineStart);
  const items = checkIds.map((checkId) => JSON.stringify(checkId));
  const oneLine = `"enum": [${items.join(', ')}]`;
  const written = indent.length + oneLine.length <= printWidth ? oneLine : `"enum": [\n${items.map((item) => `${indent}  ${item}`).join(',\n')}\n${indent}]`;
  const text = schemaText.slice(0, enumStart) + written + schemaText.slice(enumEnd + 1);
  // The place found must be the one the schema means: the ids are now exactly there.
  const ids: unknown = JSON.parse(text)?.properties?.checks?.items?.properties?.id?.enum;
  if (JSON.stringify(ids) !== JSON.stringify(checkIds))
    throw new Error('report.schema.json: the check-id enum is not at properties.checks.items.properties.id');
  return text;
}
