/**
 * The benchmark's arithmetic: medians, APDU tallies at the card, naming APDUs, the targets of
 * issue 3 and parsing of OpenSC's and ip's output. The benchmark itself (pcscd, timing) is a report
 * run by `npm run bench`, not a test.
 */
import { describe, expect, it } from 'vitest';
import {
  countByKind,
  countPkcs15ToolObjects,
  describeCommand,
  judgeCardTargets,
  judgeColdStartTarget,
  judgeRendererTargets,
  loopbackHasQuickack,
  markdownTable,
  median,
  openscReaderIndex,
  ratio,
  refusedExchanges,
  repeatedSelects,
  spread,
  tallyExchanges,
  textTable,
  type CardExchange,
  type CardFigures,
} from '../../../bench/figures.js';
import { fromHex } from '../../../native/transport.js';

const exchange = (command: string, response: string, latencyMs = 0): CardExchange => ({ command: fromHex(command), response: fromHex(response), latencyMs });

describe('median and spread', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('shows min–max only when the runs differ', () => {
    expect(spread([10, 12, 11])).toBe('11 (10–12)');
    expect(spread([9, 9])).toBe('9');
    expect(spread([])).toBe('–');
    expect(spread([1.25, 1.75], 1)).toBe('1.5 (1.3–1.8)');
  });
});

describe('APDUs counted at the card', () => {
  const log = [
    exchange('00A4040C0CA000000063504B43532D3135', '9000', 10.9),
    exchange('00B00000FF', 'AA'.repeat(255) + '9000', 23.1),
    exchange('00200081', '63C3', 10.3),
    exchange('00A4040C0CA000000063504B43532D3135', '9000', 10.9),
  ];

  it('adds command and response bytes (SW included) and the model’s latency', () => {
    const tally = tallyExchanges(log);
    expect(tally.apdus).toBe(4);
    expect(tally.bytes).toBe(17 + 2 + 5 + 257 + 4 + 2 + 17 + 2);
    expect(tally.modelMs).toBeCloseTo(10.9 + 23.1 + 10.3 + 10.9, 6);
    expect(tallyExchanges([])).toEqual({ apdus: 0, bytes: 0, modelMs: 0 });
  });

  it('groups by command kind in order of first appearance', () => {
    expect(countByKind(log).map((kind) => [kind.kind, kind.apdus, kind.bytes])).toEqual([
      ['SELECT', 2, 38],
      ['READ BINARY', 1, 262],
      ['VERIFY', 1, 6],
    ]);
  });

  it('finds SELECTs sent more than once', () => {
    expect(repeatedSelects(log)).toEqual([{ command: '00A4040C0CA000000063504B43532D3135', times: 2 }]);
    expect(repeatedSelects(log.slice(0, 3))).toEqual([]);
  });

  it('counts exchanges the card refused, but not 61xx, 6282 or a try counter', () => {
    const mixed = [
      exchange('00A4040007A0000000790100', '6A82'),
      exchange('00B0000000', '6CFF'),
      exchange('00A40800024403', '6110'),
      exchange('00B00000FF', 'AA6282'),
      exchange('00200081', '63C2'),
      exchange('00CADF3005', '6D00'),
    ];
    expect(refusedExchanges(mixed)).toBe(3);
  });
});

