// Runs alex's text() on standard input and prints its timing and peak memory as JSON.
// Used by bench/lens.py; alex is installed under bench/.node by that script.
import {readFileSync} from 'node:fs'
import {text} from './.node/node_modules/alex/index.js'

const input = readFileSync(0, 'utf8')
text(input.slice(0, 20000)) // warm-up, as for the lens
let seconds = Infinity
let file
let peak = 0
for (let pass = 0; pass < 3; pass++) {
  // Three timed passes, the fastest counts; memory after the first, as for the lens.
  const start = process.hrtime.bigint()
  file = text(input)
  seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9)
  peak = peak || process.resourceUsage().maxRSS
}
console.log(
  JSON.stringify({
    seconds,
    findings: file.messages.length,
    peak_kb: peak
  })
)
