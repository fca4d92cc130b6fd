// `npm test` runs every package's suite and the cross-package tests in one jest run.
module.exports = {
  projects: [
    '<rootDir>/mappings',
    '<rootDir>/metadata',
    '<rootDir>/standins/dhis2',
    '<rootDir>/standins/kobo',
    '<rootDir>/standins/odk',
    '<rootDir>/bridge-service',
    '<rootDir>/tests',
    '<rootDir>/dhis2-app',
  ],
}
