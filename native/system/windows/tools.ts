/**
 * Windows' own tools by absolute path under %SystemRoot%\System32: started by bare name, Windows
 * looks in the current folder first, so a `sc.exe` planted in the folder Kortkoll was started from
 * would run instead. SystemRoot comes from the environment (C:\Windows when it is missing).
 */
export type WindowsTool = 'sc.exe' | 'reg.exe' | 'certutil.exe' | 'powershell.exe';

const relative: Readonly<Record<WindowsTool, string>> = {
  'sc.exe': 'System32\\sc.exe',
  'reg.exe': 'System32\\reg.exe',
  'certutil.exe': 'System32\\certutil.exe',
  'powershell.exe': 'System32\\WindowsPowerShell\\v1.0\\powershell.exe',
};

export function windowsToolPath(tool: WindowsTool, env: Readonly<Record<string, string | undefined>>): string {
  const root = (env.SystemRoot || env.SYSTEMROOT || 'C:\\Windows').replace(/[\\/]+$/, '');
  return `${root}\\${relative[tool]}`;
}
