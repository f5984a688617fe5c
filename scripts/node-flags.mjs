/**
 * V8 flags the api and the workers run with, wherever they are started: scripts/up.mjs and the benchmark
 * use this list, docker/*.Dockerfile repeat it. Node sizes its heap from the machine's memory (gigabytes
 * here) and lets it grow under load; with a cap the peak RSS stays within its budget (about 250 MB per
 * process), paid for with more frequent collection. The live heap of either app is about 60 MB.
 */
export const NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=8'];
