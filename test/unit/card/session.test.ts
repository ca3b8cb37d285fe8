import { describe, expect, it } from 'vitest';
import { CardRemovedError, fromHex, toHex } from '../../../native/transport.js';
import type { Clock } from '../../../native/clock.js';
import { ApduError, ApplicationNotAvailableError, MalformedResponseError, ReadLimitError } from '../../../electron/card/errors.js';
import { ApplicationSession, CardSession } from '../../../electron/card/session.js';
import { readBinary, verifyStatus } from '../../../electron/card/iso7816.js';
import { apduScript, discardApduScripts } from './apdu-script.js';

const pkcs15Aid = fromHex('A000000063504B43532D3135');

/** A clock that advances 5 ms every time it is read. */
function steppingClock(): Clock {
  let now = 0;
  return { now: () => new Date(0), monotonicMs: () => (now += 5) };
}

describe('card session', () => {
  it('follows 61xx with GET RESPONSE and joins the data', async () => {
    const transport = apduScript(`
      # SELECT with FCI on a T=0 card: the answer waits behind 61 xx
      => 00A404000CA000000063504B43532D313500
      <= 6110
      => 00C0000010
      <= 000102030405060708090A0B0C0D0E0F 6104
      => 00C0000004
      <= 10111213 9000
    `);
    const session = new CardSession(transport);
    const data = await session.send({ cla: 0, ins: 0xa4, p1: 0x04, p2: 0x00, data: pkcs15Aid, le: 256 });
    expect(toHex(data)).toBe('000102030405060708090A0B0C0D0E0F10111213');
    expect(session.stats().apduCount).toBe(3);
  });

  it('asks again with the exact Le on 6Cxx, once', async () => {
    const transport = apduScript(`
      => 00B0000000
      <= 6CFF
      => 00B00000FF
      <= ${'AA'.repeat(255)} 9000
    `);
    const session = new CardSession(transport);
    const response = await session.exchange(readBinary(0, 256));
    expect(response.data.length).toBe(255);
    expect(response.le).toBe(255);
  });

  it('does not retry a second 6Cxx forever', async () => {
    const transport = apduScript(`
      => 00B0000000
      <= 6C10
      => 00B0000010
      <= 6C08
    `);
    const session = new CardSession(transport);
    await expect(session.send(readBinary(0, 256))).rejects.toMatchObject({ sw: 0x6c08 });
  });

  it('raises ApduError naming the status word', async () => {
    const transport = apduScript(`
      => 00B0000010
      <= 6982
    `);
    const session = new CardSession(transport);
    const error = await session.send(readBinary(0, 16)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApduError);
    expect((error as ApduError).statusWord).toBe('6982');
    expect((error as ApduError).message).toContain('6982');
    expect((error as ApduError).message).toContain('Security status not satisfied');
  });

  it('lets transport errors through unchanged', async () => {
    const transport = apduScript(`
      => 00200081
      <= !card-removed
    `);
    const session = new CardSession(transport);
    await expect(session.exchange(verifyStatus(0x81))).rejects.toBeInstanceOf(CardRemovedError);
    expect(session.stats().apduCount).toBe(1);
    expect(session.exchanges()[0]?.response.length).toBe(0);
  });

  it('rejects a response chain that never ends', async () => {
    const steps = ['=> 00B0000000', '<= 6100'];
    for (let i = 0; i < 4; i++) steps.push('=> 00C0000000', `<= ${'00'.repeat(256)}6100`);
    const session = new CardSession(apduScript(steps.join('\n')), { maxChainedResponses: 3 });
    await expect(session.exchange(readBinary(0, 256))).rejects.toBeInstanceOf(MalformedResponseError);
    discardApduScripts();
  });

  it('counts APDUs, bytes and time', async () => {
    const transport = apduScript(`
      => 00B0000004
      <= 01020304 9000
      => 00B0000404
      <= 0506 6282
    `);
    const session = new CardSession(transport, { clock: steppingClock() });
    await session.exchange(readBinary(0, 4));
    await session.exchange(readBinary(4, 4));
    const stats = session.stats();
    expect(stats).toMatchObject({ apduCount: 2, bytesSent: 10, bytesReceived: 10, transmitMs: 10 });
    expect(stats.elapsedMs).toBeGreaterThan(0);
  });

  it('stops at its APDU bound with a typed error', async () => {
    const transport = apduScript(`
      => 00B0000001
      <= 01 9000
    `);
    const session = new CardSession(transport, { maxApdus: 1 });
    await session.exchange(readBinary(0, 1));
    await expect(session.exchange(readBinary(1, 1))).rejects.toBeInstanceOf(ReadLimitError);
  });

  it('never logs the data of VERIFY', async () => {
    const transport = apduScript(`
      => 0020008106313233343536
      <= 9000
    `);
    const session = new CardSession(transport);
    await session.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: new TextEncoder().encode('123456') });
    const logged = session.exchanges()[0];
    expect(logged?.redacted).toBe(true);
    expect(toHex(logged?.command ?? new Uint8Array())).toBe('0020008106000000000000');
  });
});

describe('application session', () => {
  it('selects its application when opened', async () => {
    const transport = apduScript(`
      => 00A4040C0CA000000063504B43532D3135
      <= 9000
      # reselect after leaving the application
      => 00A4040C0CA000000063504B43532D3135
      <= 9000
    `);
    const application = await ApplicationSession.open(new CardSession(transport), pkcs15Aid);
    expect(toHex(application.aid ?? new Uint8Array())).toBe(toHex(pkcs15Aid));
    await application.reselect();
  });

  it('asks for the FCI when the card refuses P2 = 0C', async () => {
    const transport = apduScript(`
      => 00A4040C0CA000000063504B43532D3135
      <= 6A86
      => 00A404000CA000000063504B43532D313500
      <= 6F0A840841424344454647489000
    `);
    const application = await ApplicationSession.open(new CardSession(transport), pkcs15Aid);
    expect(toHex(application.selectResponse)).toBe('6F0A84084142434445464748');
  });

  it('raises ApplicationNotAvailableError when the card has no such application', async () => {
    const transport = apduScript(`
      => 00A4040C0CA000000063504B43532D3135
      <= 6A82
    `);
    const error = await ApplicationSession.open(new CardSession(transport), pkcs15Aid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationNotAvailableError);
    expect((error as ApplicationNotAvailableError).sw).toBe(0x6a82);
  });
});
