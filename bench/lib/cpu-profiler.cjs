// Preloaded (node --require) into the api or worker by `npm run bench` with BENCH_CPU_PROF=1.
// Over the IPC channel the bench opens, {benchProfile: 'start'} starts the V8 CPU profiler and
// {benchProfile: 'stop'} writes $BENCH_PROFILE_DIR/<name>-<n>.cpuprofile, so a profile covers
// exactly one measured phase and does not depend on how the app exits. (Not a signal: Nest's
// shutdown hooks treat SIGUSR2 as a shutdown, and SIGUSR1 opens the inspector.)
const { Session } = require('node:inspector');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_PROFILE_DIR;
const name = process.env.BENCH_PROFILE_NAME || 'process';
const session = new Session();
session.connect();
let recording = false;
let count = 0;

function post(method, params) {
  return new Promise((resolve, reject) => session.post(method, params || {}, (error, result) => (error ? reject(error) : resolve(result))));
}

process.on('message', (message) => {
  const command = message && message.benchProfile;
  if (command === 'start' && !recording) {
    recording = true;
    post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
      .then(() => post('Profiler.start'))
      .catch((error) => process.stderr.write(`cpu-profiler: ${error.message}\n`));
    return;
  }
  if (command !== 'stop' || !recording) return;
  recording = false;
  post('Profiler.stop')
    .then(({ profile }) => {
      count += 1;
      const file = join(dir, `${name}-${count}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      process.stderr.write(`cpu-profiler: wrote ${file}\n`);
    })
    .catch((error) => process.stderr.write(`cpu-profiler: ${error.message}\n`));
});
// The channel must not keep the app alive once it has shut down.
process.channel?.unref();
