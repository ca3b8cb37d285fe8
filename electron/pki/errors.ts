/** Why some bytes or text could not be read as a certificate. */
export type CertificateParseErrorCode =
  'empty' | 'not-pem' | 'bad-base64' | 'bad-der' | 'trailing-data' | 'not-a-certificate' | 'bad-field' | 'several-certificates' | 'too-many-objects';

/**
 * The only error the certificate parser throws: whatever the input, a caller catches this one
 * type. Serialises as `{ code, message }` so it can cross IPC and go into a report.
 */
export class CertificateParseError extends Error {
  override readonly name = 'CertificateParseError';
  constructor(
    readonly code: CertificateParseErrorCode,
    message: string,
    /** Index of the PEM block or DER object in a bundle, when there were several. */
    readonly index?: number,
  ) {
    super(message);
  }

  toJSON(): { code: CertificateParseErrorCode; message: string; index?: number } {
    return this.index === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, index: this.index };
  }
}