describe('describeCommand', () => {
  it('names SELECTs by how they select', () => {
    expect(describeCommand(fromHex('00A4040C0CA000000063504B43532D3135'))).toEqual({ kind: 'SELECT', detail: 'by AID A000000063504B43532D3135' });
    expect(describeCommand(fromHex('00A4080C0450154401'))).toEqual({ kind: 'SELECT', detail: 'by path from MF 50154401' });
    expect(describeCommand(fromHex('00A4000C025031')).detail).toBe('by FID 5031');
    expect(describeCommand(fromHex('00A40800024403')).detail).toBe('by path from MF 4403 (asks for FCI)');
  });

  it('reads offset and Le of short and extended READ BINARY', () => {
    expect(describeCommand(fromHex('00B001FEFF'))).toEqual({ kind: 'READ BINARY', detail: 'offset 01FE, Le FF' });
    expect(describeCommand(fromHex('00B00000000800'))).toEqual({ kind: 'READ BINARY', detail: 'offset 0000, Le 0800' });
  });

  it('tells a try-counter VERIFY from one with a PIN', () => {
    expect(describeCommand(fromHex('00200081')).detail).toBe('PIN 81 (no data: try counter)');
    expect(describeCommand(fromHex('002000810831323334353600FF')).detail).toBe('PIN 81 (with PIN)');
  });

  it('knows GET RESPONSE and GET DATA, and falls back to the INS', () => {
    expect(describeCommand(fromHex('00C0000010'))).toEqual({ kind: 'GET RESPONSE', detail: 'Le 10' });
    expect(describeCommand(fromHex('00CADF3005')).kind).toBe('GET DATA');
    expect(describeCommand(fromHex('0084000008'))).toEqual({ kind: 'other', detail: 'INS 84' });
  });
});

function card(
  name: string,
  overrides: {
    apdus?: number;
    wallMs?: number;
    authReadyMs?: number | null;
    fullMs?: number;
    opensc?: CardFigures['opensc'];
    certificates?: number;
    pins?: number;
    outcome?: string;
  },
): CardFigures {
  return {
    card: name,
    ourOutcome: overrides.outcome ?? 'snapshot',
    ours: {
      apdus: overrides.apdus ?? 40,
      bytes: 7000,
      modelMs: 800,
      wallMs: overrides.wallMs ?? 1100,
      wallRuns: [overrides.wallMs ?? 1100],
      peakRssKb: null,
      certificates: overrides.certificates ?? 5,
      pins: overrides.pins ?? 3,
    },
    inProcess: {
      apdus: overrides.apdus ?? 40,
      bytes: 7000,
      modelMs: 800,
      authReadyMs: overrides.authReadyMs === undefined ? 300 : overrides.authReadyMs,
      authReadyFloorMs: 280,
      fullMs: overrides.fullMs ?? 900,
      authReadyRuns: [],
      fullRuns: [],
    },
    opensc: overrides.opensc ?? { apdus: 130, bytes: 9000, modelMs: 1700, wallMs: 1800, wallRuns: [1800], peakRssKb: null, certificates: 5, pins: 3 },
  };
}

describe('judgeCardTargets', () => {
  const verdicts = (cards: CardFigures[]) =>
    Object.fromEntries(judgeCardTargets(cards).map((result) => [result.name.split(' ')[0] + ' ' + result.name.split(' ')[1], result.pass]));

  it('passes when every compared card beats OpenSC and the reads are within the bounds', () => {
    const results = judgeCardTargets([card('a', {}), card('b', { apdus: 16, wallMs: 500, fullMs: 300, authReadyMs: 250 })]);
    expect(results.every((result) => result.pass)).toBe(true);
    expect(results.find((result) => result.name.startsWith('fewer APDUs'))?.detail).toBe('a 40 vs 130; b 16 vs 130');
  });

  it('fails each target on its own figure', () => {
    expect(verdicts([card('a', { apdus: 130 })])['fewer APDUs']).toBe(false);
    expect(verdicts([card('a', { wallMs: 1800 })])['shorter wall']).toBe(false);
    expect(verdicts([card('a', { authReadyMs: 400 })])['auth certificate']).toBe(false);
    expect(verdicts([card('a', { fullMs: 1000 })])['whole card']).toBe(false);
    expect(verdicts([card('a', { certificates: 4 })])['same certificates']).toBe(false);
    expect(verdicts([card('a', { fullMs: 999, authReadyMs: 399 })])['whole card']).toBe(true);
  });

  it('leaves skipped and failed reads out of the OpenSC comparison, and cards without an auth certificate out of auth-ready', () => {
    const results = judgeCardTargets([
      card('good', {}),
      card('bank', { outcome: 'no-pkcs15-application', apdus: 3, fullMs: 30, authReadyMs: null, opensc: { skipped: 'no PKCS#15' } }),
      card('plain', { authReadyMs: null }),
    ]);
    expect(results.every((result) => result.pass)).toBe(true);
    expect(results.find((result) => result.name.startsWith('auth certificate'))?.detail).toBe('good 300 ms');
    expect(results.find((result) => result.name.startsWith('whole card'))?.detail).toBe('good 900 ms; plain 900 ms');
  });

  it('does not pass a target with nothing measured', () => {
    expect(judgeCardTargets([]).every((result) => !result.pass)).toBe(true);
  });

  it('judges the renderer figures of issue 5', () => {
    expect(judgeRendererTargets({ jsGzipBytes: 150 * 1024, verdictPaintMs: 300 }).map((r) => r.pass)).toEqual([true, true]);
    expect(judgeRendererTargets({ jsGzipBytes: 150 * 1024 + 1, verdictPaintMs: 301 }).map((r) => r.pass)).toEqual([false, false]);
  });

  it('judges the cold start on the median of the --help runs, and fails when nothing was measured', () => {
    expect(judgeColdStartTarget([300, 100, 120]).pass).toBe(true);
    expect(judgeColdStartTarget([121, 60, 500]).pass).toBe(false);
    expect(judgeColdStartTarget([121, 60, 500]).detail).toBe('121 ms');
    expect(judgeColdStartTarget([]).pass).toBe(false);
  });
});

