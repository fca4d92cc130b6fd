// The bridge's error answer, typed from its own zod schema (bridge-service/src/api/contract.ts): `import type`
// only, the app bundles none of the bridge's code.
import type { z } from 'zod'
import type * as Contract from '@relais/bridge-service/src/api/contract'

export type BridgeErrorBody = z.output<typeof Contract.ErrorBody>
