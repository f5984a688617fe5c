// setupFiles of jest's `postgres` project: the processes these test files start keep their queues,
// events and counters in PostgreSQL (single-machine mode).
process.env.FLOWLINE_TEST_QUEUE_BACKEND = 'postgres';
