import { readFileSync } from 'node:fs'
import { formatPreview } from './src'
import { mapperFor } from './test-fixtures/seed'
const rows = JSON.parse(readFileSync('samples/partenaires.messy.records.json', 'utf8')) as unknown[]
console.log(formatPreview(mapperFor('csv-partenaires').mapBatch(rows), { json: false, values: false, locale: process.argv[2] === 'en' ? 'en' : 'fr' }))
