import { PERMISSIONS, USER_ROLES } from '@lianjian/shared';
import { z } from 'zod';

export const Me = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(USER_ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
    memberId: z.string().nullable().describe('The party member this account belongs to, if any: their own duty record'),
    scope: z.object({
      regionCode: z.string().nullable(),
      regionName: z.string().nullable(),
      orgId: z.string().nullable(),
      orgName: z.string().nullable(),
    }),
    totpEnabled: z.boolean(),
    pending: z
      .enum(['password_change', 'totp_enrollment'])
      .nullable()
      .describe('What the account must do before it can work'),
  })
  .meta({ id: 'Me' });

export const Login = z
  .strictObject({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(128),
    code: z
      .string()
      .trim()
      .max(20)
      .optional()
      .describe('Six-digit TOTP code, or a recovery code, once the password is accepted'),
  })
  .meta({ id: 'Login' });

export const PasswordChange = z
  .strictObject({ currentPassword: z.string().min(1).max(128), newPassword: z.string().min(1).max(256) })
  .meta({ id: 'PasswordChange' });
export const TotpStart = z
  .strictObject({
    password: z
      .string()
      .min(1)
      .max(128)
      .describe("The account's password, asked again before a new second factor is made"),
  })
  .meta({ id: 'TotpStart' });
export const TotpSetup = z
  .object({ secret: z.string(), uri: z.string(), qr: z.string().describe('PNG data URL of the otpauth URI') })
  .meta({ id: 'TotpSetup' });
export const RecoveryCodes = z.object({ recoveryCodes: z.array(z.string()) }).meta({ id: 'RecoveryCodes' });

export const TotpEnable = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(/^\d{6}$/, '请输入 6 位数字验证码'),
  })
  .meta({ id: 'TotpEnable' });
