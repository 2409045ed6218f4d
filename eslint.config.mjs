// Lint: typescript-eslint with the type-aware rules that catch real bugs here (promises nobody awaits, promises
// passed where a callback is expected, `any` crossing a boundary), and the dependency rules of
// docs/architecture.md (see LAYERS below), so a module loop cannot come back unnoticed.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** it() and test(), the functions whose first argument is a test's title. */
const TEST_FN = '/^(it|test)$/';

// Dependencies go one way. Every folder of src/ sits in one layer and may import only folders of lower layers:
// nothing in config/ or common/ imports a feature, the comment core sits below comments, moderation, dsa and
// privacy (DSA effects are passed to it from above), and two folders of one layer never import each other. The
// files directly in src/ (main, app module and factory) are the top and may import anything. Specs (*.spec.ts)
// exercise a unit with real collaborators and are exempt. A folder missing here fails the lint run: a new module
// must take its place in the map (and in docs/architecture.md).
const LAYERS = [
  ['config', 'generated'],
  ['common'],
  ['database'],
  ['prisma'],
  ['audit', 'events'],
  ['users', 'articles', 'triage'],
  ['auth', 'word-filter'],
  ['comment-core'],
  ['dsa', 'holds', 'import'],
  ['comments', 'webhooks', 'decision-reasons', 'staff-notes', 'setup'],
  ['moderation', 'live', 'threads', 'client-config', 'mail'],
  ['privacy', 'health', 'admin-lists', 'staff-events', 'user-history'],
  ['web'],
];
const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i])));
const unplaced = readdirSync(new URL('./src', import.meta.url), { withFileTypes: true })
  .filter((e) => e.isDirectory() && !layerOf.has(e.name))
  .map((e) => e.name);
if (unplaced.length) throw new Error(`eslint.config.mjs: src/${unplaced.join(', src/')} has no layer in LAYERS`);

/** no-restricted-imports for the files of `folder` that sit `depth` folders below src/ (relative imports only). */
function layerRule(folder, depth) {
  const up = `^(\\.\\./){${depth}}`;
  const forbidden = [...layerOf].filter(([f, i]) => f !== folder && i >= layerOf.get(folder)).map(([f]) => f);
  return {
    files: [`src/${folder}/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `${up}(${forbidden.join('|')})/`,
              message: `src/${folder} may import only lower layers (LAYERS in eslint.config.mjs, docs/architecture.md)`,
            },
            { regex: `${up}[^./][^/]*$`, message: 'only the files of the app itself (main, app.module, app.factory) import src/*.ts' },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'src/generated/', 'node_modules/', 'bench/results/', '.data/', 'scripts/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: {
          allowDefaultProject: ['*.mjs', 'scripts/*.mjs', 'bench/*.mjs'],
          // The .mjs scripts and benchmarks sit outside tsconfig.json.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 40,
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    // The service's own code: `any` must not cross into typed code unnoticed (request bodies, JSON, SQL rows).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    // Tests read as specifications: every it()/test() title starts with "should", it.each, it.skip, it.runIf(…)
    // and the like included (a title built at run time, e.g. from a variable, is not checked).
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...[
          `[callee.name=${TEST_FN}]`,
          `[callee.object.name=${TEST_FN}][callee.property.name=/^(skip|only|todo|fails|concurrent|sequential)$/]`,
          `[callee.callee.object.name=${TEST_FN}]`,
        ].flatMap((callee) =>
          [
            `[arguments.0.type='Literal']:not([arguments.0.value=/^should /])`,
            `[arguments.0.type='TemplateLiteral']:not([arguments.0.quasis.0.value.raw=/^should /])`,
          ].map((title) => ({
            selector: `CallExpression${callee}${title}`,
            message: 'Test titles start with "should": `it(\'should answer 404 for an unknown slug\')`.',
          })),
        ),
      ],
    },
  },
  {
    // The pages' code runs in browsers.
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    // Command-line programs and the test reporter talk to a terminal.
    files: ['scripts/**', 'bench/**', 'src/**/*.cli.ts', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  ...[...layerOf.keys()].filter((f) => f !== 'generated').flatMap((folder) => [1, 2, 3].map((depth) => layerRule(folder, depth))),
);
