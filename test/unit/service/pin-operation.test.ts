/**
 * The service's `pinOperation` (behind the app's PIN dialogs) with the virtual demo cards: the
 * counters the card keeps, the offers in the state, the verdict after an unblock, the busy refusal,
 * and no PIN anywhere in what comes back or in the state.
 */
import { describe, expect, it } from 'vitest';
import { createKortkollService } from '../../../electron/service.js';
import type { AppState, PinOperationResponse } from '../../../electron/ipc-contract.js';
import { VIRTUAL_CARD_PINS } from '../../../native/simulator/cards.js';

const pins = VIRTUAL_CARD_PINS.netid;

function authOffer(state: AppState) {
  return state.pinOperations?.pins.find((offer) => offer.pin === 'authentication');
}

function hex(text: string): string {
  return Buffer.from(text, 'ascii').toString('hex');
}

/**
 * The virtual cards' number (9752269000012345678) happens to contain the virtual PUK's digits: that
 * card data is taken out before looking.
 */
const cardNumbers = /9752269000012345678F?/g;

/** Neither the digits nor their hex (in either case, with or without spaces) in this text. */
function expectNoSecret(raw: string, secrets: string[]): void {
  const text = raw.replace(cardNumbers, '<card number>');
  const compact = text.replace(/\s+/g, '').toLowerCase();
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(compact).not.toContain(hex(secret));
  }
}

async function withService<T>(demoCard: string, run: (service: ReturnType<typeof createKortkollService>) => Promise<T>): Promise<T> {
  const service = createKortkollService({ demoCard, smartcardListPath: null });
  await service.start();
  try {
    return await run(service);
  } finally {
    await service.close();
  }
}

