// Runs alex's text() on standard input and prints its timing and peak memory as JSON.
// Used by bench/lens.py; alex is installed under bench/.node by that script.
import {readFileSync} from 'node:fs'
import {text} from './.node/node_modules/alex/index.js'

const input = readFileSync(0, 'utf8')
text(input.slice(0, 20000)) // warm-up, as for the lens
const start = process.hrtime.bigint()
const file = text(input)
const seconds = Number(process.hrtime.bigint() - start) / 1e9
console.log(
  JSON.stringify({
    seconds,
    findings: file.messages.length,
    peak_kb: process.resourceUsage().maxRSS
  })
)
