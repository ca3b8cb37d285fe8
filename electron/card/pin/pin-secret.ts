/**
 * A PIN or PUK as it travels from the person to the APDU: bytes that can be wiped, never a string
 * (JavaScript strings cannot be cleared). It refuses to be printed, logged or serialised: every
 * way out (toString, JSON, util.inspect) gives `** ** **`. Only `use` hands the digits to the one
 * function that builds the command, and `wipe` zeroes them when the operation is over.
 */
const masked = '** ** **';

export class PinSecret {
  #digits: Uint8Array;
  #wiped = false;

  private constructor(digits: Uint8Array) {
    this.#digits = digits;
  }

  /** Takes the bytes over (the caller's buffer is zeroed, so no second copy remains there). */
  static fromBytes(bytes: Uint8Array): PinSecret {
    const own = Uint8Array.from(bytes);
    bytes.fill(0);
    return new PinSecret(own);
  }

  /** From text typed in a field (the string itself cannot be wiped: callers drop it at once). */
  static fromText(text: string): PinSecret {
    return new PinSecret(new TextEncoder().encode(text));
  }

  get length(): number {
    return this.#wiped ? 0 : this.#digits.length;
  }

  get wiped(): boolean {
    return this.#wiped;
  }

  /** Lends the digits to `build` (which must not keep them); throws once wiped. */
  use<T>(build: (digits: Uint8Array) => T): T {
    if (this.#wiped) throw new Error('The PIN was already wiped');
    return build(this.#digits);
  }

  /** True when both hold the same digits (constant time over the longer length). */
  equals(other: PinSecret): boolean {
    return this.use((a) =>
      other.use((b) => {
        let difference = a.length ^ b.length;
        for (let i = 0; i < Math.max(a.length, b.length); i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
        return difference === 0;
      }),
    );
  }

  wipe(): void {
    this.#digits.fill(0);
    this.#digits = new Uint8Array(0);
    this.#wiped = true;
  }

  toString(): string {
    return masked;
  }

  toJSON(): string {
    return masked;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PinSecret(${masked})`;
  }
}
