#!/usr/bin/env node
// What `oclif generate` gives, less the plugins: @oclif/core resolves to the project's copy.
import {execute} from '@oclif/core'

await execute({dir: import.meta.url})
