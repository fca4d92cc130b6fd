// Shared jest 30 settings for every workspace. Each package's jest.config.js spreads these, so that
// `npm test` at the root (all projects) and `npm test -w <pkg>` behave the same.
const swc = (tsx) => [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx },
      target: 'es2022',
      transform: tsx ? { react: { runtime: 'automatic' } } : undefined,
    },
    module: { type: 'commonjs' },
  },
]

module.exports = {
  nodeProject: (name, extra = {}) => ({
    displayName: name,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)sx?$': swc(false) },
    testMatch: ['<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/build/'],
    ...extra,
  }),
  swc,
}
