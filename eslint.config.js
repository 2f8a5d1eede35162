import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** One import style across the repo (this block is repeated where a folder sets its own restricted imports). */
const NO_JS_SUFFIX = { regex: '^\\.{1,2}/.*\\.js$', message: 'Relative imports carry no .js suffix (docs/conventions.md §10).' };

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/coverage/**', '**/dist/**', '**/drizzle/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_JS_SUFFIX] }],
    },
  },
  {
    // The Pi's code never loads the simulator (docs/architecture.md §2): outside src/sim/ the edge
    // imports neither packages/sim nor the sim mode, and reaches the optimizer (tfjs) only through
    // a dynamic import() where it is used. Dynamic imports are not checked: they are the lazy path.
    files: ['apps/edge/src/**'],
    ignores: ['apps/edge/src/sim/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@sdfl/sim', message: 'The edge outside src/sim/ must not load the simulator: use @sdfl/hal (Clock, RealClock, Gpio).' },
            { name: '@sdfl/optimizer', allowTypeImports: true, message: 'Load the optimizer (and tfjs) with a dynamic import() where it is used.' },
            { name: 'aedes', message: 'The embedded broker belongs to the sim mode (src/sim/).' },
          ],
          patterns: [
            { group: ['@sdfl/sim/*', '@tensorflow/*'], message: 'The edge outside src/sim/ must not load the simulator or tfjs.' },
            { regex: '^\\.{1,2}/(.*/)?sim/', message: 'Load the sim mode lazily: import("./sim/...") inside the --sim branch.' },
            NO_JS_SUFFIX,
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/test/**', '**/bench/**', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
