/**
 * Cleanup steps (added with `add`, run last added first) and a `run` that does them once, whatever ends the
 * script: its end, a failure, Ctrl-C or SIGTERM (exit 130) or its time limit (exit 1). `first` runs before them.
 */
export function cleanupOnExit(label, timeoutS, first = async () => undefined) {
  const steps = [];
  let running = null;
  const run = () => {
    running ??= (async () => {
      await first();
      for (const step of steps.reverse()) await step().catch((error) => console.error(`${label} cleanup: ${error.message}`));
    })();
    return running;
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`${label}: ${signal}, cleaning up`);
      void run().finally(() => process.exit(130));
    });
  }
  setTimeout(() => {
    console.error(`${label}: still running after ${timeoutS} s; stopping`);
    void run().finally(() => process.exit(1));
  }, timeoutS * 1000).unref();
  return { add: (step) => steps.push(step), run };
}
