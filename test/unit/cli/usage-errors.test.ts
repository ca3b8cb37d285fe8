/**
 * The one usage-error path (electron/cli/args.ts): for every command, an unknown option, a missing
 * or empty value, a value given to a switch, an option that takes a value given twice and a stray
 * argument each end with exit 64, nothing on standard output and exactly one line on standard
 * error, in Swedish by default and in English with --lang en (before or after the command).
 */
import { describe, expect, it } from 'vitest';
import { runKortkoll } from './cli-helpers.js';

type Row = [label: string, args: string[], line: string];

/** Per command: the arguments it needs besides the one under test, an option with a value, a switch, and whether it takes positionals. */
const commands: { name: string; needs: string[]; valueOption?: string; switch: string; positionals: boolean }[] = [
  { name: 'readers', needs: [], switch: '--json', positionals: false },
  { name: 'read', needs: [], valueOption: '--reader', switch: '--redact', positionals: false },
  { name: 'probe', needs: [], valueOption: '--demo', switch: '--json', positionals: false },
  { name: 'watch', needs: [], switch: '--json', positionals: false },
  { name: 'diag', needs: [], valueOption: '--html', switch: '--online', positionals: false },
  { name: 'guide', needs: [], valueOption: '--demo', switch: '--once', positionals: false },
  { name: 'cert', needs: ['leaf.pem'], valueOption: '--timeout', switch: '--online', positionals: true },
  { name: 'system', needs: [], valueOption: '--pkcs11-timeout', switch: '--json', positionals: false },
  { name: 'pin', needs: ['test'], valueOption: '--reader', switch: '--pin-stdin', positionals: true },
];

const rows: Row[] = commands.flatMap(({ name, needs, valueOption, switch: flag, positionals }) => {
  const base = [name, ...needs];
  // pin repeats nothing that was typed (it could be a PIN): its unknown option goes unnamed.
  const unknown = name === 'pin' ? 'Okänd flagga. Se kortkoll pin --help.' : `Okänd flagga: --bogus. Se kortkoll ${name} --help.`;
  const list: Row[] = [
    [`${name}: an unknown option`, [...base, '--bogus'], unknown],
    [`${name}: an unknown option with a value`, [...base, '--bogus=1'], name === 'pin' ? unknown : `Okänd flagga: --bogus. Se kortkoll ${name} --help.`],
    [`${name}: a single-dash option`, [...base, '-q'], name === 'pin' ? unknown : `Okänd flagga: -q. Se kortkoll ${name} --help.`],
    [`${name}: a value for a switch`, [...base, `${flag}=yes`], `Flaggan ${flag} tar inget värde.`],
  ];
  if (valueOption) {
    list.push(
      [`${name}: a missing value at the end`, [...base, valueOption], `Flaggan ${valueOption} behöver ett värde.`],
      [`${name}: another option where the value should be`, [...base, valueOption, flag], `Flaggan ${valueOption} behöver ett värde.`],
      [`${name}: an empty value after =`, [...base, `${valueOption}=`], `Flaggan ${valueOption} behöver ett värde.`],
      [`${name}: an empty value`, [...base, valueOption, ''], `Flaggan ${valueOption} behöver ett värde.`],
      [`${name}: a value option given twice`, [...base, `${valueOption}=1`, valueOption, '2'], `Flaggan ${valueOption} är angiven mer än en gång.`],
    );
  }
  if (!positionals) list.push([`${name}: a stray argument`, [...base, 'extra'], `Oväntat argument: extra. Se kortkoll ${name} --help.`]);
  return list;
});

describe('usage errors, per command', () => {
  it.each(rows)('%s: exit 64 and one line', async (_label, args, line) => {
    const run = await runKortkoll(args);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${line}\n`);
  });

  it.each([
    [['--lang', 'en', 'read', '--bogus'], 'Unknown option: --bogus. See kortkoll read --help.'],
    [['read', '--bogus', '--lang=en'], 'Unknown option: --bogus. See kortkoll read --help.'],
    [['--lang=en', 'probe', '--demo'], 'The option --demo needs a value.'],
    [['--lang=en', 'readers', '--json=1'], 'The option --json takes no value.'],
    [['--lang=en', 'guide', '--demo', 'a', '--demo', 'b'], 'The option --demo is given more than once.'],
    [['--lang=en', 'system', 'extra'], 'Unexpected argument: extra. See kortkoll system --help.'],
    [['--lang=en', 'pin', 'test', '--bogus'], 'Unknown option. See kortkoll pin --help.'],
  ])('in English: %j', async (args, line) => {
    const run = await runKortkoll(args);
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(`${line}\n`);
  });

  it('lets a command check its own values down the same path', async () => {
    expect(await runKortkoll(['diag', '--json', '--text'])).toMatchObject({ code: 64, stdout: '', stderr: 'Välj en av --text, --json och --html.\n' });
    expect(await runKortkoll(['--lang', 'en', 'system', '--pkcs11-timeout', 'soon'])).toMatchObject({
      code: 64,
      stderr: 'Invalid timeout: soon. Give seconds from 0.1 to 600, e.g. 5.\n',
    });
    // A value that starts with a dash but is no option of the command is taken as the value, so the
    // command says what is wrong with it (not that it is missing).
    expect((await runKortkoll(['--lang', 'en', 'system', '--pkcs11-timeout', '-1'])).stderr).toBe(
      'Invalid timeout: -1. Give seconds from 0.1 to 600, e.g. 5.\n',
    );
    expect((await runKortkoll(['cert'])).stderr).toBe('Ange minst en certifikatfil. Se kortkoll cert --help.\n');
  });

  it('pin never prints back what was typed where a PIN might have gone', async () => {
    for (const args of [
      ['pin', 'test', '--913572'],
      ['pin', 'test', '--pin', '913572'],
      ['pin', 'test', '--pin=913572'],
      ['pin', 'test', '913572'],
      ['pin', '913572'],
    ]) {
      const run = await runKortkoll(args, {}, { stdin: '' });
      expect(run.code, args.join(' ')).toBe(64);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toContain('913572');
    }
  });
});

describe('option forms that keep working', () => {
  it('takes a value as --demo CARD and as --demo=CARD, and a switch anywhere', async () => {
    const spaced = await runKortkoll(['read', '--demo', 'netid-legacy', '--json']);
    const joined = await runKortkoll(['read', '--json', '--demo=netid-legacy']);
    expect(spaced.code).toBe(0);
    expect(joined.code).toBe(0);
    expect(JSON.parse(joined.stdout).structure).toBe(JSON.parse(spaced.stdout).structure);
  });

  it('repeats the options declared repeatable (cert --anchors, system --pkcs11)', async () => {
    // Both anchors files are named in the refusal of the first unreadable one: they were both taken.
    const run = await runKortkoll([
      '--lang',
      'en',
      'cert',
      '/nonexistent/leaf.pem',
      '--anchors',
      '/nonexistent/a.pem',
      '--anchors=/nonexistent/b.pem',
      '--json',
    ]);
    expect(run.code).not.toBe(64);
    const result = JSON.parse(run.stdout) as { errors?: { file: string }[] };
    expect(JSON.stringify(result)).toContain('/nonexistent/a.pem');
    expect(JSON.stringify(result)).toContain('/nonexistent/b.pem');
  });

  it('reads the files after -- as files, even when they look like options', async () => {
    const run = await runKortkoll(['--lang', 'en', 'cert', '--json', '--', '--lang=sv']);
    expect(run.code).not.toBe(64);
    expect(run.stdout).toContain('--lang=sv');
  });
});