describe('KortkollService.pinOperation (demo cards)', () => {
  it('offers test and change (and unblock, on this PKCS#15 card) for PINs whose counter was read', async () => {
    await withService('netid-legacy', async (service) => {
      const view = service.getState().pinOperations;
      expect(view?.structure).toBe('pkcs15');
      expect(view?.policy).toEqual({ pinDigits: 6, pukDigits: 8 });
      expect(view?.pins.map((offer) => [offer.pin, offer.triesLeft, offer.test, offer.change, offer.unblock, offer.pukTriesLeft])).toEqual([
        ['authentication', 3, true, true, true, null],
        ['signature', 3, true, true, true, null],
      ]);
    });
  });

  it('test with the right PIN: done, the counter unchanged; with a wrong PIN: one try fewer, in the outcome and the state', async () => {
    await withService('netid-legacy', async (service) => {
      const right = await service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: pins.authentication.value }, confirmedLastTry: false });
      expect(right.outcome).toMatchObject({ kind: 'done', operation: 'test', pin: 'authentication', counterAfter: { triesLeft: 3 } });
      expect(authOffer(right.state)?.triesLeft).toBe(3);

      const wrong = await service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: '000000' }, confirmedLastTry: false });
      expect(wrong.outcome).toMatchObject({ kind: 'wrong', wrongOne: 'pin', triesLeft: 2 });
      expect(authOffer(wrong.state)?.triesLeft).toBe(2);
      expect(service.getState().report?.pins.find((pin) => pin.role === 'authentication')?.triesLeft).toBe(2);
      expect('pinCommandSent' in wrong.outcome).toBe(false);
    });
  });

  it('at one try left nothing is sent without the second confirmation; with it the test goes through', async () => {
    await withService('auth-pin-one-try', async (service) => {
      expect(authOffer(service.getState())?.triesLeft).toBe(1);
      const unconfirmed = await service.pinOperation({
        kind: 'test',
        pin: 'authentication',
        values: { pin: pins.authentication.value },
        confirmedLastTry: false,
      });
      expect(unconfirmed.outcome).toMatchObject({ kind: 'refused', reason: 'not-confirmed' });
      expect(authOffer(service.getState())?.triesLeft).toBe(1);
      const confirmed = await service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: pins.authentication.value }, confirmedLastTry: true });
      expect(confirmed.outcome.kind).toBe('done');
      expect(authOffer(confirmed.state)?.triesLeft).toBe(3);
    });
  });

  it('change: the new PIN works afterwards and the old one no longer does', async () => {
    await withService('netid-legacy', async (service) => {
      const changed = await service.pinOperation({
        kind: 'change',
        pin: 'signature',
        values: { current: pins.signature.value, next: '918273', confirmation: '918273' },
        confirmedLastTry: false,
      });
      expect(changed.outcome.kind).toBe('done');
      expect((await service.pinOperation({ kind: 'test', pin: 'signature', values: { pin: '918273' }, confirmedLastTry: false })).outcome.kind).toBe('done');
      expect(
        (await service.pinOperation({ kind: 'test', pin: 'signature', values: { pin: pins.signature.value }, confirmedLastTry: false })).outcome.kind,
      ).toBe('wrong');
    });
  });

  it('auth-pin-blocked: only unblock is offered; the PUK 12345678 unblocks it and the verdict turns ready', async () => {
    await withService('auth-pin-blocked', async (service) => {
      const before = service.getState();
      expect(before.report?.verdict.status).toBe('blocked');
      expect(authOffer(before)).toMatchObject({ blocked: true, test: false, change: false, unblock: true, triesLeft: 0 });
      // The SetCOS PUK counter may not be asked: the second confirmation is needed.
      const unconfirmed = await service.pinOperation({
        kind: 'unblock',
        pin: 'authentication',
        values: { puk: pins.puk.value, next: '246813', confirmation: '246813' },
        confirmedLastTry: false,
      });
      expect(unconfirmed.outcome).toMatchObject({ kind: 'refused', reason: 'not-confirmed' });
      const done = await service.pinOperation({
        kind: 'unblock',
        pin: 'authentication',
        values: { puk: pins.puk.value, next: '246813', confirmation: '246813' },
        confirmedLastTry: true,
      });
      expect(done.outcome).toMatchObject({ kind: 'done', operation: 'unblock', counterAfter: { triesLeft: 3, blocked: false } });
      expect(done.state.report?.verdict.status).toBe('ready');
      expect(authOffer(done.state)).toMatchObject({ blocked: false, test: true, change: true, triesLeft: 3 });
      expect(done.state.guide.steps.every((step) => step.status !== 'blocked')).toBe(true);
      expect((await service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: '246813' }, confirmedLastTry: false })).outcome.kind).toBe(
        'done',
      );
    });
  });

  it('IDPrime cards: test and change offered, unblock not (the core refuses it too)', async () => {
    await withService('siths-eid-idprime', async (service) => {
      const view = service.getState().pinOperations;
      expect(view?.structure).toBe('idprime');
      expect(authOffer(service.getState())).toMatchObject({ test: true, change: true, unblock: false });
      const refused = await service.pinOperation({
        kind: 'unblock',
        pin: 'authentication',
        values: { puk: '12345678', next: '246813', confirmation: '246813' },
        confirmedLastTry: true,
      });
      expect(refused.outcome).toMatchObject({ kind: 'refused', reason: 'unblock-not-offered' });
    });
  });

  it('nothing is offered on a card of unknown structure or a bank card', async () => {
    for (const card of ['unknown-structure', 'bank-card']) {
      await withService(card, async (service) => {
        expect(service.getState().pinOperations).toBeNull();
      });
    }
  });

  it('refuses with code busy while another operation runs (and during a read)', async () => {
    await withService('netid-legacy', async (service) => {
      const first = service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: pins.authentication.value }, confirmedLastTry: false });
      await expect(
        service.pinOperation({ kind: 'test', pin: 'signature', values: { pin: pins.signature.value }, confirmedLastTry: false }),
      ).rejects.toMatchObject({ code: 'busy' });
      expect((await first).outcome.kind).toBe('done');
      const reading = service.runDiagnosis({ online: false });
      await expect(
        service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: pins.authentication.value }, confirmedLastTry: false }),
      ).rejects.toMatchObject({ code: 'busy' });
      await reading;
      // Nothing was sent by the refused calls: the counters are whole.
      expect(authOffer(service.getState())?.triesLeft).toBe(3);
    });
  });

  it('rejects with code no-card when there is neither a demo card nor a reader', async () => {
    const service = createKortkollService({ smartcardListPath: null });
    await service.start();
    try {
      await expect(service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: '123456' }, confirmedLastTry: false })).rejects.toMatchObject({
        code: 'no-card',
      });
    } finally {
      await service.close();
    }
  });

  it('no PIN or PUK (as digits or hex) in the outcomes, the state, the APDU log or any rendered report', async () => {
    const used = [pins.puk.value, '246813', '000000', '135799'];
    await withService('auth-pin-blocked', async (service) => {
      const responses: PinOperationResponse[] = [];
      responses.push(
        await service.pinOperation({
          kind: 'unblock',
          pin: 'authentication',
          values: { puk: pins.puk.value, next: '246813', confirmation: '246813' },
          confirmedLastTry: true,
        }),
      );
      responses.push(await service.pinOperation({ kind: 'test', pin: 'authentication', values: { pin: '000000' }, confirmedLastTry: false }));
      responses.push(
        await service.pinOperation({
          kind: 'change',
          pin: 'authentication',
          values: { current: '246813', next: '135799', confirmation: '135799' },
          confirmedLastTry: false,
        }),
      );
      expect(responses.map((response) => response.outcome.kind)).toEqual(['done', 'wrong', 'done']);
      expectNoSecret(JSON.stringify(responses), used);
      expectNoSecret(JSON.stringify(service.getState()), used);
      for (const format of ['text', 'json', 'html'] as const) expectNoSecret(service.renderReport({ format, redact: false }), used);
    });
  });
});
