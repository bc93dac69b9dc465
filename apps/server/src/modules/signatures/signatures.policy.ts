import type { ExitStatus, MonitoringStatus } from '@lianjian/shared';

/**
 * Which acts are signed (issue 26 §3): those a county may later be asked to prove. Of the exit procedure, the
 * announcement (公告退出) alone: the steps before it are proven by the announcement's facts, which name them.
 */
export const exitStepSigned = (to: ExitStatus) => to === 'announced';

/** Of the monitoring procedure, its decisions: to monitor (纳入监测), risk eliminated (风险消除), not to monitor. */
export const monitoringStepSigned = (to: MonitoringStatus) =>
  to === 'monitored' || to === 'eliminated' || to === 'dropped';

/** The public signing keys are for anyone to check a signature with: no account, nothing personal in them. */
export const PUBLIC_KEYS_PERMISSION = 'public' as const;