describe('tables', () => {
  it('ratio is ours over theirs, and none without a denominator', () => {
    expect(ratio(47, 130)).toBe('0.36');
    expect(ratio(1, 0)).toBe('–');
  });

  it('pads text tables, figures to the right and words to the left', () => {
    expect(
      textTable(
        ['card', 'APDUs'],
        [
          ['netid-legacy', '47'],
          ['x', '130'],
        ],
      ).split('\n'),
    ).toEqual(['card         | APDUs', '-------------|------', 'netid-legacy |    47', 'x            |   130']);
  });

  it('escapes pipes in Markdown and right-aligns figure columns', () => {
    expect(markdownTable(['a', 'b'], [['x|y', '1']])).toBe('| a | b |\n|---|---:|\n| x\\|y | 1 |');
  });
});

describe('parsing tool output', () => {
  it('counts certificates and PINs listed by pkcs15-tool', () => {
    const stdout =
      'X.509 Certificate [Åsa Lindström, Region Stockholm]\n\tObject Flags   : [0x00]\n\nX.509 Certificate [CA]\n\tAuthority : yes\n\nPIN [Legitimering]\n\tReference : 129 (0x81)\n\nPIN [PUK]\n\tFlags : unblockingPin\n';
    expect(countPkcs15ToolObjects(stdout)).toEqual({ certificates: 2, pins: 2, pinReferences: [0x81] });
    expect(countPkcs15ToolObjects('No card present.\n')).toEqual({ certificates: 0, pins: 0, pinReferences: [] });
  });

  it('finds the reader index in opensc-tool --list-readers', () => {
    const stdout = '# Detected readers (pcsc)\nNr.  Card  Features  Name\n0    No              Virtual PCD 00 00\n1    Yes             Virtual PCD 00 01\n';
    expect(openscReaderIndex(stdout, 'Virtual PCD 00 01')).toBe(1);
    expect(openscReaderIndex(stdout, 'Virtual PCD 00 00')).toBe(0);
    expect(openscReaderIndex(stdout, 'Virtual PCD 00')).toBeUndefined();
    expect(openscReaderIndex('No smart card readers found.\n', 'Virtual PCD 00 00')).toBeUndefined();
  });

  it('sees quickack on the loopback route only where it is set', () => {
    const withQuickack =
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 \nlocal 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 quickack 1 \n';
    expect(loopbackHasQuickack(withQuickack)).toBe(true);
    expect(loopbackHasQuickack(withQuickack.replace(' quickack 1', ''))).toBe(false);
    expect(loopbackHasQuickack('local 127.0.0.0/8 dev lo quickack 1\n')).toBe(false);
  });
});
