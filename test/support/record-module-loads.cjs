// Preloaded with `node -r` by tracing.e2e-spec: writes, at exit, the packages the process required, in first-load order.
const Module = require('node:module');
const { writeFileSync } = require('node:fs');

const loaded = [];
const load = Module._load;
Module._load = function recordLoad(request, ...rest) {
  if (!request.startsWith('.') && !request.startsWith('/') && !loaded.includes(request)) loaded.push(request);
  return load.call(this, request, ...rest);
};
process.on('exit', () => writeFileSync(process.env.MODULE_LOADS_FILE, JSON.stringify(loaded)));
