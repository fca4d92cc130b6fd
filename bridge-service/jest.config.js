const { nodeProject } = require('../jest.shared')

module.exports = nodeProject('bridge-service')
