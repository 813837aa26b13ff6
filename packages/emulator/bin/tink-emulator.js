#!/usr/bin/env node
// The emulator on its own, without the tink CLI: `tink-emulator --help`.
import {main} from '../dist/cli.js'

process.exitCode = await main(process.argv.slice(2))
