// jest 30 + @swc/jest (not `d2-app-scripts test`, which is jest 27), so that the whole repo runs one jest.
// Run from the root: `npx jest --selectProjects dhis2-app`, or here: `npm test`.
const { swc } = require('../jest.shared')

module.exports = {
  displayName: 'dhis2-app',
  testEnvironment: 'jsdom',
  // Without this jest-environment-jsdom picks the packages' "browser"/ESM builds:
  // "Must use import to load ES Module: .../@react-hook/size/dist/module/index.js".
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
  transform: { '^.+\\.(t|j)sx?$': swc(true) },
  moduleNameMapper: {
    '\\.(css|less)$': '<rootDir>/test/identity-mock.js',
    '^styled-jsx/(css|macro)$': '<rootDir>/test/styled-jsx-mock.js',
  },
  setupFiles: ['<rootDir>/test/structured-clone.js', '<rootDir>/test/intersection-observer.js'],
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/build/', '/.d2/'],
}
