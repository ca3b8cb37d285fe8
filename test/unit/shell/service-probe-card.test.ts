/** The service's `probeCard` (behind "Rapportera kortet"): the demo card in demo mode, and no card means a coded error. */
import { describe, expect, it } from 'vitest';
import { createKortkollService } from '../../../electron/service.js';

describe('KortkollService.probeCard', () => {
  it('probes the demo card in demo mode, and the diagnosis of unknown-structure stays as it was', async () => {
    const service = createKortkollService({ demoCard: 'unknown-structure', smartcardListPath: null });
    await service.start();
    try {
      expect(service.getState().report?.verdict.status).toBe('unknown-card');
      const report = await service.probeCard();
      expect(report.structureGuess).toBe('unknown');
      expect(report.probes).toHaveLength(8);
      expect(report.atr.hex).toBe('3B7F96000080318065B08506002A1202F0829000');
      expect(service.getState().report?.verdict.status).toBe('unknown-card');
    } finally {
      await service.close();
    }
  });

  it('rejects with code no-card when there is neither a demo card nor a reader', async () => {
    const service = createKortkollService({ smartcardListPath: null });
    await service.start();
    try {
      await expect(service.probeCard()).rejects.toMatchObject({ code: 'no-card' });
    } finally {
      await service.close();
    }
  });
});
