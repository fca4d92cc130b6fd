import { readFileSync } from 'node:fs'
import { compileYaml, formatPreview, formatSpecError, type MetadataSnapshot } from './src'
const meta = JSON.parse(readFileSync('test-fixtures/small-seed-metadata.json', 'utf8')) as MetadataSnapshot
for (const f of ['kobo-rapport-rc', 'csv-partenaires']) {
  const r = compileYaml(readFileSync(`specs/${f}.yaml`, 'utf8'), meta, { now: '2026-10-05T10:00:00' })
  if (!r.ok) { console.log(r.errors.map((e) => formatSpecError(e, 'en', f)).join('\n')); continue }
  console.log(f, 'ok', r.warnings)
  const rec = { _id: 1, 'meta/instanceID': 'uuid:a', 'identification/rc_code': 'rc-aq-00004 ', 'identification/mois': 'sept. 2026', 'vih/sens_m_moins15': '1 200', 'palu/tdr': '3', 'palu/tdr_pos': '5', 'general/rupture': 'Oui', 'general/difficultes': 'x' }
  console.log(formatPreview(r.mapper.mapBatch([rec, {}, { code_rc: 'RC-AQ-4', mois: '46280' }]), { json: false }))
}
