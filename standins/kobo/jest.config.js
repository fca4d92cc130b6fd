const { nodeProject } = require('../../jest.shared')

module.exports = nodeProject('kobo-standin')
