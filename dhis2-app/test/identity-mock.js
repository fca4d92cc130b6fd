// Copy of @dhis2/cli-app-scripts/config/jest.identity.mock.js: CSS (modules) imports resolve to an empty object.
module.exports = {}
