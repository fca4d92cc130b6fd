const { nodeProject } = require('../../jest.shared')

module.exports = nodeProject('odk-standin')
