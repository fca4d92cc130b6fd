const { nodeProject } = require('../jest.shared')

module.exports = nodeProject('mappings')
