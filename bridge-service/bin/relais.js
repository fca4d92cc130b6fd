#!/usr/bin/env node
// The `relais` command. The bridge runs its TypeScript sources through tsx's CommonJS hook, so there is
// no separate build step to forget (see DESIGN.md); startup cost is a fraction of a second.
require('tsx/cjs')
require('../src/cli/main.ts').runFromCommandLine()
