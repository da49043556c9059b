import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Import boundaries (docs/DEVELOPING.md, "Module edges"): each entry is one rule a change must not break. */
const nest = {
  group: ['@nestjs/*', 'ioredis', 'bullmq', 'socket.io'],
  message: 'libs know nothing of Nest, Redis or BullMQ.',
};
const apps = { group: ['**/apps/**', '@oar-live/api', '@oar-live/web'], message: 'libs never import apps.' };
const anyTest = { regex: '(^|/)test/', message: 'Production code never imports test/.' };
/** Specs run without Redis and the OAR sandbox: only the pure helpers of test/support. */
const testServices = {
  regex: '(^|/)test/(?!support/(oar-fixtures|json-shape|free-port|live-fixtures)$)',
  message:
    'A unit spec imports only the pure helpers test/support/{oar-fixtures,json-shape,free-port,live-fixtures}; a test that needs real services belongs in test/.',
};
const operations = {
  regex: '/operations/(?!operations\\.module$)',
  message:
    'Only the operations module itself reaches into operations/ (move what others need to common/ or libs/shared).',
};
const capabilities = { regex: '^\\.\\./', message: 'config/ and metrics/ depend on no other capability.' };
const web = { group: ['**/apps/web/**'], message: 'The API serves the built web app; it imports none of its code.' };
const oarLibs = {
  group: ['@oar-live/shared', '@oar-live/oar-sim'],
  message: 'oar-client is the bottom layer: it imports no other workspace.',
};
const server = {
  group: ['@nestjs/*', '**/apps/api/**', 'ioredis', 'bullmq'],
  message: 'The web app shares code with the server only through libs/shared and the oar-client model.',
};
/** Web specs run in node (a loopback server stands in for the API); the web app itself runs in the browser. */
const nodeBuiltins = { group: ['node:*'], message: 'The web app runs in the browser.' };

/**
 * `no-restricted-imports` for the files under `dirs`: `patterns` everywhere, `productionOnly` outside specs,
 * plus no test/ import in production code and only the pure test helpers in specs (ESLint keeps one set of
 * options per rule, so the two configs never overlap).
 */
function boundary(dirs, patterns, productionOnly = []) {
  const files = dirs.map((dir) => `${dir}/**/*.ts`);
  const specs = dirs.map((dir) => `${dir}/**/*.spec.ts`);
  const rule = (list) => ({ 'no-restricted-imports': ['error', { patterns: list }] });
  return [
    { files, ignores: specs, rules: rule([...patterns, ...productionOnly, anyTest]) },
    { files: specs, rules: rule([...patterns, testServices]) },
  ];
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    // Type-aware rules: the code relies on fire-and-forget discipline (`void …`) and on switches over
    // event and state unions; these make the compiler's types enforce both.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // The web first: its files need the DOM library; everything else is in tsconfig.jest.json.
        project: ['apps/web/tsconfig.json', 'tsconfig.jest.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  ...boundary(['libs/oar-client/src'], [nest, apps, oarLibs]),
  ...boundary(['libs/shared/src', 'libs/oar-sim/src'], [nest, apps]),
  ...boundary(['apps/api/src/operations'], [web]),
  ...boundary(['apps/api/src/{auth,live,cluster,common,health,oar,web}'], [web, operations]),
  ...boundary(['apps/api/src/{config,metrics}'], [web, capabilities]),
  { files: ['apps/api/src/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [web, anyTest] }] } },
  ...boundary(['apps/web/src'], [server], [nodeBuiltins]),
);
