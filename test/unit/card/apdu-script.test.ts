import { describe, expect, it } from 'vitest';
import { CardRemovedError, fromHex } from '../../../native/transport.js';
import { ApduScriptError, apduScript, parseApduScript } from './apdu-script.js';

describe('APDU-script harness', () => {
  it('plays a script and accepts hex with spaces and comments', async () => {
    const transport = apduScript(`
      # comment line
      => 00 A4 04 0C 02 3F00   # select
      <= 90 00
    `);
    expect(Array.from(await transport.transmit(fromHex('00A4040C023F00')))).toEqual([0x90, 0x00]);
    transport.assertDone();
  });

  it('fails on an unexpected command, even when the caller swallows the throw', async () => {
    const transport = apduScript(`
      => 00B0000010
      <= 9000
    `);
    await expect(transport.transmit(fromHex('00B0000020'))).rejects.toBeInstanceOf(ApduScriptError);
    expect(() => transport.assertDone()).toThrow(/expected 00B0000010, got 00B0000020/);
  });

  it('fails on commands never sent', async () => {
    const transport = apduScript(`
      => 00B0000010
      <= 9000
      => 00B0001010
      <= 9000
    `);
    await transport.transmit(fromHex('00B0000010'));
    expect(() => transport.assertDone()).toThrow(/1 command\(s\) never sent: line 4: 00B0001010/);
  });

  it('fails on a command after the end of the script', async () => {
    const transport = apduScript('');
    await expect(transport.transmit(fromHex('00B0000010'))).rejects.toThrow(/after the end of the script/);
    expect(() => transport.assertDone()).toThrow(ApduScriptError);
  });

  it('raises scripted transport errors', async () => {
    const transport = apduScript(`
      => 00B0000010
      <= !card-removed
    `);
    await expect(transport.transmit(fromHex('00B0000010'))).rejects.toBeInstanceOf(CardRemovedError);
    transport.assertDone();
  });

  it('rejects malformed scripts', () => {
    expect(() => parseApduScript('<= 9000')).toThrow(/without a command/);
    expect(() => parseApduScript('=> 00B0000010')).toThrow(/no response/);
    expect(() => parseApduScript('=> 00\n=> 00')).toThrow(/two commands/);
    expect(() => parseApduScript('=> 00B0\n<= 90')).toThrow(/SW1 SW2/);
    expect(() => parseApduScript('=> 00B0\n<= !explode')).toThrow(/unknown transport error/);
    expect(() => parseApduScript('hello')).toThrow(/expected "=>"/);
  });
});
