// One Jest run over every package. The tier is picked by file name:
//   *.spec.ts      unit and controller-contract specs (fakes for every adapter)
//   *.int-spec.ts  integration specs on real Postgres, NATS and object storage
//   *.e2e-spec.ts  end-to-end specs against the platform started as a user starts it
// JEST_TIER=unit|int|e2e narrows the run; unset runs all three.
const tiers = { unit: '\\.spec\\.ts$', int: '\\.int-spec\\.ts$', e2e: '\\.e2e-spec\\.ts$' };
const tier = process.env.JEST_TIER;
/** @type {import('jest').Config} */
module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: tier ? tiers[tier] : Object.values(tiers).join('|'),
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['source', 'node', 'require', 'default'] },
  testTimeout: 60_000,
};
