/**
 * The names of the ready virtual cards, without the cards: the CLI's help and the demo picker list
 * them without loading the test PKI and the card builders (cards.ts), which only a demo read needs.
 */
export type VirtualCardName =
  | 'netid-legacy'
  | 'siths-eid-2024'
  | 'auth-pin-blocked'
  | 'auth-pin-one-try'
  | 'puk-blocked'
  | 'auth-cert-expired'
  | 'auth-cert-expiring'
  | 'telia-only'
  | 'bank-card'
  | 'corrupt-cdf'
  | 'test-pki'
  | 'real-test-chain'
  | 'siths-eid-idprime'
  | 'idprime-auth-pin-blocked'
  | 'idprime-auth-pin-one-try'
  | 'idprime-uncompressed'
  | 'idprime-empty-cmapfile'
  | 'idprime-strict'
  | 'idprime-t0'
  | 'reservkort'
  | 'unknown-structure';

export const virtualCardNames: readonly VirtualCardName[] = Object.freeze([
  'netid-legacy',
  'siths-eid-2024',
  'auth-pin-blocked',
  'auth-pin-one-try',
  'puk-blocked',
  'auth-cert-expired',
  'auth-cert-expiring',
  'telia-only',
  'bank-card',
  'corrupt-cdf',
  'test-pki',
  'real-test-chain',
  'siths-eid-idprime',
  'idprime-auth-pin-blocked',
  'idprime-auth-pin-one-try',
  'idprime-uncompressed',
  'idprime-empty-cmapfile',
  'idprime-strict',
  'idprime-t0',
  'reservkort',
  'unknown-structure',
]);

export function isVirtualCardName(s: string): s is VirtualCardName {
  return (virtualCardNames as readonly string[]).includes(s);
}
