import { PROBLEM_MESSAGES_EN } from '@lianjian/shared';

/** The problem codes' English sentences (the shared registry's), loaded with the English screens. */
export const problemsEn: Readonly<Record<string, string>> = PROBLEM_MESSAGES_EN;
