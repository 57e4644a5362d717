import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { folderRuleConfigs } from './scripts/lint/folderRules.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'artifacts/**', 'test-results/**', 'experiment/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The project's security rules: no eval, no HTML injection of model/user text.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Render model and user text as text.' },
        { property: 'outerHTML', message: 'Render model and user text as text.' },
        { property: 'insertAdjacentHTML', message: 'Render model and user text as text.' }],
      'no-restricted-syntax': ['error',
        { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: 'Render model and user text as text.' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'react-hooks/set-state-in-effect': 'off',
    },
  },
  // What each folder of src/ may import (docs/architecture.md, Folder rules).
  ...folderRuleConfigs,
);
