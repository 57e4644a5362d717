// Types of folderRules.js (plain JS so eslint.config.js can import it without a build step).
export const FOLDER_RULES: Record<string, { may: string[]; why: string }>;
export const SUBFOLDER_RULES: Record<string, { forbid: string[]; packages?: string[]; why: string }>;
export const folderRuleConfigs: unknown[];
export function folderRulesMarkdown(): string;
