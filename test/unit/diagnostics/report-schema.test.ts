/** The JSON schema's check ids come from `checkIds`: the committed schema must be what the generator writes. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkIds } from '../../../electron/diagnostics/report-types.js';
import { reportSchemaWithCheckIds } from '../../../electron/diagnostics/report-schema.js';

const schemaPath = fileURLToPath(new URL('../../../electron/diagnostics/report.schema.json', import.meta.url));
const committed = readFileSync(schemaPath, 'utf8');

describe('report.schema.json', () => {
  it('is what the generator writes from checkIds (run this test with -u to write it)', async () => {
    await expect(reportSchemaWithCheckIds(committed)).toMatchFileSnapshot(schemaPath);
  });

  it('lists exactly the check ids, in their order', () => {
    expect(JSON.parse(committed).properties.checks.items.properties.id.enum).toEqual([...checkIds]);
  });

  it('the generator replaces a stale enum, one id per line where the list is long', () => {
    const stale = committed.replace('"system-clock"\n', '"system-clock",\n              "retired-check"\n').replace('"chain",\n', '');
    expect(stale).not.toBe(committed);
    expect(reportSchemaWithCheckIds(stale)).toBe(committed);
  });

  it('refuses a schema without the enum rather than writing it somewhere else', () => {
    expect(() => reportSchemaWithCheckIds(committed.replace('"checks": {', '"checkList": {'))).toThrow(/no enum of check ids/);
  });
});
