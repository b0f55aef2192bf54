import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Custom search attributes: lists and statistics come from Temporal visibility, never
// from scanning. The dev server registers them at start (lib/temporal/temporal-cli.ts).
export const ExamStatusKey = defineSearchAttributeKey('ExamStatus', SearchAttributeType.KEYWORD);
export const ExamStepKey = defineSearchAttributeKey('ExamStep', SearchAttributeType.KEYWORD);
export const SubjectKey = defineSearchAttributeKey('Subject', SearchAttributeType.KEYWORD);
export const TenantIdKey = defineSearchAttributeKey('TenantId', SearchAttributeType.KEYWORD);
export const TemplateIdKey = defineSearchAttributeKey('TemplateId', SearchAttributeType.KEYWORD);
export const StudentIdKey = defineSearchAttributeKey('StudentId', SearchAttributeType.KEYWORD);
export const ExamScoreKey = defineSearchAttributeKey('ExamScore', SearchAttributeType.DOUBLE);

export const examSearchAttributes = [ExamStatusKey, ExamStepKey, SubjectKey, TenantIdKey, TemplateIdKey, StudentIdKey, ExamScoreKey];
