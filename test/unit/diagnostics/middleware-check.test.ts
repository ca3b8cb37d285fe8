import { describe, expect, it } from 'vitest';
import { compareMiddlewareWithCard, type Pkcs11ModuleView } from '../../../native/system/index.js';
import { buildDiagnosticReport, type DiagnosisFacts } from '../../../electron/diagnostics/diagnose.js';
import { diagnoseVirtualCard, fixedNow } from './diagnosis-helpers.js';

/** The middleware check when the PKCS#11 module was asked: the module's answers, said plainly. */
describe('the middleware check with the module’s own view', () => {
  async function reportWith(view: Pkcs11ModuleView) {
    const { read, analysis } = await diagnoseVirtualCard('netid-legacy');
    if (read.kind !== 'snapshot') throw new Error('expected a snapshot');
    const comparison = compareMiddlewareWithCard(
      view,
      read.certificates.map((c) => c.der),
      [],
    );
    const facts: DiagnosisFacts = {
      generatedAt: fixedNow,
      app: { version: '0.1.0' },
      os: { name: 'Linux', platform: 'linux', arch: 'x64' },
      online: false,
      demoCard: null,
      service: { available: true },
      readers: [{ name: read.reader, cardPresent: true }],
      selectedReader: read.reader,
      reading: false,
      read,
      analysis,
      system: null,
      middleware: [comparison],
    };
    return buildDiagnosticReport(facts, 'en').checks.find((c) => c.id === 'middleware');
  }

  it('a crashed module is a warning that names it, with a remedy for local IT', async () => {
    const check = await reportWith({
      modulePath: '/opt/netid/libiidp11.so',
      durationMs: 5,
      status: 'crashed',
      stage: 'get-slot-list',
      signal: 'SIGSEGV',
      exitCode: null,
      stderrTail: '',
    });
    expect(check?.status).toBe('warning');
    expect(check?.summary).toContain('libiidp11.so');
    expect(check?.evidence.find((e) => e.key === 'middlewareModule')?.value).toBe('could not be asked (crashed)');
    expect(check?.remedy?.contact).toBe('local-it');
  });

  it('a module that lists no token of this card does not see it', async () => {
    const check = await reportWith({ modulePath: '/usr/lib/opensc-pkcs11.so', durationMs: 5, status: 'ok', info: null, slots: [], warnings: [] });
    expect(check?.status).toBe('warning');
    expect(check?.evidence.find((e) => e.key === 'middlewareModule')?.value).toBe('does NOT see the card');
  });
});
