/**
 * Text from a card or a certificate (names, labels, reader names, PKCS#11 strings) is not ours: a
 * CN of `\x1b]0;x\x07` would retitle the terminal, a CSI sequence could repaint what a support
 * person reads. Every text rendering meant for a terminal or a text file passes its untrusted
 * strings through this one function: C0 controls (except a newline in a multi-line block), DEL
 * and C1 controls become a visible `\u001b`-style escape. The `\u` form is also a valid escape
 * inside a JSON string, so escaping a JSON document changes no value (JSON.stringify already
 * escapes C0; this adds DEL and C1).
 */

// eslint-disable-next-line no-control-regex
const controlsExceptNewline = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const allControls = /[\u0000-\u001f\u007f-\u009f]/g;

function escapeOne(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `multiline`: the text is a block of lines (a finding, the APDU log, a whole CLI output), so
 * newlines stay; otherwise (a name, a title, a label) a newline is escaped too, so untrusted data
 * cannot start a line of its own.
 */
export function escapeControlCharacters(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? controlsExceptNewline : allControls, escapeOne);
}
