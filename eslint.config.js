// ESLint flat config: type-aware rules, and the floors of src/ (DESIGN.md,
// ARCHITECTURE.md) as import fences: each folder imports only the folders below
// it, and each heavy dependency stays inside the one folder that owns it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * FLOORS lists, for each folder of src/, the folders of ours it may import.
 * `ground` is the files directly in src/ (errors, io, parse, version): they import nothing of ours.
 */
export const FLOORS = {
  ground: [],
  results: [],
  traffic: ['results'],
  cluster: ['results'],
  analysis: ['results'],
  report: ['results', 'analysis'],
  dashboard: ['results', 'analysis'],
  run: ['results', 'traffic', 'cluster', 'analysis', 'report', 'dashboard'],
  scenario: ['results', 'traffic', 'cluster', 'analysis', 'report', 'dashboard', 'run'],
  cli: ['results', 'traffic', 'cluster', 'analysis', 'report', 'dashboard', 'run', 'scenario'],
};

// PACKAGES keeps each heavy dependency in the one folder that owns it.
const PACKAGES = [
  { name: '@kubernetes/client-node', owner: 'src/cluster/kube/', message: 'Only src/cluster/kube/ talks to Kubernetes.' },
  { name: 'ink', owner: 'src/dashboard/', message: 'Only src/dashboard/ renders the terminal UI.' },
  { name: 'react', owner: 'src/dashboard/', message: 'Only src/dashboard/ uses React.' },
];

// Fences inside a floor: sub-folders that must not import each other.
const INNER = {
  'cluster/kube': { regex: '^\\.\\./local(/|$)', message: 'The kube and local drivers are independent of each other.' },
  'cluster/local': { regex: '^\\.\\./kube(/|$)', message: 'The kube and local drivers are independent of each other.' },
  'cli/commands': { regex: '^\\./', message: 'Commands do not import each other: shared code goes to cli/ or run/.' },
};

/**
 * dynamicImports is a rule with no-restricted-imports' `paths` and `patterns` options for `import()` expressions,
 * which no-restricted-imports does not see: a lazy import crosses a floor as surely as a static one.
 */
const dynamicImports = {
  meta: { type: 'problem', schema: [{ type: 'object' }] },
  create(context) {
    const { paths = [], patterns = [] } = context.options[0] ?? {};
    const regexes = patterns.map((p) => ({ re: new RegExp(p.regex), message: p.message }));
    return {
      ImportExpression(node) {
        const source = node.source;
        if (source.type !== 'Literal' || typeof source.value !== 'string') return;
        const spec = source.value;
        const hit = paths.find((p) => p.name === spec || spec.startsWith(`${p.name}/`)) ?? regexes.find((p) => p.re.test(spec));
        if (hit) context.report({ node, message: `'${spec}' import is restricted from being used by a pattern. ${hit.message}` });
      },
    };
  },
};
const floorsPlugin = { rules: { 'no-restricted-dynamic-imports': dynamicImports } };

function allowedText(dir) {
  const floor = FLOORS[dir.split('/')[0]] ?? [];
  return [...floor.map((f) => `${f}/`), 'the ground floor (src/*.ts)'].join(', ');
}

/** floorRules is one no-restricted-imports block per folder (flat config does not merge a rule across blocks). */
function floorRules() {
  const folders = Object.keys(FLOORS).filter((f) => f !== 'ground');
  const blocks = [];
  const block = (files, ignores, dir, forbidden, inner) => {
    const up = dir === '' ? '\\./' : '(\\.\\./)+';
    const patterns = [];
    if (forbidden.length > 0) {
      patterns.push({
        regex: `^${up}(${forbidden.join('|')})(/|$)`,
        message: `src/${dir || '*.ts'} may import only ${allowedText(dir)} (the floors: FLOORS in eslint.config.js, ARCHITECTURE.md).`,
      });
    }
    if (inner) patterns.push(inner);
    const owner = `src/${dir}${dir ? '/' : ''}`;
    const paths = PACKAGES.filter((p) => !owner.startsWith(p.owner)).map(({ name, message }) => ({ name, message }));
    blocks.push({
      files,
      ...(ignores.length ? { ignores } : {}),
      plugins: { floors: floorsPlugin },
      rules: {
        'no-restricted-imports': ['error', { paths, patterns }],
        'floors/no-restricted-dynamic-imports': ['error', { paths, patterns }],
      },
    });
  };
  block(['src/*.ts'], [], '', folders);
  for (const f of folders) {
    const allowed = new Set([f, ...FLOORS[f]]);
    const forbidden = folders.filter((g) => !allowed.has(g));
    const subs = Object.keys(INNER).filter((s) => s.startsWith(`${f}/`));
    block([`src/${f}/**/*.ts`, `src/${f}/**/*.tsx`], subs.map((s) => `src/${s}/**`), f, forbidden);
    for (const s of subs) block([`src/${s}/**/*.ts`, `src/${s}/**/*.tsx`], [], s, forbidden, INNER[s]);
  }
  return blocks;
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'bin/**', 'src/report/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Sizes a reader can take in at once (STYLE.md: k6 caps functions near 80 lines, files mostly under ~300):
    // warnings, so a file over the line is seen in every lint run without blocking a fix elsewhere.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    rules: {
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  ...floorRules(),
);
