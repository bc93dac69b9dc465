export * from './domain.ts';
export * from './permissions.ts';
export * from './workflows.ts';
export * from './accounts.ts';
export * from './procedure.ts';
export * from './problem-codes.ts';
export * from './problem-messages.ts';
export * from './audit-words.ts';
