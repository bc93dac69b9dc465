import { randomBytes } from 'node:crypto';

/**
 * A readable one-time password: 16 characters from an unambiguous alphabet, always with upper case, lower case
 * and digits, so it meets the password policy it is about to be replaced under.
 */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  for (;;) {
    const p = Array.from(randomBytes(16), (b) => alphabet[b % alphabet.length]).join('');
    if (/[A-Z]/.test(p) && /[a-z]/.test(p) && /\d/.test(p)) return p;
  }
}
