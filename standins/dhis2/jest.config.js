const { nodeProject } = require('../../jest.shared')

module.exports = nodeProject('dhis2-standin')
