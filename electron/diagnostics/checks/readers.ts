/** Which readers the service sees, and whether one of them is a poor place for the card. */
import { defineCheck } from './check.js';

export const contactlessReaderName = /contactless|\bpicc\b|\bnfc\b|\bcl\b|\(cl\)/i;
const windowsVirtualReaderName = /windows hello|microsoft virtual smart card|\bvirtual smart card\b|\bvsc\b/i;

export const readersCheck = defineCheck({
  id: 'readers',
  after: 'pcsc-service',
  missingLayer: { status: 'no-reader', headline: 'verdictNoReader', advice: 'readersNoneRemedy' },
  warns: { rank: 6 },
  run(facts, w) {
    const evidence = facts.readers.map((r) => ({ key: 'reader', label: w.t('ev.reader'), value: r.name }));
    if (facts.readers.length === 0) return { status: 'error', summary: w.t('readersNone'), remedy: w.remedy('readersNoneRemedy', 'self') };
    const remote = facts.system?.find((f) => f.key === 'session.remote')?.value;
    if (typeof remote === 'string' && !['none', 'unknown'].includes(remote)) {
      return { status: 'warning', summary: w.t('readersRemote', { kind: remote }), evidence, remedy: w.remedy('readersRemoteRemedy', 'local-it') };
    }
    const windowsVirtual = facts.readers.find((r) => windowsVirtualReaderName.test(r.name));
    if (windowsVirtual)
      return {
        status: 'warning',
        summary: w.t('readersWindowsHello', { name: windowsVirtual.name }),
        evidence,
        remedy: w.remedy('readersWindowsHelloRemedy', 'local-it'),
      };
    const selected = facts.readers.find((r) => r.name === facts.selectedReader);
    if (selected && contactlessReaderName.test(selected.name))
      return { status: 'warning', summary: w.t('readersContactless', { name: selected.name }), evidence, remedy: w.remedy('readersContactlessRemedy', 'self') };
    return { status: 'ok', summary: w.t('readersFound', { count: facts.readers.length }), evidence };
  },
});
