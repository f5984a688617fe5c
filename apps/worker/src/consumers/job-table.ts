import type { JobHandlerMap, JobName, JobPayloads } from '@app/queue-contracts';

/**
 * The boot check of a queue's handler table: every job name of the enum has exactly one handler, and
 * the table names no job that does not exist. The compiler checks a literal table; this also catches
 * what it cannot: two enum members sharing one name (one handler for two jobs), a table built with a cast.
 */
export function checkJobTable<Table extends object>(queue: string, names: Readonly<Record<string, string>>, table: Table): Table {
  const problems: string[] = [];
  const known = new Set<string>();
  for (const [member, name] of Object.entries(names)) {
    if (known.has(name)) problems.push(`${member} reuses the job name "${name}"`);
    known.add(name);
  }
  const handlers = table as Record<string, unknown>;
  for (const name of known) if (typeof handlers[name] !== 'function') problems.push(`no handler for "${name}"`);
  for (const name of Object.keys(handlers)) if (!known.has(name)) problems.push(`a handler for "${name}", which is no job name`);
  if (problems.length > 0) throw new Error(`Job handlers of ${queue}: ${problems.join('; ')}`);
  return table;
}

export function isNameOf<Name extends string>(names: Readonly<Record<string, Name>>, name: string): name is Name {
  return (Object.values(names) as string[]).includes(name);
}

/** A job's name and data come together from the producer's typed enqueue (RegionQueues), so the name picks the payload's handler. */
export function dispatchJob<Context, Name extends JobName>(
  handlers: JobHandlerMap<Context>,
  name: Name,
  payload: JobPayloads[Name],
  context: Context,
): Promise<unknown> {
  return handlers[name](payload, context);
}
