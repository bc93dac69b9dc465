import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';

/** A password's stored form: argon2id (the algorithm the assessor expects for passwords, whatever the field crypto). */
export const hashPassword = (password: string) => hash(password, { algorithm: 2 });

/**
 * A readable one-time password: characters from an unambiguous alphabet, always with upper case, lower case and
 * digits, so it meets the password policy it is about to be replaced under. 16 characters by default; an
 * administrator account's is made of two halves of 10, one for each of the two people who opened it.
 */
export function generatePassword(length = 16): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  for (;;) {
    const p = Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
    if (/[A-Z]/.test(p) && /[a-z]/.test(p) && /\d/.test(p)) return p;
  }
}
