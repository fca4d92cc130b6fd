// jsdom does not expose Node's structuredClone, which fake-indexeddb needs to store values.
const { deserialize, serialize } = require('node:v8')

if (typeof globalThis.structuredClone !== 'function') {
  globalThis.structuredClone = (value) => deserialize(serialize(value))
}
