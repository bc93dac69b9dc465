import type { ExitStatus } from '@lianjian/shared';

/**
 * Which acts are signed (issue 26 §3): those a county may later be asked to prove. Of the exit procedure, the
 * announcement (公告退出) alone: the steps before it are proven by the announcement's facts, which name them.
 */
export const exitStepSigned = (to: ExitStatus) => to === 'announced';

/** The public signing keys are for anyone to check a signature with: no account, nothing personal in them. */
export const PUBLIC_KEYS_PERMISSION = 'public' as const;
