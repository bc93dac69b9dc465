import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';

export const TOTP_ISSUER = '联建 Lianjian';

export function newTotpSecret(): string {
  return generateSecret();
}

/** The otpauth URI and its QR code (a PNG data URL) for an authenticator app. */
export async function enrolment(secret: string, username: string): Promise<{ uri: string; qr: string }> {
  const uri = generateURI({ issuer: TOTP_ISSUER, label: username, secret });
  return {
    uri,
    qr: await (await import('qrcode')).default.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 220 }),
  };
}

/**
 * Checks a six-digit code: one period of clock drift either way, and only a time step after the last one
 * accepted, so a code works once. Returns the step to remember, or null.
 */
export async function checkTotp(secret: string, code: string, lastStep: number | null): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epochTolerance: 30,
    ...(lastStep != null ? { afterTimeStep: lastStep } : {}),
  });
  return result.valid && 'timeStep' in result ? Number(result.timeStep) : null;
}

/** Ten recovery codes, `xxxx-xxxx-xxxx` from an unambiguous alphabet; only their hashes are stored. */
export function newRecoveryCodes(): string[] {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from({ length: 10 }, () => {
    const chars = Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
  });
}

/** A recovery code as it is digested (stored and looked up): trimmed, lower case. */
export const normalRecoveryCode = (code: string) => code.trim().toLowerCase();
export const looksLikeRecoveryCode = (code: string) => /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/i.test(code.trim());
