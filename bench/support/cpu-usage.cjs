// Preloaded (node -r) into each timed run by `npm run bench -- --cpu`: the process's CPU time
// (user + system, every thread) at exit, written to the file TINK_BENCH_CPU_FILE names. CPU time
// depends far less than wall time on what else the machine runs.
process.on('exit', () => {
  const {user, system} = process.cpuUsage()
  require('node:fs').writeFileSync(process.env.TINK_BENCH_CPU_FILE, String((user + system) / 1000))
})
